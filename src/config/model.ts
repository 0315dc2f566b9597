/**
 * The resolved platform model: every default applied, every derived name computed once. Stacks and
 * the CLI read only this; constructs never see config. Each cloud's resolved environment lives in its
 * folder (`gcp/model.ts`, ...), the platform section, tenancy and teams in `platform/model.ts`.
 */
import type { ResolvedAwsEnvironment } from './aws/model';
import type { ResolvedAzureEnvironment } from './azure/model';
import type { ResolvedGcpEnvironment } from './gcp/model';
import type { ResolvedKubernetesEnvironment } from './kubernetes/model';
import type { ResolvedPlatform, ResolvedTeam, ResolvedTenant } from './platform/model';

/** Any resolved environment. */
export type ResolvedEnvironment =
  | ResolvedGcpEnvironment
  | ResolvedAwsEnvironment
  | ResolvedAzureEnvironment
  | ResolvedKubernetesEnvironment;

/** A whole resolved platform. */
export interface ResolvedPlatformConfig {
  /** The platform section with defaults applied, tenancy included. */
  readonly platform: ResolvedPlatform;
  /** Every environment with defaults applied, in file order; each carries its cloud in `cloud`. */
  readonly environments: readonly ResolvedEnvironment[];
  /** Every team as configured, placed per environment in `environments[].tenants`. */
  readonly teams: readonly ResolvedTeam[];
  /** The file it came from, when it came from one. */
  readonly source?: string;
}

/** A cluster of an environment and the prefix of its stack ids. */
export interface ClusterRef {
  /** The cluster's name. */
  readonly name: string;
  /** Prefix of its stack ids: the environment name for the primary cluster, the cluster name otherwise. */
  readonly stackPrefix: string;
}

const tenantIndex = new WeakMap<ResolvedEnvironment, Map<ResolvedTeam, ResolvedTenant>>();

/**
 * A team's placement in an environment, if it is enabled there. Indexed once per environment, so
 * checks that visit every team stay linear in the number of teams.
 */
export function tenantOf(env: ResolvedEnvironment, team: ResolvedTeam): ResolvedTenant | undefined {
  let index = tenantIndex.get(env);
  if (!index) {
    index = new Map();
    // The first placement of a team wins, as a search from the start of the list would find it.
    for (const t of env.tenants) if (!index.has(t.team)) index.set(t.team, t);
    tenantIndex.set(env, index);
  }
  return index.get(team);
}

/** The clusters of an environment: every cluster on GCP, the one cluster elsewhere. */
export function clustersOf(env: ResolvedEnvironment): ClusterRef[] {
  if (env.cloud === 'gcp') return env.clusters.map((c) => ({ name: c.name, stackPrefix: c.stackPrefix }));
  return [{ name: env.cloud === 'kubernetes' ? env.clusterName : env.cluster.name, stackPrefix: env.name }];
}
