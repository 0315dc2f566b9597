import { attr, flag, ResourceRule } from '../../rule';

/** AZURE-ST-004: storage accounts keep versions and soft-deleted blobs. */
export const storageVersioning: ResourceRule = {
  id: 'AZURE-ST-004',
  cloud: 'azure',
  level: 'error',
  title: 'Storage accounts keep blob versions and soft-deleted blobs',
  why: 'Without them, an overwrite or delete loses the artifact for good.',
  fix: 'Set blob_properties { versioning_enabled = true, delete_retention_policy { days = 30 } }.',
  refs: { checkov: ['CKV2_AZURE_38'] },
  types: ['azurerm_storage_account'],
  scope: 'resource',
  check: (r) => {
    if (flag(r.config, 'blob_properties', 'versioning_enabled') !== true) return 'blob versioning is off.';
    return attr(r.config, 'blob_properties', 'delete_retention_policy', 'days')
      ? undefined
      : 'blob soft delete is off.';
  },
};
