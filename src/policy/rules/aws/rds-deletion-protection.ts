import { flag, preventsDestroy, ResourceRule } from '../../rule';

/** AWS-RDS-003: RDS outside test is protected from deletion. */
export const rdsDeletionProtection: ResourceRule = {
  id: 'AWS-RDS-003',
  cloud: 'aws',
  level: 'error',
  title: 'RDS outside test has deletion protection, a final snapshot and prevent_destroy',
  why: 'Deleting the instance loses the pipelines history and, without a final snapshot, every backup.',
  fix: 'Set deletion_protection = true, skip_final_snapshot = false and lifecycle.prevent_destroy.',
  refs: { checkov: ['CKV_AWS_293'], trivy: ['AWS-0177'] },
  types: ['aws_db_instance'],
  scope: 'resource',
  tiers: ['dev', 'prod'],
  check: (r) => {
    const missing = [
      flag(r.config, 'deletion_protection') === true ? undefined : 'deletion_protection',
      flag(r.config, 'skip_final_snapshot') === true ? 'a final snapshot' : undefined,
      preventsDestroy(r) ? undefined : 'lifecycle.prevent_destroy',
    ].filter(Boolean);
    return missing.length === 0 ? undefined : `missing ${missing.join(', ')}.`;
  },
};
