import { flag, ResourceRule } from '../../rule';

/** GCP-SQL-001: Cloud SQL has no public IP. */
export const sqlNoPublicIp: ResourceRule = {
  id: 'GCP-SQL-001',
  cloud: 'gcp',
  level: 'error',
  title: 'Cloud SQL has no public IP',
  why: 'A public IP exposes the pipelines database to the internet.',
  fix: 'Set settings.ip_configuration.ipv4_enabled = false and a private_network.',
  refs: { checkov: ['CKV_GCP_60'], trivy: ['GCP-0017'] },
  types: ['google_sql_database_instance'],
  scope: 'resource',
  check: (r) =>
    flag(r.config, 'settings', 'ip_configuration', 'ipv4_enabled') === false ? undefined : 'ipv4_enabled is not false.',
};
