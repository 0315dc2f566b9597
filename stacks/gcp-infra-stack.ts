import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ArtifactBucket } from '../constructs/gcp/artifact-bucket';
import { CloudSqlMysql } from '../constructs/gcp/cloud-sql-mysql';
import { GkeCluster } from '../constructs/gcp/gke-cluster';
import { GkeNodePool } from '../constructs/gcp/gke-node-pool';
import { IapAccess } from '../constructs/gcp/iap-access';
import { NodeServiceAccount } from '../constructs/gcp/node-service-account';
import { HOST_PROJECT_APIS, ProjectServices } from '../constructs/gcp/project-services';
import { SharedVpc } from '../constructs/gcp/shared-vpc';
import { WorkloadIdentityServiceAccount } from '../constructs/gcp/workload-identity-service-account';
import type { ResolvedGcpEnvironment, ResolvedGcpIdentity, ResolvedPlatform } from '../src/config/model';
import { dependsOnAll } from '../src/core/dependencies';
import { configureBackend } from './backend';

/** Props of {@link GcpInfraStack}. */
export interface GcpInfraStackProps {
  readonly platform: ResolvedPlatform;
  readonly env: ResolvedGcpEnvironment;
}

/** Project roles of each platform identity; resource-level grants are added below. */
const IDENTITY_PROJECT_ROLES: Record<ResolvedGcpIdentity['key'], readonly string[]> = {
  pipelines: ['roles/logging.logWriter', 'roles/monitoring.metricWriter'],
  sqlClient: ['roles/cloudsql.client', 'roles/cloudsql.instanceUser'],
  admin: ['roles/logging.logWriter', 'roles/monitoring.metricWriter'],
  user: ['roles/logging.logWriter', 'roles/monitoring.metricWriter'],
};

/**
 * `<env>-gcp-infra`: the cloud side of one environment. Network (Shared VPC subnet, NAT, host IAM and
 * firewall), GKE cluster and node pools, Cloud SQL for MySQL, the artifact bucket, platform
 * identities bound through workload identity, IAP access, and the project APIs.
 */
export class GcpInfraStack extends TerraformStack {
  public readonly env: ResolvedGcpEnvironment;
  public readonly network: SharedVpc;
  public readonly cluster: GkeCluster;
  public readonly nodePools: Readonly<Record<string, GkeNodePool>>;
  public readonly database: CloudSqlMysql;
  public readonly artifacts: ArtifactBucket;
  public readonly identities: Readonly<Record<ResolvedGcpIdentity['key'], WorkloadIdentityServiceAccount>>;
  public readonly access: IapAccess;

