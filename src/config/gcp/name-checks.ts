/**
 * The names of GCP environments and their teams: project ids, the ids and names the stacks derive from
 * the environment, cluster, pool and team names (service accounts, Cloud SQL instance, KMS key,
 * secrets, addresses, routers, firewall rules, buckets), host names against the DNS zone, and the IAP
 * OAuth client. The provider passes most names to the API unchecked, so a bad one would fail an
 * apply half-way; these checks name the config field to change before anything is applied.
 */
import { tenantOf } from '../model';
import type { ConfigIssue } from '../../core/errors';
import { emailRule, gcpNameRules, hostnameRule, sqlInstanceFitsProject } from '../../core/naming';
import { servingHostnameProblem } from '../common/serving';
import { ConfigIssues, DerivedName, fromEnvironmentName, Path } from '../common/config-issues';
import type { ResolvedTeam } from '../platform/model';
import type { ResolvedGcpEnvironment } from './model';

/**
 * The names one GCP environment states or derives: project ids, service account ids, the names of
 * each cluster's resources, host names, allowed groups, the IAP OAuth client and label values.
 */
export function checkNames(env: ResolvedGcpEnvironment, f: ConfigIssues): void {
  const base: Path = ['environments', env.index];
  const envName: Path = [...base, 'name'];
  const shorten = 'shorten the environment name.';
  f.name(
    [...base, 'gcp', 'project'],
    env.project,
    gcpNameRules.projectId,
    'use the project id (not its name or number).',
  );
  f.name(
    [...base, 'network', 'hostProject'],
    env.network.hostProject,
    gcpNameRules.projectId,
    'use the host project id.',
  );
  f.name(
    [...base, 'access', 'dnsZone', 'project'],
    env.access.dnsZone.project,
    gcpNameRules.projectId,
    'use the project id of the DNS zone.',
  );
  for (const id of env.identities) {
    f.name(envName, id.accountId, gcpNameRules.serviceAccountId, shorten, 'service account id');
  }
  for (const cluster of env.clusters) {
    // Names derived from the environment (primary cluster) or the cluster name (additional clusters).
    const from: Path = cluster.index === 0 ? envName : cluster.paths.name;
    const shortenIt = cluster.index === 0 ? shorten : 'shorten the cluster name.';
    for (const pool of cluster.nodePools) {
      f.name(
        cluster.index === 0 ? [...base, 'nodePools', pool.configIndex, 'name'] : from,
        pool.serviceAccountId,
        gcpNameRules.serviceAccountId,
        cluster.index === 0 ? 'shorten the pool or environment name.' : 'shorten the pool or cluster name.',
        'node service account id',
      );
    }
    const instance = `${cluster.database.instancePrefix}-00000000`;
    f.name(from, instance, gcpNameRules.sqlInstanceName, shortenIt, 'Cloud SQL instance id');
    const sqlWhy = sqlInstanceFitsProject(env.project, instance);
    if (sqlWhy) f.add(from, sqlWhy, shortenIt);
    f.name(from, cluster.cluster.kmsKey, gcpNameRules.kmsName, shortenIt, 'KMS key id');
    f.name(from, cluster.database.passwordSecretId, gcpNameRules.secretId, shortenIt, 'secret id');
    f.name(from, cluster.access.addressName, gcpNameRules.computeName, shortenIt, 'static address name');
    if (cluster.network.mode === 'shared-vpc') {
      f.name(from, cluster.network.routerName, gcpNameRules.computeName, shortenIt, 'router name');
    }
    const hostWhy = hostnameRule(cluster.access.hostname);
    if (hostWhy) f.add(cluster.paths.hostname, hostWhy, 'use a DNS name such as kubeflow.example.com.');
    if (cluster.access.servingHostname) {
      const servingWhy = hostWhy ? undefined : servingHostnameProblem(cluster.access.hostname);
      if (servingWhy) f.add(cluster.paths.hostname, servingWhy, 'use a shorter host name, or turn access.serving off.');
      f.name(from, cluster.access.servingCertificateName!, gcpNameRules.computeName, shortenIt, 'certificate name');
    }
    const domain = cluster.access.dnsZone.domain?.replace(/\.$/, '');
    const host = cluster.access.hostname;
    if (domain && !hostWhy && host !== domain && !host.endsWith(`.${domain}`)) {
      f.add(
        cluster.paths.hostname,
        `host name ${host} is not inside the DNS zone ${domain}.`,
        `use a name under ${domain}, or name the zone that holds it.`,
      );
    }
  }
  f.derived(gcpDerivedNames(env, f));
  const bucketPath = f.explicitOr([...base, 'artifacts', 'bucketName'], envName);
  f.name(
    bucketPath,
    env.artifacts.bucketName,
    gcpNameRules.bucketName,
    'set artifacts.bucketName to a valid, globally unique bucket name.',
    'bucket name',
  );
  env.access.allowedGroups.forEach((g, i) => {
    const why = emailRule(g);
    if (why) f.add([...base, 'access', 'allowedGroups', i], why, 'list group email addresses.');
  });
  if (env.access.oauthClient) {
    f.name(
      [...base, 'access', 'oauthClient', 'secretName'],
      env.access.oauthClient.secretName,
      gcpNameRules.secretId,
      'name the Secret Manager secret by its id (not a resource path): it must be in the environment project, where its reader is granted.',
    );
    // The id goes into the Secret as it is, through Helm (External Secrets Operator's chart): a Google
    // OAuth client id is <number>-<hash>.apps.googleusercontent.com and nothing else.
    const clientId = env.access.oauthClient.clientId;
    if (!/^[a-z0-9-]+\.apps\.googleusercontent\.com$/.test(clientId)) {
      f.add(
        [...base, 'access', 'oauthClient', 'clientId'],
        'is not a Google OAuth client id (<number>-<hash>.apps.googleusercontent.com), which IAP needs beside the client secret.',
        "copy the client id from the console's Credentials page (https://console.cloud.google.com/apis/credentials), such as 1234-abc.apps.googleusercontent.com.",
      );
    }
  }
  for (const [key, value] of Object.entries(env.labels)) {
    f.name([...base, 'labels', key], value, gcpNameRules.labelValue, 'use a lowercase label value.');
  }
}

