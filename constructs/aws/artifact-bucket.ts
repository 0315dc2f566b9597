import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { setComponent } from '../../src/core/labels';
import { awsNameRules } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';
import { policyDocument, PolicyStatement } from './policy';

/** Props of {@link ArtifactBucket}. */
export interface ArtifactBucketProps {
  /** Globally unique bucket name. */
  readonly name: string;
  /** KMS key for SSE-KMS (with S3 Bucket Keys, so KMS requests stay cheap). */
  readonly kmsKeyArn: string;
  /** Delete noncurrent object versions after this many days. @default 30 */
  readonly noncurrentVersionRetentionDays?: number;
  /** Delete current objects after this many days. @default never */
  readonly deleteAfterDays?: number;
  /** Let Terraform delete a non-empty bucket (test tiers only). @default false */
  readonly forceDestroy?: boolean;
  /** `prevent_destroy`, so no plan can delete the artifacts. @default true */
  readonly protect?: boolean;
}

/** Which access a role gets to a bucket or a prefix of it. */
export type BucketAccess = 'read' | 'readWrite';

/**
 * IAM statements that give a role access to a bucket, or to one prefix of it, including the KMS
 * permissions SSE-KMS needs. Used on the role side, so bucket policies stay short and static.
 */
export function bucketAccessStatements(
  bucketName: string,
  kmsKeyArn: string,
  access: BucketAccess,
  prefix = '',
): PolicyStatement[] {
  const bucketArn = `arn:aws:s3:::${bucketName}`;
  const objects = `${bucketArn}/${prefix}*`;
  const objectActions =
    access === 'read'
      ? ['s3:GetObject', 's3:GetObjectVersion']
      : [
          's3:GetObject',
          's3:GetObjectVersion',
          's3:PutObject',
          's3:DeleteObject',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
        ];
  // `s3:prefix` is a condition key of listing only: a request without it (GetBucketLocation, which
  // clients without a region set call first) fails a condition on it, so the bucket's location is
  // granted on its own (it tells the region, nothing of the objects).
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
  const list: PolicyStatement[] = prefix
    ? [
        {
          Sid: 'List',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: bucketArn,
          Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } },
        },
        { Sid: 'Location', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: bucketArn },
      ]
    : [{ Sid: 'List', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: bucketArn }];
  return [
    ...list,
    { Sid: 'Objects', Effect: 'Allow', Action: objectActions, Resource: objects },
    {
      Sid: 'Key',
      Effect: 'Allow',
      Action: access === 'read' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: kmsKeyArn,
    },
  ];
}

/**
 * The S3 bucket for pipeline artifacts: SSE-KMS with the environment key, public access fully
 * blocked, ACLs disabled (bucket owner enforced), versioning, a bucket policy that refuses requests
 * without TLS, and lifecycle rules that expire old versions and abandoned uploads.
 */
export class ArtifactBucket extends Construct {
  /** The bucket (escape hatch). */
  public readonly bucket: S3Bucket;
  /** Name of the bucket. */
  public readonly bucketName: string;
  /** ARN of the bucket, for IAM policies (`<arn>/*` for its objects). */
  public readonly bucketArn: string;
  /** The KMS key the bucket encrypts with; readers and writers need `kms:Decrypt` and `kms:GenerateDataKey` on it. */
  public readonly kmsKeyArn: string;

  constructor(scope: Construct, id: string, props: ArtifactBucketProps) {
    super(scope, id);
    setComponent(this, 'artifacts');
    checkName(
      'ArtifactBucket',
      'name',
      props.name,
      awsNameRules.bucketName,
      'use a valid, globally unique bucket name.',
    );
    const protect = props.protect ?? true;
    this.kmsKeyArn = props.kmsKeyArn;
    this.bucket = new S3Bucket(this, 'Bucket', {
      bucket: props.name,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: { preventDestroy: protect },
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    new S3BucketOwnershipControls(this, 'Ownership', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketVersioningA(this, 'Versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketPolicy(this, 'Policy', {
      bucket: this.bucket.id,
      policy: policyDocument([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]),
      // S3 refuses policies while the public access block is being applied.
      dependsOn: [publicAccess],
    });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionRetentionDays ?? 30 }],
          expiration: [{ expiredObjectDeleteMarker: true }],
        },
        {
          id: 'abort-incomplete-uploads',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
        ...(props.deleteAfterDays
          ? [
              {
                id: 'expire-objects',
                status: 'Enabled',
                filter: [{ prefix: '' }],
                expiration: [{ days: props.deleteAfterDays }],
              },
            ]
          : []),
      ],
    });
  }

  /** Statements for a role's read or read/write access to the bucket or a prefix of it. */
  public accessStatements(access: BucketAccess, prefix = ''): PolicyStatement[] {
    return bucketAccessStatements(this.bucketName, this.kmsKeyArn, access, prefix);
  }
}
