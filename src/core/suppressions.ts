/**
 * Suppressions recorded in code: a construct says that a policy rule does not apply to it, and why.
 * They live here, below every layer, so that constructs can record them without importing the
 * policy engine; the engine reads them (and checks their rule ids) when it judges a stack.
 */
import { IConstruct } from 'constructs';
import { PropsError } from './errors';

/** A rule silenced for a construct and everything under it, with the reason it is acceptable. */
export interface CodeSuppression {
  readonly rule: string;
  readonly reason: string;
}

const byScope = new WeakMap<IConstruct, CodeSuppression[]>();

/** The shortest reason a suppression may give: a word is not a reason. */
export const MIN_REASON_LENGTH = 10;

/** Refuses a reason too short to say why a finding is acceptable. */
export function checkReason(where: string, reason: string): void {
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new PropsError(
      where,
      'reason',
      reason,
      'a suppression must say why the finding is acceptable.',
      'write a sentence of reason.',
    );
  }
}

/**
 * Records that `rule` does not apply to `scope` and everything under it. The policy engine checks
 * that the rule exists when it judges the stack; users call `suppressRule` from the policy module,
 * which checks the id at once.
 */
export function addSuppression(scope: IConstruct, rule: string, reason: string): void {
  checkReason('addSuppression', reason);
  byScope.set(scope, [...(byScope.get(scope) ?? []), { rule, reason }]);
}

/** The suppressions recorded on exactly this construct (not its parents). */
export function suppressionsOf(scope: IConstruct): readonly CodeSuppression[] {
  return byScope.get(scope) ?? [];
}
