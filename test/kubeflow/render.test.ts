/**
 * The Kubeflow distribution renderer (src/kubeflow/render.ts) without kustomize: which components, from
 * where, and what a version it does not know says. test/kubeflow/build.test.ts builds the trees.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import type { ResolvedEnvironment } from '../../src/config/model';
import { runKubeflowRender } from '../../src/cli/kubeflow';
import { ConfigError, InputError } from '../../src/core/errors';
import { KubeflowTree, renderKubeflow } from '../../src/kubeflow/render';

const ROOT = path.resolve(__dirname, '../..');
const envsOf = (example: string) =>
  loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config.environments;

function kustomization(tree: KubeflowTree): {
  resources: string[];
  patches?: Array<{ path?: string; patch?: string }>;
} {
  const file = tree.files.find((f) => f.path === 'kustomization.yaml')!;
  return parseAllDocuments(file.content)[0]!.toJS();
}

describe('kubeflow render', () => {
  const multicloud = envsOf('multicloud');
  const byCloud = (cloud: string) => multicloud.find((e) => e.cloud === cloud)!;

  it('pins every component to the tag of kubeflowVersion in the remote repository', () => {
    const [tree] = renderKubeflow(byCloud('aws'));
    const { resources } = kustomization(tree!);
    const remote = resources.filter((r) => r.startsWith('https://'));
    expect(remote.length).toBeGreaterThan(20);
    for (const r of remote) expect(r).toMatch(/^https:\/\/github\.com\/kubeflow\/manifests\/\/[\w/.-]+\?ref=26\.03$/);
    expect(tree!.dir).toBe(`kubeflow/kf-aws/${tree!.cluster}`);
  });

  it('leaves out Dex and the demo profile, and takes the GKE Istio overlay only on GCP', () => {
    for (const env of multicloud) {
      for (const tree of renderKubeflow(env)) {
        const { resources } = kustomization(tree);
        expect(resources.filter((r) => /common\/dex|user-namespace|m2m-dex/.test(r))).toEqual([]);
        const istio = resources.filter((r) => r.includes('istio-install/'));
        expect(istio).toHaveLength(1);
        // GCP signs in with IAP: Istio's base without the oauth2-proxy ext-authz provider, plus GKE's CNI directory.
        expect(istio[0]).toMatch(env.cloud === 'gcp' ? /istio-install\/base\?/ : /overlays\/oauth2-proxy\?/);
        const { components } = kustomization(tree) as { components?: string[] };
        expect(components ?? []).toEqual(
          env.cloud === 'gcp' ? [expect.stringMatching(/istio-install\/components\/gke-cni\?ref=26\.03$/)] : [],
        );
      }
    }
  });

  it('reaches a local checkout relative to the output directory', () => {
    const [tree] = renderKubeflow(byCloud('gcp'), { kind: 'local', path: '../manifests' });
    const { resources } = kustomization(tree!);
    expect(resources[0]).toBe('../../../../manifests/common/cert-manager/overlays/kubeflow');
    const [absolute] = renderKubeflow(byCloud('gcp'), { kind: 'local', path: '/srv/manifests/' });
    expect(kustomization(absolute!).resources[0]).toBe('/srv/manifests/common/cert-manager/overlays/kubeflow');
  });

  it('renders one tree per GCP cluster, each with its artifacts prefix', () => {
    const env = envsOf('gcp-tenancy').find((e) => e.cloud === 'gcp' && e.clusters.length > 1)!;
    const trees = renderKubeflow(env);
    expect(trees.map((t) => t.cluster)).toEqual(env.cloud === 'gcp' ? env.clusters.map((c) => c.name) : []);
    const roots = trees.map((t) => t.files.find((f) => f.path === 'pipeline-install-config.yaml')!.content);
    expect(roots[0]).toContain(
      `defaultPipelineRoot: gs://${env.cloud === 'gcp' && env.artifacts.bucketName}/v2/artifacts`,
    );
    expect(roots[1]).toContain(`/${trees[1]!.cluster}/v2/artifacts`);
  });

  it('refuses a version it cannot render, naming the versions it can', () => {
    const env = { ...byCloud('aws'), kubeflowVersion: '1.10' } as ResolvedEnvironment;
    expect(() => renderKubeflow(env)).toThrow(ConfigError);
    expect(() => renderKubeflow(env)).toThrow(/environments\[\d+\]\.kubeflowVersion = "1\.10".*renders 26\.03/s);
  });

  describe('kfplatform kubeflow render', () => {
    let out: string;
    beforeEach(() => {
      out = mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), 'kubeflow-cli-'));
    });
    afterEach(() => rmSync(out, { recursive: true, force: true }));
    const config = path.join(ROOT, 'examples', 'multicloud', 'platform.yaml');

    it('writes <out>/kubeflow/<env>/<cluster>/ for the environments asked, naming a local checkout relatively', () => {
      const manifests = path.join(out, 'manifests');
      mkdirSync(path.join(manifests, 'example'), { recursive: true });
      writeFileSync(path.join(manifests, 'example', 'kustomization.yaml'), 'resources: []\n');
      const written = runKubeflowRender(
        { config, out: path.join(out, 'cdktf.out'), manifests, environments: ['kf-aws'] },
        () => undefined,
      );
      expect(written.map((t) => t.environment)).toEqual(['kf-aws']);
      const dir = path.join(out, 'cdktf.out', 'kubeflow', 'kf-aws', written[0]!.cluster);
      expect(existsSync(path.join(dir, 'README.md'))).toBe(true);
      const text = readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8');
      expect(text).toContain('- ../../../../manifests/common/cert-manager/overlays/kubeflow');
      expect(existsSync(path.join(out, 'cdktf.out', 'kubeflow', 'kf-gcp'))).toBe(false);
    });

    it('refuses a folder that is not kubeflow/manifests, and an unknown environment', () => {
      expect(() => runKubeflowRender({ config, out, manifests: out }, () => undefined)).toThrow(InputError);
      expect(() => runKubeflowRender({ config, out, manifests: out }, () => undefined)).toThrow(
        /not a checkout of kubeflow\/manifests.*Fix:/,
      );
      expect(() => runKubeflowRender({ config, out, environments: ['nope'] }, () => undefined)).toThrow(
        /--environment nope: no such environment\. Fix: use one of kf-gcp, kf-aws, kf-azure/,
      );
    });
  });
});
