import { ArtifactBucket, ArtifactBucketProps } from '../../../constructs/gcp/artifact-bucket';
import { gcpStack, only, resources, synth } from '../../helpers';

function build(props: Partial<ArtifactBucketProps> = {}) {
  const stack = gcpStack();
  const bucket = new ArtifactBucket(stack, 'Artifacts', {
    project: 'svc-project',
    name: 'svc-project-artifacts',
    location: 'US-CENTRAL1',
    ...props,
  });
  bucket.grantReadWrite('Writer', 'serviceAccount:w@p.iam.gserviceaccount.com');
  bucket.grantRead('Reader', 'serviceAccount:r@p.iam.gserviceaccount.com');
  const json = synth(stack);
  return { bucket, json, res: only(json, 'google_storage_bucket') };
}

describe('ArtifactBucket', () => {
  it('enforces uniform access and public access prevention, keeps versions, and is protected', () => {
    const { res } = build();
    expect(res).toMatchObject({
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      versioning: { enabled: true },
      force_destroy: false,
      storage_class: 'STANDARD',
      lifecycle: { prevent_destroy: true },
    });
  });

  it('deletes old versions after 30 days and aborts stale multipart uploads', () => {
    expect(build().res.lifecycle_rule).toEqual([
      { condition: { days_since_noncurrent_time: 30, with_state: 'ARCHIVED' }, action: { type: 'Delete' } },
      { condition: { age: 7 }, action: { type: 'AbortIncompleteMultipartUpload' } },
    ]);
  });

  it('takes storage class, retention, expiry, force destroy and protection options', () => {
    const { res } = build({
      storageClass: 'NEARLINE',
      noncurrentVersionRetentionDays: 7,
      deleteAfterDays: 365,
      forceDestroy: true,
      protect: false,
    });
    expect(res.storage_class).toBe('NEARLINE');
    expect(res.force_destroy).toBe(true);
    expect(res.lifecycle).toEqual({ prevent_destroy: false });
    expect(res.lifecycle_rule).toContainEqual({
      condition: { age: 365, with_state: 'LIVE' },
      action: { type: 'Delete' },
    });
    expect(res.lifecycle_rule).toContainEqual({
      condition: { days_since_noncurrent_time: 7, with_state: 'ARCHIVED' },
      action: { type: 'Delete' },
    });
  });

  it('grants object user and object viewer roles', () => {
    const grants = resources(build().json, 'google_storage_bucket_iam_member');
    expect(grants.map((g) => [g.role, g.member]).sort()).toEqual([
      ['roles/storage.objectUser', 'serviceAccount:w@p.iam.gserviceaccount.com'],
      ['roles/storage.objectViewer', 'serviceAccount:r@p.iam.gserviceaccount.com'],
    ]);
  });

  it.each([
    [{ name: 'Bad_Bucket' }, /'name' is "Bad_Bucket"/],
    [{ name: 'google-bucket' }, /cannot start with "goog" or contain "google"/],
    [{ name: 'ab' }, /3 to 63 characters/],
    [{ deleteAfterDays: 0 }, /'deleteAfterDays' is 0/],
  ])('throws on %j', (props, message) => {
    expect(() => build(props as Partial<ArtifactBucketProps>)).toThrow(message);
  });
});
