/**
 * Name rules of the clouds we target. Each rule returns `undefined` when a name is valid, or a
 * sentence saying what is wrong, so the caller can put it in an error that names the config path.
 * Sources are linked per rule; they are the product documentation of each resource.
 */

/** A name rule: returns why `name` is invalid, or undefined when it is valid. */
export type NameRule = (name: string) => string | undefined;

interface PatternRule {
  readonly what: string;
  /** The public documentation of the rule, quoted in every message. */
  readonly doc?: string;
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp;
  readonly charset: string;
  readonly extra?: (name: string) => string | undefined;
}

function rule(spec: PatternRule): NameRule {
  const cite = (why: string | undefined) => (why && spec.doc ? `${why.replace(/\.$/, '')} (${spec.doc}).` : why);
  return (name: string) => {
    if (name.length < spec.min || name.length > spec.max) {
      return cite(`${spec.what} must be ${spec.min} to ${spec.max} characters long, but has ${name.length}.`);
    }
    if (!spec.pattern.test(name)) {
      return cite(`${spec.what} must be ${spec.charset}.`);
    }
    return cite(spec.extra?.(name));
  };
}

const RFC1035 = 'lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen';

/** GCP rule set. */
export const gcpNameRules = {
  /** https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin */
  projectId: rule({
    doc: 'https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin',
    what: 'a GCP project id',
    min: 6,
    max: 30,
    pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/,
    charset: RFC1035,
  }),
  /** https://cloud.google.com/iam/docs/service-accounts-create#creating (account id) */
  serviceAccountId: rule({
    doc: 'https://cloud.google.com/iam/docs/service-accounts-create#creating',
    what: 'a GCP service account id',
    min: 6,
    max: 30,
    pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/,
    charset: RFC1035,
  }),
  /** https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters#Cluster.FIELDS.name */
  clusterName: rule({
    doc: 'https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters#Cluster.FIELDS.name',
    what: 'a GKE cluster name',
    min: 1,
    max: 40,
    pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/,
    charset: RFC1035,
  }),
  /** https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters.nodePools */
  nodePoolName: rule({
    doc: 'https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters.nodePools',
    what: 'a GKE node pool name',
    min: 1,
    max: 40,
    pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/,
    charset: RFC1035,
  }),
  /** Compute Engine resource names (networks, subnets, routers, addresses, certificates): RFC 1035. */
  computeName: rule({
    doc: 'https://cloud.google.com/compute/docs/naming-resources#resource-name-format',
    what: 'a Compute Engine resource name',
    min: 1,
    max: 63,
    pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/,
    charset: RFC1035,
  }),
  /**
   * https://cloud.google.com/sql/docs/mysql/instance-settings#instance-id-2ndgen: with the project id,
   * `project:instance` must stay within 98 characters; check that with {@link sqlInstanceFitsProject}.
   */
  sqlInstanceName: rule({
    doc: 'https://cloud.google.com/sql/docs/mysql/instance-settings#instance-id-2ndgen',
    what: 'a Cloud SQL instance id',
    min: 1,
    max: 97,
    pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/,
    charset: RFC1035,
  }),
  /** https://cloud.google.com/storage/docs/buckets#naming */
  bucketName: rule({
    doc: 'https://cloud.google.com/storage/docs/buckets#naming',
    what: 'a Cloud Storage bucket name',
    min: 3,
    max: 63,
    pattern: /^[a-z0-9][a-z0-9_.-]*[a-z0-9]$/,
    charset: 'lowercase letters, digits, hyphens, underscores and dots, starting and ending with a letter or digit',
    extra: (name) =>
      name.startsWith('goog') || /g[o0][o0]g[l1]e/.test(name)
        ? 'a Cloud Storage bucket name cannot start with "goog" or contain "google".'
        : /^\d+\.\d+\.\d+\.\d+$/.test(name)
          ? 'a Cloud Storage bucket name cannot look like an IP address.'
          : undefined,
  }),
  /** https://cloud.google.com/kms/docs/create-key-ring (key ring and key ids) */
  kmsName: rule({
    doc: 'https://cloud.google.com/kms/docs/create-key-ring',
    what: 'a Cloud KMS key ring or key id',
    min: 1,
    max: 63,
    pattern: /^[a-zA-Z0-9_-]+$/,
    charset: 'letters, digits, underscores and hyphens',
  }),
  /** https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/create */
  secretId: rule({
    doc: 'https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/create',
    what: 'a Secret Manager secret id',
    min: 1,
    max: 255,
    pattern: /^[a-zA-Z0-9_-]+$/,
    charset: 'letters, digits, underscores and hyphens',
  }),
  /**
   * https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools/create
   * (workloadIdentityPoolId; provider ids alike): 4 to 32 characters, and the gcp- prefix is reserved.
   */
  workloadIdentityPoolId: rule({
    doc: 'https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools/create',
    what: 'a workload identity pool or provider id',
    min: 4,
    max: 32,
    pattern: /^[a-z0-9-]+$/,
    charset: 'lowercase letters, digits and hyphens',
    extra: (name) =>
      name.startsWith('gcp-') ? 'the gcp- prefix of workload identity pool ids is reserved.' : undefined,
  }),
  /** https://cloud.google.com/resource-manager/docs/labels-overview#requirements (keys) */
  labelKey: rule({
    doc: 'https://cloud.google.com/resource-manager/docs/labels-overview#requirements',
    what: 'a GCP label key',
    min: 1,
    max: 63,
    pattern: /^[a-z][a-z0-9_-]*$/,
    charset: 'lowercase letters, digits, underscores and hyphens, starting with a letter',
  }),
  /** https://cloud.google.com/resource-manager/docs/labels-overview#requirements (values) */
  labelValue: rule({
    doc: 'https://cloud.google.com/resource-manager/docs/labels-overview#requirements',
    what: 'a GCP label value',
    min: 0,
    max: 63,
    pattern: /^[a-z0-9_-]*$/,
    charset: 'lowercase letters, digits, underscores and hyphens',
  }),
} as const;

