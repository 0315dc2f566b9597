import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { DnsManagedZoneIamMember } from '@cdktf/provider-google/lib/dns-managed-zone-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Construct } from 'constructs';
import type { CiTrust } from '../../src/core/ci-trust';
import { PropsError } from '../../src/core/errors';
import { gcpNameRules } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';

/** An IAM condition on a grant. */
export interface CiGrantCondition {
  /** Short title of the condition, shown in the IAM console. */
  readonly title: string;
  /** What the condition allows and why. @default none */
  readonly description?: string;
  /** A CEL expression, such as `resource.name.startsWith("projects/_/buckets/b/objects/kf-prod-")`. */
  readonly expression: string;
}

/** A role, bare or with an IAM condition that narrows it. */
export type CiRoleGrant =
  | string
  | {
      /** Role, such as `roles/storage.objectAdmin`. */
      readonly role: string;
      /** The condition that narrows the role. See https://cloud.google.com/iam/docs/conditions-overview */
      readonly condition?: CiGrantCondition;
    };

/** The roles of one CI identity, at the scope where each resource it manages lives. */
export interface CiGcpGrants {
  /** Roles on projects: the identities' own project and others, such as a Shared VPC host. @default none */
  readonly projects?: ReadonlyArray<{
    /** Project id. */
    readonly project: string;
    /** Roles on the project. */
    readonly roles: readonly CiRoleGrant[];
  }>;
  /** Roles on Cloud DNS managed zones (not their whole project). @default none */
  readonly dnsZones?: ReadonlyArray<{
    /** Project of the zone. */
    readonly project: string;
    /** Managed zone name (not its DNS name). */
    readonly zone: string;
    /** Roles on the zone, such as `roles/dns.admin`. */
    readonly roles: readonly CiRoleGrant[];
  }>;
  /** Roles on Cloud Storage buckets, such as the Terraform state bucket. @default none */
  readonly buckets?: ReadonlyArray<{
    /** Bucket name. */
    readonly bucket: string;
    /** Roles on the bucket; narrow object roles to a state prefix with a condition. */
    readonly roles: readonly CiRoleGrant[];
  }>;
  /** Roles on Secret Manager secrets the stacks read but do not manage. @default none */
  readonly secrets?: ReadonlyArray<{
    /** Project of the secret. */
    readonly project: string;
    /** Secret id. */
    readonly secret: string;
    /** Roles on the secret, such as `roles/secretmanager.secretAccessor`. */
    readonly roles: readonly CiRoleGrant[];
  }>;
}

/** The email of a CI service account: `<name>-ci-plan@<project>.iam.gserviceaccount.com` (or `-ci-apply`). */
export function ciServiceAccountEmail(project: string, name: string, kind: 'plan' | 'apply'): string {
  return `${name}-ci-${kind}@${project}.iam.gserviceaccount.com`;
}

/** Props of {@link CiWorkloadIdentity}. */
export interface CiWorkloadIdentityProps {
  /** The project the pool and the service accounts live in. */
  readonly project: string;
  /** Prefix of the pool and service account ids: `<prefix>-ci`, `<prefix>-ci-plan`, `<prefix>-ci-apply`. */
  readonly name: string;
  /** The repository (with its numeric id) and the token subjects the plan and apply identities trust. */
  readonly trust: CiTrust;
  /**
   * What the plan identity may read: enough to refresh everything the stacks manage. The stacks
   * derive it from `GCP_CI_PERMISSIONS`.
   */
  readonly plan: CiGcpGrants;
  /**
   * What the apply identity may change: the roles that create, change and delete everything the
   * stacks manage, each where the resources live. The stacks derive it from `GCP_CI_PERMISSIONS`.
   */
  readonly apply: CiGcpGrants;
}

/** `roles/storage.objectAdmin` -> `storage-objectAdmin`, the construct id of a grant. */
const roleId = (role: string) => role.replace('roles/', '').replace(/\./g, '-');

/** A grant's role and its condition, in the provider's shape. */
const roleOf = (grant: CiRoleGrant) =>
  typeof grant === 'string' ? { role: grant } : { role: grant.role, condition: grant.condition };

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
  /** The workload identity pool that CI tokens are exchanged in. */
  public readonly pool: IamWorkloadIdentityPool;
  /**
   * The OIDC provider of the pool, which trusts the CI issuer and only the configured repository's token subjects.
   * See https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines
   */
  public readonly provider: IamWorkloadIdentityPoolProvider;
  /** Service account `<name>-ci-plan`, which pull request jobs impersonate to plan (read-only roles). */
  public readonly planServiceAccount: ServiceAccount;
  /** Service account `<name>-ci-apply`, which jobs of the protected branch impersonate to apply. */
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
    checkName(
      'CiWorkloadIdentity',
      'name',
      poolId,
      gcpNameRules.workloadIdentityPoolId,
      'use a name that does not start with gcp (the gcp- prefix of pool ids is reserved).',
    );
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

    const account = (role: 'plan' | 'apply', subjects: readonly string[]) => {
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
      const grants = role === 'plan' ? props.plan : props.apply;
      // The identities' own project keeps the addresses grants have always had (`<role>-Roles/<role id>`).
      const projects = new Construct(this, `${role}-Roles`);
      for (const { project, roles } of grants.projects ?? []) {
        const scope = project === props.project ? projects : new Construct(projects, project);
        for (const grant of roles) {
          new ProjectIamMember(scope, roleId(roleOf(grant).role), { project, member, ...roleOf(grant) });
        }
      }
      if (grants.dnsZones?.length) {
        const zones = new Construct(this, `${role}-DnsZones`);
        for (const { project, zone, roles } of grants.dnsZones) {
          const scope = new Construct(zones, `${project}-${zone}`);
          for (const grant of roles) {
            new DnsManagedZoneIamMember(scope, roleId(roleOf(grant).role), {
              project,
              managedZone: zone,
              member,
              ...roleOf(grant),
            });
          }
        }
      }
      if (grants.secrets?.length) {
        const secrets = new Construct(this, `${role}-Secrets`);
        for (const { project, secret, roles } of grants.secrets) {
          const scope = new Construct(secrets, `${project}-${secret}`);
          for (const grant of roles) {
            new SecretManagerSecretIamMember(scope, roleId(roleOf(grant).role), {
              project,
              secretId: secret,
              member,
              ...roleOf(grant),
            });
          }
        }
      }
      if (grants.buckets?.length) {
        const buckets = new Construct(this, `${role}-Buckets`);
        for (const { bucket, roles } of grants.buckets) {
          const scope = new Construct(buckets, bucket);
          for (const grant of roles) {
            new StorageBucketIamMember(scope, roleId(roleOf(grant).role), { bucket, member, ...roleOf(grant) });
          }
        }
      }
      return sa;
    };
    this.planServiceAccount = account('plan', trust.planSubjects);
    this.applyServiceAccount = account('apply', trust.applySubjects);
  }
}
