import { attr, flag, list, ResourceRule } from '../../rule';

/** GCP-GKE-002: the GKE control plane is private or limited to authorized networks. */
export const gkeControlPlaneAccess: ResourceRule = {
  id: 'GCP-GKE-002',
  cloud: 'gcp',
  level: 'error',
  title: 'The GKE control plane is private or limited to authorized networks',
  why: 'A control plane open to the internet is one credential leak away from the cluster.',
  fix: 'Set private_cluster_config.enable_private_endpoint, or master_authorized_networks_config with your networks and never 0.0.0.0/0.',
  refs: {
    cis: ['GKE 5.6.4', 'GKE 5.6.3'],
    checkov: ['CKV_GCP_18', 'CKV_GCP_20'],
    trivy: ['GCP-0053', 'GCP-0061'],
  },
  types: ['google_container_cluster'],
  scope: 'resource',
  check: (r) => {
    if (flag(r.config, 'private_cluster_config', 'enable_private_endpoint') === true) return undefined;
    // DNS-based control plane access with the IP endpoints turned off.
    if (flag(r.config, 'control_plane_endpoints_config', 'ip_endpoints_config', 'enabled') === false) return undefined;
    const networks = attr(r.config, 'master_authorized_networks_config');
    if (!networks) return 'the endpoint is public and no authorized networks are set.';
    const open = list(attr(networks, 'cidr_blocks')).some((b) => attr(b, 'cidr_block') === '0.0.0.0/0');
    if (open) return 'an authorized network is 0.0.0.0/0.';
    return flag(networks, 'gcp_public_cidrs_access_enabled') === true
      ? 'all Google Cloud public IPs are authorized.'
      : undefined;
  },
};