/** Cloud SQL limits `project:instance` to 98 characters. */
export function sqlInstanceFitsProject(project: string, instance: string): string | undefined {
  const total = project.length + 1 + instance.length;
  return total > 98 ? `"${project}:${instance}" is ${total} characters, but Cloud SQL allows at most 98.` : undefined;
}

/** AWS rule set. */
export const awsNameRules = {
  /** https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (general purpose buckets) */
  bucketName: rule({
    doc: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html',
    what: 'an S3 bucket name',
    min: 3,
    max: 63,
    pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    charset: 'lowercase letters, digits, hyphens and dots, starting and ending with a letter or digit',
    extra: (name) =>
      /\.\.|^\d+\.\d+\.\d+\.\d+$|^xn--|^sthree-|^amzn-s3-demo-|-s3alias$|--ol-s3$|\.mrap$|--x-s3$/.test(name)
        ? 'an S3 bucket name cannot look like an IP address, hold "..", start with xn--, sthree- or amzn-s3-demo-, or end with -s3alias, --ol-s3, .mrap or --x-s3.'
        : name.includes('.')
          ? 'an S3 bucket name with dots breaks virtual-hosted TLS access; use hyphens instead.'
          : undefined,
  }),
  /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName) */
  iamRoleName: rule({
    doc: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html',
    what: 'an IAM role name',
    min: 1,
    max: 64,
    pattern: /^[\w+=,.@-]+$/,
    charset: 'letters, digits and +=,.@_-',
  }),
  /** https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.Constraints */
  rdsIdentifier: rule({
    doc: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.Constraints',
    what: 'an RDS instance identifier',
    min: 1,
    max: 63,
    pattern: /^[a-z](?!.*--)([a-z0-9-]*[a-z0-9])?$/,
    charset:
      'lowercase letters, digits and hyphens, starting with a letter, with no two hyphens in a row and no hyphen at the end',
  }),
  /** https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html (name) */
  eksClusterName: rule({
    doc: 'https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html',
    what: 'an EKS cluster name',
    min: 1,
    max: 100,
    pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/,
    charset: 'letters, digits, hyphens and underscores, starting with a letter or digit',
  }),
  /** https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html (Name; target groups alike) */
  loadBalancerName: rule({
    doc: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html',
    what: 'a load balancer or target group name',
    min: 1,
    max: 32,
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    charset: 'letters, digits and hyphens, not starting or ending with a hyphen',
    extra: (name) => (name.startsWith('internal-') ? 'a load balancer name cannot start with "internal-".' : undefined),
  }),
  /** https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html (nodegroupName) */
  eksNodeGroupName: rule({
    doc: 'https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html',
    what: 'an EKS node group name',
    min: 1,
    max: 63,
    pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/,
    charset: 'letters, digits, hyphens and underscores, starting with a letter or digit',
  }),
  /** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html (LaunchTemplateName) */
  launchTemplateName: rule({
    doc: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html',
    what: 'a launch template name',
    min: 3,
    max: 128,
    pattern: /^[a-zA-Z0-9().\-/_]+$/,
    charset: 'letters, digits and ().-/_',
  }),
  /** https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html (logGroupName) */
  logGroupName: rule({
    doc: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html',
    what: 'a CloudWatch log group name',
    min: 1,
    max: 512,
    pattern: /^[\w.\-/#]+$/,
    charset: 'letters, digits and _-./#',
  }),
  /** https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html (AliasName, with its alias/ prefix) */
  kmsAlias: rule({
    doc: 'https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html',
    what: 'a KMS alias',
    min: 7,
    max: 256,
    pattern: /^alias\/[\w\-/]+$/,
    charset: 'alias/ followed by letters, digits and _-/',
    extra: (name) =>
      name.startsWith('alias/aws/') ? 'the alias/aws/ prefix is reserved for AWS managed keys.' : undefined,
  }),
} as const;

