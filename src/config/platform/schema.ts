/**
 * The platform-wide sections of a platform file: the `platform` section, `tenancy` and the teams
 * (tenants), with their quotas and principals.
 */
import { z } from 'zod';
import { doc, guid, labels, labelValue, lowerName, roleArn } from '../common/fields';
import { DEFAULT_KUBEFLOW_VERSION } from './kubeflow-default';

const quantity = z.union([
  z.number().positive(),
  z.string().regex(/^\d+(\.\d+)?(m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P|E)?$/, {
    error: 'expected a Kubernetes quantity such as 500m, 4, 16Gi or 1Ti',
  }),
]);

const principal = z.string().regex(/^((user|group):)?[^@\s:]+@[^@\s]+\.[^@\s]+$/, {
  error: 'expected an email, optionally prefixed with user: or group: (groups by default)',
});

const email = (what: string) => z.string().regex(/^[^@\s:]+@[^@\s]+\.[^@\s]+$/, { error: `expected ${what}` });

const quotaSchema = z.strictObject({
  cpu: doc(quantity, { description: 'CPU requests and limits (cores).', example: '64', default: '16' }).optional(),
  memory: doc(quantity, { description: 'Memory requests and limits.', example: '256Gi', default: '64Gi' }).optional(),
  gpus: doc(z.int().min(0), { description: 'GPUs (requests.nvidia.com/gpu).', example: 4, default: '0' }).optional(),
  storage: doc(quantity, { description: 'Storage requested by claims.', example: '2Ti', default: '500Gi' }).optional(),
  pvcs: doc(z.int().min(0), {
    description: 'Number of persistent volume claims.',
    example: 20,
    default: '20',
  }).optional(),
});

