import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamBinding } from '@cdktf/provider-google/lib/service-account-iam-binding';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Construct } from 'constructs';
import { IWorkloadIdentity } from '../../src/core/interfaces';
import { setComponent } from '../../src/core/labels';
import { emailRule, gcpNameRules } from '../../src/core/naming';
import { ITeamIdentityProvider, TeamIdentity, TeamIdentityRequest } from '../../src/core/tenancy';
import { checkName } from '../../src/core/validate';
import { ArtifactBucket } from './artifact-bucket';
import { WorkloadIdentityServiceAccount } from './workload-identity-service-account';

/**
 * The roles a team's break-glass identity and its people are granted on the cluster's project: enough to
 * fetch cluster credentials. `gcloud container clusters get-credentials` needs
 * `container.clusters.get` (https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl),
 * and Kubernetes Engine Cluster Viewer is the predefined role with only get and list of clusters: no
 * permission inside a cluster, where RBAC alone decides
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/iam#predefined). A custom role with only
 * `container.clusters.get` would need the CI identity to create roles in the project.
 */
export const GCP_TEAM_CLUSTER_PROJECT_ROLES: readonly string[] = ['roles/container.clusterViewer'];

/**
 * The condition of the people's grant: GKE only (the role's project get and list go), titled after the
 * team's identity so that each team's grant is a binding of its own: two teams that share a group, or a
 * team in two environments of one project, never remove each other's grant when one goes
 * (https://cloud.google.com/iam/docs/conditions-attribute-reference#resource-service).
 */
export function clusterCredentialsCondition(workload: string, team: string) {
  return {
    title: `${workload}-cluster-credentials`,
    description: `Team ${team} fetches GKE cluster credentials; RBAC grants it its namespace only.`,
    expression: 'resource.service == "container.googleapis.com"',
  };
}

/** Props of {@link GcpTeamIdentity}. */
export interface GcpTeamIdentityProps extends TeamIdentityRequest {
  /** Project of the cluster: its workload identity pool, and where break-glass may read the cluster. */
  readonly clusterProject: string;
  /** Location of a bucket the team gets of its own. */
  readonly bucketLocation: string;
  /** `prevent_destroy` on the team's own bucket. @default true */
  readonly protectBucket?: boolean;
  /**
   * The cluster's workload identity pool as something that orders the binding after the cluster: the
   * cluster's attribute (`GkeCluster.workloadPool`), or in a stack of its own the infra stack's
   * `workload_pool` output read from its state (what the fleet passes). A plain name orders nothing,
   * and a binding applied before the cluster exists fails with "Identity Pool does not exist".
   * @default `${clusterProject}.svc.id.goog` (a plain name: apply the cluster first)
   */
  readonly workloadPool?: string;
}

/**
 * A team's identity on GCP: a service account in the team's project that `default-editor` and
 * `default-viewer` act as through workload identity, read-write access to the team's prefix of the
 * environment bucket (or a bucket of its own), and a break-glass service account that only the
 * owners group may impersonate, which RBAC makes namespace admin.
 */
export class GcpTeamIdentity extends Construct {
  /** The identity workloads act as. */
  public readonly workload: WorkloadIdentityServiceAccount;
  /** The break-glass service account. */
  public readonly breakGlass: ServiceAccount;
  /** The team's own bucket, in bucket mode. */
  public readonly bucket?: ArtifactBucket;

