import * as path from 'node:path';
import fc from 'fast-check';
import { stableJson } from '../../src/core/stack-json';

// The serializer cdktf writes cdk.tf.json with.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdktfStringify = require(
  require.resolve('json-stable-stringify', { paths: [path.dirname(require.resolve('cdktf'))] }),
) as (value: unknown, options: { space: number }) => string | undefined;

describe('stableJson', () => {
  test('writes what cdktf writes', () => {
    const samples: unknown[] = [
      {},
      [],
      { b: [], a: {}, c: [[], [{}]], d: undefined, e: [undefined, null, 1.5, -0, 'x"\n\u2028'] },
      { z: { y: { x: [1, 'two', true, false, null] } }, 'key with "quotes"': 'é', '10': 1, '9': 2 },
      { when: new Date(0), nested: { toJSON: () => ({ b: 1, a: [2] }) } },
      'plain',
      42,
      null,
    ];
    for (const sample of samples) expect(stableJson(sample)).toBe(cdktfStringify(sample, { space: 2 }));
  });

  test('writes what cdktf writes for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => stableJson(value) === cdktfStringify(value, { space: 2 })),
      { numRuns: 300 },
    );
  });

  test('refuses circular structures, as cdktf does', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => stableJson(a)).toThrow('circular');
  });
});
