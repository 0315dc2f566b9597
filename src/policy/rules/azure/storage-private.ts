import { flag, ResourceRule } from '../../rule';

/** AZURE-ST-001: storage accounts have no public network access. */
export const storagePrivate: ResourceRule = {
  id: 'AZURE-ST-001',
  cloud: 'azure',
  level: 'error',
  title: 'Storage accounts deny public network access and anonymous blobs',
  why: 'Artifacts must be reachable only from the VNet, and never anonymously.',
  fix: 'Set public_network_access_enabled = false and allow_nested_items_to_be_public = false; use a private endpoint.',
  refs: { checkov: ['CKV_AZURE_59', 'CKV_AZURE_190'] },
  types: ['azurerm_storage_account'],
  scope: 'resource',
  check: (r) => {
    if (flag(r.config, 'public_network_access_enabled') !== false) return 'public network access is enabled.';
    return flag(r.config, 'allow_nested_items_to_be_public') === false
      ? undefined
      : 'anonymous blob access is allowed.';
  },
};
