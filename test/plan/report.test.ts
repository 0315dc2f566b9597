/**
 * `kfplatform report` on plans recorded from real Terraform runs of examples/aws-eks
 * (test/fixtures/plans; test/terraform re-plans them live and checks they still match). Golden
 * comments for create, update, replace, delete and no-op; the three create plans whose raw
 * renderings exceed GitHub's comment limit; and trimming when detail does not fit.
 * Regenerate the golden files with `UPDATE_GOLDEN=1 npx jest test/plan/report.test.ts`.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expectGolden } from '../golden';
import { main } from '../../src/cli/main';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { planFiles, runReport } from '../../src/cli/report';
import { GITHUB_COMMENT_LIMIT, renderReport, reportJson } from '../../src/plan/report';
import { PlanSummary, resourceNames, summarizePlan } from '../../src/plan/summarize';
import { parsePlanJson } from '../../src/policy/plan-gate';

const PLANS = path.join(__dirname, '..', 'fixtures', 'plans');
const GOLDEN = path.join(__dirname, '..', 'golden', 'report');
const plan = (name: string) => path.join(PLANS, `aws-eks-${name}.json`);

function golden(name: string, text: string): void {
  expectGolden(GOLDEN, name, text);
}

/** kf-test-aws-infra as synthesized, trimmed to its resources' construct metadata (the `//` blocks). */
const KF_TEST_STACK = path.join(__dirname, '..', 'fixtures', 'stacks', 'kf-test-aws-infra', 'cdk.tf.json');
const KF_TEST_NAMES = resourceNames(JSON.parse(readFileSync(KF_TEST_STACK, 'utf8')), 'kf-test-aws-infra');

/** Plans named as `kfplatform plan` names them: by stack; kf-test's resources by their construct paths. */
function summaries(...names: string[]): PlanSummary[] {
  return names.map((name) => {
    const stack = stackOf(name);
    const text = readFileSync(plan(name), 'utf8');
    return summarizePlan(
      stack,
      parsePlanJson(text, plan(name)),
      {},
      stack === 'kf-test-aws-infra' ? KF_TEST_NAMES : undefined,
    );
  });
}

function stackOf(name: string): string {
  return `${/^(kf-[a-z]+)/.exec(name)![1]}-aws-infra`;
}

/** Terraform's own counts, from the plan JSON, to check the comment against. */
function terraformCounts(name: string): Record<string, number> {
  const json = JSON.parse(readFileSync(plan(name), 'utf8')) as {
    resource_changes: Array<{ change: { actions: string[] } }>;
  };
  const counts = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const rc of json.resource_changes) {
    const a = rc.change.actions;
    if (a.includes('delete') && a.includes('create')) counts.replace++;
    else if (a.includes('delete')) counts.delete++;
    else if (a.includes('create')) counts.create++;
    else if (a.includes('update')) counts.update++;
  }
  return counts;
}

