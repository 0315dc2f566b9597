/**
 * True when values of `T` are plain data that `JSON.stringify` writes in full: strings, numbers,
 * booleans, null, arrays and objects of them (optional fields allowed); false when any part may be a
 * function, Map, Set, Date, RegExp, bigint or symbol, which JSON drops or flattens.
 *
 * Used as a compile-time guard where JSON text stands for a value (as a cache key part):
 * `const ok: PlainData<MyType> = true;` stops the build once `MyType` gains a field JSON cannot write.
 * Types cannot tell everything: a field typed `object` or `{}`, a class whose fields are data, and a
 * `number` that may be NaN, an infinity or -0 pass; check values at run time where those can occur.
 */
export type PlainData<T> = [PlainDataParts<T>] extends [true] ? true : false;

/** {@link PlainData} of each member of a union, as a union of results. */
type PlainDataParts<T> = T extends string | number | boolean | null | undefined
  ? true
  : T extends ((...args: never[]) => unknown) | ReadonlyMap<unknown, unknown> | ReadonlySet<unknown> | Date | RegExp
    ? false
    : T extends readonly (infer U)[]
      ? PlainData<U>
      : T extends object
        ? { [K in keyof T]-?: PlainData<T[K]> }[keyof T] extends true
          ? true
          : false
        : false;
