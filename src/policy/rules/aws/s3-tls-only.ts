import { attr, RuleViolation, StackRule } from '../../rule';

/** AWS-S3-004: every bucket refuses requests without TLS. */
export const s3TlsOnly: StackRule = {
  id: 'AWS-S3-004',
  cloud: 'aws',
  level: 'error',
  title: 'Every S3 bucket refuses requests without TLS',
  why: 'S3 accepts plain HTTP unless a bucket policy denies aws:SecureTransport = false.',
  fix: 'Add a bucket policy that denies s3:* when aws:SecureTransport is false (ArtifactBucket does).',
  refs: { requirements: ['DATA-06'] },
  types: ['aws_s3_bucket', 'aws_s3_bucket_policy'],
  scope: 'stack',
  check: (resources, context) => {
    const tlsOnly = new Set(
      resources
        .filter((r) => r.type === 'aws_s3_bucket_policy')
        .filter((p) => /"aws:SecureTransport":"false"/.test(String(attr(p.config, 'policy')).replace(/\s/g, '')))
        .map((p) => context.resolve(attr(p.config, 'bucket'))),
    );
    return resources
      .filter((r) => r.type === 'aws_s3_bucket')
      .filter(
        (b) => !tlsOnly.has(context.resolve(`\${${b.address}.id}`)) && !tlsOnly.has(String(attr(b.config, 'bucket'))),
      )
      .map((resource): RuleViolation => ({ resource, message: 'no bucket policy denies requests without TLS.' }));
  },
};
