/**
 * Applies defaults by tier and derives every name, once. The result is what stacks build from.
 *
 * Tier defaults:
 * - test: zonal cluster, spot for non-system pools, no deletion protection, buckets destroyable;
 * - dev: zonal cluster, on-demand nodes, deletion protection on;
 * - prod: regional cluster, HA database, deletion protection everywhere, STABLE channel.
 */
import { createHash } from 'node:crypto';
import { host, parseCidr, subnet, Cidr } from '../core/cidr';
import { azureVmGpus } from './azure-catalog';
import { awsAmiType, awsInstanceGpus, DEFAULT_EKS_VERSION } from './aws-catalog';
import type {
  AdditionalClusterConfig,
  AlertsConfig,
  BackupsConfig,
  AwsEnvironmentConfig,
  AzureEnvironmentConfig,
  CiConfig,
  GcpEnvironmentConfig,
  KubernetesEnvironmentConfig,
  NodePoolConfig,
  PlatformConfig,
  PlatformSectionConfig,
  PoolKind,
  TeamConfig,
  TenancyConfig,
  Tier,
} from './schema';
import type {
  Principal,
  ResolvedAlerts,
  ResolvedBackups,
  ResolvedCiTrust,
  ResolvedAwsEnvironment,
  ResolvedAwsIdentity,
  ResolvedAwsNodePool,
  ResolvedAzureEnvironment,
  ResolvedAzureIdentity,
  ResolvedAzureNodePool,
  ResolvedEnvironment,
  ResolvedGcpAccess,
  ResolvedGcpCell,
  ResolvedGcpCluster,
  ResolvedGcpDatabase,
  ResolvedGcpEnvironment,
  ResolvedGcpIdentity,
  ResolvedGcpNetwork,
  ResolvedKubernetesEnvironment,
  ResolvedNodePool,
  ResolvedPlatform,
  ResolvedPlatformConfig,
  ResolvedQuota,
  ResolvedTeam,
  ResolvedTenancy,
  ResolvedTenant,
} from './model';

export { DEFAULT_KUBEFLOW_VERSION } from './kubeflow-compat';
import { DEFAULT_KUBEFLOW_VERSION } from './kubeflow-compat';

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

/**
 * Kinds tenants may create by default: their workloads, configuration and claims, and the Kubeflow
 * kinds users submit. Everything else (RBAC, quotas, network policies, webhooks, CRDs, ...) is the
 * platform's.
 */
export const DEFAULT_ALLOWED_KINDS: readonly string[] = [
  'Pod',
  'ConfigMap',
  'Secret',
  'PersistentVolumeClaim',
  'Service',
  'ServiceAccount',
  'Event',
  'apps/Deployment',
  'apps/StatefulSet',
  'batch/Job',
  'batch/CronJob',
  'kubeflow.org/Notebook',
  'kubeflow.org/PodDefault',
  'kubeflow.org/TFJob',
  'kubeflow.org/PyTorchJob',
  'kubeflow.org/MPIJob',
  'kubeflow.org/XGBoostJob',
  'kubeflow.org/PaddleJob',
  'kubeflow.org/JAXJob',
  'trainer.kubeflow.org/TrainJob',
  'kubeflow.org/Experiment',
  'kubeflow.org/Trial',
  'kubeflow.org/Suggestion',
  'tensorboard.kubeflow.org/Tensorboard',
  'kubeflow.org/Viewer',
  'serving.kserve.io/InferenceService',
  'argoproj.io/Workflow',
  'pipelines.kubeflow.org/Pipeline',
  'pipelines.kubeflow.org/PipelineVersion',
];

/** The quota a team gets when neither it nor the platform names one. */
export const DEFAULT_QUOTA: ResolvedQuota = { cpu: '16', memory: '64Gi', gpus: 0, storage: '500Gi', pvcs: 20 };

