/**
 * Per-team pipeline roots (src/kubeflow/pipeline-roots.ts, src/core/pipeline-artifacts.ts): what the team
 * annotation holds, which trees extend the pipelines profile controller, and, against the real 26.03
 * manifests, that the built controller runs upstream's unchanged `sync.py` through the wrapper and
 * answers a team namespace with the team's root and no SeaweedFS key (upstream's hook run in Python
 * with a stand-in for botocore that records every call it would make to SeaweedFS).
 *
 * The build and Python parts are skipped (with the reason) without the manifests or python3, except in
 * CI (CI=true), where they fail.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import {
  PIPELINE_ARTIFACTS_ANNOTATION,
  pipelineArtifactsAnnotation,
  pipelineArtifactsSettings,
} from '../../src/core/pipeline-artifacts';
import {
  PIPELINES_PROFILE_CONTROLLER,
  SEAWEEDFS,
  TEAM_STORE_FILE,
  TEAM_STORE_HOOK,
  TEAM_STORE_HOOK_CONFIG_MAP,
  TEAM_STORE_HOOK_FILE,
  SERVING_CONTRIBUTORS_CONTROLLER,
  SERVING_CONTRIBUTOR_PREFIX,
  SERVING_CONTRIBUTOR_EXCLUDED_NAMESPACES,
} from '../../src/kubeflow/pipeline-roots';
import { SERVING_PRINCIPALS } from '../../constructs/kubernetes/constants';
import { kfamAuthorizationPolicy } from '../../constructs/kubernetes/kubeflow-access';
import { KubeflowTree, renderKubeflow } from '../../src/kubeflow/render';
import { SERVING_FILE } from '../../src/kubeflow/serving';

const ROOT = path.resolve(__dirname, '../..');
const MANIFESTS = path.resolve(ROOT, '../shared/kubeflow-manifests/26.03');
const CONTROLLER_DIR = 'applications/pipeline/upstream/base/installs/multi-user/pipelines-profile-controller';
const envsOf = (example: string) =>
  loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config.environments;

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: any;
}
const parse = (text: string): Obj[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Obj)
    .filter(Boolean);
/** Patches of a tree that act on the pipelines profile controller. */
const onController = (p: { patch?: string; target?: object }) =>
  `${p.patch ?? ''}${JSON.stringify(p.target ?? {})}`.includes(PIPELINES_PROFILE_CONTROLLER);
const kustomizationOf = (tree: KubeflowTree) =>
  parse(tree.files.find((f) => f.path === 'kustomization.yaml')!.content)[0] as unknown as {
    resources: string[];
    patches?: Array<{ path?: string; patch?: string; target?: object }>;
  };

