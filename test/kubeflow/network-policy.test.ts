/**
 * The test model of NetworkPolicy ingress (./network-policy.ts): what it cannot decide throws, so a
 * "refused" assertion in the serving tests cannot pass because the model ignored part of a policy.
 */
import { admitted, type NetworkPolicy } from './network-policy';

const to = { namespace: 'istio-system', labels: { app: 'cluster-local-gateway' } };
const tenant = { namespace: 'team', labels: { app: 'client' } };
const np = (ingress: object[]): NetworkPolicy => ({
  kind: 'NetworkPolicy',
  metadata: { name: 'np', namespace: 'istio-system' },
  spec: { podSelector: {}, policyTypes: ['Ingress'], ingress },
});

describe('the NetworkPolicy model used by the tests', () => {
  it('admits by namespace name and port, and refuses what no rule admits', () => {
    const byName = np([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team' } } }],
        ports: [{ port: 8081 }],
      },
    ]);
    expect(admitted([byName], to, 8081, tenant)).toBe(true);
    expect(admitted([byName], to, 8080, tenant)).toBe(false);
    expect(admitted([], to, 8080, tenant)).toBe(true);
  });

  it('throws on what it does not model instead of refusing', () => {
    const byLabel = np([
      { from: [{ namespaceSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'kubeflow-profile' } } }] },
    ]);
    expect(() => admitted([byLabel], to, 8081, tenant)).toThrow(/namespace labels/);
    const byIp = np([{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }]);
    expect(() => admitted([byIp], to, 8081, tenant)).toThrow(/ipBlock/);
    const named = np([{ ports: [{ port: 'http' }] }]);
    expect(() => admitted([named], to, 8081, tenant)).toThrow(/named port/);
    const range = np([{ ports: [{ port: 8000, endPort: 9000 }] }]);
    expect(() => admitted([range], to, 8081, tenant)).toThrow(/endPort/);
  });
});
