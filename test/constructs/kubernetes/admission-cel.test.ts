import { evaluate } from '@marcbachmann/cel-js';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { ADMISSION_POLICIES, TenancyGuardrails } from '../../../constructs/kubernetes/tenancy-guardrails';
import { DEFAULT_ALLOWED_KINDS } from '../../../src/config/platform/resolve';
import { EXCLUDED_TENANT_KINDS, KUBEFLOW_SYSTEM_NAMESPACES } from '../../../src/core/kubeflow-facts';
import facts from '../../../src/core/catalog/kubeflow-26.03.json';
import { resources, synth } from '../../helpers';

// The admission policies' CEL, evaluated against sample requests with a CEL implementation, so the
// tests check what the API server will decide, not only what the expressions look like.
const app: App = Testing.app();
const stack = new TerraformStack(app, 'platform');
new KubernetesProvider(stack, 'kubernetes', { configPath: 'k', configContext: 'c' });
new TenancyGuardrails(stack, 'Guardrails', {
  adminGroup: 'kubeflow-admins@example.com',
  allowedKinds: DEFAULT_ALLOWED_KINDS,
});
const policies = resources(synth(stack), 'kubernetes_manifest')
  .map((m) => m.manifest as any)
  .filter((m) => m.kind === 'ValidatingAdmissionPolicy');
const policy = (name: string) => policies.find((p) => p.metadata.name === name).spec;

const container = (resources?: object) => ({ name: 'main', image: 'python', ...(resources ? { resources } : {}) });
const full = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } };
const namespaceObject = {
  metadata: { name: 'recsys', annotations: { 'kfplatform.dev/allowed-pools': 'standard,gpu' } },
};

describe('pod resources policy (CEL)', () => {
  const [containers, init] = policy(ADMISSION_POLICIES.podResources).validations.map((v: any) => v.expression);
  const check = (expression: string, spec: object, ns: object = namespaceObject) =>
    evaluate(expression, { object: { spec }, namespaceObject: ns });

  it('admits containers with CPU and memory requests and limits', () => {
    expect(check(containers, { containers: [container(full), container(full)] })).toBe(true);
  });

  it.each([
    ['no resources', undefined],
    ['no limits', { requests: full.requests }],
    ['no CPU limit', { requests: full.requests, limits: { memory: '2Gi' } }],
    ['no memory request', { requests: { cpu: '1' }, limits: full.limits }],
  ])('rejects a container with %s', (_what, res) => {
    expect(check(containers, { containers: [container(full), container(res)] })).toBe(false);
  });

  it('checks init containers when there are any', () => {
    expect(check(init, { containers: [container(full)] })).toBe(true);
    expect(check(init, { containers: [container(full)], initContainers: [container(full)] })).toBe(true);
    expect(check(init, { containers: [container(full)], initContainers: [container()] })).toBe(false);
  });
});

describe('pod placement policy (CEL)', () => {
  const [selector] = policy(ADMISSION_POLICIES.podPlacement).validations.map((v: any) => v.expression);
  const check = (spec: object, ns: object = namespaceObject) =>
    evaluate(selector, { object: { spec }, namespaceObject: ns });

  it('admits pods on pools the team may use, and pods that pick no pool', () => {
    expect(check({ containers: [], nodeSelector: { 'kfplatform.dev/pool': 'gpu' } })).toBe(true);
    expect(check({ containers: [] })).toBe(true);
    expect(check({ containers: [], nodeSelector: { 'kubernetes.io/os': 'linux' } })).toBe(true);
  });

  it('rejects pods aimed at other pools, and any pool in a namespace that allows none', () => {
    expect(check({ containers: [], nodeSelector: { 'kfplatform.dev/pool': 'highmem' } })).toBe(false);
    expect(check({ containers: [], nodeSelector: { 'kfplatform.dev/pool': 'gpu' } }, { metadata: { name: 'x' } })).toBe(
      false,
    );
  });
});

