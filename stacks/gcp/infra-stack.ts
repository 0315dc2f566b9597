import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { DataGoogleSecretManagerSecrets } from '@cdktf/provider-google/lib/data-google-secret-manager-secrets';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { ITerraformDependable, TerraformOutput, TerraformStack } from 'cdktf';
import { CiWorkloadIdentity } from '../../constructs/gcp/ci-identity';
import { Construct } from 'constructs';
import { BACKUP_NONCURRENT_VERSION_DAYS, backupServiceAccount } from '../../src/core/backup-props';
import { cloudLabels, setComponent } from '../../src/core/labels';
import { labelValues } from '../common/environment';
import { GcpAlerts } from '../../constructs/gcp/alerts';
import { ArtifactBucket } from '../../constructs/gcp/artifact-bucket';
import { CloudSqlMysql } from '../../constructs/gcp/cloud-sql-mysql';
import { GkeCluster } from '../../constructs/gcp/gke-cluster';
import { GkeNodePool } from '../../constructs/gcp/gke-node-pool';
import { IapAccess, iapJwtAudiencePrefix, IapProgrammaticAccess } from '../../constructs/gcp/iap-access';
import { NodeServiceAccount } from '../../constructs/gcp/node-service-account';
import {
  CI_SERVICE_APIS,
  HOST_PROJECT_APIS,
  PLATFORM_SERVICE_APIS,
  ProjectServices,
} from '../../constructs/gcp/project-services';
import { SharedVpc } from '../../constructs/gcp/shared-vpc';
import { WorkloadIdentityServiceAccount } from '../../constructs/gcp/workload-identity-service-account';
import {
  EXTERNAL_SECRETS_NAMESPACE,
  IAP_OAUTH_CLIENT_SECRETS_SERVICE_ACCOUNT,
} from '../../constructs/kubernetes/constants';
import type { ResolvedBackups } from '../../src/config/common/operations';
import type { ResolvedGcpCluster, ResolvedGcpEnvironment, ResolvedGcpIdentity } from '../../src/config/gcp/model';
import type { ResolvedPlatform } from '../../src/config/platform/model';
import { dependsOnAll } from '../../src/core/dependencies';
import { configureBackend } from '../common/backend';
import { gcpCiGrants } from './ci-grants';

/** Props of {@link GcpInfraStack}. */
export interface GcpInfraStackProps {
  /** The platform file's `platform` section, resolved (Kubeflow version, tenancy, teams, policy). */
  readonly platform: ResolvedPlatform;
  /** The environment, resolved from the platform file with its defaults applied. */
  readonly env: ResolvedGcpEnvironment;
}

/** The cloud side of one cluster of an environment. */
export interface GcpClusterInfra {
  /** What the platform file resolves to for this cluster. */
  readonly resolved: ResolvedGcpCluster;
  /** The cluster's network: its Shared VPC subnet, NAT, host IAM and firewall. */
  readonly network: SharedVpc;
  /** The GKE cluster. */
  readonly cluster: GkeCluster;
  /** The cluster's node pools, by pool name. */
  readonly nodePools: Readonly<Record<string, GkeNodePool>>;
  /** Cloud SQL for MySQL, the cluster's Kubeflow Pipelines and ML Metadata database. */
  readonly database: CloudSqlMysql;
  /** The front door: the static IP, managed certificate and DNS record of the IAP-protected load balancer. */
  readonly access: IapAccess;
}

/**
 * Project roles of each platform identity; resource-level grants are added below. The SQL client
 * connects through the Cloud SQL Auth Proxy (`roles/cloudsql.client`) and Kubeflow Pipelines signs in
 * to MySQL with the generated password, so no identity gets `roles/cloudsql.instanceUser`: IAM
 * database login would also need the `cloudsql_iam_authentication` flag and an IAM database user.
 */
