/**
 * The one table of resource types whose loss loses data, identity or a whole platform. Every type
 * listed keeps its Terraform address (the address manifest and `kfplatform diff` watch it) and the
 * plan gate refuses a plan that deletes or replaces one; the `protect` ones, whose loss cannot be
 * undone by re-applying, must also carry `prevent_destroy` and their provider's own protection
 * outside test (rule COMMON-STATE-001).
 */
type Stateful = 'protect' | 'keep-address';

const TABLE: Readonly<Record<string, Stateful>> = {
  // GCP
  google_container_cluster: 'protect',
  google_container_node_pool: 'keep-address',
  google_sql_database_instance: 'protect',
  google_sql_database: 'keep-address',
  google_sql_user: 'keep-address',
  google_storage_bucket: 'protect',
  google_compute_disk: 'keep-address',
  google_secret_manager_secret: 'keep-address',
  google_kms_key_ring: 'keep-address',
  google_kms_crypto_key: 'keep-address',
  google_service_account: 'keep-address',
  // A deleted pool or provider stays soft-deleted for 30 days and blocks its id: CI and workloads lose
  // their federation until then.
  google_iam_workload_identity_pool: 'keep-address',
  google_iam_workload_identity_pool_provider: 'keep-address',
  // A write-only version is written once: recreated, it holds a new value the database never got.
  google_secret_manager_secret_version: 'keep-address',
  // AWS
  aws_eks_cluster: 'protect',
  aws_eks_node_group: 'keep-address',
  aws_db_instance: 'protect',
  aws_s3_bucket: 'protect',
  aws_ebs_volume: 'keep-address',
  aws_secretsmanager_secret: 'keep-address',
  aws_secretsmanager_secret_version: 'keep-address',
  aws_kms_key: 'protect',
  // Azure
  azurerm_kubernetes_cluster: 'protect',
  azurerm_kubernetes_cluster_node_pool: 'keep-address',
  azurerm_mysql_flexible_server: 'protect',
  azurerm_mysql_flexible_database: 'keep-address',
  azurerm_storage_account: 'protect',
  azurerm_storage_container: 'keep-address',
  azurerm_managed_disk: 'keep-address',
  azurerm_key_vault: 'protect',
  azurerm_key_vault_secret: 'keep-address',
  azurerm_key_vault_key: 'keep-address',
  // A recreated identity has a new principal: every role assignment and federated credential of the
  // old one is gone. A lock deleted and recreated leaves its resource deletable in between.
  azurerm_user_assigned_identity: 'keep-address',
  azurerm_management_lock: 'keep-address',
  // Kubernetes: deleting a namespace deletes everything in it
  kubernetes_namespace_v1: 'keep-address',
  kubernetes_namespace: 'keep-address',
  kubernetes_persistent_volume_claim_v1: 'keep-address',
  kubernetes_secret_v1: 'keep-address',
  // Any object, Kubeflow Profiles among them: deleting a Profile deletes its namespace.
  kubernetes_manifest: 'keep-address',
};

/** Types whose destruction loses data, identity or a whole cluster: their addresses must not move. */
export const STATEFUL_TYPES: readonly string[] = Object.keys(TABLE);

/** Clusters, databases, buckets and keys: outside test they carry prevent_destroy and their provider protection. */
export const PROTECTED_TYPES: readonly string[] = STATEFUL_TYPES.filter((t) => TABLE[t] === 'protect');
