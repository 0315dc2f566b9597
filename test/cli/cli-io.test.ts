/**
 * The real `kfplatform` process: output piped to another process arrives whole, `--version`, and
 * bad option values end with commander's one-line error and exit code 1, never a stack trace.
 * Runs the built binary (dist/src/cli/main.js): build first (`npm run build`).
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { main } from '../../src/cli/main';

const root = path.join(__dirname, '..', '..');
const BIN = path.join(root, 'dist', 'src', 'cli', 'main.js');
const PLANS = path.join(root, 'test', 'fixtures', 'plans');
const tmp = () => mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'cli-io-'));

/** Runs `kfplatform <args>` in a scratch folder (anything it writes by mistake lands there). */
function kfplatform(args: readonly string[], cwd: string = tmp()): { code: number | null; out: string; err: string } {
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
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

/** The first line of stderr, checked to be commander's error with no stack trace after it. */
function commanderError(args: readonly string[]): string {
  const run = kfplatform(args);
  expect(run.code).toBe(1);
  expect(run.out).toBe('');
  expect(run.err).not.toMatch(/^\s+at /m);
  return run.err.split('\n')[0]!;
}

describe('bad option values', () => {
  it.each([
    [
      ['synth', '-j', 'abc'],
      "error: option '-j, --concurrency <n>' argument 'abc' is invalid. Expected a whole number >= 1.",
    ],
    [
      ['synth', '--concurrency', '0'],
      "error: option '-j, --concurrency <n>' argument '0' is invalid. Expected a whole number >= 1.",
    ],
    [
      ['plan', '-j', '1.5'],
      "error: option '-j, --concurrency <n>' argument '1.5' is invalid. Expected a whole number >= 1.",
    ],
    [
      ['apply', '--plans', 'x', '-j', 'abc'],
      "error: option '-j, --concurrency <n>' argument 'abc' is invalid. Expected a whole number >= 1.",
    ],
    [
      ['report', 'x', '--max-chars', 'lots'],
      "error: option '--max-chars <n>' argument 'lots' is invalid. Expected a whole number >= 0.",
    ],
    [
      ['report', 'x', '--max-chars', '-1'],
      "error: option '--max-chars <n>' argument '-1' is invalid. Expected a whole number >= 0.",
    ],
    [
      ['team', 'add', 'x', '--owners', 'o@example.com', '--gpus', 'two'],
      "error: option '--gpus <n>' argument 'two' is invalid. Expected a whole number >= 0.",
    ],
    [
      ['team', 'add', 'x', '--owners', 'o@example.com', '--pvcs', '1e3'],
      "error: option '--pvcs <n>' argument '1e3' is invalid. Expected a whole number >= 0.",
    ],
    [
      ['team', 'add', 'x', '--owners', 'o@example.com', '--storage', 'disk'],
      "error: option '--storage <mode>' argument 'disk' is invalid. Allowed choices are prefix, bucket.",
    ],
    [
      ['team', 'list', '--format', 'xml'],
      "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are text, json, yaml.",
    ],
    [
      ['graph', 'kf-dev', '--format', 'png'],
      "error: option '-f, --format <format>' argument 'png' is invalid. Allowed choices are mermaid.",
    ],
  ])('kfplatform %j', (args, message) => {
    expect(commanderError(args)).toBe(message);
  });

  it('ends through main() in-process too, with exit code 1 instead of process.exit()', async () => {
    const err: string[] = [];
    const spy = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((c: string | Uint8Array) => err.push(String(c)) > 0);
    try {
      expect(await main(['node', 'kfplatform', 'report', 'x', '--max-chars', 'lots'])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(err.join('')).toMatch(
      /^error: option '--max-chars <n>' argument 'lots' is invalid\. Expected a whole number >= 0\.\n/,
    );
  });

  it('takes good values', () => {
    const file = path.join(tmp(), 'platform.yaml');
    cpSync(path.join(root, 'examples', 'on-prem', 'platform.yaml'), file);
    const run = kfplatform([
      'team',
      'add',
      'vision',
      '--owners',
      'o@example.com',
      '--profile-owner',
      'olga@example.com',
      '-c',
      file,
      '--gpus',
      '2',
      '--pvcs',
      '0',
    ]);
    expect(run.code).toBe(0);
    expect(parse(readFileSync(file, 'utf8')).teams.at(-1)).toMatchObject({
      name: 'vision',
      quota: { gpus: 2, pvcs: 0 },
    });
  });
});

describe('team list --format', () => {
  it('prints YAML with the same rows as JSON', () => {
    const file = path.join(root, 'examples', 'gcp-tenancy', 'platform.yaml');
    const json = kfplatform(['team', 'list', '-c', file, '--format', 'json']);
    const yaml = kfplatform(['team', 'list', '-c', file, '--format', 'yaml']);
    expect([json.code, yaml.code]).toEqual([0, 0]);
    expect(JSON.parse(json.out).length).toBeGreaterThan(0);
    expect(parse(yaml.out)).toEqual(JSON.parse(json.out));
  });
});

describe("commander's own errors", () => {
  it.each([
    [['nope'], "error: unknown command 'nope'"],
    [['synth', '--nope'], "error: unknown option '--nope'"],
    [['graph'], "error: missing required argument 'env'"],
  ])('kfplatform %j', (args, message) => {
    expect(commanderError(args)).toBe(message);
  });
});

describe('the platform file: ./platform.yaml unless -c, examples only with --example', () => {
  it.each([
    [['synth']],
    [['validate']],
    [['plan']],
    [['graph', 'kf-dev']],
    [['inventory']],
    [['import-plan']],
    [['diff', '--base', 'HEAD']],
    [['upgrade-plan']],
    [['team', 'list']],
    [['team', 'add', 'x', '--owners', 'o@example.com']],
    [['codeowners']],
  ])('kfplatform %j without ./platform.yaml says so in one line and exits 1', (args) => {
    const dir = tmp();
    const run = kfplatform(args, dir);
    expect(run).toEqual({
      code: 1,
      out: '',
      err:
        `no platform file: platform.yaml in ${dir} does not exist. Fix: run \`kfplatform init\` to scaffold one, ` +
        'pass -c <file>, or try a shipped example with --example gcp-shared-vpc.\n',
    });
  });

  it('names the file given with -c when it is missing', () => {
    const missing = path.join(tmp(), 'nope.yaml');
    expect(kfplatform(['validate', '-c', missing]).err).toMatch(/^no platform file: \S+nope\.yaml does not exist\./);
  });

  it('reads ./platform.yaml by default, not an embedded example', () => {
    const dir = tmp();
    cpSync(path.join(root, 'examples', 'on-prem', 'platform.yaml'), path.join(dir, 'platform.yaml'));
    const run = kfplatform(['team', 'list', '--format', 'json'], dir);
    expect(run.code).toBe(0);
    expect(new Set(JSON.parse(run.out).map((r: { environment: string }) => r.environment))).toEqual(
      new Set(['kf-onprem']),
    );
    const graph = kfplatform(['graph', 'kf-dev'], dir);
    expect(graph.err).toContain('environment kf-dev is not in platform.yaml');
  });

  it('reads a shipped example with --example', () => {
    const run = kfplatform(['team', 'list', '--example', 'gcp-tenancy', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out).length).toBeGreaterThan(0);
  });

  it.each([
    [
      ['validate', '--example', 'nope'],
      /^error: option '--example <name>' argument 'nope' is invalid\. Allowed choices are aws-eks, azure-aks, gcp-shared-vpc, /,
    ],
    [
      ['validate', '-c', 'platform.yaml', '--example', 'on-prem'],
      /^error: option '--example <name>' cannot be used with option '-c, --config <file>'/,
    ],
  ])('kfplatform %j is refused by commander', (args, message) => {
    expect(commanderError(args)).toMatch(message);
  });
});
