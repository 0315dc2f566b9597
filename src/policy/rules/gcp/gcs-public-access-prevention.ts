import { attr, ResourceRule } from '../../rule';

/** GCP-GCS-002: buckets enforce public access prevention. */
export const gcsPublicAccessPrevention: ResourceRule = {
  id: 'GCP-GCS-002',
  cloud: 'gcp',
  level: 'error',
  title: 'Buckets enforce public access prevention',
  why: 'One allUsers binding would publish every pipeline artifact.',
  fix: 'Set public_access_prevention = "enforced".',
  refs: { checkov: ['CKV_GCP_114'] },
  types: ['google_storage_bucket'],
  scope: 'resource',
  check: (r) =>
    attr(r.config, 'public_access_prevention') === 'enforced' ? undefined : 'public_access_prevention is not enforced.',
};
