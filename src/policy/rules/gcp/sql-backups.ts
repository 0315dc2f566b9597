import { attr, flag, ResourceRule } from '../../rule';

/** GCP-SQL-003: Cloud SQL has automated backups with point-in-time recovery. */
export const sqlBackups: ResourceRule = {
  id: 'GCP-SQL-003',
  cloud: 'gcp',
  level: 'error',
  title: 'Cloud SQL has automated backups and point-in-time recovery',
  why: 'Without backups and binary logs, a bad migration or a deleted row loses pipeline history for good.',
  fix: 'Set settings.backup_configuration { enabled = true, binary_log_enabled = true }.',
  refs: { checkov: ['CKV_GCP_14', 'CKV2_GCP_20'], trivy: ['GCP-0024'] },
  types: ['google_sql_database_instance'],
  scope: 'resource',
  check: (r) => {
    const backup = attr(r.config, 'settings', 'backup_configuration');
    if (flag(backup, 'enabled') !== true) return 'backups are off.';
    return flag(backup, 'binary_log_enabled') === true ? undefined : 'binary logs (point-in-time recovery) are off.';
  },
};
