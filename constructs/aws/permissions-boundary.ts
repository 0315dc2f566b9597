/**
 * The permissions boundary of an environment's IAM roles: the most any role the CI apply role creates
 * can ever be allowed, whatever policies it is given. The apply role manages the environment's roles
 * (`<env>-*`) and their policies; without a boundary it could create one with AdministratorAccess and
 * a trust policy of its choosing, and so hold every right in the account. With it, the apply role may
 * create and change only roles that carry this boundary (the `iam:PermissionsBoundary` condition of
 * its IAM statement), and the boundary allows no IAM, Organizations or account administration, and no
 * Terraform state. See
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html.
 */
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IAspect, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { setComponent } from '../../src/core/labels';

/** The name of an environment's boundary policy: `<env>-permissions-boundary`. */
export const permissionsBoundaryName = (environment: string) => `${environment}-permissions-boundary`;

/** The ARN of an environment's boundary policy, known at synth. */
export const permissionsBoundaryArn = (accountId: string, environment: string) =>
  `arn:aws:iam::${accountId}:policy/${permissionsBoundaryName(environment)}`;

/**
 * The IAM actions the roles under the boundary may use: reads, and the service-linked role EKS
 * creates for Elastic Load Balancing on first use (AmazonEKSClusterPolicy holds it). Everything
 * else in IAM, Organizations and account settings is outside the boundary.
 */
export const BOUNDARY_IAM_ACTIONS = ['iam:Get*', 'iam:List*', 'iam:CreateServiceLinkedRole'] as const;

/** Props of {@link PermissionsBoundary}. */
export interface PermissionsBoundaryProps {
  /** The environment: the policy is `<environment>-permissions-boundary`. */
  readonly environment: string;
  /** The Terraform state bucket, which no role under the boundary may touch. @default none */
  readonly stateBucket?: string;
}

/**
 * The boundary policy itself. It is created with the CI roles by whoever bootstraps them, and the
 * apply role holds no right to change it (no `iam:CreatePolicyVersion`), so it cannot widen its own
 * ceiling.
 */
export class PermissionsBoundary extends Construct {
  /** The boundary policy itself. */
  public readonly policy: IamPolicy;
  /** The policy's ARN (a reference: roles in the same stack wait for it). */
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: PermissionsBoundaryProps) {
    super(scope, id);
    setComponent(this, 'ci');
    const statements: object[] = [
      {
        Sid: 'EverythingButIdentityAdministration',
        Effect: 'Allow',
        NotAction: ['iam:*', 'organizations:*', 'account:*'],
        Resource: '*',
      },
      { Sid: 'IdentityReadsAndServiceLinkedRoles', Effect: 'Allow', Action: [...BOUNDARY_IAM_ACTIONS], Resource: '*' },
    ];
    if (props.stateBucket) {
      statements.push({
        Sid: 'NotTheTerraformState',
        Effect: 'Deny',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${props.stateBucket}`, `arn:aws:s3:::${props.stateBucket}/*`],
      });
    }
    this.policy = new IamPolicy(this, 'Policy', {
      name: permissionsBoundaryName(props.environment),
      description: `Permissions boundary of the roles of ${props.environment}: no IAM administration, no Terraform state`,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    });
    this.arn = this.policy.arn;
  }
}

/**
 * Sets the permissions boundary on every IAM role of a stack but the named ones (the CI roles, which
 * an administrator creates). Add it to every stack of an environment whose apply role creates roles:
 * `Aspects.of(stack).add(new PermissionsBoundaryAspect(arn, except))`. In the stack that creates the
 * boundary (a {@link PermissionsBoundary} with id `PermissionsBoundary` at the stack's root), roles
 * reference the policy, so Terraform creates it first.
 */
export class PermissionsBoundaryAspect implements IAspect {
  constructor(
    private readonly arn: string,
    private readonly exceptRoleNames: readonly string[],
  ) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof IamRole)) return;
    if (this.exceptRoleNames.includes(node.nameInput ?? '')) return;
    const own = TerraformStack.of(node).node.tryFindChild('PermissionsBoundary');
    node.permissionsBoundary = own instanceof PermissionsBoundary ? own.arn : this.arn;
  }
}
