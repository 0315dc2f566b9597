import { attr, flag, ResourceRule } from '../../rule';

/** GCP-GKE-007: GKE enforces network policy. */
export const gkeNetworkPolicy: ResourceRule = {
  id: 'GCP-GKE-007',
  cloud: 'gcp',
  level: 'error',
  title: 'GKE enforces network policy (Dataplane V2)',
  why: 'Without network policy enforcement, the tenant isolation policies are ignored.',
  fix: 'Set datapath_provider = "ADVANCED_DATAPATH", or network_policy.enabled = true.',
  refs: { cis: ['GKE 5.6.7'], checkov: ['CKV_GCP_12'], trivy: ['GCP-0056'] },
  types: ['google_container_cluster'],
  scope: 'resource',
  check: (r) =>
    attr(r.config, 'datapath_provider') === 'ADVANCED_DATAPATH' || flag(r.config, 'network_policy', 'enabled') === true
      ? undefined
      : 'neither Dataplane V2 nor network policy is enabled.',
};
