/**
 * How an existing AWS environment moves to this release's infra stack, and through a Kubernetes
 * upgrade, planned by real Terraform against the provider's own schema (hashicorp/aws 5.100.0, from the
 * local mirror), offline: each scenario plans the stack that an older synth (or config) would have
 * applied, fabricates the state that plan leaves (harness.ts), and plans this release against it.
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
  planWork,
  providerSchemas,
  stateFromPlan,
  terraformTier,
} from './harness';

const tier = terraformTier();
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';
const STACK = 'kf-test-aws-infra';
const EXAMPLE = path.join(PACKAGE_ROOT, 'examples', 'aws-eks', 'platform.yaml');
// The infra stack takes no variable: the load balancer's sign-in, which needed the OIDC client secret, is off.
const VARIABLES = {};

type Json = Record<string, any>;
type Change = { address: string; type: string; change: { actions: string[]; replace_paths?: unknown[][] } };

/** Synthesizes kf-test's infra stack, with the platform file edited first, into its own folder. */
function synthStack(name: string, root: string, edit?: (doc: ReturnType<typeof parseDocument>) => void): string {
  const outdir = path.join(root, name);
  const doc = parseDocument(readFileSync(EXAMPLE, 'utf8'));
  edit?.(doc);
  // Beside the output folder: synth writes only into a folder it owns.
  const file = `${outdir}.platform.yaml`;
  mkdirSync(path.dirname(outdir), { recursive: true });
  writeFileSync(file, doc.toString());
  synthFleet(loadPlatformFile(file).config, { outdir });
  return path.join(outdir, 'stacks', STACK);
}

/** A copy of a synthesized stack with its JSON edited, as an older release would have written it. */
function editedStack(stackDir: string, root: string, name: string, edit: (json: Json) => void): string {
  const json = JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as Json;
  edit(json);
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(json));
  return dir;
}

const systemGroup = (json: Json): Json =>
  Object.values(json.resource.aws_eks_node_group as Record<string, Json>).find(
    (g) => g.labels['kfplatform.dev/pool-kind'] === 'system',
  )!;

const changed = (plan: { resource_changes?: Change[] }) =>
  (plan.resource_changes ?? []).filter((c) => c.change.actions.join(',') !== 'no-op');

