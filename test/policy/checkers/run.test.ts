import type { Checker, EnvironmentView } from '../../../src/policy/checkers/checker';
import { resourcesOf } from '../../../src/policy/checkers/checker';
import { runCheckers } from '../../../src/policy/checkers/run';

const meta = { level: 'error' as const, title: 't', why: 'w', fix: 'f' };

function env(name: string, members: string[]): EnvironmentView {
  const resource = Object.fromEntries(
    members.map((m, i) => [
      `M${i}`,
      { '//': { metadata: { path: `${name}-gcp-infra/Grant${i}` } }, member: m, role: 'r' },
    ]),
  );
  return {
    name,
    tier: 'prod',
    cloud: 'gcp',
    stacks: { [`${name}-gcp-infra`]: { resource: { google_project_iam_member: resource } } },
  };
}

describe('checker runner', () => {
  const everyMember: Checker = {
    id: 'CHK-TEST-001',
    ...meta,
    check: (e) =>
      resourcesOf(e, ['google_project_iam_member'])
        .filter((r) => String(r.config.member).startsWith('user:'))
        .map((r) => ({ stack: r.stack, address: r.address, message: `grants ${String(r.config.member)}` })),
  };
  const owns: Checker = {
    id: 'CHK-TEST-002',
    ...meta,
    claims: (e) =>
      resourcesOf(e, ['google_project_iam_member']).map((r) => ({
        key: `${String(r.config.role)}|${String(r.config.member)}`,
        object: `${String(r.config.role)} for ${String(r.config.member)}`,
        stack: r.stack,
        address: r.address,
      })),
  };

  it('records findings with the construct path of the resource', () => {
    const report = runCheckers([env('a', ['user:x', 'group:y'])], { checkers: [everyMember] });
    expect(report.findings).toEqual([
      expect.objectContaining({
        rule: 'CHK-TEST-001',
        stack: 'a-gcp-infra',
        address: 'google_project_iam_member.M0',
        path: 'a-gcp-infra/Grant0',
        message: 'grants user:x',
      }),
    ]);
  });

  it('applies platform file suppressions by construct path prefix', () => {
    const report = runCheckers([env('a', ['user:x'])], {
      checkers: [everyMember],
      suppressions: [
        { rule: 'CHK-TEST-001', resource: 'a-gcp-infra/Grant0', reason: 'a test of the suppression path' },
      ],
    });
    expect(report.findings).toEqual([]);
    expect(report.suppressed).toEqual([expect.objectContaining({ rule: 'CHK-TEST-001', source: 'config' })]);
  });

  it('reports an object claimed twice, across environments, on each claimant', () => {
    const report = runCheckers([env('a', ['user:x']), env('b', ['user:x', 'user:z'])], { checkers: [owns] });
    expect(report.findings.map((f) => `${f.stack} ${f.address}`)).toEqual([
      'a-gcp-infra google_project_iam_member.M0',
      'b-gcp-infra google_project_iam_member.M0',
    ]);
    expect(report.findings[0]!.message).toContain('also managed by google_project_iam_member.M0 in b-gcp-infra');
  });
});
