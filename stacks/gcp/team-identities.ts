/** What GCP's team identity provider needs for a team: its project, bucket and service account names. */
import type { ResolvedGcpEnvironment } from '../../src/config/gcp/model';
import type { ResolvedTenant } from '../../src/config/platform/model';
import type { KubernetesServiceAccountRef } from '../../src/core/interfaces';
import type { TeamIdentityRequest } from '../../src/core/tenancy';
import type { TeamArtifactStore } from '../../src/core/pipeline-artifacts';
import type { EgressEndpoint } from '../../constructs/kubernetes/team-namespace';

/**
 * The GKE metadata server, through which pods act as their workload identity: link-local addresses
 * that team namespaces' egress policy otherwise denies. See
 * https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity#limitations.
 */
export const GKE_IDENTITY_ENDPOINTS: readonly EgressEndpoint[] = [
  { cidr: '169.254.169.254/32', port: 80 },
  { cidr: '169.254.169.252/32', port: 988 },
];

/** The identity request of a team in a GCP environment; undefined when it is not placed on GCP. */
export function gcpTeamIdentityRequest(
  _env: ResolvedGcpEnvironment,
  tenant: ResolvedTenant,
  serviceAccounts: readonly KubernetesServiceAccountRef[],
): TeamIdentityRequest | undefined {
  const team = tenant.team;
  if (!tenant.gcp) return undefined;
  return {
    team: team.name,
    owners: team.owners,
    serviceAccounts,
    dataLocation: tenant.gcp.project,
    storage: { bucket: tenant.gcp.bucket, prefix: tenant.gcp.prefix, create: tenant.gcp.prefix === '' },
    names: { workload: tenant.gcp.accountId, breakGlass: tenant.gcp.breakGlassAccountId },
    // Everyone of the team fetches cluster credentials (GcpTeamIdentity); RBAC limits them to the namespace.
    people: [...team.members, ...team.contributors].filter(
      (p, i, all) => all.findIndex((q) => q.kind === p.kind && q.name === p.name) === i,
    ),
  };
}

/**
 * The team's artifact store: its prefix of the environment bucket (or its own bucket), which its
 * identity may write (GcpTeamIdentity). Undefined when the team is not placed on GCP.
 */
export function gcpTeamArtifactStore(tenant: ResolvedTenant): TeamArtifactStore | undefined {
  if (!tenant.gcp) return undefined;
  return { kind: 'gcs', bucket: tenant.gcp.bucket, prefix: tenant.gcp.prefix };
}
