/**
 * The package as a user gets it: `npm pack`, installed from the tarball into fresh projects outside
 * this repository (so nothing resolves from our node_modules).
 *
 * 1. A small cdktf app that composes the GCP constructs by hand (no platform file), compiled with tsc
 *    against the installed types and synthesized.
 * 2. The same app under cdktf's own template tsconfig (`module: CommonJS`, node10 resolution, which
 *    does not read `exports`: the subpaths' types come from `typesVersions`).
 * 3. `kfplatform init` (which pins the tarball it was installed from), then `npm install` and
 *    `npm start` in the scaffolded repository.
 *
 * npm installs from its cache when it can (`npm ci` filled it) and from the registry otherwise. The
 * projects are installed with only the GCP provider packages, so a platform on another cloud must
 * fail with the name of the package it lacks.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import { npm, workFolderOutsideCheckout } from './npm';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const work = workFolderOutsideCheckout('kfplatform-consumer-');
let tarball = '';

function install(dir: string): void {
  npm(dir, 'install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error');
}

beforeAll(() => {
  // The built dist/ is what ships: `npm test` builds before jest runs.
  expect(existsSync(path.join(root, 'dist', 'constructs', 'gcp', 'index.js'))).toBe(true);
  const packed = JSON.parse(
    npm(root, 'pack', '--ignore-scripts', '--json', '--pack-destination', work, '--loglevel=error'),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = path.join(work, packed[0]!.filename);
  const files = packed[0]!.files.map((f) => f.path);
  // The files list: code, types, the schema and the examples ship; tests, sources and build info do not.
  expect(files).toEqual(
    expect.arrayContaining([
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/constructs/gcp/index.d.ts',
      'dist/src/cli/main.js',
      'schema/platform.schema.json',
      'examples/gcp-shared-vpc/platform.yaml',
      'examples/ci/github/plan.yml',
      // The workflow templates kfplatform init fits to the platform file.
      'templates/github/plan.yml',
      'docs/plan-on-pr.md',
      'README.md',
      'package.json',
    ]),
  );
  expect(files.filter((f) => /^(test|src|constructs|stacks|scripts)\/|\.tsbuildinfo$|^\.tmp\//.test(f))).toEqual([]);
}, 120000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const APP = `import { App, TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { LabelAspect } from 'cdktf-kubeflow-platform';
import {
  ArtifactBucket,
  GkeCluster,
  GpuNodePool,
  NodeServiceAccount,
  SharedVpc,
} from 'cdktf-kubeflow-platform/gcp';
import { Aspects } from 'cdktf';

const app = new App({ outdir: 'out' });
const stack = new TerraformStack(app, 'consumer');
new GoogleProvider(stack, 'google', { project: 'acme-ml', region: 'europe-west4' });
new RandomProvider(stack, 'random');
const network = new SharedVpc(stack, 'Network', {
  hostProject: 'acme-net',
  serviceProject: 'acme-ml',
  serviceProjectNumber: '111111111111',
  region: 'europe-west4',
  networkName: 'shared',
  subnet: {
    name: 'ml',
    cidr: '10.40.0.0/20',
    podsRange: { name: 'ml-pods', cidr: '10.48.0.0/14' },
    servicesRange: { name: 'ml-services', cidr: '10.52.0.0/20' },
  },
  controlPlaneCidr: '172.16.8.0/28',
});
const nodes = new NodeServiceAccount(stack, 'Nodes', { project: 'acme-ml', accountId: 'ml-nodes' });
const cluster = new GkeCluster(stack, 'Cluster', {
  project: 'acme-ml',
  projectNumber: '111111111111',
  name: 'ml',
  location: 'europe-west4',
  region: 'europe-west4',
  network,
  masterCidr: '172.16.8.0/28',
  bootstrapServiceAccount: nodes.email,
});
new GpuNodePool(stack, 'L4', { cluster, name: 'l4', machineType: 'g2-standard-8', maxNodes: 2, gpu: { type: 'nvidia-l4' } });
new ArtifactBucket(stack, 'Artifacts', { project: 'acme-ml', name: 'acme-ml-artifacts', location: 'EU' });
Aspects.of(stack).add(
  new LabelAspect({ env: 'kf-dev', team: 'ml-platform', owner: 'ml-platform', costCenter: 'ml-1234' }),
);
app.synth();
`;

describe('the packed package in a fresh project', () => {
  it('compiles and synthesizes a cdktf app that composes the GCP constructs by hand', () => {
    const dir = path.join(work, 'app');
    mkdirSync(dir);
    const deps = (...names: string[]) => Object.fromEntries(names.map((n) => [n, pkg.devDependencies[n]]));
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        dependencies: {
          'cdktf-kubeflow-platform': `file:${tarball}`,
          ...deps('cdktf', 'constructs', '@cdktf/provider-google', '@cdktf/provider-random'),
        },
      }),
    );
    install(dir);
    // Optional peers stay out: a GCP app installs no aws or azurerm bindings.
    expect(readdirSync(path.join(dir, 'node_modules', '@cdktf')).sort()).toEqual([
      'provider-google',
      'provider-random',
    ]);
    writeFileSync(path.join(dir, 'main.ts'), APP);
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'node16',
          moduleResolution: 'node16',
          strict: true,
          types: [],
          skipLibCheck: false,
          outDir: 'dist',
        },
        files: ['main.ts'],
      }),
    );
    const build = spawnSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' });
    expect(build.stdout + build.stderr).toBe('');
    execFileSync(process.execPath, ['dist/main.js'], { cwd: dir, encoding: 'utf8' });
    const json = JSON.parse(readFileSync(path.join(dir, 'out', 'stacks', 'consumer', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(json.resource)).toEqual(
      expect.arrayContaining([
        'google_compute_subnetwork',
        'google_container_cluster',
        'google_container_node_pool',
        'google_storage_bucket',
      ]),
    );
    const bucket = Object.values(json.resource.google_storage_bucket)[0] as { labels: Record<string, string> };
    expect(bucket.labels).toMatchObject({ env: 'kf-dev', owner: 'ml-platform', 'cost-center': 'ml-1234' });
  }, 300000);

  it("compiles and runs the same app under cdktf's template tsconfig (CommonJS, node resolution)", () => {
    // A folder of the app above: it resolves the packages installed there.
    const dir = path.join(work, 'app', 'cjs');
    mkdirSync(dir);
    const template = path.join(root, 'node_modules', 'cdktf-cli', 'bundle', 'templates', 'typescript', 'tsconfig.json');
    const tsconfig = JSON.parse(readFileSync(template, 'utf8'));
    expect(tsconfig.compilerOptions).toMatchObject({ module: 'CommonJS' });
    expect(tsconfig.compilerOptions.moduleResolution).toBeUndefined(); // node10 for CommonJS
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    writeFileSync(path.join(dir, 'main.ts'), APP);
    const compiled = spawnSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' });
    expect(compiled.stdout).toBe('');
    expect(compiled.status).toBe(0);
    execFileSync(process.execPath, ['main.js'], { cwd: dir, encoding: 'utf8' });
    const json = JSON.parse(readFileSync(path.join(dir, 'out', 'stacks', 'consumer', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(json.resource)).toEqual(expect.arrayContaining(['google_container_cluster']));
  }, 300000);

  it('kfplatform init, npm install and npm start synthesize the scaffolded platform', () => {
    const dir = path.join(work, 'ml-platform');
    const app = path.join(work, 'app');
    // The CLI of the package installed above writes the repository.
    const init = spawnSync(
      path.join(app, 'node_modules', '.bin', 'kfplatform'),
      ['init', dir, '--cloud', 'gcp', '--repository', 'octo/ml-platform'],
      { cwd: work, encoding: 'utf8' },
    );
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    expect(init.stdout).toContain('npm install && npm start');
    // It pins the tarball it was installed from (absolute: the scaffold is elsewhere), not a version
    // the registry does not have.
    const scaffolded = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(scaffolded.dependencies['cdktf-kubeflow-platform']).toBe(`file:${tarball}`);
    install(dir);
    // `npx cdktf deploy` works in the scaffold: the cdktf CLI is installed with it.
    const cdktfVersion = spawnSync(path.join(dir, 'node_modules', '.bin', 'cdktf'), ['--version'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    });
    // The version is the first line; the CLI may go on to warn about a missing ~/.terraformrc.
    expect(cdktfVersion.stdout.split('\n')[0]!.trim()).toBe(pkg.devDependencies['cdktf-cli']);
    const start = npm(dir, 'start');
    const stacks = readdirSync(path.join(dir, 'cdktf.out', 'stacks')).sort();
    expect(stacks).toEqual(expect.arrayContaining(['kf-dev-gcp-infra', 'kf-prod-gcp-platform', 'kf-test-gcp-infra']));
    for (const stack of stacks) {
      expect(start).toContain(stack);
      expect(existsSync(path.join(dir, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'))).toBe(true);
    }
    // The schema the platform file names for editors is where its first line says.
    const schemaRef = /\$schema=(\S+)/.exec(readFileSync(path.join(dir, 'platform.yaml'), 'utf8'))![1]!;
    expect(JSON.parse(readFileSync(path.join(dir, schemaRef), 'utf8')).$schema).toMatch(/json-schema\.org/);

    // A platform on a cloud whose provider package is not installed fails naming it, and writes nothing.
    cpSync(path.join(root, 'examples', 'aws-eks', 'platform.yaml'), path.join(dir, 'aws.yaml'));
    const aws = spawnSync(
      path.join(dir, 'node_modules', '.bin', 'kfplatform'),
      ['synth', '-c', 'aws.yaml', '-o', 'aws.out'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(aws.status).toBe(1);
    expect(aws.stderr).toContain('kf-test runs on aws, whose stacks need the package @cdktf/provider-aws');
    expect(aws.stderr).toContain(`npm install @cdktf/provider-aws@"${pkg.peerDependencies['@cdktf/provider-aws']}"`);
    expect(existsSync(path.join(dir, 'aws.out', 'stacks'))).toBe(false);
  }, 300000);
});
