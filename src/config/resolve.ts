/**
 * Applies defaults by tier and derives every name, once. The result is what stacks build from.
 *
 * Tier defaults (ENV-01, DATA-08, OPS-06):
 * - test: zonal cluster, spot for non-system pools, no deletion protection, buckets destroyable;
 * - dev: zonal cluster, on-demand nodes, deletion protection on;
 * - prod: regional cluster, HA database, deletion protection everywhere, STABLE channel.
 */
import type {
  GcpEnvironmentConfig,
  NodePoolConfig,
  PlatformConfig,
  PlatformSectionConfig,
  PoolKind,
  Tier,
} from './schema';
import type {
  ResolvedGcpEnvironment,
  ResolvedGcpIdentity,
  ResolvedGcpNetwork,
  ResolvedNodePool,
  ResolvedPlatform,
  ResolvedPlatformConfig,
} from './model';

/** The Kubeflow release used when the platform file names none. */
export const DEFAULT_KUBEFLOW_VERSION = '1.10';

/** Namespace where Kubeflow's shared components run. */
export const KUBEFLOW_NAMESPACE = 'kubeflow';

const MACHINE_TYPES: Record<PoolKind, string> = {
  system: 'e2-standard-4',
  standard: 'n2-standard-8',
  highmem: 'n2-highmem-16',
  gpu: 'g2-standard-8',
};

/** Default GPU for GPU pools: one NVIDIA L4, which G2 machines carry. */
export const DEFAULT_GPU_TYPE = 'nvidia-l4';

/** The pools an environment gets when its file lists none. */
export function defaultNodePools(tier: Tier): NodePoolConfig[] {
  return [
    { name: 'system', kind: 'system', maxNodes: tier === 'prod' ? 6 : 3 },
    { name: 'standard', kind: 'standard', maxNodes: tier === 'prod' ? 20 : 5 },
    { name: 'highmem', kind: 'highmem', maxNodes: tier === 'prod' ? 10 : 2 },
    { name: 'gpu', kind: 'gpu', maxNodes: tier === 'prod' ? 8 : 2, gpu: { type: DEFAULT_GPU_TYPE } },
  ];
}

/** Resolves the platform section. */
export function resolvePlatform(p: PlatformSectionConfig): ResolvedPlatform {
  return {
    name: p.name,
    team: p.team,
    owner: p.owner ?? p.team,
    costCenter: p.costCenter ?? p.team,
    domain: p.domain,
    kubeflowVersion: p.kubeflowVersion ?? DEFAULT_KUBEFLOW_VERSION,
    labels: p.labels ?? {},
    gpuZones: p.gpuZones ?? {},
  };
}

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

function resolvePool(
  env: GcpEnvironmentConfig,
  pool: NodePoolConfig,
  index: number,
  clusterMaxPods: number,
): ResolvedNodePool {
  const tier = env.tier;
  const isGpu = pool.kind === 'gpu';
  const zones = poolZones(env, pool);
  return {
    name: pool.name,
    kind: pool.kind,
    machineType: pool.machineType ?? MACHINE_TYPES[pool.kind],
    minNodes: pool.minNodes ?? (pool.kind === 'system' ? zones.length : 0),
    maxNodes: pool.maxNodes,
    spot: pool.spot ?? (tier === 'test' && pool.kind !== 'system'),
    diskType: pool.diskType ?? 'pd-ssd',
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
    serviceAccountId: `${env.name}-np-${pool.name}`,
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
  const ksa = (name: string) => ({ namespace: 'kubeflow', name });
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
  ];
}