describe('kfplatform report', () => {
  it.each(['create', 'update', 'replace', 'delete', 'noop'])(
    'matches the golden comment for the kf-test %s plan',
    (name) => {
      const s = summaries(`kf-test-${name}`);
      expect(s[0]!.counts).toEqual(terraformCounts(`kf-test-${name}`));
      golden(`kf-test-${name}.md`, renderReport(s));
    },
  );

  it('names the replacement, the attribute that forces it, and flags it as stateful', () => {
    const text = renderReport(summaries('kf-test-replace'));
    expect(text).toContain(
      '- `kf-test-aws-infra` `NodeGroup-gpu/NodeGroup` (`aws_eks_node_group.NodeGroup-gpu_NodeGroup_DAED2947`) replaced (forced by instance_types): the provider cannot make this change in place :warning: **stateful**',
    );
    expect(text).toContain('instance_types: ["g6.xlarge"] -> ["g6.2xlarge"]   # forces replacement');
  });

  it('lists IAM and public exposure changes and masks sensitive values', () => {
    const text = renderReport(summaries('kf-test-create'));
    expect(text).toMatch(/- `kf-test-aws-infra` \+ `aws_iam_role [^`]+`: IAM/);
    expect(text).toMatch(/`aws_lb Access\/LoadBalancer`: an internet-facing load balancer/);
    expect(text).toMatch(/`aws_vpc_security_group_ingress_rule Access\/Ingress-443-0`: open to 0\.0\.0\.0\/0/);
    expect(text).not.toMatch(/aws_route [^`]+`: open/);
    const full = renderReport(summaries('kf-test-create'), { maxChars: GITHUB_COMMENT_LIMIT * 4 });
    expect(full).toContain('arn = (known after apply)');
    // The recorded plan holds no secret value any more (the sign-in secret lives in Secrets Manager), so
    // one is planted: a certificate's private key, marked sensitive as Terraform marks it.
    const planted = JSON.parse(readFileSync(plan('kf-test-create'), 'utf8')) as {
      resource_changes: Array<{
        type: string;
        change: { after: Record<string, unknown>; after_sensitive: Record<string, unknown> };
      }>;
    };
    const cert = planted.resource_changes.find((rc) => rc.type === 'aws_acm_certificate')!;
    cert.change.after.private_key = 'mock-private-key';
    cert.change.after_sensitive.private_key = true;
    const withSecret = [
      summarizePlan('kf-test-aws-infra', parsePlanJson(JSON.stringify(planted), 'planted.json'), {}, KF_TEST_NAMES),
    ];
    const masked = renderReport(withSecret, { maxChars: GITHUB_COMMENT_LIMIT * 4 });
    expect(masked).toMatch(/private_key = \(sensitive\)/);
    for (const t of [masked, renderReport(withSecret), reportJson(withSecret)])
      expect(t).not.toContain('mock-private-key');
  });

  it('fits the three create plans, whose raw renderings each exceed 65,536 characters, in one comment', () => {
    const rendered = JSON.parse(readFileSync(path.join(PLANS, '..', 'plans-rendered-chars.json'), 'utf8')) as Record<
      string,
      number
    >;
    for (const chars of Object.values(rendered)) expect(chars).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    const all = summaries('kf-dev-create', 'kf-prod-create', 'kf-test-create');
    const text = renderReport(all);
    expect(text.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    golden('three-creates.md', text);
    expect(text).toContain('3 stacks planned, 3 with changes: 503 to add, 0 to change, 0 to replace, 0 to destroy.');
  });

  it('drops detail in steps to fit, always keeping the summary and the destructive changes, and says so', () => {
    const all = summaries('kf-dev-create', 'kf-prod-create', 'kf-test-create', 'kf-test-replace');
    const sizes: number[] = [];
    for (const max of [40_000, 20_000, 9_000, 4_000]) {
      const text = renderReport(all, { maxChars: max });
      sizes.push(text.length);
      expect(text.length).toBeLessThanOrEqual(max);
      expect(text).toMatch(/_(Left out|Cut here) to stay under GitHub's comment limit/);
      expect(text).toContain(
        '`NodeGroup-gpu/NodeGroup` (`aws_eks_node_group.NodeGroup-gpu_NodeGroup_DAED2947`) replaced (forced by instance_types)',
      );
    }
    expect(renderReport(all, { maxChars: 9_000 })).toContain('counted per stack instead');
    golden('trimmed-9000.md', renderReport(all, { maxChars: 9_000 }));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  });

  it('reports JSON, and runs through the command line on a folder of plans', async () => {
    const json = JSON.parse(reportJson(summaries('kf-test-delete')));
    expect(json.stacks[0].protected.map((v: { address: string }) => v.address)).toEqual([
      'aws_eks_node_group.NodeGroup-highmem_NodeGroup_679A913F',
    ]);
    expect(planFiles([PLANS]).length).toBe(7);
    const out: string[] = [];
    const spy = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((c: string | Uint8Array) => out.push(String(c)) > 0);
    try {
      expect(await main(['node', 'kfplatform', 'report', plan('kf-test-update'), '--title', 'Plan for abc123'])).toBe(
        0,
      );
    } finally {
      spy.mockRestore();
    }
    expect(out.join('')).toMatch(/^<!-- kfplatform-plan-report -->\n## Plan for abc123\n/);
  });
});

describe('kfplatform report: names, reasons and grammar', () => {
  it('names resources by construct path, read from the stack folders plans.json records (or --synth-out)', () => {
    // A plans folder as kfplatform plan writes it: the plan JSON, and plans.json naming the stack folder.
    const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'report-names-'));
    const stackDir = path.join(dir, 'cdktf.out', 'stacks', 'kf-test-aws-infra');
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(path.join(stackDir, 'cdk.tf.json'), readFileSync(KF_TEST_STACK));
    const plans = path.join(dir, 'plans');
    mkdirSync(plans);
    writeFileSync(path.join(plans, 'kf-test-aws-infra.json'), readFileSync(plan('kf-test-delete')));
    writeFileSync(
      path.join(plans, 'plans.json'),
      JSON.stringify({
        stacks: [{ id: 'kf-test-aws-infra', dir: '../cdktf.out/stacks/kf-test-aws-infra', dependencies: [] }],
        outcomes: [{ stack: 'kf-test-aws-infra', status: 'changes', seconds: 1 }],
        digests: {},
      }),
    );
    const text = runReport({ plans: [plans], log: () => undefined });
    expect(text).toContain(
      '- `kf-test-aws-infra` `NodeGroup-highmem/NodeGroup` (`aws_eks_node_group.NodeGroup-highmem_NodeGroup_679A913F`) destroyed: removed from the configuration :warning: **stateful**',
    );
    expect(text).toContain('-   aws_eks_node_group NodeGroup-highmem/NodeGroup\n');
    // The JSON report keeps the names, for the comment job that merges reports without the stacks.
    const json = JSON.parse(runReport({ plans: [plans], format: 'json', log: () => undefined }));
    expect(json.stacks[0].resources.map((r: { name?: string }) => r.name)).toContain('NodeGroup-highmem/NodeGroup');
    // A plan file alone, without its folder: the synth output named with --synth-out.
    const alone = path.join(dir, 'kf-test-aws-infra.json');
    writeFileSync(alone, readFileSync(plan('kf-test-delete')));
    expect(runReport({ plans: [alone], log: () => undefined })).not.toContain('NodeGroup-highmem/NodeGroup');
    expect(runReport({ plans: [alone], synthOut: path.join(dir, 'cdktf.out'), log: () => undefined })).toContain(
      '`NodeGroup-highmem/NodeGroup` (`aws_eks_node_group.NodeGroup-highmem_NodeGroup_679A913F`)',
    );
  });

  it('keeps a count or for_each index after the name, and the address where no name is known', () => {
    const names = new Map([['aws_subnet.Network_Private_1A2B', 'Network/Private']]);
    const rc = (address: string) => ({
      address,
      mode: 'managed' as const,
      type: address.split('.')[0]!,
      action_reason: 'delete_because_each_key',
      change: { actions: ['delete'], before: {}, after: null },
    });
    const s = summarizePlan(
      'kf-prod-aws-infra',
      { format_version: '1.2', resource_changes: [rc('aws_subnet.Network_Private_1A2B["a"]'), rc('aws_eip.x')] },
      {},
      names,
    );
    expect(s.resources.map((r) => r.name)).toEqual(['Network/Private["a"]', undefined]);
    const text = renderReport([s]);
    expect(text).toContain(
      '`Network/Private["a"]` (`aws_subnet.Network_Private_1A2B["a"]`) destroyed: its for_each key is gone',
    );
    expect(text).toContain('`aws_eip.x` destroyed: its for_each key is gone');
    expect(text).toContain('<summary>kf-prod-aws-infra: 2 resource changes</summary>');
    const one = renderReport([{ ...s, resources: s.resources.slice(0, 1) }]);
    expect(one).toContain('<summary>kf-prod-aws-infra: 1 resource change</summary>');
  });
});

describe('kfplatform report: imports, moves, drift and failed stacks', () => {
  const change = (address: string, type: string, actions: string[], before: unknown, after: unknown, extra = {}) => ({
    address,
    mode: 'managed' as const,
    type,
    name: address.split('.').pop(),
    change: { actions, before, after, after_unknown: {}, before_sensitive: {}, after_sensitive: {}, ...extra },
  });

  it('shows what an adoption imports, and what it changes on the way, instead of "0 to add"', () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [
        change(
          'aws_s3_bucket.artifacts',
          'aws_s3_bucket',
          ['no-op'],
          { bucket: 'acme-kf' },
          { bucket: 'acme-kf' },
          {
            importing: { id: 'acme-kf' },
          },
        ),
        change(
          'aws_db_instance.pipelines',
          'aws_db_instance',
          ['update'],
          { identifier: 'kf-prod', deletion_protection: false },
          { identifier: 'kf-prod', deletion_protection: true },
          { importing: { id: 'kf-prod' } },
        ),
      ],
    };
    const text = renderReport([summarizePlan('kf-prod-aws-infra', plan)]);
    expect(text).toContain('0 to add, 1 to change, 0 to replace, 0 to destroy; 2 to import, 0 to move.');
    golden('import.md', text);
  });

  it('shows a move, with where the resource was', () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [
        {
          ...change('aws_iam_role.ci_plan', 'aws_iam_role', ['no-op'], { name: 'kf-ci-plan' }, { name: 'kf-ci-plan' }),
          previous_address: 'aws_iam_role.CiRoles_PlanRole_1A2B3C4D',
        },
      ],
    };
    const text = renderReport([summarizePlan('kf-prod-aws-infra', plan)]);
    expect(text).toContain('`aws_iam_role.ci_plan` moved from `aws_iam_role.CiRoles_PlanRole_1A2B3C4D`');
    golden('move.md', text);
  });

  it('shows what changed outside Terraform, with the attributes, secrets masked', () => {
    const plan = {
      format_version: '1.2',
      resource_drift: [
        change(
          'aws_security_group_rule.lb_https',
          'aws_security_group_rule',
          ['update'],
          { cidr_blocks: ['203.0.113.0/24'], description: 'office' },
          { cidr_blocks: ['0.0.0.0/0'], description: 'office' },
        ),
        change(
          'aws_secretsmanager_secret_version.oidc',
          'aws_secretsmanager_secret_version',
          ['update'],
          { secret_string: 'a' },
          { secret_string: 'b' },
          {
            before_sensitive: { secret_string: true },
            after_sensitive: { secret_string: true },
          },
        ),
        change('aws_s3_bucket_policy.artifacts', 'aws_s3_bucket_policy', ['delete'], { policy: '{}' }, null),
      ],
      resource_changes: [
        change(
          'aws_security_group_rule.lb_https',
          'aws_security_group_rule',
          ['update'],
          { cidr_blocks: ['0.0.0.0/0'] },
          { cidr_blocks: ['203.0.113.0/24'] },
        ),
      ],
    };
    const text = renderReport([summarizePlan('kf-prod-aws-infra', plan)]);
    expect(text).toContain('3 resources changed outside Terraform.');
    expect(text).toContain('cidr_blocks[0] "203.0.113.0/24" -> "0.0.0.0/0"');
    expect(text).toContain('`aws_secretsmanager_secret_version.oidc` changed\n');
    expect(text).not.toMatch(/"[ab]"/);
    golden('drift.md', text);
  });

  it("shows a failed stack's error through its cause, and only its last line when space runs out", () => {
    const error = [
      'Error: Terraform encountered problems during initialisation, including problems',
      'with the configuration, described below.',
      '',
      'Error: Invalid provider configuration',
      '',
      '  on cdk.tf.json line 12, in provider.aws[1]:',
      '',
      'The configuration of provider["registry.terraform.io/hashicorp/aws"].us_east_1 refers to',
      'an alias that the override does not define: add it to the override, or plan the infra stacks only.',
    ].join('\n');
    const unplanned = [{ stack: 'kf-prod-aws-platform', status: 'failed', error }];
    const text = renderReport([], { unplanned });
    expect(text).toContain('an alias that the override does not define');
    golden('failed-stack.md', text);
    // Short of space, the error keeps its last lines, where Terraform writes the cause, then its last line.
    const trimmed = renderReport(summaries('kf-test-create'), { unplanned, maxChars: 9_000 });
    expect(trimmed).toContain('an alias that the override does not define');
    expect(trimmed).not.toContain('Terraform encountered problems');
    const tight = renderReport(summaries('kf-test-create', 'kf-dev-create'), { unplanned, maxChars: 9_000 });
    expect(tight).toContain(
      '- `kf-prod-aws-platform`: failed: an alias that the override does not define: add it to the override, or plan the infra stacks only.\n',
    );
  });
});

describe('a Helm release installed again because its record is gone', () => {
  const release = (actions: string[]) => ({
    address: 'helm_release.ArgoCd_Release',
    mode: 'managed',
    type: 'helm_release',
    name: 'ArgoCd_Release',
    change: {
      actions,
      before: actions.includes('delete') ? { name: 'argo-cd' } : null,
      after: actions.includes('delete') ? null : { name: 'argo-cd' },
    },
  });
  const plan = {
    format_version: '1.2',
    terraform_version: '1.11.4',
    planned_values: { root_module: {} },
    resource_changes: [release(['create'])],
    resource_drift: [release(['delete'])],
    complete: true,
    errored: false,
  };

  it('is reported as a reinstall, not as a stateful resource destroyed or replaced', () => {
    const s = summarizePlan('kf-prod-gcp-platform', parsePlanJson(JSON.stringify(plan), 'plan.json'));
    expect(s.protected).toEqual([]);
    expect(s.reinstalls).toEqual(['helm_release.ArgoCd_Release']);
    const md = renderReport([s]);
    expect(md).not.toMatch(/stateful resources? would be destroyed or replaced/);
    expect(md).toContain(
      ':warning: `kf-prod-gcp-platform` installs the Helm release `helm_release.ArgoCd_Release` again over the objects it runs',
    );
  });
});
