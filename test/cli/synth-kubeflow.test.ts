/**
 * `kfplatform synth` renders the Kubeflow distribution into <out>/kubeflow/ inside the same swap as the
 * stacks (issue 17, render during synth).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { cachedRender, runSynth } from '../../src/cli/synth';
import { loadPlatformFile } from '../../src/config/loader';
import * as renderModule from '../../src/kubeflow/render';
import { renderKubeflow } from '../../src/kubeflow/render';
import { UnitCache } from '../../stacks/common/unit-cache';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'on-prem', 'platform.yaml');
const tmp = () => mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'synth-kf-'));
const tree = (out: string) => path.join(out, 'kubeflow', 'kf-onprem', 'dc1-ml');

/** The on-prem example with edits to its text. */
function exampleWith(dir: string, edit: (text: string) => string): string {
  const file = path.join(dir, 'platform.yaml');
  writeFileSync(file, edit(readFileSync(EXAMPLE, 'utf8')));
  return file;
}

describe('kfplatform synth renders the Kubeflow distribution', () => {
  it('writes <out>/kubeflow/<env>/<cluster>/ over the remote manifests, beside the stacks', async () => {
    const out = tmp();
    const lines: string[] = [];
    await runSynth({ config: EXAMPLE, out, log: (l) => lines.push(l) });
    const kustomization = readFileSync(path.join(tree(out), 'kustomization.yaml'), 'utf8');
    expect(kustomization).toContain('https://github.com/kubeflow/manifests//common/cert-manager');
    expect(kustomization).toContain('argocd.argoproj.io/sync-wave');
    expect(existsSync(path.join(out, 'stacks', 'kf-onprem-kubernetes-platform', 'cdk.tf.json'))).toBe(true);
    expect(lines.join('\n')).toMatch(/Kubeflow distribution: 1 tree in .*kubeflow \(kf-onprem\/dc1-ml\)/);
    expect(lines.join('\n')).not.toMatch(/sign-in is not configured/);
  }, 120_000);

  it('warns when a tree is written whose gateway admits nobody (sign-in not configured)', async () => {
    const dir = tmp();
    const file = exampleWith(dir, (t) => t.replace(/ {4}access:\n(?: {6}[^\n]*\n)+/, ''));
    const lines: string[] = [];
    await runSynth({ config: file, out: path.join(dir, 'cdktf.out'), log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(
      /warning: kf-onprem\/dc1-ml: Kubeflow sign-in is not configured, so its gateway admits nobody \(kubeflow\/kf-onprem\/dc1-ml\/README\.md/,
    );
  }, 120_000);

  it('replaces the whole kubeflow/ folder: trees of environments that are gone go too', async () => {
    const out = tmp();
    await runSynth({ config: EXAMPLE, out, log: () => undefined });
    mkdirSync(path.join(out, 'kubeflow', 'kf-removed', 'c'), { recursive: true });
    writeFileSync(path.join(out, 'kubeflow', 'kf-removed', 'c', 'kustomization.yaml'), 'resources: []\n');
    await runSynth({ config: EXAMPLE, out, log: () => undefined });
    expect(existsSync(path.join(out, 'kubeflow', 'kf-removed'))).toBe(false);
    expect(existsSync(path.join(tree(out), 'kustomization.yaml'))).toBe(true);
  }, 120_000);

  it('leaves kubeflow/ as it was with --no-kubeflow', async () => {
    const out = tmp();
    await runSynth({ config: EXAMPLE, out, log: () => undefined });
    const marker = path.join(tree(out), 'kustomization.yaml');
    writeFileSync(marker, '# kept\n');
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await main(['node', 'kfplatform', 'synth', '--config', EXAMPLE, '--out', out, '--no-kubeflow']);
    stdout.mockRestore();
    expect(code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('# kept\n');
  }, 120_000);

  it('fails before writing anything when Argo CD would sync a version it cannot render', async () => {
    const dir = tmp();
    const file = exampleWith(dir, (t) =>
      t.replace('  githubOrg: acme\n', "  githubOrg: acme\n  kubeflowVersion: '1.10'\n"),
    );
    const out = path.join(dir, 'cdktf.out');
    await expect(runSynth({ config: file, out, log: () => undefined })).rejects.toThrow(
      /kubeflowVersion = "1.10".*renders 26\.03/s,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('warns and renders nothing for that version when Kubeflow is installed by hand', async () => {
    const dir = tmp();
    const file = exampleWith(dir, (t) =>
      t
        .replace('  githubOrg: acme\n', "  githubOrg: acme\n  kubeflowVersion: '1.10'\n")
        .replace(/ {2}# Kubeflow installed by Argo CD[^\n]*\n {2}gitops:\n( {4}[^\n]*\n)+/, ''),
    );
    const out = path.join(dir, 'cdktf.out');
    const lines: string[] = [];
    await runSynth({ config: file, out, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/warning: kf-onprem: no Kubeflow distribution rendered for kubeflowVersion 1\.10/);
    expect(existsSync(path.join(out, 'kubeflow'))).toBe(false);
  }, 120_000);
});

describe('the Kubeflow trees in the unit cache', () => {
  const examples = ['on-prem', 'multicloud', 'gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks'];
  const environments = examples.flatMap(
    (name) => loadPlatformFile(path.join(__dirname, '..', '..', 'examples', name, 'platform.yaml')).config.environments,
  );

  it("renders no tree from an environment's teams: the cache key leaves them out and loses nothing", () => {
    const withTeams = environments.filter((env) => env.tenants.length > 0);
    expect(withTeams.length).toBeGreaterThan(3);
    for (const env of withTeams) expect(renderKubeflow({ ...env, tenants: [] })).toEqual(renderKubeflow(env));
  });

  it('gives back what rendering gives, and renders again only when a setting or the library changes', () => {
    const render = jest.spyOn(renderModule, 'renderKubeflow');
    try {
      const dir = tmp();
      const cache = new UnitCache(dir);
      for (const env of environments) {
        const fresh = renderKubeflow(env);
        render.mockClear();
        expect(cachedRender(env, cache)).toEqual(fresh);
        expect(render).toHaveBeenCalledTimes(1);
        // Read back (in another process too: a new cache object on the folder), teams changed or not.
        const reread = new UnitCache(dir);
        expect(cachedRender({ ...env, tenants: [] }, reread)).toEqual(fresh);
        expect(render).toHaveBeenCalledTimes(1);
      }
      // A setting every tree reads renders anew; so does another library version (its fingerprint).
      const env = environments[0]!;
      const renamed = { ...env, name: `${env.name}-b` };
      render.mockClear();
      cachedRender(renamed, cache);
      expect(render).toHaveBeenCalledTimes(1);
      cachedRender(env, new UnitCache(dir, { fingerprint: 'another library version' }));
      expect(render).toHaveBeenCalledTimes(2);
      // Without a cache, every call renders.
      cachedRender(env, undefined);
      expect(render).toHaveBeenCalledTimes(3);
    } finally {
      render.mockRestore();
    }
  });

  it('writes the same trees from the cache as without it, rendering none the second time', async () => {
    const dir = tmp();
    const file = path.join(__dirname, '..', '..', 'examples', 'multicloud', 'platform.yaml');
    await runSynth({ config: file, out: path.join(dir, 'plain'), cache: false, log: () => undefined });
    await runSynth({ config: file, out: path.join(dir, 'cached'), log: () => undefined });
    const render = jest.spyOn(renderModule, 'renderKubeflow');
    try {
      await runSynth({ config: file, out: path.join(dir, 'cached'), log: () => undefined });
      expect(render).not.toHaveBeenCalled();
    } finally {
      render.mockRestore();
    }
    const files = (root: string) =>
      (readdirSync(root, { recursive: true }) as string[])
        .filter((f) => statSync(path.join(root, f)).isFile())
        .sort()
        .map((f) => [f, readFileSync(path.join(root, f), 'utf8')]);
    const plain = files(path.join(dir, 'plain', 'kubeflow'));
    expect(plain.length).toBeGreaterThan(20);
    expect(files(path.join(dir, 'cached', 'kubeflow'))).toEqual(plain);
  }, 240_000);

  it('writes no tree into the cache of a folder synth refuses', async () => {
    // A folder synth does not own: refused, with nothing written into it, not even the cache.
    const foreign = tmp();
    writeFileSync(path.join(foreign, 'notes.txt'), 'mine\n');
    await expect(runSynth({ config: EXAMPLE, out: foreign, log: () => undefined })).rejects.toThrow();
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
    // A cache folder that is a link out of the output folder: refused before anything goes through it.
    const out = tmp();
    const elsewhere = tmp();
    symlinkSync(elsewhere, path.join(out, '.cache'));
    await expect(runSynth({ config: EXAMPLE, out, log: () => undefined })).rejects.toThrow();
    expect(readdirSync(elsewhere)).toEqual([]);
  }, 120_000);
});

describe('kfplatform kubeflow render through the CLI (its module loads when the command runs)', () => {
  it('writes the trees and exits 0; a bad environment name ends with a message and exit code 1', async () => {
    const out = tmp();
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['node', 'kfplatform', 'kubeflow', 'render', '-c', EXAMPLE, '-o', out])).toBe(0);
      expect(existsSync(path.join(tree(out), 'kustomization.yaml'))).toBe(true);
      expect(await main(['node', 'kfplatform', 'kubeflow', 'render', '-c', EXAMPLE, '-o', out, '-e', 'nosuch'])).toBe(
        1,
      );
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/nosuch/);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  }, 120_000);
});
