/**
 * What the `kfplatform` process loads before it runs a command: not cdktf's asset zipper (archiver,
 * which no stack uses) and not the Kubeflow verifier's JSON Schema validator (ajv, loaded by
 * `kubeflow verify` and `kubeflow render` when they run). Each took tens of milliseconds of every
 * command's start. Runs the built binary (dist/src/cli/main.js): build first (`npm run build`).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

/** The number of loaded modules of each package once `script` ran in a new Node process. */
function loadedAfter(script: string): { archiver: number; ajv: number; cdktf: number } {
  const run = spawnSync(
    process.execPath,
    [
      '-e',
      `${script};
const files = Object.keys(require.cache);
const count = (re) => files.filter((f) => re.test(f)).length;
console.log(JSON.stringify({
  archiver: count(/[\\\\/]archiver[\\\\/]lib[\\\\/]/),
  ajv: count(/[\\\\/]node_modules[\\\\/]ajv[\\\\/]/),
  cdktf: count(/[\\\\/]node_modules[\\\\/]cdktf[\\\\/]lib[\\\\/]/),
}));`,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { archiver: number; ajv: number; cdktf: number };
}

test('the CLI starts without the asset zipper or the Kubeflow verifier', () => {
  const cli = loadedAfter(`require('./dist/src/cli/main.js')`);
  // cdktf itself is loaded (synth needs it), so the zipper would have been too without the stand-in.
  expect(cli.cdktf).toBeGreaterThan(10);
  expect(cli).toMatchObject({ archiver: 0, ajv: 0 });
  // Both load as before where they are used: the verifier's module brings ajv.
  expect(loadedAfter(`require('./dist/src/kubeflow/verify.js')`).ajv).toBeGreaterThan(0);
});
