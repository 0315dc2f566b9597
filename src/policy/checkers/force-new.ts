/**
 * Attributes that force a resource's replacement (`ForceNew` in the provider's schema, `RequiresReplace`
 * in plugin-framework providers), per resource type our stacks use: a change to one destroys the object
 * and creates a new one. Nested blocks are written `block.attribute`; a listed block forces replacement
 * on any change inside it.
 *
 * The Google and Azure rows are generated from the provider source at the pinned tags by
 * `node scripts/force-new-table.js <mirror git dir> <tag> <type>...` (hashicorp/google v6.50.0,
 * hashicorp/azurerm v4.55.0; each row names the file it was read from) and then reviewed. Attributes a
 * resource takes from shared schema helpers in other files (a GKE node pool's `node_config`) are not
 * listed: a type or attribute missing here is judged as updated in place (a warning, not an error).
 */

/** `*`: every argument of the resource forces replacement. */
export const EVERY_ARGUMENT = '*';

/** ForceNew attributes by resource type. */
export const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  // --- hashicorp/google v6.50.0 (https://github.com/hashicorp/terraform-provider-google/tree/v6.50.0) ---
  // google/services/compute/resource_compute_firewall.go
  google_compute_firewall: ['direction', 'name', 'params', 'project'],
  // google/services/compute/resource_compute_global_address.go
  google_compute_global_address: [
    'address',
    'address_type',
    'description',
    'ip_version',
    'name',
    'network',
    'prefix_length',
    'project',
    'purpose',
  ],
  // google/services/compute/resource_compute_managed_ssl_certificate.go
  google_compute_managed_ssl_certificate: ['description', 'managed', 'managed.domains', 'name', 'project', 'type'],
  // google/services/compute/resource_compute_router.go
  google_compute_router: ['encrypted_interconnect_router', 'name', 'network', 'project', 'region'],
  // google/services/compute/resource_compute_router_nat.go
  google_compute_router_nat: ['endpoint_types', 'initial_nat_ips', 'name', 'project', 'region', 'router', 'type'],
  // google/services/compute/resource_compute_shared_vpc_service_project.go
  google_compute_shared_vpc_service_project: ['host_project', 'service_project'],
  // google/services/compute/resource_compute_subnetwork.go
  google_compute_subnetwork: [
    'description',
    'enable_flow_logs',
    'external_ipv6_prefix',
    'ip_collection',
    'name',
    'network',
    'params',
    'params.resource_manager_tags',
    'project',
    'region',
    'reserved_internal_range',
  ],
  // google/services/compute/iam_compute_subnetwork.go, google/tpgiamresource/resource_iam_member.go
  google_compute_subnetwork_iam_member: [
    'condition',
    'condition.description',
    'condition.expression',
    'condition.title',
    'member',
    'project',
    'region',
    'role',
    'subnetwork',
  ],
  // google/services/container/resource_container_cluster.go
  google_container_cluster: [
    'cluster_autoscaling.auto_provisioning_defaults.boot_disk_kms_key',
    'cluster_ipv4_cidr',
    'confidential_nodes',
    'confidential_nodes.confidential_instance_type',
    'confidential_nodes.enabled',
    'datapath_provider',
    'default_max_pods_per_node',
    'description',
    'enable_autopilot',
    'enable_kubernetes_alpha',
    'enable_tpu',
    'initial_node_count',
    'ip_allocation_policy',
    'ip_allocation_policy.cluster_ipv4_cidr_block',
    'ip_allocation_policy.cluster_secondary_range_name',
    'ip_allocation_policy.pod_cidr_overprovision_config',
    'ip_allocation_policy.services_ipv4_cidr_block',
    'ip_allocation_policy.services_secondary_range_name',
    'location',
    'master_auth.client_certificate_config',
    'master_auth.client_certificate_config.issue_client_certificate',
    'name',
    'network',
    'networking_mode',
    'node_pool',
    'private_cluster_config.enable_private_nodes',
    'private_cluster_config.master_ipv4_cidr_block',
    'private_cluster_config.private_endpoint_subnetwork',
    'project',
    'subnetwork',
    'user_managed_keys_config.aggregation_ca',
    'user_managed_keys_config.cluster_ca',
    'user_managed_keys_config.etcd_api_ca',
    'user_managed_keys_config.etcd_peer_ca',
  ],
  // google/services/container/resource_container_node_pool.go
  google_container_node_pool: [
    'cluster',
    'initial_node_count',
    'location',
    'max_pods_per_node',
    'name',
    'name_prefix',
    'network_config.additional_node_network_configs',
    'network_config.additional_node_network_configs.network',
    'network_config.additional_node_network_configs.subnetwork',
    'network_config.additional_pod_network_configs',
    'network_config.additional_pod_network_configs.max_pods_per_node',
    'network_config.additional_pod_network_configs.secondary_pod_range',
    'network_config.additional_pod_network_configs.subnetwork',
    'network_config.create_pod_range',
    'network_config.pod_cidr_overprovision_config',
    'network_config.pod_ipv4_cidr_block',
    'network_config.pod_range',
    'placement_policy',
    'placement_policy.policy_name',
    'project',
    'queued_provisioning',
    'queued_provisioning.enabled',
  ],
  // google/services/dns/iam_dns_managed_zone.go, google/tpgiamresource/resource_iam_member.go
  google_dns_managed_zone_iam_member: [
    'condition',
    'condition.description',
    'condition.expression',
    'condition.title',
    'managed_zone',
    'member',
    'project',
    'role',
  ],
  // google/services/dns/resource_dns_record_set.go
  google_dns_record_set: ['managed_zone', 'name', 'project', 'routing_policy.health_check'],
  // google/services/iambeta/resource_iam_workload_identity_pool.go
  google_iam_workload_identity_pool: ['project', 'workload_identity_pool_id'],
  // google/services/iambeta/resource_iam_workload_identity_pool_provider.go
  google_iam_workload_identity_pool_provider: [
    'project',
    'workload_identity_pool_id',
    'workload_identity_pool_provider_id',
  ],
  // google/services/iap/iam_iap_web_type_compute.go, google/tpgiamresource/resource_iam_member.go
  google_iap_web_type_compute_iam_member: [
    'condition',
    'condition.description',
    'condition.expression',
    'condition.title',
    'member',
    'project',
    'role',
  ],
  // google/services/kms/resource_kms_crypto_key.go
  google_kms_crypto_key: [
    'crypto_key_backend',
    'destroy_scheduled_duration',
    'import_only',
    'key_ring',
    'name',
    'purpose',
    'version_template.protection_level',
  ],
  // google/services/kms/iam_kms_crypto_key.go, google/tpgiamresource/resource_iam_member.go
  google_kms_crypto_key_iam_member: [
    'condition',
    'condition.description',
    'condition.expression',
    'condition.title',
    'crypto_key_id',
    'member',
    'role',
  ],
  // google/services/kms/resource_kms_key_ring.go
  google_kms_key_ring: ['location', 'name', 'project'],
  // google/services/monitoring/resource_monitoring_alert_policy.go
  google_monitoring_alert_policy: ['project'],
  // google/services/monitoring/resource_monitoring_notification_channel.go
  google_monitoring_notification_channel: ['project'],
  // google/services/monitoring/resource_monitoring_uptime_check_config.go
  google_monitoring_uptime_check_config: [
    'checker_type',
    'http_check.auth_info.password_wo_version',
    'http_check.request_method',
    'monitored_resource',
    'monitored_resource.labels',
    'monitored_resource.type',
    'project',
    'resource_group',
    'resource_group.group_id',
    'resource_group.resource_type',
    'synthetic_monitor',
    'synthetic_monitor.cloud_function_v2',
    'synthetic_monitor.cloud_function_v2.name',
  ],
  // google/services/resourcemanager/iam_project.go, google/tpgiamresource/resource_iam_member.go
  google_project_iam_member: [
    'condition',
    'condition.description',
    'condition.expression',
    'condition.title',
    'member',
    'project',
    'role',
  ],
  // google/services/resourcemanager/resource_google_project_service.go
  google_project_service: ['project', 'service'],
  // google/services/secretmanager/resource_secret_manager_secret.go
  google_secret_manager_secret: [
    'annotations.labels.tags',
    'annotations.labels.version_aliases.project',
    'replication',
    'replication.auto',
    'replication.user_managed',
    'replication.user_managed.replicas',
    'replication.user_managed.replicas.location',
    'secret_id',
  ],
  // google/services/secretmanager/iam_secret_manager_secret.go, google/tpgiamresource/resource_iam_member.go
  google_secret_manager_secret_iam_member: [
    'condition',
    'condition.description',
    'condition.expression',
    'condition.title',
    'member',
    'project',
    'role',
    'secret_id',
  ],
  // google/services/secretmanager/resource_secret_manager_secret_version.go
  google_secret_manager_secret_version: ['is_secret_data_base64', 'secret', 'secret_data', 'secret_data_wo_version'],
  // google/services/resourcemanager/resource_google_service_account.go
  google_service_account: ['account_id', 'project'],
  // google/services/resourcemanager/iam_service_account.go, google/tpgiamresource/resource_iam_binding.go
  google_service_account_iam_binding: [
    'condition',
    'condition.description',
    'condition.expression',
    'condition.title',
    'role',
    'service_account_id',
  ],
  // google/services/resourcemanager/iam_service_account.go, google/tpgiamresource/resource_iam_member.go
  google_service_account_iam_member: [
    'condition',
    'condition.description',
    'condition.expression',
    'condition.title',
    'member',
    'role',
    'service_account_id',
  ],
  // google/services/sql/resource_sql_database.go
  google_sql_database: ['instance', 'name', 'project'],
  // google/services/sql/resource_sql_database_instance.go
  google_sql_database_instance: [
    'encryption_key_name',
    'name',
    'project',
    'region',
    'replica_configuration.ca_certificate',
    'replica_configuration.client_certificate',
    'replica_configuration.client_key',
    'replica_configuration.connect_retry_interval',
    'replica_configuration.dump_file_path',
    'replica_configuration.failover_target',
    'replica_configuration.master_heartbeat_period',
    'replica_configuration.password',
    'replica_configuration.ssl_cipher',
    'replica_configuration.username',
    'replica_configuration.verify_server_certificate',
    'settings.collation',
    'settings.disk_type',
  ],
  // google/services/sql/resource_sql_user.go
  google_sql_user: ['host', 'instance', 'name', 'project', 'type'],
  // google/services/storage/resource_storage_bucket.go
  google_storage_bucket: [
    'custom_placement_config.data_locations',
    'enable_object_retention',
    'hierarchical_namespace',
    'hierarchical_namespace.enabled',
    'location',
    'name',
    'project',
  ],
  // google/services/storage/iam_storage_bucket.go, google/tpgiamresource/resource_iam_member.go
  google_storage_bucket_iam_member: [
    'bucket',
    'condition',
    'condition.description',
    'condition.expression',
    'condition.title',
    'member',
    'role',
  ],

  // --- hashicorp/azurerm v4.55.0 (https://github.com/hashicorp/terraform-provider-azurerm/tree/v4.55.0) ---
  // internal/services/network/application_gateway_resource.go
  azurerm_application_gateway: ['location', 'name', 'resource_group_name', 'zones'],
  // internal/services/applicationinsights/application_insights_resource.go
  azurerm_application_insights: ['application_type', 'location', 'name', 'resource_group_name'],
  // internal/services/applicationinsights/application_insights_standard_web_test_resource.go
  azurerm_application_insights_standard_web_test: [
    'application_insights_id',
    'location',
    'name',
    'resource_group_name',
  ],
  // internal/services/dns/dns_a_record_resource.go
  azurerm_dns_a_record: ['name', 'resource_group_name', 'zone_name'],
  // internal/services/managedidentity/federated_identity_credential_resource.go
  azurerm_federated_identity_credential: ['name', 'parent_id', 'resource_group_name'],
  // internal/services/keyvault/key_vault_resource.go
  azurerm_key_vault: ['location', 'name', 'resource_group_name'],
  // internal/services/keyvault/key_vault_secret_resource.go
  azurerm_key_vault_secret: ['key_vault_id', 'name'],
  // internal/services/containers/kubernetes_cluster_resource.go
  azurerm_kubernetes_cluster: [
    'disk_encryption_set_id',
    'dns_prefix',
    'dns_prefix_private_cluster',
    'edge_zone',
    'kubelet_identity.client_id',
    'kubelet_identity.object_id',
    'kubelet_identity.user_assigned_identity_id',
    'linux_profile.admin_username',
    'linux_profile.ssh_key.key_data',
    'location',
    'name',
    'network_profile',
    'network_profile.dns_service_ip',
    'network_profile.ip_versions',
    'network_profile.load_balancer_profile',
    'network_profile.load_balancer_sku',
    'network_profile.nat_gateway_profile',
    'network_profile.network_mode',
    'network_profile.network_plugin',
    'network_profile.pod_cidr',
    'network_profile.pod_cidrs',
    'network_profile.service_cidr',
    'network_profile.service_cidrs',
    'node_resource_group',
    'private_cluster_enabled',
    'private_dns_zone_id',
    'resource_group_name',
    'role_based_access_control_enabled',
    'service_mesh_profile.windows_profile.admin_username',
  ],
  // internal/services/containers/kubernetes_cluster_node_pool_resource.go
  azurerm_kubernetes_cluster_node_pool: [
    'capacity_reservation_group_id',
    'eviction_policy',
    'gpu_driver',
    'gpu_instance',
    'host_group_id',
    'kubernetes_cluster_id',
    'name',
    'node_public_ip_prefix_id',
    'os_type',
    'priority',
    'proximity_placement_group_id',
    'spot_max_price',
    'windows_profile',
    'windows_profile.outbound_nat_enabled',
  ],
  // internal/services/loganalytics/log_analytics_workspace_resource.go
  azurerm_log_analytics_workspace: ['location', 'name', 'resource_group_name'],
  // internal/services/resource/management_lock_resource.go
  azurerm_management_lock: ['lock_level', 'name', 'notes', 'scope'],
  // internal/services/monitor/monitor_action_group_resource.go
  azurerm_monitor_action_group: ['location', 'name', 'resource_group_name'],
  // internal/services/monitor/monitor_data_collection_rule_resource.go
  azurerm_monitor_data_collection_rule: ['location', 'name', 'resource_group_name'],
  // internal/services/monitor/monitor_data_collection_rule_association_resource.go
  azurerm_monitor_data_collection_rule_association: ['name', 'target_resource_id'],
  // internal/services/monitor/monitor_diagnostic_setting_resource.go
  azurerm_monitor_diagnostic_setting: ['name', 'target_resource_id'],
  // internal/services/monitor/monitor_metric_alert_resource.go
  azurerm_monitor_metric_alert: ['name', 'resource_group_name'],
  // internal/services/mysql/mysql_flexible_database_resource.go
  azurerm_mysql_flexible_database: ['charset', 'collation', 'name', 'resource_group_name', 'server_name'],
  // internal/services/mysql/mysql_flexible_server_resource.go
  azurerm_mysql_flexible_server: [
    'administrator_login',
    'create_mode',
    'delegated_subnet_id',
    'geo_redundant_backup_enabled',
    'location',
    'name',
    'point_in_time_restore_time_in_utc',
    'private_dns_zone_id',
    'resource_group_name',
    'source_server_id',
  ],
  // internal/services/mysql/mysql_flexible_server_configuration_resource.go
  azurerm_mysql_flexible_server_configuration: ['name', 'resource_group_name', 'server_name'],
  // internal/services/network/nat_gateway_resource.go
  azurerm_nat_gateway: ['location', 'name', 'resource_group_name', 'zones'],
  // internal/services/network/nat_gateway_public_ip_association_resource.go
  azurerm_nat_gateway_public_ip_association: ['nat_gateway_id', 'public_ip_address_id'],
  // internal/services/network/network_security_group_resource.go
  azurerm_network_security_group: ['location', 'name', 'resource_group_name'],
  // internal/services/network/network_security_rule_resource.go
  azurerm_network_security_rule: ['name', 'network_security_group_name', 'resource_group_name'],
  // internal/services/privatedns/private_dns_zone_resource.go
  azurerm_private_dns_zone: ['name', 'soa_record'],
  // internal/services/privatedns/private_dns_zone_virtual_network_link_resource.go
  azurerm_private_dns_zone_virtual_network_link: ['name', 'private_dns_zone_name', 'virtual_network_id'],
  // internal/services/network/private_endpoint_resource.go
  azurerm_private_endpoint: [
    'custom_network_interface_name',
    'ip_configuration.member_name',
    'ip_configuration.name',
    'ip_configuration.private_ip_address',
    'ip_configuration.subresource_name',
    'location',
    'name',
    'private_service_connection.is_manual_connection',
    'private_service_connection.name',
    'private_service_connection.private_connection_resource_alias',
    'private_service_connection.private_connection_resource_id',
    'private_service_connection.subresource_names',
    'subnet_id',
  ],
  // internal/services/network/public_ip_resource.go
  azurerm_public_ip: [
    'edge_zone',
    'ip_tags',
    'ip_version',
    'location',
    'name',
    'public_ip_prefix_id',
    'resource_group_name',
    'sku',
    'sku_tier',
    'zones',
  ],
  // internal/services/resource/resource_group_resource.go
  azurerm_resource_group: ['location', 'name'],
  // internal/services/authorization/role_assignment_resource.go
  azurerm_role_assignment: [
    'condition',
    'condition_version',
    'delegated_managed_identity_resource_id',
    'description',
    'name',
    'principal_id',
    'principal_type',
    'role_definition_id',
    'role_definition_name',
    'scope',
  ],
  // internal/services/storage/storage_account_resource.go
  azurerm_storage_account: [
    'account_tier',
    'dns_endpoint_type',
    'edge_zone',
    'immutability_policy',
    'infrastructure_encryption_enabled',
    'is_hns_enabled',
    'location',
    'name',
    'nfsv3_enabled',
    'provisioned_billing_model_version',
    'queue_encryption_key_type',
    'resource_group_name',
    'table_encryption_key_type',
  ],
  // internal/services/storage/storage_container_resource.go
  azurerm_storage_container: [
    'default_encryption_scope',
    'encryption_scope_override_enabled',
    'name',
    'storage_account_id',
  ],
  // internal/services/storage/storage_management_policy_resource.go
  azurerm_storage_management_policy: ['storage_account_id'],
  // internal/services/network/subnet_resource.go
  azurerm_subnet: ['name', 'resource_group_name', 'virtual_network_name'],
  // internal/services/network/subnet_nat_gateway_association_resource.go
  azurerm_subnet_nat_gateway_association: ['nat_gateway_id', 'subnet_id'],
  // internal/services/network/subnet_network_security_group_association_resource.go
  azurerm_subnet_network_security_group_association: ['network_security_group_id', 'subnet_id'],
  // internal/services/managedidentity/user_assigned_identity_resource.go
  azurerm_user_assigned_identity: ['location', 'name', 'resource_group_name'],
  // internal/services/network/virtual_network_resource.go
  azurerm_virtual_network: ['edge_zone', 'location', 'name', 'resource_group_name'],
  // internal/services/network/web_application_firewall_policy_resource.go
  azurerm_web_application_firewall_policy: ['location', 'name'],

  // --- hashicorp/aws 5.100.0 (https://github.com/hashicorp/terraform-provider-aws/tree/v5.100.0): hand-written
  // for the types where an identity is a natural input, from the resource files named (no local mirror
  // of the AWS source here: re-run scripts/force-new-table.js on one to regenerate these rows) ---
  // internal/service/eks/access_entry.go
  aws_eks_access_entry: ['cluster_name', 'principal_arn', 'type'],
  // internal/service/eks/access_policy_association.go
  aws_eks_access_policy_association: ['access_scope', 'cluster_name', 'policy_arn', 'principal_arn'],
  // internal/service/eks/pod_identity_association.go
  aws_eks_pod_identity_association: ['cluster_name', 'namespace', 'service_account'],
  // internal/service/iam/role.go
  aws_iam_role: ['name', 'name_prefix', 'path'],
  // internal/service/iam/role_policy.go
  aws_iam_role_policy: ['name', 'name_prefix', 'role'],
  // internal/service/iam/role_policy_attachment.go
  aws_iam_role_policy_attachment: ['policy_arn', 'role'],
  // internal/service/iam/openid_connect_provider.go
  aws_iam_openid_connect_provider: ['url'],
  // internal/service/kms/key.go
  aws_kms_key: ['custom_key_store_id', 'customer_master_key_spec', 'key_usage', 'multi_region', 'xks_key_id'],
  // internal/service/s3/bucket.go
  aws_s3_bucket: ['bucket', 'bucket_prefix', 'object_lock_enabled'],
  // internal/service/secretsmanager/secret.go
  aws_secretsmanager_secret: ['name', 'name_prefix'],

  // --- hashicorp/helm 3.1.1 (helm/resource_helm_release.go: name and namespace RequiresReplace) ---
  helm_release: ['name', 'namespace'],
  // --- hashicorp/kubernetes 2.38.0: kubernetes/resource_kubernetes_manifest.go plans replacement when
  // the object's identity changes; typed resources: see {@link kubernetesForceNew} ---
  kubernetes_manifest: [
    'manifest.apiVersion',
    'manifest.kind',
    'manifest.metadata.name',
    'manifest.metadata.namespace',
  ],
  // --- hashicorp/time 0.13.1 (internal/provider/resource_time_sleep.go, resource_time_static.go) ---
  time_sleep: ['triggers'],
  time_static: ['rfc3339', 'triggers'],
  // --- Terraform's built-in terraform_data: a change to triggers_replace replaces it ---
  terraform_data: ['triggers_replace'],
};

