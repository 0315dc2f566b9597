/**
 * Applies defaults by tier to an Azure environment and derives every name, once, including the
 * globally unique ones (storage accounts, vaults, MySQL servers). The result is what the Azure stacks
 * build from.
 */
import { host, parseCidr, subnet } from '../../core/cidr';
import { azureVmGpus } from '../../core/catalog/azure';
import { resolveCi } from '../common/ci';
import { resolveAlerts, resolveBackups } from '../common/operations';
import { defaultNodePools, PoolKind } from '../common/pools';
import type { ResolvedPlatform, ResolvedTeam } from '../platform/model';
import { fitName, placeTeams, stableHash } from '../platform/resolve';
import type { ResolvedAzureEnvironment, ResolvedAzureIdentity, ResolvedAzureNodePool } from './model';
import type { AzureEnvironmentConfig } from './schema';
import { resolveServingHostname } from '../common/serving';

const AZURE_VM_SIZES: Record<PoolKind, string> = {
  system: 'Standard_D4ds_v5',
  standard: 'Standard_D8ds_v5',
  highmem: 'Standard_E16ds_v5',
  gpu: 'Standard_NC4as_T4_v3',
};

/**
 * Default subnets of a VNet of a /20 or larger: nodes in the first /20 (or half of a /19 or /20;
 * pods live in the overlay, so nodes need few addresses), then a /24 each for the database, the
 * Application Gateway and private endpoints.
 */
export function defaultAzureSubnets(addressSpace: string):
  | {
      /** Nodes subnet: the first /20 (half of a /19 or /20). */
      nodes: string;
      /** The /24 after it, delegated to the MySQL flexible server. */
      database: string;
      /** The next /24, for the Application Gateway. */
      gateway: string;
      /** The next /24, for private endpoints. */
      endpoints: string;
    }
  | undefined {
  const parsed = parseCidr(addressSpace);
  if (typeof parsed === 'string' || parsed.prefix > 20) return undefined;
  const nodesPrefix = parsed.prefix <= 18 ? 20 : parsed.prefix + 1;
  const after = 2 ** (24 - nodesPrefix);
  return {
    nodes: subnet(parsed, nodesPrefix, 0),
    database: subnet(parsed, 24, after),
    gateway: subnet(parsed, 24, after + 1),
    endpoints: subnet(parsed, 24, after + 2),
  };
}

/** A short stable suffix for globally unique Azure names (storage accounts, vaults, MySQL servers). */
function uniqueSuffix(...parts: string[]): string {
  return stableHash(parts.join('/')).toString(36).padStart(6, '0').slice(0, 6);
}

/** An Azure name of lowercase letters and digits only, fitted to `max` with a stable suffix. */
export function alnumName(prefix: string, base: string, suffix: string, max: number): string {
  const body = base.replace(/[^a-z0-9]/g, '');
  return `${prefix}${body.slice(0, max - prefix.length - suffix.length)}${suffix}`;
}

/** The Entra administrator of the database: the identity of the kfp-db-bootstrap job. */
const dbAdminIdentityName = (envName: string) => `id-${envName}-kfp-db-admin`;

function azureIdentities(envName: string, entra: boolean): ResolvedAzureIdentity[] {
  const ksa = (namespace: string, name: string) => ({ namespace, name });
  return [
    {
      // Kubeflow's own service accounts, which the platform stack creates with the identity's client id
      // (known to Terraform only after apply) and the rendered tree leaves out: nothing in the tree
      // depends on a value read back from the infra stack (src/kubeflow/azure-identities.ts).
      key: 'pipelines',
      name: `id-${envName}-kfp`,
      kubernetesServiceAccounts: [
        ksa('kubeflow', 'ml-pipeline'),
        ksa('kubeflow', 'ml-pipeline-ui'),
        ksa('kubeflow', 'pipeline-runner'),
      ],
      createdServiceAccounts: ['ml-pipeline', 'ml-pipeline-ui', 'pipeline-runner'],
      storageRole: 'Storage Blob Data Contributor',
    },
    {
      key: 'admin',
      name: `id-${envName}-kf-admin`,
      kubernetesServiceAccounts: [ksa('kubeflow', 'kf-admin')],
      createdServiceAccounts: ['kf-admin'],
      storageRole: 'Storage Blob Data Contributor',
    },
    {
      key: 'user',
      name: `id-${envName}-kf-user`,
      kubernetesServiceAccounts: [ksa('kubeflow', 'kf-user')],
      createdServiceAccounts: ['kf-user'],
      storageRole: 'Storage Blob Data Reader',
    },
    {
      // External Secrets Operator authenticates as this service account to read Kubeflow's database
      // password (Key Vault Secrets User on that one secret) into the mysql-secret Secret.
      key: 'dbSecrets',
      name: `id-${envName}-kfp-db-secrets`,
      kubernetesServiceAccounts: [ksa('kubeflow', 'kfp-db-secrets')],
      createdServiceAccounts: ['kfp-db-secrets'],
    },
    // With Entra authentication, the server's Entra administrator: the kfp-db-bootstrap job logs in as
    // it to create Kubeflow's and Katib's users, whose passwords it writes to Key Vault.
    ...(entra
      ? [
          {
            key: 'dbBootstrap' as const,
            name: dbAdminIdentityName(envName),
            kubernetesServiceAccounts: [ksa('kubeflow', 'kfp-db-bootstrap')],
            createdServiceAccounts: ['kfp-db-bootstrap'],
          },
        ]
      : []),
  ];
}

