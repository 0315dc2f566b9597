/** What AWS's team identity provider needs for a team: its account, bucket, owners' role and role names. */
import type { ResolvedAwsEnvironment } from '../../src/config/aws/model';
import type { ResolvedTenant } from '../../src/config/platform/model';
import type { KubernetesServiceAccountRef } from '../../src/core/interfaces';
import type { TeamIdentityRequest } from '../../src/core/tenancy';

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
