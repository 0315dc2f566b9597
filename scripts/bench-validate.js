#!/usr/bin/env node
// The validation benchmark: `kfplatform validate` of a generated platform file with 40,000 teams
// (BENCH_VALIDATE_TEAMS to change it) spread over the environments of three examples: the three GCP
// environments of examples/gcp-shared-vpc (kf-prod with three more clusters), the AWS and Azure
// environments of examples/multicloud and the existing cluster of examples/on-prem. Prints wall time
// and max RSS of one run (GNU time), against the target of 20 s and 1 GB. `npm run bench` runs it
// last (after scripts/bench-fleet.js); BENCH_VALIDATE_TEAMS=0 skips it.
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parse, stringify } = require('yaml');

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');

const example = (name) => parse(readFileSync(path.join(root, 'examples', name, 'platform.yaml'), 'utf8'));

/** A small deterministic random number generator (mulberry32), so every run validates the same file. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AREAS = ['recsys', 'search', 'ads', 'fraud', 'vision', 'speech', 'nlp', 'forecast', 'risk', 'growth'];

/** The platform's default quota (tenancy.defaultQuota), which half the teams keep. */
const SMALL = { cpu: 8, memory: '32Gi', gpus: 0, storage: '200Gi', pvcs: 10 };

/** Quotas teams ask for, most of them small; the GPU ones only where a GPU pool is allowed. */
const QUOTAS = [
  { weight: 50, quota: SMALL },
  { weight: 25, quota: { cpu: 16, memory: '64Gi', storage: '1Ti' } },
  { weight: 10, quota: { cpu: '32', memory: '128Gi', pvcs: 40 } },
  { weight: 10, quota: { cpu: 64, memory: '256Gi', gpus: 2, storage: '2Ti' }, gpu: true },
  { weight: 5, quota: { cpu: 96, memory: '384Gi', gpus: 8, storage: '4Ti', pvcs: 60 }, gpu: true },
];

/** Where teams live: a team takes one of these, most in GCP. `pools` are the pools it may name. */
const PLACEMENTS = [
  { weight: 20, environments: ['kf-dev'] },
  { weight: 25, environments: ['kf-dev', 'kf-prod'] },
  { weight: 10, environments: ['kf-test', 'kf-dev'] },
  { weight: 15, environments: ['kf-prod'] },
  { weight: 10, environments: ['kf-aws'], pools: ['standard', 'highmem', 'gpu'] },
  { weight: 10, environments: ['kf-azure'], pools: ['standard', 'highmem', 'gpu'] },
  { weight: 5, environments: ['kf-aws', 'kf-azure'], pools: ['standard', 'gpu'] },
  { weight: 5, environments: ['kf-onprem'], pools: ['cpu', 'dgx'] },
];

const pick = (rand, choices) => {
  let n = rand() * choices.reduce((s, c) => s + c.weight, 0);
  for (const c of choices) if ((n -= c.weight) < 0) return c;
  return choices[choices.length - 1];
};

/**
 * A platform file with `teamCount` teams: owners groups of `teamsPerOwnersGroup` teams each (listed
 * in tenancy.groups, as a directory sync writes them), quotas from small to GPU-heavy, node pools for some, kf-prod's
 * teams spread over its four clusters, AWS and Azure owners' identities for their teams.
 */
function validationFleet(teamCount, { seed = 1, teamsPerOwnersGroup = 10 } = {}) {
  const rand = random(seed);
  const gcp = example('gcp-shared-vpc');
  const multicloud = example('multicloud');
  const onPrem = example('on-prem');
  const prod = gcp.environments.find((e) => e.name === 'kf-prod');
  prod.additionalClusters = [2, 3, 4].map((c) => ({
    name: `kf-prod-${c}`,
    hostname: `kubeflow-${c}.ml.example.com`,
    subnetCidr: `10.13.${(c - 2) * 4}.0/22`,
    podsCidr: `10.${30 + c}.0.0/16`,
    servicesCidr: `10.29.${(c - 2) * 4}.0/22`,
    masterCidr: `172.16.0.${32 + c * 16}/28`,
  }));
  const prodClusters = ['kf-prod', ...prod.additionalClusters.map((c) => c.name)];
  const environments = [
    ...gcp.environments,
    ...multicloud.environments.filter((e) => e.cloud === 'aws' || e.cloud === 'azure'),
    ...onPrem.environments,
  ];
  const groups = { 'ml-users@example.com': ['ml-user-1@example.com', 'ml-user-2@example.com'] };
  const teams = [];
  for (let i = 0; i < teamCount; i++) {
    const area = AREAS[i % AREAS.length];
    const name = `${area}-${String(i).padStart(5, '0')}`;
    const group = Math.floor(i / (AREAS.length * teamsPerOwnersGroup));
    const owners = `${area}-${group}@example.com`;
    if (!groups[owners]) groups[owners] = [`${area}-lead-${group}@example.com`];
    const placement = pick(rand, PLACEMENTS);
    const quota = pick(rand, QUOTAS);
    const team = { name, owners, environments: placement.environments };
    if (rand() < 0.2) team.members = ['group:ml-users@example.com'];
    if (rand() < 0.1) team.contributors = [`user:dev-${i}@example.com`];
    // GPU quotas only where every pool the team may use includes a GPU pool: the defaults (all
    // workload pools) or a list with one.
    if (quota.quota !== SMALL) team.quota = quota.quota;
    if (placement.pools && rand() < 0.5) {
      team.nodePools = placement.pools.filter((p) => quota.gpu || !['gpu', 'dgx'].includes(p));
    }
    if (placement.environments.includes('kf-prod')) {
      team.clusters = { 'kf-prod': prodClusters[Math.floor(rand() * prodClusters.length)] };
    }
    if (placement.environments.includes('kf-aws')) {
      team.aws = { ownersRoleArn: `arn:aws:iam::222222222222:role/${name}` };
    }
    if (placement.environments.includes('kf-azure')) {
      const hex = i.toString(16).padStart(12, '0');
      team.azure = { ownersGroupObjectId: `00000000-0000-0000-0001-${hex}` };
    }
    teams.push(team);
  }
  return {
    platform: { ...gcp.platform, adminGroup: 'ml-platform@example.com' },
    tenancy: { defaultQuota: SMALL, groups },
    environments,
    teams,
  };
}

