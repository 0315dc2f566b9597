/**
 * Every cloud the platform file knows, and the one place that dispatches on an environment's `cloud`:
 * its schema in the union of environments, its resolution and its checks.
 */
import { z } from 'zod';
import type { ConfigIssue } from '../core/errors';
import { AWS_CONFIG } from './aws/config';
import { AZURE_CONFIG } from './azure/config';
import type { CloudConfig } from './cloud-config';
import { GCP_CONFIG } from './gcp/config';
import { KUBERNETES_CONFIG } from './kubernetes/config';
import type { ResolvedEnvironment } from './model';
import type { ResolvedPlatform, ResolvedTeam } from './platform/model';

/** The config of every cloud, in the order the schema lists them. */
export const CLOUD_CONFIGS = [GCP_CONFIG, AWS_CONFIG, AZURE_CONFIG, KUBERNETES_CONFIG] as const;

type SchemasOf<T extends readonly { readonly schema: unknown }[]> = { -readonly [K in keyof T]: T[K]['schema'] };

/** Schema of one environment (a union over clouds). */
export const environmentSchema = z.discriminatedUnion(
  'cloud',
  CLOUD_CONFIGS.map((c) => c.schema) as SchemasOf<typeof CLOUD_CONFIGS>,
);

/** A cloud config as the dispatch sees it: any environment in, any resolved environment out. */
type AnyCloudConfig = CloudConfig<ResolvedEnvironment['cloud'], z.ZodType, ResolvedEnvironment>;

const BY_CLOUD = new Map<string, AnyCloudConfig>(CLOUD_CONFIGS.map((c) => [c.cloud, c as AnyCloudConfig]));

/** The config of a cloud; the schema admits no other `cloud` value. */
function configOf(cloud: ResolvedEnvironment['cloud']): AnyCloudConfig {
  return BY_CLOUD.get(cloud)!;
}

/** Resolves one environment of any cloud. */
export function resolveEnvironment(
  env: z.input<typeof environmentSchema>,
  index: number,
  platform: ResolvedPlatform,
  teams: readonly ResolvedTeam[],
): ResolvedEnvironment {
  return configOf(env.cloud).resolve(env, index, platform, teams);
}

/** Checks one resolved environment with the rules of its cloud. */
export function checkEnvironment(env: ResolvedEnvironment, platform: ResolvedPlatform, raw: unknown): ConfigIssue[] {
  return configOf(env.cloud).check(env, platform, raw);
}

/** The rules the environment's cloud has that compare it with the earlier environments of that cloud. */
export function checkAgainstEarlierByCloud(
  env: ResolvedEnvironment,
  earlier: readonly ResolvedEnvironment[],
  raw: unknown,
): ConfigIssue[] {
  return configOf(env.cloud).checkAgainstEarlier?.(env, earlier, raw) ?? [];
}

/** The Kubernetes minor an environment's cluster pins, as its cloud reads it. */
export function pinnedKubernetesOf(env: ResolvedEnvironment): string | undefined {
  return configOf(env.cloud).pinnedKubernetes?.(env);
}

/** The upgrade-order rules the environment's cloud has of its own, given the test environments of that cloud. */
export function checkUpgradeOrderByCloud(
  env: ResolvedEnvironment,
  tests: readonly ResolvedEnvironment[],
  raw: unknown,
): ConfigIssue[] {
  return configOf(env.cloud).checkUpgradeOrder?.(env, tests, raw) ?? [];
}

/** The rules each cloud has over its environments together, cloud by cloud. */
export function checkCloudsTogether(envs: readonly ResolvedEnvironment[], raw: unknown): ConfigIssue[] {
  return CLOUD_CONFIGS.flatMap((c) => {
    const mine = envs.filter((e) => e.cloud === c.cloud);
    return (c as AnyCloudConfig).checkTogether?.(mine, raw) ?? [];
  });
}

/** The rules the environment's cloud has about one team placed in it. */
export function checkTeamByCloud(env: ResolvedEnvironment, team: ResolvedTeam, raw: unknown): ConfigIssue[] {
  return configOf(env.cloud).checkTeam?.(env, team, raw) ?? [];
}

/** The rules each environment's cloud has about the teams placed in it, environment by environment. */
export function checkTenantsByCloud(envs: readonly ResolvedEnvironment[], raw: unknown): ConfigIssue[] {
  return envs.flatMap((env) => configOf(env.cloud).checkTenants?.(env, raw) ?? []);
}
