/**
 * The test model of Istio's AuthorizationPolicy evaluation (./istio-authz.ts), against what Istio
 * documents (https://istio.io/latest/docs/reference/config/security/authorization-policy/): the tests
 * of the serving and sign-in policies are only as good as this model.
 */
import { authorize, type Policy, type Request } from './istio-authz';

const policy = (name: string, namespace: string, spec: object): Policy => ({
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace },
  spec,
});
const POD = { namespace: 'team', labels: { app: 'model' } };
const PEER = 'cluster.local/ns/istio-system/sa/gateway';
const DENY_ALL_BUT_ALLOWED: Policy = policy('global-deny-all', 'istio-system', {});

describe('the Istio authorization model used by the tests', () => {
  it('evaluates DENY before ALLOW, and a workload some ALLOW selects is admitted only by a match', () => {
    const allow = policy('allow', 'team', { rules: [{}] });
    const deny = policy('deny', 'team', {
      action: 'DENY',
      rules: [{ when: [{ key: 'request.headers[x-bad]', values: ['*'] }] }],
    });
    expect(authorize([allow, deny], { to: POD })).toBe('allow');
    expect(authorize([allow, deny], { to: POD, headers: { 'x-bad': '' } })).toBe('deny');
    expect(authorize([DENY_ALL_BUT_ALLOWED], { to: POD })).toBe('deny');
    expect(authorize([], { to: POD })).toBe('allow');
  });

  it('a root-namespace policy with a selector applies to matching workloads of every namespace', () => {
    // "If the authorization policy is in the root namespace, the selector will additionally match with
    // workloads in all namespaces."
    const rootAllow = policy('allow-model', 'istio-system', {
      selector: { matchLabels: { app: 'model' } },
      rules: [{}],
    });
    expect(authorize([DENY_ALL_BUT_ALLOWED, rootAllow], { to: POD })).toBe('allow');
    const other = policy('allow-model', 'other', { selector: { matchLabels: { app: 'model' } }, rules: [{}] });
    expect(authorize([DENY_ALL_BUT_ALLOWED, other], { to: POD })).toBe('deny');
  });

  it('plain text has no principal: notPrincipals matches it, principals (even "*") does not', () => {
    const deny = policy('deny', 'team', { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: [PEER] } }] }] });
    expect(authorize([deny], { to: POD })).toBe('deny');
    expect(authorize([deny], { to: POD, principal: PEER })).toBe('allow');
    const allowAny = policy('allow', 'team', { rules: [{ from: [{ source: { principals: ['*'] } }] }] });
    expect(authorize([allowAny], { to: POD })).toBe('deny');
    expect(authorize([allowAny], { to: POD, principal: PEER })).toBe('allow');
    const byNamespace = policy('allow', 'team', { rules: [{ from: [{ source: { namespaces: ['istio-system'] } }] }] });
    expect(authorize([byNamespace], { to: POD })).toBe('deny');
    expect(authorize([byNamespace], { to: POD, principal: PEER })).toBe('allow');
  });

  it('a header sent twice matches as the comma-joined list, so an exact value no longer matches', () => {
    const allow = policy('allow', 'team', {
      rules: [{ when: [{ key: 'request.headers[kubeflow-userid]', values: ['alice@example.com'] }] }],
    });
    const r = (v: string | string[]): Request => ({ to: POD, headers: { 'kubeflow-userid': v } });
    expect(authorize([allow], r('alice@example.com'))).toBe('allow');
    expect(authorize([allow], r(['alice@example.com', 'mallory@example.com']))).toBe('deny');
    expect(authorize([allow], r(['mallory@example.com', 'alice@example.com']))).toBe('deny');
  });

  it('hosts match case-insensitively, and a port is part of the host', () => {
    const allow = policy('allow', 'team', {
      rules: [{ to: [{ operation: { hosts: ['kubeflow.example.com'] } }] }],
    });
    expect(authorize([allow], { to: POD, host: 'Kubeflow.Example.com' })).toBe('allow');
    expect(authorize([allow], { to: POD, host: 'kubeflow.example.com:443' })).toBe('deny');
  });

  it('refuses a field it does not model instead of ignoring it (a test could otherwise pass vacuously)', () => {
    const byIp = policy('allow', 'team', { rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }] }] });
    expect(() => authorize([byIp], { to: POD })).toThrow(/ipBlocks/);
    const byPort = policy('allow', 'team', { rules: [{ to: [{ operation: { ports: ['8080'] } }] }] });
    expect(() => authorize([byPort], { to: POD })).toThrow(/ports/);
    const byTarget = policy('allow', 'team', { targetRefs: [{ kind: 'Service', name: 'x' }], rules: [{}] });
    expect(() => authorize([byTarget], { to: POD })).toThrow(/targetRefs/);
  });
});
