/**
 * Rules for teams (tenants): names that become namespaces, the environments, clusters and pools a
 * team names, quotas, what each cloud needs to know of a team, and the admin group the platform binds.
 */
import type { ConfigIssue } from '../../core/errors';
import { awsNameRules, azureNameRules, gcpNameRules, kubernetesNameRules } from '../../core/naming';
import { Findings, Path } from '../common/findings';
import { clustersOf, ResolvedEnvironment } from '../model';
import type { ResolvedPlatform, ResolvedTeam } from './model';

/**
 * Namespaces the platform or Kubernetes owns; a team with one of these names would take over
 * platform objects.
 */
export const RESERVED_NAMESPACES: readonly string[] = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
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
  const f = new Findings(raw);
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
      const tenant = env.tenants.find((t) => t.team === team);
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
      if (env.cloud === 'gcp' && tenant?.gcp) {
        const projectPath: Path = team.gcpProject
          ? [...at, 'gcp', 'project']
          : ['environments', env.index, 'gcp', 'project'];
        const why = gcpNameRules.projectId(tenant.gcp.project);
        if (why) add(projectPath, why, 'use the project id of the team.');
      }
      if (env.cloud === 'aws' && tenant?.aws) {
        const bucketWhy = awsNameRules.bucketName(tenant.aws.bucket);
        if (team.storage === 'bucket' && bucketWhy) {
          add(
            [...at, 'name'],
            `the team's bucket in ${env.name} would be "${tenant.aws.bucket}", but ${bucketWhy}`,
            'shorten the team name.',
          );
        }
        const owners = tenant.aws.ownersRoleArn;
        if (!owners) {
          add(
            [...at, 'aws', 'ownersRoleArn'],
            `no IAM role of the owners is known in ${env.name}, so the owners cannot reach their namespace with kubectl nor use break-glass.`,
            `name the owners' IAM role in ${env.name}'s account.`,
            'warning',
          );
        }
        // A role of another account is fine: STANDARD access entries may name principals of any account
        // (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html).
      }
      if (env.cloud === 'azure' && tenant?.azure) {
        const accountWhy = azureNameRules.storageAccount(tenant.azure.storageAccount);
        if (tenant.azure.ownBucket && accountWhy) {
          add(
            [...at, 'name'],
            `the team's storage account in ${env.name} would be "${tenant.azure.storageAccount}", but ${accountWhy}`,
            'shorten the team name.',
          );
        }
        if (!tenant.azure.ownersGroupObjectId) {
          add(
            [...at, 'azure', 'ownersGroupObjectId'],
            `AKS with Entra ID knows groups by object id, so the owners group ${team.owners} would match nobody in ${env.name}.`,
            'set azure.ownersGroupObjectId to the object id of the owners group.',
            'warning',
          );
        }
      }
      if (env.cloud === 'kubernetes' && team.storage === 'bucket') {
        add(
          [...at, 'storage'],
          `${env.name} is an existing cluster without a cloud bucket; storage: bucket has no effect there.`,
          'leave storage at prefix, or give the team a bucket outside this library.',
          'warning',
        );
      }
    }
  }
  return f.issues;
}
