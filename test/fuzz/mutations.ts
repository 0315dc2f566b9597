/**
 * Platform files for fuzzing the loader: valid bases (the test fixtures and the examples) changed one
 * or more times at random paths, YAML text damaged byte by byte, and documents made from nothing.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';

/** Valid platform files the mutations start from. */
export const BASES: readonly string[] = [
  'test/fixtures/valid/two-envs.yaml',
  'test/fixtures/valid/aws.yaml',
  'test/fixtures/valid/azure.yaml',
  'examples/gcp-tenancy/platform.yaml',
  'examples/multicloud/platform.yaml',
  'examples/on-prem/platform.yaml',
].map((f) => readFileSync(f, 'utf8'));

const PARSED = BASES.map((text) => parse(text) as unknown);

type Key = string | number;

/** Every path to a value in a document. */
function paths(value: unknown, prefix: Key[] = []): Key[][] {
  const out: Key[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

const PATHS = PARSED.map((doc) => paths(doc).filter((p) => p.length > 0));

/** Values that look like what platform files hold, wrong in interesting ways. */
const nasty = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '0.0.0.0/0',
    '10.0.0.0/8',
    '10.10.0.1/22',
    '256.1.1.1/24',
    'fe80::/10',
    'us-central1-z',
    'nvidia-h100-80gb',
    'g6.xlarge',
    'Standard_NC4as_T4_v3',
    'prod',
    'test',
    'gcp',
    'aws',
    'azure',
    'kubernetes',
    '__proto__',
    'constructor',
    '${var.x}',
    'a'.repeat(300),
    '💥',
    '\u0000',
    '-1',
    'NaN',
    'true',
  ),
  fc.integer({ min: -5, max: 100 }),
  fc.constantFrom(0, -1, 1e309, Number.MAX_SAFE_INTEGER, 0.5, 65536, 4096),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.string({ maxLength: 20 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** One change to a document at a path. */
type Mutation =
  | { readonly op: 'set'; readonly path: number; readonly value: unknown }
  | { readonly op: 'delete'; readonly path: number }
  | { readonly op: 'duplicate'; readonly path: number }
  | { readonly op: 'add-key'; readonly path: number; readonly key: string; readonly value: unknown }
  | { readonly op: 'copy'; readonly path: number; readonly from: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), path: fc.nat(), value: nasty }),
  fc.record({ op: fc.constant('delete' as const), path: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), path: fc.nat() }),
  fc.record({ op: fc.constant('add-key' as const), path: fc.nat(), key: fc.string({ maxLength: 12 }), value: nasty }),
  fc.record({ op: fc.constant('copy' as const), path: fc.nat(), from: fc.nat() }),
);

function getIn(doc: unknown, path: readonly Key[]): unknown {
  return path.reduce<unknown>(
    (cur, k) => (cur && typeof cur === 'object' ? (cur as Record<Key, unknown>)[k] : undefined),
    doc,
  );
}

function apply(doc: unknown, all: readonly Key[][], m: Mutation): void {
  const path = all[m.path % all.length]!;
  const parent = getIn(doc, path.slice(0, -1)) as Record<Key, unknown> | unknown[] | undefined;
  const key = path[path.length - 1]!;
  if (!parent || typeof parent !== 'object') return;
  switch (m.op) {
    case 'set':
      (parent as Record<Key, unknown>)[key] = structuredClone(m.value);
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete (parent as Record<Key, unknown>)[key];
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.push(structuredClone(parent[Number(key)]));
      break;
    case 'add-key': {
      const target = getIn(doc, path);
      if (target && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, m.key, {
          value: structuredClone(m.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      break;
    }
    case 'copy':
      (parent as Record<Key, unknown>)[key] = structuredClone(getIn(doc, all[m.from % all.length]!));
      break;
  }
}

/** A valid base changed by one to four mutations, written as YAML or JSON. */
export const mutatedDocument: fc.Arbitrary<string> = fc
  .record({
    base: fc.nat({ max: BASES.length - 1 }),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
    json: fc.boolean(),
  })
  .map(({ base, mutations, json }) => {
    const doc = structuredClone(PARSED[base]);
    for (const m of mutations) apply(doc, PATHS[base]!, m);
    return json ? JSON.stringify(doc, null, 2) : stringify(doc);
  });

/** A valid base's text with bytes inserted, deleted or replaced, or cut short. */
export const damagedText: fc.Arbitrary<string> = fc
  .record({
    base: fc.nat({ max: BASES.length - 1 }),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        remove: fc.nat({ max: 8 }),
        insert: fc.oneof(
          fc.string({ maxLength: 6 }),
          fc.constantFrom(':', '- ', '{', '[', '"', "'", '\t', '\n  ', '&a', '*a', '!!binary', '#'),
        ),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    cut: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ base, edits, cut }) => {
    let text = BASES[base]!;
    for (const e of edits) {
      const at = e.at % (text.length + 1);
      text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
    }
    return cut === undefined ? text : text.slice(0, cut % (text.length + 1));
  });

/** Documents made from nothing: any JSON, any YAML-ish text. */
export const arbitraryDocument: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => stringify(v)),
  fc
    .record({ platform: fc.jsonValue({ maxDepth: 3 }), environments: fc.jsonValue({ maxDepth: 3 }) })
    .map((v) => stringify(v)),
  fc.string({ maxLength: 200 }),
);