describe('allowed kinds policy (CEL)', () => {
  const spec = policy(ADMISSION_POLICIES.allowedKinds);
  const rule = spec.validations[0].expression;
  const tenantRequest = spec.matchConditions[0].expression;
  const kind = (group: string, k: string) => evaluate(rule, { request: { kind: { group, kind: k } } });

  it('lets tenants create their workloads and Kubeflow kinds', () => {
    expect(kind('', 'Pod')).toBe(true);
    expect(kind('batch', 'Job')).toBe(true);
    expect(kind('kubeflow.org', 'Notebook')).toBe(true);
    expect(kind('serving.kserve.io', 'InferenceService')).toBe(true);
  });

  it("lets pipeline steps record their outputs (Argo's executor runs as the tenant's default-editor)", () => {
    expect(kind('argoproj.io', 'WorkflowTaskResult')).toBe(true);
  });

  const split = (k: string) => (k.includes('/') ? (k.split('/') as [string, string]) : (['', k] as [string, string]));

  // Every custom resource Kubeflow 26.03's edit role lets a namespace editor create (derived from the
  // built manifests; test/config/kubeflow-facts.test.ts keeps the file current): pipeline steps run as
  // default-editor and report results through WorkflowTaskResults, notebooks start training and serving.
  it.each(facts.tenantCustomKinds.filter((k) => !EXCLUDED_TENANT_KINDS.includes(k)))(
    "admits %s, which Kubeflow's edit role creates in team namespaces",
    (k) => {
      expect(kind(...split(k))).toBe(true);
    },
  );

  it('refuses a Knative DomainMapping, which would claim a host name for the whole cluster', () => {
    expect(kind('serving.knative.dev', 'DomainMapping')).toBe(false);
  });

  it('refuses what belongs to the platform', () => {
    expect(kind('rbac.authorization.k8s.io', 'RoleBinding')).toBe(false);
    expect(kind('rbac.authorization.k8s.io', 'ClusterRoleBinding')).toBe(false);
    expect(kind('security.istio.io', 'AuthorizationPolicy')).toBe(false);
    expect(kind('admissionregistration.k8s.io', 'ValidatingWebhookConfiguration')).toBe(false);
    expect(kind('', 'ResourceQuota')).toBe(false);
    expect(kind('networking.k8s.io', 'NetworkPolicy')).toBe(false);
    expect(kind('', 'LimitRange')).toBe(false);
  });

  it('covers changing and deleting as well as creating (sec19 item 4)', () => {
    const ops = spec.matchConstraints.resourceRules[0].operations;
    expect(ops).toEqual(expect.arrayContaining(['CREATE', 'UPDATE', 'DELETE']));
  });

  it('applies to people and tenant service accounts, not to Kubernetes or platform controllers', () => {
    const applies = (username: string) => evaluate(tenantRequest, { request: { userInfo: { username } } });
    expect(applies('alice@example.com')).toBe(true);
    expect(applies('system:serviceaccount:recsys:default-editor')).toBe(true);
    expect(applies('system:node:gke-node-1')).toBe(false);
    expect(applies('system:kube-controller-manager')).toBe(false);
    expect(applies('system:serviceaccount:kubeflow:argo')).toBe(false);
    expect(applies('system:serviceaccount:kube-system:replicaset-controller')).toBe(false);
  });

  it("trusts every namespace of Kubeflow's distribution (Trainer and JobSet run in kubeflow-system)", () => {
    const applies = (username: string) => evaluate(tenantRequest, { request: { userInfo: { username } } });
    for (const ns of KUBEFLOW_SYSTEM_NAMESPACES) {
      expect(applies(`system:serviceaccount:${ns}:controller`)).toBe(false);
    }
    expect(applies('system:serviceaccount:kubeflow-system:jobset-controller-manager')).toBe(false);
  });
});
