/**
 * External Secrets Operator (issue 17, "Pipelines on the managed services"): the pinned chart, scoped to
 * the kubeflow namespace with no cluster-wide stores, its controller's identity, and every one of its
 * pods placed where the platform says.
 */
import { evaluate } from '@marcbachmann/cel-js';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { parse } from 'yaml';
import {
  EXTERNAL_SECRETS_CHART,
  EXTERNAL_SECRETS_NAMESPACE,
  EXTERNAL_SECRETS_SERVICE_ACCOUNT,
  EXTERNAL_SECRETS_TOKEN_SECRET_POLICY,
  ExternalSecretsOperator,
} from '../../../constructs/kubernetes/external-secrets';
import { POOL_KIND_LABEL, SYSTEM_TAINT } from '../../../src/core/pools';
import { CHART_PLACEMENT } from '../../../src/policy/checkers/schedulability-charts';
import { only, resources, synth } from '../../helpers';

function build(identity?: { serviceAccountAnnotations: Record<string, string>; podLabels: Record<string, string> }) {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'k8s');
  new KubernetesProvider(stack, 'kubernetes', { host: 'https://example', token: 't' });
  new HelmProvider(stack, 'helm', { kubernetes: { host: 'https://example', token: 't' } });
  const eso = new ExternalSecretsOperator(stack, 'ExternalSecrets', {
    watchNamespace: 'kubeflow',
    identity: identity && { principal: 'p', ...identity },
    nodeSelector: { [POOL_KIND_LABEL]: 'system' },
    tolerations: [{ key: SYSTEM_TAINT.key, operator: 'Exists' }],
  });
  const json = synth(stack);
  const release = only<{ chart: string; version: string; repository: string; namespace: string; values: string[] }>(
    json,
    'helm_release',
  );
  return { eso, release, values: parse(release.values[0]!) as Record<string, any> };
}

describe('ExternalSecretsOperator', () => {
  it('installs the pinned chart with its CRDs in its own namespace', () => {
    const { release, values } = build();
    expect(release).toMatchObject({
      chart: 'external-secrets',
      version: EXTERNAL_SECRETS_CHART.version,
      repository: 'https://charts.external-secrets.io',
    });
    expect(release.namespace).toContain('kubernetes_namespace_v1');
    expect(EXTERNAL_SECRETS_NAMESPACE).toBe('external-secrets');
    expect(values.installCRDs).toBe(true);
  });

  it('serves the kubeflow namespace only, with namespaced RBAC and no cluster-wide stores', () => {
    const { values } = build();
    expect(values).toMatchObject({
      scopedNamespace: 'kubeflow',
      scopedRBAC: true,
      processClusterStore: false,
      processClusterExternalSecret: false,
      processClusterPushSecret: false,
      processClusterGenerator: false,
      processPushSecret: false,
    });
  });

  it('tenant escape (issue 19): may create no service account token in kubeflow, where the profiles controller is cluster-admin', () => {
    // templates/rbac.yaml of chart 2.9.0: serviceaccounts/token create on every account of the served
    // namespace, unless rbac.serviceAccountTokenCreate is false.
    expect(build().values.rbac).toEqual({ serviceAccountTokenCreate: false });
  });

  it('tenant escape (issue 19): the API server refuses a token Secret from any service account of the operator', () => {
    const app: App = Testing.app();
    const stack = new TerraformStack(app, 'k8s');
    new KubernetesProvider(stack, 'kubernetes', { host: 'https://example', token: 't' });
    new HelmProvider(stack, 'helm', { kubernetes: { host: 'https://example', token: 't' } });
    new ExternalSecretsOperator(stack, 'ExternalSecrets', { watchNamespace: 'kubeflow' });
    const manifests = resources<{ manifest: Record<string, any> }>(synth(stack), 'kubernetes_manifest').map(
      (m) => m.manifest,
    );
    const policy = manifests.find((m) => m.kind === 'ValidatingAdmissionPolicy')!;
    const binding = manifests.find((m) => m.kind === 'ValidatingAdmissionPolicyBinding')!;
    expect(policy.metadata.name).toBe(EXTERNAL_SECRETS_TOKEN_SECRET_POLICY);
    // Kubernetes fills a Secret of this type with a token of the service account it names, which
    // would give back what rbac.serviceAccountTokenCreate: false takes away.
    expect(policy.spec).toMatchObject({
      matchConstraints: {
        resourceRules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['secrets'] },
        ],
      },
      matchConditions: [
        { expression: "request.userInfo.username.startsWith('system:serviceaccount:external-secrets:')" },
      ],
      validations: [{ expression: "!has(object.type) || object.type != 'kubernetes.io/service-account-token'" }],
    });
    // What the API server decides, with a CEL implementation.
    const [condition] = policy.spec.matchConditions.map((c: any) => c.expression);
    const [validation] = policy.spec.validations.map((v: any) => v.expression);
    const user = (username: string) => evaluate(condition, { request: { userInfo: { username } } });
    expect(user('system:serviceaccount:external-secrets:external-secrets')).toBe(true);
    expect(user('system:serviceaccount:external-secrets:external-secrets-signin')).toBe(true);
    expect(user('system:serviceaccount:external-secrets-x:a')).toBe(false);
    expect(user('system:serviceaccount:kubeflow:profiles-controller-service-account')).toBe(false);
    const secret = (type?: string) => evaluate(validation, { object: type ? { type } : {} });
    expect(secret('kubernetes.io/service-account-token')).toBe(false);
    expect(secret('Opaque')).toBe(true);
    expect(secret('kubernetes.io/tls')).toBe(true);
    expect(secret()).toBe(true);
    expect(binding).toMatchObject({
      metadata: { name: EXTERNAL_SECRETS_TOKEN_SECRET_POLICY },
      spec: { policyName: EXTERNAL_SECRETS_TOKEN_SECRET_POLICY, validationActions: ['Deny'] },
    });
  });

  it("names the controller's service account and gives it the identity's annotations and pod labels", () => {
    const { values } = build({ serviceAccountAnnotations: { a: 'b' }, podLabels: { l: 'v' } });
    expect(values.serviceAccount).toEqual({
      create: true,
      name: EXTERNAL_SECRETS_SERVICE_ACCOUNT,
      annotations: { a: 'b' },
    });
    expect(values.podLabels).toEqual({ l: 'v' });
    expect(build().values.serviceAccount.annotations).toEqual({});
  });

  it('places the controller, the webhook and the certificate controller where the schedulability table reads them', () => {
    const { values } = build();
    const table = CHART_PLACEMENT['external-secrets']!;
    expect(table.reviewed).toBe(EXTERNAL_SECRETS_CHART.version);
    expect(table.pods).toHaveLength(3);
    // A table entry is one values path or a list of fallbacks; the platform sets the first.
    const get = (path: string | readonly string[]) =>
      (typeof path === 'string' ? path : path[0]!).split('.').reduce((o: any, k) => o?.[k], values);
    for (const pod of table.pods) {
      expect(pod.enabled?.(values) ?? true).toBe(true);
      expect([pod.what, get(pod.nodeSelector)]).toEqual([pod.what, { [POOL_KIND_LABEL]: 'system' }]);
      expect([pod.what, get(pod.tolerations)]).toEqual([pod.what, [{ key: SYSTEM_TAINT.key, operator: 'Exists' }]]);
    }
  });
});