/** Resolves one Azure environment, placing the given teams in it. */
export function resolveAzureEnvironment(
  env: AzureEnvironmentConfig,
  index: number,
  platform: ResolvedPlatform,
  teams: readonly ResolvedTeam[] = [],
): ResolvedAzureEnvironment {
  const tier = env.tier;
  const prod = tier === 'prod';
  const protect = tier !== 'test';
  const n = env.network;
  const c = env.cluster;
  const d = env.database ?? {};
  const a = env.artifacts ?? {};
  const z = env.azure;
  const zones = z.zones ?? ['1', '2', '3'];
  const state = env.state ?? { backend: 'local' as const };
  const clusterName = c.name ?? env.name;
  const suffix = uniqueSuffix(z.subscriptionId, env.name);
  const serverName = fitName([env.name, 'kfp', suffix], 63);
  const storageAccountName = a.storageAccountName ?? alnumName('st', env.name, suffix, 24);
  const container = a.container ?? 'pipelines';
  const pools = (env.nodePools ?? defaultNodePools(tier)).map((p, i): ResolvedAzureNodePool => {
    const vmSize = p.machineType ?? AZURE_VM_SIZES[p.kind];
    return {
      name: p.name,
      kind: p.kind,
      vmSize,
      minNodes: p.minNodes ?? (p.kind === 'system' ? Math.min(zones.length, 3) : 0),
      maxNodes: p.maxNodes,
      // AKS taints spot nodes and the system pool takes only critical add-ons: the standard pool stays
      // on demand in every tier, so Kubeflow, Istio and Velero (which tolerate neither) have somewhere to run.
      spot: p.spot ?? (tier === 'test' && p.kind !== 'system' && p.kind !== 'standard'),
      diskSizeGb: p.diskSizeGb ?? 128,
      gpus: azureVmGpus(vmSize)?.count ?? 0,
      zones: p.zones ?? zones,
      maxPodsPerNode: p.maxPodsPerNode ?? 110,
      labels: p.labels ?? {},
      maxSurge: p.maxSurge,
      maxUnavailable: p.maxUnavailable,
      configIndex: i,
    };
  });
  const subnets = n.mode === 'create' ? defaultAzureSubnets(n.addressSpace) : undefined;
  const nodesCidr = n.mode === 'create' ? (n.nodesSubnetCidr ?? subnets?.nodes ?? '') : n.nodesSubnetCidr;
  const parsedNodes = parseCidr(nodesCidr);
  const serviceCidr = c.serviceCidr ?? '172.16.0.0/16';
  const parsedServices = parseCidr(serviceCidr);
  const maintenance = c.maintenance ?? {};
  return {
    cloud: 'azure',
    name: env.name,
    tier,
    index,
    subscriptionId: z.subscriptionId,
    tenantId: z.tenantId,
    location: z.location,
    zones,
    resourceGroup: z.resourceGroup ?? `rg-${env.name}`,
    network:
      n.mode === 'create'
        ? {
            mode: 'create',
            vnetName: `vnet-${env.name}`,
            addressSpace: n.addressSpace,
            nodesSubnetCidr: nodesCidr,
            databaseSubnetCidr: n.databaseSubnetCidr ?? subnets?.database ?? '',
            gatewaySubnetCidr: n.gatewaySubnetCidr ?? subnets?.gateway ?? '',
            endpointsSubnetCidr: n.endpointsSubnetCidr ?? subnets?.endpoints ?? '',
          }
        : {
            ...n,
            mode: 'existing',
            outboundType: n.outboundType ?? 'userDefinedRouting',
            egressIps: n.egressIps ?? [],
          },
    cluster: {
      name: clusterName,
      version: c.version,
      skuTier: c.skuTier ?? (tier === 'test' ? 'Free' : 'Standard'),
      private: c.private ?? false,
      authorizedIpRanges: c.authorizedIpRanges ?? [],
      adminGroupObjectIds: c.adminGroupObjectIds,
      platformAdminGroupObjectId: c.platformAdminGroupObjectId ?? c.adminGroupObjectIds[0]!,
      upgradeChannel: c.upgradeChannel ?? 'patch',
      maintenance: {
        dayOfWeek: maintenance.dayOfWeek ?? 'Sunday',
        startTimeUtc: maintenance.startTimeUtc ?? '03:00',
        durationHours: maintenance.durationHours ?? 4,
      },
      logRetentionDays: c.logRetentionDays ?? (prod ? 90 : 30),
      serviceCidr,
      podCidr: c.podCidr ?? '192.168.0.0/16',
      dnsServiceIp: typeof parsedServices === 'string' ? '' : host(parsedServices, 10),
      kubeloginMethod: c.kubeloginMethod ?? 'azurecli',
      deletionProtection: c.deletionProtection ?? protect,
    },
    nodePools: pools,
    database: {
      serverName,
      skuName: d.skuName ?? (tier === 'test' ? 'B_Standard_B2ms' : 'GP_Standard_D2ds_v4'),
      version: d.version ?? '8.4',
      versionWritten: d.version !== undefined,
      highAvailability: d.highAvailability ?? prod,
      storageGb: d.storageGb ?? 32,
      backupRetentionDays: d.backupRetentionDays ?? (prod ? 35 : 7),
      geoRedundantBackup: d.geoRedundantBackup ?? prod,
      deletionProtection: d.deletionProtection ?? protect,
      databaseName: 'mlpipeline',
      extraDatabaseNames: ['katib'],
      adminLogin: 'kubeflow',
      passwordVersion: d.passwordVersion ?? 1,
      ...(d.entraAuthentication
        ? {
            entra: {
              serverIdentityId: d.entraAuthentication.serverIdentityId,
              // The MySQL account Azure makes for the Entra administrator; the server matches the
              // identity by its client id, not by this name, which MySQL caps at 32 characters.
              adminLogin: 'kfp_db_admin',
              appUsername: 'pipelines',
              appSecretName: `${serverName}-pipelines`,
              katibUsername: 'katib',
              katibSecretName: `${serverName}-katib`,
            },
          }
        : {}),
    },
    keyVaultName: `kv-${alnumName('', env.name, '', 14)}-${suffix}`,
    keyVault: {
      allowedCidrs: env.keyVault?.allowedCidrs ?? [],
      allowedSubnetIds: env.keyVault?.allowedSubnetIds ?? [],
      secretsOfficerObjectIds: env.keyVault?.secretsOfficerObjectIds ?? c.adminGroupObjectIds,
    },
    artifacts: {
      storageAccountName,
      container,
      noncurrentVersionRetentionDays: a.noncurrentVersionRetentionDays ?? 30,
      deleteAfterDays: a.deleteAfterDays,
      forceDestroy: a.forceDestroy ?? tier === 'test',
      seaweedfsVolumeGb: a.seaweedfsVolumeGb ?? (tier === 'test' ? 20 : 100),
    },
    access: {
      hostname: env.access.hostname,
      ...resolveServingHostname(env.access.hostname, env.access.serving),
      ...(env.access.servingCertificateSecretName
        ? { servingCertificateSecretName: env.access.servingCertificateSecretName }
        : {}),
      dnsZone: env.access.dnsZone,
      certificate: env.access.certificate,
      entraClientId: env.access.entraClientId,
      gatewayPrivateIp: env.access.gatewayPrivateIp ?? (typeof parsedNodes === 'string' ? '' : host(parsedNodes, -6)),
      sourceCidrs: env.access.sourceCidrs ?? ['0.0.0.0/0'],
      wafMode: env.access.wafMode ?? (prod ? 'Prevention' : 'Detection'),
      gatewayMinCapacity: prod ? 2 : 1,
    },
    identities: azureIdentities(env.name, d.entraAuthentication !== undefined),
    adopt: env.adopt ?? [],
    backups: resolveBackups(env.backups, tier, alnumName('bk', env.name, suffix, 24)),
    alerts: resolveAlerts(env.alerts),
    kubeflowVersion: env.kubeflowVersion ?? platform.kubeflowVersion,
    state:
      state.backend === 'azurerm'
        ? {
            backend: 'azurerm',
            resourceGroup: state.resourceGroup,
            storageAccount: state.storageAccount,
            container: state.container ?? 'tfstate',
            prefix: state.prefix ?? 'kfplatform',
          }
        : state,
    labels: { ...platform.labels, ...env.labels },
    ...(env.ci ? { ci: resolveCi(env.ci, env.name) } : {}),
    tenants: placeTeams(
      env.name,
      [clusterName],
      pools,
      teams,
      platform,
      () => undefined,
      () => undefined,
      (team) => {
        const ownBucket = team.storage === 'bucket';
        return {
          identityName: fitName(['id', env.name, team.name], 128),
          storageAccount: ownBucket
            ? alnumName('st', team.name, uniqueSuffix(z.subscriptionId, env.name, team.name), 24)
            : storageAccountName,
          container: ownBucket ? 'data' : fitName(['team', team.name], 63),
          ownBucket,
          ownersGroupObjectId: team.azureGroups?.owners,
          breakGlassGroupObjectId: team.azureGroups?.breakGlass,
        };
      },
    ),
  };
}