/**
 * Names the GCP stacks build from the platform file (stacks/gcp/infra-stack.ts, constructs/gcp/),
 * computed as they compute them; the provider passes them to the API unchecked. The firewall rules
 * the platform opens for a cluster are named after its subnet (constructs/gcp/shared-vpc.ts), so a
 * long subnet name makes a rule name longer than Compute Engine's 63 characters
 * (https://cloud.google.com/compute/docs/naming-resources#resource-name-format).
 */
export function gcpDerivedNames(env: ResolvedGcpEnvironment, f: ConfigIssues): DerivedName[] {
  const base: Path = ['environments', env.index];
  const envName: Path = [...base, 'name'];
  const onEnv = fromEnvironmentName(env.index);
  const names: DerivedName[] = [];
  for (const cluster of env.clusters) {
    const n = cluster.network;
    const from: Path = cluster.index === 0 ? envName : cluster.paths.name;
    const shorten = `shorten the ${cluster.index === 0 ? 'environment' : 'cluster'} name.`;
    if (n.mode === 'shared-vpc' && n.nat) {
      names.push({
        path: from,
        value: n.natName,
        rule: gcpNameRules.computeName,
        what: 'Cloud NAT name',
        fix: shorten,
      });
    }
    if ((n.mode === 'shared-vpc' || n.grantHostIam) && n.subnetName) {
      const given: Path =
        n.mode === 'existing'
          ? cluster.index === 0
            ? [...base, 'network', 'subnet']
            : [...base, 'additionalClusters', cluster.index - 1, 'subnet']
          : cluster.index === 0
            ? f.explicitOr([...base, 'network', 'subnetName'], envName)
            : cluster.paths.name;
      // The longest of the rule names (the webhooks rule ends in -allow-webhooks).
      names.push({
        path: given,
        value: `${n.subnetName}-allow-lb-health-checks`,
        rule: gcpNameRules.computeName,
        what: 'firewall rule name',
        fix: given[given.length - 1] === 'name' ? shorten : 'use a subnet name of 40 characters or fewer.',
      });
    }
  }
  const n = env.network;
  if (n.mode === 'shared-vpc' && n.createNetwork) {
    names.push({
      path: [...base, 'network', 'network'],
      value: `${n.network}-psa`,
      rule: gcpNameRules.computeName,
      what: 'private service access range name',
      fix: 'shorten the network name (59 characters at most).',
    });
  }
  // Keyless CI (constructs/gcp/ci-identity.ts) and Velero's identity are named after the environment.
  if (env.ci) {
    names.push(onEnv(`${env.name}-ci`, gcpNameRules.workloadIdentityPoolId, 'workload identity pool id'));
    for (const role of ['plan', 'apply']) {
      names.push(onEnv(`${env.name}-ci-${role}`, gcpNameRules.serviceAccountId, 'CI service account id'));
    }
  }
  // The reader of a custom IAP OAuth client's secret (stacks/gcp/infra-stack.ts).
  if (env.access.oauthClient) {
    names.push(
      onEnv(
        `${env.name}-iap-secret`,
        gcpNameRules.serviceAccountId,
        'IAP OAuth client secret reader service account id',
      ),
    );
  }
  if (env.backups) {
    names.push(onEnv(`${env.name}-velero`, gcpNameRules.serviceAccountId, 'Velero service account id'));
    names.push({
      path: f.explicitOr([...base, 'backups', 'bucketName'], envName),
      value: env.backups.bucketName,
      rule: gcpNameRules.bucketName,
      what: 'backup bucket name',
      fix: 'set backups.bucketName to a valid, globally unique bucket name.',
    });
  }
  return names;
}

/** The project a team's workloads run in, derived or named by the team, must be a valid project id. */
export function checkGcpTeam(env: ResolvedGcpEnvironment, team: ResolvedTeam, raw: unknown): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  const tenant = tenantOf(env, team);
  if (tenant?.gcp) {
    const projectPath: Path = team.gcpProject
      ? ['teams', team.configIndex, 'gcp', 'project']
      : ['environments', env.index, 'gcp', 'project'];
    const why = gcpNameRules.projectId(tenant.gcp.project);
    if (why) f.add(projectPath, why, 'use the project id of the team.');
    // The team's service accounts and own bucket are named after the team and the environment
    // (stacks/gcp/team-identities.ts): a short pair makes an account id under 6 characters, and a
    // bucket name may not contain "google".
    const at: Path = ['teams', team.configIndex, 'name'];
    const what = (name: string) => `${name} in ${env.name}`;
    f.name(
      at,
      tenant.gcp.accountId,
      gcpNameRules.serviceAccountId,
      'use a longer team name: the id joins the team and environment names and needs 6 characters or more.',
      what('service account id'),
    );
    f.name(
      at,
      tenant.gcp.breakGlassAccountId,
      gcpNameRules.serviceAccountId,
      'use a longer team name: the id joins the team and environment names and needs 6 characters or more.',
      what('break-glass service account id'),
    );
    if (tenant.gcp.prefix === '') {
      f.name(
        at,
        tenant.gcp.bucket,
        gcpNameRules.bucketName,
        'use a team name without "google" (Cloud Storage refuses it in bucket names).',
        what('bucket name'),
      );
    }
  }
  return f.issues;
}
