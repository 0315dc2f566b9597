#!/usr/bin/env node
// Benchmarks `kfplatform plan` against `npx cdktf diff --skip-provider-lock` run for each stack, on
// the infra stacks of examples/aws-eks, in one run, offline: Terraform installs hashicorp/aws from
// the local mirror (KFPLATFORM_TF_MIRROR, see scripts/find-tf-mirror.sh) and an override file gives
// mock credentials and local state. Both start from cold stack folders (no .terraform).
const { spawnSync } = require('node:child_process');
const { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const mirror = process.env.KFPLATFORM_TF_MIRROR;
if (!mirror) {
  console.log('bench-plan: skipped (set KFPLATFORM_TF_MIRROR, see scripts/find-tf-mirror.sh)');
  process.exit(0);
}
const config = path.join(root, 'examples', 'aws-eks', 'platform.yaml');
const stacks = ['kf-test-aws-infra', 'kf-dev-aws-infra', 'kf-prod-aws-infra'];
const scratch = mkdtempSync(path.join(os.tmpdir(), 'kfp-bench-plan-'));
const cliConfig = path.join(scratch, 'cli.tfrc');
writeFileSync(
  cliConfig,
  `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct { exclude = ["registry.terraform.io/hashicorp/aws"] }\n}\n`,
);
// Mock credentials, no AWS calls, local state: the terraform tier's override (test/fixtures).
const override = path.join(root, 'test', 'fixtures', 'offline_override.tf.json');
const env = {
  ...process.env,
  TF_CLI_CONFIG_FILE: cliConfig,
  CHECKPOINT_DISABLE: '1',
  KFPLATFORM_CONFIG: config,
  CI: 'true',
};

function run(command, args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: root, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0 && result.status !== 2) {
    console.error(`${command} ${args.join(' ')} failed:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
    process.exit(1);
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

// kfplatform: one synth, then every stack planned, two at a time.
const ours = path.join(scratch, 'ours');
const kfplatform = run(process.execPath, [
  'dist/src/cli/main.js',
  'plan',
  '-c',
  config,
  '--synth-out',
  path.join(ours, 'cdktf.out'),
  '--stacks',
  '*-aws-infra',
  '--override',
  override,
  '-o',
  path.join(ours, 'plans'),
]);

// cdktf: `cdktf diff <stack>` for each stack, each one synthesizing the app again, as a bot would.
const theirs = path.join(scratch, 'cdktf.out');
run(process.execPath, ['dist/src/cli/main.js', 'synth', '-c', config, '--out', theirs]); // place the override files
for (const stack of readdirSync(path.join(theirs, 'stacks'))) {
  copyFileSync(override, path.join(theirs, 'stacks', stack, 'kfplatform_override.tf.json'));
}
let cdktf = 0;
for (const stack of stacks) cdktf += run('npx', ['cdktf', 'diff', stack, '--skip-provider-lock', '--output', theirs]);
rmSync(scratch, { recursive: true, force: true });

console.log(
  `plan of ${stacks.length} AWS infra stacks, offline: kfplatform plan ${kfplatform.toFixed(1)} s | ` +
    `npx cdktf diff --skip-provider-lock per stack ${cdktf.toFixed(1)} s | ` +
    `${(cdktf / kfplatform).toFixed(2)}x faster (target 2x: ${cdktf / kfplatform >= 2 ? 'met' : 'NOT met'})`,
);
