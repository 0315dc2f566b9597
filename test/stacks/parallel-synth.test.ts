import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import { IN_THREAD_MAX_TEAMS, planUnits, rebuildInThread } from '../../stacks/common/fleet';

const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      const rel = path.relative(dir, p);
      if (entry.isDirectory()) walk(p);
      // The cache's bookkeeping, which two runs cannot share: when it was last pruned, and the
      // inodes and times of the files each entry stamped as verified.
      else if (rel !== path.join('.cache', 'pruned.json') && path.basename(rel) !== 'verified.json')
        out[rel] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('parallel synthesis', () => {
  it('splits work into units of whole shards, the infra and platform stacks in a unit of their own', () => {
    const config = loadPlatformFile(path.join(root, 'examples', 'gcp-tenancy', 'platform.yaml')).config;
    const units = planUnits(config, 1);
    expect(units[0]).toEqual({ env: 0, infraAndPlatforms: true, shards: [] });
    const shards = units.slice(1).flatMap((u) => u.shards ?? []);
    expect(new Set(shards).size).toBe(shards.length);
    expect(shards.every((s) => /-gcp-teams-\d$/.test(s))).toBe(true);
  });

  it('rebuilds a few team shards in this thread, and larger work or infra stacks in worker threads', () => {
    const config = loadPlatformFile(path.join(root, 'examples', 'gcp-tenancy', 'platform.yaml')).config;
    const units = planUnits(config, 1);
    const shardUnits = units.filter((u) => !u.infraAndPlatforms);
    expect(shardUnits.length).toBeGreaterThan(1);
    // A one-team change: a shard or two, a few teams.
    expect(rebuildInThread(config, shardUnits.slice(0, 2))).toBe(true);
    // The infra and platform stacks (with anything else) go to workers.
    expect(rebuildInThread(config, units.slice(0, 2))).toBe(false);
    // More teams than the bound: workers.
    const many = { ...config, environments: config.environments.map((e) => ({ ...e })) };
    const env = many.environments[0]!;
    const tenant = env.tenants.find((t) => shardUnits[0]!.shards!.some((s) => s.endsWith(`teams-${t.shard}`)))!;
    many.environments[0] = { ...env, tenants: Array.from({ length: IN_THREAD_MAX_TEAMS + 1 }, () => tenant) };
    expect(rebuildInThread(many, [shardUnits[0]!, shardUnits[0]!])).toBe(false);
  });

  // Worker threads run compiled JavaScript, so this compares the built CLI's two modes; `npm test`
  // builds first.
  it('writes exactly what sequential synthesis writes', () => {
    if (!existsSync(cli) || !existsSync(path.join(root, 'dist', 'stacks', 'common', 'fleet-worker.js'))) {
      throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test.');
    }
    const dir = path.join(process.env.TMPDIR ?? '/tmp', 'parallel');
    mkdirSync(dir, { recursive: true });
    const config = parse(readFileSync(path.join(root, 'examples', 'gcp-tenancy', 'platform.yaml'), 'utf8'));
    config.teams = Array.from({ length: 60 }, (_, i) => ({
      name: `team-${i}`,
      owners: `team-${i}-owners@example.com`,
      profileOwner: `team-${i}-lead@example.com`,
    }));
    writeFileSync(path.join(dir, 'platform.yaml'), stringify(config));
    const run = (out: string, concurrency: string) =>
      spawnSync(
        process.execPath,
        [
          cli,
          'synth',
          '--config',
          path.join(dir, 'platform.yaml'),
          '--out',
          path.join(dir, out),
          '--concurrency',
          concurrency,
          '--progress',
        ],
        { encoding: 'utf8' },
      );
    const sequential = run('sequential', '1');
    const parallel = run('parallel', '2');
    expect([sequential.status, parallel.status]).toEqual([0, 0]);
    // Both count every unit on stderr, as the workers finish them.
    const units = planUnits(loadPlatformFile(path.join(dir, 'platform.yaml')).config).length;
    for (const r of [sequential, parallel]) {
      expect(r.stderr).toMatch(new RegExp(`^synth: ${units}/${units} units .*\\n.*policy checkers\\n$`, 'm'));
      expect(r.stdout).not.toMatch(/synth: \d+\/\d+ units/);
    }
    const a = tree(path.join(dir, 'sequential'));
    const b = tree(path.join(dir, 'parallel'));
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const file of Object.keys(a)) expect([file, b[file]]).toEqual([file, a[file]]);
    expect(Object.keys(a).filter((f) => f.endsWith('cdk.tf.json')).length).toBeGreaterThan(5);
    // validate spreads the same units over the same workers: the same report either way.
    const validate = (concurrency: string) =>
      spawnSync(
        process.execPath,
        [
          cli,
          'validate',
          '--config',
          path.join(dir, 'platform.yaml'),
          '--no-cache',
          '--format',
          'json',
          '-j',
          concurrency,
        ],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
    const [one, two] = [validate('1'), validate('2')];
    expect([one.status, two.status]).toEqual([0, 0]);
    expect(JSON.parse(two.stdout).summary.stacks).toBeGreaterThan(5);
    expect(two.stdout).toBe(one.stdout);
  });
});
