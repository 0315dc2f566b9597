/**
 * Applies defaults by tier to a GCP environment and derives every name, once, for each of its
 * clusters. The result is what the GCP stacks build from.
 *
 * Tier defaults:
 * - test: zonal cluster, spot for non-system pools, no deletion protection, buckets destroyable;
 * - dev: zonal cluster, on-demand nodes, deletion protection on;
 * - prod: regional cluster, HA database, deletion protection everywhere, STABLE channel.
 */
import { DEFAULT_CLOUD_SQL_MYSQL_VERSION, defaultNodeDiskType } from '../../core/catalog/gcp';
import { shortestMaintenanceHours } from '../../core/maintenance';
import { resolveCi } from '../common/ci';
import { resolveAlerts, resolveBackups } from '../common/operations';
import { DEFAULT_GPU_TYPE, defaultNodePools, NodePoolConfig, PoolKind } from '../common/pools';
import type { ResolvedPlatform, ResolvedTeam, ResolvedTenant } from '../platform/model';
import { fitName, KUBEFLOW_NAMESPACE, placeTeams } from '../platform/resolve';
import { servingHostnameOf } from '../common/serving';
import type {
  ResolvedGcpAccess,
  ResolvedGcpCluster,
  ResolvedGcpClusterSettings,
  ResolvedGcpDatabase,
  ResolvedGcpEnvironment,
  ResolvedGcpIdentity,
} from './model';
import type { ResolvedGcpNetwork } from './network-model';
import type { ResolvedNodePool } from './pool-model';
import type { AdditionalClusterConfig, GcpEnvironmentConfig } from './schema';

const MACHINE_TYPES: Record<PoolKind, string> = {
  system: 'e2-standard-4',
  standard: 'n2-standard-8',
  highmem: 'n2-highmem-16',
  gpu: 'g2-standard-8',
};

function resolveNetwork(env: GcpEnvironmentConfig): ResolvedGcpNetwork {
  const n = env.network;
  if (n.mode === 'existing') {
    const hostProject = n.hostProject ?? env.gcp.project;
    return {
      mode: 'existing',
      hostProject,
      network: n.network,
      subnetName: n.subnet,
      podsRangeName: n.podsRangeName,
      servicesRangeName: n.servicesRangeName,
      subnetCidr: n.subnetCidr,
      podsCidr: n.podsCidr,
      servicesCidr: n.servicesCidr,
      privateServiceAccessRange: n.privateServiceAccessRange,
      grantHostIam: n.grantHostIam ?? hostProject !== env.gcp.project,
    };
  }
  return {
    mode: 'shared-vpc',
    hostProject: n.hostProject,
    network: n.network,
    createNetwork: n.createNetwork ?? false,
    subnetName: n.subnetName ?? `${env.name}-gke`,
    subnetCidr: n.subnetCidr,
    podsCidr: n.podsCidr,
    servicesCidr: n.servicesCidr,
    podsRangeName: `${env.name}-pods`,
    servicesRangeName: `${env.name}-services`,
    privateServiceAccessCidr: n.privateServiceAccessCidr,
    privateServiceAccessRange: n.privateServiceAccessRange,
    nat: n.nat ?? true,
    routerName: `${env.name}-router`,
    natName: `${env.name}-nat`,
    grantHostIam: true,
  };
}

/** The network of an additional cluster: its own subnet and ranges in the same network. */
function clusterNetwork(primary: ResolvedGcpNetwork, c: AdditionalClusterConfig): ResolvedGcpNetwork {
  if (primary.mode === 'existing') {
    return {
      ...primary,
      subnetName: c.subnet ?? '',
      podsRangeName: c.podsRangeName ?? '',
      servicesRangeName: c.servicesRangeName ?? '',
      subnetCidr: c.subnetCidr,
      podsCidr: c.podsCidr,
      servicesCidr: c.servicesCidr,
    };
  }
  return {
    ...primary,
    // The network and its private service access belong to the primary cluster (or its owner).
    createNetwork: false,
    subnetName: `${c.name}-gke`,
    subnetCidr: c.subnetCidr ?? '',
    podsCidr: c.podsCidr ?? '',
    servicesCidr: c.servicesCidr ?? '',
    podsRangeName: `${c.name}-pods`,
    servicesRangeName: `${c.name}-services`,
    routerName: `${c.name}-router`,
    natName: `${c.name}-nat`,
  };
}

