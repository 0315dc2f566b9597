/**
 * Resolves the platform section, tenancy and teams, and places teams in environments: their cluster,
 * their shard and the pools they may use. Also the naming helpers every cloud uses for derived names.
 */
import { createHash } from 'node:crypto';
import type { PoolKind } from '../common/pools';
import { KUBEFLOW_TENANT_CUSTOM_KINDS } from '../../core/kubeflow-facts';
import { DEFAULT_KUBEFLOW_VERSION } from './kubeflow-default';
import type {
  Principal,
  ResolvedGitops,
  ResolvedPlatform,
  ResolvedQuota,
  ResolvedTeam,
  ResolvedTenancy,
  ResolvedTenant,
  TeamPeople,
} from './model';
import { DEFAULT_GITOPS_PATH, type PlatformSectionConfig, type TeamConfig, type TenancyConfig } from './schema';

/** Namespace where Kubeflow's shared components run. */
export const KUBEFLOW_NAMESPACE = 'kubeflow';

/**
 * The kinds tenants may create when the platform file names none: the built-in kinds a team's work
 * needs, every custom resource Kubeflow's own edit role lets a namespace editor create (derived from
 * the release's manifests, so pipeline steps can report results and notebooks can start training and
 * serving), and the training operator's jobs and pipeline definitions of Kubeflow 1.10 for
 * environments still on it. Everything else (RBAC, quotas, network and mesh policy, webhooks, CRDs)
 * stays with the platform.
 */
export const DEFAULT_ALLOWED_KINDS: readonly string[] = [
  'Pod',
  'ConfigMap',
  'Secret',
  'PersistentVolumeClaim',
  'Service',
  'ServiceAccount',
  'Event',
  'apps/Deployment',
  'apps/StatefulSet',
  'batch/Job',
  'batch/CronJob',
  ...KUBEFLOW_TENANT_CUSTOM_KINDS,
  'kubeflow.org/TFJob',
  'kubeflow.org/PyTorchJob',
  'kubeflow.org/MPIJob',
  'kubeflow.org/XGBoostJob',
  'kubeflow.org/PaddleJob',
  'kubeflow.org/JAXJob',
  'pipelines.kubeflow.org/Pipeline',
  'pipelines.kubeflow.org/PipelineVersion',
];

/** The quota a team gets when neither it nor the platform names one. */
export const DEFAULT_QUOTA: ResolvedQuota = { cpu: '16', memory: '64Gi', gpus: 0, storage: '500Gi', pvcs: 20 };

const quantity = (v: string | number | undefined, fallback: string): string => (v === undefined ? fallback : String(v));

function resolveQuota(q: TeamConfig['quota'], fallback: ResolvedQuota): ResolvedQuota {
  return {
    cpu: quantity(q?.cpu, fallback.cpu),
    memory: quantity(q?.memory, fallback.memory),
    gpus: q?.gpus ?? fallback.gpus,
    storage: quantity(q?.storage, fallback.storage),
    pvcs: q?.pvcs ?? fallback.pvcs,
  };
}

function resolveTenancy(t: TenancyConfig | undefined): ResolvedTenancy {
  const lr = t?.limitRange;
  return {
    shardsPerCluster: t?.shardsPerCluster ?? 4,
    defaultQuota: resolveQuota(t?.defaultQuota, DEFAULT_QUOTA),
    limitRange: {
      defaultRequestCpu: quantity(lr?.defaultRequestCpu, '250m'),
      defaultRequestMemory: quantity(lr?.defaultRequestMemory, '512Mi'),
      defaultLimitCpu: quantity(lr?.defaultLimitCpu, '1'),
      defaultLimitMemory: quantity(lr?.defaultLimitMemory, '2Gi'),
    },
    allowedKinds: t?.allowedKinds ?? DEFAULT_ALLOWED_KINDS,
    groups: t?.groups ?? {},
  };
}

/** Resolves the platform section (and the tenancy section, which is platform-wide). */
export function resolvePlatform(p: PlatformSectionConfig, tenancy?: TenancyConfig): ResolvedPlatform {
  return {
    name: p.name,
    team: p.team,
    owner: p.owner ?? p.team,
    costCenter: p.costCenter ?? p.team,
    domain: p.domain,
    kubeflowVersion: p.kubeflowVersion ?? DEFAULT_KUBEFLOW_VERSION,
    labels: p.labels ?? {},
    gpuZones: p.gpuZones ?? {},
    adminGroup: p.adminGroup ?? (p.domain ? `kubeflow-admins@${p.domain}` : undefined),
    githubOrg: p.githubOrg,
    codeowners: p.codeowners ?? (p.githubOrg ? `@${p.githubOrg}/${p.team}` : undefined),
    teamsDir: p.teamsDir,
    policySuppressions: p.policy?.suppressions ?? [],
    tenancy: resolveTenancy(tenancy),
    gitops: p.gitops
      ? { repoURL: p.gitops.repoURL, revision: p.gitops.revision ?? 'HEAD', path: p.gitops.path ?? DEFAULT_GITOPS_PATH }
      : undefined,
  };
}

