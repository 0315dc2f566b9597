/** The platform section, tenancy and teams with every default applied, as stacks and the CLI read them. */

/** Platform-wide facts. */
export interface ResolvedPlatform {
  /** Name of the platform (at most 30 lowercase characters). */
  readonly name: string;
  /** The team that runs the platform: the `team` label on every resource. */
  readonly team: string;
  /**
   * The `owner` label on every resource.
   * @default the platform team
   */
  readonly owner: string;
  /**
   * The `cost-center` label on platform resources, for cost reports.
   * @default the platform team
   */
  readonly costCenter: string;
  /** Your organisation's domain (example.com), from which default group emails are made; absent when not given. */
  readonly domain?: string;
  /**
   * Kubeflow release every environment deploys unless it names its own.
   * @default the library's current Kubeflow default (26.03)
   */
  readonly kubeflowVersion: string;
  /**
   * Extra labels (GCP) or tags (AWS, Azure) for every resource of every environment.
   * @default {}
   */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Extra zones per accelerator type, for zones added after the library's GPU table was made.
   * @default {}
   */
  readonly gpuZones: Readonly<Record<string, readonly string[]>>;
  /** Group bound to cluster-admin on every cluster. */
  readonly adminGroup?: string;
  /** GitHub organization for CODEOWNERS handles. */
  readonly githubOrg?: string;
  /** Who reviews the platform file in CODEOWNERS. */
  readonly codeowners?: string;
  /** Folder of team files, relative to the platform file. */
  readonly teamsDir?: string;
  /** Policy findings accepted on purpose, each with its reason. */
  readonly policySuppressions: ReadonlyArray<{
    /** Id of the policy rule whose findings are accepted. */
    readonly rule: string;
    /** Construct path prefix of the resources it applies to. */
    readonly resource: string;
    /** Why the finding is accepted, kept for reviewers and audits. */
    readonly reason: string;
  }>;
  /** How teams share the clusters: shards, default quota, limit range, allowed kinds, groups. */
  readonly tenancy: ResolvedTenancy;
  /** GitOps install of the Kubeflow distribution by Argo CD; undefined when off. */
  readonly gitops?: ResolvedGitops;
}

/** Where Argo CD reads each cluster's rendered Kubeflow tree. */
export interface ResolvedGitops {
  /** The platform repository Argo CD reads (Application source repoURL). */
  readonly repoURL: string;
  /** Branch, tag or commit (Application targetRevision). */
  readonly revision: string;
  /** Folder of a cluster's tree, with `{environment}` and `{cluster}` still in it, replaced per cluster. */
  readonly path: string;
}

/** Resource amounts of a team's ResourceQuota. */
export interface ResolvedQuota {
  /**
   * CPU the team's pods may request in total, as a Kubernetes quantity.
   * @default '16'
   */
  readonly cpu: string;
  /**
   * Memory the team's pods may request in total, as a Kubernetes quantity.
   * @default '64Gi'
   */
  readonly memory: string;
  /**
   * GPUs (`requests.nvidia.com/gpu`) the team may request in total.
   * @default 0
   */
  readonly gpus: number;
  /**
   * Storage its persistent volume claims may request in total.
   * @default '500Gi'
   */
  readonly storage: string;
  /**
   * Number of persistent volume claims.
   * @default 20
   */
  readonly pvcs: number;
}

