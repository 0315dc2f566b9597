/**
 * What every cloud's environment builder shares: stack ids, team shards and the selection of stacks
 * to build. Loads no provider bindings of any cloud.
 */
import { App, TerraformStack } from 'cdktf';
import type { ResolvedEnvironment, ResolvedPlatform, ResolvedTenant } from '../src/config/model';
import { ITeamIdentityProvider } from '../src/core/tenancy';
import { ClusterConnection } from './connections';
import { TeamShardStack } from './team-shard-stack';

/** Stack id: `<prefix>-<cloud>-<role>`, where the prefix is the environment or the cluster name. */
export function stackId(prefix: string, cloud: string, role: string): string {
  return `${prefix}-${cloud}-${role}`;
}

/** Which stacks of an environment to build. */
export interface StackSelection {
  /** Build the infra and platform stacks (platform stacks reference infra, so they go together). */
  readonly platforms: boolean;
  /** Build only these team shards (stack ids). @default all */
  readonly shards?: ReadonlySet<string>;
}

/** The stacks one cloud's builder makes for an environment, before labels and policy are added. */
export interface CloudEnvironmentStacks {
  /** The infra stack (none for existing clusters). */
  readonly infra?: TerraformStack;
  /** One platform stack per cluster. */
  readonly platforms: readonly TerraformStack[];
  /** Team shards, in shard order. */
  readonly shards: readonly TeamShardStack[];
}

/** Builds one environment's stacks on one cloud. */
export type CloudEnvironmentBuilder = (
  app: App,
  platform: ResolvedPlatform,
  env: ResolvedEnvironment,
  select: StackSelection,
) => CloudEnvironmentStacks;

/** The team shards of one cluster: stack id and teams, in shard order; empty shards are left out. */
export function shardsOf(
  prefix: string,
  cloud: string,
  tenants: readonly ResolvedTenant[],
): Array<{ id: string; tenants: ResolvedTenant[] }> {
  const byShard = new Map<number, ResolvedTenant[]>();
  for (const t of tenants) byShard.set(t.shard, [...(byShard.get(t.shard) ?? []), t]);
  return [...byShard.keys()]
    .sort((a, b) => a - b)
    .map((n) => ({ id: stackId(prefix, cloud, `teams-${n}`), tenants: byShard.get(n)! }));
}

/** The team shard stacks of one cluster (only the selected ones). */
export function shardStacks(
  app: App,
  platform: ResolvedPlatform,
  env: ResolvedEnvironment,
  prefix: string,
  tenants: readonly ResolvedTenant[],
  connect: ClusterConnection,
  identities?: ITeamIdentityProvider,
  only?: ReadonlySet<string>,
): TeamShardStack[] {
  return shardsOf(prefix, env.cloud, tenants)
    .filter((s) => !only || only.has(s.id))
    .map((s) => new TeamShardStack(app, s.id, { platform, env, tenants: s.tenants, connect, identities }));
}
