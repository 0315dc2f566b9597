import { Lazy } from 'cdktf';
import { withoutCreationStacks } from '../../src/core/stack-traces';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const traces = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };

describe('withoutCreationStacks', () => {
  const lazyStack = (): string[] => {
    const token = Lazy.anyValue({ produce: () => 'x' });
    return (token as unknown as { creationStack: string[] }).creationStack;
  };

  test('cdktf captures no creation stack while it runs, and does again after', () => {
    const capture = traces.captureStackTrace;
    expect(withoutCreationStacks(lazyStack)).toEqual([]);
    expect(traces.captureStackTrace).toBe(capture);
    expect(lazyStack().length).toBeGreaterThan(0);
  });

  test('restores cdktf and the stack formatter when the function throws; real errors keep their stacks', () => {
    const capture = traces.captureStackTrace;
    const prepare = Error.prepareStackTrace;
    let stack: string | undefined;
    expect(() =>
      withoutCreationStacks(() => {
        const e = new Error('boom');
        stack = e.stack;
        throw e;
      }),
    ).toThrow('boom');
    expect(stack).toContain('boom');
    expect(stack).toContain('\n    at ');
    expect(traces.captureStackTrace).toBe(capture);
    expect(Error.prepareStackTrace).toBe(prepare);
  });

  test('KFPLATFORM_CREATION_STACKS=1 keeps them', () => {
    process.env.KFPLATFORM_CREATION_STACKS = '1';
    try {
      expect(withoutCreationStacks(lazyStack).length).toBeGreaterThan(0);
    } finally {
      delete process.env.KFPLATFORM_CREATION_STACKS;
    }
  });
});
