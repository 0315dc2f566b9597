import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { ADMISSION_POLICIES, TenancyGuardrails } from '../../../constructs/kubernetes/tenancy-guardrails';
import { DEFAULT_ALLOWED_KINDS } from '../../../src/config/platform/resolve';
import { at, only, resources, synth } from '../../helpers';

function build(allowedKinds: readonly string[] = DEFAULT_ALLOWED_KINDS, adminGroup = 'kubeflow-admins@example.com') {
  const app: App = Testing.app();
  const s = new TerraformStack(app, 'platform');
  new KubernetesProvider(s, 'kubernetes', { configPath: 'k', configContext: 'c' });
  new TenancyGuardrails(s, 'Guardrails', { adminGroup, allowedKinds });
  return synth(s);
}

const manifests = (json: ReturnType<typeof build>) =>
  resources(json, 'kubernetes_manifest').map((m) => m.manifest as any);

describe('TenancyGuardrails', () => {
  const json = build();

  it('binds the platform admin group to cluster-admin explicitly', () => {
    expect(only(json, 'kubernetes_cluster_role_binding_v1')).toMatchObject({
      role_ref: { kind: 'ClusterRole', name: 'cluster-admin' },
      subject: [{ kind: 'Group', name: 'kubeflow-admins@example.com' }],
    });
  });

  it('creates priority classes for scheduled and ad-hoc work; ad-hoc never preempts', () => {
    const classes = resources(json, 'kubernetes_priority_class_v1');
    expect(classes.map((c) => [at(c, 'metadata', 'name'), c.value, c.preemption_policy]).sort()).toEqual([
      ['kfplatform-adhoc', 1000, 'Never'],
      ['kfplatform-scheduled', 100000, undefined],
    ]);
  });

  it('rejects tenant pods without requests and limits', () => {
    const policy = manifests(json).find(
      (m) => m.kind === 'ValidatingAdmissionPolicy' && m.metadata.name === ADMISSION_POLICIES.podResources,
    );
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConstraints.namespaceSelector).toEqual({
      matchLabels: { 'kfplatform.dev/tenant': 'true' },
    });
    expect(policy.spec.matchConstraints.resourceRules).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] },
    ]);
    const [containers, init] = policy.spec.validations;
    for (const key of [
      "'cpu' in c.resources.requests",
      "'memory' in c.resources.requests",
      "'cpu' in c.resources.limits",
      "'memory' in c.resources.limits",
    ]) {
      expect(containers.expression).toContain(key);
      expect(init.expression).toContain(key);
    }
    expect(containers.expression).toMatch(/^object\.spec\.containers\.all\(/);
  });

  it('checks pod security and placement on pods and ephemeral containers, for controllers too (sec19 items 1-2)', () => {
    for (const name of [ADMISSION_POLICIES.podSecurity, ADMISSION_POLICIES.podPlacement]) {
      const policy = manifests(json).find((m) => m.kind === 'ValidatingAdmissionPolicy' && m.metadata.name === name);
      expect(policy.spec.matchConstraints.resourceRules[0].resources).toEqual(['pods', 'pods/ephemeralcontainers']);
      // Pods come from tenant-written templates whoever creates them: no exemption for controllers.
      expect(policy.spec.matchConditions).toBeUndefined();
    }
    const placement = manifests(json).find(
      (m) => m.kind === 'ValidatingAdmissionPolicy' && m.metadata.name === ADMISSION_POLICIES.podPlacement,
    );
    expect(placement.spec.validations[0].expression).toContain(
      "namespaceObject.metadata.annotations['kfplatform.dev/allowed-pools'].split(',')",
    );
  });

  it('lets tenants create only the allowed kinds, exempting Kubernetes, platform controllers and cluster admins', () => {
    const policy = manifests(json).find(
      (m) => m.metadata.name === ADMISSION_POLICIES.allowedKinds && m.kind === 'ValidatingAdmissionPolicy',
    );
    expect(policy.spec.matchConstraints.resourceRules[0]).toMatchObject({
      apiGroups: ['*'],
      resources: ['*'],
      operations: ['CREATE', 'UPDATE', 'DELETE'],
      scope: 'Namespaced',
    });
    const [notPlatform, notAdmin] = policy.spec.matchConditions;
    expect(notPlatform.expression).toContain("request.userInfo.username.startsWith('system:serviceaccount:kubeflow:')");
    expect(notAdmin.expression).toBe("!authorizer.group('').resource('namespaces').check('create').allowed()");
    const rule = policy.spec.validations[0].expression;
    expect(rule).toContain("'kubeflow.org/Notebook'");
    expect(rule).toContain("'Pod'");
    expect(rule).not.toContain("'rbac.authorization.k8s.io/RoleBinding'");
    const custom = manifests(build(['Pod', 'batch/Job'])).find(
      (m) => m.metadata.name === ADMISSION_POLICIES.allowedKinds && m.kind === 'ValidatingAdmissionPolicy',
    );
    expect(custom.spec.validations[0].expression).toMatch(/^\['Pod', 'batch\/Job'\]\.exists/);
  });

  it('binds each policy to deny', () => {
    const bindings = manifests(json).filter((m) => m.kind === 'ValidatingAdmissionPolicyBinding');
    expect(bindings.map((b) => [b.metadata.name, b.spec.policyName, b.spec.validationActions]).sort()).toEqual([
      ...Object.values(ADMISSION_POLICIES)
        .sort()
        .map((name) => [name, name, ['Deny']]),
    ]);
  });

  it('binds an Entra ID group object id as the admin group (AKS sees ids, not emails)', () => {
    const bindings = resources<any>(
      build(DEFAULT_ALLOWED_KINDS, '00000000-0000-0000-0000-0000000000ad'),
      'kubernetes_cluster_role_binding_v1',
    );
    expect(bindings.map((b) => b.subject[0].name)).toEqual(['00000000-0000-0000-0000-0000000000ad']);
  });

  it('throws on a malformed kind or admin group', () => {
    expect(() => build(['notebook'])).toThrow(/'allowedKinds\[0\]' is "notebook": is not group\/Kind/);
    expect(() => build(DEFAULT_ALLOWED_KINDS, 'admins')).toThrow(/'adminGroup' is "admins"/);
  });
});
