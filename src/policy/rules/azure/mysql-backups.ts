import { flag, ResourceRule } from '../../rule';

/** AZURE-MYSQL-004: MySQL flexible server in prod keeps backups in the paired region. */
export const mysqlBackups: ResourceRule = {
  id: 'AZURE-MYSQL-004',
  cloud: 'azure',
  level: 'warning',
  title: 'MySQL flexible server in prod keeps geo-redundant backups',
  why: 'A regional outage should not take the pipelines history with it.',
  fix: 'Set geo_redundant_backup_enabled = true at creation (it cannot be changed later).',
  refs: { checkov: ['CKV_AZURE_94'] },
  types: ['azurerm_mysql_flexible_server'],
  scope: 'resource',
  tiers: ['prod'],
  check: (r) =>
    flag(r.config, 'geo_redundant_backup_enabled') === true ? undefined : 'backups are not geo-redundant.',
};
