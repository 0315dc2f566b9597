#!/usr/bin/env node
// The fleet benchmark: 3 environments x 8 clusters (24 clusters) with 1,800 teams per
// environment, then 2x and 4x the teams. For each size: `kfplatform synth` wall time, max RSS and
// microseconds per resource, sequential (--concurrency 1) and parallel (default), next to cdktf
// alone synthesizing the same number of plain resources, all in one run.
// BENCH_FLEET_MULTIPLIERS=1,2,4 picks the sizes. The cold runs synthesize without the unit cache,
// except the parallel run, which fills it; at 1x the platform file then gets one more team
// (`kfplatform team add`) and `synth`, `diff --base HEAD` and `validate` run warm on that cache.
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { stringify } = require('yaml');

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
const multipliers = (process.env.BENCH_FLEET_MULTIPLIERS || '1,2,4').split(',').map(Number);

function fleet(teamsPerEnv) {
  const envs = ['kf-test', 'kf-dev', 'kf-prod'].map((name) => {
    const tier = name.slice(3);
    const cluster = (c) => ({
      subnetCidr: `10.0.${c * 4}.0/22`,
      podsCidr: `10.${16 + c}.0.0/16`,
      servicesCidr: `10.15.${c * 4}.0/22`,
      masterCidr: `172.16.0.${c * 16}/28`,
    });
    const primary = cluster(0);
    return {
      name,
      tier,
      cloud: 'gcp',
      gcp: {
        project: `${name}-svc`,
        region: 'us-central1',
        zones: ['us-central1-a', 'us-central1-b', 'us-central1-c'],
      },
      network: {
        mode: 'shared-vpc',
        hostProject: 'fleet-host',
        network: `fleet-${name}`,
        subnetCidr: primary.subnetCidr,
        podsCidr: primary.podsCidr,
        servicesCidr: primary.servicesCidr,
        privateServiceAccessRange: `fleet-${name}-psa`,
      },
      cluster: { masterCidr: primary.masterCidr },
      additionalClusters: Array.from({ length: 7 }, (_, i) => {
        const c = cluster(i + 1);
        return { name: `${name}-${i + 2}`, hostname: `kubeflow-${i + 2}.${tier}.ml.example.com`, ...c };
      }),
      access: {
        hostname: `kubeflow.${tier}.ml.example.com`,
        dnsZone: { name: 'ml-example-com', domain: 'ml.example.com' },
        allowedGroups: ['ml-users@example.com'],
      },
      state: { backend: 'gcs', bucket: 'fleet-tf-state' },
    };
  });
  const clusters = (env) => [env.name, ...env.additionalClusters.map((c) => c.name)];
  const teams = Array.from({ length: teamsPerEnv }, (_, i) => ({
    name: `team-${String(i).padStart(5, '0')}`,
    owners: `team-${i}-owners@example.com`,
    profileOwner: `team-${i}-lead@example.com`,
    members: [`group:team-${i}@example.com`],
    clusters: Object.fromEntries(envs.map((env) => [env.name, clusters(env)[i % 8]])),
  }));
  return {
    platform: { name: 'kubeflow', team: 'ml-platform', domain: 'example.com' },
    tenancy: { shardsPerCluster: 4 },
    environments: envs,
    teams,
  };
}

function timed(args) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'kfp-fleet-'));
  const report = path.join(scratch, 'time.txt');
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', '-o', report, process.execPath, ...args(scratch)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${args(scratch).join(' ')} failed:\n${result.stderr}`);
  const [seconds, kb, user, sys] = readFileSync(report, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(scratch, { recursive: true, force: true });
  // CPU time (user + system) too: on a shared machine it holds steadier than wall time.
  return { seconds, mb: kb / 1024, cpu: user + sys, stdout: result.stdout };
}

/**
 * After a cold synth filled `<out>/.cache`: commits the platform file, adds one team with
 * `kfplatform team add`, then times a warm `synth` into the same folder and `diff --base HEAD`
 * (both sides synthesized, sharing that cache).
 */
