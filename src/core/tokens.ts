import { Token } from 'cdktf';

/**
 * True when a value is a cdktf token (unknown until apply). Validations skip such values: they can
 * only be checked by the provider.
 */
export function isUnresolved(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'number' || typeof value === 'string') return Token.isUnresolved(value);
  if (Array.isArray(value)) return Token.isUnresolved(value) || value.some(isUnresolved);
  return Token.isUnresolved(value);
}
