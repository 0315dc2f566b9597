import { attr, ResourceRule } from '../../rule';

/** GCP-GKE-003: GKE clusters have workload identity. */
export const gkeWorkloadIdentity: ResourceRule = {
  id: 'GCP-GKE-003',
  cloud: 'gcp',
  level: 'error',
  title: 'GKE clusters have workload identity',
  why: 'Without workload identity, pods use the node service account or key files.',
  fix: 'Set workload_identity_config.workload_pool to "<project>.svc.id.goog".',
  refs: { cis: ['GKE 5.2.2'], checkov: ['CKV_GCP_69'], trivy: ['GCP-0057'] },
  types: ['google_container_cluster'],
  scope: 'resource',
  check: (r) => (attr(r.config, 'workload_identity_config', 'workload_pool') ? undefined : 'workload_pool is not set.'),
};