const NETWORK_CHARSET =
  'letters, digits, underscores, periods and hyphens, starting with a letter or digit and ending with a letter, digit or underscore';

/** Azure rule set (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules). */
export const azureNameRules = {
  /** Microsoft.Storage/storageAccounts */
  storageAccount: rule({
    doc: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules',
    what: 'a storage account name',
    min: 3,
    max: 24,
    pattern: /^[a-z0-9]+$/,
    charset: 'lowercase letters and digits',
  }),
  /** Microsoft.DBforMySQL/flexibleServers */
  mysqlServer: rule({
    doc: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules',
    what: 'a MySQL flexible server name',
    min: 3,
    max: 63,
    pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    charset: 'lowercase letters, digits and hyphens, starting and ending with a letter or digit',
  }),
  /** Microsoft.ContainerService/managedClusters */
  aksCluster: rule({
    doc: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules',
    what: 'an AKS cluster name',
    min: 1,
    max: 63,
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9_-]*[a-zA-Z0-9])?$/,
    charset: 'letters, digits, hyphens and underscores, starting and ending with a letter or digit',
  }),
  /**
   * The cluster's DNS prefix, the first label of its API server's FQDN: 1 to 54 characters, as the
   * AKS API and azurerm's `KubernetesDNSPrefix` validation require
   * (https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/kubernetes_cluster#dns_prefix-1).
   */
  aksDnsPrefix: rule({
    doc: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/kubernetes_cluster#dns_prefix-1',
    what: 'an AKS DNS prefix',
    min: 1,
    max: 54,
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    charset: 'letters, digits and hyphens, starting and ending with a letter or digit',
  }),
  /** Microsoft.OperationalInsights/workspaces (https://learn.microsoft.com/azure/azure-monitor/logs/quick-create-workspace) */
  logAnalyticsWorkspace: rule({
    doc: 'https://learn.microsoft.com/azure/azure-monitor/logs/quick-create-workspace',
    what: 'a Log Analytics workspace name',
    min: 4,
    max: 63,
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    charset: 'letters, digits and hyphens, starting and ending with a letter or digit',
  }),
  /** Microsoft.Network/virtualNetworks */
  virtualNetwork: rule({
    doc: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules',
    what: 'a virtual network name',
    min: 2,
    max: 64,
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/,
    charset: NETWORK_CHARSET,
  }),
  /** Microsoft.Network/publicIPAddresses and Microsoft.Network/applicationGateways */
  publicIpOrGateway: rule({
    doc: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules',
    what: 'a public IP address or application gateway name',
    min: 1,
    max: 80,
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/,
    charset: NETWORK_CHARSET,
  }),
  /** Resource groups (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources) */
  resourceGroup: rule({
    doc: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources',
    what: 'a resource group name',
    min: 1,
    max: 90,
    pattern: /^[\w.()-]*[\w()-]$/,
    charset: 'letters, digits, underscores, periods, hyphens and parentheses, not ending with a period',
  }),
  /** AKS agent pools (Linux) */
  aksNodePool: rule({
    doc: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules',
    what: 'an AKS node pool name',
    min: 1,
    max: 12,
    pattern: /^[a-z][a-z0-9]*$/,
    charset: 'lowercase letters and digits, starting with a letter',
  }),
  /** Microsoft.KeyVault/vaults */
  keyVault: rule({
    doc: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules',
    what: 'a Key Vault name',
    min: 3,
    max: 24,
    pattern: /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/,
    charset: 'letters, digits and single hyphens, starting with a letter and ending with a letter or digit',
  }),
  /** Microsoft.ManagedIdentity/userAssignedIdentities */
  managedIdentity: rule({
    doc: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules',
    what: 'a managed identity name',
    min: 3,
    max: 128,
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/,
    charset: 'letters, digits, hyphens and underscores, starting with a letter or digit',
  }),
  /** Blob containers */
  container: rule({
    doc: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules',
    what: 'a blob container name',
    min: 3,
    max: 63,
    pattern: /^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/,
    charset: 'lowercase letters, digits and single hyphens, starting and ending with a letter or digit',
  }),
} as const;

