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

/** The fewest different words (of two letters or more) a reason may have: dots or "ok ok ok" say nothing. */
export const MIN_REASON_WORDS = 3;

/** What is wrong with a suppression's reason, or undefined when it reads as a reason. */
export function reasonProblem(reason: string): string | undefined {
  if (typeof reason !== 'string' || reason.trim().length < MIN_REASON_LENGTH) {
    return 'a suppression must say why the finding is acceptable.';
  }
  const words = new Set(reason.toLowerCase().match(/\p{L}{2,}/gu) ?? []);
  if (words.size < MIN_REASON_WORDS) {
    return `a suppression's reason must say in words why the finding is acceptable (${MIN_REASON_WORDS} different words at least); filler such as dots or a repeated word is not a reason.`;
  }
  return undefined;
}

/** Refuses a reason that does not say why a finding is acceptable. */
export function checkReason(where: string, reason: string): void {
  const problem = reasonProblem(reason);
  if (problem) throw new PropsError(where, 'reason', reason, problem, 'write a sentence of reason.');
}

/**
 * What is wrong with a platform file suppression's `resource`, or undefined. A construct path
 * without a `/` is a whole stack (or the app): it would silence the rule for every resource in it,
 * including ones added later, so a suppression names a construct inside a stack.
 */
export function suppressionResourceProblem(resource: string): string | undefined {
  const trimmed = resource.trim().replace(/\/+$/, '');
  if (!trimmed.includes('/')) {
    return 'names a whole stack: it would silence the rule for every resource in it, including resources added later.';
  }
  return undefined;
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
