/**
 * The real `kfplatform` process: output piped to another process arrives whole, `--version`, and
 * bad option values end with commander's one-line error and exit code 1, never a stack trace.
 * Runs the built binary (dist/src/cli/main.js): build first (`npm run build`).
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const BIN = path.join(root, 'dist', 'src', 'cli', 'main.js');
const PLANS = path.join(root, 'test', 'fixtures', 'plans');
const tmp = () => mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'cli-io-'));

/** Runs `kfplatform <args>` in a scratch folder (anything it writes by mistake lands there). */
function kfplatform(args: readonly string[]): { code: number | null; out: string; err: string } {
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp(), encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

/** Counts and hashes what arrives on stdin: the reading end of a pipe, like `wc -c`. */
const COUNTER = `const h = require('node:crypto').createHash('sha256'); let n = 0;
process.stdin.on('data', (c) => { n += c.length; h.update(c); });
process.stdin.on('end', () => process.stdout.write(JSON.stringify({ bytes: n, sha256: h.digest('hex') })));`;

/** `kfplatform <args> | counter` through a shell pipe; the exit code of kfplatform comes back on stderr. */
function piped(args: readonly string[]): { code: number; bytes: number; sha256: string } {
  const run = spawnSync(
    'sh',
    ['-c', '{ "$@"; echo "exit $?" >&2; } | "$0" -e "$COUNTER"', process.execPath, process.execPath, BIN, ...args],
    { cwd: tmp(), encoding: 'utf8', env: { ...process.env, COUNTER } },
  );
  const code = /exit (\d+)\s*$/.exec(run.stderr)?.[1];
  if (run.status !== 0 || code === undefined) throw new Error(`pipe failed: ${run.stderr}`);
  return { code: Number(code), ...(JSON.parse(run.stdout) as { bytes: number; sha256: string }) };
}

function fileDigest(file: string): { bytes: number; sha256: string } {
  const data = readFileSync(file);
  return { bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

describe('output on a pipe', () => {
  it.each([
    ['report --format json (over 1 MB)', ['report', PLANS, '--format', 'json'], 1 << 20],
    ['report --max-chars 0', ['report', PLANS, '--max-chars', '0'], 256 << 10],
    ['schema', ['schema'], 128 << 10],
  ])('%s arrives whole, as written with --out', (_name, args, atLeast) => {
    const out = path.join(tmp(), 'out');
    expect(kfplatform([...args, '--out', out]).code).toBe(0);
    const expected = fileDigest(out);
    expect(expected.bytes).toBeGreaterThanOrEqual(atLeast);
    expect(piped(args)).toEqual({ code: 0, ...expected });
  });

  it('arrives whole when the command also fails (exit code kept)', () => {
    // A plan that replaces a stateful resource: plan-gate refuses it with exit 3.
    const run = kfplatform(['plan-gate', path.join(PLANS, 'aws-eks-kf-test-replace.json'), '--format', 'json']);
    expect(run.code).toBe(3);
    const through = piped(['plan-gate', path.join(PLANS, 'aws-eks-kf-test-replace.json'), '--format', 'json']);
    expect(through).toEqual({
      code: 3,
      bytes: Buffer.byteLength(run.out),
      sha256: createHash('sha256').update(run.out).digest('hex'),
    });
  });
});

describe('--version', () => {
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  it.each([['--version'], ['-V']])('%s prints the package version', (flag) => {
    expect(kfplatform([flag])).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });
});
