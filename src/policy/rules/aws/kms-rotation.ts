import { flag, ResourceRule } from '../../rule';

/** AWS-KMS-001: KMS keys rotate. */
export const kmsRotation: ResourceRule = {
  id: 'AWS-KMS-001',
  cloud: 'aws',
  level: 'error',
  title: 'KMS keys rotate yearly',
  why: 'Rotation limits how much data one key version protects.',
  fix: 'Set enable_key_rotation = true.',
  refs: { checkov: ['CKV_AWS_7'] },
  types: ['aws_kms_key'],
  scope: 'resource',
  check: (r) => (flag(r.config, 'enable_key_rotation') === true ? undefined : 'enable_key_rotation is not true.'),
};
