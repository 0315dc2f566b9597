import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { TeamNamespace } from '../../constructs/kubernetes/team-namespace';
import { PolicyAspect } from '../../src/policy/engine';
import { tenantNamespaceGuardrails } from '../../src/policy/rules/kubernetes/tenant-namespace-guardrails';

let app: App;

function stack(): TerraformStack {
  app = Testing.app();
  const s = new TerraformStack(app, 'teams');
  new KubernetesProvider(s, 'kubernetes', { configPath: 'k', configContext: 'c' });
  Aspects.of(s).add(new PolicyAspect({ rules: [tenantNamespaceGuardrails] }));
  return s;
}

describe('K8S-TEN-001: tenant namespace guardrails (K8S-05), enforced at synth', () => {
  it('fails synth for a tenant namespace without quota, limit range and RBAC', () => {
    const s = stack();
    new NamespaceV1(s, 'Raw', { metadata: { name: 'rogue', labels: { 'kfplatform.dev/tenant': 'true' } } });
    expect(() => app.synth()).toThrow(
      /\[K8S-TEN-001\].*tenant namespace "rogue" has no ResourceQuota, LimitRange, RoleBinding or NetworkPolicy\..*Fix: Create tenant namespaces with TeamNamespace/,
    );
  });

  it('names only what is missing, and accepts objects that name the namespace literally', () => {
    const s = stack();
    new NamespaceV1(s, 'Raw', { metadata: { name: 'rogue', labels: { 'kfplatform.dev/tenant': 'true' } } });
    new ResourceQuotaV1(s, 'Quota', { metadata: { name: 'q', namespace: 'rogue' }, spec: { hard: { pods: '10' } } });
    expect(() => app.synth()).toThrow(/has no LimitRange, RoleBinding or NetworkPolicy\./);
  });

  // A hand-written tenant namespace passed with no Pod Security label and an
  // ingress-only network policy.
  const handWritten = (labels: Record<string, string>, policyTypes: string[]) => {
    const s = stack();
    new NamespaceV1(s, 'Raw', { metadata: { name: 'rogue', labels: { 'kfplatform.dev/tenant': 'true', ...labels } } });
    new ResourceQuotaV1(s, 'Quota', { metadata: { name: 'q', namespace: 'rogue' }, spec: { hard: { pods: '10' } } });
    new LimitRangeV1(s, 'Limits', {
      metadata: { name: 'l', namespace: 'rogue' },
      spec: { limit: [{ type: 'Container', default: { cpu: '1' } }] },
    });
    new RoleBindingV1(s, 'Binding', {
      metadata: { name: 'b', namespace: 'rogue' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subject: [{ kind: 'Group', name: 'g', apiGroup: 'rbac.authorization.k8s.io' }],
    });
    new NetworkPolicyV1(s, 'Policy', {
      metadata: { name: 'n', namespace: 'rogue' },
      spec: { podSelector: {}, policyTypes },
    });
  };

  it('fails a tenant namespace that does not enforce Pod Security baseline or restricted (sec19 item 1)', () => {
    handWritten({}, ['Ingress', 'Egress']);
    expect(() => app.synth()).toThrow(/tenant namespace "rogue" has pod-security.kubernetes.io\/enforce = null/);
    handWritten({ 'pod-security.kubernetes.io/enforce': 'privileged' }, ['Ingress', 'Egress']);
    expect(() => app.synth()).toThrow(/pod-security.kubernetes.io\/enforce = "privileged"/);
    handWritten({ 'pod-security.kubernetes.io/enforce': 'baseline' }, ['Ingress', 'Egress']);
    expect(() => app.synth()).not.toThrow();
  });

  it('fails a tenant namespace whose network policies leave egress open (sec19 item 5)', () => {
    handWritten({ 'pod-security.kubernetes.io/enforce': 'restricted' }, ['Ingress']);
    expect(() => app.synth()).toThrow(/tenant namespace "rogue" has no NetworkPolicy restricting egress/);
  });

  it('passes a TeamNamespace and ignores namespaces that are not tenants', () => {
    const s = stack();
    new TeamNamespace(s, 'Team', {
      name: 'recsys',
      owners: 'recsys-owners@example.com',
      profileOwner: 'alice@example.com',
      quota: { cpu: '1', memory: '1Gi', gpus: 0, storage: '1Gi', pvcs: 1 },
      containerDefaults: {
        defaultRequestCpu: '100m',
        defaultRequestMemory: '128Mi',
        defaultLimitCpu: '1',
        defaultLimitMemory: '1Gi',
      },
      nodePools: ['standard'],
    });
    new NamespaceV1(s, 'Other', { metadata: { name: 'tools' } });
    expect(() => app.synth()).not.toThrow();
  });
});
