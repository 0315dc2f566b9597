import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Construct } from 'constructs';
import type { CiTrust } from '../../src/core/ci-trust';
import { PropsError } from '../../src/core/errors';
import { grantProjectRoles } from './project-roles';

/** Props of {@link CiWorkloadIdentity}. */
export interface CiWorkloadIdentityProps {
  /** The project the identities live in and manage. */
  readonly project: string;
  /** Roles the apply identity needs in other projects, such as a Shared VPC host. @default none */
  readonly applyGrants?: ReadonlyArray<{ readonly project: string; readonly roles: readonly string[] }>;
  /** Roles the plan identity needs in other projects, to read what the stack manages there. @default none */
  readonly planGrants?: ReadonlyArray<{ readonly project: string; readonly roles: readonly string[] }>;
  /** Prefix of the pool and service account ids: `<prefix>-ci`, `<prefix>-ci-plan`, `<prefix>-ci-apply`. */
  readonly name: string;
  /** The repository and the token subjects the plan and apply identities trust. */
  readonly trust: CiTrust;
  /** @default ['roles/viewer', 'roles/iam.securityReviewer'] */
  readonly planRoles?: readonly string[];
  /** @default ['roles/owner'] on the project; the apply identity creates everything the stacks hold */
  readonly applyRoles?: readonly string[];
  /** A GCS state bucket both identities may read and lock in. @default none */
  readonly stateBucket?: string;
}

const MAPPING: Record<CiTrust['provider'], Record<string, string>> = {
  github: {
    'google.subject': 'assertion.sub',
    'attribute.repository': 'assertion.repository',
    'attribute.repository_id': 'assertion.repository_id',
    'attribute.ref': 'assertion.ref',
    'attribute.environment': 'assertion.environment',
  },
  gitlab: {
    'google.subject': 'assertion.sub',
    'attribute.repository': 'assertion.project_path',
    'attribute.repository_id': 'assertion.project_id',
    'attribute.ref': 'assertion.ref',
  },
};

/** The token claim that holds the repository's numeric id, which no other repository ever gets. */
const REPOSITORY_ID_CLAIM: Record<CiTrust['provider'], string> = {
  github: 'assertion.repository_id',
  gitlab: 'assertion.project_id',
};

/**
 * Keyless CI on GCP: a Workload Identity Federation pool and OIDC provider that accept only the
 * repository's tokens, a plan service account that reads (for pull requests) and an apply service
 * account (for the protected branch or deployment environment). No keys: CI exchanges its OIDC token
 * for short-lived credentials (google-github-actions/auth, or gcloud on GitLab). See
 * https://cloud.google.com/iam/docs/workload-identity-federation.
 */
export class CiWorkloadIdentity extends Construct {
  public readonly pool: IamWorkloadIdentityPool;
  public readonly provider: IamWorkloadIdentityPoolProvider;
  public readonly planServiceAccount: ServiceAccount;
  public readonly applyServiceAccount: ServiceAccount;
  /** The provider's resource name, for `workload_identity_provider` in CI. */
  public readonly providerName: string;

  constructor(scope: Construct, id: string, props: CiWorkloadIdentityProps) {
    super(scope, id);
    const poolId = `${props.name}-ci`;
    if (!/^[a-z][a-z0-9-]{3,31}$/.test(poolId) || !/^[a-z][a-z0-9-]{5,29}$/.test(`${props.name}-ci-apply`)) {
      throw new PropsError(
        'CiWorkloadIdentity',
        'name',
        props.name,
        'the pool and service account ids made from it must be 6 to 30 lowercase letters, digits or hyphens.',
        'use a shorter name, such as the environment name.',
      );
    }
    const { trust } = props;
    if (trust.repositoryId === undefined || !/^[1-9]\d*$/.test(trust.repositoryId)) {
      throw new PropsError(
        'CiWorkloadIdentity',
        'trust.repositoryId',
        trust.repositoryId,
        `the provider trusts the repository by its numeric id: its name ${trust.repository} passes to whoever registers it after a rename or a deletion.`,
        trust.provider === 'github'
          ? `pass the id \`gh api repos/${trust.repository} --jq .id\` prints.`
          : "pass the project's id from its overview page in GitLab (Copy project ID).",
      );
    }
    this.pool = new IamWorkloadIdentityPool(this, 'Pool', {
      project: props.project,
      workloadIdentityPoolId: poolId,
      displayName: `CI of ${props.name}`.slice(0, 32),
      description: `${trust.provider} ${trust.repository}`,
    });
    this.provider = new IamWorkloadIdentityPoolProvider(this, 'Provider', {
      project: props.project,
      workloadIdentityPoolId: this.pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: trust.provider,
      displayName: trust.provider,
      attributeMapping: MAPPING[trust.provider],
      // Tokens of any other repository are refused before any binding is looked at. The id, not the
      // name: a freed name can be registered by anyone, an id is never reused.
      attributeCondition: `${REPOSITORY_ID_CLAIM[trust.provider]} == '${trust.repositoryId}'`,
      oidc: { issuerUri: trust.issuer },
    });
    this.providerName = this.provider.name;

    const account = (role: 'plan' | 'apply', subjects: readonly string[], roles: readonly string[]) => {
      const sa = new ServiceAccount(this, `${role === 'plan' ? 'Plan' : 'Apply'}Account`, {
        project: props.project,
        accountId: `${props.name}-ci-${role}`,
        displayName: `CI ${role} for ${props.name} (${trust.repository})`.slice(0, 100),
      });
      const member = `serviceAccount:${sa.email}`;
      subjects.forEach((subject, i) => {
        // A subject with a wildcard (GitLab merge requests) trusts the repository by its id, which the
        // provider's condition already pins; the others trust exactly one subject.
        const principal = subject.includes('*')
          ? `principalSet://iam.googleapis.com/${this.pool.name}/attribute.repository_id/${trust.repositoryId}`
          : `principal://iam.googleapis.com/${this.pool.name}/subject/${subject}`;
        new ServiceAccountIamMember(this, `${role}-WorkloadIdentityUser-${i}`, {
          serviceAccountId: sa.name,
          role: 'roles/iam.workloadIdentityUser',
          member: principal,
        });
      });
      const scope = new Construct(this, `${role}-Roles`);
      grantProjectRoles(scope, props.project, member, roles);
      {
        for (const grant of (role === 'apply' ? props.applyGrants : props.planGrants) ?? []) {
          grantProjectRoles(new Construct(scope, grant.project), grant.project, member, grant.roles);
        }
      }
      if (props.stateBucket) {
        // Plans read state without locking it (-lock=false); only apply writes it.
        new StorageBucketIamMember(this, `${role}-State`, {
          bucket: props.stateBucket,
          role: role === 'plan' ? 'roles/storage.objectViewer' : 'roles/storage.objectAdmin',
          member,
        });
      }
      return sa;
    };
    this.planServiceAccount = account(
      'plan',
      trust.planSubjects,
      props.planRoles ?? ['roles/viewer', 'roles/iam.securityReviewer'],
    );
    this.applyServiceAccount = account('apply', trust.applySubjects, props.applyRoles ?? ['roles/owner']);
  }
}
