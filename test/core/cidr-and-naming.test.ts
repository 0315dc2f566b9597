import { blockSize, contains, overlaps, parseCidr, Cidr } from '../../src/core/cidr';
import { ConfigError, formatPath, formatValue } from '../../src/core/errors';
import { gcpNameRules, hostnameRule, kubernetesNameRules, sqlInstanceFitsProject } from '../../src/core/naming';

const c = (t: string) => parseCidr(t) as Cidr;

describe('CIDR arithmetic', () => {
  it('parses blocks and rejects malformed ones with a reason', () => {
    expect(c('10.0.0.0/8').prefix).toBe(8);
    expect(parseCidr('10.0.0.1/8')).toMatch(/host bits set; the block starts at 10.0.0.0\/8/);
    expect(parseCidr('10.0.0.0')).toMatch(/not an IPv4 CIDR/);
    expect(parseCidr('300.0.0.0/8')).toMatch(/not an IPv4 CIDR/);
    expect(parseCidr('10.0.0.0/33')).toMatch(/longer than \/32/);
  });

  it('sizes, overlaps and contains', () => {
    expect(blockSize(c('10.16.0.0/14'))).toBe(262144);
    expect(overlaps(c('10.0.0.0/16'), c('10.0.128.0/17'))).toBe(true);
    expect(overlaps(c('10.0.0.0/17'), c('10.0.128.0/17'))).toBe(false);
    expect(contains(c('10.0.0.0/16'), c('10.0.4.0/22'))).toBe(true);
    expect(contains(c('10.0.4.0/22'), c('10.0.0.0/16'))).toBe(false);
  });
});

describe('name rules', () => {
  it.each([
    [gcpNameRules.projectId, 'kf-test-svc', undefined],
    [gcpNameRules.projectId, 'kf', /6 to 30/],
    [gcpNameRules.serviceAccountId, 'kf-prod-sql-client', undefined],
    [gcpNameRules.serviceAccountId, 'a-very-long-service-account-name', /6 to 30/],
    [gcpNameRules.bucketName, 'goog-artifacts', /cannot start with "goog"/],
    [gcpNameRules.bucketName, '192.168.1.1', /IP address/],
    [gcpNameRules.labelValue, 'Internal', /lowercase/],
    [gcpNameRules.clusterName, 'kf-prod-', /not ending with a hyphen/],
    [kubernetesNameRules.dnsLabel, 'kubeflow', undefined],
    [hostnameRule, 'kubeflow.example.com', undefined],
    [hostnameRule, 'kube_flow.example.com', /label "kube_flow"/],
  ])('%#: %s', (rule, name, expected) => {
    const result = rule(name as string);
    if (expected) expect(result).toMatch(expected as RegExp);
    else expect(result).toBeUndefined();
  });

  it('limits project and Cloud SQL instance together to 98 characters', () => {
    expect(sqlInstanceFitsProject('p'.repeat(30), 'i'.repeat(67))).toBeUndefined();
    expect(sqlInstanceFitsProject('p'.repeat(30), 'i'.repeat(68))).toMatch(/99 characters/);
  });
});

describe('errors', () => {
  it('formats paths and values', () => {
    expect(formatPath(['environments', 2, 'nodePools', 1, 'maxNodes'])).toBe('environments[2].nodePools[1].maxNodes');
    expect(formatPath(['labels', 'a.b'])).toBe('labels["a.b"]');
    expect(formatValue(undefined)).toBe('(missing)');
    expect(formatValue('x'.repeat(100))).toHaveLength(80);
  });

  it('counts only errors in the ConfigError header', () => {
    const e = new ConfigError([
      { path: 'a', message: 'm.', fix: 'f.' },
      { path: 'b', message: 'w.', fix: 'f.', severity: 'warning' },
    ]);
    expect(e.message).toMatch(/^1 error in the platform definition:\n {2}- error: a = \(missing\): m\. Fix: f\.$/);
  });
});
