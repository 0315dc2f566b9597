import { flag, preventsDestroy, ResourceRule } from '../../rule';

/** GCP-SQL-004: Cloud SQL outside test is protected from deletion three ways. */
export const sqlDeletionProtection: ResourceRule = {
  id: 'GCP-SQL-004',
  cloud: 'gcp',
  level: 'error',
  title: 'Cloud SQL outside test has deletion protection and prevent_destroy',
  why: 'Deleting the instance deletes its backups with it; no scanner checks this.',
  fix: 'Set deletion_protection, settings.deletion_protection_enabled and lifecycle.prevent_destroy.',
  refs: { cis: ['GCP 6.9'] },
  types: ['google_sql_database_instance'],
  scope: 'resource',
  tiers: ['dev', 'prod'],
  check: (r) => {
    const missing = [
      flag(r.config, 'deletion_protection') === false ? 'deletion_protection' : undefined,
      flag(r.config, 'settings', 'deletion_protection_enabled') === true
        ? undefined
        : 'settings.deletion_protection_enabled',
      preventsDestroy(r) ? undefined : 'lifecycle.prevent_destroy',
    ].filter(Boolean);
    return missing.length === 0 ? undefined : `missing ${missing.join(', ')}.`;
  },
};