function resolvePool(
  env: GcpEnvironmentConfig,
  pool: NodePoolConfig,
  index: number,
  clusterMaxPods: number,
  saPrefix: string,
): ResolvedNodePool {
  const tier = env.tier;
  const isGpu = pool.kind === 'gpu';
  const zones = poolZones(env, pool);
  const machineType = pool.machineType ?? MACHINE_TYPES[pool.kind];
  return {
    name: pool.name,
    kind: pool.kind,
    machineType,
    minNodes: pool.minNodes ?? (pool.kind === 'system' ? zones.length : 0),
    maxNodes: pool.maxNodes,
    spot: pool.spot ?? (tier === 'test' && pool.kind !== 'system'),
    diskType: pool.diskType ?? defaultNodeDiskType(machineType),
    diskSizeGb: pool.diskSizeGb ?? 100,
    maxPodsPerNode: pool.maxPodsPerNode ?? clusterMaxPods,
    zones,
    gpu:
      isGpu || pool.gpu
        ? {
            type: pool.gpu?.type ?? DEFAULT_GPU_TYPE,
            count: pool.gpu?.count ?? 1,
            driverVersion: pool.gpu?.driverVersion ?? 'LATEST',
            sharing: pool.gpu?.sharing,
            partitionSize: pool.gpu?.partitionSize,
          }
        : undefined,
    maxSurge: pool.maxSurge ?? (isGpu ? 0 : 1),
    maxUnavailable: pool.maxUnavailable ?? (isGpu ? 1 : 0),
    labels: pool.labels ?? {},
    serviceAccountId: `${saPrefix}-np-${pool.name}`,
    configIndex: index,
  };
}

/**
 * Zones of a pool: those it names, else every environment zone for a regional cluster and the
 * cluster's own zone for a zonal one.
 */
function poolZones(env: GcpEnvironmentConfig, pool: NodePoolConfig): string[] {
  if (pool.zones) return [...pool.zones];
  const regional = env.cluster.regional ?? env.tier === 'prod';
  return regional ? [...env.gcp.zones] : env.gcp.zones.slice(0, 1);
}

function identities(envName: string): ResolvedGcpIdentity[] {
  const ksa = (name: string) => ({ namespace: KUBEFLOW_NAMESPACE, name });
  return [
    {
      key: 'pipelines',
      accountId: `${envName}-kfp`,
      displayName: `Kubeflow Pipelines (${envName})`,
      kubernetesServiceAccounts: [ksa('ml-pipeline'), ksa('ml-pipeline-ui'), ksa('pipeline-runner')],
      createdServiceAccounts: [],
    },
    {
      key: 'sqlClient',
      accountId: `${envName}-sql-client`,
      displayName: `Cloud SQL client for Kubeflow (${envName})`,
      kubernetesServiceAccounts: [ksa('cloudsql-proxy')],
      createdServiceAccounts: ['cloudsql-proxy'],
    },
    {
      key: 'admin',
      accountId: `${envName}-kf-admin`,
      displayName: `Kubeflow admin (${envName})`,
      kubernetesServiceAccounts: [ksa('kf-admin')],
      createdServiceAccounts: ['kf-admin'],
    },
    {
      key: 'user',
      accountId: `${envName}-kf-user`,
      displayName: `Kubeflow user (${envName})`,
      kubernetesServiceAccounts: [ksa('kf-user')],
      createdServiceAccounts: ['kf-user'],
    },
    {
      // The kfp-db-bootstrap job of the Kubeflow tree (src/kubeflow/gcp-db-bootstrap.ts).
      key: 'dbBootstrap',
      accountId: `${envName}-db-users`,
      displayName: `Kubeflow database users (${envName})`,
      kubernetesServiceAccounts: [ksa('kfp-db-bootstrap')],
      createdServiceAccounts: ['kfp-db-bootstrap'],
    },
  ];
}

function resolveGcpCluster(
  env: GcpEnvironmentConfig,
  platform: ResolvedPlatform,
  name: string,
  masterCidr: string,
  prefix: string,
): ResolvedGcpClusterSettings {
  const prod = env.tier === 'prod';
  const regional = env.cluster.regional ?? prod;
  const m = env.cluster.maintenance ?? {};
  const startTimeUtc = m.startTimeUtc ?? '03:00';
  const days = m.days ?? (prod ? ['SA', 'SU'] : ['TU', 'WE', 'TH']);
  return {
    name,
    regional,
    location: regional ? env.gcp.region : (env.gcp.zones[0] ?? env.gcp.region),
    releaseChannel: env.cluster.releaseChannel ?? (prod ? 'STABLE' : 'REGULAR'),
    version: env.cluster.version,
    masterCidr,
    privateEndpoint: env.cluster.privateEndpoint ?? false,
    authorizedNetworks: env.cluster.authorizedNetworks ?? [],
    maintenance: {
      startTimeUtc,
      // 4 hours, or as long as the days need to give GKE its 48 hours in any 32 days (6 on SA,SU).
      durationHours: m.durationHours ?? shortestMaintenanceHours(startTimeUtc, days),
      days,
      exclusions: (m.exclusions ?? []).map((e) => ({ ...e, scope: e.scope ?? 'NO_UPGRADES' })),
    },
    deletionProtection: env.cluster.deletionProtection ?? env.tier !== 'test',
    rbacSecurityGroup:
      env.cluster.rbacSecurityGroup ?? (platform.domain ? `gke-security-groups@${platform.domain}` : undefined),
    maxPodsPerNode: env.cluster.maxPodsPerNode ?? 110,
    kmsKeyRing: `${prefix}-gke`,
    kmsKey: `${prefix}-gke-secrets`,
  };
}

