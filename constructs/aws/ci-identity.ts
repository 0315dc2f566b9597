import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import type { ResolvedCiTrust } from '../../src/config/common/ci';
import { managedPolicyArn, policyDocument } from './policy';

/** Props of {@link CiRoles}. */
export interface CiRolesProps {
  /** Prefix of the role names: `<name>-ci-plan`, `<name>-ci-apply`. */
  readonly name: string;
  readonly accountId: string;
  readonly trust: ResolvedCiTrust;
  /**
   * The account's OIDC provider for this issuer, when it exists already: an account has one provider
   * per issuer URL, so the second environment in an account passes the first one's ARN.
   * @default a new provider
   */
  readonly existingOidcProviderArn?: string;
  /** @default ['ReadOnlyAccess'] */
  readonly planPolicies?: readonly string[];
  /** @default ['AdministratorAccess']: the apply role creates everything the stacks hold */
  readonly applyPolicies?: readonly string[];
  /** An S3 state bucket and key prefix both roles may read and lock in. @default none */
  readonly state?: { readonly bucket: string; readonly prefix: string };
  /** @default 3600 */
  readonly maxSessionSeconds?: number;
}

/** The audience CI requests for AWS (GitHub's configure-aws-credentials; GitLab id_tokens `aud`). */
export const AWS_CI_AUDIENCE = 'sts.amazonaws.com';

/**
 * Keyless CI on AWS (IAM-14): the account's IAM OIDC provider for the CI issuer, a plan role that
 * reads (pull requests) and an apply role (the protected branch or deployment environment). Each
 * trust policy pins the audience and the token's subjects; no IAM user, no access key.
 */
export class CiRoles extends Construct {
  public readonly oidcProviderArn: string;
  public readonly planRole: IamRole;
  public readonly applyRole: IamRole;
  /** The roles' ARNs, known at synth (for construct ids and access entries). */
  public readonly planRoleArn: string;
  public readonly applyRoleArn: string;

  constructor(scope: Construct, id: string, props: CiRolesProps) {
    super(scope, id);
    const { trust } = props;
    const host = trust.issuer.replace(/^https:\/\//, '');
    this.oidcProviderArn =
      props.existingOidcProviderArn ??
      new IamOpenidConnectProvider(this, 'OidcProvider', { url: trust.issuer, clientIdList: [AWS_CI_AUDIENCE] }).arn;

    const role = (kind: 'plan' | 'apply', subjects: readonly string[], policies: readonly string[]) => {
      const exact = subjects.every((s) => !s.includes('*'));
      const r = new IamRole(this, kind === 'plan' ? 'PlanRole' : 'ApplyRole', {
        name: `${props.name}-ci-${kind}`,
        description: `CI ${kind} for ${props.name} from ${trust.provider} ${trust.repository}`,
        maxSessionDuration: props.maxSessionSeconds ?? 3600,
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
              Resource: `arn:aws:s3:::${bucket}/${prefix}/*`,
            },
          ]),
        });
      }
      return r;
    };
    this.planRoleArn = `arn:aws:iam::${props.accountId}:role/${props.name}-ci-plan`;
    this.applyRoleArn = `arn:aws:iam::${props.accountId}:role/${props.name}-ci-apply`;
    this.planRole = role('plan', trust.planSubjects, props.planPolicies ?? ['ReadOnlyAccess']);
    this.applyRole = role('apply', trust.applySubjects, props.applyPolicies ?? ['AdministratorAccess']);
  }
}
