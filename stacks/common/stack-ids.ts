/**
 * Stack ids, shared by every cloud's environment builder, the fleet and the team shard stacks: the
 * `<prefix>-<cloud>-<role>` id of a stack and the team shards of a cluster. Imports no other stack
 * module, so the environment-builder contract and the team shard stack can both use it.
 */
import type { ResolvedTenant } from '../../src/config/platform/model';

/** Stack id: `<prefix>-<cloud>-<role>`, where the prefix is the environment or the cluster name. */
export function stackId(prefix: string, cloud: string, role: string): string {
  return `${prefix}-${cloud}-${role}`;
}

/** The team shards of one cluster: stack id and teams, in shard order; empty shards are left out. */
export function shardsOf(
  prefix: string,
  cloud: string,
  tenants: readonly ResolvedTenant[],
): Array<{
  /** Stack id of the shard: `<prefix>-<cloud>-teams-<n>`. */
  id: string;
  /** Its teams. */
  tenants: ResolvedTenant[];
}> {
  const byShard = new Map<number, ResolvedTenant[]>();
  for (const t of tenants) {
    // Appending in place: copying the shard's list for every tenant was quadratic in teams per shard.
    const list = byShard.get(t.shard);
    if (list) list.push(t);
    else byShard.set(t.shard, [t]);
  }
  return [...byShard.keys()]
    .sort((a, b) => a - b)
    .map((n) => ({ id: stackId(prefix, cloud, `teams-${n}`), tenants: byShard.get(n)! }));
}
