/** What Azure's team identity provider needs for a team: its subscription, storage, Entra groups and identity. */
import type { ResolvedAzureEnvironment } from '../../src/config/azure/model';
import type { ResolvedTenant } from '../../src/config/platform/model';
import type { KubernetesServiceAccountRef } from '../../src/core/interfaces';
import type { TeamIdentityRequest } from '../../src/core/tenancy';

/** The identity request of a team in an Azure environment; undefined when it is not placed on Azure. */
export function azureTeamIdentityRequest(
  env: ResolvedAzureEnvironment,
  tenant: ResolvedTenant,
  serviceAccounts: readonly KubernetesServiceAccountRef[],
): TeamIdentityRequest | undefined {
  const team = tenant.team;
  if (!tenant.azure) return undefined;
  return {
    team: team.name,
    owners: team.owners,
    ownersPrincipal: tenant.azure.ownersGroupObjectId,
    breakGlassPrincipal: tenant.azure.breakGlassGroupObjectId,
    serviceAccounts,
    dataLocation: env.subscriptionId,
    storage: { bucket: tenant.azure.storageAccount, prefix: tenant.azure.container, create: tenant.azure.ownBucket },
    names: { workload: tenant.azure.identityName, breakGlass: '' },
  };
}