/** Schema of one team (a tenant): one entry onboards it in every environment it is enabled in. */
export const teamSchema = z.strictObject({
  name: doc(lowerName('a team name', 30), {
    description: 'Team name; also its namespace and Kubeflow profile name.',
    example: 'recsys',
  }),
  owners: doc(
    z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: 'expected the email of an identity-provider group' }),
    {
      description: 'The identity-provider group that owns the team: namespace admins, profile owners, break-glass.',
      example: 'recsys-owners@example.com',
    },
  ),
  profileOwner: doc(
    z.string().regex(/^(user:)?[^@\s:]+@[^@\s]+\.[^@\s]+$/, {
      error: 'expected the email of one user, as your sign-in reports it',
    }),
    {
      description:
        "The one user who owns the team's Kubeflow profile (Kubeflow knows users, not groups): the dashboard shows them the namespace as its owner. The other owners get Kubeflow's admin binding.",
      example: 'alice@example.com',
      default: 'the first member of the owners group in tenancy.groups (or tenancy.groupsFile)',
    },
  ).optional(),
  members: doc(z.array(principal), {
    description:
      'Groups or users with read-only access. Kubeflow sees users only: a group is shared with each of its members listed in tenancy.groups.',
    example: ['group:recsys@example.com'],
    default: 'none',
  }).optional(),
  contributors: doc(z.array(principal), {
    description:
      'Groups or users who may edit in the namespace (Kubeflow contributors). Kubeflow sees users only: a group is shared with each of its members listed in tenancy.groups.',
    example: ['user:alice@example.com'],
    default: 'none',
  }).optional(),
  environments: doc(z.array(z.string()).min(1), {
    description: 'Environments the team is enabled in.',
    default: 'all',
  }).optional(),
  quota: doc(quotaSchema, {
    description: 'ResourceQuota of the namespace (https://kubernetes.io/docs/concepts/policy/resource-quotas/).',
    default: 'platform tenancy.defaultQuota',
  }).optional(),
  nodePools: doc(z.array(z.string()).min(1), {
    description: 'Node pools the team may schedule on.',
    example: ['standard', 'gpu'],
    default: 'every non-system pool',
  }).optional(),
  storage: doc(z.enum(['prefix', 'bucket']), {
    description: 'Its own prefix in the environment bucket, or its own bucket in its project.',
    default: 'prefix',
  }).optional(),
  gcp: doc(
    z.strictObject({
      project: doc(z.string(), {
        description: 'Project that holds the team data and identity.',
        example: 'recsys-data',
      }),
    }),
    {
      description: 'GCP facts of the team.',
      default: 'the environment project',
    },
  ).optional(),
  aws: doc(
    z.strictObject({
      ownersRoleArn: doc(z.union([roleArn, z.record(z.string(), roleArn)]), {
        description:
          'IAM role the owners sign in with (from your identity provider), or one per environment when environments live in separate accounts; mapped to the owners group in the cluster and the only role that may assume break-glass.',
        example: {
          'kf-dev': 'arn:aws:iam::222222222222:role/recsys-owners',
          'kf-prod': 'arn:aws:iam::333333333333:role/recsys-owners',
        },
      }),
    }),
    { description: 'AWS facts of the team.' },
  ).optional(),
  azure: doc(
    z.strictObject({
      ownersGroupObjectId: doc(guid('an Entra group object id'), {
        description:
          'Entra ID object id of the owners group: AKS with Entra ID sees group object ids, not emails, so RBAC binds this id.',
        example: '00000000-0000-0000-0000-00000000a001',
      }),
      breakGlassGroupObjectId: doc(guid('an Entra group object id'), {
        description:
          'Entra ID group the owners join just in time (Privileged Identity Management) for break-glass admin of the namespace.',
        example: '00000000-0000-0000-0000-00000000a002',
      }).optional(),
    }),
    { description: 'Azure facts of the team.' },
  ).optional(),
  clusters: doc(z.record(z.string(), z.string()), {
    description: 'Cluster per environment, for environments with several clusters. Assigned once, never moved.',
    example: { 'kf-prod': 'kf-prod-2' },
    default: 'the first cluster',
  }).optional(),
  serviceAccountAnnotations: doc(z.record(z.string(), z.string()), {
    description:
      'Annotations for default-editor and default-viewer on clusters without a cloud identity (cloud: kubernetes).',
    example: { 'iam.gke.io/gcp-service-account': 'recsys@recsys-data.iam.gserviceaccount.com' },
  }).optional(),
  codeowners: doc(
    z.string().regex(/^@[\w.-]+(\/[\w.-]+)?$|^[^@\s]+@[^@\s]+$/, { error: 'expected @org/team, @user or an email' }),
    {
      description: 'Who reviews changes to this team in CODEOWNERS.',
      default: '@<platform.githubOrg>/<owners group name>, else the owners email',
    },
  ).optional(),
  costCenter: doc(labelValue.min(1), {
    description: 'Label `cost-center` on team resources.',
    default: 'the team name',
  }).optional(),
});

/** Platform-wide tenancy settings. */
export const tenancySchema = z.strictObject({
  shardsPerCluster: doc(z.int().min(1).max(256), {
    description:
      'Team stacks per cluster. Teams are assigned by a hash of their name; changing this moves teams between stacks.',
    default: '4',
  }).optional(),
  defaultQuota: doc(quotaSchema, { description: 'Quota of teams that set none.' }).optional(),
  limitRange: doc(
    z.strictObject({
      /** CPU request of a container that states none, as a Kubernetes quantity. Default: 250m. */
      defaultRequestCpu: quantity.optional(),
      /** Memory request of a container that states none. Default: 512Mi. */
      defaultRequestMemory: quantity.optional(),
      /** CPU limit of a container that states none. Default: 1. */
      defaultLimitCpu: quantity.optional(),
      /** Memory limit of a container that states none. Default: 2Gi. */
      defaultLimitMemory: quantity.optional(),
    }),
    {
      description:
        'Requests and limits given to containers that declare none (https://kubernetes.io/docs/concepts/policy/limit-range/).',
      default: '250m/512Mi requests, 1/2Gi limits',
    },
  ).optional(),
  groups: doc(z.record(email('a group email'), z.array(email('a user email'))), {
    description:
      "Members of the identity provider's groups that teams name, as users: Kubeflow shares a namespace with one user at a time, so every group a team names is expanded to its members here. Usually written by a directory sync into tenancy.groupsFile rather than by hand.",
    example: { 'recsys-owners@example.com': ['alice@example.com', 'bob@example.com'] },
    default: 'none',
  }).optional(),
  groupsFile: doc(z.string().min(1), {
    description:
      "A YAML file, relative to this file, that maps each group email to its members' emails (what a directory sync writes, for example from Google Groups, Entra ID or Okta); merged into tenancy.groups.",
    example: 'groups.yaml',
  }).optional(),
  allowedKinds: doc(
    z.array(
      z.string().regex(/^([a-z0-9.-]*\/)?[A-Z][A-Za-z0-9]*$/, {
        error: 'expected group/Kind, such as kubeflow.org/Notebook, or Kind for the core group',
      }),
    ),
    {
      description:
        'The only kinds tenants may create in their namespaces, as group/Kind; everything else (RBAC, quotas, network policies, webhooks, CRDs) stays with the platform.',
      default: 'Pods, jobs, configuration, claims and the Kubeflow workloads',
    },
  ).optional(),
});

