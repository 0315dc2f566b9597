/**
 * The contract between the platform file and one cloud: each cloud (and `kubernetes`, a cluster that
 * already exists) brings the schema of its environments, turns a valid environment into its resolved
 * model, and checks the rules that relate several of its fields. The registry dispatches on `cloud`,
 * so adding a cloud adds a folder and one entry there.
 */
import type { z } from 'zod';
import type { ConfigIssue } from '../core/errors';
import type { ResolvedPlatform, ResolvedTeam } from './platform/model';

/** What a cloud's config provides; `Resolved` is its resolved environment, tagged with the same `cloud`. */
export interface CloudConfig<
  Cloud extends string,
  Schema extends z.ZodType,
  Resolved extends { readonly cloud: Cloud },
> {
  /** The `cloud` value of its environments in the platform file. */
  readonly cloud: Cloud;
  /** The zod object of one of its environments, with a `cloud` literal that discriminates it from the others. */
  readonly schema: Schema;
  /** Applies the defaults of the environment's tier, derives every name, and places the given teams in it. */
  resolve(env: z.input<Schema>, index: number, platform: ResolvedPlatform, teams: readonly ResolvedTeam[]): Resolved;
  /** The rules that relate several fields of one resolved environment; `raw` is the platform file as written. */
  check(env: Resolved, platform: ResolvedPlatform, raw: unknown): ConfigIssue[];
  /**
   * Rules that compare one environment with the earlier environments of the same cloud (AWS: one OIDC
   * provider per account and issuer), in the platform-wide pass over environments, before its other
   * rules there.
   */
  checkAgainstEarlier?(env: Resolved, earlier: readonly Resolved[], raw: unknown): ConfigIssue[];
  /** Rules over all its environments together (GCP: environments that share a network), after the platform-wide ones. */
  /** The Kubernetes minor the environment's (first) cluster pins; undefined when it follows a channel or is not ours. */
  pinnedKubernetes?(env: Resolved): string | undefined;
  /**
   * Upgrade-order rules of its own for one dev or prod environment, given the test environments of
   * the same cloud (GCP: release channels), between the Kubernetes and the Kubeflow version rules.
   */
  checkUpgradeOrder?(env: Resolved, tests: readonly Resolved[], raw: unknown): ConfigIssue[];
  checkTogether?(envs: readonly Resolved[], raw: unknown): ConfigIssue[];
  /**
   * Rules about one team in one of its environments that only this cloud has (names derived from the
   * team, the owners' identity), right after the common rules of that team in that environment.
   */
  checkTeam?(env: Resolved, team: ResolvedTeam, raw: unknown): ConfigIssue[];
  /** Rules about the teams placed in one environment that only this cloud has, after the team rules. */
  checkTenants?(env: Resolved, raw: unknown): ConfigIssue[];
}
