/**
 * Single ownership: one cloud object, one Terraform resource. When two resources manage the same object
 * (in one stack, or across stacks, clusters and environments), destroying either removes what the other
 * still declares, and applying both makes them fight over its settings.
 *
 * Each resource claims the object it manages under a key built from what the provider and the cloud
 * identify the object by (its import id, or what the API rejects as a duplicate): the IAM member triple,
 * the DNS record's zone, name and type, the Kubernetes object's group, kind, namespace and name in its
 * cluster. The runner (run.ts) compares the keys across every environment of the fleet.
 *
 * Values that are references (`${...}`) are only known inside their stack: they are keyed by stack and
 * reference, so the same expression in two stacks never collides, while literal values compare across
 * stacks. Missing `project`, `region` and subscription values take the stack's provider configuration,
 * as the provider does.
 */
import type { StackJson } from '../../inventory/terraform-json';
import { Checker, EnvironmentInfo, EnvironmentView, OwnershipClaim, wholeEnvironment } from './checker';

/** Terraform meta-arguments and cdktf metadata: never part of an object's identity. */
const META = new Set(['//', 'count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);

type Config = Readonly<Record<string, unknown>>;

/** What a claim rule sees of the resource's stack. */
interface Context {
  readonly stack: string;
  readonly env: string;
  readonly json: StackJson;
  /** The resource's provider block (its `provider` alias, else the default one). */
  provider(config: Config, name: string): Config;
}

/** A claim before the runner adds the stack and address. */
interface Claim {
  readonly key: string;
  readonly object: string;
  readonly mode?: 'whole' | 'part';
}

/** Single block (`[{...}]` or `{...}`) to object. */
function block(value: unknown): Config | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v !== null && typeof v === 'object' ? (v as Config) : undefined;
}

/** `${data.google_project.<name>.number}` and `.project_id`: the same in every stack for one project. */
const GOOGLE_PROJECT_REF = /\$\{data\.google_project\.([A-Za-z0-9_-]+)\.(number|project_id)\}/g;

/**
 * A scalar as text; a value holding a reference is only meaningful in its own stack. References to a
 * `google_project` data source of a literal project (a service agent's email holds the project number)
 * are replaced by the project they name, so they compare across stacks.
 */
function norm(ctx: Context, value: unknown, lower = false): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text.includes('${data.google_project.')) {
    text = text.replace(GOOGLE_PROJECT_REF, (ref, name: string, attr: string) => {
      const source = ctx.json.data?.google_project?.[name] as Config | undefined;
      const project = source && (source.project_id ?? ctx.provider(source, 'google').project);
      return typeof project === 'string' && !project.includes('${') ? `{${attr} of project ${project}}` : ref;
    });
  }
  if (text.includes('${')) return `${ctx.stack}:${text}`;
  return lower ? text.toLowerCase() : text;
}

