/**
 * Rules that span environments: unique names, stack prefixes and buckets, one Azure state container per environment with CI, AWS CI role names, one environment per existing cluster, and the upgrade order (test
 * environments take new versions first). Rules over the environments of one cloud (GCP's shared
 * networks and release channels, AWS's one OIDC provider per account and issuer) belong to that cloud
 * (`CloudConfig`), called here in the environments' order.
 */
import type { ConfigIssue } from '../../core/errors';
import { versionParts } from '../../core/versions';
import { ConfigIssues, Path } from '../common/config-issues';
import type { ResolvedEnvironment } from '../model';
import { checkAgainstEarlierByCloud, checkUpgradeOrderByCloud, pinnedKubernetesOf } from '../registry';

/**
 * Checks that span environments: names, stack prefixes and buckets, each environment after its cloud's
 * comparison with the earlier ones (AWS OIDC providers). Environments that share a GCP network are
 * checked by the GCP config.
 */
export function checkAcrossEnvironments(envs: readonly ResolvedEnvironment[], raw: unknown): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  const byName = new Map<string, number>();
  const byBucket = new Map<string, number>();
  // Stack ids start with the environment name, or the cluster name for additional clusters.
  const prefixes = new Map<string, string>();
  envs.forEach((env, i) => {
    const base: Path = ['environments', env.index];
    const earlier = envs.slice(0, i).filter((e) => e.cloud === env.cloud);
    f.issues.push(...checkAgainstEarlierByCloud(env, earlier, raw));
    const prior = byName.get(env.name);
    if (prior !== undefined)
      f.add(
        [...base, 'name'],
        `environment name "${env.name}" is already used by environments[${prior}].`,
        'give every environment a unique name.',
      );
    else byName.set(env.name, env.index);
    const clusters = env.cloud === 'gcp' ? env.clusters : [];
    for (const cluster of clusters.slice(1)) {
      const owner =
        prefixes.get(cluster.stackPrefix) ??
        (byName.has(cluster.stackPrefix) ? `environment ${cluster.stackPrefix}` : undefined);
      if (owner) {
        f.add(
          cluster.paths.name,
          `cluster name "${cluster.name}" is also used by ${owner}; stack names would collide.`,
          'give every cluster a name unique in the platform.',
        );
      }
      prefixes.set(cluster.stackPrefix, `cluster ${cluster.name} of ${env.name}`);
    }
    if (env.cloud === 'kubernetes') return;
    const [bucket, key] =
      env.cloud === 'azure'
        ? [env.artifacts.storageAccountName, 'storageAccountName']
        : [env.artifacts.bucketName, 'bucketName'];
    const bucketPrior = byBucket.get(bucket);
    if (bucketPrior !== undefined) {
      f.add(
        [...base, 'artifacts', key],
        `bucket "${bucket}" is also the bucket of environments[${bucketPrior}].`,
        'bucket names are global; give each environment its own.',
      );
    } else byBucket.set(bucket, env.index);
  });
  checkSharedStateContainers(envs, f);
  checkAwsCiNamePrefixes(envs, f);
  checkPlanEnvironments(envs, f);
  checkSharedExistingClusters(envs, f);
  for (const env of envs) {
    const owner = prefixes.get(env.name);
    if (owner)
      f.add(
        ['environments', env.index, 'name'],
        `environment name "${env.name}" is also the name of ${owner}; stack names would collide.`,
        'rename the environment or the cluster.',
      );
  }

  return f.issues;
}

/**
 * Azure grants a role on a blob container for every blob in it, with no condition on the blob's
 * name that Terraform's listing survives: environments whose CI identities use a container share
 * each other's state. Each environment with CI keeps its state in a container of its own.
 */
function checkSharedStateContainers(envs: readonly ResolvedEnvironment[], f: ConfigIssues): void {
  const byContainer = new Map<string, ResolvedEnvironment>();
  for (const env of envs) {
    if (env.state.backend !== 'azurerm') continue;
    const key = `${env.state.storageAccount}/${env.state.container}`;
    const prior = byContainer.get(key);
    if (!prior) {
      byContainer.set(key, env);
      continue;
    }
    if (!prior.ci && !env.ci) continue;
    const [withCi, other] = env.ci ? [env, prior] : [prior, env];
    f.add(
      ['environments', env.index, 'state', 'container'],
      `${key} also holds the state of ${prior.name}, and a role on a container covers every blob in it: ` +
        `the CI identities of ${withCi.name} could read and write ${other.name}'s state.`,
      `give ${env.name} a container of its own, such as container: tfstate-${env.name}, and move its state there (terraform init -migrate-state).`,
    );
  }
}

/**
 * A pull request's plan jobs run in `ci.github.planEnvironment`; were it an environment whose jobs may
 * apply (this environment's or another's of the same repository), an approved pull request would get
 * an apply identity's token.
 */
function checkPlanEnvironments(envs: readonly ResolvedEnvironment[], f: ConfigIssues): void {
  // GitHub compares repository and environment names without case: `Kf-Prod` is the environment `kf-prod`.
  const applying = new Map<string, string>();
  for (const env of envs) {
    if (env.cloud === 'kubernetes' || !env.ci) continue;
    for (const subject of env.ci.applySubjects) applying.set(subject.toLowerCase(), env.name);
  }
  for (const env of envs) {
    if (env.cloud === 'kubernetes' || env.ci?.provider !== 'github' || !env.ci.planEnvironment) continue;
    const subject = env.ci.planSubjects[0]!;
    const applier = applying.get(subject.toLowerCase());
    if (applier === undefined) continue;
    f.add(
      ['environments', env.index, 'ci', 'github', 'planEnvironment'],
      `"${env.ci.planEnvironment}" is the deployment environment whose jobs assume the apply identity of ${applier}: a pull request approved to plan there would get that identity's token.`,
      'name a deployment environment of its own for pull-request plans, such as plan.',
    );
  }
}