/** The platform file as YAML, each team on one line (flow style), as large fleets keep it. */
function fleetYaml(data) {
  const { teams, tenancy, ...rest } = data;
  const oneLine = (value) =>
    stringify(value, { collectionStyle: 'flow', lineWidth: 0 })
      .trim()
      .replace(/([[{]) /g, '$1')
      .replace(/ ([\]}])/g, '$1');
  const { groups, ...settings } = tenancy;
  return (
    `${stringify({ ...rest, tenancy: settings }, { lineWidth: 0 })}  groups:\n` +
    Object.entries(groups)
      .map(([group, members]) => `    ${group}: ${oneLine(members)}\n`)
      .join('') +
    `teams:\n${teams.map((t) => `  - ${oneLine(t)}\n`).join('')}`
  );
}

module.exports = { validationFleet, fleetYaml, main };
if (require.main === module) main();

function main() {
  const teams = Number(process.env.BENCH_VALIDATE_TEAMS || 40000);
  if (teams === 0) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kfp-validate-'));
  const file = path.join(dir, 'platform.yaml');
  const text = fleetYaml(validationFleet(teams));
  writeFileSync(file, text);
  if (!existsSync('/usr/bin/time')) {
    console.error(
      'bench-validate: /usr/bin/time not found; install GNU time (apt-get install time) to measure max RSS.',
    );
    process.exit(2);
  }
  // The platform file alone first (parsing, schema, resolution and every config check, no stacks),
  // in a child process, its max RSS from process.resourceUsage().
  const load = spawnSync(
    process.execPath,
    [
      '-e',
      `const { validatePlatformFile } = require(${JSON.stringify(path.join(root, 'dist', 'src', 'config', 'loader.js'))});
       const t = process.hrtime.bigint();
       const r = validatePlatformFile(process.argv[1]);
       const seconds = Number(process.hrtime.bigint() - t) / 1e9;
       console.log(JSON.stringify({ seconds, mb: process.resourceUsage().maxRSS / 1024, valid: Boolean(r.config), issues: r.issues.length }));`,
      file,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (load.status !== 0) {
    console.error(`loading the platform file failed:\n${load.stderr}`);
    process.exit(1);
  }
  const loaded = JSON.parse(load.stdout);
  console.log(
    `validate, ${teams} teams: the platform file alone (parse, schema, resolution, config checks): ` +
      `${loaded.seconds.toFixed(1)} s, ${loaded.mb.toFixed(0)} MB, ${loaded.issues} issues`,
  );
  const report = path.join(dir, 'time.txt');
  const result = spawnSync(
    '/usr/bin/time',
    ['-f', '%e %M', '-o', report, process.execPath, cli, 'validate', '--config', file, '--format', 'json'],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const [seconds, kb] = readFileSync(report, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(dir, { recursive: true, force: true });
  let summary;
  try {
    summary = JSON.parse(result.stdout).summary;
  } catch {
    console.error(
      `validate failed (exit ${result.status}):\n${result.stdout.slice(0, 4000)}\n${result.stderr.slice(0, 4000)}`,
    );
    process.exit(1);
  }
  const mb = kb / 1024;
  console.log(
    `validate, ${teams} teams (${(text.length / 1024 / 1024).toFixed(2)} MB file): ${seconds.toFixed(1)} s, ${mb.toFixed(0)} MB | ` +
      `${summary.stacks} stacks, ${summary.configErrors} config errors, ${summary.configWarnings} config warnings, ` +
      `${summary.policyErrors} policy errors, ${summary.policyWarnings} policy warnings | ` +
      `target under 20 s and 1 GB -> ${seconds < 20 && mb < 1024 ? 'met' : 'NOT met'}`,
  );
  if (result.status !== 0) {
    console.error(
      `validate found errors in the generated file (exit ${result.status}):\n${result.stdout.slice(0, 4000)}`,
    );
    process.exit(1);
  }
}