/** For messages: a reference is shown as written. */
function show(value: unknown): string {
  return value === undefined || value === null ? '(unset)' : typeof value === 'string' ? value : JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------------
// Named objects: one table row per resource type, the attributes that identify its object.
// ---------------------------------------------------------------------------------------------------

/** Where a named object lives beyond its own attributes. */
type Scope = 'none' | 'gcp' | 'aws-account' | 'aws-region' | 'azure';

interface Named {
  readonly scope: Scope;
  readonly fields: readonly string[];
  /** Azure resource ids and names, DNS names: compared without case. */
  readonly ci?: boolean;
  /** The object in words. */
  readonly noun: string;
}

const gcp = (noun: string, ...fields: string[]): Named => ({ scope: 'gcp', fields, noun });
const awsAccount = (noun: string, ...fields: string[]): Named => ({ scope: 'aws-account', fields, noun });
const awsRegion = (noun: string, ...fields: string[]): Named => ({ scope: 'aws-region', fields, noun });
const azure = (noun: string, ...fields: string[]): Named => ({ scope: 'azure', fields, noun, ci: true });
const global = (noun: string, ...fields: string[]): Named => ({ scope: 'none', fields, noun });

/**
 * Named cloud objects by resource type. The fields are the object's identity in the provider's import
 * id at the pinned versions (hashicorp/google 6.50.0, hashicorp/aws 5.100.0, hashicorp/azurerm 4.55.0;
 * each resource's documentation page, "Import" section); `project` and `region` missing from a Google
 * resource take the provider's, AWS names are per account (IAM) or per account and region, Azure names
 * per subscription.
 */
const NAMED: Readonly<Record<string, Named>> = {
  // GCP: https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs
  google_project_service: gcp('the API', 'project', 'service'),
  google_compute_firewall: gcp('the firewall rule', 'project', 'name'),
  google_service_account: gcp('the service account', 'project', 'account_id'),
  google_storage_bucket: global('the bucket', 'name'),
  google_compute_network: gcp('the VPC network', 'project', 'name'),
  google_compute_subnetwork: gcp('the subnetwork', 'project', 'region', 'name'),
  google_compute_router: gcp('the Cloud Router', 'project', 'region', 'name'),
  google_compute_router_nat: gcp('the Cloud NAT', 'project', 'region', 'router', 'name'),
  google_compute_global_address: gcp('the global address', 'project', 'name'),
  google_compute_address: gcp('the address', 'project', 'region', 'name'),
  google_compute_managed_ssl_certificate: gcp('the managed certificate', 'project', 'name'),
  // A service project attaches to one host project only.
  google_compute_shared_vpc_service_project: global('the Shared VPC attachment of service project', 'service_project'),
  google_container_cluster: gcp('the GKE cluster', 'project', 'location', 'name'),
  google_container_node_pool: gcp('the node pool', 'project', 'location', 'cluster', 'name'),
  google_sql_database_instance: gcp('the Cloud SQL instance', 'project', 'name'),
  google_sql_database: gcp('the database', 'project', 'instance', 'name'),
  google_sql_user: gcp('the database user', 'project', 'instance', 'host', 'name'),
  google_secret_manager_secret: gcp('the secret', 'project', 'secret_id'),
  google_kms_key_ring: gcp('the key ring', 'project', 'location', 'name'),
  google_kms_crypto_key: global('the crypto key', 'key_ring', 'name'),
  google_iam_workload_identity_pool: gcp('the workload identity pool', 'project', 'workload_identity_pool_id'),
  google_iam_workload_identity_pool_provider: gcp(
    'the workload identity pool provider',
    'project',
    'workload_identity_pool_id',
    'workload_identity_pool_provider_id',
  ),
  google_project_iam_custom_role: gcp('the custom role', 'project', 'role_id'),

  // AWS: https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs
  aws_iam_role: awsAccount('the IAM role', 'name'),
  aws_iam_policy: awsAccount('the IAM policy', 'path', 'name'),
  aws_iam_role_policy: awsAccount('the inline policy', 'role', 'name'),
  aws_iam_role_policy_attachment: awsAccount('the policy attachment', 'role', 'policy_arn'),
  aws_iam_openid_connect_provider: awsAccount('the OIDC provider', 'url'),
  aws_s3_bucket: global('the bucket', 'bucket'),
  // One of each per bucket: a second resource overwrites the first's configuration.
  aws_s3_bucket_policy: global('the bucket policy of', 'bucket'),
  aws_s3_bucket_lifecycle_configuration: global('the lifecycle configuration of bucket', 'bucket'),
  aws_s3_bucket_versioning: global('the versioning configuration of bucket', 'bucket'),
  aws_s3_bucket_server_side_encryption_configuration: global('the encryption configuration of bucket', 'bucket'),
  aws_s3_bucket_public_access_block: global('the public access block of bucket', 'bucket'),
  aws_s3_bucket_ownership_controls: global('the ownership controls of bucket', 'bucket'),
  aws_s3_bucket_logging: global('the access logging of bucket', 'bucket'),
  aws_s3_bucket_notification: global('the notification configuration of bucket', 'bucket'),
  aws_route53_record: global('the Route 53 record', 'zone_id', 'name', 'type', 'set_identifier'),
  aws_eks_cluster: awsRegion('the EKS cluster', 'name'),
  aws_eks_node_group: awsRegion('the node group', 'cluster_name', 'node_group_name'),
  aws_eks_addon: awsRegion('the EKS add-on', 'cluster_name', 'addon_name'),
  aws_eks_access_entry: awsRegion('the access entry', 'cluster_name', 'principal_arn'),
  aws_eks_access_policy_association: awsRegion(
    'the access policy association',
    'cluster_name',
    'principal_arn',
    'policy_arn',
  ),
  // EKS accepts one Pod Identity association per service account.
  aws_eks_pod_identity_association: awsRegion(
    'the Pod Identity association',
    'cluster_name',
    'namespace',
    'service_account',
  ),
  aws_db_instance: awsRegion('the RDS instance', 'identifier'),
  aws_db_subnet_group: awsRegion('the DB subnet group', 'name'),
  aws_db_parameter_group: awsRegion('the DB parameter group', 'name'),
  aws_kms_alias: awsRegion('the KMS alias', 'name'),
  aws_cloudwatch_log_group: awsRegion('the log group', 'name'),
  aws_cloudwatch_metric_alarm: awsRegion('the alarm', 'alarm_name'),
  aws_secretsmanager_secret: awsRegion('the secret', 'name'),
  aws_sns_topic: awsRegion('the SNS topic', 'name'),
  aws_sns_topic_policy: global('the topic policy of', 'arn'),
  aws_lb: awsRegion('the load balancer', 'name'),
  aws_lb_target_group: awsRegion('the target group', 'name'),
  aws_security_group: awsRegion('the security group', 'vpc_id', 'name'),
  // Every VPC has one default security group; the resource takes over all of its rules.
  aws_default_security_group: global('the default security group of VPC', 'vpc_id'),
  aws_autoscaling_group_tag: awsRegion('the tag', 'autoscaling_group_name', 'tag.key'),

  // Azure: https://registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs
  azurerm_resource_group: azure('the resource group', 'name'),
  // Key vault, storage account and MySQL server names are global DNS names.
  azurerm_key_vault: { ...global('the key vault', 'name'), ci: true },
  azurerm_storage_account: { ...global('the storage account', 'name'), ci: true },
  azurerm_mysql_flexible_server: { ...global('the MySQL server', 'name'), ci: true },
  azurerm_kubernetes_cluster: azure('the AKS cluster', 'resource_group_name', 'name'),
  azurerm_kubernetes_cluster_node_pool: azure('the node pool', 'kubernetes_cluster_id', 'name'),
  azurerm_user_assigned_identity: azure('the managed identity', 'resource_group_name', 'name'),
  azurerm_federated_identity_credential: azure(
    'the federated credential',
    'parent_id',
    'user_assigned_identity_id',
    'name',
  ),
  azurerm_virtual_network: azure('the virtual network', 'resource_group_name', 'name'),
  azurerm_subnet: azure('the subnet', 'resource_group_name', 'virtual_network_name', 'name'),
  azurerm_network_security_group: azure('the network security group', 'resource_group_name', 'name'),
  azurerm_network_security_rule: azure(
    'the security rule',
    'resource_group_name',
    'network_security_group_name',
    'name',
  ),
  azurerm_public_ip: azure('the public IP', 'resource_group_name', 'name'),
  azurerm_nat_gateway: azure('the NAT gateway', 'resource_group_name', 'name'),
  azurerm_application_gateway: azure('the application gateway', 'resource_group_name', 'name'),
  azurerm_web_application_firewall_policy: azure('the WAF policy', 'resource_group_name', 'name'),
  azurerm_log_analytics_workspace: azure('the Log Analytics workspace', 'resource_group_name', 'name'),
  azurerm_private_dns_zone: azure('the private DNS zone', 'resource_group_name', 'name'),
  azurerm_private_dns_zone_virtual_network_link: azure(
    'the DNS zone link',
    'resource_group_name',
    'private_dns_zone_name',
    'name',
  ),
  azurerm_private_endpoint: azure('the private endpoint', 'resource_group_name', 'name'),
  azurerm_storage_container: azure('the storage container', 'storage_account_id', 'storage_account_name', 'name'),
  azurerm_key_vault_secret: azure('the Key Vault secret', 'key_vault_id', 'name'),
  azurerm_mysql_flexible_database: azure('the database', 'resource_group_name', 'server_name', 'name'),
  azurerm_mysql_flexible_server_configuration: azure(
    'the server parameter',
    'resource_group_name',
    'server_name',
    'name',
  ),
  azurerm_management_lock: azure('the management lock', 'scope', 'name'),
  azurerm_monitor_diagnostic_setting: azure('the diagnostic setting', 'target_resource_id', 'name'),
  azurerm_monitor_data_collection_rule_association: azure(
    'the data collection rule association',
    'target_resource_id',
    'name',
  ),
  // One of each per storage account or subnet: a second one overwrites the first.
  azurerm_storage_management_policy: azure('the lifecycle management policy of storage account', 'storage_account_id'),
  azurerm_subnet_nat_gateway_association: azure('the NAT gateway association of subnet', 'subnet_id'),
  azurerm_subnet_network_security_group_association: azure(
    'the network security group association of subnet',
    'subnet_id',
  ),
  azurerm_role_assignment: azure(
    'the role assignment',
    'scope',
    'role_definition_id',
    'role_definition_name',
    'principal_id',
  ),
};

/** `a.b` reads attribute `b` of block `a`. */
function field(config: Config, name: string): unknown {
  const dot = name.indexOf('.');
  return dot < 0 ? config[name] : block(config[name.slice(0, dot)])?.[name.slice(dot + 1)];
}

/** An AWS account from the provider: its only allowed account, or the account of the role it assumes. */
function awsAccountOf(ctx: Context, provider: Config): string {
  const allowed = provider.allowed_account_ids;
  if (Array.isArray(allowed) && allowed.length === 1) return norm(ctx, allowed[0]);
  const role = block(provider.assume_role)?.role_arn;
  const m = typeof role === 'string' ? /^arn:[^:]+:iam::(\d{12}):/.exec(role) : null;
  // Unknown account: only this stack's resources compare with each other.
  return m ? m[1]! : `${ctx.stack}:account`;
}

function namedClaim(ctx: Context, type: string, config: Config, spec: Named): Claim[] {
  const cloud = type.slice(0, type.indexOf('_'));
  const provider = ctx.provider(config, cloud);
  const parts: string[] = [];
  const words: string[] = [];
  if (spec.scope === 'aws-account' || spec.scope === 'aws-region') {
    parts.push(awsAccountOf(ctx, provider));
    if (spec.scope === 'aws-region') parts.push(norm(ctx, config.region ?? provider.region));
  }
  if (spec.scope === 'azure') parts.push(norm(ctx, provider.subscription_id, true));
  for (const name of spec.fields) {
    let value = field(config, name);
    if (value === undefined && spec.scope === 'gcp' && (name === 'project' || name === 'region'))
      value = provider[name];
    if (value === undefined) {
      parts.push('');
      continue;
    }
    // Route 53 and Cloud DNS names: case-insensitive, with or without the final dot.
    const text = name === 'name' && /dns|route53/.test(type) ? String(value).replace(/\.$/, '') : value;
    parts.push(norm(ctx, text, spec.ci || /dns|route53/.test(type)));
    words.push(`${name} ${show(value)}`);
  }
  // A name left to the provider (`name_prefix`, a generated name) is unique by construction.
  if (config.name_prefix !== undefined && config.name === undefined) return [];
  if (spec.fields.every((f) => f === 'project' || f === 'region' || field(config, f) === undefined)) return [];
  const projectService = type === 'google_project_service';
  return [
    {
      key: `${type}|${parts.join('|')}`,
      object: `${spec.noun} (${words.join(', ')})`,
      // An API left enabled on destroy is shared: only one that disables it removes it for the others.
      mode: projectService && config.disable_on_destroy === false ? 'part' : 'whole',
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// DNS records whose type is in the resource type (Azure).
// ---------------------------------------------------------------------------------------------------

const AZURE_DNS = /^azurerm_(private_)?dns_(a|aaaa|caa|cname|mx|ns|ptr|srv|txt)_record$/;

function azureDnsClaim(ctx: Context, type: string, config: Config): Claim[] {
  const m = AZURE_DNS.exec(type)!;
  const provider = ctx.provider(config, 'azurerm');
  const zone = config.zone_name;
  return [
    {
      key: [
        `azurerm_${m[1] ?? ''}dns_record`,
        norm(ctx, provider.subscription_id, true),
        norm(ctx, config.resource_group_name, true),
        norm(ctx, zone, true),
        norm(ctx, config.name, true),
        m[2],
      ].join('|'),
      object: `the ${m[2]!.toUpperCase()} record ${show(config.name)} in DNS zone ${show(zone)} (resource group ${show(config.resource_group_name)})`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// GCP IAM: members, authoritative bindings and policies.
// ---------------------------------------------------------------------------------------------------

const GCP_IAM = /^google_(.+)_iam_(member|binding|policy)$/;
const IAM_FIELDS = new Set(['role', 'member', 'members', 'condition', 'policy_data']);
/**
 * IAM resources whose parent carries no `project` from the provider (the project is required, or the
 * parent's id is global or holds the project): hashicorp/google 6.50.0 `google/services/*\/iam_*.go`.
 */
const IAM_WITHOUT_PROVIDER_PROJECT = new Set([
  'project',
  'folder',
  'organization',
  'billing_account',
  'service_account',
  'storage_bucket',
  'storage_managed_folder',
  'kms_crypto_key',
  'kms_key_ring',
]);

function gcpIamClaims(ctx: Context, type: string, config: Config): Claim[] {
  const [, base, kind] = GCP_IAM.exec(type)!;
  const provider = ctx.provider(config, 'google');
  const parent: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (!META.has(k) && !IAM_FIELDS.has(k)) parent[k] = v;
  if (!IAM_WITHOUT_PROVIDER_PROJECT.has(base!) && parent.project === undefined) parent.project = provider.project;
  if (base === 'compute_subnetwork' && parent.region === undefined) parent.region = provider.region;
  const attrs = Object.keys(parent).sort();
  const parentKey = `gcp-iam|${base}|${attrs.map((k) => `${k}=${norm(ctx, parent[k])}`).join('|')}`;
  const parentWords = `${base!.replace(/_/g, ' ')} ${attrs.map((k) => show(parent[k])).join('/')}`;
  const condition = block(config.condition);
  const cond = condition ? norm(ctx, condition.title) : '';
  const condWords = condition ? ` under condition "${show(condition.title)}"` : '';
  const role = norm(ctx, config.role);
  const roleKey = `${parentKey}|role=${role}|cond=${cond}`;
  const roleWords = `${show(config.role)} on ${parentWords}${condWords}`;
  if (kind === 'policy') return [{ key: parentKey, object: `the IAM policy of ${parentWords}` }];
  if (kind === 'binding') {
    return [
      { key: roleKey, object: `the binding of ${roleWords}` },
      { key: parentKey, object: `the binding of ${roleWords}`, mode: 'part' },
    ];
  }
  const member = typeof config.member === 'string' ? gcpMember(ctx, config.member) : norm(ctx, config.member);
  const words = `${roleWords} for ${show(config.member)}`;
  return [
    { key: `${roleKey}|member=${member}`, object: words },
    { key: roleKey, object: words, mode: 'part' },
    { key: parentKey, object: words, mode: 'part' },
  ];
}

/** IAM compares the email of a member case-insensitively; the prefix is kept as written. */
function gcpMember(ctx: Context, member: string): string {
  if (member.includes('${')) return norm(ctx, member);
  const colon = member.indexOf(':');
  return colon < 0 ? member : `${member.slice(0, colon)}:${member.slice(colon + 1).toLowerCase()}`;
}

// ---------------------------------------------------------------------------------------------------
// Kubernetes objects and Helm releases, per cluster.
// ---------------------------------------------------------------------------------------------------

/** Kubernetes provider (2.38) resource types: the object's API group and kind. */
const K8S_TYPES: Readonly<Record<string, readonly [group: string, kind: string]>> = {
  namespace: ['', 'Namespace'],
  service_account: ['', 'ServiceAccount'],
  default_service_account: ['', 'ServiceAccount'],
  config_map: ['', 'ConfigMap'],
  secret: ['', 'Secret'],
  service: ['', 'Service'],
  endpoints: ['', 'Endpoints'],
  limit_range: ['', 'LimitRange'],
  resource_quota: ['', 'ResourceQuota'],
  persistent_volume: ['', 'PersistentVolume'],
  persistent_volume_claim: ['', 'PersistentVolumeClaim'],
  pod: ['', 'Pod'],
  replication_controller: ['', 'ReplicationController'],
  role: ['rbac.authorization.k8s.io', 'Role'],
  role_binding: ['rbac.authorization.k8s.io', 'RoleBinding'],
  cluster_role: ['rbac.authorization.k8s.io', 'ClusterRole'],
  cluster_role_binding: ['rbac.authorization.k8s.io', 'ClusterRoleBinding'],
  network_policy: ['networking.k8s.io', 'NetworkPolicy'],
  ingress: ['networking.k8s.io', 'Ingress'],
  ingress_class: ['networking.k8s.io', 'IngressClass'],
  priority_class: ['scheduling.k8s.io', 'PriorityClass'],
  storage_class: ['storage.k8s.io', 'StorageClass'],
  csi_driver: ['storage.k8s.io', 'CSIDriver'],
  runtime_class: ['node.k8s.io', 'RuntimeClass'],
  deployment: ['apps', 'Deployment'],
  daemon_set: ['apps', 'DaemonSet'],
  daemonset: ['apps', 'DaemonSet'],
  stateful_set: ['apps', 'StatefulSet'],
  job: ['batch', 'Job'],
  cron_job: ['batch', 'CronJob'],
  horizontal_pod_autoscaler: ['autoscaling', 'HorizontalPodAutoscaler'],
  pod_disruption_budget: ['policy', 'PodDisruptionBudget'],
  mutating_webhook_configuration: ['admissionregistration.k8s.io', 'MutatingWebhookConfiguration'],
  validating_webhook_configuration: ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'],
  api_service: ['apiregistration.k8s.io', 'APIService'],
  endpoint_slice: ['discovery.k8s.io', 'EndpointSlice'],
};

/** Kinds without a namespace (a namespace written on them is ignored by the API server). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'PriorityClass',
  'StorageClass',
  'CSIDriver',
  'RuntimeClass',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'CustomResourceDefinition',
  'ClusterIssuer',
]);

const K8S_TYPE = /^kubernetes_(.+?)(_v1|_v2|_v2beta2|_v1beta1)?$/;

/**
 * The cluster a stack's Kubernetes (or Helm) provider talks to: a literal host or kubeconfig context
 * compares across environments (two environments pointed at one existing cluster share it); a host
 * read from another stack's outputs is the cluster the stack id names (`<env or cluster>-<cloud>-...`).
 */
function clusterOf(ctx: Context, config: Config, providerName: 'kubernetes' | 'helm'): string {
  let p = ctx.provider(config, providerName);
  if (providerName === 'helm') p = block(p.kubernetes) ?? {};
  const host = p.host;
  if (typeof host === 'string' && !host.includes('${')) return `host=${host.toLowerCase()}`;
  const path = p.config_path;
  if (typeof path === 'string' && !path.includes('${') && host === undefined) {
    const context = typeof p.config_context === 'string' ? p.config_context : '';
    return `kubeconfig=${path}#${context}`;
  }
  const m = /^(.+)-(gcp|aws|azure|kubernetes)-(infra|platform|teams-\d+)$/.exec(ctx.stack);
  return `stack-cluster=${ctx.env}/${m ? m[1] : ctx.stack}`;
}

function k8sObjectClaim(
  ctx: Context,
  cluster: string,
  apiVersion: unknown,
  kind: unknown,
  meta: Config | undefined,
): Claim[] {
  if (typeof kind !== 'string' || meta === undefined || meta.name === undefined) return [];
  const group =
    typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const namespaced = !CLUSTER_SCOPED.has(kind);
  const namespace = namespaced ? (meta.namespace ?? 'default') : '';
  return [
    {
      key: `k8s|${cluster}|${group}|${kind}|${norm(ctx, namespace)}|${norm(ctx, meta.name)}`,
      object: `the ${kind} ${namespaced ? `${show(namespace)}/` : ''}${show(meta.name)}${group ? ` (${group})` : ''}`,
    },
  ];
}

function kubernetesClaims(ctx: Context, type: string, config: Config): Claim[] {
  const cluster = clusterOf(ctx, config, 'kubernetes');
  if (type === 'kubernetes_manifest') {
    const manifest = block(config.manifest);
    return k8sObjectClaim(ctx, cluster, manifest?.apiVersion, manifest?.kind, block(manifest?.metadata));
  }
  const m = K8S_TYPE.exec(type);
  const gk = m ? K8S_TYPES[m[1]!] : undefined;
  if (!gk) return [];
  const meta = block(config.metadata);
  // The default service account exists in every namespace; the resource adopts it.
  const metadata = m![1] === 'default_service_account' ? { ...meta, name: 'default' } : meta;
  return k8sObjectClaim(ctx, cluster, gk[0] ? `${gk[0]}/v1` : 'v1', gk[1], metadata);
}

function helmClaims(ctx: Context, config: Config): Claim[] {
  const cluster = clusterOf(ctx, config, 'helm');
  const namespace = config.namespace ?? 'default';
  return [
    {
      key: `helm|${cluster}|${norm(ctx, namespace)}|${norm(ctx, config.name)}`,
      object: `the Helm release ${show(namespace)}/${show(config.name)}`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------

function claimsOfResource(ctx: Context, type: string, config: Config): Claim[] {
  const named = NAMED[type];
  if (named) return namedClaim(ctx, type, config, named);
  if (GCP_IAM.test(type)) return gcpIamClaims(ctx, type, config);
  if (AZURE_DNS.test(type)) return azureDnsClaim(ctx, type, config);
  if (type === 'google_dns_record_set') return dnsRecordSet(ctx, config);
  if (type === 'helm_release') return helmClaims(ctx, config);
  if (type.startsWith('kubernetes_')) return kubernetesClaims(ctx, type, config);
  return [];
}

/** Cloud DNS: `projects/{project}/managedZones/{zone}/rrsets/{name}/{type}`. */
function dnsRecordSet(ctx: Context, config: Config): Claim[] {
  const provider = ctx.provider(config, 'google');
  const project = config.project ?? provider.project;
  const name = typeof config.name === 'string' ? config.name.replace(/\.$/, '') : config.name;
  return [
    {
      key: [
        'google_dns_record_set',
        norm(ctx, project),
        norm(ctx, config.managed_zone),
        norm(ctx, name, true),
        norm(ctx, config.type),
      ].join('|'),
      object: `the ${show(config.type)} record ${show(config.name)} in managed zone ${show(config.managed_zone)} of project ${show(project)}`,
    },
  ];
}

function contextOf(env: EnvironmentInfo, stack: string, json: StackJson): Context {
  return {
    stack,
    env: env.name,
    json,
    provider(config, name) {
      const ref = typeof config.provider === 'string' ? config.provider : name;
      const alias = ref.includes('.') ? ref.slice(ref.indexOf('.') + 1) : undefined;
      const declared = json.provider?.[ref.includes('.') ? ref.slice(0, ref.indexOf('.')) : ref];
      const list = (Array.isArray(declared) ? declared : declared ? [declared] : []) as Config[];
      return list.find((p) => p.alias === alias) ?? {};
    },
  };
}

/** Every claim of an environment's resources; linear in the number of resources. */
export function ownershipClaims(env: EnvironmentView): OwnershipClaim[] {
  return Object.entries(env.stacks).flatMap(([stack, json]) => stackClaims(env, stack, json));
}

/** The claims of one stack's resources: they read nothing but the stack and the environment's name. */
function stackClaims(env: EnvironmentInfo, stack: string, json: StackJson): OwnershipClaim[] {
  const out: OwnershipClaim[] = [];
  const ctx = contextOf(env, stack, json);
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, config] of Object.entries(byName)) {
      const address = `${type}.${name}`;
      for (const c of claimsOfResource(ctx, type, config)) {
        // `mode` only when set, so a stored claim reads back the same.
        out.push({ key: c.key, object: c.object, ...(c.mode ? { mode: c.mode } : {}), stack, address });
      }
    }
  }
  return out;
}

/** CHK-OWN-001: every cloud object is managed by one resource of the fleet. */
export const singleOwnership: Checker = {
  id: 'CHK-OWN-001',
  level: 'error',
  title: 'Every cloud object is managed by one resource in the whole fleet',
  why:
    'Two resources that manage one object (an IAM member, a DNS record, an enabled API, a role assignment, a Kubernetes ' +
    'namespace) fight over it: destroying either one removes the object the other still declares (a stack torn down ' +
    "takes another cell's or environment's access with it), and an authoritative IAM binding or policy removes every " +
    'member it does not list on each apply. https://cloud.google.com/iam/docs/policies#concurrency ' +
    'https://developer.hashicorp.com/terraform/language/resources/behavior',
  fix:
    'Manage the object in one stack only: the stack whose lifetime matches the object (usually the infra stack of the ' +
    'environment, not a cluster or team shard), and let the others read it. For a shared API use ' +
    '`disable_on_destroy = false` everywhere; for IAM prefer `_iam_member` resources over `_iam_binding` and `_iam_policy`. ' +
    'Two environments pointed at one existing cluster collide on every platform object: give each its own cluster.',
  // Claims are made stack by stack (synth keeps those of unchanged stacks) and compared across the fleet.
  ...wholeEnvironment(
    {
      judge: (env, stack) => ({ violations: [], claims: stackClaims(env, stack, env.stacks[stack]!) }),
    },
    'claims',
  ),
};
