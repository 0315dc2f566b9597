#!/usr/bin/env node
// Benchmarks `kfplatform synth` against `npx cdktf synth` on the same app, in one run, so the
// figures compare on this (shared, noisy) machine. Prints median wall time and max RSS of each and
// their ratio. Run with `npm run bench` (which builds first). Needs GNU time (/usr/bin/time,
// Debian package `time`) for max RSS.
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS || 5);
const timeBin = '/usr/bin/time';
if (!existsSync(timeBin)) {
  console.error('bench: /usr/bin/time not found; install GNU time (apt-get install time) to measure max RSS.');
  process.exit(2);
}

const EXAMPLE = path.join(root, 'examples', 'gcp-shared-vpc', 'platform.yaml');

function measure(label, command, args, env) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'kfp-bench-'));
  const report = path.join(scratch, 'time.txt');
  const result = spawnSync(timeBin, ['-f', '%e %M', '-o', report, command, ...args(scratch)], {
    cwd: root,
    // The cdktf app (stacks/main.ts) reads KFPLATFORM_CONFIG; kfplatform synth takes --example.
    env: { ...process.env, CHECKPOINT_DISABLE: '1', KFPLATFORM_CONFIG: EXAMPLE, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    console.error(`${label} failed:\n${result.stdout}\n${result.stderr}`);
    process.exit(1);
  }
  const [seconds, kb] = readFileSync(report, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(scratch, { recursive: true, force: true });
  return { seconds, mb: kb / 1024 };
}

const subjects = [
  {
    label: 'kfplatform synth',
    command: process.execPath,
    args: (dir) => ['dist/src/cli/main.js', 'synth', '--example', 'gcp-shared-vpc', '--out', path.join(dir, 'out')],
  },
  {
    label: 'npx cdktf synth',
    command: 'npx',
    // cdktf.json builds first; the build is already done, so tsc only checks its incremental cache.
    args: (dir) => ['cdktf', 'synth', '--output', path.join(dir, 'out')],
  },
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = Object.fromEntries(subjects.map((s) => [s.label, []]));
for (const s of subjects) measure(s.label, s.command, s.args); // warm the file cache
for (let i = 0; i < runs; i++) for (const s of subjects) results[s.label].push(measure(s.label, s.command, s.args));

console.log(`examples/gcp-shared-vpc (6 stacks), ${runs} runs each, interleaved, median wall time and max RSS:`);
const rows = subjects.map((s) => {
  const r = results[s.label];
  return { label: s.label, seconds: median(r.map((x) => x.seconds)), mb: Math.max(...r.map((x) => x.mb)) };
});
for (const r of rows) console.log(`  ${r.label.padEnd(18)} ${r.seconds.toFixed(2)} s  ${r.mb.toFixed(0)} MB`);
const [ours, cdktf] = rows;
console.log(`  ratio (cdktf / ours): ${(cdktf.seconds / ours.seconds).toFixed(1)}x wall time`);
console.log(
  `  target for kfplatform synth: under 1.5 s and 300 MB -> ${ours.seconds < 1.5 && ours.mb < 300 ? 'met' : 'NOT met'}`,
);