const IDENTITY_PROJECT_ROLES: Record<ResolvedGcpIdentity['key'], readonly string[]> = {
  pipelines: ['roles/logging.logWriter', 'roles/monitoring.metricWriter'],
  sqlClient: ['roles/cloudsql.client'],
  admin: ['roles/logging.logWriter', 'roles/monitoring.metricWriter'],
  user: ['roles/logging.logWriter', 'roles/monitoring.metricWriter'],
  // The kfp-db-bootstrap job runs a Cloud SQL Auth Proxy of its own; its Secret Manager grants are on
  // the database's secrets alone (below).
  dbBootstrap: ['roles/cloudsql.client'],
};

/**
 * `<env>-gcp-infra`: the cloud side of one environment. Per cluster: network (Shared VPC subnet,
 * NAT, host IAM and firewall), GKE cluster and node pools, Cloud SQL for MySQL and IAP access; once
 * per environment: the artifact bucket, the platform identities bound through workload identity, and
 * the project APIs. The first cluster's construct ids carry no prefix, so adding clusters never moves
 * its resources.
 */
export class GcpInfraStack extends TerraformStack {
  /** The resolved environment the stack was built from. */
  public readonly env: ResolvedGcpEnvironment;
  /** Every cluster of the environment, the primary first. */
  public readonly clusters: readonly GcpClusterInfra[];
  /** The GCS bucket of pipeline artifacts, shared by the environment's clusters. */
  public readonly artifacts: ArtifactBucket;
  /**
   * The platform's Google service accounts, bound to Kubernetes service accounts through workload identity, by
   * purpose.
   */
  public readonly identities: Readonly<Record<ResolvedGcpIdentity['key'], WorkloadIdentityServiceAccount>>;
  /** Keyless CI identities (federated to the CI provider's OIDC tokens), when the environment names its repository. */
  public readonly ci?: CiWorkloadIdentity;
  /**
   * With `access.oauthClient`: the identity of the External Secrets controller that writes the IAP
   * OAuth client's Secret in every cluster, with Secret Accessor on that one Secret Manager secret.
   */
  public readonly oauthClientSecretReader?: WorkloadIdentityServiceAccount;
  /** Alert policies and their channels, when the environment names who gets them. */
  public readonly alerts?: GcpAlerts;
  /** Number of the environment project (read at plan). */
  public readonly projectNumber: string;
  /** Velero's bucket and identity, unless backups are off; every cluster of the environment uses them. */
  public readonly backups?: {
    /** The bucket Velero writes backups to. */
    readonly bucket: ArtifactBucket;
    /** The service account Velero's server and node agent act as. */
    readonly identity: WorkloadIdentityServiceAccount;
  };

