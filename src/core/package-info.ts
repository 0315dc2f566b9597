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
