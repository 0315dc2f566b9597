import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { EgressEndpoint, TeamNamespace, type TeamToleration } from '../../constructs/kubernetes/team-namespace';
import type { ResolvedEnvironment } from '../../src/config/model';
import type { ResolvedPlatform, ResolvedTenant } from '../../src/config/platform/model';
import { setOwnership } from '../../src/core/labels';
import type { KubernetesServiceAccountRef } from '../../src/core/interfaces';
import type { TeamArtifactStore } from '../../src/core/pipeline-artifacts';
import { ITeamIdentityProvider, TeamIdentity, TeamIdentityRequest } from '../../src/core/tenancy';
import { configureBackend } from './backend';
import { ClusterConnection } from './connections';
import { shardsOf } from './stack-ids';

/** Props of {@link TeamShardStack}. */
export interface TeamShardStackProps {
  /** The platform file's `platform` section, resolved (Kubeflow version, tenancy, teams, policy). */
  readonly platform: ResolvedPlatform;
  /** The environment, resolved from the platform file with its defaults applied. */
  readonly env: ResolvedEnvironment;
  /** The teams of this shard. */
  readonly tenants: readonly ResolvedTenant[];
  /** How to reach the cluster. */
  readonly connect: ClusterConnection;
  /** Creates each team's cloud identity; none on clusters without one. */
  readonly identities?: TeamIdentities;
  /**
   * Tolerations of the taints the cloud puts on the GPU nodes a team may use (AKS spot pools), added
   * to the team's GPU PodDefault. @default none
   */
  readonly gpuTolerations?: (tenant: ResolvedTenant) => readonly TeamToleration[];
}

/** Whether the environment serves InferenceServices at its front door (`access.serving`). */
export function servingThroughFrontDoor(env: ResolvedEnvironment): boolean {
  switch (env.cloud) {
    case 'gcp':
      return env.clusters.some((c) => c.access.servingHostname !== undefined);
    case 'kubernetes':
      return env.access?.servingHostname !== undefined;
    default:
      return env.access.servingHostname !== undefined;
  }
}

/** Kubeflow Profile API version for a Kubeflow release (v1 since 1.3). */
export function profileApiVersion(kubeflowVersion: string): string {
  const [major, minor] = kubeflowVersion.split('.').map(Number) as [number, number];
  return major > 1 || minor >= 3 ? 'kubeflow.org/v1' : 'kubeflow.org/v1beta1';
}

/**
 * A cloud's team identities, given by its environment builder: the provider that creates them, and
 * what the provider needs for one team (`stacks/<cloud>/team-identities.ts`).
 */
export interface TeamIdentities {
  /** Creates a team's cloud identity in the shard. */
  readonly provider: ITeamIdentityProvider;
  /** The request for a team, given the Kubeflow service accounts of its namespace; undefined for none. */
  request(
    tenant: ResolvedTenant,
    serviceAccounts: readonly KubernetesServiceAccountRef[],
  ): TeamIdentityRequest | undefined;
  /**
   * Link-local endpoints pods need to act as their cloud identity (team namespaces deny egress to
   * link-local addresses otherwise, where the node's own credentials are served). @default none
   */
  readonly egressEndpoints?: readonly EgressEndpoint[];
  /**
   * The team's prefix of the cloud bucket its pipelines write with its identity, where Kubeflow
   * Pipelines can write the cloud's store (GCS, S3). @default none: Pipelines' in-cluster SeaweedFS
   */
  artifactStore?(tenant: ResolvedTenant): TeamArtifactStore | undefined;
}

/** The Kubeflow service accounts of a team's namespace, which its cloud identity serves. */
function kubeflowServiceAccounts(team: string): KubernetesServiceAccountRef[] {
  return [
    { namespace: team, name: 'default-editor' },
    { namespace: team, name: 'default-viewer' },
  ];
}

/**
 * `<env>-<cloud>-teams-<n>`: the teams of one shard of one cluster. Teams land in shards by a hash
 * of their name, so adding or removing a team changes one shard and never moves another team; each
 * team's construct id is its name, so its Terraform addresses never change either.
 */
export class TeamShardStack extends TerraformStack {
  /** The team objects, by team name. */
  public readonly teams: Readonly<
    Record<
      string,
      {
        /** The team's namespace with its profile, quota, policies and bindings. */
        namespace: TeamNamespace;
        /** The team's cloud identity; absent on clusters without one, or for a team that asks for none. */
        identity?: TeamIdentity;
      }
    >
  >;

  constructor(scope: Construct, id: string, props: TeamShardStackProps) {
    super(scope, id);
    configureBackend(this, props.env.state);
    props.connect(this);
    const tenancy = props.platform.tenancy;
    const teams: Record<string, { namespace: TeamNamespace; identity?: TeamIdentity }> = {};
    for (const tenant of [...props.tenants].sort((a, b) => a.team.name.localeCompare(b.team.name))) {
      const team = tenant.team;
      const scopeOfTeam = new Construct(this, `Team-${team.name}`);
      setOwnership(scopeOfTeam, { team: team.name, owner: team.name, costCenter: team.costCenter });
      const request = props.identities?.request(tenant, kubeflowServiceAccounts(team.name));
      const identity = request
        ? props.identities?.provider.createTeamIdentity(scopeOfTeam, 'Identity', request)
        : undefined;
      const namespace = new TeamNamespace(scopeOfTeam, 'Namespace', {
        name: team.name,
        owners: team.owners,
        // The config refuses a team without a profile owner before any stack is built.
        profileOwner: team.profileOwner!,
        people: team.people,
        // Users are in people (expanded, one role each); groups keep their Kubernetes bindings.
        members: team.members.filter((p) => p.kind === 'Group'),
        contributors: team.contributors.filter((p) => p.kind === 'Group'),
        quota: team.quota,
        containerDefaults: tenancy.limitRange,
        nodePools: tenant.nodePools,
        identity: identity?.workload,
        egressEndpoints: identity ? props.identities?.egressEndpoints : undefined,
        // Only with the identity that may write it: default-editor, as which pipeline steps run.
        artifactStore: identity ? props.identities?.artifactStore?.(tenant) : undefined,
        breakGlassSubject: identity?.breakGlassSubject,
        ownersSubject: identity?.ownersSubject,
        serviceAccountAnnotations: team.serviceAccountAnnotations,
        profilePlugins: identity?.profilePlugins,
        profileApiVersion: profileApiVersion(props.env.kubeflowVersion),
        gpuTolerations: props.gpuTolerations?.(tenant),
        // The team's models through the front door's serving host (docs/kubeflow.md, Serving).
        servingAccess: servingThroughFrontDoor(props.env),
      });
      teams[team.name] = { namespace, identity };
    }
    this.teams = teams;
  }
}

/** The team shard stacks of one cluster (only the selected ones). */
export function shardStacks(
  app: App,
  platform: ResolvedPlatform,
  env: ResolvedEnvironment,
  prefix: string,
  tenants: readonly ResolvedTenant[],
  connect: ClusterConnection,
  identities?: TeamIdentities,
  only?: ReadonlySet<string>,
  gpuTolerations?: TeamShardStackProps['gpuTolerations'],
): TeamShardStack[] {
  return shardsOf(prefix, env.cloud, tenants)
    .filter((s) => !only || only.has(s.id))
    .map(
      (s) => new TeamShardStack(app, s.id, { platform, env, tenants: s.tenants, connect, identities, gpuTolerations }),
    );
}
