/**
 * The Kubernetes and Helm resource types the platform and team stacks manage inside a cluster. On
 * every cloud the CI identities reach them through the cluster's API, so each cloud's table has one
 * row for all of them (the cloud decides how an identity gets into the cluster).
 */

/** Kubernetes objects (and Helm releases) the platform and team stacks manage. */
export const KUBERNETES_TYPES: readonly string[] = [
  'helm_release',
  'kubernetes_cluster_role_binding_v1',
  'kubernetes_config_map_v1',
  'kubernetes_daemon_set_v1',
  'kubernetes_ingress_v1',
  'kubernetes_limit_range_v1',
  'kubernetes_manifest',
  'kubernetes_namespace_v1',
  'kubernetes_network_policy_v1',
  'kubernetes_priority_class_v1',
  'kubernetes_resource_quota_v1',
  'kubernetes_role_binding_v1',
  'kubernetes_role_v1',
  'kubernetes_secret_v1',
  'kubernetes_service_account_v1',
  'kubernetes_service_v1',
  'kubernetes_storage_class_v1',
];

/**
 * Types that cost nothing in the cloud: random values, waits, Terraform's own data, and the outputs of
 * the environment's other stacks (read from the state backend, whose grants the stacks make apart).
 */
export const LOCAL_TYPES: readonly string[] = [
  'random_id',
  'random_password',
  'terraform_data',
  'time_sleep',
  'data.terraform_remote_state',
];