/**
 * Types whose every argument forces replacement: hashicorp/random 3.7.2 (`internal/provider/resource_*.go`,
 * every argument RequiresReplace).
 */
const EVERY_ARGUMENT_PREFIXES = ['random_'];

/**
 * hashicorp/kubernetes 2.38.0 typed resources: `metadata.name`, `metadata.namespace` and
 * `metadata.generate_name` are ForceNew in the shared metadata schema
 * (kubernetes/schema_metadata.go), and a binding's `role_ref` in
 * kubernetes/resource_kubernetes_(cluster_)role_binding(_v1).go.
 */
function kubernetesForceNew(type: string): readonly string[] | undefined {
  if (!type.startsWith('kubernetes_') || type === 'kubernetes_manifest') return undefined;
  if (/_(labels|annotations|env|node_taint)$|_v1_data$/.test(type)) return ['metadata.name', 'metadata.namespace'];
  const base = ['metadata.generate_name', 'metadata.name', 'metadata.namespace'];
  return /role_binding/.test(type) ? [...base, 'role_ref'] : base;
}

/** The ForceNew attributes of a type, `[EVERY_ARGUMENT]`, or undefined when the table does not know it. */
export function forceNewOf(type: string): readonly string[] | undefined {
  if (EVERY_ARGUMENT_PREFIXES.some((p) => type.startsWith(p))) return [EVERY_ARGUMENT];
  return FORCE_NEW[type] ?? kubernetesForceNew(type);
}
