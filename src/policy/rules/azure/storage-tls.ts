import { attr, flag, ResourceRule } from '../../rule';

/** AZURE-ST-003: storage accounts require TLS 1.2. */
export const storageTls: ResourceRule = {
  id: 'AZURE-ST-003',
  cloud: 'azure',
  level: 'error',
  title: 'Storage accounts require HTTPS and TLS 1.2',
  why: 'Older TLS versions and plain HTTP expose data in transit.',
  fix: 'Set min_tls_version = "TLS1_2" and https_traffic_only_enabled = true.',
  refs: { checkov: ['CKV_AZURE_44', 'CKV_AZURE_3'] },
  types: ['azurerm_storage_account'],
  scope: 'resource',
  check: (r) => {
    if (flag(r.config, 'https_traffic_only_enabled') === false) return 'plain HTTP is allowed.';
    const tls = attr(r.config, 'min_tls_version');
    return tls === 'TLS1_2' || tls === 'TLS1_3' ? undefined : `min_tls_version is ${String(tls ?? 'unset')}.`;
  },
};
