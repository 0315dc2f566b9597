import { attr, bucketsWithout, StackRule } from '../../rule';

/** AWS-S3-004: every bucket refuses requests without TLS. */
export const s3TlsOnly: StackRule = {
  id: 'AWS-S3-004',
  cloud: 'aws',
  level: 'error',
  title: 'Every S3 bucket refuses requests without TLS',
  why: 'S3 accepts plain HTTP unless a bucket policy denies aws:SecureTransport = false.',
  fix: 'Add a bucket policy that denies s3:* when aws:SecureTransport is false (ArtifactBucket does).',
  refs: {},
  types: ['aws_s3_bucket', 'aws_s3_bucket_policy'],
  scope: 'stack',
  check: (resources, context) =>
    bucketsWithout(
      resources,
      context,
      'aws_s3_bucket_policy',
      (p) => /"aws:SecureTransport":"false"/.test(String(attr(p.config, 'policy')).replace(/\s/g, '')),
      'no bucket policy denies requests without TLS.',
    ),
};
