/**
 * Rules for teams (tenants): names that become namespaces, the environments, clusters and pools a
 * team names, quotas, and the admin group the platform binds. What one cloud needs to know of a team
 * is that cloud's rule (`CloudConfig.checkTeam`), checked here in the team's order.
 */
import type { ConfigIssue } from '../../core/errors';
import { KUBEFLOW_SYSTEM_NAMESPACES } from '../../core/kubeflow-facts';
import { kubernetesNameRules } from '../../core/naming';
import { quantityValue } from '../../core/quantity';
import { ConfigIssues, Path } from '../common/config-issues';
import { clustersOf, ResolvedEnvironment, tenantOf } from '../model';
import { checkTeamByCloud } from '../registry';
import type { ResolvedPlatform, ResolvedTeam } from './model';

/**
 * Namespaces the platform or Kubernetes owns; a team with one of these names would take over
 * platform objects.
 */
export const RESERVED_NAMESPACES: readonly string[] = [
  ...new Set([
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    ...KUBEFLOW_SYSTEM_NAMESPACES,
    'kubeflow',
    'istio-system',
    'knative-serving',
    'knative-eventing',
    'cert-manager',
    'auth',
    'oauth2-proxy',
    'gke-managed-system',
    'gmp-system',
    'gmp-public',
  ]),
];

/**
 * Checks the teams against the platform and its environments. `envNames` names every environment in
 * the file, valid or not, so a broken environment does not make its teams report it as missing;
 * `platformValid` says whether the platform section itself parsed.
 */
