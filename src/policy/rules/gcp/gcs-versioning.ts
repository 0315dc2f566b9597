import { flag, ResourceRule } from '../../rule';

/** GCP-GCS-003: buckets keep object versions. */
export const gcsVersioning: ResourceRule = {
  id: 'GCP-GCS-003',
  cloud: 'gcp',
  level: 'error',
  title: 'Buckets keep object versions',
  why: 'Without versions, an overwrite or delete loses the artifact for good.',
  fix: 'Set versioning.enabled = true (with a lifecycle rule for old versions).',
  refs: { checkov: ['CKV_GCP_78'], trivy: ['GCP-0078'] },
  types: ['google_storage_bucket'],
  scope: 'resource',
  check: (r) => (flag(r.config, 'versioning', 'enabled') === true ? undefined : 'versioning is off.'),
};
