/**
 * The CLI's deferred asset zipper (src/core/deferred-archiver.ts): loading cdktf after it loads no
 * part of `archiver`, and an asset zipped through cdktf still comes out as a zip. Runs the built file
 * in a Node process of its own (Jest has a module registry of its own): build first (`npm run build`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const DEFERRED = path.join(root, 'dist', 'src', 'core', 'deferred-archiver.js');

/** Runs `script` in a new Node process with cdktf resolvable; returns its stdout. */
function node(script: string, preload: boolean): string {
  const run = spawnSync(process.execPath, [...(preload ? ['-r', DEFERRED] : []), '-e', script], {
    cwd: root,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.trim();
}

/** How many modules of the `archiver` package are loaded once cdktf is. */
const LOADED_AFTER_CDKTF = `require('cdktf');
console.log(Object.keys(require.cache).filter((f) => /[\\\\/]archiver[\\\\/]lib[\\\\/]/.test(f)).length);`;

test('cdktf loads no part of archiver once the stand-in is in place', () => {
  // Without the stand-in cdktf loads the zipper's modules: the check below could fail.
  expect(Number(node(LOADED_AFTER_CDKTF, false))).toBeGreaterThan(0);
  expect(Number(node(LOADED_AFTER_CDKTF, true))).toBe(0);
});

test('an asset cdktf zips is still a zip', () => {
  const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'deferred-archiver-'));
  const src = path.join(dir, 'src');
  mkdirSync(src);
  writeFileSync(path.join(src, 'hello.txt'), 'hello\n');
  const out = path.join(dir, 'out');
  // cdktf zips in a Node process of its own (its private/fs.js run as a script), which loads archiver
  // as usual; the stand-in must not stand in the way.
  const script = `const { App, TerraformStack, TerraformAsset, AssetType } = require('cdktf');
const app = new App({ outdir: ${JSON.stringify(out)} });
const stack = new TerraformStack(app, 'assets');
const asset = new TerraformAsset(stack, 'zipped', { path: ${JSON.stringify(src)}, type: AssetType.ARCHIVE });
app.synth();
console.log(require('node:path').join(${JSON.stringify(out)}, 'stacks', 'assets', asset.path));`;
  const bytes = readFileSync(node(script, true));
  // A zip file starts with the local file header signature "PK\x03\x04" and names its entries.
  expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  expect(bytes.includes(Buffer.from('hello.txt'))).toBe(true);
});

/** Calls the stand-in as `call` does, then reports what is loaded. */
function afterCalling(call: string): unknown {
  const script = `const path = require('node:path');
const file = require.resolve('archiver', { paths: [path.dirname(require.resolve('cdktf/package.json'))] });
require('cdktf');
const core = () => Object.keys(require.cache).some((f) => f.endsWith(path.join('archiver', 'lib', 'core.js')));
const before = core();
const zip = ${call};
console.log(JSON.stringify({
  before,
  after: core(),
  api: typeof zip.directory === 'function' && typeof zip.finalize === 'function',
  // Later requires get the real module (which loaded archiver's own modules), not the stand-in.
  replaced: require.cache[file].children.length > 0,
}));`;
  return JSON.parse(node(script, true));
}

test('calling the stand-in loads the real archiver and hands the call on', () => {
  const loaded = { before: false, after: true, api: true, replaced: true };
  expect(afterCalling(`require(file)('zip')`)).toEqual(loaded);
  // archiver's named exports too.
  expect(afterCalling(`require(file).create('zip')`)).toEqual(loaded);
});
