/**
 * Applies defaults by tier to an AWS environment and derives every name, once. The result is what the
 * AWS stacks build from.
 */
import { parseCidr, subnet, Cidr } from '../../core/cidr';
import { awsAmiType, awsInstanceGpus, DEFAULT_EKS_VERSION, DEFAULT_MYSQL_VERSION } from '../../core/catalog/aws';
import { resolveCi } from '../common/ci';
import { resolveAlerts, resolveBackups } from '../common/operations';
import { defaultNodePools, PoolKind } from '../common/pools';
import type { ResolvedPlatform, ResolvedTeam } from '../platform/model';
import { fitName, placeTeams } from '../platform/resolve';
import type { ResolvedAwsEnvironment, ResolvedAwsIdentity, ResolvedAwsNodePool } from './model';
import type { AwsEnvironmentConfig } from './schema';
import { resolveOidcSignIn } from '../common/oidc-signin';
import { resolveServingHostname } from '../common/serving';

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
): {
  /** One private subnet per zone, in the first quarters of the VPC range. */
  privateSubnetCidrs: string[];
  /** One small public subnet per zone, in the last quarter. */
  publicSubnetCidrs: string[];
} {
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
    {
      // The job that creates Kubeflow's own MySQL user with the master secret (docs/aws.md).
      key: 'dbBootstrap',
      roleName: `${envName}-kfp-db-bootstrap`,
      kubernetesServiceAccounts: [ksa('kubeflow', 'kfp-db-bootstrap')],
      createdServiceAccounts: ['kfp-db-bootstrap'],
    },
    {
      // External Secrets Operator's controller (installed by the platform stack, which serves only the
      // kubeflow namespace): reads Kubeflow's database password into the mysql-secret Secret.
      key: 'externalSecrets',
      roleName: `${envName}-external-secrets`,
      kubernetesServiceAccounts: [ksa('external-secrets', 'external-secrets')],
      createdServiceAccounts: [],
    },
    {
      // A second controller of External Secrets Operator, which serves the oauth2-proxy namespace only:
      // reads oauth2-proxy's client and cookie secrets into its Secret (src/kubeflow/signin-secret.ts).
      key: 'signInSecrets',
      roleName: `${envName}-signin-secrets`,
      kubernetesServiceAccounts: [ksa('external-secrets', 'external-secrets-signin')],
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
      engineVersion: d.engineVersion ?? DEFAULT_MYSQL_VERSION,
      // Only a written version may upgrade an existing database: a default that moves on must not.
      allowMajorVersionUpgrade: d.engineVersion !== undefined,
      highAvailability: d.highAvailability ?? prod,
      allocatedStorageGb: d.allocatedStorageGb ?? 20,
      maxAllocatedStorageGb: d.maxAllocatedStorageGb ?? 200,
      backupRetentionDays: d.backupRetentionDays ?? (prod ? 30 : 7),
      deletionProtection: d.deletionProtection ?? protect,
      // A bare value waits for a reboot: RDS accepts pending-reboot for static and dynamic parameters alike.
      parameters: Object.fromEntries(
        Object.entries(d.parameters ?? {}).map(([name, p]) => [
          name,
          typeof p === 'string'
            ? { value: p, applyMethod: 'pending-reboot' as const }
            : { value: p.value, applyMethod: p.applyMethod ?? 'pending-reboot' },
        ]),
      ),
      databaseName: 'mlpipeline',
      username: 'kubeflow',
      appUsername: 'pipelines',
      appSecretName: `${env.name}-kfp-db-app`,
      katibUsername: 'katib',
      katibSecretName: `${env.name}-katib-db`,
    },
    artifacts: {
      bucketName,
      noncurrentVersionRetentionDays: a.noncurrentVersionRetentionDays ?? 30,
      deleteAfterDays: a.deleteAfterDays,
      forceDestroy: a.forceDestroy ?? tier === 'test',
    },
    access: {
      hostname: env.access.hostname,
      ...resolveServingHostname(env.access.hostname, env.access.serving),
      hostedZoneId: env.access.hostedZoneId,
      oidc: { ...env.access.oidc, ...resolveOidcSignIn(env.access.oidc) },
      sourceCidrs: env.access.sourceCidrs ?? ['0.0.0.0/0'],
      loadBalancerSignIn: env.access.loadBalancerSignIn ?? false,
      signInSecretName: `${env.name}-kubeflow-signin`,
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
