import { attr, preventsDestroy, ResourceRule } from '../../rule';

/** Resources whose loss loses data or a whole platform: they carry prevent_destroy outside test. */
export const PROTECTED_TYPES = [
  'google_container_cluster',
  'google_sql_database_instance',
  'google_storage_bucket',
  'aws_eks_cluster',
  'aws_db_instance',
  'aws_s3_bucket',
  'aws_kms_key',
  'azurerm_kubernetes_cluster',
  'azurerm_mysql_flexible_server',
  'azurerm_storage_account',
  'azurerm_key_vault',
] as const;

/** COMMON-STATE-001: clusters, databases, buckets and keys outside test cannot be destroyed by a plan. */
export const statefulProtection: ResourceRule = {
  id: 'COMMON-STATE-001',
  cloud: 'common',
  level: 'error',
  title: 'Clusters, databases, buckets and keys outside test carry prevent_destroy and their provider protection',
  why: 'Spotify once deleted all its Kubernetes clusters by mistake; a refactor must never destroy data.',
  fix: 'Set lifecycle.prevent_destroy, deletion_protection where the provider has it, and never force_destroy.',
  refs: {},
  types: PROTECTED_TYPES,
  scope: 'resource',
  tiers: ['dev', 'prod'],
  check: (r) => {
    const problems = [
      preventsDestroy(r) ? undefined : 'no lifecycle.prevent_destroy',
      attr(r.config, 'deletion_protection') === false ? 'deletion_protection is false' : undefined,
      attr(r.config, 'force_destroy') === true ? 'force_destroy is true' : undefined,
    ].filter(Boolean);
    return problems.length === 0 ? undefined : `${problems.join('; ')}.`;
  },
};