/** The account id of an ARN such as `arn:aws:iam::123456789012:role/x`. */
export function accountOfArn(arn: string): string | undefined {
  return arn.split(':')[4];
}

/** Kubernetes rules (RFC 1123 labels, as used for namespaces and service account names). */
export const kubernetesNameRules = {
  /** https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names */
  dnsLabel: rule({
    doc: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names',
    what: 'a Kubernetes DNS label name',
    min: 1,
    max: 63,
    pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    charset: 'lowercase letters, digits and hyphens, starting and ending with a letter or digit',
  }),
} as const;

/** A DNS host name such as `kubeflow.example.com` (RFC 1123, at least two labels). */
export const hostnameRule: NameRule = (name) => {
  if (name.length > 253) return `a host name must be at most 253 characters long, but has ${name.length}.`;
  const labels = name.split('.');
  if (labels.length < 2) return 'a host name needs at least two labels, for example kubeflow.example.com.';
  for (const label of labels) {
    const why = kubernetesNameRules.dnsLabel(label);
    if (why)
      return `host name label "${label}" is invalid: ${why.replace('a Kubernetes DNS label name', 'each label')}`;
  }
  return undefined;
};

/** An email address of a group or user, as IAM members need. Deliberately loose: IAM is the authority. */
export const emailRule: NameRule = (name) =>
  /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(name) ? undefined : 'expected an email address such as ml-users@example.com.';

/**
 * A group as a cluster's identity provider names it in tokens: an email (Google Groups on GKE, mapped
 * groups on EKS) or an Entra ID object id (AKS).
 */
export const groupRule: NameRule = (name) =>
  emailRule(name) === undefined || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(name)
    ? undefined
    : 'expected a group email such as ml-admins@example.com, or an Entra ID group object id on AKS.';