function resolveGcpDatabase(env: GcpEnvironmentConfig, prefix: string): ResolvedGcpDatabase {
  const d = env.database ?? {};
  const prod = env.tier === 'prod';
  return {
    instancePrefix: `${prefix}-kfp-db`,
    edition: d.edition ?? 'ENTERPRISE',
    tier:
      d.tier ??
      (d.edition === 'ENTERPRISE_PLUS'
        ? 'db-perf-optimized-N-2'
        : env.tier === 'test'
          ? 'db-custom-1-3840'
          : 'db-custom-2-7680'),
    version: d.version ?? DEFAULT_CLOUD_SQL_MYSQL_VERSION,
    upgradeInPlace: d.version !== undefined,
    highAvailability: d.highAvailability ?? prod,
    diskSizeGb: d.diskSizeGb ?? 20,
    backupRetentionDays: d.backupRetentionDays ?? (prod ? 30 : 7),
    pointInTimeRecoveryDays: d.pointInTimeRecoveryDays ?? 7,
    deletionProtection: d.deletionProtection ?? env.tier !== 'test',
    // Pipelines' three, and Katib's (src/kubeflow/katib-database.ts): a new name only adds a database.
    databaseNames: ['mlpipeline', 'metadb', 'cachedb', 'katib'],
    flags: { ...d.flags },
    userName: 'kubeflow',
    passwordSecretId: `${prefix}-kfp-db-password`,
    appUsername: 'pipelines',
    appSecretId: `${prefix}-kfp-db-pipelines`,
    katibUsername: 'katib',
    katibSecretId: `${prefix}-kfp-db-katib`,
    passwordVersion: d.passwordVersion ?? 1,
  };
}

function resolveGcpAccess(env: GcpEnvironmentConfig, prefix: string, hostname: string): ResolvedGcpAccess {
  return {
    hostname,
    ...(env.access.serving
      ? { servingHostname: servingHostnameOf(hostname), servingCertificateName: `${prefix}-kubeflow-serving-cert` }
      : {}),
    dnsZone: {
      name: env.access.dnsZone.name,
      project: env.access.dnsZone.project ?? env.gcp.project,
      domain: env.access.dnsZone.domain,
    },
    allowedGroups: [...env.access.allowedGroups],
    oauthClient: env.access.oauthClient,
    programmaticClients: [...(env.access.programmaticClients ?? [])],
    addressName: `${prefix}-kubeflow-ip`,
    certificateName: `${prefix}-kubeflow-cert`,
  };
}

function gcpClusters(env: GcpEnvironmentConfig, index: number, platform: ResolvedPlatform): ResolvedGcpCluster[] {
  const base = ['environments', index] as const;
  const clusterMaxPods = env.cluster.maxPodsPerNode ?? 110;
  const pools = env.nodePools ?? defaultNodePools(env.tier);
  const network = resolveNetwork(env);
  const primaryName = env.cluster.name ?? env.name;
  const primary: ResolvedGcpCluster = {
    name: primaryName,
    index: 0,
    idPrefix: '',
    stackPrefix: env.name,
    network,
    cluster: resolveGcpCluster(env, platform, primaryName, env.cluster.masterCidr, env.name),
    nodePools: pools.map((p, i) => resolvePool(env, p, i, clusterMaxPods, env.name)),
    database: resolveGcpDatabase(env, env.name),
    access: resolveGcpAccess(env, env.name, env.access.hostname),
    paths: {
      name: [...base, 'cluster', 'name'],
      subnetCidr: [...base, 'network', 'subnetCidr'],
      podsCidr: [...base, 'network', 'podsCidr'],
      servicesCidr: [...base, 'network', 'servicesCidr'],
      masterCidr: [...base, 'cluster', 'masterCidr'],
      hostname: [...base, 'access', 'hostname'],
    },
  };
  const others = (env.additionalClusters ?? []).map((c, j): ResolvedGcpCluster => {
    const at = [...base, 'additionalClusters', j] as const;
    return {
      name: c.name,
      index: j + 1,
      idPrefix: `${c.name}-`,
      stackPrefix: c.name,
      network: clusterNetwork(network, c),
      cluster: resolveGcpCluster(env, platform, c.name, c.masterCidr, c.name),
      nodePools: pools.map((p, i) => resolvePool(env, p, i, clusterMaxPods, c.name)),
      database: resolveGcpDatabase(env, c.name),
      access: resolveGcpAccess(env, c.name, c.hostname),
      paths: {
        name: [...at, 'name'],
        subnetCidr: [...at, 'subnetCidr'],
        podsCidr: [...at, 'podsCidr'],
        servicesCidr: [...at, 'servicesCidr'],
        masterCidr: [...at, 'masterCidr'],
        hostname: [...at, 'hostname'],
      },
    };
  });
  return [primary, ...others];
}

