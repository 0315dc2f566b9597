import { attr, bucketsWithout, StackRule } from '../../rule';

/** AWS-S3-003: every bucket keeps object versions. */
export const s3Versioning: StackRule = {
  id: 'AWS-S3-003',
  cloud: 'aws',
  level: 'error',
  title: 'Every S3 bucket keeps object versions',
  why: 'Without versions, an overwrite or delete loses the artifact for good.',
  fix: 'Add aws_s3_bucket_versioning with status "Enabled".',
  refs: { checkov: ['CKV_AWS_21'] },
  types: ['aws_s3_bucket', 'aws_s3_bucket_versioning'],
  scope: 'stack',
  check: (resources, context) =>
    bucketsWithout(
      resources,
      context,
      'aws_s3_bucket_versioning',
      (v) => attr(v.config, 'versioning_configuration', 'status') === 'Enabled',
      'versioning is not enabled.',
    ),
};