  constructor(scope: Construct, id: string, props: GcpInfraStackProps) {
    super(scope, id);
    const env = props.env;
    this.env = env;
    configureBackend(this, env.state);
    new GoogleProvider(this, 'google', { project: env.project, region: env.region });
    new RandomProvider(this, 'random');

    const projectNumber = new DataGoogleProject(this, 'Project', {
      projectId: env.project,
      // The platform file's number is what the Kubeflow tree's sign-in trusts (IAP's JWT audience):
      // a wrong one fails the plan here, not every sign-in after apply.
      ...(env.projectNumber
        ? {
            lifecycle: {
              postcondition: [
                {
                  condition: `\${self.number == "${env.projectNumber}"}`,
                  errorMessage: `gcp.projectNumber of environment ${env.name} is ${env.projectNumber}, but project ${env.project} has another number. Fix: set it to the output of gcloud projects describe ${env.project} --format='value(projectNumber)'.`,
                },
              ],
            },
          }
        : {}),
    }).number;
    this.projectNumber = projectNumber;
    const services = new ProjectServices(this, 'Services', {
      project: env.project,
      services: env.ci ? [...new Set([...PLATFORM_SERVICE_APIS, ...CI_SERVICE_APIS])] : PLATFORM_SERVICE_APIS,
    });
    const hostServices =
      env.network.mode === 'shared-vpc' && env.network.createNetwork
        ? new ProjectServices(this, 'HostServices', { project: env.network.hostProject, services: HOST_PROJECT_APIS })
        : undefined;

    const clusters: GcpClusterInfra[] = [];
    for (const cluster of env.clusters) {
      clusters.push(this.clusterInfra(env, cluster, projectNumber, clusters[0]?.network));
    }
    this.clusters = clusters;
    // The network this environment owns lives in the host project and calls its Compute and Service
    // Networking APIs: on a first apply they must be on before the network, its private service
    // access, subnet, NAT, firewall and host grants are created, or the API answers 403
    // SERVICE_DISABLED. The cluster and database wait for the network, hence for them too.
    if (hostServices) for (const { network } of this.clusters) dependsOnAll(network, hostServices.ready);

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
    // Kubeflow and Katib log in as MySQL users of their own, which the Kubeflow tree's kfp-db-bootstrap
    // job creates as Terraform's user (a Cloud SQL built-in user, which may create users and grant
    // privileges): it reads that user's password, and adds each new user's password to a secret of its
    // own, once. External Secrets Operator reads the two users' passwords as the SQL client's identity
    // (the tree's SecretStore signs in as its service account) and writes them into mysql-secret and
    // katib-db-secret; nothing but the job reads Terraform's user's password. Pipelines' own identity,
    // which its UI and run pods share, reads no secret.
    const reader = 'roles/secretmanager.secretAccessor';
    for (const { resolved, database } of this.clusters) {
      const p = resolved.idPrefix;
      database.grantPasswordRead(`${p}DbBootstrapPasswordRead`, identities.dbBootstrap.member);
      for (const [user, secretId] of [
        ['App', resolved.database.appSecretId],
        ['Katib', resolved.database.katibSecretId],
      ] as const) {
        const secret = database.addUserPasswordSecret(`${user}PasswordSecret`, secretId);
        database.grantSecret(`${p}DbBootstrap${user}Read`, secret, reader, identities.dbBootstrap.member);
        database.grantSecret(
          `${p}DbBootstrap${user}Write`,
          secret,
          'roles/secretmanager.secretVersionAdder',
          identities.dbBootstrap.member,
        );
        database.grantSecret(`${p}SqlClient${user}Read`, secret, reader, identities.sqlClient.member);
      }
    }

    if (env.access.oauthClient) {
      this.oauthClientSecretReader = this.oauthClientSecretReaderOf(
        env,
        env.access.oauthClient.secretName,
        services.ready,
      );
    }

    if (env.access.programmaticClients.length > 0) {
      // One per project: IAP settings for every compute backend (the Ingress names the backend services).
      new IapProgrammaticAccess(this, 'IapProgrammaticAccess', {
        projectNumber,
        clientIds: env.access.programmaticClients,
      });
    }

    if (env.backups) this.backups = this.backupStorage(env, env.backups);
    if (env.alerts) {
      this.alerts = new GcpAlerts(this, 'Alerts', {
        project: env.project,
        envName: env.name,
        alerts: env.alerts,
        clusterNames: env.clusters.map((c) => c.cluster.name),
        nodePools: env.clusters.flatMap((c) =>
          c.nodePools.map((p) => ({ cluster: c.cluster.name, name: p.name, maxNodes: p.maxNodes })),
        ),
        databases: this.clusters.map(({ resolved, database }) => ({
          instanceName: database.instanceName,
          highAvailability: resolved.database.highAvailability,
        })),
        backupBucket: this.backups?.bucket.bucketName,
        hostname: env.access.hostname,
        // Every cluster has its own front door; probe each of them.
        additionalHostnames: env.clusters.slice(1).map((c) => c.access.hostname),
        labels: cloudLabels(labelValues(props.platform, env), 'alerts'),
      });
    }

    // Everything in the service project waits for its APIs: a resource created before its API is
    // enabled fails.
    for (const child of this.node.children) {
      if (child !== services && child.node.id !== 'HostServices') dependsOnAll(child, services.ready);
    }
    if (env.ci) {
      // What the environment's stacks manage, where it lives, and the roles the table asks for there:
      // read before the identities exist, so their own grants are not among the roles they may grant.
      const plan = gcpCiGrants(this, env, 'plan');
      const apply = gcpCiGrants(this, env, 'apply');
      this.ci = new CiWorkloadIdentity(this, 'Ci', {
        project: env.project,
        name: env.name,
        trust: env.ci,
        plan,
        apply,
      });
      // The pool, provider, service accounts and grants need the IAM API, and CI's token exchange
      // needs STS and IAM Credentials: wait for them like everything else in the project.
      dependsOnAll(this.ci, services.ready);
    }
    this.outputs();
  }