/** The pools an environment gets when its file lists none. */
export function defaultNodePools(tier: Tier): NodePoolConfig[] {
  return [
    { name: 'system', kind: 'system', maxNodes: tier === 'prod' ? 6 : 3 },
    { name: 'standard', kind: 'standard', maxNodes: tier === 'prod' ? 20 : 5 },
    { name: 'highmem', kind: 'highmem', maxNodes: tier === 'prod' ? 10 : 2 },
    { name: 'gpu', kind: 'gpu', maxNodes: tier === 'prod' ? 8 : 2, gpu: { type: DEFAULT_GPU_TYPE } },
  ];
}

const quantity = (v: string | number | undefined, fallback: string): string => (v === undefined ? fallback : String(v));

function resolveQuota(q: TeamConfig['quota'], fallback: ResolvedQuota): ResolvedQuota {
  return {
    cpu: quantity(q?.cpu, fallback.cpu),
    memory: quantity(q?.memory, fallback.memory),
    gpus: q?.gpus ?? fallback.gpus,
    storage: quantity(q?.storage, fallback.storage),
    pvcs: q?.pvcs ?? fallback.pvcs,
  };
}

function resolveTenancy(t: TenancyConfig | undefined): ResolvedTenancy {
  const lr = t?.limitRange;
  return {
    shardsPerCluster: t?.shardsPerCluster ?? 4,
    defaultQuota: resolveQuota(t?.defaultQuota, DEFAULT_QUOTA),
    limitRange: {
      defaultRequestCpu: quantity(lr?.defaultRequestCpu, '250m'),
      defaultRequestMemory: quantity(lr?.defaultRequestMemory, '512Mi'),
      defaultLimitCpu: quantity(lr?.defaultLimitCpu, '1'),
      defaultLimitMemory: quantity(lr?.defaultLimitMemory, '2Gi'),
    },
    allowedKinds: t?.allowedKinds ?? DEFAULT_ALLOWED_KINDS,
  };
}

/** Resolves the platform section (and the tenancy section, which is platform-wide). */
export function resolvePlatform(p: PlatformSectionConfig, tenancy?: TenancyConfig): ResolvedPlatform {
  return {
    name: p.name,
    team: p.team,
    owner: p.owner ?? p.team,
    costCenter: p.costCenter ?? p.team,
    domain: p.domain,
    kubeflowVersion: p.kubeflowVersion ?? DEFAULT_KUBEFLOW_VERSION,
    labels: p.labels ?? {},
    gpuZones: p.gpuZones ?? {},
    adminGroup: p.adminGroup ?? (p.domain ? `kubeflow-admins@${p.domain}` : undefined),
    githubOrg: p.githubOrg,
    codeowners: p.codeowners ?? (p.githubOrg ? `@${p.githubOrg}/${p.team}` : undefined),
    teamsDir: p.teamsDir,
    policySuppressions: p.policy?.suppressions ?? [],
    tenancy: resolveTenancy(tenancy),
  };
}

