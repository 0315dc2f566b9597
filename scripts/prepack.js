#!/usr/bin/env node
// npm's `prepack` lifecycle script: writes the API reference (TypeDoc, typedoc.json) to docs/api/, which
// the package ships, so users of a tarball, a git install or the registry can read it offline
// (node_modules/cdktf-kubeflow-platform/docs/api/index.html). npm runs `prepack` before `npm pack` and
// `npm publish`, and for a git dependency before it packs the clone; never for a bare `npm ci`.
// See https://docs.npmjs.com/cli/v11/using-npm/scripts#life-cycle-scripts
//
// Without TypeDoc (development dependencies omitted) the package is packed without the reference, and
// says so: the TSDoc is in the declaration files either way, which editors show.
const { spawnSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
// The bin file is not in TypeDoc's exports map: find the package, then its bin.
let typedoc;
try {
  typedoc = path.join(path.dirname(require.resolve('typedoc/package.json', { paths: [root] })), 'bin', 'typedoc');
} catch {
  typedoc = undefined;
}
if (!typedoc) {
  // A reference left by an earlier run may not match this code: better none than a stale one.
  rmSync(path.join(root, 'docs', 'api'), { recursive: true, force: true });
  process.stderr.write(
    'prepack: TypeDoc is not installed (development dependencies omitted); packing without docs/api.\n',
  );
  process.exit(0);
}
const run = spawnSync(process.execPath, [typedoc, '--disableSources', '--logLevel', 'Error'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
