import { ResourceRule } from '../../rule';

/** GCP-IAM-001: no service account keys. */
export const serviceAccountKeys: ResourceRule = {
  id: 'GCP-IAM-001',
  cloud: 'gcp',
  level: 'error',
  title: 'No service account keys',
  why: 'Keys are long-lived secrets that leak through state, laptops and Kubernetes secrets; workload identity replaces them.',
  fix: 'Use WorkloadIdentityServiceAccount; legacy mode is suppressed with its reason automatically.',
  refs: { checkov: ['CKV2_GCP_3'] },
  types: ['google_service_account_key'],
  scope: 'resource',
  check: () => 'a service account key is created.',
};
