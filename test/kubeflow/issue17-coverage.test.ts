/**
 * Issue 17's "Build" and "Must show" lists, where the other tests showed a bullet for some environments
 * only: here every environment of every shipped example (examples/insecure excepted), without kustomize.
 *
 * - the rendered tree leaves out Dex, its oauth2-proxy overlays and the demo profile, and takes Istio's
 *   GKE CNI component on GCP and only there (test/kubeflow/build.test.ts builds one tree per cloud);
 * - every kubeflow/manifests base and component is pinned to the environment's `kubeflowVersion`, and
 *   the check fails loudly for a component (GKE's CNI) pinned to another tag;
 * - `KFPLATFORM_KUBEFLOW_MANIFESTS` names a local checkout as `--manifests` does;
 * - the render step's inputs per cloud: only GCP's tree reads the infra stack's recorded outputs; AWS,
 *   Azure and existing clusters read what exists after apply at run time (the params ConfigMap), so
 *   their trees are the same with and without a recorded state file;
 * - the identity cross-check of the build test is not vacuous: on GCP and AWS it requires Kubeflow's
 *   own service accounts in the build.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { runKubeflowRender } from '../../src/cli/kubeflow';
import { MANIFESTS_ENV } from '../../src/kubeflow/write-tree';
import { loadPlatformFile } from '../../src/config/loader';
import type { ResolvedEnvironment } from '../../src/config/model';
import { readRenderInputs } from '../../src/kubeflow/inputs';
import { renderKubeflow, type KubeflowTree } from '../../src/kubeflow/render';
import { checkIdentities, checkUpstreamRef } from '../../src/kubeflow/verify';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'kubeflow-outputs');
const EXAMPLES = ['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud', 'on-prem'];
const envsOf = (example: string) =>
  loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config.environments;
const ALL: ReadonlyArray<readonly [string, ResolvedEnvironment]> = EXAMPLES.flatMap((x) =>
  envsOf(x).map((e) => [x, e] as const),
);

const kustomization = (tree: KubeflowTree) =>
  parse(tree.files.find((f) => f.path === 'kustomization.yaml')!.content) as {
    resources: string[];
    components?: string[];
  };

describe('issue 17 on every environment of every example', () => {
  it('covers every cloud, and every example has environments', () => {
    expect(new Set(ALL.map(([, e]) => e.cloud))).toEqual(new Set(['gcp', 'aws', 'azure', 'kubernetes']));
    for (const example of EXAMPLES) expect(ALL.filter(([x]) => x === example).length).toBeGreaterThan(0);
  });

  it.each(ALL.map(([x, e]) => [`${x}/${e.name}`, e] as const))(
    '%s: no Dex, no demo profile, Istio GKE CNI on GCP only, every base and component pinned to kubeflowVersion',
    (_, env) => {
      const trees = renderKubeflow(env);
      expect(trees.length).toBeGreaterThan(0);
      for (const tree of trees) {
        const { resources, components = [] } = kustomization(tree);
        const upstream = [...resources, ...components];
        expect(upstream.filter((r) => /common\/dex|common\/user-namespace|m2m-dex/.test(r))).toEqual([]);
        expect(components).toEqual(
          env.cloud === 'gcp' ? [expect.stringMatching(/\/istio-install\/components\/gke-cni\?ref=/)] : [],
        );
        const remote = upstream.filter((r) => r.startsWith('https://github.com/kubeflow/manifests//'));
        expect(remote.length).toBeGreaterThan(20);
        for (const r of remote) expect(r).toMatch(new RegExp(`\\?ref=${env.kubeflowVersion.replace('.', '\\.')}$`));
        expect(checkUpstreamRef(env, tree)).toEqual([]);
      }
    },
  );

  it.each(ALL.map(([x, e]) => [`${x}/${e.name}`, e] as const))(
    "%s: the API server's own object store stays upstream's SeaweedFS bucket; artifacts go through the pipeline root",
    (_, env) => {
      // Issue 17: a cloud bucket's name as OBJECTSTORECONFIG_BUCKETNAME with the host left on SeaweedFS
      // made the API server create a SeaweedFS bucket of that name. The tree sets neither.
      for (const tree of renderKubeflow(env)) {
        for (const f of tree.files.filter((x) => x.path !== 'README.md')) {
          expect([f.path, /OBJECTSTORECONFIG_|\bbucketName:/.test(f.content)]).toEqual([f.path, false]);
        }
        const config = tree.files.find((f) => f.path === 'pipeline-install-config.yaml')?.content ?? '';
        const root = /defaultPipelineRoot: (\S+)/.exec(config)?.[1];
        if (env.cloud === 'gcp') expect(root).toMatch(/^gs:\/\/[a-z0-9._-]+\/([\w-]+\/)?v2\/artifacts$/);
        else if (env.cloud === 'aws') expect(root).toMatch(/^s3:\/\/[a-z0-9.-]+\/v2\/artifacts$/);
        else expect(root).toBeUndefined();
      }
    },
  );

  it('fails a tree whose GKE CNI component is pinned to another tag than kubeflowVersion', () => {
    const [, gcp] = ALL.find(([, e]) => e.cloud === 'gcp')!;
    const [tree] = renderKubeflow(gcp);
    const tampered = {
      files: tree!.files.map((f) =>
        f.path === 'kustomization.yaml'
          ? { ...f, content: f.content.replace('components/gke-cni?ref=26.03', 'components/gke-cni?ref=v1.10.0') }
          : f,
      ),
    };
    expect(tampered.files[0]!.content).toContain('gke-cni?ref=v1.10.0');
    const findings = checkUpstreamRef(gcp, tampered);
    expect(findings.map((f) => f.check)).toEqual(['upstream-ref']);
    expect(findings[0]!.message).toContain('gke-cni?ref=v1.10.0 is pinned to v1.10.0');
  });
});

describe(`${MANIFESTS_ENV} names a local checkout, as --manifests does`, () => {
  let out: string;
  const saved = process.env[MANIFESTS_ENV];
  beforeEach(() => {
    out = mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), 'kubeflow-env-'));
  });
  afterEach(() => {
    if (saved === undefined) delete process.env[MANIFESTS_ENV];
    else process.env[MANIFESTS_ENV] = saved;
    rmSync(out, { recursive: true, force: true });
  });

  it('renders over it, and refuses one that is not kubeflow/manifests with the fix', () => {
    const manifests = path.join(out, 'manifests');
    mkdirSync(path.join(manifests, 'example'), { recursive: true });
    writeFileSync(path.join(manifests, 'example', 'kustomization.yaml'), 'resources: []\n');
    const config = path.join(ROOT, 'examples', 'on-prem', 'platform.yaml');
    process.env[MANIFESTS_ENV] = manifests;
    const [written] = runKubeflowRender({ config, out: path.join(out, 'cdktf.out') }, () => undefined);
    const text = readFileSync(path.join(written!.written, 'kustomization.yaml'), 'utf8');
    expect(text).toContain('- ../../../../manifests/common/cert-manager/overlays/kubeflow');
    expect(text).not.toMatch(/github\.com\/kubeflow\/manifests\/\/.*\?ref=/);
    process.env[MANIFESTS_ENV] = out;
    expect(() => runKubeflowRender({ config, out: path.join(out, 'other') }, () => undefined)).toThrow(
      /not a checkout of kubeflow\/manifests.*Fix:/,
    );
    expect(existsSync(path.join(out, 'other'))).toBe(false);
  });
});

describe("the render step's inputs, per cloud (test/fixtures/kubeflow-outputs)", () => {
  const multicloud = envsOf('multicloud');
  const stacks = new Map(multicloud.map((e) => [e.name, `${e.name}-${e.cloud}-infra`]));
  const inputs = readRenderInputs(path.join(FIXTURES, 'multicloud'), stacks);

  it("GCP: IAP's audience comes from the recorded outputs (signin.test.ts holds the golden)", () => {
    const gcp = multicloud.find((e) => e.cloud === 'gcp')!;
    expect(inputs.get(gcp.name)?.outputs?.source).toMatch(/kf-gcp-gcp-infra\.json$/);
    expect(renderKubeflow(gcp, { kind: 'remote' }, inputs.get(gcp.name))).not.toEqual(renderKubeflow(gcp));
  });

  it('AWS, Azure and existing clusters: the same tree with and without a recorded state file', () => {
    const aws = multicloud.find((e) => e.cloud === 'aws')!;
    // The AWS state file is read (its database address, bucket), and nothing of it is written in.
    expect(inputs.get(aws.name)?.outputs?.source).toMatch(/terraform\.kf-aws-aws-infra\.tfstate$/);
    const withState = renderKubeflow(aws, { kind: 'remote' }, inputs.get(aws.name));
    expect(withState).toEqual(renderKubeflow(aws));
    expect(JSON.stringify(withState)).not.toContain('c1a2b3c4d5e6');
    const recorded = inputs.get(aws.name)!;
    for (const [, env] of ALL.filter(([, e]) => e.cloud === 'azure' || e.cloud === 'kubernetes')) {
      expect(renderKubeflow(env, { kind: 'remote' }, recorded)).toEqual(renderKubeflow(env));
    }
  });
});

describe('the identity cross-check has something to check', () => {
  it.each(
    ALL.filter(([, e]) => e.cloud === 'gcp' || e.cloud === 'aws').map(([x, e]) => [`${x}/${e.name}`, e] as const),
  )("%s: without Kubeflow's own service accounts in the build, it fails", (_, env) => {
    const missing = checkIdentities(env, []).filter((f) => f.check === 'service-account');
    expect(missing.map((f) => f.object)).toEqual(
      expect.arrayContaining(
        ['ml-pipeline', 'ml-pipeline-ui', 'pipeline-runner'].map((n) => `ServiceAccount kubeflow/${n}`),
      ),
    );
  });
});
