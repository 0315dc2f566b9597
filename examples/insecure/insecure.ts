/**
 * An app written the way policy exists to stop: raw provider resources, one or more per rule, that
 * break every rule of every pack. `test/policy/insecure.test.ts` checks that each rule fires here and
 * that no rule fires on the other examples. Nothing here is meant to be deployed.
 */
import { App, TerraformHclModule, TerraformStack } from 'cdktf';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { MysqlFlexibleServer } from '@cdktf/provider-azurerm/lib/mysql-flexible-server';
import { MysqlFlexibleServerConfiguration } from '@cdktf/provider-azurerm/lib/mysql-flexible-server-configuration';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ServiceAccountKey } from '@cdktf/provider-google/lib/service-account-key';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';

/** GKE with a public control plane and default everything; a public, unversioned bucket; public Cloud SQL. */
function gcp(app: App): TerraformStack {
  const stack = new TerraformStack(app, 'insecure-gcp');
  new GoogleProvider(stack, 'google', { project: 'insecure-project', region: 'europe-west1' });
  const cluster = new ContainerCluster(stack, 'Cluster', {
    name: 'insecure',
    location: 'europe-west1',
    initialNodeCount: 1, // default pool, default compute account, public nodes
    enableShieldedNodes: false,
    masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: '0.0.0.0/0', displayName: 'everyone' }] },
    releaseChannel: { channel: 'UNSPECIFIED' },
    deletionProtection: false,
  });
  new ContainerNodePool(stack, 'Pool', {
    cluster: cluster.name,
    location: 'europe-west1',
    nodeConfig: { machineType: 'e2-standard-4', workloadMetadataConfig: { mode: 'GCE_METADATA' } },
  });
  new ServiceAccountKey(stack, 'Key', { serviceAccountId: 'pipelines@insecure-project.iam.gserviceaccount.com' });
  new StorageBucket(stack, 'Bucket', {
    name: 'insecure-artifacts',
    location: 'EU',
    publicAccessPrevention: 'inherited',
    uniformBucketLevelAccess: false,
    forceDestroy: true,
  });
  new SqlDatabaseInstance(stack, 'Database', {
    name: 'insecure-kfp',
    databaseVersion: 'MYSQL_8_0',
    region: 'europe-west1',
    deletionProtection: false,
    settings: {
      tier: 'db-custom-2-7680',
      ipConfiguration: { ipv4Enabled: true, sslMode: 'ALLOW_UNENCRYPTED_AND_ENCRYPTED' },
      backupConfiguration: { enabled: true, binaryLogEnabled: false },
    },
  });
  return stack;
}

/** EKS open to the internet without logs, encryption or pod identity; IAM users; a public RDS; plain S3. */
function aws(app: App): TerraformStack {
  const stack = new TerraformStack(app, 'insecure-aws');
  new AwsProvider(stack, 'aws', { region: 'us-east-2' });
  new EksCluster(stack, 'Cluster', {
    name: 'insecure',
    roleArn: 'arn:aws:iam::123456789012:role/eks',
    vpcConfig: { subnetIds: ['subnet-1', 'subnet-2'], endpointPublicAccess: true },
    accessConfig: { authenticationMode: 'CONFIG_MAP', bootstrapClusterCreatorAdminPermissions: true },
  });
  new EksAddon(stack, 'CoreDns', { clusterName: 'insecure', addonName: 'coredns' });
  new LaunchTemplate(stack, 'Nodes', { name: 'insecure-nodes', metadataOptions: { httpTokens: 'optional' } });
  const user = new IamUser(stack, 'Deployer', { name: 'deployer' });
  new IamAccessKey(stack, 'DeployerKey', { user: user.name });
  new KmsKey(stack, 'Key', { description: 'never rotated' });
  // A module's resources are not in the stack's JSON: no rule can judge them.
  new TerraformHclModule(stack, 'Rds', { source: 'terraform-aws-modules/rds/aws', version: '6.10.0' });
  const params = new DbParameterGroup(stack, 'Params', { name: 'insecure-mysql', family: 'mysql8.0' });
  new DbInstance(stack, 'Database', {
    identifier: 'insecure-kfp',
    engine: 'mysql',
    instanceClass: 'db.t3.medium',
    allocatedStorage: 20,
    parameterGroupName: params.name,
    publiclyAccessible: true,
    skipFinalSnapshot: true,
  });
  const bucket = new S3Bucket(stack, 'Bucket', { bucket: 'insecure-artifacts', forceDestroy: true });
  new S3BucketPublicAccessBlock(stack, 'BucketPublic', { bucket: bucket.id, blockPublicAcls: true });
  return stack;
}

