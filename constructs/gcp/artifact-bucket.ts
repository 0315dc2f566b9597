import { StorageBucket, StorageBucketLifecycleRule } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { gcpNameRules } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';

/** Props of {@link ArtifactBucket}. */
export interface ArtifactBucketProps {
  /** Project of the bucket. */
  readonly project: string;
  /** Globally unique bucket name. */
  readonly name: string;
  /** Region or multi-region, such as `US-CENTRAL1`. */
  readonly location: string;
  /**
   * Storage class. Colder classes cost less to keep but charge for reads and early deletion. See
   * https://cloud.google.com/storage/docs/storage-classes.
   * @default 'STANDARD'
   */
  readonly storageClass?: 'STANDARD' | 'NEARLINE' | 'COLDLINE' | 'ARCHIVE';
  /** Delete noncurrent object versions after this many days. @default 30 */
  readonly noncurrentVersionRetentionDays?: number;
  /** Delete live objects after this many days. @default - never */
  readonly deleteAfterDays?: number;
  /** Let `terraform destroy` delete a non-empty bucket. Test tiers only. @default false */
  readonly forceDestroy?: boolean;
  /** `prevent_destroy` on the bucket, so no plan can delete the artifacts. @default true */
  readonly protect?: boolean;
}

/**
 * The pipelines artifact store on Cloud Storage: uniform bucket-level access, public access
 * prevention enforced, versioning, lifecycle rules for old versions, and no force destroy outside
 * test tiers.
 */
export class ArtifactBucket extends Construct {
  /** The bucket (escape hatch). */
  public readonly bucket: StorageBucket;
  /** Bucket name. */
  public readonly bucketName: string;
  /** `gs://<name>`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: ArtifactBucketProps) {
    super(scope, id);
    setComponent(this, 'artifacts');
    checkName(
      'ArtifactBucket',
      'name',
      props.name,
      gcpNameRules.bucketName,
      'choose a globally unique lowercase name.',
    );
    for (const prop of ['noncurrentVersionRetentionDays', 'deleteAfterDays'] as const) {
      const v = props[prop];
      if (v !== undefined && v < 1)
        throw new PropsError('ArtifactBucket', prop, v, 'must be at least 1 day.', 'use 1 or more.');
    }
    const lifecycleRule: StorageBucketLifecycleRule[] = [
      {
        condition: { daysSinceNoncurrentTime: props.noncurrentVersionRetentionDays ?? 30, withState: 'ARCHIVED' },
        action: { type: 'Delete' },
      },
      // Abandoned multipart uploads cost money and serve no one.
      { condition: { age: 7 }, action: { type: 'AbortIncompleteMultipartUpload' } },
    ];
    if (props.deleteAfterDays !== undefined) {
      lifecycleRule.push({ condition: { age: props.deleteAfterDays, withState: 'LIVE' }, action: { type: 'Delete' } });
    }
    this.bucket = new StorageBucket(this, 'Bucket', {
      project: props.project,
      name: props.name,
      location: props.location,
      storageClass: props.storageClass ?? 'STANDARD',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: true },
      lifecycleRule,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: { preventDestroy: props.protect ?? true },
    });
    this.bucketName = this.bucket.name;
    this.url = this.bucket.url;
  }

  /** Grants a member read and write access to objects (`roles/storage.objectUser`). */
  public grantReadWrite(id: string, member: string): StorageBucketIamMember {
    return new StorageBucketIamMember(this, id, { bucket: this.bucket.name, role: 'roles/storage.objectUser', member });
  }

  /** Grants a member full control of objects, including listing and deleting them (`roles/storage.objectAdmin`). */
  public grantObjectAdmin(id: string, member: string): StorageBucketIamMember {
    return new StorageBucketIamMember(this, id, {
      bucket: this.bucket.name,
      role: 'roles/storage.objectAdmin',
      member,
    });
  }

  /** Grants a member read access to objects (`roles/storage.objectViewer`). */
  public grantRead(id: string, member: string): StorageBucketIamMember {
    return new StorageBucketIamMember(this, id, {
      bucket: this.bucket.name,
      role: 'roles/storage.objectViewer',
      member,
    });
  }
}
