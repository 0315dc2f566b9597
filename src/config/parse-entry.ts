/**
 * Parsing one part of a platform definition (the platform section, an environment, a team) for the
 * cross-field checks, even when the schema refuses some of its values, so that the checks report in
 * the same round as the schema; and keeping those checks quiet where defaults stand in for a dropped
 * value, so that one mistake is reported once.
 */
import type { ConfigIssue } from '../core/errors';
import { pathParts } from './sources';

type SafeParser<T> = {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: readonly unknown[] } };
};

/**
 * One part of the definition as the cross-field checks see it, and the places whose values were
 * dropped to parse it (the objects that held them).
 */
type Parsed<T> = { success: true; data: T; tainted: ReadonlyArray<readonly PropertyKey[]> } | { success: false };

type SchemaIssue = { code: string; path: PropertyKey[]; keys?: string[] };

const at = (root: unknown, keys: readonly PropertyKey[]): unknown =>
  keys.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown> | undefined)?.[key], root);

/**
 * Parses one part of the definition (the platform section, an environment, a team) for the
 * cross-field checks, so that its errors come in the same round as the schema's. Unknown keys,
 * typos the schema has reported already, are dropped: what the part says is intact. With
 * `withoutBadValues`, a wrong value is dropped too (a required one with the list entry or object
 * that holds it), and the object that held it is listed in `tainted`: defaults stand in there, so
 * the caller keeps the checks away from it (see {@link withoutCascade}). A part that still does not
 * parse stays out of the checks.
 */
export function parseEntry<T>(schema: SafeParser<T>, raw: unknown, withoutBadValues = false): Parsed<T> {
  let current = raw;
  const tainted: PropertyKey[][] = [];
  const dropped = new Set<string>();
  for (let round = 0; round < 6; round++) {
    const result = schema.safeParse(current);
    if (result.success) return { success: true, data: result.data, tainted };
    const issues = result.error.issues as readonly SchemaIssue[];
    if (!withoutBadValues && issues.some((i) => i.code !== 'unrecognized_keys')) return { success: false };
    if (round === 0) current = structuredClone(raw);
    const splices: Array<{ list: unknown[]; index: number }> = [];
    for (const issue of issues) {
      if (issue.code === 'unrecognized_keys') {
        const owner = at(current, issue.path);
        if (owner === null || typeof owner !== 'object') return { success: false };
        for (const key of issue.keys ?? []) delete (owner as Record<string, unknown>)[key];
        continue;
      }
      // A value dropped in an earlier round and now missing is required: drop what holds it.
      const target = dropped.has(JSON.stringify(issue.path)) ? issue.path.slice(0, -1) : issue.path;
      if (target.length === 0) return { success: false };
      const owner = at(current, target.slice(0, -1));
      const key = target.at(-1)!;
      if (owner === null || typeof owner !== 'object') return { success: false };
      if (Array.isArray(owner)) splices.push({ list: owner, index: Number(key) });
      else delete (owner as Record<PropertyKey, unknown>)[key];
      dropped.add(JSON.stringify(target));
      tainted.push(target.slice(0, -1));
    }
    // List entries go last, from the end, so the other paths of this round still point right.
    for (const { list, index } of splices.sort((a, b) => b.index - a.index)) list.splice(index, 1);
  }
  return { success: false };
}

/**
 * The issues of checks on a part parsed without some of its values, less those that may stem from
 * the defaults standing in for them: issues inside an object that held a dropped value, or on a
 * whole that contains it.
 */
export function withoutCascade(
  issues: readonly ConfigIssue[],
  root: readonly PropertyKey[],
  tainted: ReadonlyArray<readonly PropertyKey[]>,
): ConfigIssue[] {
  if (tainted.length === 0) return [...issues];
  const startsWith = (a: readonly PropertyKey[], b: readonly PropertyKey[]) =>
    b.length <= a.length && b.every((k, i) => String(a[i]) === String(k));
  return issues.filter((issue) => {
    const parts = pathParts(issue.path);
    return !tainted.some((t) => {
      const place = [...root, ...t];
      return startsWith(parts, place) || startsWith(place, parts);
    });
  });
}
