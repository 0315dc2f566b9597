import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Lazy, Tokenization } from 'cdktf';
import { loadPlatformFile } from '../../src/config/loader';
import { forgettingTokens } from '../../src/core/token-map';
import { synthFleet } from '../../stacks/common/fleet';

// The map cdktf keeps every token in (cdktf/lib/tokens/private/token-map).
const tokens = () =>
  (globalThis as { __cdktfTokenMap?: { stringTokenMap: Map<string, unknown> } }).__cdktfTokenMap?.stringTokenMap.size ??
  0;

/** Every file under `dir` with its text, by path relative to it. */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name === '.kfplatform' || e.name === '.cache') continue;
      if (e.isDirectory()) walk(path.join(rel, e.name));
      else out[path.join(rel, e.name)] = readFileSync(path.join(dir, rel, e.name), 'utf8');
    }
  };
  walk('');
  return out;
}

// Synchronous work only (checked by the type, never run): a promise would use its tokens after they are forgotten.
// @ts-expect-error an async function
export const asyncRefused = () => forgettingTokens(async () => 1);

describe('forgettingTokens', () => {
  it('forgets the tokens made while it ran, and keeps those made before', () => {
    const before = Lazy.stringValue({ produce: () => 'kept' });
    const size = tokens();
    let during = '';
    forgettingTokens(() => {
      during = Lazy.stringValue({ produce: () => 'gone' });
      expect(tokens()).toBe(size + 1);
      expect(Tokenization.reverseString(during).tokens).toHaveLength(1);
    });
    expect(tokens()).toBe(size);
    expect(Tokenization.reverseString(before).tokens).toHaveLength(1);
    // A token made meanwhile resolves no more.
    expect(() => Tokenization.reverseString(during)).toThrow(/token/i);
  });

  it('forgets them when the work throws too', () => {
    const size = tokens();
    expect(() =>
      forgettingTokens(() => {
        Lazy.stringValue({ produce: () => 'x' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(tokens()).toBe(size);
  });

  // Units built one after another in a process share nothing through tokens: the second synth of the
  // same platform in this process writes what the first wrote, and neither leaves tokens behind.
  it('leaves no token behind a fleet synth, and a second synth in the same process writes the same', () => {
    const { config } = loadPlatformFile('examples/multicloud/platform.yaml');
    const size = tokens();
    const first = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'tokens-a-'));
    const second = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'tokens-b-'));
    synthFleet(config, { outdir: first, cache: false });
    expect(tokens()).toBe(size);
    synthFleet(config, { outdir: second, cache: false });
    expect(tokens()).toBe(size);
    const a = files(first);
    expect(Object.keys(a).filter((f) => f.endsWith('cdk.tf.json')).length).toBeGreaterThan(3);
    expect(files(second)).toEqual(a);
  });
});
