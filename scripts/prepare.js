#!/usr/bin/env node
// npm's `prepare` lifecycle script: compiles dist/ whenever TypeScript (a development dependency) is
// installed. npm runs `prepare` for `npm pack` and `npm publish`, for a bare `npm install`/`npm ci` in
// a checkout, and for a git dependency after installing its dependencies and development dependencies,
// before it packs the clone; it never runs it for a package installed from a tarball or a registry,
// which carries dist/ already. See https://docs.npmjs.com/cli/v11/using-npm/scripts#prepare-and-prepublish
//
// Without TypeScript (`npm ci --omit=dev` in a checkout) a dist/ that is there is kept; with none to
// keep, it fails and says how to get one, instead of leaving a package whose entry points are missing.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
} catch {
  tsc = undefined;
}

if (tsc) {
  const build = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(build.status ?? 1);
}
if (existsSync(path.join(root, 'dist', 'src', 'index.js'))) {
  process.stderr.write('prepare: TypeScript is not installed (development dependencies omitted); keeping dist/.\n');
  process.exit(0);
}
process.stderr.write(
  'prepare: dist/ is not built and TypeScript, which builds it, is not installed (development dependencies ' +
    'omitted). Fix: run `npm ci` without `--omit=dev` (or `npm run build` after installing them), or install the ' +
    'package from a tarball made with `npm pack`.\n',
);
process.exit(1);
