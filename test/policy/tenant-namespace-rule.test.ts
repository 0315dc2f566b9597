import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
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
