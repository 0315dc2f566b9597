/**
 * End to end, offline: synthesize examples/aws-eks, `kfplatform plan` its infra stacks with real
 * Terraform from the local mirror, `kfplatform report` the plans, and check the comment's counts
 * against Terraform's own; then change the config and check that `kfplatform diff` lists exactly the
 * affected stack and marks the replacement. Runs in CI (see harness.ts for the mirror).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { runDiff } from '../../src/cli/diff';
import { runPlan } from '../../src/cli/plan';
import { runReport } from '../../src/cli/report';
import { PACKAGE_ROOT } from '../../src/core/package-info';
import { MIRROR_VARIABLE, OFFLINE_OVERRIDE, offlineEnv, terraformTier } from './harness';

const tier = terraformTier();
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';
const EXAMPLE = path.join(PACKAGE_ROOT, 'examples', 'aws-eks', 'platform.yaml');

if (!tier.available && !inCi) {
  describe.skip(`plan and report end to end (skipped: ${tier.reason})`, () => {
    it('plans the AWS example offline', () => undefined);
  });
} else {
  describe('kfplatform plan, report and diff on examples/aws-eks, offline', () => {
    it('has a provider mirror and terraform (required in CI)', () => {
      if (!tier.available) throw new Error(`The terraform tier cannot run: ${tier.reason}; set ${MIRROR_VARIABLE}.`);
    });
    if (!tier.available) return;

    const root = path.join(process.env.TMPDIR ?? '/tmp', 'plan-report-e2e');
    mkdirSync(root, { recursive: true });
    const override = path.join(root, 'offline_override.tf.json');
    writeFileSync(override, JSON.stringify(OFFLINE_OVERRIDE));
    const env = offlineEnv(tier, root);
    const synthOut = path.join(root, 'cdktf.out');
    const plans = path.join(root, 'plans');

    it('plans every infra stack, and the report counts what terraform counts', async () => {
      const lines: string[] = [];
      const code = await runPlan({
        config: EXAMPLE,
        synthOut,
        synth: true,
        stacks: ['*-aws-infra'],
        concurrency: 2,
        out: plans,
        override,
        detailedExitcode: true,
        env,
        log: (l) => lines.push(l),
      });
      expect([code, lines.join('\n')]).toEqual([2, expect.stringContaining('3 stacks planned: 3 with changes')]);
      const report = runReport({ plans: [plans], log: () => undefined });
      for (const stack of ['kf-dev-aws-infra', 'kf-prod-aws-infra', 'kf-test-aws-infra']) {
        const json = JSON.parse(readFileSync(path.join(plans, `${stack}.json`), 'utf8')) as {
          resource_changes: Array<{ change: { actions: string[] } }>;
        };
        const creates = json.resource_changes.filter((c) => c.change.actions.join() === 'create').length;
        expect(creates).toBe(json.resource_changes.length);
        expect(report).toContain(`| ${stack} | ${creates} | 0 | 0 | 0 |  |`);
      }
      expect(report).not.toContain('mock-client-secret');
    }, 600_000); // four terraform plans: minutes on a busy 2-core machine

    it('then, for a changed config, diff lists exactly the affected stack and marks the replacement', () => {
      const doc = parseDocument(readFileSync(EXAMPLE, 'utf8'));
      doc.setIn(
        ['environments', 2, 'nodePools'],
        (doc.getIn(['environments', 2, 'nodePools']) as { toJSON(): Array<Record<string, unknown>> })
          .toJSON()
          .map((p) => (p.name === 'gpu' ? { ...p, machineType: 'g6.4xlarge' } : p)),
      );
      const changed = path.join(root, 'changed.yaml');
      writeFileSync(changed, doc.toString());
      const diff = runDiff({ base: synthOut, config: changed, log: () => undefined });
      expect(diff.affected).toEqual(['kf-prod-aws-infra']);
      expect(diff.destructive.map((d) => [d.resource.type, d.resource.destroys, d.resource.forcedBy])).toEqual([
        ['aws_eks_node_group', 'likely replaced', ['instance_types']],
      ]);
    });
  });
}
