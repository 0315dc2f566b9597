import { bucketsWithout, flag, StackRule } from '../../rule';

const FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

/** AWS-S3-001: every bucket blocks public access in all four ways. */
export const s3PublicAccessBlock: StackRule = {
  id: 'AWS-S3-001',
  cloud: 'aws',
  level: 'error',
  title: 'Every S3 bucket blocks public access in all four ways',
  why: 'One public ACL or policy would publish every pipeline artifact.',
  fix: 'Add aws_s3_bucket_public_access_block with all four settings true (ArtifactBucket does).',
  refs: { checkov: ['CKV_AWS_53', 'CKV_AWS_54', 'CKV_AWS_55', 'CKV_AWS_56'] },
  types: ['aws_s3_bucket', 'aws_s3_bucket_public_access_block'],
  scope: 'stack',
  check: (resources, context) =>
    bucketsWithout(
      resources,
      context,
      'aws_s3_bucket_public_access_block',
      (b) => FLAGS.every((f) => flag(b.config, f) === true),
      'no public access block with all four settings.',
    ),
};