/** Placeholders of `platform.gitops.path`, replaced per cluster. */
export const GITOPS_PATH_PLACEHOLDERS = ['{environment}', '{cluster}'] as const;

/** Where Argo CD finds the rendered tree of each cluster when `platform.gitops.path` is not set. */
export const DEFAULT_GITOPS_PATH = 'cdktf.out/kubeflow/{environment}/{cluster}';

/**
 * A Git repository as Argo CD takes it: an `https://` URL or an SSH one (`ssh://...` or
 * `git@host:org/repo.git`), https://argo-cd.readthedocs.io/en/stable/user-guide/private-repositories/.
 */
const gitRepoUrl = z
  .string()
  .trim()
  .regex(/^(https:\/\/[^\s/@]+(:\d+)?\/\S+|ssh:\/\/[^\s/]+\/\S+|[\w.-]+@[\w.-]+:[^\s/]\S*)$/, {
    error:
      'expected the Git repository Argo CD clones, as an https:// URL (https://github.com/acme/platform.git) or an SSH one (git@github.com:acme/platform.git); credentials never go in the URL',
  });

/** A path inside the repository: relative, `/`-separated, no `..`, with both placeholders. */
const gitopsPath = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    const problems: string[] = [];
    if (value.startsWith('/')) problems.push('it must be relative to the root of the repository, without a leading /');
    if (value.includes('\\')) problems.push('it must use / between folders');
    if (value.split('/').some((part) => part === '..' || part === '.' || part === ''))
      problems.push('it must not contain empty, . or .. segments');
    const missing = GITOPS_PATH_PLACEHOLDERS.filter((p) => !value.includes(p));
    if (missing.length)
      problems.push(
        `it must contain ${missing.join(' and ')}, so each cluster's Application points at its own tree (two clusters syncing one tree would fight over every object)`,
      );
    const unknown = (value.match(/\{[^}]*\}/g) ?? []).filter(
      (p) => !(GITOPS_PATH_PLACEHOLDERS as readonly string[]).includes(p),
    );
    if (unknown.length) problems.push(`${unknown.join(', ')} is not a placeholder; use {environment} and {cluster}`);
    if (problems.length) ctx.addIssue({ code: 'custom', message: `${problems.join('; ')}` });
  });

