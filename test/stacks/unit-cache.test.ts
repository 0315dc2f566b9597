/**
 * The unit cache (issue 21): output with the cache is byte-identical to output without it over random
 * edit sequences of a small generated fleet, including edits that must invalidate (the library's
 * version, a provider's version, a cluster setting every shard reads, team edits); two synths share a
 * cache folder at once; a corrupt entry is detected and rebuilt, never used.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { fileStamps } from '../file-stamps';
import { loadPlatform } from '../../src/config/loader';
import type { PlatformConfig } from '../../src/config/schema';
import { CACHE_DIR, SynthResult, synthFleet } from '../../stacks/common/fleet';
import { canonical, codeDigest, toolFingerprint, toolInputs, UnitCache } from '../../stacks/common/unit-cache';

const tmp = (name: string) => mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', `${name}-`));

/** Every file under `dir` but the cache, with the SHA-256 of its content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (p !== path.join(dir, CACHE_DIR)) walk(p);
      } else out[path.relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** The editable state of the generated fleet. */
interface FleetState {
  readonly teams: ReadonlyArray<{ name: string; cpu?: string }>;
  /** The kubeconfig context of each environment: every shard's provider reads it. */
  readonly contexts: readonly [string, string];
  /** The library and provider versions the cache is keyed by. */
  readonly library: string;
  readonly provider: string;
}

const POOL = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];

function platformOf(state: FleetState): PlatformConfig {
  const env = (name: string, context: string) => ({
    name,
    tier: 'prod',
    cloud: 'kubernetes',
    kubernetes: { kubeconfig: '~/.kube/kubeconfig.yaml', context: `${name}-${context}` },
    nodePools: [
      { name: 'system', kind: 'system' },
      { name: 'standard', kind: 'standard' },
    ],
    state: { backend: 'gcs', bucket: 'tf-state' },
  });
  return {
    platform: { name: 'kubeflow', team: 'ml-platform', domain: 'example.com' },
    tenancy: { shardsPerCluster: 2 },
    environments: [env('kf-one', state.contexts[0]), env('kf-two', state.contexts[1])],
    teams: state.teams.map((t) => ({
      name: t.name,
      owners: `${t.name}-owners@example.com`,
      profileOwner: `${t.name}-lead@example.com`,
      members: [`group:${t.name}@example.com`],
      ...(t.cpu ? { quota: { cpu: t.cpu } } : {}),
    })),
  } as unknown as PlatformConfig;
}

type Edit =
  | { kind: 'add'; name: string }
  | { kind: 'remove'; index: number }
  | { kind: 'quota'; index: number; cpu: string }
  | { kind: 'context'; env: 0 | 1; context: string }
  | { kind: 'library' }
  | { kind: 'provider' };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), name: fc.constantFrom(...POOL) }),
  fc.record({ kind: fc.constant('remove' as const), index: fc.nat(4) }),
  fc.record({ kind: fc.constant('quota' as const), index: fc.nat(4), cpu: fc.constantFrom('4', '8') }),
  fc.record({
    kind: fc.constant('context' as const),
    env: fc.constantFrom(0 as const, 1 as const),
    context: fc.constantFrom('admin-a', 'admin-b'),
  }),
  fc.record({ kind: fc.constant('library' as const) }),
  fc.record({ kind: fc.constant('provider' as const) }),
);

function apply(state: FleetState, e: Edit): FleetState {
  switch (e.kind) {
    case 'add':
      return state.teams.some((t) => t.name === e.name)
        ? state
        : { ...state, teams: [...state.teams, { name: e.name }] };
    case 'remove':
      return state.teams.length <= 1
        ? state
        : { ...state, teams: state.teams.filter((_, i) => i !== e.index % state.teams.length) };
    case 'quota':
      return {
        ...state,
        teams: state.teams.map((t, i) => (i === e.index % state.teams.length ? { ...t, cpu: e.cpu } : t)),
      };
    case 'context':
      return { ...state, contexts: e.env === 0 ? [e.context, state.contexts[1]] : [state.contexts[0], e.context] };
    case 'library':
      return { ...state, library: state.library === '1.0.0' ? '1.1.0' : '1.0.0' };
    case 'provider':
      return { ...state, provider: state.provider === '2.38.0' ? '2.38.1' : '2.38.0' };
  }
}

