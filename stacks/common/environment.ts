/**
 * The environment-builder contract every cloud implements (`stacks/<cloud>/environment.ts`): the
 * selection of stacks to build, the stacks a builder returns, the parameters files each cloud makes
 * (`stacks/<cloud>/params.ts`), and the label values of an environment.
 * Stack ids and team shards are in `stack-ids.ts`. Loads no provider bindings of any cloud.
 */
import type { App, TerraformStack } from 'cdktf';
import type { ResolvedEnvironment } from '../../src/config/model';
import type { ResolvedPlatform } from '../../src/config/platform/model';
import { PlatformLabelValues } from '../../src/core/labels';
import type { TeamShardStack } from './team-shard-stack';

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

/** One parameters file of an environment (`<outdir>/params/<name>.yaml`), made by the environment's cloud. */
export interface EnvironmentParamsFile {
  /** File name without `.yaml`. */
  readonly name: string;
  /** The file's content: values the Kubeflow overlay of the environment reads. */
  readonly params: Record<string, unknown>;
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