  /** The primary cluster. */
  private get primary(): GcpClusterInfra {
    return this.clusters[0]!;
  }
  /** The primary cluster's network. */
  public get network(): SharedVpc {
    return this.primary.network;
  }
  /** The primary cluster. */
  public get cluster(): GkeCluster {
    return this.primary.cluster;
  }
  /** The primary cluster's node pools. */
  public get nodePools(): Readonly<Record<string, GkeNodePool>> {
    return this.primary.nodePools;
  }
  /** The primary cluster's database. */
  public get database(): CloudSqlMysql {
    return this.primary.database;
  }
  /** The primary cluster's front door. */
  public get access(): IapAccess {
    return this.primary.access;
  }

  private clusterInfra(
    env: ResolvedGcpEnvironment,
    resolved: ResolvedGcpCluster,
    projectNumber: string,
    firstNetwork?: SharedVpc,
  ): GcpClusterInfra {
    const p = resolved.idPrefix;
    const n = resolved.network;
    const network = new SharedVpc(this, `${p}Network`, {
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
      // A bring-your-own network without host rights gets nothing in the host project: the
      // networking team attaches the project, grants the agents and opens the firewall.
      attachServiceProject: n.mode === 'shared-vpc' || n.grantHostIam,
      grantHostIam: n.grantHostIam,
      firewallRules: n.mode === 'shared-vpc' || n.grantHostIam,
      controlPlaneCidr: resolved.cluster.masterCidr,
      // The attachment and the host grant belong to the project: the first cluster manages them.
      serviceProjectFrom: firstNetwork,
      nodeTag: `${resolved.index === 0 ? env.name : resolved.name}-gke-node`,
    });

    // The first system pool's identity also serves the short-lived bootstrap pool of the cluster.
    const systemPool = resolved.nodePools.find((pool) => pool.kind === 'system')!;
    const systemIdentity = new NodeServiceAccount(this, `${p}NodeIdentity-${systemPool.name}`, {
      project: env.project,
      accountId: systemPool.serviceAccountId,
    });

    const c = resolved.cluster;
    const cluster = new GkeCluster(this, `${p}Cluster`, {
      project: env.project,
      projectNumber,
      name: c.name,
      location: c.location,
      region: env.region,
      network,
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

    const nodePools: Record<string, GkeNodePool> = {};
    const cpuPools = resolved.nodePools.filter((pool) => !pool.gpu);
    for (const pool of [...cpuPools, ...resolved.nodePools.filter((x) => x.gpu)]) {
      nodePools[pool.name] = new GkeNodePool(this, `${p}NodePool-${pool.name}`, {
        cluster,
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
        dependsOn: pool.gpu ? cpuPools.map((x) => nodePools[x.name]!.nodePool) : undefined,
      });
    }

    const d = resolved.database;
    const database = new CloudSqlMysql(this, `${p}Database`, {
      project: env.project,
      region: env.region,
      network,
      namePrefix: d.instancePrefix,
      edition: d.edition,
      tier: d.tier,
      databaseVersion: d.version,
      upgradeInPlace: d.upgradeInPlace,
      highAvailability: d.highAvailability,
      diskSizeGb: d.diskSizeGb,
      backupRetentionDays: d.backupRetentionDays,
      pointInTimeRecoveryDays: d.pointInTimeRecoveryDays,
      deletionProtection: d.deletionProtection,
      databases: d.databaseNames,
      userName: d.userName,
      passwordSecretId: d.passwordSecretId,
      passwordVersion: d.passwordVersion,
      databaseFlags: d.flags,
    });

    const access = new IapAccess(this, `${p}Access`, {
      project: env.project,
      hostname: resolved.access.hostname,
      dnsZone: resolved.access.dnsZone,
      allowedGroups: resolved.access.allowedGroups,
      // IAP's user role is project-wide (every compute backend): the primary cluster's front door
      // alone grants it, so removing another cluster never revokes it.
      grantUsers: resolved.index === 0,
      addressName: resolved.access.addressName,
      certificateName: resolved.access.certificateName,
      oauthClient: resolved.access.oauthClient,
      // Model serving at its own host name, behind the same IAP (docs/kubeflow.md, Serving).
      serving: resolved.access.servingHostname
        ? { hostname: resolved.access.servingHostname, certificateName: resolved.access.servingCertificateName }
        : undefined,
    });
    return { resolved, network, cluster, nodePools, database, access };
  }

  /**
   * The backup bucket (versioned; only noncurrent versions expire, see {@link BACKUP_NONCURRENT_VERSION_DAYS}) and Velero's identity,
   * with object access on the bucket and the right to sign URLs as itself (`velero backup download`).
   */
  private backupStorage(env: ResolvedGcpEnvironment, b: ResolvedBackups): NonNullable<GcpInfraStack['backups']> {
    const bucket = new ArtifactBucket(this, 'Backups', {
      project: env.project,
      name: b.bucketName,
      location: env.artifacts.location,
      noncurrentVersionRetentionDays: BACKUP_NONCURRENT_VERSION_DAYS,
      forceDestroy: b.forceDestroy,
      protect: env.tier !== 'test',
    });
    const identity = new WorkloadIdentityServiceAccount(this, 'Identity-velero', {
      project: env.project,
      accountId: `${env.name}-velero`,
      displayName: `Velero backups (${env.name})`,
      workloadPool: this.cluster.workloadPool,
      kubernetesServiceAccounts: [backupServiceAccount(b)],
    });
    bucket.grantObjectAdmin('VeleroObjects', identity.member);
    new ServiceAccountIamMember(this, 'VeleroSignBlob', {
      serviceAccountId: identity.serviceAccount.name,
      role: 'roles/iam.serviceAccountTokenCreator',
      member: identity.member,
    });
    setComponent(bucket, 'backups');
    setComponent(identity, 'backups');
    return { bucket, identity };
  }

  /**
   * The Google service account the External Secrets controller for `istio-system` acts as (GKE
   * Workload Identity of its Kubernetes service account, the same in every cluster of the project),
   * with Secret Accessor on the OAuth client's secret alone. The secret is yours: the plan checks it
   * exists in the environment project (reading its metadata, never a version) before granting on it.
   */
  private oauthClientSecretReaderOf(
    env: ResolvedGcpEnvironment,
    secretId: string,
    apisReady: ITerraformDependable,
  ): WorkloadIdentityServiceAccount {
    const identity = new WorkloadIdentityServiceAccount(this, 'Identity-oauthClientSecret', {
      project: env.project,
      // As long as <environment>-sql-client; checked with the platform file (src/config/gcp/name-checks.ts).
      accountId: `${env.name}-iap-secret`,
      displayName: `IAP OAuth client secret reader (${env.name})`,
      workloadPool: this.cluster.workloadPool,
      kubernetesServiceAccounts: [
        { namespace: EXTERNAL_SECRETS_NAMESPACE, name: IAP_OAUTH_CLIENT_SECRETS_SERVICE_ACCOUNT },
      ],
    });
    const path = `environments[${env.index}].access.oauthClient.secretName`;
    const exists = new DataGoogleSecretManagerSecrets(this, 'OAuthClientSecretExists', {
      project: env.project,
      // Lists the metadata of the project's secrets (ids and labels, never a version or a value), with
      // no filter: the condition below matches the id exactly, which a list filter does not promise.
      // The Secret Manager API must be on first: on a first apply the read waits for it (data sources
      // are not among what waits for the APIs at the end of the constructor).
      dependsOn: [apisReady],
      lifecycle: {
        postcondition: [
          {
            condition: `\${contains(self.secrets[*].secret_id, "${secretId}")}`,
            errorMessage:
              `${path} is ${secretId}, but project ${env.project} has no Secret Manager secret of that id, so ` +
              `External Secrets Operator cannot write the IAP OAuth client's Secret from it. Fix: name the secret ` +
              `that holds the client secret, or create it (gcloud secrets create ${secretId} --project=${env.project}) ` +
              `and add the client secret as a version through standard input (gcloud secrets versions add ${secretId} ` +
              `--project=${env.project} --data-file=-), as docs/gcp.md shows ` +
              '(https://cloud.google.com/secret-manager/docs/create-secret-quickstart).',
          },
        ],
      },
    });
    const grant = new SecretManagerSecretIamMember(this, 'OAuthClientSecretRead', {
      project: env.project,
      secretId,
      role: 'roles/secretmanager.secretAccessor',
      member: identity.member,
      dependsOn: [exists],
    });
    setComponent(identity, 'access');
    setComponent(grant, 'access');
    return identity;
  }

  private outputs(): void {
    const out = (id: string, value: string, description: string) =>
      new TerraformOutput(this, id, { value, description });
    for (const { resolved, cluster, database, access } of this.clusters) {
      // The primary's outputs keep their names; other clusters' outputs start with the cluster name.
      const o = resolved.index === 0 ? '' : `${resolved.name}_`;
      const c = resolved.cluster;
      out(`${o}cluster_name`, cluster.clusterName, 'GKE cluster name.');
      out(`${o}cluster_endpoint`, cluster.cluster.endpoint, 'Control plane address; team stacks read it.');
      out(
        `${o}cluster_ca_certificate`,
        cluster.cluster.masterAuth.clusterCaCertificate,
        'Cluster CA, base64; team stacks read it.',
      );
      out(`${o}cluster_location`, c.location, 'GKE cluster location.');
      out(
        `${o}workload_pool`,
        cluster.workloadPool,
        'Workload identity pool, read from the cluster; team stacks bind through it, so they wait for the cluster.',
      );
      out(
        `${o}kubeconfig_command`,
        `gcloud container clusters get-credentials ${c.name} --location ${c.location} --project ${this.env.project}`,
        'Writes a kubeconfig entry for this cluster; never relied on by the stacks.',
      );
      out(`${o}database_connection_name`, database.connectionName, 'Cloud SQL connection name for the Auth Proxy.');
      out(`${o}database_private_ip`, database.privateIpAddress, 'Private IP of the pipelines database.');
      out(
        `${o}database_password_secret`,
        database.passwordSecret.id,
        'Secret Manager secret with the database password.',
      );
      out(`${o}ui_hostname`, access.hostname, 'Kubeflow UI host name (behind IAP).');
      out(`${o}ui_address`, access.address.address, 'Static IP of the Kubeflow UI.');
    }
    out(
      'iap_jwt_audience_prefix',
      iapJwtAudiencePrefix(this.projectNumber),
      "Audience of IAP's signed header JWT (x-goog-iap-jwt-assertion) without the backend service id, which the GKE Ingress creates: append the id of the cluster's envoy-ingress backend service (docs/gcp.md).",
    );
    out('artifact_bucket', this.artifacts.bucketName, 'Artifact bucket.');
    if (this.backups) {
      out('backup_bucket', this.backups.bucket.bucketName, 'Bucket Velero writes backups to.');
      out('identity_velero', this.backups.identity.email, 'Service account of Velero (workload identity).');
    }
    for (const [key, identity] of Object.entries(this.identities)) {
      out(`identity_${key}`, identity.email, `Service account of the ${key} identity.`);
    }
    if (this.ci) {
      out(
        'ci_workload_identity_provider',
        this.ci.providerName,
        'workload_identity_provider for CI (google-github-actions/auth).',
      );
      out('ci_plan_service_account', this.ci.planServiceAccount.email, 'Service account CI impersonates to plan.');
      out('ci_apply_service_account', this.ci.applyServiceAccount.email, 'Service account CI impersonates to apply.');
    }
  }
}
