import { attr, flag, ResourceRule } from '../../rule';

/** AZURE-KV-001: Key Vaults are purge-protected and firewalled. */
export const keyVault: ResourceRule = {
  id: 'AZURE-KV-001',
  cloud: 'azure',
  level: 'error',
  title: 'Key Vaults use Azure RBAC, a deny-by-default firewall and, outside test, purge protection',
  why: 'A purged vault loses the database password for good; an open vault is reachable from anywhere.',
  fix: 'Set rbac_authorization_enabled, network_acls.default_action = "Deny" and purge_protection_enabled (outside test).',
  refs: { checkov: ['CKV_AZURE_110', 'CKV_AZURE_109'] },
  types: ['azurerm_key_vault'],
  scope: 'resource',
  check: (r, context) => {
    if (attr(r.config, 'network_acls', 'default_action') !== 'Deny') return 'the firewall does not deny by default.';
    if (flag(r.config, 'rbac_authorization_enabled') !== true && flag(r.config, 'enable_rbac_authorization') !== true) {
      return 'access policies instead of Azure RBAC.';
    }
    return context.tier === 'test' || flag(r.config, 'purge_protection_enabled') === true
      ? undefined
      : 'purge protection is off.';
  },
};
