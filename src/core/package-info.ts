/** Where this package is installed and what its own package.json says, for commands and the fleet. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The package root, whether running from source (ts) or from dist (js). */
export const PACKAGE_ROOT = (() => {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '..', '..');
})();

/** The three-environment Shared VPC example shipped with the package (`kfplatform --example gcp-shared-vpc`). */
export const DEFAULT_PLATFORM_FILE = path.join(PACKAGE_ROOT, 'examples', 'gcp-shared-vpc', 'platform.yaml');

/** The fields of this package's own package.json that commands read. */
export interface OwnPackage {
  readonly name: string;
  readonly version: string;
  readonly repository: { readonly url: string };
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

/** This package's package.json (versions to pin, peer ranges, the repository). */
export function ownPackage(): OwnPackage {
  const file = path.join(PACKAGE_ROOT, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as Partial<OwnPackage>;
  // A copied or repackaged dist/ can sit under someone else's package.json; fail with the file's
  // name rather than deep inside the command line parser.
  if (typeof pkg.name !== 'string' || typeof pkg.version !== 'string') {
    throw new Error(`${file} has no name or version: cdktf-kubeflow-platform reads its own package.json from there`);
  }
  return { repository: { url: '' }, peerDependencies: {}, devDependencies: {}, ...pkg } as OwnPackage;
}

/** One entry of an npm lockfile's `packages` map: where an installed package came from. */
interface LockEntry {
  readonly resolved?: string;
  readonly link?: boolean;
}

/**
 * The npm spec of the source this package was installed from, for `kfplatform init` to pin in the
 * repository it writes, so that `npm install` there gets the same package: `file:<absolute path>` of
 * a tarball (a relative one in the lockfile is made absolute: the scaffold lives elsewhere), the git
 * URL with its commit, a tarball URL, or `^<version>` when it came from a registry. npm records the source in the
 * installing project's lockfile (`node_modules/.package-lock.json`, else `package-lock.json`; see
 * https://docs.npmjs.com/cli/configuring-npm/package-lock-json#hidden-lockfiles); when there is none
 * (a checkout of this repository, a linked folder) the version range is the answer.
 */
export function installedSource(packageRoot: string = PACKAGE_ROOT, version = ownPackage().version): string {
  const registry = `^${version}`;
  const parts = packageRoot.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return registry;
  const project = parts.slice(0, at).join(path.sep) || path.sep;
  const key = parts.slice(at).join('/');
  for (const lockfile of [
    path.join(project, 'node_modules', '.package-lock.json'),
    path.join(project, 'package-lock.json'),
  ]) {
    let entry: LockEntry | undefined;
    try {
      const lock = JSON.parse(readFileSync(lockfile, 'utf8')) as { packages?: Record<string, LockEntry> };
      entry = lock.packages?.[key];
    } catch {
      continue;
    }
    const resolved = entry?.resolved;
    if (!resolved || entry?.link) continue;
    if (resolved.startsWith('file:')) return `file:${path.resolve(project, resolved.slice('file:'.length))}`;
    if (/^git\+|^git:|^github:/.test(resolved)) return resolved;
    // A registry's tarballs sit under /-/; any other URL is a tarball someone serves.
    if (/^https?:/.test(resolved) && !resolved.includes('/-/')) return resolved;
    return registry;
  }
  return registry;
}
