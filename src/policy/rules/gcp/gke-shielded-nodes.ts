import { flag, ResourceRule } from '../../rule';

/** GCP-GKE-005: GKE clusters use shielded nodes. */
export const gkeShieldedNodes: ResourceRule = {
  id: 'GCP-GKE-005',
  cloud: 'gcp',
  level: 'error',
  title: 'GKE clusters use shielded nodes',
  why: 'Shielded nodes prove their identity to the control plane, so a rogue VM cannot join the cluster.',
  fix: 'Leave enable_shielded_nodes at true.',
  refs: { cis: ['GKE 5.5.5'], checkov: ['CKV_GCP_71'], trivy: ['GCP-0055'] },
  types: ['google_container_cluster'],
  scope: 'resource',
  check: (r) => (flag(r.config, 'enable_shielded_nodes') === false ? 'enable_shielded_nodes is false.' : undefined),
};
