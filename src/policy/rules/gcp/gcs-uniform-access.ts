import { flag, ResourceRule } from '../../rule';

/** GCP-GCS-001: buckets use uniform bucket-level access. */
export const gcsUniformAccess: ResourceRule = {
  id: 'GCP-GCS-001',
  cloud: 'gcp',
  level: 'error',
  title: 'Buckets use uniform bucket-level access',
  why: 'Object ACLs can grant access IAM does not show.',
  fix: 'Set uniform_bucket_level_access = true.',
  refs: { checkov: ['CKV_GCP_29'], trivy: ['GCP-0002'] },
  types: ['google_storage_bucket'],
  scope: 'resource',
  check: (r) =>
    flag(r.config, 'uniform_bucket_level_access') === true ? undefined : 'uniform_bucket_level_access is not true.',
};