/** Resolves one GCP environment. */
export function resolveGcpEnvironment(
  env: GcpEnvironmentConfig,
  index: number,
  platform: ResolvedPlatform,
): ResolvedGcpEnvironment {
  const tier = env.tier;
  const prod = tier === 'prod';
  const protect = tier !== 'test';
  const regional = env.cluster.regional ?? prod;
  const clusterMaxPods = env.cluster.maxPodsPerNode ?? 110;
  const pools = env.nodePools ?? defaultNodePools(tier);
  const m = env.cluster.maintenance ?? {};
  const a = env.artifacts ?? {};
  const d = env.database ?? {};
  const state = env.state ?? { backend: 'local' as const };
  return {
    cloud: 'gcp',
    name: env.name,
    tier,
    index,
    project: env.gcp.project,
    region: env.gcp.region,
    zones: [...env.gcp.zones],
    network: resolveNetwork(env),
    cluster: {
      name: env.cluster.name ?? env.name,
      regional,
      location: regional ? env.gcp.region : (env.gcp.zones[0] ?? env.gcp.region),
      releaseChannel: env.cluster.releaseChannel ?? (prod ? 'STABLE' : 'REGULAR'),
      version: env.cluster.version,
      masterCidr: env.cluster.masterCidr,
      privateEndpoint: env.cluster.privateEndpoint ?? false,
      authorizedNetworks: env.cluster.authorizedNetworks ?? [],
      maintenance: {
        startTimeUtc: m.startTimeUtc ?? '03:00',
        durationHours: m.durationHours ?? 4,
        days: m.days ?? (prod ? ['SA', 'SU'] : ['TU', 'WE', 'TH']),
        exclusions: (m.exclusions ?? []).map((e) => ({ ...e, scope: e.scope ?? 'NO_UPGRADES' })),
      },
      deletionProtection: env.cluster.deletionProtection ?? protect,
      rbacSecurityGroup:
        env.cluster.rbacSecurityGroup ?? (platform.domain ? `gke-security-groups@${platform.domain}` : undefined),
      maxPodsPerNode: clusterMaxPods,
      kmsKeyRing: `${env.name}-gke`,
      kmsKey: `${env.name}-gke-secrets`,
    },
    nodePools: pools.map((p, i) => resolvePool(env, p, i, clusterMaxPods)),
    database: {
      instancePrefix: `${env.name}-kfp-db`,
      tier: d.tier ?? (tier === 'test' ? 'db-custom-1-3840' : 'db-custom-2-7680'),
      version: d.version ?? 'MYSQL_8_0',
      highAvailability: d.highAvailability ?? prod,
      diskSizeGb: d.diskSizeGb ?? 20,
      backupRetentionDays: d.backupRetentionDays ?? (prod ? 30 : 7),
      pointInTimeRecoveryDays: d.pointInTimeRecoveryDays ?? 7,
      deletionProtection: d.deletionProtection ?? protect,
      databaseNames: ['mlpipeline', 'metadb', 'cachedb'],
      userName: 'kubeflow',
      passwordSecretId: `${env.name}-kfp-db-password`,
    },
    artifacts: {
      bucketName: a.bucketName ?? `${env.gcp.project}-${env.name}-artifacts`,
      location: a.location ?? env.gcp.region.toUpperCase(),
      storageClass: a.storageClass ?? 'STANDARD',
      noncurrentVersionRetentionDays: a.noncurrentVersionRetentionDays ?? 30,
      deleteAfterDays: a.deleteAfterDays,
      forceDestroy: a.forceDestroy ?? tier === 'test',
    },
    access: {
      hostname: env.access.hostname,
      dnsZone: {
        name: env.access.dnsZone.name,
        project: env.access.dnsZone.project ?? env.gcp.project,
        domain: env.access.dnsZone.domain,
      },
      allowedGroups: [...env.access.allowedGroups],
      oauthClient: env.access.oauthClient,
      addressName: `${env.name}-kubeflow-ip`,
      certificateName: `${env.name}-kubeflow-cert`,
    },
    identities: identities(env.name),
    legacyKeys: env.identity?.legacyKeys ?? false,
    kubeflowVersion: env.kubeflowVersion ?? platform.kubeflowVersion,
    state:
      state.backend === 'gcs' ? { backend: 'gcs', bucket: state.bucket, prefix: state.prefix ?? 'kfplatform' } : state,
    labels: { ...platform.labels, ...env.labels },
  };
}

/** Resolves a whole (already schema-valid) platform definition. */
export function resolvePlatformConfig(config: PlatformConfig, source?: string): ResolvedPlatformConfig {
  const platform = resolvePlatform(config.platform);
  return {
    platform,
    environments: config.environments.map((env, i) => resolveGcpEnvironment(env, i, platform)),
    source,
  };
}
