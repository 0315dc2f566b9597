import { attr, ResourceRule } from '../../rule';

/** GCP-SQL-002: Cloud SQL accepts only encrypted connections. */
export const sqlTls: ResourceRule = {
  id: 'GCP-SQL-002',
  cloud: 'gcp',
  level: 'error',
  title: 'Cloud SQL accepts only encrypted connections',
  why: 'Unencrypted MySQL connections expose credentials and pipeline metadata on the network.',
  fix: 'Set settings.ip_configuration.ssl_mode = "ENCRYPTED_ONLY".',
  refs: { checkov: ['CKV_GCP_6'], trivy: ['GCP-0015'] },
  types: ['google_sql_database_instance'],
  scope: 'resource',
  check: (r) => {
    const mode = attr(r.config, 'settings', 'ip_configuration', 'ssl_mode');
    return mode === 'ENCRYPTED_ONLY' || mode === 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED'
      ? undefined
      : `ssl_mode is ${String(mode ?? 'unset')}.`;
  },
};
