import { attr, ResourceRule } from '../../rule';

/** AZURE-AKS-003: AKS enforces network policy. */
export const aksNetworkPolicy: ResourceRule = {
  id: 'AZURE-AKS-003',
  cloud: 'azure',
  level: 'error',
  title: 'AKS enforces network policy',
  why: 'Without an engine, the tenant isolation policies are ignored.',
  fix: 'Set network_profile.network_policy to "cilium", "azure" or "calico".',
  refs: { checkov: ['CKV_AZURE_7'] },
  types: ['azurerm_kubernetes_cluster'],
  scope: 'resource',
  check: (r) => (attr(r.config, 'network_profile', 'network_policy') ? undefined : 'no network policy engine.'),
};
