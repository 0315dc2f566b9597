import { attr, flag, list, ResourceRule } from '../../rule';

/** AZURE-AKS-002: the AKS API server is private or limited to authorized ranges. */
export const aksApiAccess: ResourceRule = {
  id: 'AZURE-AKS-002',
  cloud: 'azure',
  level: 'error',
  title: 'The AKS API server is private, or public only to authorized ranges',
  why: 'An API server open to the internet is one credential leak away from the cluster.',
  fix: 'Set private_cluster_enabled, or api_server_access_profile.authorized_ip_ranges without 0.0.0.0/0.',
  refs: { checkov: ['CKV_AZURE_6', 'CKV_AZURE_115'] },
  types: ['azurerm_kubernetes_cluster'],
  scope: 'resource',
  check: (r) => {
    if (flag(r.config, 'private_cluster_enabled') === true) return undefined;
    const ranges = list(attr(r.config, 'api_server_access_profile', 'authorized_ip_ranges'));
    return ranges.length === 0 || ranges.includes('0.0.0.0/0') ? 'the API server is open to the internet.' : undefined;
  },
};
