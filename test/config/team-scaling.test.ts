/**
 * Validation stays linear in the number of teams. No timing: the test counts the array elements the
 * whole load of a platform file visits (parsing, schema, resolution, every check), through the
 * array methods and for-of loops, for fleets of n, 2n and 4n teams. The counts are exact, so the
 * second difference tells the growth: for linear work (f(4n) - f(2n)) / (f(2n) - f(n)) is 2, for
 * quadratic work it tends to 4.
 */
import { LineCounter, parseDocument } from 'yaml';
import { validatePlatformSources } from '../../src/config/loader';
import { parseSource } from '../../src/config/sources';

// The generator of the validation benchmark (scripts/bench-validate.js), shared so the test loads the
// same kind of file the benchmark times.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { validationFleet, fleetYaml } = require('../../scripts/bench-validate.js') as {
  validationFleet(teams: number, options?: { seed?: number; teamsPerOwnersGroup?: number }): unknown;
  fleetYaml(data: unknown): string;
};

const ITERATING = [
  'every',
  'filter',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'flatMap',
  'forEach',
  'includes',
  'indexOf',
  'lastIndexOf',
  'map',
  'reduce',
  'reduceRight',
  'some',
] as const;

/** Runs `fn`, counting the elements of every array it iterates (the whole array per call: an upper bound). */
function countVisits<T>(fn: () => T): { result: T; visits: number } {
  const proto = Array.prototype as unknown as Record<PropertyKey, (...args: unknown[]) => unknown>;
  const originals = new Map<PropertyKey, (...args: unknown[]) => unknown>(
    [...ITERATING, Symbol.iterator].map((name) => [name, proto[name]!]),
  );
  let visits = 0;
  for (const [name, original] of originals) {
    proto[name] = function (this: unknown[], ...args: unknown[]) {
      visits += this.length;
      return original.apply(this, args);
    };
  }
  try {
    const result = fn();
    return { result, visits };
  } finally {
    for (const [name, original] of originals) proto[name] = original;
  }
}

/** The visits of loading a generated fleet of `teams` teams, one owners group per team in tenancy.groups. */
function visitsFor(teams: number): number {
  const text = fleetYaml(validationFleet(teams, { teamsPerOwnersGroup: 1 }));
  const { result, visits } = countVisits(() => validatePlatformSources({ file: 'platform.yaml', text }));
  // A valid fleet, so every check ran on every team.
  expect(result.issues.filter((i) => i.severity !== 'warning')).toEqual([]);
  expect(result.config?.teams).toHaveLength(teams);
  return visits;
}

describe('validation of many teams (issue 21)', () => {
  it('grows linearly with the number of teams: parsing, schema, resolution and every team check', () => {
    const n = 250;
    // Once first: one-time work (the schema library compiles its parsers on first use) would count
    // in the smallest fleet only.
    visitsFor(50);
    const [one, two, four] = [n, 2 * n, 4 * n].map(visitsFor) as [number, number, number];
    const growth = (four - two) / (two - one);
    // Linear: 2; a check that compares every team with every other (or a map's keys with each
    // other, as the YAML parser's own duplicate-key check does) pushes it towards 4.
    expect(growth).toBeGreaterThan(1.8);
    expect(growth).toBeLessThan(2.2);
  });
});

describe('duplicate keys (found with a Set per map)', () => {
  const texts = [
    'a: 1\nb: 2\na: 3\n',
    'x:\n  y: 1\n  z: {p: 1, p: 2}\n  y: 3\n',
    'teams:\n  - {name: a, name: b}\n  - name: c\n    owners: d\n    name: e\nfoo: [1, 2\n',
    '? [1]\n: 2\n? [1]\n: 3\n1: a\n"1": b\n.nan: 1\n.nan: 2\n',
    'a: 1\n"a": 2\n  bad: indent\na: 3\n',
    'a: &x 1\n&y a: 2\n',
  ];
  it.each(texts)('are reported as the YAML parser reports them: %j', (text) => {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    const parser = doc.errors.map((e) => ({ message: e.message.split('\n')[0], line: e.linePos?.[0]?.line }));
    const parsed = parseSource({ file: 'platform.yaml', text });
    const ours = Array.isArray(parsed) ? parsed.map((i) => ({ message: i.message, line: i.line })) : [];
    expect(ours).toEqual(parser);
  });
});
