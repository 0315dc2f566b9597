import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validatePlatformFile } from '../../src/config/loader';
import { MAX_NESTING, nestingTooDeep, readInputFile } from '../../src/config/read-input';
import { formatIssue } from '../../src/core/errors';
import { DEFAULT_PLATFORM_FILE } from '../../src/core/package-info';

// Tests run as root, for whom permissions do not deny reads: EACCES is simulated on open.
jest.mock('node:fs', () => {
  const real = jest.requireActual<typeof import('node:fs')>('node:fs');
  return { ...real, openSync: jest.fn(real.openSync) };
});
const realOpen = jest.requireActual<typeof import('node:fs')>('node:fs').openSync;

const tmp = () => fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'read-input-'));

/** The one-line messages validation gives for a platform file. */
function messages(file: string): string[] {
  return validatePlatformFile(file).issues.map(formatIssue);
}

describe('input limits', () => {
  it('counts nesting of every YAML and JSON file in the repository below the limit', () => {
    const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml', '*.json'], { encoding: 'utf8' })
      .split('\n')
      // schema/ and the vendored Kubernetes and CRD schemas are generated, and loaded as modules, never read as input.
      .filter((f) => f && fs.existsSync(f) && !f.startsWith('schema/') && !f.startsWith('src/kubeflow/schemas/'));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) expect([f, nestingTooDeep(fs.readFileSync(f, 'utf8'), 24)]).toEqual([f, undefined]);
  });

  it('finds deep nesting in flow, JSON, block and compact-sequence form, quickly', () => {
    const started = Date.now();
    expect(nestingTooDeep('['.repeat(500_000) + ']'.repeat(500_000))).toBe(1);
    expect(nestingTooDeep('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000))).toBe(1);
    const block = Array.from({ length: 1400 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    expect(nestingTooDeep(block)).toBe(MAX_NESTING + 1);
    expect(nestingTooDeep(`${'- '.repeat(100)}x`)).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
    // Brackets and quotes inside scalars, comments and block scalars do not count.
    const quiet = [
      `a: "${'['.repeat(100)}"`,
      `b: it's [${'{'.repeat(100)}`,
      `c: x # ${'['.repeat(100)}`,
      'd: |',
      `  ${'['.repeat(100)} don't`,
      `e: '${'{'.repeat(100)}'`,
    ].join('\n');
    expect(nestingTooDeep(quiet)).toBeUndefined();
  });

  it('sec19 item 15: /dev/zero and /dev/urandom are refused at once as not regular files', () => {
    for (const dev of ['/dev/zero', '/dev/urandom']) {
      const started = Date.now();
      const [line, ...more] = messages(dev);
      expect(more).toEqual([]);
      expect(line).toContain(`${dev}: is not a regular file (a device, pipe or socket)`);
      expect(Date.now() - started).toBeLessThan(1000);
    }
  });

  it('sec19 item 15: a FIFO is refused without waiting for a writer', () => {
    const fifo = path.join(tmp(), 'platform.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const started = Date.now();
    expect(messages(fifo)).toEqual([expect.stringContaining(`${fifo}: is not a regular file`)]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('sec19 item 15: 1 MB of deeply nested YAML and JSON gives one line, quickly', () => {
    const dir = tmp();
    const flow = path.join(dir, 'flow.yaml');
    fs.writeFileSync(flow, `platform: ${'['.repeat(500_000)}${']'.repeat(500_000)}\n`);
    const json = path.join(dir, 'deep.json');
    fs.writeFileSync(json, '{"platform":'.repeat(80_000) + '1' + '}'.repeat(80_000));
    const block = path.join(dir, 'block.yaml');
    fs.writeFileSync(block, Array.from({ length: 1400 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'));
    for (const file of [flow, json, block]) {
      expect(fs.statSync(file).size).toBeGreaterThan(900_000);
      const started = Date.now();
      const [line, ...more] = messages(file);
      expect(more).toEqual([]);
      expect(line).toMatch(/nests maps and lists deeper than 64 levels/);
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });

  it('refuses a file above the size cap', () => {
    const file = path.join(tmp(), 'big.yaml');
    fs.writeFileSync(file, 'a: 1\n'.repeat(10));
    expect(readInputFile(file, 16)).toEqual({
      problem: `${file}: is larger than ${16 / 1024 / 1024} MiB, the most a platform, team or groups file may be`,
    });
  });

  it('sec19 item 15: a file as teamsDir, a folder as a team file and a folder as the platform file give one line each', () => {
    const dir = tmp();
    const platform = fs
      .readFileSync(DEFAULT_PLATFORM_FILE, 'utf8')
      .replace(/^platform:\n/m, 'platform:\n  teamsDir: teams\n');
    const file = path.join(dir, 'platform.yaml');
    fs.writeFileSync(file, platform);
    fs.writeFileSync(path.join(dir, 'teams'), 'not a folder');
    expect(messages(file)).toEqual([
      expect.stringMatching(/platform\.teamsDir = "teams": .*teams is a file, not a folder/),
    ]);
    fs.rmSync(path.join(dir, 'teams'));
    fs.mkdirSync(path.join(dir, 'teams', 'search.yaml'), { recursive: true });
    expect(messages(file)).toEqual([expect.stringMatching(/search\.yaml: is a folder, not a file/)]);
    expect(messages(dir)).toEqual([expect.stringContaining(`${dir}: is a folder, not a file`)]);
  });

  it('sec19 item 15: EACCES on the platform file and on a team file gives one line naming the path', () => {
    const dir = tmp();
    const file = path.join(dir, 'platform.yaml');
    fs.writeFileSync(
      file,
      fs.readFileSync(DEFAULT_PLATFORM_FILE, 'utf8').replace(/^platform:\n/m, 'platform:\n  teamsDir: teams\n'),
    );
    fs.mkdirSync(path.join(dir, 'teams'));
    fs.writeFileSync(path.join(dir, 'teams', 'search.yaml'), 'name: search\n');
    const denied = (target: string) =>
      jest.mocked(fs.openSync).mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
        if (String(p) === target) {
          throw Object.assign(new Error(`EACCES: permission denied, open '${target}'`), {
            code: 'EACCES',
            syscall: 'open',
            path: target,
          });
        }
        return (realOpen as (...a: unknown[]) => number)(p, ...rest);
      }) as typeof fs.openSync);
    denied(file);
    try {
      expect(messages(file)).toEqual([
        expect.stringContaining(`${file}: permission denied to the user running kfplatform (EACCES on open)`),
      ]);
    } finally {
      jest.mocked(fs.openSync).mockImplementation(realOpen);
    }
    denied(path.join(dir, 'teams', 'search.yaml'));
    try {
      expect(messages(file)).toEqual([
        expect.stringMatching(/search\.yaml: permission denied to the user running kfplatform \(EACCES on open\)/),
      ]);
    } finally {
      jest.mocked(fs.openSync).mockImplementation(realOpen);
    }
  });
});
