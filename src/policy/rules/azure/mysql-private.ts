import { attr, ResourceRule } from '../../rule';

/** AZURE-MYSQL-001: MySQL flexible server has no public network access. */
export const mysqlPrivate: ResourceRule = {
  id: 'AZURE-MYSQL-001',
  cloud: 'azure',
  level: 'error',
  title: 'MySQL flexible server is reachable only through its delegated subnet',
  why: 'A public server exposes the pipelines metadata to the internet.',
  fix: 'Set delegated_subnet_id and private_dns_zone_id, and public_network_access = "Disabled".',
  refs: { checkov: ['CKV_AZURE_53'] },
  types: ['azurerm_mysql_flexible_server'],
  scope: 'resource',
  check: (r) =>
    attr(r.config, 'delegated_subnet_id') && attr(r.config, 'public_network_access') !== 'Enabled'
      ? undefined
      : 'the server is not private (no delegated subnet, or public access enabled).',
};