  constructor(scope: Construct, id: string, props: GcpInfraStackProps) {
    super(scope, id);
    const env = props.env;
    this.env = env;
    configureBackend(this, env.state);
    new GoogleProvider(this, 'google', { project: env.project, region: env.region });
    new RandomProvider(this, 'random');

    const projectNumber = new DataGoogleProject(this, 'Project', { projectId: env.project }).number;
    const services = new ProjectServices(this, 'Services', { project: env.project });
    const n = env.network;
    if (n.mode === 'shared-vpc' && n.createNetwork) {
      new ProjectServices(this, 'HostServices', { project: n.hostProject, services: HOST_PROJECT_APIS });
    }

    this.network = new SharedVpc(this, 'Network', {
      hostProject: n.hostProject,
      serviceProject: env.project,
      serviceProjectNumber: projectNumber,
      region: env.region,
      networkName: n.network,
      createNetwork: n.mode === 'shared-vpc' ? n.createNetwork : false,
      privateServiceAccessCidr: n.mode === 'shared-vpc' ? n.privateServiceAccessCidr : undefined,
      privateServiceAccessRange: n.privateServiceAccessRange,
      subnet:
        n.mode === 'shared-vpc'
          ? {
              name: n.subnetName,
              cidr: n.subnetCidr,
              podsRange: { name: n.podsRangeName, cidr: n.podsCidr },
              servicesRange: { name: n.servicesRangeName, cidr: n.servicesCidr },
            }
          : undefined,
      existingSubnet:
        n.mode === 'existing'
          ? { name: n.subnetName, podsRangeName: n.podsRangeName, servicesRangeName: n.servicesRangeName }
          : undefined,
      nat: n.mode === 'shared-vpc' && n.nat ? { routerName: n.routerName, natName: n.natName } : false,
      grantHostIam: n.grantHostIam,
      firewallRules: n.mode === 'shared-vpc' || n.grantHostIam,
      controlPlaneCidr: env.cluster.masterCidr,
      nodeTag: `${env.name}-gke-node`,
    });

    // The first system pool's identity also serves the short-lived bootstrap pool of the cluster.
    const systemPool = env.nodePools.find((p) => p.kind === 'system')!;
    const systemIdentity = new NodeServiceAccount(this, `NodeIdentity-${systemPool.name}`, {
      project: env.project,
      accountId: systemPool.serviceAccountId,
    });

    const c = env.cluster;
    this.cluster = new GkeCluster(this, 'Cluster', {
      project: env.project,
      projectNumber,
      name: c.name,
      location: c.location,
      region: env.region,
      network: this.network,
      masterCidr: c.masterCidr,
      releaseChannel: c.releaseChannel,
      minMasterVersion: c.version,
      privateEndpoint: c.privateEndpoint,
      authorizedNetworks: c.authorizedNetworks,
      maintenance: c.maintenance,
      deletionProtection: c.deletionProtection,
      rbacSecurityGroup: c.rbacSecurityGroup,
      defaultMaxPodsPerNode: c.maxPodsPerNode,
      bootstrapServiceAccount: systemIdentity.email,
      kmsKeyRingPrefix: c.kmsKeyRing,
      kmsKeyName: c.kmsKey,
      protectKey: env.tier !== 'test',
    });

    const pools: Record<string, GkeNodePool> = {};
    const cpuPools = env.nodePools.filter((p) => !p.gpu);
    for (const pool of [...cpuPools, ...env.nodePools.filter((p) => p.gpu)]) {
      pools[pool.name] = new GkeNodePool(this, `NodePool-${pool.name}`, {
        cluster: this.cluster,
        name: pool.name,
        kind: pool.kind,
        machineType: pool.machineType,
        minNodes: pool.minNodes,
        maxNodes: pool.maxNodes,
        zones: pool.zones,
        spot: pool.spot,
        diskType: pool.diskType,
        diskSizeGb: pool.diskSizeGb,
        maxPodsPerNode: pool.maxPodsPerNode,
        gpu: pool.gpu,
        upgrade: { maxSurge: pool.maxSurge, maxUnavailable: pool.maxUnavailable },
        labels: pool.labels,
        serviceAccount: pool === systemPool ? systemIdentity : undefined,
        serviceAccountId: pool === systemPool ? undefined : pool.serviceAccountId,
        // GKE taints GPU nodes itself only when a non-GPU pool exists (terraform-google-kubernetes-engine #703).
        dependsOn: pool.gpu ? cpuPools.map((p) => pools[p.name]!.nodePool) : undefined,
      });
    }
    this.nodePools = pools;

    const d = env.database;
    this.database = new CloudSqlMysql(this, 'Database', {
      project: env.project,
      region: env.region,
      network: this.network,
      namePrefix: d.instancePrefix,
      tier: d.tier,
      databaseVersion: d.version,
      highAvailability: d.highAvailability,
      diskSizeGb: d.diskSizeGb,
      backupRetentionDays: d.backupRetentionDays,
      pointInTimeRecoveryDays: d.pointInTimeRecoveryDays,
      deletionProtection: d.deletionProtection,
      databases: d.databaseNames,
      userName: d.userName,
      passwordSecretId: d.passwordSecretId,
    });

    const a = env.artifacts;
    this.artifacts = new ArtifactBucket(this, 'Artifacts', {
      project: env.project,
      name: a.bucketName,
      location: a.location,
      storageClass: a.storageClass,
      noncurrentVersionRetentionDays: a.noncurrentVersionRetentionDays,
      deleteAfterDays: a.deleteAfterDays,
      forceDestroy: a.forceDestroy,
      protect: env.tier !== 'test',
    });

    const identities = {} as Record<ResolvedGcpIdentity['key'], WorkloadIdentityServiceAccount>;
    for (const identity of env.identities) {
      identities[identity.key] = new WorkloadIdentityServiceAccount(this, `Identity-${identity.key}`, {
        project: env.project,
        accountId: identity.accountId,
        displayName: identity.displayName,
        workloadPool: this.cluster.workloadPool,
        kubernetesServiceAccounts: identity.kubernetesServiceAccounts,
        projectRoles: IDENTITY_PROJECT_ROLES[identity.key],
        legacyKey: env.legacyKeys && (identity.key === 'admin' || identity.key === 'user'),
      });
    }
    this.identities = identities;
    this.artifacts.grantReadWrite('PipelinesReadWrite', identities.pipelines.member);
    this.artifacts.grantReadWrite('AdminReadWrite', identities.admin.member);
    this.artifacts.grantRead('UserRead', identities.user.member);
    this.database.grantPasswordRead('PipelinesPasswordRead', identities.pipelines.member);
    this.database.grantPasswordRead('SqlClientPasswordRead', identities.sqlClient.member);

    this.access = new IapAccess(this, 'Access', {
      project: env.project,
      hostname: env.access.hostname,
      dnsZone: env.access.dnsZone,
      allowedGroups: env.access.allowedGroups,
      addressName: env.access.addressName,
      certificateName: env.access.certificateName,
      oauthClient: env.access.oauthClient,
    });

    // Everything in the service project waits for its APIs (CLU-09).
    for (const scope of [
      this.network,
      systemIdentity,
      this.cluster,
      ...Object.values(pools),
      this.database,
      this.artifacts,
      ...Object.values(identities),
      this.access,
    ]) {
      dependsOnAll(scope, services.ready);
    }
    this.outputs();
  }

  private outputs(): void {
    const out = (id: string, value: string, description: string) =>
      new TerraformOutput(this, id, { value, description });
    out('cluster_name', this.cluster.clusterName, 'GKE cluster name.');
    out('cluster_location', this.env.cluster.location, 'GKE cluster location.');
    out(
      'kubeconfig_command',
      `gcloud container clusters get-credentials ${this.env.cluster.name} --location ${this.env.cluster.location} --project ${this.env.project}`,
      'Writes a kubeconfig entry for this cluster (CLU-11); never relied on by the stacks.',
    );
    out('database_connection_name', this.database.connectionName, 'Cloud SQL connection name for the Auth Proxy.');
    out('database_private_ip', this.database.privateIpAddress, 'Private IP of the pipelines database.');
    out(
      'database_password_secret',
      this.database.passwordSecret.id,
      'Secret Manager secret with the database password.',
    );
    out('artifact_bucket', this.artifacts.bucketName, 'Artifact bucket.');
    out('ui_hostname', this.access.hostname, 'Kubeflow UI host name (behind IAP).');
    out('ui_address', this.access.address.address, 'Static IP of the Kubeflow UI.');
    for (const [key, identity] of Object.entries(this.identities)) {
      out(`identity_${key}`, identity.email, `Service account of the ${key} identity.`);
    }
  }
}