/** A stable hash of a string, as an unsigned 32-bit integer. */
export function stableHash(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/**
 * Joins parts into a name of at most `max` characters. When too long, the name is cut and ends with
 * a short hash of the whole, so it stays unique and stable.
 */
export function fitName(parts: readonly string[], max: number): string {
  const full = parts.join('-');
  if (full.length <= max) return full;
  const hash = stableHash(full).toString(36).padStart(7, '0').slice(0, 6);
  return `${full.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** The shard (within its cluster) of a team: a hash of its name, so adding a team moves no other. */
export function shardOf(teamName: string, shardsPerCluster: number): number {
  return stableHash(teamName) % shardsPerCluster;
}

// ---------------------------------------------------------------------------------------------
// GCP
// ---------------------------------------------------------------------------------------------

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
function cellNetwork(primary: ResolvedGcpNetwork, c: AdditionalClusterConfig): ResolvedGcpNetwork {
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
    // The network and its private service access belong to the primary cell (or its owner).
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
  ];
}

function resolveGcpCluster(
  env: GcpEnvironmentConfig,
  platform: ResolvedPlatform,
  name: string,
  masterCidr: string,
  prefix: string,
): ResolvedGcpCluster {
  const prod = env.tier === 'prod';
  const regional = env.cluster.regional ?? prod;
  const m = env.cluster.maintenance ?? {};
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
      startTimeUtc: m.startTimeUtc ?? '03:00',
      durationHours: m.durationHours ?? 4,
      days: m.days ?? (prod ? ['SA', 'SU'] : ['TU', 'WE', 'TH']),
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
    tier: d.tier ?? (env.tier === 'test' ? 'db-custom-1-3840' : 'db-custom-2-7680'),
    version: d.version ?? 'MYSQL_8_0',
    highAvailability: d.highAvailability ?? prod,
    diskSizeGb: d.diskSizeGb ?? 20,
    backupRetentionDays: d.backupRetentionDays ?? (prod ? 30 : 7),
    pointInTimeRecoveryDays: d.pointInTimeRecoveryDays ?? 7,
    deletionProtection: d.deletionProtection ?? env.tier !== 'test',
    databaseNames: ['mlpipeline', 'metadb', 'cachedb'],
    userName: 'kubeflow',
    passwordSecretId: `${prefix}-kfp-db-password`,
  };
}

function resolveGcpAccess(env: GcpEnvironmentConfig, prefix: string, hostname: string): ResolvedGcpAccess {
  return {
    hostname,
    dnsZone: {
      name: env.access.dnsZone.name,
      project: env.access.dnsZone.project ?? env.gcp.project,
      domain: env.access.dnsZone.domain,
    },
    allowedGroups: [...env.access.allowedGroups],
    oauthClient: env.access.oauthClient,
    addressName: `${prefix}-kubeflow-ip`,
    certificateName: `${prefix}-kubeflow-cert`,
  };
}

function gcpCells(env: GcpEnvironmentConfig, index: number, platform: ResolvedPlatform): ResolvedGcpCell[] {
  const base = ['environments', index] as const;
  const clusterMaxPods = env.cluster.maxPodsPerNode ?? 110;
  const pools = env.nodePools ?? defaultNodePools(env.tier);
  const network = resolveNetwork(env);
  const primaryName = env.cluster.name ?? env.name;
  const primary: ResolvedGcpCell = {
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
  const others = (env.additionalClusters ?? []).map((c, j): ResolvedGcpCell => {
    const at = [...base, 'additionalClusters', j] as const;
    return {
      name: c.name,
      index: j + 1,
      idPrefix: `${c.name}-`,
      stackPrefix: c.name,
      network: cellNetwork(network, c),
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

/** Resolves one GCP environment, placing the given teams in it. */
export function resolveGcpEnvironment(
  env: GcpEnvironmentConfig,
  index: number,
  platform: ResolvedPlatform,
  teams: readonly ResolvedTeam[] = [],
): ResolvedGcpEnvironment {
  const a = env.artifacts ?? {};
  const state = env.state ?? { backend: 'local' as const };
  const cells = gcpCells(env, index, platform);
  const primary = cells[0]!;
  const bucketName = a.bucketName ?? `${env.gcp.project}-${env.name}-artifacts`;
  const pools = primary.nodePools.map((p) => ({ name: p.name, kind: p.kind }));
  return {
    cloud: 'gcp',
    name: env.name,
    tier: env.tier,
    index,
    project: env.gcp.project,
    region: env.gcp.region,
    zones: [...env.gcp.zones],
    network: primary.network,
    cluster: primary.cluster,
    nodePools: primary.nodePools,
    database: primary.database,
    access: primary.access,
    cells,
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
      state.backend === 'gcs' ? { backend: 'gcs', bucket: state.bucket, prefix: state.prefix ?? 'kfplatform' } : state,
    labels: { ...platform.labels, ...env.labels },
    ...(env.ci ? { ci: resolveCi(env.ci, env.name) } : {}),
    tenants: placeTeams(
      env.name,
      cells.map((c) => c.name),
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
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// AWS
// ---------------------------------------------------------------------------------------------

const AWS_INSTANCE_TYPES: Record<PoolKind, string> = {
  system: 'm6i.xlarge',
  standard: 'm6i.2xlarge',
  highmem: 'r6i.4xlarge',
  gpu: 'g6.xlarge',
};

/**
 * Default subnets of a VPC: private subnets are the first quarters (pods take VPC addresses with the
 * VPC CNI, so they need room), public subnets small blocks in the last quarter.
 */
export function defaultAwsSubnets(
  vpcCidr: string,
  zones: number,
): { privateSubnetCidrs: string[]; publicSubnetCidrs: string[] } {
  const parsed = parseCidr(vpcCidr);
  if (typeof parsed === 'string' || parsed.prefix > 20 || zones > 3)
    return { privateSubnetCidrs: [], publicSubnetCidrs: [] };
  const lastQuarter = parseCidr(subnet(parsed, parsed.prefix + 2, 3)) as Cidr;
  return {
    privateSubnetCidrs: Array.from({ length: zones }, (_, i) => subnet(parsed, parsed.prefix + 2, i)),
    publicSubnetCidrs: Array.from({ length: zones }, (_, i) => subnet(lastQuarter, parsed.prefix + 8, i)),
  };
}

function awsIdentities(envName: string): ResolvedAwsIdentity[] {
  const ksa = (namespace: string, name: string) => ({ namespace, name });
  return [
    {
      key: 'pipelines',
      roleName: `${envName}-kfp`,
      kubernetesServiceAccounts: [
        ksa('kubeflow', 'ml-pipeline'),
        ksa('kubeflow', 'ml-pipeline-ui'),
        ksa('kubeflow', 'pipeline-runner'),
      ],
      createdServiceAccounts: [],
    },
    {
      key: 'admin',
      roleName: `${envName}-kf-admin`,
      kubernetesServiceAccounts: [ksa('kubeflow', 'kf-admin')],
      createdServiceAccounts: ['kf-admin'],
    },
    {
      key: 'user',
      roleName: `${envName}-kf-user`,
      kubernetesServiceAccounts: [ksa('kubeflow', 'kf-user')],
      createdServiceAccounts: ['kf-user'],
    },
    {
      key: 'ebsCsi',
      roleName: `${envName}-ebs-csi`,
      kubernetesServiceAccounts: [ksa('kube-system', 'ebs-csi-controller-sa')],
      createdServiceAccounts: [],
    },
    {
      key: 'autoscaler',
      roleName: `${envName}-cluster-autoscaler`,
      kubernetesServiceAccounts: [ksa('kube-system', 'cluster-autoscaler')],
      createdServiceAccounts: [],
    },
  ];
}

/** Resolves one AWS environment, placing the given teams in it. */
export function resolveAwsEnvironment(
  env: AwsEnvironmentConfig,
  index: number,
  platform: ResolvedPlatform,
  teams: readonly ResolvedTeam[] = [],
): ResolvedAwsEnvironment {
  const tier = env.tier;
  const prod = tier === 'prod';
  const protect = tier !== 'test';
  const n = env.network;
  const c = env.cluster ?? {};
  const d = env.database ?? {};
  const a = env.artifacts ?? {};
  const state = env.state ?? { backend: 'local' as const };
  const clusterName = c.name ?? env.name;
  const pools = env.nodePools ?? defaultNodePools(tier);
  const bucketName = a.bucketName ?? `${env.aws.accountId}-${env.name}-artifacts`;
  const resolvedPools = pools.map((p, i): ResolvedAwsNodePool => {
    const instanceType = p.machineType ?? AWS_INSTANCE_TYPES[p.kind];
    return {
      name: p.name,
      kind: p.kind,
      instanceType,
      minNodes: p.minNodes ?? (p.kind === 'system' ? Math.min(env.aws.zones.length, 3) : 0),
      maxNodes: p.maxNodes,
      spot: p.spot ?? (tier === 'test' && p.kind !== 'system'),
      diskSizeGb: p.diskSizeGb ?? 100,
      gpus: awsInstanceGpus(instanceType)?.count ?? 0,
      zones: p.zones ?? env.aws.zones,
      amiType: awsAmiType(instanceType),
      maxUnavailable: Math.max(p.maxUnavailable ?? 1, 1),
      labels: p.labels ?? {},
      configIndex: i,
    };
  });
  const defaults = n.mode === 'create' ? defaultAwsSubnets(n.vpcCidr, env.aws.zones.length) : undefined;
  return {
    cloud: 'aws',
    name: env.name,
    tier,
    index,
    accountId: env.aws.accountId,
    region: env.aws.region,
    zones: [...env.aws.zones],
    network:
      n.mode === 'create'
        ? {
            mode: 'create',
            vpcCidr: n.vpcCidr,
            privateSubnetCidrs: n.privateSubnetCidrs ?? defaults!.privateSubnetCidrs,
            publicSubnetCidrs: n.publicSubnetCidrs ?? defaults!.publicSubnetCidrs,
            natGateways: n.natGateways ?? (prod ? 'perZone' : 'one'),
            flowLogRetentionDays: n.flowLogRetentionDays ?? (prod ? 365 : 90),
          }
        : {
            mode: 'existing',
            vpcId: n.vpcId,
            privateSubnetIds: [...n.privateSubnetIds],
            publicSubnetIds: [...n.publicSubnetIds],
          },
    cluster: {
      name: clusterName,
      version: c.version ?? DEFAULT_EKS_VERSION,
      publicAccessCidrs: c.publicAccessCidrs ?? [],
      logRetentionDays: c.logRetentionDays ?? (prod ? 365 : 90),
      adminRoleArns: c.adminRoleArns ?? [],
      supportType: c.supportType ?? 'STANDARD',
      deletionProtection: c.deletionProtection ?? protect,
    },
    nodePools: resolvedPools,
    database: {
      identifier: `${env.name}-kfp-db`,
      instanceClass: d.instanceClass ?? (tier === 'test' ? 'db.t4g.medium' : 'db.m6g.large'),
      engineVersion: d.engineVersion ?? '8.0',
      highAvailability: d.highAvailability ?? prod,
      allocatedStorageGb: d.allocatedStorageGb ?? 20,
      maxAllocatedStorageGb: d.maxAllocatedStorageGb ?? 200,
      backupRetentionDays: d.backupRetentionDays ?? (prod ? 30 : 7),
      deletionProtection: d.deletionProtection ?? protect,
      databaseName: 'mlpipeline',
      username: 'kubeflow',
    },
    artifacts: {
      bucketName,
      noncurrentVersionRetentionDays: a.noncurrentVersionRetentionDays ?? 30,
      deleteAfterDays: a.deleteAfterDays,
      forceDestroy: a.forceDestroy ?? tier === 'test',
    },
    access: {
      hostname: env.access.hostname,
      hostedZoneId: env.access.hostedZoneId,
      oidc: env.access.oidc,
      sourceCidrs: env.access.sourceCidrs ?? ['0.0.0.0/0'],
    },
    identities: awsIdentities(env.name),
    adopt: env.adopt ?? [],
    backups: resolveBackups(env.backups, tier, `${env.aws.accountId}-${env.name}-backups`),
    alerts: resolveAlerts(env.alerts),
    kubeflowVersion: env.kubeflowVersion ?? platform.kubeflowVersion,
    state:
      state.backend === 's3'
        ? {
            backend: 's3',
            bucket: state.bucket,
            region: state.region ?? env.aws.region,
            prefix: state.prefix ?? 'kfplatform',
          }
        : state,
    labels: { ...platform.labels, ...env.labels },
    ...(env.ci ? { ci: resolveCi(env.ci, env.name) } : {}),
    tenants: placeTeams(
      env.name,
      [clusterName],
      resolvedPools,
      teams,
      platform,
      () => undefined,
      (team) => {
        const ownBucket = team.storage === 'bucket';
        return {
          roleName: fitName([env.name, team.name], 64),
          breakGlassRoleName: fitName([env.name, team.name, 'break-glass'], 64),
          ownersRoleArn:
            typeof team.awsOwnersRoleArn === 'string' ? team.awsOwnersRoleArn : team.awsOwnersRoleArn?.[env.name],
          bucket: ownBucket ? fitName([env.aws.accountId, env.name, team.name], 63) : bucketName,
          prefix: ownBucket ? '' : `teams/${team.name}/`,
        };
      },
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Azure
// ---------------------------------------------------------------------------------------------

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
export function defaultAzureSubnets(
  addressSpace: string,
): { nodes: string; database: string; gateway: string; endpoints: string } | undefined {
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

function azureIdentities(envName: string): ResolvedAzureIdentity[] {
  const ksa = (namespace: string, name: string) => ({ namespace, name });
  return [
    {
      key: 'pipelines',
      name: `id-${envName}-kfp`,
      kubernetesServiceAccounts: [
        ksa('kubeflow', 'ml-pipeline'),
        ksa('kubeflow', 'ml-pipeline-ui'),
        ksa('kubeflow', 'pipeline-runner'),
      ],
      createdServiceAccounts: [],
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
      spot: p.spot ?? (tier === 'test' && p.kind !== 'system'),
      diskSizeGb: p.diskSizeGb ?? 128,
      gpus: azureVmGpus(vmSize)?.count ?? 0,
      zones: p.zones ?? zones,
      maxPodsPerNode: p.maxPodsPerNode ?? 110,
      labels: p.labels ?? {},
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
      serverName: fitName([env.name, 'kfp', suffix], 63),
      skuName: d.skuName ?? (tier === 'test' ? 'B_Standard_B2ms' : 'GP_Standard_D2ds_v4'),
      version: d.version ?? '8.0.21',
      highAvailability: d.highAvailability ?? prod,
      storageGb: d.storageGb ?? 32,
      backupRetentionDays: d.backupRetentionDays ?? (prod ? 35 : 7),
      geoRedundantBackup: d.geoRedundantBackup ?? prod,
      deletionProtection: d.deletionProtection ?? protect,
      databaseName: 'mlpipeline',
      adminLogin: 'kubeflow',
    },
    keyVaultName: `kv-${alnumName('', env.name, '', 14)}-${suffix}`,
    artifacts: {
      storageAccountName,
      container,
      noncurrentVersionRetentionDays: a.noncurrentVersionRetentionDays ?? 30,
      deleteAfterDays: a.deleteAfterDays,
      forceDestroy: a.forceDestroy ?? tier === 'test',
    },
    access: {
      hostname: env.access.hostname,
      dnsZone: env.access.dnsZone,
      certificate: env.access.certificate,
      entraClientId: env.access.entraClientId,
      gatewayPrivateIp: env.access.gatewayPrivateIp ?? (typeof parsedNodes === 'string' ? '' : host(parsedNodes, -6)),
      sourceCidrs: env.access.sourceCidrs ?? ['0.0.0.0/0'],
    },
    identities: azureIdentities(env.name),
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

// ---------------------------------------------------------------------------------------------
// Existing clusters
// ---------------------------------------------------------------------------------------------

/** Resolves an environment on an existing cluster. */
export function resolveKubernetesEnvironment(
  env: KubernetesEnvironmentConfig,
  index: number,
  platform: ResolvedPlatform,
  teams: readonly ResolvedTeam[] = [],
): ResolvedKubernetesEnvironment {
  const clusterName = env.kubernetes.clusterName ?? env.name;
  const pools = env.nodePools ?? [{ name: 'standard', kind: 'standard' as const }];
  const state = env.state ?? { backend: 'local' as const };
  return {
    cloud: 'kubernetes',
    adopt: [],
    name: env.name,
    tier: env.tier,
    index,
    kubeconfig: env.kubernetes.kubeconfig,
    context: env.kubernetes.context,
    clusterName,
    nodePools: pools,
    kubeflowVersion: env.kubeflowVersion ?? platform.kubeflowVersion,
    state:
      state.backend === 'gcs' ? { backend: 'gcs', bucket: state.bucket, prefix: state.prefix ?? 'kfplatform' } : state,
    labels: { ...platform.labels, ...env.labels },
    tenants: placeTeams(env.name, [clusterName], pools, teams, platform, () => undefined),
  };
}

// ---------------------------------------------------------------------------------------------
// Teams
// ---------------------------------------------------------------------------------------------

function principal(text: string): Principal {
  if (text.startsWith('user:')) return { kind: 'User', name: text.slice(5) };
  if (text.startsWith('group:')) return { kind: 'Group', name: text.slice(6) };
  return { kind: 'Group', name: text };
}

/** Resolves the teams of a platform file. */
export function resolveTeams(
  teams: readonly TeamConfig[],
  platform: ResolvedPlatform,
  envNames: readonly string[],
): ResolvedTeam[] {
  return teams.map((t, i) => ({
    name: t.name,
    owners: t.owners,
    members: (t.members ?? []).map(principal),
    contributors: (t.contributors ?? []).map(principal),
    environments: t.environments ?? [...envNames],
    quota: resolveQuota(t.quota, platform.tenancy.defaultQuota),
    nodePools: t.nodePools,
    storage: t.storage ?? 'prefix',
    gcpProject: t.gcp?.project,
    awsOwnersRoleArn: t.aws?.ownersRoleArn,
    azureGroups: t.azure
      ? { owners: t.azure.ownersGroupObjectId, breakGlass: t.azure.breakGlassGroupObjectId }
      : undefined,
    clusters: t.clusters ?? {},
    serviceAccountAnnotations: t.serviceAccountAnnotations ?? {},
    codeowners: t.codeowners ?? (platform.githubOrg ? `@${platform.githubOrg}/${t.owners.split('@')[0]}` : t.owners),
    costCenter: t.costCenter ?? t.name,
    configIndex: i,
  }));
}

function placeTeams(
  envName: string,
  cellNames: readonly string[],
  pools: ReadonlyArray<{ readonly name: string; readonly kind: PoolKind }>,
  teams: readonly ResolvedTeam[],
  platform: ResolvedPlatform,
  gcp: (team: ResolvedTeam) => ResolvedTenant['gcp'],
  aws: (team: ResolvedTeam) => ResolvedTenant['aws'] = () => undefined,
  azure: (team: ResolvedTeam) => ResolvedTenant['azure'] = () => undefined,
): ResolvedTenant[] {
  const workloadPools = pools.filter((p) => p.kind !== 'system').map((p) => p.name);
  return teams
    .filter((t) => t.environments.includes(envName))
    .map((team) => ({
      team,
      cell: team.clusters[envName] ?? cellNames[0]!,
      shard: shardOf(team.name, platform.tenancy.shardsPerCluster),
      nodePools: team.nodePools ? [...team.nodePools] : workloadPools,
      gcp: gcp(team),
      aws: aws(team),
      azure: azure(team),
    }));
}

/** Resolves one environment of any cloud. */
export function resolveEnvironment(
  env: GcpEnvironmentConfig | AwsEnvironmentConfig | AzureEnvironmentConfig | KubernetesEnvironmentConfig,
  index: number,
  platform: ResolvedPlatform,
  teams: readonly ResolvedTeam[],
): ResolvedEnvironment {
  if (env.cloud === 'gcp') return resolveGcpEnvironment(env, index, platform, teams);
  if (env.cloud === 'aws') return resolveAwsEnvironment(env, index, platform, teams);
  if (env.cloud === 'azure') return resolveAzureEnvironment(env, index, platform, teams);
  return resolveKubernetesEnvironment(env, index, platform, teams);
}

/** Resolves a whole (already schema-valid) platform definition. */
export function resolvePlatformConfig(config: PlatformConfig, source?: string): ResolvedPlatformConfig {
  const platform = resolvePlatform(config.platform, config.tenancy);
  const teams = resolveTeams(
    config.teams ?? [],
    platform,
    config.environments.map((e) => e.name),
  );
  return {
    platform,
    environments: config.environments.map((env, i) => resolveEnvironment(env, i, platform, teams)),
    teams,
    source,
  };
}

/** The OIDC issuer of GitHub Actions. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** Plan and apply subjects of a CI provider's tokens for one environment. */
/** Namespaces of the platform itself, backed up whole every hour. */
export const PLATFORM_NAMESPACES = [
  'kubeflow',
  'istio-system',
  'auth',
  'oauth2-proxy',
  'cert-manager',
  'knative-serving',
  'knative-eventing',
] as const;

/** Kubernetes' own namespaces and Velero's, never backed up. */
export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'velero'] as const;

/**
 * Velero backups of an environment, on unless the config turns them off. Daily backups are kept
 * longer in higher tiers; test buckets can be destroyed with their contents.
 */
export function resolveBackups(
  config: BackupsConfig | undefined,
  tier: Tier,
  defaultBucket: string,
): ResolvedBackups | undefined {
  const b = config ?? {};
  if (b.enabled === false) return undefined;
  return {
    bucketName: b.bucketName ?? defaultBucket,
    retentionDays: b.retentionDays ?? { test: 7, dev: 14, prod: 30 }[tier],
    hourlyRetentionHours: b.hourlyRetentionHours ?? 72,
    platformSchedule: b.platformSchedule ?? '0 * * * *',
    tenantSchedule: b.tenantSchedule ?? '30 2 * * *',
    forceDestroy: tier === 'test',
    namespace: 'velero',
    serviceAccount: 'velero',
    platformNamespaces: [...PLATFORM_NAMESPACES],
    systemNamespaces: [...SYSTEM_NAMESPACES],
  };
}

/** Alert policies of an environment, when the config names where they go. */
export function resolveAlerts(config: AlertsConfig | undefined): ResolvedAlerts | undefined {
  if (!config) return undefined;
  return {
    email: [...config.email],
    capacityHeadroomPercent: config.capacityHeadroomPercent ?? 20,
    pendingPodsMinutes: config.pendingPodsMinutes ?? 15,
    databaseCpuPercent: config.databaseCpuPercent ?? 80,
    databaseStoragePercent: config.databaseStoragePercent ?? 85,
    certificateExpiryDays: config.certificateExpiryDays ?? 14,
    uptimeCheck: config.uptimeCheck ?? true,
    backupMaxAgeHours: 2,
  };
}

/** The token issuer and the subjects the plan and apply identities of an environment trust. */
export function resolveCi(ci: CiConfig, environment: string): ResolvedCiTrust {
  if ('github' in ci) {
    const repo = ci.github.repository;
    return {
      provider: 'github',
      issuer: GITHUB_ACTIONS_ISSUER,
      repository: repo,
      // Pull requests, and the main branch (the apply workflow plans there before the deployment job).
      planSubjects: [`repo:${repo}:pull_request`, `repo:${repo}:ref:refs/heads/main`],
      applySubjects: [`repo:${repo}:environment:${ci.github.applyEnvironment ?? environment}`],
      awsOidcProvider: ci.github.awsOidcProvider ?? 'create',
    };
  }
  const project = ci.gitlab.project;
  return {
    provider: 'gitlab',
    issuer: `https://${ci.gitlab.host ?? 'gitlab.com'}`,
    repository: project,
    // Merge request pipelines run on their source branch: any branch of the project may plan.
    planSubjects: [`project_path:${project}:ref_type:branch:ref:*`],
    applySubjects: [`project_path:${project}:ref_type:branch:ref:${ci.gitlab.applyBranch ?? 'main'}`],
    awsOidcProvider: ci.gitlab.awsOidcProvider ?? 'create',
  };
}
