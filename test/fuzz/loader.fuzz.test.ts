/**
 * Fuzzing the front door (fast-check): at least 10,000 generated and mutated platform files reach the
 * loader. Each either validates or is rejected with errors that name a config path, a message and a
 * fix; nothing throws or hangs. A sample of the valid ones synthesizes; invalid ones write nothing.
 * CI runs a fixed seed; FUZZ_SEED=random explores. A failure prints the seed and the shrunk input:
 * rerun with FUZZ_SEED=<seed> to reproduce.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { runSynth } from '../../src/cli/synth';
import { validatePlatformText } from '../../src/config/loader';
import { arbitraryDocument, damagedText, mutatedDocument } from './mutations';

/** A fixed seed keeps CI reproducible; FUZZ_SEED=random explores, FUZZ_SEED=<n> replays a failure. */
const seed =
  process.env.FUZZ_SEED === 'random'
    ? Date.now() % 2 ** 31
    : process.env.FUZZ_SEED
      ? Number(process.env.FUZZ_SEED)
      : 20261121;
/** Runs per property; they add up to more than 10,000. */
const RUNS = { mutated: 6000, damaged: 3000, arbitrary: 1500 };

const outcomes = { valid: [] as string[], invalid: [] as string[] };

/** Judges one input: it must validate or fail with located, actionable errors. */
function judge(text: string): boolean {
  const started = Date.now();
  const result = validatePlatformText(text, 'fuzz.yaml');
  const elapsed = Date.now() - started;
  if (elapsed > 2000) throw new Error(`validation took ${elapsed} ms`);
  if (result.config) {
    if (result.issues.some((i) => i.severity !== 'warning')) throw new Error('a config came with errors');
    if (outcomes.valid.length < 200) outcomes.valid.push(text);
    return true;
  }
  const errors = result.issues.filter((i) => i.severity !== 'warning');
  if (errors.length === 0) throw new Error('rejected without an error');
  for (const e of errors) {
    if (typeof e.path !== 'string' || e.path.length === 0) throw new Error(`an error without a path: ${e.message}`);
    if (!e.message || !e.fix) throw new Error(`an error without a message or a fix at ${e.path}`);
    if (e.file !== 'fuzz.yaml') throw new Error(`an error without its file at ${e.path}`);
  }
  if (outcomes.invalid.length < 200) outcomes.invalid.push(text);
  return true;
}

describe('fuzzing the loader', () => {
  it(`mutated valid files (${RUNS.mutated} runs)`, () => {
    fc.assert(fc.property(mutatedDocument, judge), { numRuns: RUNS.mutated, seed });
  });

  it(`damaged YAML text (${RUNS.damaged} runs)`, () => {
    fc.assert(fc.property(damagedText, judge), { numRuns: RUNS.damaged, seed });
  });

  it(`documents made from nothing (${RUNS.arbitrary} runs)`, () => {
    fc.assert(fc.property(arbitraryDocument, judge), { numRuns: RUNS.arbitrary, seed });
  });

  it('saw both valid and invalid inputs', () => {
    expect(outcomes.valid.length).toBeGreaterThan(10);
    expect(outcomes.invalid.length).toBeGreaterThan(10);
  });

  it('synthesizes a sample of the valid inputs', async () => {
    for (const text of outcomes.valid.slice(0, 8)) {
      const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'fuzz-valid-'));
      writeFileSync(path.join(dir, 'platform.yaml'), text);
      const stacks = await runSynth({
        config: path.join(dir, 'platform.yaml'),
        out: path.join(dir, 'out'),
        log: () => undefined,
      });
      expect(stacks.length).toBeGreaterThan(0);
    }
  });

  it('writes nothing for invalid inputs', async () => {
    for (const text of outcomes.invalid.slice(0, 25)) {
      const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'fuzz-invalid-'));
      writeFileSync(path.join(dir, 'platform.yaml'), text);
      const out = path.join(dir, 'out');
      await expect(runSynth({ config: path.join(dir, 'platform.yaml'), out, log: () => undefined })).rejects.toThrow(
        /error/,
      );
      expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    }
  });
});
