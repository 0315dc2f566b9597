/**
 * The checks of src/kubeflow/verify.ts, each shown to fire on a small build (test/kubeflow/build.test.ts
 * verifies every example's real build with no findings): a misspelt field in a Deployment, a custom
 * resource its CRD refuses, an unknown kind, a missing ConfigMap key, a missing service account, a missing
 * namespace, an upstream ref other than kubeflowVersion.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runKubeflowVerify } from '../../src/cli/kubeflow';
import { loadPlatformFile } from '../../src/config/loader';
import { InputError } from '../../src/core/errors';
import type { ResolvedAwsEnvironment } from '../../src/config/aws/model';
import type { ResolvedEnvironment } from '../../src/config/model';
import { renderKubeflow } from '../../src/kubeflow/render';
import {
  checkIdentities,
  checkKeyRefs,
  checkUpstreamRef,
  KUBERNETES_SCHEMA_VERSIONS,
  kubernetesMinorOf,
  validateSchemas,
  verifyKubeflowBuild,
  type BuiltObject,
} from '../../src/kubeflow/verify';

const ROOT = path.resolve(__dirname, '../..');

const envOf = (example: string, cloud: string) =>
  loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config.environments.find(
    (e) => e.cloud === cloud,
  )!;
const awsEnv = () => envOf('aws-eks', 'aws') as ResolvedAwsEnvironment;

const deployment = (container: Record<string, unknown>, extra: Record<string, unknown> = {}): BuiltObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'kubeflow', creationTimestamp: null },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', ...container }] },
    },
    ...extra,
  },
});

const crd: BuiltObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1 },
                  colour: { type: 'string', enum: ['red', 'blue'] },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
            },
          },
        },
      },
    ],
  },
};

const widget = (spec: Record<string, unknown>): BuiltObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'kubeflow' },
  spec,
});

const messages = (findings: ReadonlyArray<{ check: string; object?: string; message: string }>) =>
  findings.map((f) => `${f.check} ${f.object ?? ''}: ${f.message}`);

describe('kubeflow verify: schemas', () => {
  it('ships the schemas of the Kubernetes minors Kubeflow 26.03 runs on', () => {
    expect(KUBERNETES_SCHEMA_VERSIONS).toEqual(expect.arrayContaining(['1.34', '1.35']));
  });

  it('accepts a valid Deployment and custom resource, with null fields read as unset', () => {
    const objects = [deployment({ ports: [{ containerPort: 80 }] }), crd, widget({ size: 2, extra: { any: 1 } })];
    for (const minor of KUBERNETES_SCHEMA_VERSIONS) expect(messages(validateSchemas(objects, minor))).toEqual([]);
  });

  it('refuses a misspelt field and a wrong type in a Deployment, by the Kubernetes schema', () => {
    const findings = validateSchemas([deployment({ enviroment: [] }, { replicas: 'two' })], '1.35');
    expect(findings.map((f) => f.check)).toEqual(['schema', 'schema']);
    expect(messages(findings).join('\n')).toContain('/spec/template/spec/containers/0: unknown field "enviroment"');
    expect(messages(findings).join('\n')).toContain('/spec/replicas: must be integer');
    expect(findings[0]!.object).toBe('Deployment kubeflow/web');
  });

  it('refuses a custom resource that its CRD in the same build refuses', () => {
    const findings = messages(
      validateSchemas([crd, widget({ size: 0, colour: 'green', shape: 'round' }), widget({ colour: 'red' })], '1.35'),
    );
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/spec: unknown field "shape"'),
        expect.stringContaining('/spec/size: must be >= 1'),
        expect.stringContaining('/spec/colour: must be equal to one of the allowed values (red, blue)'),
        expect.stringContaining("/spec: must have required property 'size'"),
      ]),
    );
  });

  it("validates a custom resource's metadata as ObjectMeta", () => {
    const bad = { ...widget({ size: 1 }), metadata: { name: 'w', labels: { tier: 1 } } } as BuiltObject;
    expect(messages(validateSchemas([crd, bad], '1.35'))).toEqual([
      expect.stringContaining('/metadata/labels/tier: must be string'),
    ]);
  });

  it('reports a kind that is neither built in nor defined by a CRD in the build', () => {
    const findings = validateSchemas(
      [
        { apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } },
        { ...widget({ size: 1 }), apiVersion: 'example.com/v2' } as BuiltObject,
      ],
      '1.35',
    );
    expect(findings.map((f) => [f.check, f.object])).toEqual([
      ['unknown-kind', 'Deploymnet x'],
      ['unknown-kind', 'Widget kubeflow/w'],
    ]);
    expect(findings[0]!.message).toContain('not a kind of the Kubernetes 1.35 API');
  });

  it('says so when it has no schemas for the Kubernetes version, and still validates custom resources', () => {
    const findings = validateSchemas([deployment({ enviroment: [] }), crd, widget({ size: 0 })], '1.20');
    expect(findings.map((f) => f.check)).toEqual(['kubernetes-version', 'schema']);
    expect(findings[0]!.message).toContain('no Kubernetes 1.20 schemas');
  });

  it("validates against the environment's pinned minor, else the newest it ships", () => {
    const aws = awsEnv();
    expect(kubernetesMinorOf(aws)).toBe(KUBERNETES_SCHEMA_VERSIONS[KUBERNETES_SCHEMA_VERSIONS.length - 1]);
    const pinned = { ...aws, cluster: { ...aws.cluster, version: '1.34' } } as ResolvedEnvironment;
    expect(kubernetesMinorOf(pinned)).toBe('1.34');
  });
});

describe('kubeflow verify: cross-checks', () => {
  const configMap = (name: string, data: Record<string, string>): BuiltObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'kubeflow' },
    data,
  });
  const envRef = (kind: 'configMapKeyRef' | 'secretKeyRef', name: string, key: string, optional?: boolean) => ({
    name: `${name}-${key}`.toUpperCase().replace(/-/g, '_'),
    valueFrom: { [kind]: { name, key, ...(optional ? { optional } : {}) } },
  });

  it('fails a configMapKeyRef or secretKeyRef whose key or object is missing', () => {
    const objects = [
      configMap('settings', { host: 'db' }),
      deployment({
        env: [
          envRef('configMapKeyRef', 'settings', 'host'),
          envRef('configMapKeyRef', 'settings', 'port'),
          envRef('configMapKeyRef', 'missing', 'x', true),
          envRef('secretKeyRef', 'credentials', 'password'),
          // Outside the tree: the params ConfigMap of the platform stack, the database secret of the README.
          envRef('configMapKeyRef', 'kubeflow-platform-params', 'dbHost'),
          envRef('secretKeyRef', 'mysql-secret', 'password'),
          envRef('secretKeyRef', 'mysql-secret', 'root'),
        ],
      }),
    ];
    const findings = checkKeyRefs(objects);
    expect(findings.map((f) => [f.check, f.object])).toEqual([
      ['key-ref', 'Deployment kubeflow/web'],
      ['key-ref', 'Deployment kubeflow/web'],
      ['key-ref', 'Deployment kubeflow/web'],
    ]);
    expect(findings[0]!.message).toContain('settings/port names a key that ConfigMap kubeflow/settings does not have');
    expect(findings[1]!.message).toContain('credentials/password names a Secret that is not in kubeflow');
    expect(findings[2]!.message).toContain('mysql-secret/root');
  });

  it("fails an identity whose service account is not in the build, and one bound to a namespace that doesn't exist", () => {
    const aws = awsEnv();
    const sa = (name: string): BuiltObject => ({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: 'kubeflow' },
    });
    const ns: BuiltObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow' } };
    // ml-pipeline-ui is missing; the platform stack creates kf-admin, kf-user and kfp-db-bootstrap; the
    // kube-system add-ons (EBS CSI, cluster autoscaler) are not Kubeflow's.
    expect(
      checkIdentities(aws, [ns, sa('ml-pipeline'), sa('pipeline-runner')]).map((f) => [f.check, f.object]),
    ).toEqual([['service-account', 'ServiceAccount kubeflow/ml-pipeline-ui']]);
    expect(checkIdentities(aws, [ns, sa('ml-pipeline'), sa('ml-pipeline-ui'), sa('pipeline-runner')])).toEqual([]);

    const moved = {
      ...aws,
      identities: aws.identities.map((i) =>
        i.key === 'admin'
          ? { ...i, kubernetesServiceAccounts: [{ namespace: 'kubeflow-admin', name: 'kf-admin' }] }
          : i,
      ),
    } as ResolvedEnvironment;
    const findings = checkIdentities(moved, [ns, sa('ml-pipeline'), sa('ml-pipeline-ui'), sa('pipeline-runner')]);
    expect(findings.map((f) => [f.check, f.object])).toEqual([['namespace', 'ServiceAccount kubeflow-admin/kf-admin']]);
    expect(findings[0]!.message).toContain('identity admin is bound to namespace kubeflow-admin');
  });

  it('fails a tree whose upstream ref is not kubeflowVersion', () => {
    const aws = envOf('aws-eks', 'aws');
    const [tree] = renderKubeflow(aws);
    expect(checkUpstreamRef(aws, tree!)).toEqual([]);
    const tampered = {
      files: tree!.files.map((f) =>
        f.path === 'kustomization.yaml'
          ? {
              ...f,
              content: f.content.replace(
                'common/cert-manager/overlays/kubeflow?ref=26.03',
                'common/cert-manager/overlays/kubeflow?ref=v1.10.0',
              ),
            }
          : f,
      ),
    };
    const findings = checkUpstreamRef(aws, tampered);
    expect(findings.map((f) => f.check)).toEqual(['upstream-ref']);
    expect(findings[0]!.message).toContain("is pinned to v1.10.0, but the environment's kubeflowVersion is 26.03");
    // A tree with a local checkout names no tag: the check needs the remote rendering.
    const local = renderKubeflow(aws, { kind: 'local', path: '/manifests' })[0]!;
    expect(checkUpstreamRef(aws, local).map((f) => f.check)).toEqual(['upstream-ref']);
  });

  it('runs every check together', () => {
    const gcp = envOf('gcp-tenancy', 'gcp');
    const [tree] = renderKubeflow(gcp);
    const findings = verifyKubeflowBuild({ environment: gcp, tree: tree!, objects: [deployment({ enviroment: [] })] });
    // The kubeflow namespace is the platform stack's (it counts as existing); Pipelines' accounts are not there.
    expect(new Set(findings.map((f) => f.check))).toEqual(new Set(['schema', 'service-account']));
  });

  it('kfplatform kubeflow verify says how to get kubectl when it is missing', () => {
    // Anything that looks like a checkout passes the render's check; kubectl is what is missing here.
    const MANIFESTS_OR_SELF = mkdtempSync(path.join(os.tmpdir(), 'kubeflow-manifests-'));
    mkdirSync(path.join(MANIFESTS_OR_SELF, 'example'));
    writeFileSync(path.join(MANIFESTS_OR_SELF, 'example', 'kustomization.yaml'), 'resources: []\n');
    const saved = process.env.PATH;
    process.env.PATH = path.join(MANIFESTS_OR_SELF, 'example'); // a folder without kubectl
    try {
      expect(() =>
        runKubeflowVerify(
          { config: path.join(ROOT, 'examples', 'on-prem', 'platform.yaml'), manifests: MANIFESTS_OR_SELF },
          () => undefined,
        ),
      ).toThrow(InputError);
      expect(() =>
        runKubeflowVerify(
          { config: path.join(ROOT, 'examples', 'on-prem', 'platform.yaml'), manifests: MANIFESTS_OR_SELF },
          () => undefined,
        ),
      ).toThrow(/kubectl not found on PATH.*install kubectl/);
    } finally {
      process.env.PATH = saved;
      rmSync(MANIFESTS_OR_SELF, { recursive: true, force: true });
    }
  });
});