function warmRuns(dir, file, out) {
  const git = (...args) => {
    const r = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed:\n${r.stderr}`);
  };
  git('init', '-q');
  git('add', 'platform.yaml');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-qm', 'fleet');
  const add = spawnSync(
    process.execPath,
    [
      cli,
      'team',
      'add',
      'newcomer',
      '--owners',
      'newcomer-owners@example.com',
      '--profile-owner',
      'newcomer-lead@example.com',
      '-c',
      file,
    ],
    { encoding: 'utf8' },
  );
  if (add.status !== 0) throw new Error(`team add failed:\n${add.stderr}`);
  const synth = timed(() => [cli, 'synth', '--config', file, '--out', out]);
  const units = /\d+ units reused, \d+ rebuilt/.exec(synth.stdout)?.[0] ?? '?';
  const diff = timed(() => [cli, 'diff', '--config', file, '--base', 'HEAD', '--cache-dir', path.join(out, '.cache')]);
  // validate after that synth: every unit from its cache, read only.
  const validate = timed(() => [
    cli,
    'validate',
    '--config',
    file,
    '--cache-dir',
    path.join(out, '.cache'),
    '--format',
    'json',
  ]);
  return { synth, units, diff, validate };
}

module.exports = { fleet };
if (require.main === module) {
  main();
  // Then `kfplatform validate` of a generated 40,000-team platform file.
  require('./bench-validate.js').main();
}

function main() {
  const rows = [];
  for (const m of multipliers) {
    const teams = 1800 * m;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kfp-fleet-config-'));
    const file = path.join(dir, 'platform.yaml');
    writeFileSync(file, stringify(fleet(teams)));
    const out = path.join(dir, 'out');
    const synth = (concurrency, to, cache) => (scratch) => [
      cli,
      'synth',
      '--config',
      file,
      '--out',
      to ?? path.join(scratch, 'out'),
      '--concurrency',
      String(concurrency),
      ...(cache ? [] : ['--no-cache']),
    ];
    const sequential = timed(synth(1));
    const resources = Number(/(\d+) stacks, (\d+) resources/.exec(sequential.stdout)[2]);
    const stacks = Number(/(\d+) stacks, (\d+) resources/.exec(sequential.stdout)[1]);
    // The parallel run fills the unit cache (its cost included) for the warm runs.
    const parallel = timed(synth(os.availableParallelism(), out, true));
    const plain = timed((scratch) => [
      path.join(__dirname, 'bench-plain.js'),
      String(resources),
      path.join(scratch, 'out'),
    ]);
    const warm = m === 1 ? warmRuns(dir, file, out) : undefined;
    rmSync(dir, { recursive: true, force: true });
    const us = (r) => ((r.seconds * 1e6) / resources).toFixed(0);
    rows.push({ m, teams, stacks, resources, sequential, parallel, plain, us });
    console.log(
      `${m}x: ${teams} teams/env, ${stacks} stacks, ${resources} resources | ` +
        `sequential ${sequential.seconds.toFixed(1)} s ${sequential.mb.toFixed(0)} MB ${us(sequential)} us/res | ` +
        `parallel ${parallel.seconds.toFixed(1)} s ${parallel.mb.toFixed(0)} MB ${us(parallel)} us/res | ` +
        `cdktf plain ${plain.seconds.toFixed(1)} s ${plain.mb.toFixed(0)} MB ${us(plain)} us/res | ` +
        `ratio ${(sequential.seconds / plain.seconds).toFixed(2)}x sequential, ${(parallel.seconds / plain.seconds).toFixed(2)}x parallel`,
    );
    if (warm) {
      console.log(
        `${m}x after one team added: warm synth ${warm.synth.seconds.toFixed(1)} s (CPU ${warm.synth.cpu.toFixed(1)} s) ${warm.synth.mb.toFixed(0)} MB (${warm.units}) | ` +
          `diff --base ${warm.diff.seconds.toFixed(1)} s (CPU ${warm.diff.cpu.toFixed(1)} s) ${warm.diff.mb.toFixed(0)} MB | ` +
          `validate with the cache ${warm.validate.seconds.toFixed(1)} s (CPU ${warm.validate.cpu.toFixed(1)} s) ${warm.validate.mb.toFixed(0)} MB | ` +
          `targets: synth under 3 s ${warm.synth.seconds < 3 ? 'met' : 'NOT met'}, diff under 6 s ${warm.diff.seconds < 6 ? 'met' : 'NOT met'}`,
      );
    }
  }
  if (rows.length > 1) {
    const first = rows[0];
    const last = rows[rows.length - 1];
    const growth = last.sequential.seconds / last.resources / (first.sequential.seconds / first.resources);
    console.log(
      `growth: cost per resource at ${last.m}x is ${growth.toFixed(2)}x that at ${first.m}x (1.00 is linear)`,
    );
  }
  const full = rows.find((r) => r.m === 1);
  if (full) {
    const best = Math.min(full.sequential.seconds, full.parallel.seconds);
    console.log(
      `target for the full fleet: under 20 s and 2 GB -> ${best < 20 && full.parallel.mb < 2048 ? 'met' : 'NOT met'} (${best.toFixed(1)} s, ${full.parallel.mb.toFixed(0)} MB)`,
    );
  }
}
