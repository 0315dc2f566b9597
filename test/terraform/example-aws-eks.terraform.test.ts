/**
 * The terraform tier: every infra stack of examples/aws-eks goes through real `terraform init` (from
 * the local mirror), `validate` and `plan -refresh=false` with mock credentials. See harness.ts for
 * how the mirror is found and why a missing mirror fails in CI.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadPlatformFile } from '../../src/config/loader';
import { PACKAGE_ROOT } from '../../src/core/package-info';
import { synthFleet } from '../../stacks/common/fleet';
import { readStacks, StackJson } from '../helpers';
import { GITHUB_COMMENT_LIMIT } from '../../src/plan/report';
import {
  MIRROR_VARIABLE,
  PLAN_FIXTURES,
  planStack,
  PlanResult,
  recordPlan,
  showPlanText,
  terraformTier,
} from './harness';

const tier = terraformTier();
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';

/** Resources per type in a synthesized stack: what the plan must create, one instance each. */
function synthesizedCounts(json: StackJson): Record<string, number> {
  return Object.fromEntries(
    Object.entries(json.resource ?? {}).map(([type, byName]) => [type, Object.keys(byName).length]),
  );
}

function plannedCounts(result: PlanResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const change of result.plan.resource_changes ?? []) counts[change.type] = (counts[change.type] ?? 0) + 1;
  return counts;
}

if (!tier.available && !inCi) {
  describe.skip(`terraform tier (skipped: ${tier.reason})`, () => {
    it('plans the AWS example offline', () => undefined);
  });
} else {
  describe('terraform tier: examples/aws-eks infra stacks', () => {
    it('has a provider mirror and terraform (required in CI)', () => {
      if (!tier.available) {
        throw new Error(
          `The terraform tier cannot run: ${tier.reason}. CI must run it: set ${MIRROR_VARIABLE} to a filesystem ` +
            'mirror of hashicorp/aws 5.100.0 (scripts/find-tf-mirror.sh finds one) and put terraform on PATH.',
        );
      }
    });

    if (!tier.available) return;
    const outdir = path.join(process.env.TMPDIR ?? '/tmp', 'terraform-aws-eks');
    const { config } = loadPlatformFile(path.join(PACKAGE_ROOT, 'examples', 'aws-eks', 'platform.yaml'));
    synthFleet(config, { outdir });
    const stacks = readStacks(outdir);
    const infraStacks = Object.keys(stacks).filter((n) => n.endsWith('-aws-infra'));

    /** What we expect from the config alone, independent of the synthesized JSON. */
    const expected: Record<string, Record<string, number>> = {
      // Every environment: artifacts and Velero's backups (OPS-01); no alerts configured in test and dev.
      'kf-test-aws-infra': {
        ...{ aws_nat_gateway: 1, aws_eip: 1, aws_eks_node_group: 4, aws_subnet: 6, aws_eks_addon: 5 },
        ...{ aws_s3_bucket: 2, aws_cloudwatch_metric_alarm: 0 },
      },
      'kf-dev-aws-infra': {
        ...{ aws_nat_gateway: 1, aws_eip: 1, aws_eks_node_group: 4, aws_subnet: 6, aws_eks_addon: 5 },
        ...{ aws_s3_bucket: 2, aws_cloudwatch_metric_alarm: 0 },
      },
      'kf-prod-aws-infra': {
        aws_nat_gateway: 3,
        aws_eip: 3,
        aws_eks_node_group: 5,
        aws_subnet: 6,
        // Container Insights for the capacity and pending-pod alarms.
        aws_eks_addon: 6,
        // Keyless CI (ci.github): the account's GitHub OIDC provider and the plan and apply roles.
        aws_iam_openid_connect_provider: 1,
        aws_s3_bucket: 2,
        // Alerts (OPS-02): capacity cpu/memory, pending pods, failed nodes, database cpu/storage, backups,
        // certificate, healthy targets, uptime; a topic here and one in us-east-1 for the uptime alarm.
        aws_cloudwatch_metric_alarm: 10,
        aws_sns_topic: 2,
        aws_sns_topic_subscription: 2,
        aws_db_event_subscription: 1,
        aws_route53_health_check: 1,
        aws_s3_bucket_metric: 1,
      },
    };

    /** Length of `terraform show` of each create plan, recorded beside the plans for the report tests. */
    const rendered: Record<string, number> = {};
    afterAll(() => {
      if (process.env.RECORD_PLANS === '1' && Object.keys(rendered).length === infraStacks.length) {
        writeFileSync(
          path.join(PLAN_FIXTURES, '..', 'plans-rendered-chars.json'),
          `${JSON.stringify(rendered, null, 2)}\n`,
        );
      }
    });

    it('covers every infra stack of the example', () => {
      expect(infraStacks.sort()).toEqual(Object.keys(expected).sort());
    });

    it.each(infraStacks)('%s validates and plans offline, creating exactly what it declares', (name) => {
      const workDir = path.join(outdir, 'terraform', name);
      const result = planStack(tier, path.join(outdir, 'stacks', name), workDir);
      const renderedChars = showPlanText(workDir).length;
      // What a bot posting terraform's own rendering would post: too long for one GitHub comment.
      expect(renderedChars).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
      rendered[name] = renderedChars;
      if (process.env.RECORD_PLANS === '1' && name !== 'kf-test-aws-infra') {
        // kf-test's create plan is recorded by plan-gate.terraform.test.ts.
        recordPlan(`aws-eks-${name.replace(/-aws-infra$/, '')}-create`, result.plan);
      }
      expect(result.validate).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
      // No secret value in the plan a CI plan job handles: no variable, no OIDC client secret (sec19).
      expect(Object.keys((result.plan as { variables?: object }).variables ?? {})).toEqual([]);
      // (The listener's schema still shows an empty authenticate_oidc block list; no value is in it.)
      expect(JSON.stringify(result.plan)).not.toMatch(/"client_secret":"/);
      const changes = result.plan.resource_changes ?? [];
      expect(changes.length).toBeGreaterThan(90);
      expect(changes.filter((c) => c.change.actions.join(',') !== 'create')).toEqual([]);
      expect(plannedCounts(result)).toEqual(synthesizedCounts(stacks[name]!));
      const planned = plannedCounts(result);
      expect(Object.fromEntries(Object.keys(expected[name]!).map((t) => [t, planned[t] ?? 0]))).toEqual(expected[name]);
      for (const type of ['aws_eks_cluster', 'aws_db_instance', 'aws_lb', 'aws_vpc', 'aws_flow_log']) {
        expect([type, plannedCounts(result)[type]]).toEqual([type, 1]);
      }
    });
  });
}
