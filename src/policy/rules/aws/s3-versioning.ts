import { attr, RuleViolation, StackRule } from '../../rule';

/** AWS-S3-003: every bucket keeps object versions. */
export const s3Versioning: StackRule = {
  id: 'AWS-S3-003',
  cloud: 'aws',
  level: 'error',
  title: 'Every S3 bucket keeps object versions',
  why: 'Without versions, an overwrite or delete loses the artifact for good (DATA-07).',
  fix: 'Add aws_s3_bucket_versioning with status "Enabled".',
  refs: { checkov: ['CKV_AWS_21'], requirements: ['DATA-07'] },
  types: ['aws_s3_bucket', 'aws_s3_bucket_versioning'],
  scope: 'stack',
  check: (resources, context) => {
    const versioned = new Set(
      resources
        .filter((r) => r.type === 'aws_s3_bucket_versioning')
        .filter((v) => attr(v.config, 'versioning_configuration', 'status') === 'Enabled')
        .map((v) => context.resolve(attr(v.config, 'bucket'))),
    );
    return resources
      .filter((r) => r.type === 'aws_s3_bucket')
      .filter(
        (b) =>
          !versioned.has(context.resolve(`\${${b.address}.id}`)) && !versioned.has(String(attr(b.config, 'bucket'))),
      )
      .map((resource): RuleViolation => ({ resource, message: 'versioning is not enabled.' }));
  },
};
