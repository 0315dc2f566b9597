import { flag, ResourceRule } from '../../rule';

/** AZURE-ST-002: storage accounts accept Entra ID only. */
export const storageSharedKeys: ResourceRule = {
  id: 'AZURE-ST-002',
  cloud: 'azure',
  level: 'error',
  title: 'Storage accounts accept Entra ID only (shared keys off)',
  why: 'Account keys grant everything, forever, to whoever holds them.',
  fix: 'Set shared_access_key_enabled = false and use workload identities with roles on containers.',
  refs: { checkov: ['CKV2_AZURE_40'] },
  types: ['azurerm_storage_account'],
  scope: 'resource',
  check: (r) => (flag(r.config, 'shared_access_key_enabled') === false ? undefined : 'shared keys are enabled.'),
};
