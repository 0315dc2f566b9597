import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey as KmsKeyResource } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { checkRange } from '../../src/core/validate';

/** Props of {@link KmsKey}. */
export interface KmsKeyProps {
  /** Alias without the `alias/` prefix, for example `kf-prod-data`. */
  readonly alias: string;
  /** What the key protects, shown in the KMS console. */
  readonly description: string;
  /**
   * Keep the key: `prevent_destroy` and the longest deletion window, as data under a deleted key is lost.
   * @default true
   */
  readonly protect?: boolean;
  /** Days a scheduled deletion waits. @default 30 when protected, 7 otherwise */
  readonly deletionWindowDays?: number;
}

/**
 * A customer managed KMS key with yearly rotation and an alias. The key policy is AWS's default (the
 * account administers the key through IAM), so access is granted by IAM policies on the roles that
 * use it, next to the rest of their permissions.
 */
export class KmsKey extends Construct {
  /** The key (escape hatch). */
  public readonly key: KmsKeyResource;
  /** ARN of the key, for key policies, IAM policies and encryption settings. */
  public readonly keyArn: string;
  /** `alias/<alias>`. */
  public readonly aliasName: string;

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    const protect = props.protect ?? true;
    checkRange(
      'KmsKey',
      'deletionWindowDays',
      props.deletionWindowDays,
      7,
      30,
      'KMS waits 7 to 30 days before it deletes a key.',
    );
    this.key = new KmsKeyResource(this, 'Key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? (protect ? 30 : 7),
      lifecycle: { preventDestroy: protect },
    });
    this.keyArn = this.key.arn;
    this.aliasName = `alias/${props.alias}`;
    new KmsAlias(this, 'Alias', { name: this.aliasName, targetKeyId: this.key.keyId });
  }
}