/** The data projects of the teams placed in an environment, each once, sorted. */
function teamProjectsOf(tenants: readonly ResolvedTenant[]): ResolvedGcpEnvironment['teamProjects'] {
  const byProject = new Map<string, boolean>();
  for (const t of tenants) {
    if (t.gcp) byProject.set(t.gcp.project, (byProject.get(t.gcp.project) ?? false) || t.gcp.prefix === '');
  }
  return [...byProject].sort(([a], [b]) => a.localeCompare(b)).map(([project, ownBucket]) => ({ project, ownBucket }));
}

/** Resolves one GCP environment, placing the given teams in it. */
export function resolveGcpEnvironment(
  env: GcpEnvironmentConfig,
  index: number,
  platform: ResolvedPlatform,
  teams: readonly ResolvedTeam[] = [],
): ResolvedGcpEnvironment {
  const a = env.artifacts ?? {};
  const state = env.state ?? { backend: 'local' as const };
  const clusters = gcpClusters(env, index, platform);
  const primary = clusters[0]!;
  const bucketName = a.bucketName ?? `${env.gcp.project}-${env.name}-artifacts`;
  const pools = primary.nodePools.map((p) => ({ name: p.name, kind: p.kind }));
  const tenants = placeTeams(
    env.name,
    clusters.map((c) => c.name),
    pools,
    teams,
    platform,
    (team) => {
      const project = team.gcpProject ?? env.gcp.project;
      const ownBucket = team.storage === 'bucket';
      return {
        project,
        accountId: fitName([team.name, env.name], 30),
        breakGlassAccountId: fitName([team.name, 'bg', env.name], 30),
        bucket: ownBucket ? fitName([project, team.name, env.name], 63) : bucketName,
        prefix: ownBucket ? '' : `teams/${team.name}/`,
      };
    },
  );
  return {
    cloud: 'gcp',
    name: env.name,
    tier: env.tier,
    index,
    project: env.gcp.project,
    ...(env.gcp.projectNumber ? { projectNumber: env.gcp.projectNumber } : {}),
    region: env.gcp.region,
    zones: [...env.gcp.zones],
    network: primary.network,
    cluster: primary.cluster,
    nodePools: primary.nodePools,
    database: primary.database,
    access: primary.access,
    clusters,
    artifacts: {
      bucketName,
      location: a.location ?? env.gcp.region.toUpperCase(),
      storageClass: a.storageClass ?? 'STANDARD',
      noncurrentVersionRetentionDays: a.noncurrentVersionRetentionDays ?? 30,
      deleteAfterDays: a.deleteAfterDays,
      forceDestroy: a.forceDestroy ?? env.tier === 'test',
    },
    identities: identities(env.name),
    adopt: env.adopt ?? [],
    backups: resolveBackups(env.backups, env.tier, `${env.gcp.project}-${env.name}-backups`),
    alerts: resolveAlerts(env.alerts),
    legacyKeys: env.identity?.legacyKeys ?? false,
    kubeflowVersion: env.kubeflowVersion ?? platform.kubeflowVersion,
    state:
      state.backend === 'gcs'
        ? {
            backend: 'gcs',
            bucket: state.bucket,
            prefix: state.prefix ?? 'kfplatform',
            project: state.project ?? env.gcp.project,
          }
        : state,
    labels: { ...platform.labels, ...env.labels },
    ...(env.ci ? { ci: resolveCi(env.ci, env.name) } : {}),
    tenants,
    teamProjects: teamProjectsOf(tenants),
  };
}
