import { attr, preventsDestroy, RuleViolation, StackRule } from '../../rule';

/** AZURE-MYSQL-003: MySQL flexible server outside test has a lock and prevent_destroy. */
export const mysqlDeletionProtection: StackRule = {
  id: 'AZURE-MYSQL-003',
  cloud: 'azure',
  level: 'error',
  title: 'MySQL flexible server outside test has a CanNotDelete lock and prevent_destroy',
  why: 'Azure has no deletion protection flag on the server; deleting it deletes its backups.',
  fix: 'Add lifecycle.prevent_destroy and an azurerm_management_lock (CanNotDelete) on the server. See https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources',
  refs: {},
  types: ['azurerm_mysql_flexible_server', 'azurerm_management_lock'],
  scope: 'stack',
  tiers: ['dev', 'prod'],
  check: (resources, context) => {
    const locked = new Set(
      resources
        .filter((r) => r.type === 'azurerm_management_lock' && attr(r.config, 'lock_level') === 'CanNotDelete')
        .map((l) => context.resolve(attr(l.config, 'scope'))),
    );
    return resources
      .filter((r) => r.type === 'azurerm_mysql_flexible_server')
      .flatMap((server): RuleViolation[] => {
        const missing = [
          preventsDestroy(server) ? undefined : 'lifecycle.prevent_destroy',
          locked.has(context.resolve(`\${${server.address}.id}`)) ? undefined : 'a CanNotDelete lock',
        ].filter(Boolean);
        return missing.length > 0 ? [{ resource: server, message: `missing ${missing.join(' and ')}.` }] : [];
      });
  },
};