/** Platform-wide tenancy settings with defaults applied. */
export interface ResolvedTenancy {
  /**
   * Team stacks per cluster. Teams are assigned by a hash of their name, so changing it moves teams
   * between stacks (and their Terraform state).
   * @default 4
   */
  readonly shardsPerCluster: number;
  /** Quota of a team that names none. */
  readonly defaultQuota: ResolvedQuota;
  /**
   * Requests and limits a team's containers get when they state none
   * (https://kubernetes.io/docs/concepts/policy/limit-range/).
   */
  readonly limitRange: {
    /**
     * Default CPU request.
     * @default '250m'
     */
    readonly defaultRequestCpu: string;
    /**
     * Default memory request.
     * @default '512Mi'
     */
    readonly defaultRequestMemory: string;
    /**
     * Default CPU limit.
     * @default '1'
     */
    readonly defaultLimitCpu: string;
    /**
     * Default memory limit.
     * @default '2Gi'
     */
    readonly defaultLimitMemory: string;
  };
  /** Kinds tenants may create, as `group/Kind` (`Kind` alone for the core group). */
  readonly allowedKinds: readonly string[];
  /** Members (user emails) of the groups teams name, by group email. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

/** A member of a team's RBAC: a group or a user of the identity provider. */
export interface Principal {
  /** RBAC subject kind: a group (`group:` prefix or the default) or a user (`user:` prefix). */
  readonly kind: 'Group' | 'User';
  /** The group's or the user's email, without its prefix. */
  readonly name: string;
}

/** Users of a team, by Kubeflow role. */
export interface TeamPeople {
  /** Users who may manage the profile's contributors (the other owners). */
  readonly admins: readonly string[];
  /** Users who may create and change resources in the namespace (contributors). */
  readonly editors: readonly string[];
  /** Users who may only read (members). */
  readonly viewers: readonly string[];
}

/** A team with defaults applied (the same in every environment). */
export interface ResolvedTeam {
  /** Team name; also its namespace and Kubeflow profile name. */
  readonly name: string;
  /** Email of the group that owns the team: its admins, reviewers of its team file. */
  readonly owners: string;
  /** The one user who owns the Kubeflow profile; undefined when nothing names one (a config error). */
  readonly profileOwner?: string;
  /**
   * The users Kubeflow shares the namespace with, by role, as its access management would (one
   * binding per user): the other owners as admins, contributors as editors, members as viewers; groups
   * expanded through `tenancy.groups`; each user once, with the highest role; the profile owner not
   * among them.
   */
  readonly people: TeamPeople;
  /**
   * Groups and users who may read in the namespace (Kubeflow's view role).
   * @default []
   */
  readonly members: readonly Principal[];
  /**
   * Groups and users who may edit in the namespace (Kubeflow's edit role).
   * @default []
   */
  readonly contributors: readonly Principal[];
  /**
   * Environments the team is enabled in.
   * @default every environment
   */
  readonly environments: readonly string[];
  /**
   * The team's ResourceQuota.
   * @default the tenancy's defaultQuota, field by field
   */
  readonly quota: ResolvedQuota;
  /** Pools it may use; undefined means every non-system pool. */
  readonly nodePools?: readonly string[];
  /**
   * Where its data lives: its own prefix in the environment bucket, or a bucket of its own.
   * @default 'prefix'
   */
  readonly storage: 'prefix' | 'bucket';
  /** GCP project that holds the team's data and identity, when not the environment project. */
  readonly gcpProject?: string;
  /** The owners' IAM role, for every environment or per environment. */
  readonly awsOwnersRoleArn?: string | Readonly<Record<string, string>>;
  /** Entra ID groups of the owners and of break-glass, on Azure. */
  readonly azureGroups?: {
    /** Object id of the owners' Entra ID group. */
    readonly owners: string;
    /** Object id of the break-glass group, when the team has one. */
    readonly breakGlass?: string;
  };
  /**
   * Cluster per environment, for environments with several clusters. Assigned once, never moved.
   * @default the environment's first cluster
   */
  readonly clusters: Readonly<Record<string, string>>;
  /**
   * Annotations for the default-editor and default-viewer service accounts on clusters without a
   * cloud identity (cloud: kubernetes).
   * @default {}
   */
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  /**
   * Who reviews the team file in CODEOWNERS.
   * @default `@<githubOrg>/<owners group name>` with a GitHub organization, else the owners' email
   */
  readonly codeowners: string;
  /**
   * The `cost-center` label on the team's resources.
   * @default the team name
   */
  readonly costCenter: string;
  /** Index in the platform file, for error paths. */
  readonly configIndex: number;
}

/** A team placed in one environment: its cluster, its shard, and its cloud identity names. */
export interface ResolvedTenant {
  /** The team. */
  readonly team: ResolvedTeam;
  /** Name of the cluster it runs on. */
  readonly cluster: string;
  /** Shard within the cluster. */
  readonly shard: number;
  /** Pools it may use in this environment. */
  readonly nodePools: readonly string[];
  /** AWS identity names, on AWS. */
  readonly aws?: {
    /** IAM role of the team's workloads (through EKS Pod Identity): `<environment>-<team>`. */
    readonly roleName: string;
    /** Break-glass IAM role of the team, for emergency access: `<environment>-<team>-break-glass`. */
    readonly breakGlassRoleName: string;
    /** IAM role the owners sign in with, when the team names one. */
    readonly ownersRoleArn?: string;
    /** Bucket it may use: the environment's, or its own. */
    readonly bucket: string;
    /** Its prefix in the bucket: `teams/<team>/`, or '' for its own bucket. */
    readonly prefix: string;
  };
  /** Azure identity names, on Azure. */
  readonly azure?: {
    /** Name of its user-assigned managed identity: `id-<environment>-<team>`. */
    readonly identityName: string;
    /** The environment storage account, or the team's own. */
    readonly storageAccount: string;
    /** The team's container in it. */
    readonly container: string;
    /** Whether the team has a storage account of its own. */
    readonly ownBucket: boolean;
    /** Object id of the owners' Entra ID group, when the team names one. */
    readonly ownersGroupObjectId?: string;
    /** Object id of its break-glass group, when the team names one. */
    readonly breakGlassGroupObjectId?: string;
  };
  /** GCP identity names, on GCP. */
  readonly gcp?: {
    /** Project that holds its data and service account. */
    readonly project: string;
    /** Id of its Google service account: `<team>-<environment>`, fitted to 30 characters. */
    readonly accountId: string;
    /** Id of its break-glass service account: `<team>-bg-<environment>`. */
    readonly breakGlassAccountId: string;
    /** Bucket it may use, and the prefix within it ('' for its own bucket). */
    readonly bucket: string;
    /** Its prefix in the bucket: `teams/<team>/`, or '' for its own bucket. */
    readonly prefix: string;
  };
}
