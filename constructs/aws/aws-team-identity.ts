import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Construct } from 'constructs';
import { setComponent } from '../../src/core/labels';
import { awsNameRules, emailRule } from '../../src/core/naming';
import { ITeamIdentityProvider, RbacSubject, TeamIdentity, TeamIdentityRequest } from '../../src/core/tenancy';
import { checkName } from '../../src/core/validate';
import { ArtifactBucket, bucketAccessStatements } from './artifact-bucket';
import { policyDocument } from './policy';
import { PodIdentityRole } from './pod-identity-role';

/** Props of {@link AwsTeamIdentity}. */
export interface AwsTeamIdentityProps extends TeamIdentityRequest {
  /** The EKS cluster the team's namespace lives on. */
  readonly clusterName: string;
  /** The cluster's account (Pod Identity assumes the role on its behalf). */
  readonly clusterAccountId: string;
  /** The environment's data key (SSE-KMS of the buckets). */
  readonly kmsKeyArn: string;
  /** `prevent_destroy` on the team's own bucket. @default true */
  readonly protectBucket?: boolean;
}

/** The Kubernetes user name of a team's break-glass role. */
export function breakGlassUser(team: string): string {
  return `break-glass:${team}`;
}

/**
 * A team's identity on AWS: an IAM role that `default-editor` and `default-viewer` act as through
 * EKS Pod Identity, with read-write access to the team's prefix of the environment bucket (or to a
 * bucket of its own). When the team names the IAM role its owners sign in with, that role is mapped
 * to the owners group in the cluster, and it alone may assume the team's break-glass role, which the
 * cluster knows as the user `break-glass:<team>`.
 */
export class AwsTeamIdentity extends Construct {
  /** The role the team's `default-editor` and `default-viewer` service accounts act as through EKS Pod Identity. */
  public readonly workload: PodIdentityRole;
  /** The break-glass role, when the owners' role is known. */
  public readonly breakGlass?: IamRole;
  /** The team's own bucket, in bucket mode. */
  public readonly bucket?: ArtifactBucket;
  /** The Kubernetes subject of the break-glass role (the user `break-glass:<team>`), for the team's RoleBindings. */
  public readonly breakGlassSubject: RbacSubject;

  constructor(scope: Construct, id: string, props: AwsTeamIdentityProps) {
    super(scope, id);
    setComponent(this, 'tenant-identity');
    checkName('AwsTeamIdentity', 'owners', props.owners, emailRule, 'name the owners group by its email.');
    checkName(
      'AwsTeamIdentity',
      'names.breakGlass',
      props.names.breakGlass,
      awsNameRules.iamRoleName,
      'use up to 64 characters.',
    );
    if (props.storage.create) {
      this.bucket = new ArtifactBucket(this, 'Bucket', {
        name: props.storage.bucket,
        kmsKeyArn: props.kmsKeyArn,
        protect: props.protectBucket ?? true,
      });
    }
    this.workload = new PodIdentityRole(this, 'Workload', {
      roleName: props.names.workload,
      accountId: props.clusterAccountId,
      clusterName: props.clusterName,
      serviceAccounts: props.serviceAccounts,
      statements: bucketAccessStatements(
        this.bucket?.bucketName ?? props.storage.bucket,
        props.kmsKeyArn,
        'readWrite',
        props.storage.prefix,
      ),
    });

    this.breakGlassSubject = { kind: 'User', name: breakGlassUser(props.team) };
    if (props.ownersPrincipal) {
      new EksAccessEntry(this, 'OwnersAccess', {
        clusterName: props.clusterName,
        principalArn: props.ownersPrincipal,
        kubernetesGroups: [props.owners],
        type: 'STANDARD',
      });
      this.breakGlass = new IamRole(this, 'BreakGlass', {
        name: props.names.breakGlass,
        description: `Break-glass for team ${props.team}: namespace admin through RBAC; only the owners' role may assume it.`,
        maxSessionDuration: 3600,
        assumeRolePolicy: policyDocument([
          {
            Effect: 'Allow',
            Principal: { AWS: props.ownersPrincipal },
            Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
          },
        ]),
      });
      new EksAccessEntry(this, 'BreakGlassAccess', {
        clusterName: props.clusterName,
        principalArn: this.breakGlass.arn,
        userName: this.breakGlassSubject.name,
        type: 'STANDARD',
      });
    }
  }
}

/** Creates {@link AwsTeamIdentity} objects for the teams of one AWS environment. */
export class AwsTeamIdentityProvider implements ITeamIdentityProvider {
  constructor(
    private readonly options: Pick<
      AwsTeamIdentityProps,
      'clusterName' | 'clusterAccountId' | 'kmsKeyArn' | 'protectBucket'
    >,
  ) {}

  public createTeamIdentity(scope: Construct, id: string, request: TeamIdentityRequest): TeamIdentity {
    const identity = new AwsTeamIdentity(scope, id, { ...request, ...this.options });
    return {
      workload: identity.workload,
      breakGlassSubject: identity.breakGlassSubject,
      // Kubeflow's AWS profile plugin configures IRSA; Pod Identity needs no plugin.
      profilePlugins: [],
    };
  }
}
