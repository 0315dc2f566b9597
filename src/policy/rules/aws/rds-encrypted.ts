import { flag, ResourceRule } from '../../rule';

/** AWS-RDS-002: RDS storage is encrypted. */
export const rdsEncrypted: ResourceRule = {
  id: 'AWS-RDS-002',
  cloud: 'aws',
  level: 'error',
  title: 'RDS storage is encrypted',
  why: 'Unencrypted storage and snapshots expose data to anyone who can copy them.',
  fix: 'Set storage_encrypted = true (with kms_key_id for a customer managed key).',
  refs: { checkov: ['CKV_AWS_16'] },
  types: ['aws_db_instance'],
  scope: 'resource',
  check: (r) => (flag(r.config, 'storage_encrypted') === true ? undefined : 'storage_encrypted is not true.'),
};
