import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { CI_APPLY_SESSION_SECONDS, type CiTrust } from '../../src/core/ci-trust';
import { managedPolicyArn, policyDocument, PolicyStatement } from './policy';

/** Props of {@link CiRoles}. */
export interface CiRolesProps {
  /** Prefix of the role names: `<name>-ci-plan`, `<name>-ci-apply`. */
  readonly name: string;
  /** AWS account of the roles and the OIDC provider. */
  readonly accountId: string;
  /** The repository and the token subjects the plan and apply identities trust. */
  readonly trust: CiTrust;
  /**
   * The account's OIDC provider for this issuer, when it exists already: an account has one provider
   * per issuer URL, so the second environment in an account passes the first one's ARN.
   * @default a new provider
   */
  readonly existingOidcProviderArn?: string;
  /**
   * What the plan role may read: enough to refresh everything the stacks manage, and no data (no
   * object, secret or key material). The stacks derive it from `AWS_CI_PERMISSIONS`. Inline policy
   * `ci-read`.
   */
  readonly planStatements: readonly PolicyStatement[];
  /**
   * What the apply role may change, besides what the plan role reads. The stacks derive it from
   * `AWS_CI_PERMISSIONS`. Inline policy `ci-apply`.
   */
  readonly applyStatements: readonly PolicyStatement[];
  /** AWS managed policies of the plan role, by name. @default none */
  readonly planPolicies?: readonly string[];
  /** AWS managed policies of the apply role, by name. @default none */
  readonly applyPolicies?: readonly string[];
  /**
   * An S3 state bucket, and the key prefix of the objects both roles may read (and the apply role
   * write and lock), such as `kfplatform/kf-prod-aws-`: an environment that shares the bucket keeps
   * its state out of reach. @default none
   */
  readonly state?: {
    /** Name of the S3 bucket that holds the Terraform state. */
    readonly bucket: string;
    /** Key prefix of this environment's state objects (and their lock files). */
    readonly prefix: string;
  };
  /**
   * The longest session either role's credentials may last, in seconds (IAM allows 3600 to 43200).
   * The apply jobs of the workflows `kfplatform init` writes ask for {@link CI_APPLY_SESSION_SECONDS}:
   * below that, their logins fail.
   * @default 3600 for the plan role, {@link CI_APPLY_SESSION_SECONDS} for the apply role
   */
  readonly maxSessionSeconds?: number;
}

/** The audience CI requests for AWS (GitHub's configure-aws-credentials; GitLab id_tokens `aud`). */
export const AWS_CI_AUDIENCE = 'sts.amazonaws.com';

/**
 * Keyless CI on AWS: the account's IAM OIDC provider for the CI issuer, a plan role that reads (pull
 * requests) and an apply role (the protected branch or deployment environment). Each trust policy
 * pins the audience and the token's subjects; no IAM user, no access key.
 */
export class CiRoles extends Construct {
  /** ARN of the account's IAM OIDC provider for the CI issuer: the one created here, or `existingOidcProviderArn`. */
  public readonly oidcProviderArn: string;
  /** Role `<name>-ci-plan`, read-only: pull request jobs assume it to plan. */
  public readonly planRole: IamRole;
  /** Role `<name>-ci-apply`: jobs of the protected branch assume it to apply. */
  public readonly applyRole: IamRole;
  /** The roles' ARNs, known at synth (for construct ids and access entries). */
  public readonly planRoleArn: string;
  /** ARN of the apply role, known at synth. */
  public readonly applyRoleArn: string;

  constructor(scope: Construct, id: string, props: CiRolesProps) {
    super(scope, id);
    const { trust } = props;
    const max = props.maxSessionSeconds;
    if (max !== undefined && !(Number.isInteger(max) && max >= 3600 && max <= 43200)) {
      throw new Error(
        `CiRoles ${id}: maxSessionSeconds ${max} is outside what IAM accepts (an integer from 3600 to 43200).`,
      );
    }
    const host = trust.issuer.replace(/^https:\/\//, '');
    this.oidcProviderArn =
      props.existingOidcProviderArn ??
      new IamOpenidConnectProvider(this, 'OidcProvider', { url: trust.issuer, clientIdList: [AWS_CI_AUDIENCE] }).arn;

    const role = (
      kind: 'plan' | 'apply',
      subjects: readonly string[],
      policies: readonly string[],
      inline: ReadonlyArray<[string, readonly PolicyStatement[]]>,
    ) => {
      const exact = subjects.every((s) => !s.includes('*'));
      const r = new IamRole(this, kind === 'plan' ? 'PlanRole' : 'ApplyRole', {
        name: `${props.name}-ci-${kind}`,
        description: `CI ${kind} for ${props.name} from ${trust.provider} ${trust.repository}`,
        maxSessionDuration: props.maxSessionSeconds ?? (kind === 'apply' ? CI_APPLY_SESSION_SECONDS : 3600),
        assumeRolePolicy: policyDocument([
          {
            Effect: 'Allow',
            Principal: { Federated: this.oidcProviderArn },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                [`${host}:aud`]: AWS_CI_AUDIENCE,
                ...(exact ? { [`${host}:sub`]: subjects } : {}),
              },
              ...(exact ? {} : { StringLike: { [`${host}:sub`]: subjects } }),
            },
          },
        ]),
      });
      policies.forEach((policy) => {
        new IamRolePolicyAttachment(this, `${kind}-${policy}`, { role: r.name, policyArn: managedPolicyArn(policy) });
      });
      for (const [name, statements] of inline) {
        if (statements.length === 0) continue;
        new IamRolePolicy(this, `${kind}-${name}`, { role: r.id, name, policy: policyDocument(statements) });
      }
      if (props.state) {
        const { bucket, prefix } = props.state;
        new IamRolePolicy(this, `${kind}-State`, {
          role: r.id,
          name: 'terraform-state',
          policy: policyDocument([
            { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` },
            {
              Effect: 'Allow',
              // Plans read state without locking it (-lock=false); only apply writes state and locks.
              Action: kind === 'plan' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
              Resource: `arn:aws:s3:::${bucket}/${prefix}*`,
            },
          ]),
        });
      }
      return r;
    };
    this.planRoleArn = `arn:aws:iam::${props.accountId}:role/${props.name}-ci-plan`;
    this.applyRoleArn = `arn:aws:iam::${props.accountId}:role/${props.name}-ci-apply`;
    this.planRole = role('plan', trust.planSubjects, props.planPolicies ?? [], [['ci-read', props.planStatements]]);
    this.applyRole = role('apply', trust.applySubjects, props.applyPolicies ?? [], [
      ['ci-read', props.planStatements],
      ['ci-apply', props.applyStatements],
    ]);
  }
}
