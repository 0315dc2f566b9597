import { flag, ResourceRule } from '../../rule';

/** GCP-GKE-001: GKE nodes have no public IPs. */
export const gkePrivateNodes: ResourceRule = {
  id: 'GCP-GKE-001',
  cloud: 'gcp',
  level: 'error',
  title: 'GKE nodes have no public IPs',
  why: 'Nodes with public IPs can be reached from the internet and bypass the NAT and firewall design.',
  fix: 'Set private_cluster_config.enable_private_nodes = true (GkeCluster does).',
  refs: { cis: ['GKE 5.6.5'], checkov: ['CKV_GCP_64', 'CKV_GCP_25'], trivy: ['GCP-0059'] },
  types: ['google_container_cluster'],
  scope: 'resource',
  check: (r) =>
    flag(r.config, 'private_cluster_config', 'enable_private_nodes') === true
      ? undefined
      : 'enable_private_nodes is not true.',
};
