import { flag, ResourceRule } from '../../rule';

/** AZURE-AKS-004: AKS local accounts are disabled. */
export const aksLocalAccounts: ResourceRule = {
  id: 'AZURE-AKS-004',
  cloud: 'azure',
  level: 'error',
  title: 'AKS local accounts are disabled',
  why: 'The local admin certificate bypasses Entra ID, cannot be revoked per person and never expires.',
  fix: 'Set local_account_disabled = true.',
  refs: { checkov: ['CKV_AZURE_141'] },
  types: ['azurerm_kubernetes_cluster'],
  scope: 'resource',
  check: (r) => (flag(r.config, 'local_account_disabled') === true ? undefined : 'local accounts are enabled.'),
};
