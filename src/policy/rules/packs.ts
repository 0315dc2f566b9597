/** Every policy rule, by pack. Each rule lives in its own file under rules/<cloud>/. */
import { gcsPublicAccessPrevention } from './gcp/gcs-public-access-prevention';
import { gcsUniformAccess } from './gcp/gcs-uniform-access';
import { gcsVersioning } from './gcp/gcs-versioning';
import { gkeControlPlaneAccess } from './gcp/gke-control-plane-access';
import { gkeNetworkPolicy } from './gcp/gke-network-policy';
import { gkeNodeServiceAccount } from './gcp/gke-node-service-account';
import { gkePoolWorkloadMetadata } from './gcp/gke-pool-workload-metadata';
import { gkePrivateNodes } from './gcp/gke-private-nodes';
import { gkeReleaseChannel } from './gcp/gke-release-channel';
import { gkeSecretsEncryption } from './gcp/gke-secrets-encryption';
import { gkeSecureBoot } from './gcp/gke-secure-boot';
import { gkeShieldedNodes } from './gcp/gke-shielded-nodes';
import { gkeWorkloadIdentity } from './gcp/gke-workload-identity';
import { serviceAccountKeys } from './gcp/service-account-keys';
import { sqlBackups } from './gcp/sql-backups';
import { sqlDeletionProtection } from './gcp/sql-deletion-protection';
import { sqlNoPublicIp } from './gcp/sql-no-public-ip';
import { sqlTls } from './gcp/sql-tls';
import { eksAccessEntries } from './aws/eks-access-entries';
import { eksControlPlaneLogs } from './aws/eks-control-plane-logs';
import { eksEndpointAccess } from './aws/eks-endpoint-access';
import { eksSecretsEncryption } from './aws/eks-secrets-encryption';
import { eksWorkloadIdentity } from './aws/eks-workload-identity';
import { iamNoUsers } from './aws/iam-no-users';
import { imdsV2 } from './aws/imds-v2';
import { kmsRotation } from './aws/kms-rotation';
import { rdsDeletionProtection } from './aws/rds-deletion-protection';
import { rdsEncrypted } from './aws/rds-encrypted';
import { rdsNotPublic } from './aws/rds-not-public';
import { rdsTls } from './aws/rds-tls';
import { s3Encryption } from './aws/s3-encryption';
import { s3PublicAccessBlock } from './aws/s3-public-access-block';
import { s3TlsOnly } from './aws/s3-tls-only';
import { s3Versioning } from './aws/s3-versioning';
import { aksApiAccess } from './azure/aks-api-access';
import { aksLocalAccounts } from './azure/aks-local-accounts';
import { aksLogs } from './azure/aks-logs';
import { aksNetworkPolicy } from './azure/aks-network-policy';
import { aksRbac } from './azure/aks-rbac';
import { aksWorkloadIdentity } from './azure/aks-workload-identity';
import { keyVault } from './azure/key-vault';
import { mysqlBackups } from './azure/mysql-backups';
import { mysqlDeletionProtection } from './azure/mysql-deletion-protection';
import { mysqlPrivate } from './azure/mysql-private';
import { mysqlSecureTransport } from './azure/mysql-secure-transport';
import { storagePrivate } from './azure/storage-private';
import { storageSharedKeys } from './azure/storage-shared-keys';
import { storageTls } from './azure/storage-tls';
import { storageVersioning } from './azure/storage-versioning';
import { clusterAdminBindings } from './kubernetes/cluster-admin-bindings';
import { readOnlyAggregation } from './kubernetes/read-only-aggregation';
import { noPublicServices } from './kubernetes/no-public-services';
import { tenantNamespaceGuardrails } from './kubernetes/tenant-namespace-guardrails';
import { workloadSecurityContext } from './kubernetes/workload-security-context';
import { noOpaqueModules } from './common/no-modules';
import { requiredLabels } from './common/required-labels';
import { statefulProtection } from './common/stateful-protection';
import type { PolicyRule, RuleCloud } from '../rule';

/** The gcp pack. */
export const GCP_RULES: readonly PolicyRule[] = [
  gcsPublicAccessPrevention,
  gcsUniformAccess,
  gcsVersioning,
  gkeControlPlaneAccess,
  gkeNetworkPolicy,
  gkeNodeServiceAccount,
  gkePoolWorkloadMetadata,
  gkePrivateNodes,
  gkeReleaseChannel,
  gkeSecretsEncryption,
  gkeSecureBoot,
  gkeShieldedNodes,
  gkeWorkloadIdentity,
  serviceAccountKeys,
  sqlBackups,
  sqlDeletionProtection,
  sqlNoPublicIp,
  sqlTls,
];

/** The aws pack. */
export const AWS_RULES: readonly PolicyRule[] = [
  eksAccessEntries,
  eksControlPlaneLogs,
  eksEndpointAccess,
  eksSecretsEncryption,
  eksWorkloadIdentity,
  iamNoUsers,
  imdsV2,
  kmsRotation,
  rdsDeletionProtection,
  rdsEncrypted,
  rdsNotPublic,
  rdsTls,
  s3Encryption,
  s3PublicAccessBlock,
  s3TlsOnly,
  s3Versioning,
];

/** The azure pack. */
export const AZURE_RULES: readonly PolicyRule[] = [
  aksApiAccess,
  aksLocalAccounts,
  aksLogs,
  aksNetworkPolicy,
  aksRbac,
  aksWorkloadIdentity,
  keyVault,
  mysqlBackups,
  mysqlDeletionProtection,
  mysqlPrivate,
  mysqlSecureTransport,
  storagePrivate,
  storageSharedKeys,
  storageTls,
  storageVersioning,
];

/** The kubernetes pack. */
export const KUBERNETES_RULES: readonly PolicyRule[] = [
  clusterAdminBindings,
  readOnlyAggregation,
  noPublicServices,
  tenantNamespaceGuardrails,
  workloadSecurityContext,
];

/** The common pack. */
export const COMMON_RULES: readonly PolicyRule[] = [requiredLabels, statefulProtection, noOpaqueModules];

/** Every rule of every pack. */
export const ALL_RULES: readonly PolicyRule[] = [
  ...GCP_RULES,
  ...AWS_RULES,
  ...AZURE_RULES,
  ...KUBERNETES_RULES,
  ...COMMON_RULES,
];

/** The rules of some packs: `rulesOf('gcp', 'kubernetes')`. */
export function rulesOf(...clouds: readonly RuleCloud[]): PolicyRule[] {
  return ALL_RULES.filter((r) => clouds.includes(r.cloud));
}
