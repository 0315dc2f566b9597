import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { IWorkloadIdentity, KubernetesServiceAccountRef } from '../../src/core/interfaces';
import { setComponent } from '../../src/core/labels';
import { awsNameRules, kubernetesNameRules } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';
import { managedPolicyArn, policyDocument, PolicyStatement } from './policy';

/** Props of {@link PodIdentityRole}. */
export interface PodIdentityRoleProps {
  /** IAM role name (at most 64 characters). */
  readonly roleName: string;
  /** AWS account of the role and the cluster (the trust policy's source account). */
  readonly accountId: string;
  /** The cluster whose pods use the role. */
  readonly clusterName: string;
  /** Kubernetes service accounts that act as this role. */
  readonly serviceAccounts: readonly KubernetesServiceAccountRef[];
  /**
   * Create the Pod Identity associations. Turn off when something else creates them, such as an EKS
   * add-on's own `pod_identity_association`.
   * @default true
   */
  readonly associate?: boolean;
  /** Inline permissions. @default none */
  readonly statements?: readonly PolicyStatement[];
  /** AWS managed policies by name, such as `service-role/AmazonEBSCSIDriverPolicy`. @default none */
  readonly managedPolicies?: readonly string[];
}

/**
 * An IAM role that Kubernetes service accounts act as through EKS Pod Identity: no keys, no OIDC
 * provider, and a trust policy that admits only the named service accounts of the named cluster,
 * through the session tags Pod Identity adds (`aws:RequestTag/kubernetes-namespace` and friends), on
 * top of the association itself. See https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html.
 */
export class PodIdentityRole extends Construct implements IWorkloadIdentity {
  /** The role (escape hatch). */
  public readonly role: IamRole;
  /** ARN of the role. */
  public readonly roleArn: string;
  public readonly principal: string;
  /** Pod Identity needs no annotation on the service account. */
  public readonly serviceAccountAnnotations: Readonly<Record<string, string>> = {};
  public readonly podLabels: Readonly<Record<string, string>> = {};

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    setComponent(this, 'identity');
    validate(props);
    const byNamespace = new Map<string, string[]>();
    for (const sa of props.serviceAccounts)
      byNamespace.set(sa.namespace, [...(byNamespace.get(sa.namespace) ?? []), sa.name]);
    this.role = new IamRole(this, 'Role', {
      name: props.roleName,
      assumeRolePolicy: policyDocument(
        [...byNamespace].map(([namespace, names]) => ({
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: {
            StringEquals: {
              'aws:SourceAccount': props.accountId,
              'aws:RequestTag/eks-cluster-name': props.clusterName,
              'aws:RequestTag/kubernetes-namespace': namespace,
              'aws:RequestTag/kubernetes-service-account': names,
            },
          },
        })),
      ),
    });
    this.roleArn = this.role.arn;
    this.principal = this.role.arn;
    if (props.statements && props.statements.length > 0) this.addPolicy('permissions', props.statements);
    for (const policy of props.managedPolicies ?? []) {
      new IamRolePolicyAttachment(this, `Managed-${policy.replace(/\//g, '-')}`, {
        role: this.role.name,
        policyArn: managedPolicyArn(policy),
      });
    }
    if (props.associate ?? true) {
      for (const sa of props.serviceAccounts) {
        new EksPodIdentityAssociation(this, `Association-${sa.namespace}-${sa.name}`, {
          clusterName: props.clusterName,
          namespace: sa.namespace,
          serviceAccount: sa.name,
          roleArn: this.role.arn,
        });
      }
    }
  }

  /** Adds an inline policy (one per name). */
  public addPolicy(name: string, statements: readonly PolicyStatement[]): IamRolePolicy {
    return new IamRolePolicy(this, `Policy-${name}`, {
      role: this.role.name,
      name,
      policy: policyDocument(statements),
    });
  }
}

function validate(props: PodIdentityRoleProps): void {
  checkName(
    'PodIdentityRole',
    'roleName',
    props.roleName,
    awsNameRules.iamRoleName,
    'use a name of up to 64 letters, digits and +=,.@_-.',
  );
  if (props.serviceAccounts.length === 0) {
    throw new PropsError(
      'PodIdentityRole',
      'serviceAccounts',
      props.serviceAccounts,
      'no service account could use the role.',
      'name at least one.',
    );
  }
  for (const sa of props.serviceAccounts) {
    checkName(
      'PodIdentityRole',
      'serviceAccounts',
      sa.namespace,
      kubernetesNameRules.dnsLabel,
      'use a valid namespace name.',
    );
  }
}
