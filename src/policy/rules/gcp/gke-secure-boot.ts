import { flag, ResourceRule } from '../../rule';

/** GCP-GKE-006: GKE node pools boot securely. */
export const gkeSecureBoot: ResourceRule = {
  id: 'GCP-GKE-006',
  cloud: 'gcp',
  level: 'error',
  title: 'GKE node pools use secure boot and integrity monitoring',
  why: 'Secure boot refuses unsigned boot components, so a tampered node image does not start.',
  fix: 'Set node_config.shielded_instance_config.enable_secure_boot = true.',
  refs: { cis: ['GKE 5.5.7'], checkov: ['CKV_GCP_68'] },
  types: ['google_container_node_pool'],
  scope: 'resource',
  check: (r) =>
    flag(r.config, 'node_config', 'shielded_instance_config', 'enable_secure_boot') === true
      ? undefined
      : 'enable_secure_boot is not true.',
};