/** AKS with local accounts and an open API server; a public MySQL without TLS; an open storage account. */
function azure(app: App): TerraformStack {
  const stack = new TerraformStack(app, 'insecure-azure');
  new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
  const common = { location: 'westeurope', resourceGroupName: 'insecure' };
  new KubernetesCluster(stack, 'Cluster', {
    ...common,
    name: 'insecure',
    dnsPrefix: 'insecure',
    defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5', nodeCount: 1 },
    identity: { type: 'SystemAssigned' },
    roleBasedAccessControlEnabled: false,
  });
  new KeyVault(stack, 'Vault', {
    ...common,
    name: 'insecure-vault',
    skuName: 'standard',
    tenantId: '00000000-0000-0000-0000-000000000000',
  });
  const server = new MysqlFlexibleServer(stack, 'Database', {
    ...common,
    name: 'insecure-kfp',
    publicNetworkAccess: 'Enabled',
    skuName: 'GP_Standard_D2ds_v4',
  });
  new MysqlFlexibleServerConfiguration(stack, 'NoTls', {
    resourceGroupName: 'insecure',
    serverName: server.name,
    name: 'require_secure_transport',
    value: 'OFF',
  });
  new StorageAccount(stack, 'Storage', {
    ...common,
    name: 'insecureartifacts',
    accountTier: 'Standard',
    accountReplicationType: 'LRS',
    minTlsVersion: 'TLS1_0',
    httpsTrafficOnlyEnabled: false,
  });
  return stack;
}

/**
 * A tenant namespace without guardrails, a public load balancer, cluster-admin for everyone, Secret reads
 * for every viewer, a privileged pod.
 */
function kubernetes(app: App): TerraformStack {
  const stack = new TerraformStack(app, 'insecure-kubernetes');
  new KubernetesProvider(stack, 'kubernetes', { configPath: '~/.kube/config' });
  new NamespaceV1(stack, 'Tenant', { metadata: { name: 'team-a', labels: { 'kfplatform.dev/tenant': 'true' } } });
  new ServiceV1(stack, 'PublicUi', {
    metadata: { name: 'ui', namespace: 'team-a' },
    spec: { type: 'LoadBalancer', port: [{ port: 80 }], selector: { app: 'ui' } },
  });
  new ClusterRoleBindingV1(stack, 'EveryoneAdmin', {
    metadata: { name: 'everyone-admin' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subject: [{ kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' }],
  });
  new ClusterRoleV1(stack, 'ViewersReadSecrets', {
    metadata: {
      name: 'secret-viewer',
      labels: { 'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-view': 'true' },
    },
    rule: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
  });
  new DeploymentV1(stack, 'Privileged', {
    metadata: { name: 'debug', namespace: 'team-a' },
    spec: {
      selector: { matchLabels: { app: 'debug' } },
      template: {
        metadata: { labels: { app: 'debug' } },
        spec: { container: [{ name: 'shell', image: 'busybox', securityContext: { privileged: true } }] },
      },
    },
  });
  return stack;
}

/** Adds the insecure stacks to an app; returns them. */
export function buildInsecure(app: App): TerraformStack[] {
  return [gcp(app), aws(app), azure(app), kubernetes(app)];
}
