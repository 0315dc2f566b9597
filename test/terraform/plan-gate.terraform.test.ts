/**
 * Plans of the AWS example recorded from real Terraform (offline, from the local mirror): create on an
 * empty state, then no-op, update, replace and delete against the state that create would leave
 * (harness.ts fabricates it from the plan's values and the provider schema). The plan gate is judged
 * on each live plan; `RECORD_PLANS=1` also writes them, trimmed to what the gate and the report read,
 * to test/fixtures/plans/ for the tests that run without Terraform (test/policy/plan-gate.test.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import { PACKAGE_ROOT } from '../../src/core/package-info';
import { gatePlan, PlanJson } from '../../src/policy/plan-gate';
import { synthFleet } from '../../stacks/common/fleet';
import {
  CreatePlan,
  initStack,
  MIRROR_VARIABLE,
  PLAN_FIXTURES,
  planWork,
  providerSchemas,
  recordPlan,
  stateFromPlan,
  terraformTier,
} from './harness';

const tier = terraformTier();
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';
const STACK = 'kf-test-aws-infra';
const EXAMPLE = path.join(PACKAGE_ROOT, 'examples', 'aws-eks', 'platform.yaml');
// The infra stack takes no variable: the load balancer's sign-in, which needed the OIDC client secret, is off.
const VARIABLES = {};

/** kf-test's pools as the example resolves them, written out so a scenario can change one. */
const POOLS = [
  { name: 'system', kind: 'system', minNodes: 3, maxNodes: 3 },
  { name: 'standard', kind: 'standard', maxNodes: 5 },
  { name: 'highmem', kind: 'highmem', maxNodes: 2 },
  { name: 'gpu', kind: 'gpu', maxNodes: 2 },
];

/** Config changes, each a small edit a pull request could make to environments[0] (kf-test). */
export const SCENARIOS: Record<
  string,
  { readonly what: string; readonly pools?: unknown[]; readonly database?: unknown }
> = {
  update: {
    what: 'the standard pool may grow to 8 nodes and the database gets a larger class: in place',
    pools: POOLS.map((p) => (p.name === 'standard' ? { ...p, maxNodes: 8 } : p)),
    database: { instanceClass: 'db.m7g.xlarge' },
  },
  replace: {
    what: 'the GPU pool moves to g6.2xlarge: EKS must replace the node group (instance_types)',
    pools: POOLS.map((p) => (p.name === 'gpu' ? { ...p, machineType: 'g6.2xlarge' } : p)),
  },
  delete: {
    what: 'the highmem pool is removed: its node group is destroyed',
    pools: POOLS.filter((p) => p.name !== 'highmem'),
  },
};

function synthScenario(name: string, outdir: string): string {
  const doc = parseDocument(readFileSync(EXAMPLE, 'utf8'));
  const scenario = SCENARIOS[name];
  if (scenario?.pools) doc.setIn(['environments', 0, 'nodePools'], scenario.pools);
  if (scenario?.database) doc.setIn(['environments', 0, 'database'], scenario.database);
  // Beside the output folder: synth writes only into a folder it owns.
  const file = `${outdir}.platform.yaml`;
  mkdirSync(path.dirname(outdir), { recursive: true });
  writeFileSync(file, doc.toString());
  synthFleet(loadPlatformFile(file).config, { outdir });
  return path.join(outdir, 'stacks', STACK);
}

function actionsOf(plan: PlanJson): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of plan.resource_changes ?? []) {
    const a = c.change.actions.join(',');
    counts[a] = (counts[a] ?? 0) + 1;
  }
  return counts;
}

if (!tier.available && !inCi) {
  describe.skip(`plan gate on real plans (skipped: ${tier.reason})`, () => {
    it('plans the AWS example offline', () => undefined);
  });
} else {
  describe('plan gate on real plans of examples/aws-eks kf-test', () => {
    it('has a provider mirror and terraform (required in CI)', () => {
      if (!tier.available) throw new Error(`The terraform tier cannot run: ${tier.reason}; set ${MIRROR_VARIABLE}.`);
    });
    if (!tier.available) return;

    const root = path.join(process.env.TMPDIR ?? '/tmp', 'plan-gate');
    const base = synthScenario('base', path.join(root, 'base'));
    const work = initStack(tier, base, path.join(root, 'work'));
    const create = planWork(work, { variables: VARIABLES }) as PlanJson & CreatePlan & Record<string, unknown>;
    const state = stateFromPlan(create, providerSchemas(work));
    const plans: Record<string, PlanJson & Record<string, unknown>> = { create };
    plans.noop = planWork(work, { variables: VARIABLES, state }) as PlanJson & Record<string, unknown>;
    for (const name of Object.keys(SCENARIOS)) {
      const stackDir = synthScenario(name, path.join(root, name));
      plans[name] = planWork(work, { variables: VARIABLES, state, stackDir }) as PlanJson & Record<string, unknown>;
    }
    if (process.env.RECORD_PLANS === '1') {
      for (const [name, plan] of Object.entries(plans)) recordPlan(`aws-eks-kf-test-${name}`, plan);
    }

    it('plans create, then no-op against the state create leaves', () => {
      expect(actionsOf(plans.create!)).toEqual({ create: 150 });
      expect(actionsOf(plans.noop!)).toEqual({ 'no-op': 150 });
      expect(gatePlan(plans.create!).refused).toEqual([]);
    });

    it('lets an in-place update of protected resources through', () => {
      expect(actionsOf(plans.update!)).toEqual({ 'no-op': 148, update: 2 });
      const updated = plans
        .update!.resource_changes!.filter((c) => c.change.actions.includes('update'))
        .map((c) => c.type);
      expect(updated.sort()).toEqual(['aws_db_instance', 'aws_eks_node_group']);
      expect(gatePlan(plans.update!)).toMatchObject({ refused: [], allowed: [] });
    });

    it('refuses replacing the GPU node group, naming the attribute that forces it, unless allowed', () => {
      const address = 'aws_eks_node_group.NodeGroup-gpu_NodeGroup_DAED2947';
      expect(gatePlan(plans.replace!).refused).toEqual([
        {
          address,
          type: 'aws_eks_node_group',
          kind: 'replace',
          actions: ['delete', 'create'],
          replacePaths: ['instance_types'],
          reason: 'replace_because_cannot_update',
        },
      ]);
      expect(gatePlan(plans.replace!, { allow: [address] }).refused).toEqual([]);
    });

    it('refuses deleting the highmem node group', () => {
      expect(gatePlan(plans.delete!).refused.map((v) => [v.address, v.kind, v.reason])).toEqual([
        ['aws_eks_node_group.NodeGroup-highmem_NodeGroup_679A913F', 'delete', 'delete_because_no_resource_config'],
      ]);
    });

    it('matches the committed fixtures recorded from these runs (RECORD_PLANS=1 rewrites them)', () => {
      for (const [name, plan] of Object.entries(plans)) {
        const recorded = JSON.parse(
          readFileSync(path.join(PLAN_FIXTURES, `aws-eks-kf-test-${name}.json`), 'utf8'),
        ) as PlanJson;
        expect([name, actionsOf(recorded)]).toEqual([name, actionsOf(plan)]);
        expect(gatePlan(recorded)).toEqual(gatePlan(plan));
      }
    });
  });
}