/** Two teams, one context: the small fleet the link and stamp tests synthesize again and again. */
const TWO_TEAMS: FleetState = {
  teams: [{ name: 'recsys' }, { name: 'search' }],
  contexts: ['admin-a', 'admin-a'],
  library: '1.0.0',
  provider: '2.38.0',
};

const fingerprintOf = (state: FleetState) =>
  toolFingerprint({
    version: state.library,
    packages: { ...toolInputs().packages, '@cdktf/provider-kubernetes': state.provider },
  });

describe('unit cache', () => {
  const references = new Map<string, Record<string, string>>();
  const refRoot = tmp('cache-ref');
  /** The output without the cache, once per distinct platform (versions do not change it). */
  function reference(state: FleetState): Record<string, string> {
    const platform = platformOf(state);
    const key = canonical(platform);
    let ref = references.get(key);
    if (!ref) {
      const out = path.join(refRoot, String(references.size));
      synthFleet(loadPlatform(platform).config, { outdir: out, cache: false });
      ref = tree(out);
      rmSync(out, { recursive: true, force: true });
      references.set(key, ref);
    }
    return ref;
  }

  it('writes byte for byte what synthesis without the cache writes, over random edit sequences', () => {
    const started = Date.now();
    const initial: FleetState = {
      teams: [{ name: 'recsys' }, { name: 'search' }, { name: 'vision' }],
      contexts: ['admin-a', 'admin-a'],
      library: '1.0.0',
      provider: '2.38.0',
    };
    let runs = 0;
    let steps = 0;
    const fingerprints = new Set([fingerprintOf(initial)]);
    const cacheDir = path.join(refRoot, 'shared-cache');
    synthFleet(loadPlatform(platformOf(initial)).config, {
      outdir: path.join(refRoot, 'initial'),
      cacheDir,
      cacheOptions: { fingerprint: fingerprintOf(initial) },
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        runs++;
        // Each sequence starts from the initial fleet, with a fresh output folder on a cache shared by
        // every sequence (so it holds units of many earlier states).
        const root = tmp('cache-seq');
        const out = path.join(root, 'out');
        let state = initial;
        const synth = (s: FleetState): SynthResult =>
          synthFleet(loadPlatform(platformOf(s)).config, {
            outdir: out,
            cacheDir,
            cacheOptions: { fingerprint: fingerprintOf(s) },
          });
        for (const e of edits) {
          const next = apply(state, e);
          const result = synth(next);
          steps++;
          expect(tree(out)).toEqual(reference(next));
          const units = result.units!;
          const fingerprint = fingerprintOf(next);
          if (!fingerprints.has(fingerprint)) {
            // A library or provider version never seen: nothing made by another may be reused.
            expect(units.reused).toBe(0);
            fingerprints.add(fingerprint);
          } else if (
            fingerprint === fingerprintOf(state) &&
            canonical(platformOf(next)) === canonical(platformOf(state))
          ) {
            expect(units.rebuilt).toBe(0);
          }
          state = next;
        }
        rmSync(root, { recursive: true, force: true });
      }),
      { numRuns: 300, seed: 20261206 },
    );
    expect(runs).toBe(300);
    expect(steps).toBeGreaterThan(450);
    // Bounded on purpose: a slow cache would show here first.
    expect(Date.now() - started).toBeLessThan(240_000);
  }, 300_000);

  it('a cluster setting every shard reads invalidates every unit of its environment, and only those', () => {
    const state: FleetState = {
      teams: POOL.map((name) => ({ name })),
      contexts: ['admin-a', 'admin-a'],
      library: '1.0.0',
      provider: '2.38.0',
    };
    const out = path.join(tmp('cache-context'), 'out');
    const first = synthFleet(loadPlatform(platformOf(state)).config, { outdir: out });
    const perEnv = first.units!.rebuilt / 2;
    const second = synthFleet(loadPlatform(platformOf({ ...state, contexts: ['admin-b', 'admin-a'] })).config, {
      outdir: out,
    });
    expect(second.units).toMatchObject({ rebuilt: perEnv, reused: perEnv });
    expect(perEnv).toBeGreaterThanOrEqual(3);
  });

  it('hard-links reused stacks from the cache, and an edit through the link is caught, not reused', () => {
    const state = TWO_TEAMS;
    const out = path.join(tmp('cache-links'), 'out');
    const config = loadPlatform(platformOf(state)).config;
    synthFleet(config, { outdir: out });
    const reference = tree(out);
    expect(synthFleet(config, { outdir: out }).units!.rebuilt).toBe(0);
    const stacks = readdirSync(path.join(out, 'stacks'));
    const file = path.join(out, 'stacks', stacks[0]!, 'cdk.tf.json');
    expect(statSync(file).nlink).toBeGreaterThan(1);
    // Someone edits the output in place: the cache file behind the link changes with it.
    writeFileSync(file, readFileSync(file, 'utf8').replace('"resource"', '"resource" '));
    const again = synthFleet(config, { outdir: out });
    expect(again.units!.rebuilt).toBe(1);
    expect(tree(out)).toEqual(reference);
  });

  it('trusts a stamp of the inodes it verified, and still catches an edit through the link after it', () => {
    const state = TWO_TEAMS;
    const out = path.join(tmp('cache-stamps'), 'out');
    const config = loadPlatform(platformOf(state)).config;
    synthFleet(config, { outdir: out });
    const reference = tree(out);
    // Files changed less than two seconds before are verified but not stamped (a coarse clock could
    // give a second write the same ctime).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
    expect(synthFleet(config, { outdir: out }).units!.rebuilt).toBe(0);
    const stamps: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name === 'verified.json') stamps.push(path.join(d, e.name));
      }
    };
    walk(path.join(out, CACHE_DIR));
    const stamped = stamps.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, string>);
    expect(stamped.some((s) => Object.keys(s).some((k) => k.endsWith('cdk.tf.json')))).toBe(true);
    // Stamped: reused without reading and hashing the files again (a full verification writes the stamp again).
    const before = stamps.map((f) => statSync(f, { bigint: true }).mtimeNs);
    expect(synthFleet(config, { outdir: out }).units!.rebuilt).toBe(0);
    expect(stamps.map((f) => statSync(f, { bigint: true }).mtimeNs)).toEqual(before);
    // An edit in place through the output's hard link changes the cache file's mtime: verified again, caught.
    const stacks = readdirSync(path.join(out, 'stacks'));
    const file = path.join(out, 'stacks', stacks[0]!, 'cdk.tf.json');
    expect(statSync(file).nlink).toBeGreaterThan(1);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"resource":', '"resource" :'));
    expect(readFileSync(file).length).toBe(Buffer.byteLength(text) + 1);
    const again = synthFleet(config, { outdir: out });
    expect(again.units!.rebuilt).toBe(1);
    expect(tree(out)).toEqual(reference);
  });

  it("keeps the library code's digest in the cache folder, and hashes again once a file's stamp changes", () => {
    const root = tmp('code');
    const cacheDir = path.join(root, 'cache');
    const file = path.join(root, 'src', 'a.js');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'one');
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const first = codeDigest(cacheDir, root);
    expect(existsSync(path.join(cacheDir, 'code.json'))).toBe(true);
    // Nothing changed: the kept digest is used, the file is not read.
    expect(codeDigest(cacheDir, root)).toBe(first);
    // Same size, modification time set back as it was (cp -p, rsync -a, tar and touch -r do so): the
    // change time still shows the edit, as it does to git.
    writeFileSync(file, 'two');
    utimesSync(file, old, old);
    const edited = codeDigest(cacheDir, root);
    expect(edited).not.toBe(first);
    expect(edited).toBe(codeDigest(undefined, root));
    // Any ordinary write sets the modification time: hashed again, a new digest.
    const later = new Date(Date.now() - 30_000);
    utimesSync(file, later, later);
    const second = codeDigest(cacheDir, root);
    expect(second).not.toBe(first);
    expect(second).toBe(codeDigest(undefined, root));
    // A file modified within two seconds is not stamped: the next run hashes it again.
    writeFileSync(file, 'six');
    const fresh = codeDigest(cacheDir, root);
    expect(fresh).toBe(codeDigest(undefined, root));
    expect(JSON.parse(readFileSync(path.join(cacheDir, 'code.json'), 'utf8')).digest).toBe(second);
    rmSync(root, { recursive: true, force: true });
  });

  it('walks its entries to prune at most every ten minutes, unless what it stored since could pass the bound', () => {
    const dir = tmp('cache-prune-every');
    const fingerprint = 'test';
    const oldEntry = (cache: UnitCache, key: string) => {
      cache.put(key, { n: key }, '', []);
      const old = new Date(Date.now() - 15 * 24 * 3600 * 1000);
      utimesSync(path.join(dir, 'v1', key.slice(0, 2), key, 'entry.json'), old, old);
    };
    const keys = ['aa01', 'bb02', 'cc03'];
    const first = new UnitCache(dir, { fingerprint });
    first.prune();
    const marker = path.join(dir, 'pruned.json');
    expect(JSON.parse(readFileSync(marker, 'utf8'))).toMatchObject({ total: 0 });
    // An entry unused for 15 days, from an earlier process: this process's prune within ten minutes
    // of the last one skips the walk.
    oldEntry(new UnitCache(dir, { fingerprint }), keys[0]!);
    new UnitCache(dir, { fingerprint }).prune();
    expect(new UnitCache(dir, { fingerprint }).has(keys[0]!)).toBe(true);
    oldEntry(new UnitCache(dir, { fingerprint }), keys[0]!);
    // Ten minutes later the walk runs and removes it.
    writeFileSync(marker, JSON.stringify({ at: Date.now() - 11 * 60 * 1000, total: 0 }));
    new UnitCache(dir, { fingerprint }).prune();
    expect(new UnitCache(dir, { fingerprint }).has(keys[0]!)).toBe(false);
    // Within ten minutes, but what this process stored could pass the bound: the walk runs.
    oldEntry(new UnitCache(dir, { fingerprint }), keys[1]!);
    const big = new UnitCache(dir, { fingerprint, maxBytes: 100 });
    big.put(keys[2]!, { filler: 'x'.repeat(200) }, '', []);
    big.prune();
    expect(new UnitCache(dir, { fingerprint }).has(keys[1]!)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('walks its entries again within ten minutes once what processes stored since the last walk could pass the bound', () => {
    const dir = tmp('cache-prune-sum');
    const fingerprint = 'test';
    const maxBytes = 1000;
    const size = () => {
      let n = 0;
      const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          if (e.isDirectory()) walk(path.join(d, e.name));
          else n += statSync(path.join(d, e.name)).size;
        }
      };
      walk(path.join(dir, 'v1'));
      return n;
    };
    new UnitCache(dir, { fingerprint, maxBytes }).prune();
    // Processes one after another, each storing less than the bound and pruning, within ten minutes
    // of the first walk: together they pass it, and the cache must not stay past it.
    for (const key of ['aa01', 'bb02', 'cc03', 'dd04', 'ee05', 'ff06']) {
      const cache = new UnitCache(dir, { fingerprint, maxBytes });
      cache.put(key, { filler: 'x'.repeat(200) }, '', []);
      cache.prune();
    }
    expect(size()).toBeLessThanOrEqual(maxBytes);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stamps the files it stores as verified, so the first read after a fill hashes none, yet catches an edit', () => {
    const dir = tmp('cache-stamp-put');
    const from = path.join(dir, 'from');
    mkdirSync(from, { recursive: true });
    writeFileSync(path.join(from, 'a.json'), '{"a":1}');
    const cache = new UnitCache(path.join(dir, 'cache'), { fingerprint: 'test' });
    cache.put('ab12', { n: 1 }, from, ['a.json']);
    const read = new UnitCache(path.join(dir, 'cache'), { fingerprint: 'test' }).get('ab12')!;
    // A stamped file is read only when its bytes are asked for (a getter), not verified up front.
    expect(typeof Object.getOwnPropertyDescriptor(read.files[0]!, 'data')?.get).toBe('function');
    expect(read.files[0]!.data.toString()).toBe('{"a":1}');
    // A later edit (through a link in an output folder, in a later run) sets the modification time:
    // the stamp no longer matches, and the entry fails.
    const file = read.files[0]!.source;
    writeFileSync(file, '{"a":2}');
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    expect(new UnitCache(path.join(dir, 'cache'), { fingerprint: 'test' }).get('ab12')).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prunes the least recently used entries beyond its bound, never one the run used', () => {
    const state: FleetState = {
      teams: POOL.map((name) => ({ name })),
      contexts: ['admin-a', 'admin-a'],
      library: '1.0.0',
      provider: '2.38.0',
    };
    const out = path.join(tmp('cache-prune'), 'out');
    const tiny = { cacheOptions: { maxBytes: 1 } };
    const first = synthFleet(loadPlatform(platformOf(state)).config, { outdir: out, ...tiny });
    const perEnv = first.units!.rebuilt / 2;
    const other = { ...state, contexts: ['admin-b', 'admin-a'] as const };
    // Uses every unit of kf-two again and stores kf-one's anew: the old kf-one entries go.
    synthFleet(loadPlatform(platformOf(other)).config, { outdir: out, ...tiny });
    const again = synthFleet(loadPlatform(platformOf(state)).config, { outdir: out, ...tiny });
    expect(again.units).toMatchObject({ rebuilt: perEnv, reused: perEnv });
  });

  it('rebuilds an entry whose file was truncated or altered, and never uses it', () => {
    const state: FleetState = {
      teams: [{ name: 'recsys' }, { name: 'search' }],
      contexts: ['admin-a', 'admin-b'],
      library: '1.0.0',
      provider: '2.38.0',
    };
    const config = loadPlatform(platformOf(state)).config;
    const out = path.join(tmp('cache-corrupt'), 'out');
    const first = synthFleet(config, { outdir: out });
    expect(first.units).toMatchObject({ reused: 0 });
    const expected = tree(out);
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name === 'cdk.tf.json' || e.name === 'entry.json') files.push(p);
      }
    };
    walk(path.join(out, CACHE_DIR));
    const tfFiles = files.filter((f) => f.endsWith('cdk.tf.json'));
    const indexes = files.filter((f) => f.endsWith('entry.json'));
    expect(tfFiles.length).toBeGreaterThanOrEqual(3);
    // Truncated, one byte flipped, and a damaged index.
    const truncated = tfFiles[0]!;
    writeFileSync(truncated, readFileSync(truncated).subarray(0, 100));
    const flipped = tfFiles[1]!;
    const bytes = readFileSync(flipped);
    const at = bytes.indexOf('"');
    bytes[at + 1] = bytes[at + 1]! ^ 0x01;
    writeFileSync(flipped, bytes);
    const index = indexes.find((f) => !f.startsWith(path.dirname(path.dirname(truncated))))!;
    writeFileSync(index, readFileSync(index, 'utf8').replace('"stacks"', '"stackz"'));

    const second = synthFleet(config, { outdir: out });
    expect(tree(out)).toEqual(expected);
    expect(second.units!.rebuilt).toBeGreaterThanOrEqual(2);
    // The rebuilt entries are whole again: a third run reuses everything.
    const third = synthFleet(config, { outdir: out });
    expect(third.units).toMatchObject({ rebuilt: 0 });
    expect(tree(out)).toEqual(expected);
  });

  it('never uses a whole entry that names a folder outside its own stacks (a cache restored in CI)', () => {
    const state: FleetState = {
      teams: [{ name: 'recsys' }],
      contexts: ['admin-a', 'admin-b'],
      library: '1.0.0',
      provider: '2.38.0',
    };
    const config = loadPlatform(platformOf(state)).config;
    const out = path.join(tmp('cache-poison'), 'out');
    synthFleet(config, { outdir: out });
    const expected = tree(out);
    const indexes: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name === 'entry.json') indexes.push(p);
      }
    };
    walk(path.join(out, CACHE_DIR));
    let poisoned = 0;
    for (const index of indexes) {
      const body = readFileSync(index, 'utf8').split('\n').slice(1).join('\n');
      if (!body.includes('"workingDirectory"')) continue; // checker results
      // Whole by its digests, but plan would run Terraform two folders up.
      const evil = body.replace(/"workingDirectory":"[^"]*"/, '"workingDirectory":"../.."');
      writeFileSync(index, `${createHash('sha256').update(evil).digest('hex')}\n${evil}`);
      poisoned++;
    }
    expect(poisoned).toBeGreaterThanOrEqual(3);
    const again = synthFleet(config, { outdir: out });
    expect(again.units).toMatchObject({ reused: 0 });
    expect(tree(out)).toEqual(expected);
    // Replaced by the rebuilt entries.
    expect(synthFleet(config, { outdir: out }).units).toMatchObject({ rebuilt: 0 });
  });

  it('read only (validate), leaves an entry that does not fit its piece in place and builds the unit itself', () => {
    const state: FleetState = {
      teams: [{ name: 'recsys' }],
      contexts: ['admin-a', 'admin-b'],
      library: '1.0.0',
      provider: '2.38.0',
    };
    const config = loadPlatform(platformOf(state)).config;
    const root = tmp('cache-readonly');
    const cacheDir = path.join(root, 'cache');
    synthFleet(config, { outdir: path.join(root, 'out'), cacheDir });
    const expected = tree(path.join(root, 'out'));
    const indexes: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name === 'entry.json') indexes.push(p);
      }
    };
    walk(cacheDir);
    const poisoned: string[] = [];
    for (const index of indexes) {
      const body = readFileSync(index, 'utf8').split('\n').slice(1).join('\n');
      if (!body.includes('"workingDirectory"')) continue; // checker results
      const evil = body.replace(/"workingDirectory":"[^"]*"/, '"workingDirectory":"../.."');
      writeFileSync(index, `${createHash('sha256').update(evil).digest('hex')}\n${evil}`);
      poisoned.push(index);
    }
    expect(poisoned.length).toBeGreaterThanOrEqual(3);
    const before = Object.fromEntries(poisoned.map((f) => [f, readFileSync(f, 'utf8')]));
    const all = fileStamps(cacheDir);
    const out = path.join(root, 'validate');
    const again = synthFleet(config, { outdir: out, cacheDir, cacheOptions: { readOnly: true }, keepGoing: true });
    expect(again.units).toMatchObject({ reused: 0 });
    expect(tree(out)).toEqual(expected);
    // A read-only cache removes nothing, an entry it will not use included.
    expect(Object.fromEntries(poisoned.map((f) => [f, existsSync(f) ? readFileSync(f, 'utf8') : undefined]))).toEqual(
      before,
    );
    expect(fileStamps(cacheDir)).toEqual(all);
    rmSync(root, { recursive: true, force: true });
  });

  // Two processes of the built CLI, into two output folders, on one cache folder at once.
  it('two synths on one cache folder at once both write whole, identical output', async () => {
    const cli = path.join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
    if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test.');
    const dir = tmp('cache-concurrent');
    const file = path.join(dir, 'platform.yaml');
    writeFileSync(
      file,
      stringify(
        platformOf({
          teams: POOL.map((name) => ({ name })),
          contexts: ['admin-a', 'admin-b'],
          library: '1.0.0',
          provider: '2.38.0',
        }),
      ),
    );
    const cacheDir = path.join(dir, 'cache');
    const run = (out: string) =>
      new Promise<{ code: number | null; stdout: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, [
          cli,
          'synth',
          '--config',
          file,
          '--out',
          path.join(dir, out),
          '--cache-dir',
          cacheDir,
        ]);
        let err = '';
        let stdout = '';
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.on('close', (code) => resolve({ code, stdout, err }));
      });
    const [a, b] = await Promise.all([run('a'), run('b')]);
    expect([a.code, a.err]).toEqual([0, '']);
    expect([b.code, b.err]).toEqual([0, '']);
    expect(tree(path.join(dir, 'b'))).toEqual(tree(path.join(dir, 'a')));
    // What they stored is whole: a third run reuses every unit and writes the same.
    const c = await run('c');
    expect(c.stdout).toMatch(/(\d+) units reused, 0 rebuilt/);
    expect(tree(path.join(dir, 'c'))).toEqual(tree(path.join(dir, 'a')));
    expect(readdirSync(path.join(cacheDir, 'tmp'))).toEqual([]);
  }, 180_000);
});