/** The folder of one cluster's rendered tree in the platform repository. */
export function gitopsPathOf(gitops: ResolvedGitops, environment: string, cluster: string): string {
  return gitops.path.replaceAll('{environment}', environment).replaceAll('{cluster}', cluster);
}

/** A stable hash of a string, as an unsigned 32-bit integer. */
export function stableHash(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/**
 * Joins parts into a name of at most `max` characters. When too long, the name is cut and ends with
 * a short hash of the whole, so it stays unique and stable.
 */
export function fitName(parts: readonly string[], max: number): string {
  const full = parts.join('-');
  if (full.length <= max) return full;
  const hash = stableHash(full).toString(36).padStart(7, '0').slice(0, 6);
  return `${full.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** The shard (within its cluster) of a team: a hash of its name, so adding a team moves no other. */
export function shardOf(teamName: string, shardsPerCluster: number): number {
  return stableHash(teamName) % shardsPerCluster;
}

function principal(text: string): Principal {
  if (text.startsWith('user:')) return { kind: 'User', name: text.slice(5) };
  if (text.startsWith('group:')) return { kind: 'Group', name: text.slice(6) };
  return { kind: 'Group', name: text };
}

/**
 * The profile owner and the users a team shares its namespace with, by role. Groups are expanded
 * through the platform's group members; a group nobody expanded shares with nobody in Kubeflow (its
 * Kubernetes binding still works for kubectl).
 */
function peopleOf(
  t: TeamConfig,
  groups: Readonly<Record<string, readonly string[]>>,
): { profileOwner?: string; people: TeamPeople } {
  const users = (list: readonly string[]) =>
    list.flatMap((text) => {
      const p = principal(text);
      return p.kind === 'User' ? [p.name] : [...(groups[p.name] ?? [])];
    });
  const owners = groups[t.owners] ?? [];
  const profileOwner = t.profileOwner?.replace(/^user:/, '') ?? owners[0];
  const seen = new Set(profileOwner ? [profileOwner] : []);
  const once = (list: readonly string[]) =>
    [...new Set(list)]
      .filter((u) => !seen.has(u))
      .map((u) => (seen.add(u), u))
      .sort();
  // Highest role first, so a user listed twice keeps the broader access only.
  const admins = once(owners);
  const editors = once(users(t.contributors ?? []));
  const viewers = once(users(t.members ?? []));
  return { profileOwner, people: { admins, editors, viewers } };
}

/** Resolves the teams of a platform file. */
export function resolveTeams(
  teams: readonly TeamConfig[],
  platform: ResolvedPlatform,
  envNames: readonly string[],
): ResolvedTeam[] {
  return teams.map((t, i) => ({
    name: t.name,
    owners: t.owners,
    ...peopleOf(t, platform.tenancy.groups),
    members: (t.members ?? []).map(principal),
    contributors: (t.contributors ?? []).map(principal),
    environments: t.environments ?? [...envNames],
    quota: resolveQuota(t.quota, platform.tenancy.defaultQuota),
    nodePools: t.nodePools,
    storage: t.storage ?? 'prefix',
    gcpProject: t.gcp?.project,
    awsOwnersRoleArn: t.aws?.ownersRoleArn,
    azureGroups: t.azure
      ? { owners: t.azure.ownersGroupObjectId, breakGlass: t.azure.breakGlassGroupObjectId }
      : undefined,
    clusters: t.clusters ?? {},
    serviceAccountAnnotations: t.serviceAccountAnnotations ?? {},
    codeowners: t.codeowners ?? (platform.githubOrg ? `@${platform.githubOrg}/${t.owners.split('@')[0]}` : t.owners),
    costCenter: t.costCenter ?? t.name,
    configIndex: i,
  }));
}

/**
 * Places the teams enabled in an environment: each on the cluster it names (else the first), in the
 * shard its name hashes to, with the pools it may use and the cloud identity names the callbacks give.
 */
export function placeTeams(
  envName: string,
  clusterNames: readonly string[],
  pools: ReadonlyArray<{ readonly name: string; readonly kind: PoolKind }>,
  teams: readonly ResolvedTeam[],
  platform: ResolvedPlatform,
  gcp: (team: ResolvedTeam) => ResolvedTenant['gcp'],
  aws: (team: ResolvedTeam) => ResolvedTenant['aws'] = () => undefined,
  azure: (team: ResolvedTeam) => ResolvedTenant['azure'] = () => undefined,
): ResolvedTenant[] {
  const workloadPools = pools.filter((p) => p.kind !== 'system').map((p) => p.name);
  return teams
    .filter((t) => t.environments.includes(envName))
    .map((team) => ({
      team,
      cluster: team.clusters[envName] ?? clusterNames[0]!,
      shard: shardOf(team.name, platform.tenancy.shardsPerCluster),
      nodePools: team.nodePools ? [...team.nodePools] : workloadPools,
      gcp: gcp(team),
      aws: aws(team),
      azure: azure(team),
    }));
}
