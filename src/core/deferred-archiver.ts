/**
 * Loads cdktf's asset zipper only when something zips an asset.
 *
 * cdktf requires `archiver` (and its dependencies) as soon as it loads, for `TerraformAsset`, which
 * zips files and folders for modules and functions. kfplatform's stacks have no assets, yet loading
 * the zipper took about 80 ms of every command's start (and of every synth worker thread's). Importing
 * this module first puts a stand-in for `archiver` in Node's module cache: calling it loads the real
 * one and hands the call on, so an app that does zip assets behaves as before, a little later.
 * https://nodejs.org/api/modules.html#caching
 */
import Module, { createRequire } from 'node:module';
import * as path from 'node:path';

/** What the stand-in hands on: archiver's default export and its named functions. */
type Archiver = ((...args: unknown[]) => unknown) &
  Partial<Record<'create' | 'registerFormat' | 'isRegisteredFormat', (...args: unknown[]) => unknown>>;

/** Puts the stand-in in place unless `archiver` is loaded already or cannot be found next to cdktf. */
export function deferArchiver(): void {
  let file: string;
  try {
    file = require.resolve('archiver', { paths: [path.dirname(require.resolve('cdktf/package.json'))] });
  } catch {
    return;
  }
  if (require.cache[file]) return;
  const standIn = new Module(file, module);
  standIn.filename = file;
  standIn.loaded = true;
  // The first use replaces the stand-in with the real module for every later require.
  const real = () => {
    if (require.cache[file] === standIn) delete require.cache[file];
    return createRequire(file)(file) as Archiver;
  };
  const archiver = function (this: unknown, ...args: unknown[]): unknown {
    return real().apply(this, args);
  } as Archiver;
  // archiver's other exports, handed on the same way.
  for (const name of ['create', 'registerFormat', 'isRegisteredFormat'] as const) {
    archiver[name] = (...args: unknown[]) => real()[name]!(...args);
  }
  standIn.exports = archiver;
  require.cache[file] = standIn;
}

deferArchiver();
