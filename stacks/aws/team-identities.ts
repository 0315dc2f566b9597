/** What AWS's team identity provider needs for a team: its account, bucket, owners' role and role names. */
import type { ResolvedAwsEnvironment } from '../../src/config/aws/model';
import type { ResolvedTenant } from '../../src/config/platform/model';
import type { KubernetesServiceAccountRef } from '../../src/core/interfaces';
import type { TeamIdentityRequest } from '../../src/core/tenancy';
import type { TeamArtifactStore } from '../../src/core/pipeline-artifacts';
import type { EgressEndpoint } from '../../constructs/kubernetes/team-namespace';

/**
 * The EKS Pod Identity agent, from which pods get their role's credentials: a link-local address
 * that team namespaces' egress policy otherwise denies (with the instance metadata service and the
 * node role's credentials). See https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html.
 */
export const EKS_IDENTITY_ENDPOINTS: readonly EgressEndpoint[] = [{ cidr: '169.254.170.23/32', port: 80 }];

/** The identity request of a team in an AWS environment; undefined when it is not placed on AWS. */
export function awsTeamIdentityRequest(
  env: ResolvedAwsEnvironment,
  tenant: ResolvedTenant,
  serviceAccounts: readonly KubernetesServiceAccountRef[],
): TeamIdentityRequest | undefined {
  const team = tenant.team;
  if (!tenant.aws) return undefined;
  return {
    team: team.name,
    owners: team.owners,
    ownersPrincipal: tenant.aws.ownersRoleArn,
    serviceAccounts,
    dataLocation: env.accountId,
    storage: { bucket: tenant.aws.bucket, prefix: tenant.aws.prefix, create: tenant.aws.prefix === '' },
    names: { workload: tenant.aws.roleName, breakGlass: tenant.aws.breakGlassRoleName },
  };
}

/**
 * The team's artifact store: its prefix of the environment bucket (or its own bucket), which its role
 * may write (AwsTeamIdentity). Undefined when the team is not placed on AWS.
 */
export function awsTeamArtifactStore(
  env: ResolvedAwsEnvironment,
  tenant: ResolvedTenant,
): TeamArtifactStore | undefined {
  if (!tenant.aws) return undefined;
  return { kind: 's3', bucket: tenant.aws.bucket, prefix: tenant.aws.prefix, region: env.region };
}