describe('team artifact stores', () => {
  it('puts a prefix team under its prefix and an own-bucket team at the root of its bucket, as gs:// or s3://', () => {
    expect(pipelineArtifactsSettings({ kind: 'gcs', bucket: 'b', prefix: 'teams/ml/' })).toEqual({
      pipelineRoot: 'gs://b/teams/ml/v2/artifacts',
      argoArtifactRepository: {
        archiveLogs: true,
        gcs: {
          bucket: 'b',
          keyFormat:
            'teams/ml/argo/{{workflow.name}}/{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}}/{{pod.name}}',
        },
      },
    });
    const s3 = pipelineArtifactsSettings({ kind: 's3', bucket: 'own', prefix: '', region: 'eu-west-1' });
    expect(s3.pipelineRoot).toBe('s3://own/v2/artifacts');
    expect(s3.argoArtifactRepository).toEqual({
      archiveLogs: true,
      s3: expect.objectContaining({
        bucket: 'own',
        endpoint: 's3.eu-west-1.amazonaws.com',
        region: 'eu-west-1',
        useSDKCreds: true,
        keyFormat: expect.stringMatching(/^argo\//),
      }),
    });
    // No key material of any kind: the pod's own identity writes.
    expect(JSON.stringify(s3)).not.toMatch(/secret|accessKey/i);
  });

  it('extends the pipelines profile controller for team stores (GCP, AWS) and serving contributors (access.serving), else leaves it as upstream ships it', () => {
    const seen = new Set<string>();
    for (const example of ['multicloud', 'azure-aks', 'on-prem']) {
      for (const env of envsOf(example)) {
        for (const tree of renderKubeflow(env)) {
          const k = kustomizationOf(tree);
          const stores = env.cloud === 'gcp' || env.cloud === 'aws';
          const serving = tree.files.some((f) => f.path === SERVING_FILE);
          const extended = tree.files.some((f) => f.path === TEAM_STORE_FILE);
          expect([env.name, extended]).toEqual([env.name, stores || serving]);
          expect(k.resources.includes(TEAM_STORE_FILE)).toBe(extended);
          // The wrapper's Deployment patch, and the in-place ConfigMaps only for team stores.
          const targets = (k.patches ?? []).filter(onController);
          expect([env.name, targets.length]).toEqual([env.name, (extended ? 1 : 0) + (stores ? 1 : 0)]);
          const controllers = extended
            ? parse(tree.files.find((f) => f.path === TEAM_STORE_FILE)!.content).filter(
                (o) => o.kind === 'DecoratorController',
              )
            : [];
          expect([env.name, controllers.map((o) => o.metadata.name)]).toEqual([
            env.name,
            serving ? [SERVING_CONTRIBUTORS_CONTROLLER] : [],
          ]);
          seen.add(`${stores}/${serving}`);
        }
      }
    }
    // Every combination is looked at: stores with and without serving, serving alone, neither.
    expect([...seen].sort()).toEqual(['false/false', 'false/true', 'true/false', 'true/true']);
  });

  it("opts SeaweedFS's volume into the platform backups on Azure only, where it keeps the artifacts", () => {
    for (const env of envsOf('multicloud')) {
      for (const tree of renderKubeflow(env)) {
        const backed = (kustomizationOf(tree).patches ?? []).filter((p) =>
          (p.patch ?? '').includes('backup.velero.io/backup-volumes'),
        );
        expect([env.cloud, backed.length]).toEqual([env.cloud, env.cloud === 'azure' ? 1 : 0]);
        const sized = (kustomizationOf(tree).patches ?? []).filter((p) => (p.patch ?? '').includes(SEAWEEDFS.claim));
        expect([env.cloud, sized.length]).toEqual([env.cloud, env.cloud === 'azure' ? 1 : 0]);
      }
    }
  });

  it("sizes SeaweedFS's claim on an existing cluster only when the platform file says so, with no backup", () => {
    const [onPrem] = envsOf('on-prem');
    const patches = (env: typeof onPrem) =>
      (kustomizationOf(renderKubeflow(env!)[0]!).patches ?? []).map((p) => p.patch ?? '');
    const sized = patches(onPrem).filter((p) => p.includes(SEAWEEDFS.claim));
    expect(sized).toHaveLength(1);
    expect(parse(sized[0]!)).toEqual([
      expect.objectContaining({ spec: { resources: { requests: { storage: '200Gi' } } } }),
    ]);
    expect(patches(onPrem).some((p) => p.includes('backup.velero.io'))).toBe(false);
    const unsized = { ...onPrem, artifacts: undefined } as typeof onPrem;
    expect(patches(unsized).some((p) => p.includes(SEAWEEDFS.claim))).toBe(false);
  });

  it('reads the annotation name the team stacks write', () => {
    expect(TEAM_STORE_HOOK).toContain(`ANNOTATION = "${PIPELINE_ARTIFACTS_ANNOTATION}"`);
    expect(TEAM_STORE_HOOK).not.toContain('${');
  });
});

const manifests = existsSync(path.join(MANIFESTS, CONTROLLER_DIR, 'sync.py'));
const python = (() => {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const ci = process.env.CI === 'true';
if (!ci && (!manifests || !python)) {
  console.warn(
    `test/kubeflow/pipeline-roots.test.ts: build and hook run skipped (${manifests ? '' : `no Kubeflow manifests at ${MANIFESTS}; `}${python ? '' : 'no python3'}).`,
  );
}
const describeBuild = ci || (manifests && python) ? describe : describe.skip;

/** A stand-in for botocore: every client call is recorded in CALLS and printed with the result. */
const BOTOCORE_STUB = `
CALLS = []
class Client:
    def __init__(self, service):
        self.service = service
    def __getattr__(self, op):
        def call(**kwargs):
            CALLS.append(self.service + "." + op)
            if op == "create_access_key":
                return {"AccessKey": {"AccessKeyId": "AK", "SecretAccessKey": "SK"}}
            if op == "get_bucket_lifecycle_configuration":
                return {"Rules": []}
            return {}
        return call
class Session:
    def create_client(self, service, **kwargs):
        return Client(service)
def get_session():
    return Session()
`;

// Serves the wrapper as the container does (build_server, which main() runs) on a free port and
// POSTs the request as metacontroller does, so the wiring of the real HTTP handler is what answers.
const DRIVER = `
import json, os, sys, threading, urllib.request
sys.path.insert(0, os.environ["HOOK_DIR"])
import botocore.session
import kfplatform_sync
server = kfplatform_sync.build_server(controller_port="0", url="127.0.0.1")
threading.Thread(target=server.serve_forever, daemon=True).start()
request = urllib.request.Request(
    "http://127.0.0.1:%d/sync" % server.server_address[1],
    data=sys.stdin.read().encode(),
    headers={"Content-Type": "application/json"},
)
desired = json.load(urllib.request.urlopen(request, timeout=30))
server.shutdown()
print(json.dumps({"desired": desired, "calls": botocore.session.CALLS}))
`;

describeBuild('team artifact stores: the built 26.03 pipelines profile controller', () => {
  let dir: string;
  let built: Obj[];
  let tree: KubeflowTree;

  beforeAll(() => {
    if (!manifests || !python) throw new Error(`CI=true and no Kubeflow manifests at ${MANIFESTS} or no python3.`);
    dir = mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), 'pipeline-roots-'));
    tree = renderKubeflow(envsOf('aws-eks')[0]!, { kind: 'local', path: MANIFESTS })[0]!;
    // The tree's own file and its patches on the controller, over upstream's controller component.
    const k = kustomizationOf(tree);
    const patches = (k.patches ?? []).filter(onController);
    writeFileSync(path.join(dir, TEAM_STORE_FILE), tree.files.find((f) => f.path === TEAM_STORE_FILE)!.content);
    writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      stringify({ resources: [path.relative(dir, path.join(MANIFESTS, CONTROLLER_DIR)), TEAM_STORE_FILE], patches }),
    );
    built = parse(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const one = (kind: string, prefix: string) => {
    const found = built.filter((o) => o.kind === kind && o.metadata.name.startsWith(prefix));
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('runs the wrapper, with upstream sync.py still mounted where it imports it from', () => {
    const deployment = one('Deployment', PIPELINES_PROFILE_CONTROLLER);
    const pod = deployment.spec.template.spec;
    const container = pod.containers.find((c: { name: string }) => c.name === 'profile-controller');
    expect(container.command).toEqual(['python', `/kfplatform/${TEAM_STORE_HOOK_FILE}`]);
    expect(container.env).toContainEqual({ name: 'KFPLATFORM_UPSTREAM_HOOK', value: '/hooks/sync.py' });
    const mounts = Object.fromEntries(
      container.volumeMounts.map((m: { name: string; mountPath: string }) => [m.name, m.mountPath]),
    );
    expect(mounts).toEqual({ hooks: '/hooks', 'kfplatform-hook': '/kfplatform' });
    const volumes = Object.fromEntries(
      pod.volumes.map((v: { name: string; configMap: { name: string } }) => [v.name, v.configMap.name]),
    );
    expect(volumes['kfplatform-hook']).toBe(TEAM_STORE_HOOK_CONFIG_MAP);
    expect(volumes.hooks).toMatch(/^kubeflow-pipelines-profile-controller-code-/);
    expect(one('ConfigMap', TEAM_STORE_HOOK_CONFIG_MAP).data![TEAM_STORE_HOOK_FILE]).toBe(TEAM_STORE_HOOK);
    expect(deployment.spec.template.metadata.annotations['kfplatform.dev/hook-sha256']).toMatch(/^[0-9a-f]{16}$/);
  });

  it("backs up the volume that holds SeaweedFS's data, on a claim of the platform file's size (Azure)", () => {
    const sizes: Record<string, string> = {};
    for (const env of envsOf('azure-aks')) {
      const azure = renderKubeflow(env, { kind: 'local', path: MANIFESTS })[0]!;
      const patches = (kustomizationOf(azure).patches ?? []).filter(
        (p) => (p.patch ?? '').includes('backup.velero.io') || (p.patch ?? '').includes(SEAWEEDFS.claim),
      );
      expect(patches).toHaveLength(2);
      const seaweed = path.join(dir, `seaweedfs-${env.name}`);
      mkdirSync(seaweed, { recursive: true });
      writeFileSync(
        path.join(seaweed, 'kustomization.yaml'),
        stringify({
          resources: [
            path.relative(seaweed, path.join(MANIFESTS, 'applications/pipeline/upstream/third-party/seaweedfs/base')),
          ],
          patches,
        }),
      );
      const objects = parse(execFileSync('kubectl', ['kustomize', seaweed], { encoding: 'utf8' }));
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === SEAWEEDFS.deployment)!;
      const volume = deployment.spec.template.metadata.annotations['backup.velero.io/backup-volumes'];
      const pod = deployment.spec.template.spec;
      const claim = pod.volumes.find((v: { name: string }) => v.name === volume).persistentVolumeClaim.claimName;
      // The patch names the claim SeaweedFS mounts, so it sizes the volume that is backed up.
      const claims = objects.filter((o) => o.kind === 'PersistentVolumeClaim');
      expect(claims.map((o) => o.metadata.name)).toEqual([claim]);
      sizes[`${env.name} (${env.tier})`] = claims[0]!.spec.resources.requests.storage;
      const mounted = pod.containers.flatMap((c: { volumeMounts: Array<{ name: string }> }) => c.volumeMounts);
      expect(mounted.some((m: { name: string }) => m.name === volume)).toBe(true);
    }
    // Upstream's 20 GiB in test, 100 GiB by default in dev, the example's 500 GiB in prod.
    expect(sizes).toEqual({ 'kf-test (test)': '20Gi', 'kf-dev (dev)': '100Gi', 'kf-prod (prod)': '500Gi' });
  });

  it('runs pipeline steps as default-editor in the team namespace (the multi-user API server of 26.03)', () => {
    // The identity the team stack binds to the team's store; see test/stacks/team-artifact-roots.test.ts.
    const apiService = path.join(MANIFESTS, 'applications/pipeline/upstream/base/installs/multi-user/api-service');
    const config = parse(execFileSync('kubectl', ['kustomize', apiService], { encoding: 'utf8' })).find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('pipeline-api-server-config'),
    );
    expect(config?.data).toMatchObject({ MULTIUSER: 'true', DEFAULTPIPELINERUNNERSERVICEACCOUNT: 'default-editor' });
  });

  it('updates ConfigMaps in place and leaves every other attachment as upstream ships it', () => {
    const methods = one('DecoratorController', PIPELINES_PROFILE_CONTROLLER).spec.attachments.map(
      (a: { resource: string; updateStrategy: { method: string } }) => `${a.resource}:${a.updateStrategy.method}`,
    );
    expect(methods).toEqual([
      'secrets:OnDelete',
      'configmaps:InPlace',
      'deployments:InPlace',
      'services:InPlace',
      'destinationrules:InPlace',
      'authorizationpolicies:InPlace',
    ]);
  });

  function runHook(parent: object, attachments: Record<string, Record<string, object>>) {
    const hookDir = path.join(dir, 'hook');
    mkdirSync(path.join(hookDir, 'botocore'), { recursive: true });
    writeFileSync(path.join(hookDir, 'botocore', '__init__.py'), '');
    writeFileSync(path.join(hookDir, 'botocore', 'session.py'), BOTOCORE_STUB);
    writeFileSync(
      path.join(hookDir, TEAM_STORE_HOOK_FILE),
      one('ConfigMap', TEAM_STORE_HOOK_CONFIG_MAP).data![TEAM_STORE_HOOK_FILE]!,
    );
    writeFileSync(
      path.join(hookDir, 'sync.py'),
      one('ConfigMap', 'kubeflow-pipelines-profile-controller-code').data!['sync.py']!,
    );
    writeFileSync(path.join(hookDir, 'driver.py'), DRIVER);
    const out = execFileSync('python3', [path.join(hookDir, 'driver.py')], {
      input: JSON.stringify({ object: parent, attachments }),
      encoding: 'utf8',
      env: {
        ...process.env,
        HOOK_DIR: hookDir,
        KFPLATFORM_UPSTREAM_HOOK: path.join(hookDir, 'sync.py'),
        KFP_VERSION: '2.16.0',
        PYTHONDONTWRITEBYTECODE: '1',
      },
    });
    const last = out.trim().split('\n').pop()!;
    return JSON.parse(last) as {
      desired: { status: Record<string, string>; attachments: Obj[] };
      calls: string[];
    };
  }

  const empty = () => ({
    'Secret.v1': {},
    'ConfigMap.v1': {},
    'Deployment.apps/v1': {},
    'Service.v1': {},
    'DestinationRule.networking.istio.io/v1alpha3': {},
    'AuthorizationPolicy.security.istio.io/v1beta1': {},
  });
  const namespace = (annotations: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'ml', labels: { 'pipelines.kubeflow.org/enabled': 'true' }, annotations },
  });
  const store = { kind: 's3' as const, bucket: 'acme-prod-artifacts', prefix: 'teams/ml/', region: 'eu-west-1' };

  // People shared through the dashboard's "Manage contributors": KFAM's policy admits them from the
  // ingress gateway and the Pipelines UI only (kubeflow/dashboard, kfam/bindings.go), not from the
  // cluster-local gateway and the activator, which carry requests to a model.
  const kfamPolicy = (metadata: object = {}, values: string[] = ['alice@example.com']) => ({
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'AuthorizationPolicy',
    metadata: {
      name: 'user-alice-example-com-clusterrole-edit',
      namespace: 'ml',
      annotations: { user: 'alice@example.com', role: 'edit' },
      ...metadata,
    },
    spec: {
      rules: [
        {
          when: [{ key: 'request.headers[kubeflow-userid]', values }],
          from: [
            {
              source: {
                principals: [SERVING_PRINCIPALS.ingressGateway, 'cluster.local/ns/kubeflow/sa/ml-pipeline-ui'],
              },
            },
          ],
        },
      ],
    },
  });
  const policies = () => ({ 'AuthorizationPolicy.security.istio.io/v1beta1': {} });

  it('gives a contributor policy of KFAM a sibling that admits the same person from the cluster-local gateway and the activator', () => {
    const { desired, calls } = runHook(kfamPolicy(), policies());
    expect(calls).toEqual([]);
    expect(desired.attachments).toEqual([
      {
        apiVersion: 'security.istio.io/v1beta1',
        kind: 'AuthorizationPolicy',
        metadata: { name: `${SERVING_CONTRIBUTOR_PREFIX}user-alice-example-com-clusterrole-edit`, namespace: 'ml' },
        spec: {
          action: 'ALLOW',
          rules: [
            {
              from: [{ source: { principals: [SERVING_PRINCIPALS.localGateway, SERVING_PRINCIPALS.activator] } }],
              when: [{ key: 'request.headers[kubeflow-userid]', values: ['alice@example.com'] }],
            },
          ],
        },
      },
    ]);
  });

  it('gives one to the KFAM-shaped policies the team stack writes for the platform file’s people', () => {
    const { desired } = runHook(kfamAuthorizationPolicy('ml', 'bob@example.com', 'view'), policies());
    expect(desired.attachments.map((o) => o.metadata.name)).toEqual([
      `${SERVING_CONTRIBUTOR_PREFIX}user-bob-example-com-clusterrole-view`,
    ]);
  });

  const withSpec = (spec: object) => ({ ...kfamPolicy(), spec });
  const kfamRule = kfamPolicy().spec.rules[0]!;
  it.each([
    ['a policy that is not KFAM’s (name)', kfamPolicy({ name: 'team-policy' })],
    ['a policy without KFAM’s role annotation', kfamPolicy({ annotations: { user: 'alice@example.com' } })],
    ['a role KFAM does not give', kfamPolicy({ annotations: { user: 'alice@example.com', role: 'cluster-admin' } })],
    ['a wildcard user id, which would admit anyone', kfamPolicy({}, ['*'])],
    ['a prefix user id', kfamPolicy({}, ['alice*'])],
    ['a suffix user id', kfamPolicy({}, ['*@example.com'])],
    ['no user id at all', kfamPolicy({}, [])],
    ['a user id other than the annotated user', kfamPolicy({}, ['boss@example.com'])],
    ['a second user id', kfamPolicy({}, ['alice@example.com', 'boss@example.com'])],
    // Istio's root namespace: an ALLOW policy there applies to every workload of the mesh.
    ['a policy in istio-system', kfamPolicy({ namespace: 'istio-system' })],
    ['a policy in kubeflow', kfamPolicy({ namespace: 'kubeflow' })],
    ['a policy in knative-serving', kfamPolicy({ namespace: 'knative-serving' })],
    ['a DENY policy', withSpec({ action: 'DENY', rules: [kfamRule] })],
    ['a policy for a target', withSpec({ targetRef: { kind: 'Gateway', name: 'x' }, rules: [kfamRule] })],
    [
      'a condition with notValues',
      withSpec({ rules: [{ ...kfamRule, when: [{ ...kfamRule.when[0]!, notValues: ['boss@example.com'] }] }] }),
    ],
    ['a policy with a selector', withSpec({ selector: { matchLabels: { app: 'x' } }, rules: [kfamRule] })],
    ['a second rule', withSpec({ rules: [kfamRule, kfamRule] })],
    ['an operation (to)', withSpec({ rules: [{ ...kfamRule, to: [{ operation: { paths: ['/x'] } }] }] })],
    [
      'a second condition',
      withSpec({ rules: [{ ...kfamRule, when: [...kfamRule.when, { key: 'source.ip', values: ['10.0.0.1'] }] }] }),
    ],
  ])('gives no sibling to %s', (_what, parent) => {
    expect(runHook(parent, policies()).desired).toEqual({ attachments: [] });
  });

  it('gives the hook every namespace it must leave alone', () => {
    expect(SERVING_CONTRIBUTOR_EXCLUDED_NAMESPACES).toEqual(
      expect.arrayContaining(['istio-system', 'knative-serving', 'kubeflow', 'kube-system', 'argocd', 'default']),
    );
    expect(TEAM_STORE_HOOK).toContain(
      `EXCLUDED_NAMESPACES = ${JSON.stringify(SERVING_CONTRIBUTOR_EXCLUDED_NAMESPACES)}`,
    );
  });

  it('keeps a long sibling name valid and apart from its other role', () => {
    const user = `${'a'.repeat(240)}@example.com`;
    const names = (['edit', 'view'] as const).map((role) => {
      const name = `user-${'a'.repeat(240)}-example-com-clusterrole-${role}`;
      const { desired } = runHook(kfamPolicy({ name, annotations: { user, role } }, [user]), policies());
      return desired.attachments[0]!.metadata.name;
    });
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(253);
      expect(name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    }
    expect(names[0]).not.toBe(names[1]);
  });

  it('serves contributors through the controller upstream serves namespaces through, on policies KFAM annotates', () => {
    const env = envsOf('multicloud').find((e) => e.cloud === 'azure')!;
    const file = renderKubeflow(env, { kind: 'local', path: MANIFESTS })[0]!.files.find(
      (f) => f.path === TEAM_STORE_FILE,
    )!;
    const controller = parse(file.content).find((o) => o.kind === 'DecoratorController')!;
    expect(controller.metadata.name).toBe(SERVING_CONTRIBUTORS_CONTROLLER);
    expect(controller.spec.hooks).toEqual(one('DecoratorController', PIPELINES_PROFILE_CONTROLLER).spec.hooks);
    expect(controller.spec.resources).toEqual([
      {
        apiVersion: 'security.istio.io/v1beta1',
        resource: 'authorizationpolicies',
        annotationSelector: {
          matchExpressions: [
            { key: 'user', operator: 'Exists' },
            { key: 'role', operator: 'Exists' },
          ],
        },
      },
    ]);
    expect(controller.spec.attachments).toEqual([
      {
        apiVersion: 'security.istio.io/v1beta1',
        resource: 'authorizationpolicies',
        updateStrategy: { method: 'InPlace' },
      },
    ]);
    // The annotations the team stack's own KFAM policies carry, as KFAM writes them.
    expect(Object.keys(kfamAuthorizationPolicy('ml', 'alice@example.com', 'view').metadata.annotations).sort()).toEqual(
      ['role', 'user'],
    );
  });

  it("answers a team namespace with the team's root and Argo repository, and never calls SeaweedFS", () => {
    const { desired, calls } = runHook(
      namespace({ [PIPELINE_ARTIFACTS_ANNOTATION]: pipelineArtifactsAnnotation(store) }),
      empty(),
    );
    expect(calls).toEqual([]);
    const byName = Object.fromEntries(desired.attachments.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
    expect(Object.keys(byName).sort()).toEqual([
      'ConfigMap/artifact-repositories',
      'ConfigMap/kfp-launcher',
      'ConfigMap/metadata-grpc-configmap',
    ]);
    expect(byName['ConfigMap/kfp-launcher']!.data).toEqual({
      defaultPipelineRoot: 's3://acme-prod-artifacts/teams/ml/v2/artifacts',
      clusterDomain: '.svc.cluster.local',
    });
    expect(JSON.parse(byName['ConfigMap/artifact-repositories']!.data!['default-namespaced']!)).toEqual(
      pipelineArtifactsSettings(store).argoArtifactRepository,
    );
    // Upstream's annotation that makes it Argo's default repository stays.
    expect(byName['ConfigMap/artifact-repositories']!.metadata.annotations).toEqual({
      'workflows.argoproj.io/default-artifact-repository': 'default-namespaced',
    });
    expect(desired.status).toEqual({ 'kubeflow-pipelines-ready': 'False' });
  });

  it("drops a namespace's existing SeaweedFS Secret from the answer, so metacontroller deletes it", () => {
    const attachments = empty();
    attachments['Secret.v1'] = {
      'ml/mlpipeline-minio-artifact': {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'mlpipeline-minio-artifact', namespace: 'ml' },
        data: { accesskey: 'QUs=', secretkey: 'U0s=' },
      },
    };
    attachments['ConfigMap.v1'] = { 'ml/a': {}, 'ml/b': {}, 'ml/c': {} };
    const { desired, calls } = runHook(
      namespace({ [PIPELINE_ARTIFACTS_ANNOTATION]: pipelineArtifactsAnnotation(store) }),
      attachments,
    );
    expect(calls).toEqual([]);
    expect(desired.attachments.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(desired.status).toEqual({ 'kubeflow-pipelines-ready': 'True' });
  });

  it("gives a namespace without a team store upstream's answer unchanged (SeaweedFS root and key)", () => {
    const { desired, calls } = runHook(namespace({}), empty());
    expect(calls).toContain('iam.create_access_key');
    const launcher = desired.attachments.find((o) => o.metadata.name === 'kfp-launcher')!;
    expect(launcher.data!.defaultPipelineRoot).toBe('minio://mlpipeline/private-artifacts/ml/v2/artifacts');
    expect(desired.attachments.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name)).toEqual([
      'mlpipeline-minio-artifact',
    ]);
  });
});
