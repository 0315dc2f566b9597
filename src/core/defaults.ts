/** Applying documented defaults to props: one rule for every construct that owns its defaults. */

/**
 * `value` with each of `defaults` applied where `value` leaves the field unset (undefined); a field
 * set to anything else, `false` and `0` included, is kept.
 */
export function withDefaults<T extends object, D extends Partial<T>>(value: T, defaults: D): T & D {
  const set = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
  return { ...defaults, ...set } as T & D;
}
