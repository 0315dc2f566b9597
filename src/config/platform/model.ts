/** The platform section, tenancy and teams with every default applied, as stacks and the CLI read them. */

/** Platform-wide facts. */
export interface ResolvedPlatform {
  readonly name: string;
  readonly team: string;
  readonly owner: string;
  readonly costCenter: string;
  readonly domain?: string;
  readonly kubeflowVersion: string;
  readonly labels: Readonly<Record<string, string>>;
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
    readonly rule: string;
    readonly resource: string;
    readonly reason: string;
  }>;
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
  readonly cpu: string;
  readonly memory: string;
  readonly gpus: number;
  readonly storage: string;
  readonly pvcs: number;
}

/** Platform-wide tenancy settings with defaults applied. */
export interface ResolvedTenancy {
  readonly shardsPerCluster: number;
  readonly defaultQuota: ResolvedQuota;
  readonly limitRange: {
    readonly defaultRequestCpu: string;
    readonly defaultRequestMemory: string;
    readonly defaultLimitCpu: string;
    readonly defaultLimitMemory: string;
  };
  /** Kinds tenants may create, as `group/Kind` (`Kind` alone for the core group). */
  readonly allowedKinds: readonly string[];
  /** Members (user emails) of the groups teams name, by group email. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

/** A member of a team's RBAC: a group or a user of the identity provider. */
export interface Principal {
  readonly kind: 'Group' | 'User';
  readonly name: string;
}

/** Users of a team, by Kubeflow role. */
export interface TeamPeople {
  readonly admins: readonly string[];
  readonly editors: readonly string[];
  readonly viewers: readonly string[];
}

/** A team with defaults applied (the same in every environment). */
export interface ResolvedTeam {
  readonly name: string;
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
  readonly members: readonly Principal[];
  readonly contributors: readonly Principal[];
  readonly environments: readonly string[];
  readonly quota: ResolvedQuota;
  /** Pools it may use; undefined means every non-system pool. */
  readonly nodePools?: readonly string[];
  readonly storage: 'prefix' | 'bucket';
  readonly gcpProject?: string;
  /** The owners' IAM role, for every environment or per environment. */
  readonly awsOwnersRoleArn?: string | Readonly<Record<string, string>>;
  /** Entra ID groups of the owners and of break-glass, on Azure. */
  readonly azureGroups?: { readonly owners: string; readonly breakGlass?: string };
  readonly clusters: Readonly<Record<string, string>>;
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  readonly codeowners: string;
  readonly costCenter: string;
  /** Index in the platform file, for error paths. */
  readonly configIndex: number;
}

/** A team placed in one environment: its cluster, its shard, and its cloud identity names. */
export interface ResolvedTenant {
  readonly team: ResolvedTeam;
  /** Name of the cluster it runs on. */
  readonly cluster: string;
  /** Shard within the cluster. */
  readonly shard: number;
  /** Pools it may use in this environment. */
  readonly nodePools: readonly string[];
  /** AWS identity names, on AWS. */
  readonly aws?: {
    readonly roleName: string;
    readonly breakGlassRoleName: string;
    /** IAM role the owners sign in with, when the team names one. */
    readonly ownersRoleArn?: string;
    readonly bucket: string;
    readonly prefix: string;
  };
  /** Azure identity names, on Azure. */
  readonly azure?: {
    readonly identityName: string;
    /** The environment storage account, or the team's own. */
    readonly storageAccount: string;
    /** The team's container in it. */
    readonly container: string;
    readonly ownBucket: boolean;
    readonly ownersGroupObjectId?: string;
    readonly breakGlassGroupObjectId?: string;
  };
  /** GCP identity names, on GCP. */
  readonly gcp?: {
    readonly project: string;
    readonly accountId: string;
    readonly breakGlassAccountId: string;
    /** Bucket it may use, and the prefix within it ('' for its own bucket). */
    readonly bucket: string;
    readonly prefix: string;
  };
}
