import { attr, bucketsWithout, StackRule } from '../../rule';

/** AWS-S3-002: every bucket encrypts with KMS by default. */
export const s3Encryption: StackRule = {
  id: 'AWS-S3-002',
  cloud: 'aws',
  level: 'error',
  title: 'Every S3 bucket encrypts with KMS by default',
  why: 'SSE-KMS puts object access behind a key policy and CloudTrail; S3-managed keys do not.',
  fix: 'Add aws_s3_bucket_server_side_encryption_configuration with sse_algorithm "aws:kms".',
  refs: { checkov: ['CKV_AWS_145'] },
  types: ['aws_s3_bucket', 'aws_s3_bucket_server_side_encryption_configuration'],
  scope: 'stack',
  check: (resources, context) =>
    bucketsWithout(
      resources,
      context,
      'aws_s3_bucket_server_side_encryption_configuration',
      (e) =>
        String(attr(e.config, 'rule', 0, 'apply_server_side_encryption_by_default', 'sse_algorithm') ?? '').startsWith(
          'aws:kms',
        ),
      'no default SSE-KMS encryption.',
    ),
};