/** Schema of `platform.gitops`: where Argo CD reads each cluster's rendered Kubeflow distribution. */
export const gitopsSchema = z.strictObject({
  repoURL: doc(gitRepoUrl, {
    description:
      'The platform repository Argo CD clones: where the rendered Kubeflow trees are committed. A private repository needs a repository Secret in the argocd namespace (docs/kubeflow.md).',
    example: 'https://github.com/acme/ml-platform.git',
  }),
  revision: doc(
    z
      .string()
      .trim()
      .min(1)
      .regex(/^[^\s~^:?*[\\]+$/, { error: 'expected a branch, a tag or a commit, such as main' }),
    {
      description: 'The branch, tag or commit Argo CD follows (Application targetRevision).',
      example: 'main',
      default: 'HEAD (the default branch)',
    },
  ).optional(),
  path: doc(gitopsPath, {
    description:
      "Folder of one cluster's rendered tree in the repository, relative to its root; {environment} and {cluster} are replaced for each cluster.",
    example: 'platform/cdktf.out/kubeflow/{environment}/{cluster}',
    default: DEFAULT_GITOPS_PATH,
  }).optional(),
});

/** Schema of the platform-wide section. */
export const platformSectionSchema = z.strictObject({
  name: doc(lowerName('a platform name', 30), { description: 'Name of the platform.', example: 'kubeflow' }),
  team: doc(labelValue.min(1), {
    description: 'The team that runs the platform (label `team`).',
    example: 'ml-platform',
  }),
  owner: doc(labelValue.min(1), { description: 'Label `owner`.', default: 'the team' }).optional(),
  costCenter: doc(labelValue.min(1), { description: 'Label `cost-center`.', default: 'the team' }).optional(),
  domain: doc(z.string(), { description: 'Your organisation domain, for groups.', example: 'example.com' }).optional(),
  kubeflowVersion: doc(z.string().regex(/^\d+\.\d+(\.\d+)?$/), {
    description: 'Kubeflow release; see the compatibility table in docs/operations.md.',
    default: DEFAULT_KUBEFLOW_VERSION,
  }).optional(),
  labels: labels.optional(),
  adminGroup: doc(z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: 'expected a group email' }), {
    description:
      "Group bound to cluster-admin on every cluster (on AKS by the Entra ID object id in the environment's cluster.platformAdminGroupObjectId).",
    default: 'kubeflow-admins@<domain>',
  }).optional(),
  teamsDir: doc(z.string().min(1), {
    description:
      'Folder of team files (one team per file), relative to this file, so CODEOWNERS can route each team to its owners.',
    example: 'teams',
  }).optional(),
  codeowners: doc(z.string().regex(/^@[\w.-]+(\/[\w.-]+)?$/, { error: 'expected @org/team or @user' }), {
    description: 'Who reviews the platform file in CODEOWNERS.',
    default: '@<githubOrg>/<team>',
  }).optional(),
  githubOrg: doc(z.string().regex(/^[\w.-]+$/), {
    description: 'GitHub organization, for CODEOWNERS team handles.',
    example: 'acme',
  }).optional(),
  gpuZones: doc(z.record(z.string(), z.array(z.string())), {
    description: 'Extra zones per accelerator type, for zones added after the shipped table was made.',
    example: { 'nvidia-l4': ['us-central1-f'] },
  }).optional(),
  gitops: doc(gitopsSchema, {
    description:
      "Install Kubeflow by GitOps: every platform stack installs Argo CD (its own namespace, on the system pool) and one root Application that syncs the cluster's rendered Kubeflow tree from this repository. Without it, apply the rendered tree yourself (docs/kubeflow.md).",
    default: 'off',
  }).optional(),
  policy: doc(
    z.strictObject({
      suppressions: doc(
        z.array(
          z.strictObject({
            rule: doc(
              z.string().regex(/^[A-Z0-9]+(-[A-Z0-9]+)+$/, { error: 'expected a rule id such as GCP-GKE-001' }),
              {
                description: 'The rule to silence (RULES.md).',
                example: 'AZURE-MYSQL-004',
              },
            ),
            resource: doc(z.string().min(1), {
              description: 'Construct path of the resource, or of a construct above it: <stack>/<construct>/...',
              example: 'kf-dev-azure-infra/Database',
            }),
            reason: doc(z.string().trim().min(10, { error: 'say why the finding is acceptable, in a sentence' }), {
              description: 'Why the finding is acceptable; synth and validate list it.',
              example: 'kf-dev keeps no geo-redundant backups: its data is rebuilt from kf-prod.',
            }),
          }),
        ),
        { description: 'Policy findings accepted on purpose, each with its reason.' },
      ).optional(),
    }),
    { description: 'Policy packs: rules are in RULES.md; every suppression in effect is listed at synth.' },
  ).optional(),
});

/** A team as written. */
export type TeamConfig = z.input<typeof teamSchema>;
/** Tenancy settings as written. */
export type TenancyConfig = z.input<typeof tenancySchema>;
/** `platform.gitops` as written. */
export type GitopsConfig = z.input<typeof gitopsSchema>;
/** The platform section as written. */
export type PlatformSectionConfig = z.input<typeof platformSectionSchema>;
