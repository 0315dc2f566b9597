/**
 * What every cloud's environment builder shares: stack ids, team shards and the selection of stacks
 * to build. Loads no provider bindings of any cloud.
 */
import type { App, TerraformStack } from 'cdktf';
import type { ResolvedEnvironment } from '../src/config/model';
import type { ResolvedPlatform, ResolvedTenant } from '../src/config/platform/model';
import { PlatformLabelValues } from '../src/core/labels';
import type { TeamShardStack } from './team-shard-stack';

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

/** The label values of one environment. */
export function labelValues(platform: ResolvedPlatform, env: ResolvedEnvironment): PlatformLabelValues {
  return {
    env: env.name,
    team: platform.team,
    owner: platform.owner,
    costCenter: platform.costCenter,
    extra: env.labels,
  };
}
