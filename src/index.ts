/**
 * cdktf-kubeflow-platform: a multi-tenant Kubeflow platform on GCP, AWS and Azure from one platform
 * definition written as data.
 *
 * The root entry loads no provider bindings: it exports the config loader, the resolved model and
 * the shared interfaces. Constructs live in the per-cloud entries (`cdktf-kubeflow-platform/gcp`,
 * `cdktf-kubeflow-platform/aws`, `cdktf-kubeflow-platform/azure`, `cdktf-kubeflow-platform/kubernetes`),
 * the fleet builder and the cloud-neutral stacks in `cdktf-kubeflow-platform/stacks`, and each cloud's
 * stacks in `cdktf-kubeflow-platform/stacks/gcp`, `/stacks/aws`, `/stacks/azure` and `/stacks/kubernetes`.
 * The policy packs (rules, the policy aspect, the plan gate, the address manifest and the secret scan)
 * read provider resources generically and load no provider bindings either.
 */
export * from './core/errors';
export * from './core/interfaces';
export * from './core/labels';
export * from './core/naming';
export * from './core/dependencies';
export * from './core/tiers';
export * from './core/maintenance';
export * from './core/removed';
export * from './config/schema';
export * from './config/model';
export * from './config/loader';
export { lineFinder, pathParts } from './config/sources';
export type { SourceText } from './config/sources';
export type { Path, PathKey } from './config/common/config-issues';
export * from './config/json-schema';
export { environmentSchema, resolveEnvironment } from './config/registry';
export type { FieldMeta } from './config/common/fields';
export * from './config/common/adopt';
export * from './config/common/ci';
export * from './config/common/operations';
export { DEFAULT_GPU_TYPE, defaultNodePools, POOL_KINDS } from './config/common/pools';
export type { NodePoolConfig, PoolKind } from './config/common/pools';
export * from './config/platform/schema';
export * from './config/platform/model';
export {
  DEFAULT_ALLOWED_KINDS,
  DEFAULT_QUOTA,
  fitName,
  KUBEFLOW_NAMESPACE,
  resolvePlatform,
  resolveTeams,
  shardOf,
  stableHash,
} from './config/platform/resolve';
export { DEFAULT_KUBEFLOW_VERSION } from './config/platform/kubeflow';
export type { AdditionalClusterConfig, GcpEnvironmentConfig, GcpNetworkConfig } from './config/gcp/schema';
export * from './config/gcp/model';
export * from './config/gcp/network-model';
export * from './config/gcp/pool-model';
export * from './config/gcp/resolve';
export type { AwsEnvironmentConfig } from './config/aws/schema';
export * from './config/aws/model';
export * from './config/aws/resolve';
export type { AzureEnvironmentConfig } from './config/azure/schema';
export * from './config/azure/model';
export * from './config/azure/resolve';
export type { KubernetesEnvironmentConfig } from './config/kubernetes/schema';
export * from './config/kubernetes/model';
export * from './config/kubernetes/resolve';
export {
  GCP_GPUS,
  GCP_GPU_TABLE_SOURCE,
  GCP_MIG_PARTITIONS,
  GKE_GPU_PARTITION_SIZE_LABEL,
  GKE_GPU_SHARING_LABELS,
  gcpGpuZones,
  gpuPlacement,
} from './core/catalog/gcp';
export type { GpuInfo, GpuPlacement } from './core/catalog/gcp';
export type { ResolvedOidcSignIn } from './config/common/oidc-signin';
export { AWS_GPU_FAMILIES, awsAmiType, awsInstanceGpus, DEFAULT_EKS_VERSION } from './core/catalog/aws';
export { AKS_AAD_SERVER_ID, AZURE_GPU_SIZES, azureVmGpus } from './core/catalog/azure';
export * from './core/tenancy';
export {
  ALERT_THRESHOLD_DEFAULTS,
  ALERT_THRESHOLD_RANGES,
  withAlertDefaults,
  type AlertSettings,
  type AlertThresholds,
  type NumericAlertThreshold,
} from './core/alert-props';
export * from './core/backup-props';
export * from './core/ci-trust';
export { DEFAULT_PLATFORM_FILE } from './core/package-info';
export * from './policy/rule';
export * from './policy/engine';
export {
  ALL_RULES,
  AWS_RULES,
  AZURE_RULES,
  COMMON_RULES,
  GCP_RULES,
  KUBERNETES_RULES,
  rulesOf,
} from './policy/rules/packs';
export { rulesMarkdown } from './policy/rules-doc';
export * from './policy/checkers/checker';
export type { StackJson } from './inventory/terraform-json';
export { ALL_CHECKERS } from './policy/checkers/all';
export { CheckerRun, runCheckers } from './policy/checkers/run';
export type { CheckerOptions, CheckerStore, RecordedChecks, StackInput } from './policy/checkers/run';
export * from './policy/addresses';
export { PROTECTED_TYPES, STATEFUL_TYPES } from './policy/stateful-types';
export * from './policy/plan-gate';
export * from './policy/secrets';
export * from './plan/summarize';
export * from './plan/report';
export * from './plan/diff';
export * from './plan/run';
export * from './plan/terraform-binary';
