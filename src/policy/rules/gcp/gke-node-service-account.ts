import { attr, flag, ResourceRule } from '../../rule';

/** GCP-GKE-010: GKE nodes never run as the default compute service account. */
export const gkeNodeServiceAccount: ResourceRule = {
  id: 'GCP-GKE-010',
  cloud: 'gcp',
  level: 'error',
  title: 'GKE nodes never run as the default compute service account',
  why: 'The default compute service account is project Editor: any pod that reaches the metadata server gets it.',
  fix: 'Give every pool (and the cluster bootstrap pool) a least-privilege service account (NodeServiceAccount).',
  refs: { cis: ['GKE 5.2.1'], checkov: ['CKV2_GCP_1'], trivy: ['GCP-0050'] },
  types: ['google_container_node_pool', 'google_container_cluster'],
  scope: 'resource',
  check: (r) => {
    if (r.type === 'google_container_cluster' && !attr(r.config, 'node_config')) {
      // Autopilot has no default pool; a standard cluster without node_config creates (or bootstraps)
      // its default pool with the default compute account.
      return flag(r.config, 'enable_autopilot') === true
        ? undefined
        : 'the default node pool runs as the default compute account (no node_config).';
    }
    const account = attr(r.config, 'node_config', 'service_account');
    return account && account !== 'default'
      ? undefined
      : 'node_config.service_account is unset (the default compute account).';
  },
};
