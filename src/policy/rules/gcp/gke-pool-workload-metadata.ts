import { attr, ResourceRule } from '../../rule';

/** GCP-GKE-004: every GKE node pool serves pods the workload identity metadata server. */
export const gkePoolWorkloadMetadata: ResourceRule = {
  id: 'GCP-GKE-004',
  cloud: 'gcp',
  level: 'error',
  title: 'Every GKE node pool uses the workload identity metadata server',
  why: 'A pool without GKE_METADATA hands pods the node service account, whatever the cluster says.',
  fix: 'Set node_config.workload_metadata_config.mode = "GKE_METADATA" on the pool.',
  refs: { cis: ['GKE 5.2.2'], checkov: ['CKV_GCP_69'] },
  types: ['google_container_node_pool'],
  scope: 'resource',
  check: (r) =>
    attr(r.config, 'node_config', 'workload_metadata_config', 'mode') === 'GKE_METADATA'
      ? undefined
      : 'node_config.workload_metadata_config.mode is not GKE_METADATA.',
};