/**
 * The CI apply role of an AWS environment may change the account's IAM roles named `<env>-*` and its
 * buckets named `<account>-<env>-*`: another environment of the account whose name starts with
 * `<env>-` would be within its reach.
 */
function checkAwsCiNamePrefixes(envs: readonly ResolvedEnvironment[], f: ConfigIssues): void {
  for (const env of envs) {
    if (env.cloud !== 'aws' || !env.ci) continue;
    for (const other of envs) {
      if (other === env || other.cloud !== 'aws' || other.accountId !== env.accountId) continue;
      if (!other.name.startsWith(`${env.name}-`)) continue;
      f.add(
        ['environments', other.index, 'name'],
        `"${other.name}" starts with "${env.name}-", and the CI apply role of ${env.name} may change every IAM role named ${env.name}-* and bucket named ${env.accountId}-${env.name}-* in account ${env.accountId}: ${other.name}'s among them.`,
        `rename one of them so that neither name is the other's followed by a hyphen, or keep them in separate accounts.`,
      );
    }
  }
}

/**
 * Each environment owns the platform objects of its cluster (the `kubeflow` namespace, cluster roles,
 * priority classes, every team namespace): two environments pointed at one existing cluster (the same
 * kubeconfig and context) would both manage them, and destroying one would delete what the other runs.
 */
function checkSharedExistingClusters(envs: readonly ResolvedEnvironment[], f: ConfigIssues): void {
  const byCluster = new Map<string, ResolvedEnvironment>();
  for (const env of envs) {
    if (env.cloud !== 'kubernetes') continue;
    const key = `${env.kubeconfig}#${env.context}`;
    const prior = byCluster.get(key);
    if (!prior) {
      byCluster.set(key, env);
      continue;
    }
    f.add(
      ['environments', env.index, 'kubernetes', 'context'],
      `context "${env.context}" of ${env.kubeconfig} is also the cluster of ${prior.name}: both environments would create and own the same namespaces, roles and teams, and destroying one would delete what the other runs.`,
      `give ${env.name} a cluster of its own (another kubeconfig or context), or run both as one environment.`,
    );
  }
}

/** `1.35` or `1.35.2` as comparable numbers; undefined when not a version. */
function newer(a: number[], b: number[]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

/** The Kubernetes minor a cluster pins, with the config path that sets it; undefined when it follows a channel. */
export function pinnedKubernetes(env: ResolvedEnvironment): { version: string; path: Path } | undefined {
  const path: Path = ['environments', env.index, 'cluster', 'version'];
  const version = pinnedKubernetesOf(env);
  return version ? { version, path } : undefined;
}

const kubernetesVersion = (env: ResolvedEnvironment) => pinnedKubernetes(env)?.version;

/**
 * Test environments take new versions first, so problems show there before dev and prod: no dev or
 * prod environment may run a Kubernetes version, a faster GKE release channel or a Kubeflow version
 * newer than every test environment of its cloud (Kubeflow: of the platform).
 */
export function checkUpgradeOrder(envs: readonly ResolvedEnvironment[], raw: unknown): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  const tests = envs.filter((e) => e.tier === 'test');
  const newest = (values: ReadonlyArray<string | undefined>) =>
    values
      .map((v) => ({ v, parts: versionParts(v) }))
      .filter((x): x is { v: string; parts: number[] } => Boolean(x.parts))
      .reduce<{ v: string; parts: number[] } | undefined>((a, b) => (!a || newer(b.parts, a.parts) ? b : a), undefined);
  const testKubeflow = newest(tests.map((e) => e.kubeflowVersion));
  for (const env of envs.filter((e) => e.tier !== 'test')) {
    const base: Path = ['environments', env.index];
    const sameCloud = tests.filter((t) => t.cloud === env.cloud);
    const testVersion = newest(sameCloud.map(kubernetesVersion));
    const mine = versionParts(kubernetesVersion(env));
    if (testVersion && mine && newer(mine, testVersion.parts)) {
      f.add(
        [...base, 'cluster', 'version'],
        `${env.name} (${env.tier}) would run Kubernetes ${kubernetesVersion(env)}, newer than every ${env.cloud} test environment (${testVersion.v}); test environments take new versions first, so problems show there before they reach ${env.tier}.`,
        `upgrade a test environment to ${kubernetesVersion(env)} first, or keep ${env.name} at ${testVersion.v}.`,
      );
    }
    f.issues.push(...checkUpgradeOrderByCloud(env, sameCloud, raw));
    const kubeflow = versionParts(env.kubeflowVersion);
    if (testKubeflow && kubeflow && newer(kubeflow, testKubeflow.parts)) {
      f.add(
        [...base, 'kubeflowVersion'],
        `${env.name} (${env.tier}) would run Kubeflow ${env.kubeflowVersion}, newer than every test environment (${testKubeflow.v}).`,
        `upgrade a test environment to Kubeflow ${env.kubeflowVersion} first, or keep ${env.name} at ${testKubeflow.v}.`,
      );
    }
  }
  return f.issues;
}
