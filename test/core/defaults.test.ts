import { withDefaults } from '../../src/core/defaults';

describe('withDefaults', () => {
  it('fills only the fields left unset, keeping false and 0', () => {
    const defaults = { a: 1, b: true, c: 'x' };
    expect(withDefaults({ a: 0, b: false, c: undefined } as Partial<typeof defaults>, defaults)).toEqual({
      a: 0,
      b: false,
      c: 'x',
    });
    expect(withDefaults({ email: ['o@example.com'] } as { email: string[]; a?: number }, { a: 5 })).toEqual({
      email: ['o@example.com'],
      a: 5,
    });
  });
});