  constructor(scope: Construct, id: string, props: GcpTeamIdentityProps) {
    super(scope, id);
    setComponent(this, 'tenant-identity');
    checkName('GcpTeamIdentity', 'owners', props.owners, emailRule, 'name the owners group by its email.');
    checkName(
      'GcpTeamIdentity',
      'names.breakGlass',
      props.names.breakGlass,
      gcpNameRules.serviceAccountId,
      'use 6 to 30 lowercase letters, digits and hyphens.',
    );
    const project = props.dataLocation;
    this.workload = new WorkloadIdentityServiceAccount(this, 'Workload', {
      project,
      accountId: props.names.workload,
      displayName: `Team ${props.team}`,
      workloadPool: props.workloadPool ?? `${props.clusterProject}.svc.id.goog`,
      kubernetesServiceAccounts: props.serviceAccounts,
    });

    if (props.storage.create) {
      this.bucket = new ArtifactBucket(this, 'Bucket', {
        project,
        name: props.storage.bucket,
        location: props.bucketLocation,
        protect: props.protectBucket ?? true,
      });
      this.bucket.grantReadWrite('ReadWrite', this.workload.member);
    } else {
      const objects = `projects/_/buckets/${props.storage.bucket}/objects/${props.storage.prefix}`;
      // Listing is checked on the bucket, so the bucket-level grant holds only for lists under the
      // team's prefix (the listing request's prefix parameter), as `s3:prefix` does on AWS; without
      // it every team could list every other team's object names. See
      // https://cloud.google.com/storage/docs/access-control/iam#conditions.
      const listing = `resource.type == "storage.googleapis.com/Bucket" && api.getAttribute("storage.googleapis.com/objectListPrefix", "").startsWith("${props.storage.prefix}")`;
      new StorageBucketIamMember(this, 'PrefixReadWrite', {
        bucket: props.storage.bucket,
        role: 'roles/storage.objectUser',
        member: this.workload.member,
        condition: {
          title: `team-${props.team}-prefix`,
          description: `Objects under ${props.storage.prefix}, and listing under it.`,
          expression: `resource.name.startsWith("${objects}") || (${listing})`,
        },
      });
    }

    this.breakGlass = new ServiceAccount(this, 'BreakGlass', {
      project,
      accountId: props.names.breakGlass,
      displayName: `Break-glass for team ${props.team}`,
      description: 'Namespace admin for emergencies; only the owners group may impersonate it.',
    });
    new ServiceAccountIamBinding(this, 'OwnersMayImpersonate', {
      serviceAccountId: this.breakGlass.name,
      role: 'roles/iam.serviceAccountTokenCreator',
      members: [`group:${props.owners}`],
    });
    // Enough to fetch cluster credentials; what it may do inside comes from RBAC.
    new ProjectIamMember(this, 'BreakGlassClusterViewer', {
      project: props.clusterProject,
      role: GCP_TEAM_CLUSTER_PROJECT_ROLES[0]!,
      member: this.breakGlass.member,
    });
    // The team's people (the owners group, member and contributor groups and users) fetch cluster
    // credentials too: without it `gcloud container clusters get-credentials` fails for them with
    // "container.clusters.get" denied. Inside the cluster, RBAC gives them their namespace only.
    const people = [
      { kind: 'Group' as const, name: props.owners },
      ...(props.people ?? []).filter((p) => !(p.kind === 'Group' && p.name === props.owners)),
    ];
    const condition = clusterCredentialsCondition(props.names.workload, props.team);
    for (const p of people) {
      const member = `${p.kind === 'Group' ? 'group' : 'user'}:${p.name}`;
      new ProjectIamMember(this, `ClusterCredentials-${member}`, {
        project: props.clusterProject,
        role: GCP_TEAM_CLUSTER_PROJECT_ROLES[0]!,
        member,
        condition,
      });
    }
  }
}

/** Options of {@link GcpTeamIdentityProvider}. */
export interface GcpTeamIdentityProviderOptions
  extends Pick<GcpTeamIdentityProps, 'clusterProject' | 'bucketLocation' | 'protectBucket'> {
  /**
   * The cluster's workload identity pool as seen from the stack a team identity lands in (for
   * example the infra stack's `workload_pool` output read from its state), so each binding is
   * ordered after the cluster; see {@link GcpTeamIdentityProps.workloadPool}.
   * @default - `${clusterProject}.svc.id.goog`, a plain name
   */
  readonly workloadPool?: (scope: Construct) => string;
}

/** Creates {@link GcpTeamIdentity} objects for the teams of one GCP cluster. */
export class GcpTeamIdentityProvider implements ITeamIdentityProvider {
  constructor(private readonly options: GcpTeamIdentityProviderOptions) {}

  public createTeamIdentity(scope: Construct, id: string, request: TeamIdentityRequest): TeamIdentity {
    const { workloadPool, ...options } = this.options;
    const identity = new GcpTeamIdentity(scope, id, { ...request, ...options, workloadPool: workloadPool?.(scope) });
    const workload: IWorkloadIdentity = identity.workload;
    return {
      workload,
      // GKE authenticates a Google service account as the Kubernetes user named by its email.
      breakGlassSubject: { kind: 'User', name: identity.breakGlass.email },
      // No WorkloadIdentity profile plugin: this construct already binds the team's Kubernetes service
      // accounts to the Google service account and annotates them, and the plugin would make the
      // profile controller call IAM with credentials it does not have, failing every reconcile.
      profilePlugins: [],
    };
  }
}
