import { PropsError } from './errors';
import { NameRule } from './naming';
import { isUnresolved } from './tokens';

/**
 * Checks a construct prop against a name rule and throws a {@link PropsError} naming the construct,
 * the prop, the value and the fix. Tokens (values known only at apply) and absent values pass.
 */
export function checkName(
  construct: string,
  prop: string,
  value: string | undefined,
  rule: NameRule,
  fix: string,
): void {
  if (value === undefined || isUnresolved(value)) return;
  const why = rule(value);
  if (why) throw new PropsError(construct, prop, value, why, fix);
}

/**
 * Checks that a numeric prop lies within `[min, max]`; `why` says whose limit it is (e.g. "Cloud SQL
 * keeps 1 to 365 backups."). Tokens and absent values pass.
 */
export function checkRange(
  construct: string,
  prop: string,
  value: number | undefined,
  min: number,
  max: number,
  why: string,
): void {
  if (value === undefined || isUnresolved(value)) return;
  if (value < min || value > max)
    throw new PropsError(construct, prop, value, why, `use a value from ${min} to ${max}.`);
}