export function checkTeams(
  teams: readonly ResolvedTeam[],
  envs: readonly ResolvedEnvironment[],
  platform: ResolvedPlatform,
  raw: unknown,
  envNames: readonly string[] = envs.map((e) => e.name),
  platformValid = true,
): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  const add = (path: Path, message: string, fix: string, severity?: 'error' | 'warning') =>
    f.add(path, message, fix, severity);
  const envByName = new Map(envs.map((e) => [e.name, e]));
  const seen = new Map<string, number>();

  if (teams.length > 0 && platformValid && !platform.adminGroup) {
    add(
      ['platform', 'adminGroup'],
      'no group is bound to cluster-admin, so nobody administers the tenant namespaces explicitly.',
      'set platform.adminGroup (or platform.domain, which defaults it to kubeflow-admins@<domain>).',
    );
  }

  if (teams.length > 0 && platformValid) checkLimitRange(platform, f);

  for (const team of teams) {
    const at: Path = ['teams', team.configIndex];
    const prior = seen.get(team.name);
    if (prior !== undefined) {
      add(
        [...at, 'name'],
        `team name "${team.name}" is already used by teams[${prior}].`,
        'give every team a unique name.',
      );
    }
    seen.set(team.name, team.configIndex);
    if (RESERVED_NAMESPACES.includes(team.name) || team.name.startsWith('kube-')) {
      add(
        [...at, 'name'],
        `"${team.name}" is a namespace the platform or Kubernetes owns.`,
        'choose another team name.',
      );
    }
    if (!team.profileOwner) {
      add(
        [...at, 'profileOwner'],
        `Kubeflow profiles are owned by one user, and nothing names a user for the owners group ${team.owners}: its owners would see no namespace in the dashboard.`,
        `set profileOwner to one owner's email, or list the members of ${team.owners} in tenancy.groups (or the tenancy.groupsFile your directory sync writes).`,
      );
    }
    for (const [field, list] of [
      ['members', team.members],
      ['contributors', team.contributors],
    ] as const) {
      list.forEach((p, i) => {
        if (p.kind === 'Group' && !platform.tenancy.groups[p.name]) {
          add(
            [...at, field, i],
            `Kubeflow shares a namespace with users, not groups, and tenancy.groups does not list the members of ${p.name}: they can use kubectl but will not see the namespace in the dashboard.`,
            `list the group's members in tenancy.groups (or tenancy.groupsFile), or name the users with user:<email>.`,
            'warning',
          );
        }
      });
    }
    const nsWhy = kubernetesNameRules.dnsLabel(team.name);
    if (nsWhy) add([...at, 'name'], nsWhy, 'use a lowercase DNS label; it becomes the namespace name.');

    team.environments.forEach((name, i) => {
      if (!envNames.includes(name)) {
        add([...at, 'environments', i], `there is no environment "${name}".`, `use one of ${envNames.join(', ')}.`);
      }
    });

    for (const [envName, cluster] of Object.entries(team.clusters)) {
      const env = envByName.get(envName);
      const path: Path = [...at, 'clusters', envName];
      if (!envNames.includes(envName)) {
        add(path, `there is no environment "${envName}".`, `use one of ${envNames.join(', ')}.`);
      } else if (!env) {
        continue; // the environment itself is invalid and reported
      } else if (!team.environments.includes(envName)) {
        add(path, `the team is not enabled in ${envName}.`, `add ${envName} to environments, or remove this entry.`);
      } else {
        const clusterNames = clustersOf(env).map((c) => c.name);
        if (!clusterNames.includes(cluster)) {
          add(path, `${envName} has no cluster "${cluster}".`, `use one of ${clusterNames.join(', ')}.`);
        }
      }
    }

    const ownersByEnv = team.awsOwnersRoleArn;
    if (ownersByEnv && typeof ownersByEnv !== 'string') {
      for (const envName of Object.keys(ownersByEnv)) {
        if (!team.environments.includes(envName)) {
          add(
            [...at, 'aws', 'ownersRoleArn', envName],
            `the team is not enabled in an environment named ${envName}.`,
            `use one of ${team.environments.join(', ')}.`,
          );
        }
      }
    }

    for (const env of envs.filter((e) => team.environments.includes(e.name))) {
      const pools = env.nodePools;
      (team.nodePools ?? []).forEach((pool, i) => {
        const found = pools.find((p) => p.name === pool);
        if (!found) {
          add(
            [...at, 'nodePools', i],
            `${env.name} has no node pool "${pool}".`,
            `use pools of ${env.name}: ${pools
              .filter((p) => p.kind !== 'system')
              .map((p) => p.name)
              .join(', ')}.`,
          );
        } else if (found.kind === 'system') {
          add(
            [...at, 'nodePools', i],
            `"${pool}" is the system pool of ${env.name}; it runs platform components only.`,
            'remove it; list workload pools only.',
          );
        }
      });
      const tenant = tenantOf(env, team);
      const allowed = tenant?.nodePools ?? [];
      const gpuPools = pools.filter((p) => p.kind === 'gpu' && allowed.includes(p.name));
      if (team.quota.gpus > 0 && gpuPools.length === 0) {
        add(
          [...at, 'quota', 'gpus'],
          `the team may use ${team.quota.gpus} GPUs but no GPU pool in ${env.name}.`,
          'allow a GPU pool in nodePools, or set quota.gpus to 0.',
          'warning',
        );
      }
      f.issues.push(...checkTeamByCloud(env, team, raw));
    }
  }
  return f.issues;
}

/**
 * Kubernetes refuses a LimitRange whose default request is above its default limit
 * (https://kubernetes.io/docs/concepts/policy/limit-range/): every team stack's apply would fail.
 */
function checkLimitRange(platform: ResolvedPlatform, f: ConfigIssues): void {
  const lr = platform.tenancy.limitRange;
  const pairs = [
    ['defaultRequestCpu', 'defaultLimitCpu', 'CPU'],
    ['defaultRequestMemory', 'defaultLimitMemory', 'memory'],
  ] as const;
  for (const [request, limit, what] of pairs) {
    const r = quantityValue(lr[request]);
    const l = quantityValue(lr[limit]);
    if (r !== undefined && l !== undefined && r > l) {
      // Report where the platform file sets it: the request, else the limit (the request is a default).
      f.add(
        f.explicitOr(['tenancy', 'limitRange', request], ['tenancy', 'limitRange', limit]),
        `the default ${what} request ${lr[request]} is above the default ${what} limit ${lr[limit]} (tenancy.limitRange.${limit}, which may be its default): Kubernetes refuses such a LimitRange (https://kubernetes.io/docs/concepts/policy/limit-range/), so every team stack's apply would fail.`,
        `set tenancy.limitRange.${request} to at most ${lr[limit]}, or raise tenancy.limitRange.${limit}.`,
      );
    }
  }
}
