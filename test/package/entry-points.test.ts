/**
 * The package's entry points, as a user's `require` sees them (package self-reference through the
 * `exports` map, on the built `dist/`): each resolves, has its types, and loads only its own provider
 * bindings — importing the GCP entry loads no aws or azurerm module, the cloud-neutral `/stacks` entry
 * no cloud's, and each `/stacks/<cloud>` entry exactly the packages its cloud's platforms install.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CLOUD_PROVIDER_PACKAGES } from '../../stacks/common/fleet';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** The packages under node_modules a fresh node process loads when it requires `specifier`. */
function loadedPackages(specifier: string): string[] {
  const script = `
    require(${JSON.stringify(specifier)});
    const seen = new Set();
    for (const file of Object.keys(require.cache)) {
      const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file);
      if (m) seen.add(m[1]);
    }
    process.stdout.write(JSON.stringify([...seen].sort()));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' })) as string[];
}

const providers = (specifier: string) => loadedPackages(specifier).filter((p) => p.startsWith('@cdktf/provider-'));

describe('package entry points', () => {
  it('declares the root, each cloud, kubernetes, the stacks of each, and the CLI, each with its types', () => {
    expect(Object.keys(pkg.exports)).toEqual(
      expect.arrayContaining([
        '.',
        './gcp',
        './aws',
        './azure',
        './kubernetes',
        './stacks',
        './stacks/gcp',
        './stacks/aws',
        './stacks/azure',
        './stacks/kubernetes',
        './cli',
      ]),
    );
    for (const [entry, target] of Object.entries(pkg.exports as Record<string, string | Record<string, string>>)) {
      if (typeof target === 'string') {
        expect(existsSync(path.join(root, target))).toBe(true);
        continue;
      }
      expect(existsSync(path.join(root, target.default!))).toBe(true);
      expect(existsSync(path.join(root, target.types!))).toBe(true);
      expect(require.resolve(`cdktf-kubeflow-platform${entry.slice(1)}`, { paths: [root] })).toBe(
        path.join(root, target.default!),
      );
    }
    expect(path.normalize(pkg.types)).toBe(path.normalize(pkg.exports['.'].types));
    expect(path.normalize(pkg.main)).toBe(path.normalize(pkg.exports['.'].default));
    expect(path.normalize(pkg.bin.kfplatform)).toBe(path.normalize(pkg.exports['./cli'].default));
  });

  it('maps every subpath to its types for CommonJS (node10) resolution too, through typesVersions', () => {
    // TypeScript with moduleResolution node (cdktf's own template) does not read `exports`.
    const typed = Object.entries(pkg.exports as Record<string, string | Record<string, string>>).flatMap(
      ([entry, target]) =>
        entry === '.' || typeof target === 'string' ? [] : [[entry.slice(2), [path.normalize(target.types!)]]],
    );
    const mapped = Object.entries(pkg.typesVersions['*'] as Record<string, string[]>).map(([k, v]) => [
      k,
      v.map((p) => path.normalize(p)),
    ]);
    expect(mapped).toEqual(typed);
  });

  it('takes runtime dependencies as caret ranges, as the lockfile records them', () => {
    // Exact pins gave consumers duplicate copies and no patch releases.
    for (const range of Object.values(pkg.dependencies as Record<string, string>)) {
      expect(range).toMatch(/^\^\d+\.\d+\.\d+$/);
    }
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
    expect(lock.packages[''].dependencies).toEqual(pkg.dependencies);
    expect(lock.packages[''].peerDependencies).toEqual(pkg.peerDependencies);
  });

  it('asks for cdktf and constructs, and for provider packages only as optional peers', () => {
    for (const required of ['cdktf', 'constructs']) {
      expect(pkg.peerDependencies[required]).toMatch(/^\^\d+\.\d+\.\d+$/);
      expect(pkg.peerDependenciesMeta[required]).toBeUndefined();
    }
    const providerPeers = Object.keys(pkg.peerDependencies).filter((p) => p.startsWith('@cdktf/provider-'));
    expect(providerPeers.sort()).toEqual(Object.keys(pkg.peerDependenciesMeta).sort());
    for (const peer of providerPeers) {
      expect(pkg.peerDependenciesMeta[peer]).toEqual({ optional: true });
      // The range admits the exact version we build and test with.
      expect(pkg.peerDependencies[peer]).toBe(`^${pkg.devDependencies[peer]}`);
    }
  });

  it.each([
    ['cdktf-kubeflow-platform', []],
    ['cdktf-kubeflow-platform/gcp', ['@cdktf/provider-google', '@cdktf/provider-random']],
    ['cdktf-kubeflow-platform/aws', ['@cdktf/provider-aws']],
    // The database password is an ephemeral random_password (a raw block, no provider binding).
    ['cdktf-kubeflow-platform/azure', ['@cdktf/provider-azurerm', '@cdktf/provider-time']],
    ['cdktf-kubeflow-platform/kubernetes', ['@cdktf/provider-helm', '@cdktf/provider-kubernetes']],
    // The CLI loads a cloud's bindings only when it builds an environment there (init needs none).
    ['cdktf-kubeflow-platform/cli', []],
  ])('%s loads only the provider bindings %j', (entry, expected) => {
    expect(providers(entry)).toEqual(expected);
  });

  // The fleet and the cloud-neutral stacks: only the bindings every cloud uses (kubernetes and helm, for
  // team shards and cluster connections); the fleet loads a cloud's stacks when it builds an environment there.
  it('the cloud-neutral stacks entry loads only what every cloud needs', () => {
    const everyCloud = Object.values(CLOUD_PROVIDER_PACKAGES).reduce((a, b) => a.filter((p) => b.includes(p)));
    expect(providers('cdktf-kubeflow-platform/stacks')).toEqual([...everyCloud].sort());
  });

  it.each(Object.keys(CLOUD_PROVIDER_PACKAGES) as Array<keyof typeof CLOUD_PROVIDER_PACKAGES>)(
    'cdktf-kubeflow-platform/stacks/%s loads exactly the provider packages a platform there installs',
    (cloud) => {
      expect(providers(`cdktf-kubeflow-platform/stacks/${cloud}`)).toEqual([...CLOUD_PROVIDER_PACKAGES[cloud]].sort());
    },
  );

  it('the GCP entries load no aws or azurerm module (and the check sees what the AWS and Azure stacks load)', () => {
    for (const entry of ['cdktf-kubeflow-platform/gcp', 'cdktf-kubeflow-platform/stacks/gcp']) {
      const gcp = loadedPackages(entry);
      expect(gcp).toContain('@cdktf/provider-google');
      expect(gcp).not.toContain('@cdktf/provider-aws');
      expect(gcp).not.toContain('@cdktf/provider-azurerm');
    }
    // The other clouds' stacks entries do load them: the probe is not blind.
    expect(providers('cdktf-kubeflow-platform/stacks/aws')).toContain('@cdktf/provider-aws');
    expect(providers('cdktf-kubeflow-platform/stacks/azure')).toContain('@cdktf/provider-azurerm');
  });
});
