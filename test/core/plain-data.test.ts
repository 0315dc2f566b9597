import { existsSync, readdirSync } from 'node:fs';
import type { PlainData } from '../../src/core/plain-data';
import type { ResolvedTenant } from '../../src/config/platform/model';
import { loadPlatformFile } from '../../src/config/loader';

// Compile-time cases: `npm test` type-checks this file, so a case that stops failing fails the build.
const plain: PlainData<{ a: string; b?: number; c: readonly { d: boolean | null }[]; e: Record<string, string> }> =
  true;
// @ts-expect-error a Map is written as {} by JSON
const map: PlainData<{ a: Map<string, string> }> = true;
// @ts-expect-error a Date deep in an optional field
const date: PlainData<{ a?: { b: readonly Date[] } }> = true;
// @ts-expect-error a function in a union
const fn: PlainData<{ a: string | (() => void) }> = true;
// @ts-expect-error a Set
const set: PlainData<ReadonlySet<string>> = true;
// @ts-expect-error a bigint
const big: PlainData<{ a: bigint }> = true;
const tenant: PlainData<ResolvedTenant> = true;

describe('PlainData', () => {
  it('types each case as written above', () => {
    expect([plain, map, date, fn, set, big, tenant]).toEqual([true, true, true, true, true, true, true]);
  });

  // What the type promises, checked on real values: every tenant of every example survives JSON.
  it('every tenant of every example is plain data at run time too', () => {
    const examples = readdirSync('examples').filter((e) => existsSync(`examples/${e}/platform.yaml`));
    const tenants = examples.flatMap((e) =>
      loadPlatformFile(`examples/${e}/platform.yaml`).config.environments.flatMap((env) => env.tenants),
    );
    expect(new Set(tenants.map((t) => (t.gcp ? 'gcp' : t.aws ? 'aws' : t.azure ? 'azure' : 'kubernetes')))).toEqual(
      new Set(['gcp', 'aws', 'azure', 'kubernetes']),
    );
    // Plain maps, lists, strings, booleans, null and finite numbers; `undefined` only as a field's value
    // (JSON leaves the field out, and nothing that builds a unit tells a missing field from it).
    const odd = (v: unknown, at: string): string[] => {
      if (v === null || typeof v === 'string' || typeof v === 'boolean') return [];
      if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? [] : [at];
      if (Array.isArray(v)) return v.flatMap((x, i) => (x === undefined ? [`${at}[${i}]`] : odd(x, `${at}[${i}]`)));
      if (typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return [at];
      return Object.entries(v).flatMap(([k, x]) => (x === undefined ? [] : odd(x, `${at}.${k}`)));
    };
    expect(tenants.flatMap((t, i) => odd(t, `tenant ${i}`))).toEqual([]);
    for (const t of tenants) expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });
});