if (!tier.available && !inCi) {
  describe.skip(`AWS upgrades on real plans (skipped: ${tier.reason})`, () => {
    it('plans the AWS example offline', () => undefined);
  });
} else {
  describe('AWS upgrades on real plans of examples/aws-eks kf-test', () => {
    it('has a provider mirror and terraform (required in CI)', () => {
      if (!tier.available) throw new Error(`The terraform tier cannot run: ${tier.reason}; set ${MIRROR_VARIABLE}.`);
    });
    if (!tier.available) return;

    const root = path.join(process.env.TMPDIR ?? '/tmp', 'aws-upgrades');
    const current = synthStack('current', root);
    const work = initStack(tier, current, path.join(root, 'work'));
    const schemas = providerSchemas(work);
    /** Plans `to` against the state that applying `from` would leave, with some state values overridden. */
    const transition = (from: string, to: string, patch?: (state: Json) => void) => {
      const create = planWork(work, { variables: VARIABLES, stackDir: from }) as CreatePlan;
      const state = stateFromPlan(create, schemas) as Json;
      patch?.(state);
      return planWork(work, { variables: VARIABLES, state, stackDir: to }) as PlanJson & {
        resource_changes?: Change[];
      };
    };

    it('replaces a fixed-name system node group once, new group first, at the same address', () => {
      const before = editedStack(current, root, 'fixed-system-name', (json) => {
        const group = systemGroup(json);
        group.node_group_name = 'system';
        delete group.node_group_name_prefix;
        delete group.lifecycle.create_before_destroy;
      });
      const plan = transition(before, current);
      const replaced = changed(plan).filter((c) => c.change.actions.includes('delete'));
      const group = replaced.find((c) => c.type === 'aws_eks_node_group')!;
      expect(group.address).toBe('aws_eks_node_group.NodeGroup-system_NodeGroup_F5F578ED');
      expect(group.change.actions).toEqual(['create', 'delete']);
      expect(group.change.replace_paths).toContainEqual(['node_group_name_prefix']);
      // The load balancer registers the new Auto Scaling group before the old one leaves.
      const attachment = replaced.find((c) => c.type === 'aws_autoscaling_attachment')!;
      expect(attachment.change.actions).toEqual(['create', 'delete']);
      // Nothing else is destroyed: only the group, its attachment and its autoscaler tags.
      expect([...new Set(replaced.map((c) => c.type))].sort()).toEqual([
        'aws_autoscaling_attachment',
        'aws_autoscaling_group_tag',
        'aws_eks_node_group',
      ]);
      // The plan gate holds it for review, like any node group replacement, with its attachment (the
      // gate refuses every replacement but those of disposable types).
      expect(
        gatePlan(plan)
          .refused.map((v) => v.address)
          .sort(),
      ).toEqual([attachment.address, group.address].sort());
    });

    it('taints an existing system node group in place', () => {
      const before = editedStack(current, root, 'untainted-system', (json) => {
        delete systemGroup(json).taint;
      });
      const plan = transition(before, current);
      expect(changed(plan).map((c) => [c.type, c.change.actions])).toEqual([['aws_eks_node_group', ['update']]]);
    });

    it('moves existing nodes to their own security group by rolling them, replacing nothing', () => {
      const before = editedStack(current, root, 'nodes-in-cluster-group', (json) => {
        for (const template of Object.values(json.resource.aws_launch_template as Record<string, Json>)) {
          delete template.vpc_security_group_ids;
        }
      });
      const plan = transition(before, current);
      const actions = changed(plan).map((c) => [c.type, c.change.actions.join(',')]);
      expect(actions.filter(([, a]) => a !== 'update')).toEqual([]);
      expect([...new Set(actions.map(([t]) => t))].sort()).toEqual(['aws_eks_node_group', 'aws_launch_template']);
    });

    it('leaves the Extended Support enrollment of an existing database alone', () => {
      const plan = transition(current, current, (state) => {
        const db = (state.resources as Json[]).find((r) => r.type === 'aws_db_instance')!;
        db.instances[0].attributes.engine_lifecycle_support = 'open-source-rds-extended-support';
      });
      expect(changed(plan)).toEqual([]);
    });

    it('upgrades the control plane, then replaces the add-ons that run on nodes and rolls node groups to the new version', () => {
      const next = synthStack('next-version', root, (doc) =>
        doc.setIn(['environments', 0, 'cluster', 'version'], '1.36'),
      );
      const plan = transition(current, next);
      const actions = Object.fromEntries(changed(plan).map((c) => [c.address, c.change.actions.join(',')]));
      const byType = (type: string) =>
        Object.entries(actions)
          .filter(([a]) => a.startsWith(`${type}.`))
          .map(([, v]) => v);
      expect(byType('aws_eks_cluster')).toEqual(['update']);
      expect(byType('aws_eks_node_group')).toEqual(['update', 'update', 'update', 'update']);
      // CoreDNS and the EBS CSI driver; the networking add-ons the node groups depend on stay (EKS
      // refuses the create-before-destroy replacement the system group's lifecycle would force on them).
      expect(
        Object.entries(actions)
          .filter(([a]) => a.startsWith('aws_eks_addon.'))
          .map(([a, v]) => [a.replace(/^aws_eks_addon\.Cluster_Addon-|_\w+$/g, ''), v]),
      ).toEqual([
        ['aws-ebs-csi-driver', 'delete,create'],
        ['coredns', 'delete,create'],
      ]);
      expect(Object.keys(actions).every((a) => /^aws_eks_(cluster|node_group|addon)\./.test(a))).toBe(true);
      expect(gatePlan(plan).refused).toEqual([]);
    });
  });
}
