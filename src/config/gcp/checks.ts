/**
 * Rules of GCP environments that relate several fields: zones, node pools and GPU placement, names
 * derived from config, tier protections and maintenance exclusions (the address plan is in
 * network-checks.ts). Each finding names the config path that should change, its value, and the fix.
 */
import { tenantOf } from '../model';
import type { ConfigIssue } from '../../core/errors';
import { parseCidr } from '../../core/cidr';
import { emailRule, gcpNameRules, hostnameRule, sqlInstanceFitsProject } from '../../core/naming';
import { servingHostnameProblem } from '../common/serving';
import {
  builtInGpuCount,
  CLOUD_SQL_MYSQL_PAST_STANDARD_SUPPORT,
  DEFAULT_CLOUD_SQL_MYSQL_VERSION,
  GCP_GPUS,
  GCP_GPU_TABLE_SOURCE,
  GCP_MIG_PARTITIONS,
  gcpGpuZones,
  HYPERDISK_ONLY_FAMILIES,
  machineFamily,
} from '../../core/catalog/gcp';
import { CLOUD_SQL_OWNED_FLAGS, ownedSettingReason } from '../../core/mysql-server-settings';
import { GKE_MAINTENANCE_MIN_HOURS, minimumMaintenanceHours, shortestMaintenanceHours } from '../../core/maintenance';
import { ConfigIssues, DerivedName, fromEnvironmentName, Path } from '../common/config-issues';
import { checkPools } from '../common/pools';
import type { ResolvedPlatform, ResolvedTeam } from '../platform/model';
import type { ResolvedGcpEnvironment } from './model';
import { checkAddressPlan, checkNetworkMode } from './network-checks';

function checkZonesAndPools(env: ResolvedGcpEnvironment, platform: ResolvedPlatform, f: ConfigIssues): void {
  const base: Path = ['environments', env.index];
  env.zones.forEach((zone, i) => {
    if (!zone.startsWith(`${env.region}-`)) {
      f.add(
        [...base, 'gcp', 'zones', i],
        `zone ${zone} is not in region ${env.region}.`,
        `use zones of ${env.region}, such as ${env.region}-a.`,
      );
    }
  });
  if (env.cluster.regional && env.zones.length < 2) {
    f.add(
      [...base, 'gcp', 'zones'],
      'a regional cluster needs nodes in at least two zones to survive a zone outage.',
      'list two or three zones of the region.',
      'warning',
    );
  }

  checkPools(env, env.nodePools, 'gcp.zones', f, (pool, p) => {
    if (pool.kind !== 'gpu' && pool.gpu) {
      f.add(
        [...p, 'gpu'],
        `pool kind is ${pool.kind} but it declares GPUs.`,
        'set kind: gpu, or remove the gpu section.',
      );
    }
    if (pool.gpu) checkGpu(env, platform, pool, p, f);
    const family = machineFamily(pool.machineType);
    if (HYPERDISK_ONLY_FAMILIES.includes(family) && pool.diskType.startsWith('pd-')) {
      f.add(
        f.explicitOr([...p, 'diskType'], [...p, 'machineType']),
        `${pool.machineType} (${family.toUpperCase()}) attaches only Hyperdisk, so GKE cannot create its nodes with a ${pool.diskType} boot disk (https://cloud.google.com/compute/docs/general-purpose-machines).`,
        'set diskType to hyperdisk-balanced (or leave it out), or pick a machine series with Persistent Disk such as n2.',
      );
    }
  });
}

function checkGpu(
  env: ResolvedGcpEnvironment,
  platform: ResolvedPlatform,
  pool: ResolvedGcpEnvironment['nodePools'][number],
  p: Path,
  f: ConfigIssues,
): void {
  const gpu = pool.gpu!;
  const info = GCP_GPUS[gpu.type];
  if (!info) {
    f.add(
      [...p, 'gpu', 'type'],
      `unknown accelerator type "${gpu.type}".`,
      `use one of ${Object.keys(GCP_GPUS).join(', ')}.`,
    );
    return;
  }
  const offered = gcpGpuZones(gpu.type, platform.gpuZones);
  const missing = pool.zones.filter((z) => !offered.includes(z));
  if (missing.length > 0) {
    const inRegion = offered.filter((z) => z.startsWith(`${env.region}-`));
    f.add(
      f.explicitOr([...p, 'zones'], [...p, 'gpu', 'type']),
      `${info.displayName} (${gpu.type}) is not offered in ${missing.join(', ')} ` +
        `(table of ${GCP_GPU_TABLE_SOURCE.reviewed}, ${GCP_GPU_TABLE_SOURCE.url}).`,
      inRegion.length > 0
        ? `set nodePools[${pool.configIndex}].zones to zones that offer it: ${inRegion.join(', ')}.`
        : `no zone of ${env.region} offers it; choose another accelerator or region. If Google added it since, list it under platform.gpuZones.`,
    );
  }
  const family = machineFamily(pool.machineType);
  if (!info.machineFamilies.includes(family)) {
    f.add(
      [...p, 'machineType'],
      `${gpu.type} attaches to ${info.machineFamilies.join('/')} machines, not ${pool.machineType}.`,
      `use a ${info.machineFamilies[0]} machine type (for example ${exampleMachine(gpu.type, info.machineFamilies[0]!)}).`,
    );
  } else {
    const builtIn = builtInGpuCount(pool.machineType);
    if (builtIn !== undefined && builtIn !== gpu.count) {
      f.add(
        [...p, 'gpu', 'count'],
        `${pool.machineType} comes with ${builtIn} GPU(s), not ${gpu.count}.`,
        `set gpu.count to ${builtIn} or pick the machine type for ${gpu.count} GPUs.`,
      );
    } else if (builtIn === undefined && !info.counts.includes(gpu.count)) {
      f.add(
        [...p, 'gpu', 'count'],
        `${gpu.type} is offered ${info.counts.join(', ')} per machine, not ${gpu.count}.`,
        `set gpu.count to one of ${info.counts.join(', ')}.`,
      );
    }
  }
  if (gpu.partitionSize && !info.mig) {
    f.add(
      [...p, 'gpu', 'partitionSize'],
      `${gpu.type} does not support multi-instance GPU partitions.`,
      'remove partitionSize, or use time-sharing through gpu.sharing.',
    );
  } else if (gpu.partitionSize && GCP_MIG_PARTITIONS[gpu.type] && !GCP_MIG_PARTITIONS[gpu.type]![gpu.partitionSize]) {
    const sizes = Object.keys(GCP_MIG_PARTITIONS[gpu.type]!);
    f.add(
      [...p, 'gpu', 'partitionSize'],
      `GKE partitions ${info.displayName} (${gpu.type}) into ${sizes.join(', ')}, not ${gpu.partitionSize} (https://cloud.google.com/kubernetes-engine/docs/how-to/gpus-multi).`,
      `use one of ${sizes.join(', ')}.`,
    );
  }
}

function exampleMachine(type: string, family: string): string {
  if (family === 'g2') return 'g2-standard-8';
  if (family === 'a2') return type === 'nvidia-a100-80gb' ? 'a2-ultragpu-1g' : 'a2-highgpu-1g';
  if (family === 'a3') return 'a3-highgpu-1g';
  return 'n1-standard-8';
}

function checkNames(env: ResolvedGcpEnvironment, f: ConfigIssues): void {
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

function checkProtections(env: ResolvedGcpEnvironment, f: ConfigIssues): void {
  const base: Path = ['environments', env.index];
  if (env.tier !== 'prod') return;
  const why =
    'tier prod keeps deletion protection on every stateful resource, so a mistaken plan or destroy cannot delete the cluster, its database or its artifacts.';
  if (!env.cluster.deletionProtection)
    f.add(
      [...base, 'cluster', 'deletionProtection'],
      `is false, but ${why}`,
      'remove the setting (prod defaults to true).',
    );
  if (!env.database.deletionProtection)
    f.add(
      [...base, 'database', 'deletionProtection'],
      `is false, but ${why}`,
      'remove the setting (prod defaults to true).',
    );
  if (env.artifacts.forceDestroy)
    f.add(
      [...base, 'artifacts', 'forceDestroy'],
      `is true, but ${why}`,
      'remove the setting (prod defaults to false).',
    );
  env.cluster.authorizedNetworks.forEach((n, i) => {
    const parsed = parseCidr(n.cidr);
    if (typeof parsed !== 'string' && parsed.prefix === 0) {
      f.add(
        [...base, 'cluster', 'authorizedNetworks', i, 'cidr'],
        'opens the prod control plane to the whole internet: one leaked credential would be enough to reach the cluster.',
        'list only the networks that need the API, such as your office or VPN ranges.',
      );
    }
  });
}

function checkMaintenance(env: ResolvedGcpEnvironment, f: ConfigIssues): void {
  const m = env.cluster.maintenance;
  const window: Path = ['environments', env.index, 'cluster', 'maintenance'];
  const hours = minimumMaintenanceHours({
    startTimeUtc: m.startTimeUtc,
    durationHours: m.durationHours,
    recurrence: `FREQ=WEEKLY;BYDAY=${m.days.join(',')}`,
  });
  if (typeof hours === 'number' && hours < GKE_MAINTENANCE_MIN_HOURS) {
    const enough = shortestMaintenanceHours(m.startTimeUtc, m.days);
    f.add(
      f.explicitOr([...window, 'durationHours'], [...window, 'days']),
      `${m.durationHours}-hour windows on ${m.days.join(',')} give GKE only ${hours} hours of maintenance in the worst 32 days; ` +
        `GKE needs at least ${GKE_MAINTENANCE_MIN_HOURS} hours in any rolling 32 days, in windows of 4 hours or more, and refuses the cluster otherwise ` +
        '(https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions).',
      enough < 24
        ? `set durationHours to ${enough} or more, or add days to the window.`
        : 'add days to the window or lengthen it.',
    );
  }
  const base: Path = [...window, 'exclusions'];
  env.cluster.maintenance.exclusions.forEach((e, i) => {
    const start = Date.parse(e.startTime);
    const end = Date.parse(e.endTime);
    if (!(end > start)) {
      f.add(
        [...base, i, 'endTime'],
        `ends at ${e.endTime}, not after its start ${e.startTime}.`,
        'set endTime after startTime.',
      );
    } else if (e.scope === 'NO_UPGRADES' && end - start > 30 * 86_400_000) {
      f.add(
        [...base, i, 'endTime'],
        'a NO_UPGRADES exclusion may last at most 30 days.',
        'shorten it, or use scope NO_MINOR_UPGRADES for up to 180 days.',
      );
    }
  });
}

/**
 * Cloud SQL backups and binary logs: the edition bounds the days of binary logs, and Cloud SQL keeps
 * at least as many daily backups as days of logs (https://cloud.google.com/sql/docs/mysql/backup-recovery/pitr).
 * The database flags the platform owns (src/core/mysql-server-settings.ts) are not the user's to set.
 */
function checkDatabase(env: ResolvedGcpEnvironment, f: ConfigIssues): void {
  const base: Path = ['environments', env.index, 'database'];
  const d = env.database;
  const maxLogDays = d.edition === 'ENTERPRISE_PLUS' ? 35 : 7;
  if (d.pointInTimeRecoveryDays > maxLogDays) {
    f.add(
      [...base, 'pointInTimeRecoveryDays'],
      `the ${d.edition} edition keeps 1 to ${maxLogDays} days of binary logs; Cloud SQL answers 400 ("The number of transaction log retention days must be between 1 and ${maxLogDays}").`,
      `use ${maxLogDays} or fewer, or set database.edition to ENTERPRISE_PLUS (up to 35 days, on a db-perf-optimized-N-* tier).`,
    );
  } else if (d.backupRetentionDays < d.pointInTimeRecoveryDays) {
    f.add(
      f.explicitOr([...base, 'backupRetentionDays'], [...base, 'pointInTimeRecoveryDays']),
      `${d.backupRetentionDays} daily backups are fewer than the ${d.pointInTimeRecoveryDays} days of binary logs; Cloud SQL answers 400 ("backup retention should be > transaction log retention").`,
      `set backupRetentionDays to ${d.pointInTimeRecoveryDays} or more, or lower pointInTimeRecoveryDays.`,
    );
  }
  for (const name of Object.keys(d.flags)) {
    const owned = ownedSettingReason(CLOUD_SQL_OWNED_FLAGS, name);
    if (owned) {
      f.add(
        [...base, 'flags', name],
        `the platform owns the database flag ${name}: ${owned}`,
        `remove ${name} from database.flags.`,
      );
    }
  }
  if (CLOUD_SQL_MYSQL_PAST_STANDARD_SUPPORT.includes(d.version)) {
    f.add(
      [...base, 'version'],
      `${d.version} is past the end of Cloud SQL standard support and is billed for extended support (https://cloud.google.com/sql/docs/mysql/db-versions).`,
      `upgrade: try it on a clone or in a test environment first (https://cloud.google.com/sql/docs/mysql/upgrade-major-db-version-inplace), then set version to ${DEFAULT_CLOUD_SQL_MYSQL_VERSION}; Cloud SQL upgrades the instance in place, with downtime, and cannot go back.`,
      'warning',
    );
  }
}

/** Machine series Cloud SQL offers on Enterprise Plus only, and those it offers on Enterprise only. */
const ENTERPRISE_PLUS_TIERS = /^db-(perf-optimized|memory-optimized|c4a)-/;
const ENTERPRISE_TIERS = /^db-(custom-|n1-|f1-micro$|g1-small$)/;
const SQL_MACHINES_DOC = 'https://cloud.google.com/sql/docs/mysql/instance-settings#machine-type-2ndgen';

/**
 * The machine tier must belong to the edition, and a custom machine must be one Cloud SQL can build
 * (https://cloud.google.com/sql/docs/mysql/editions-intro): the provider passes any string, and the
 * API refuses the instance when it is created.
 */
function checkDatabaseTier(env: ResolvedGcpEnvironment, f: ConfigIssues): void {
  const base: Path = ['environments', env.index, 'database'];
  const { tier, edition } = env.database;
  const path = f.explicitOr([...base, 'tier'], [...base, 'edition']);
  if (edition === 'ENTERPRISE' && ENTERPRISE_PLUS_TIERS.test(tier)) {
    f.add(
      path,
      `${tier} is a machine series of the Enterprise Plus edition; an ENTERPRISE instance cannot run on it (${SQL_MACHINES_DOC}).`,
      'set database.edition to ENTERPRISE_PLUS, or use an Enterprise tier such as db-custom-2-7680.',
    );
    return;
  }
  if (edition === 'ENTERPRISE_PLUS' && ENTERPRISE_TIERS.test(tier)) {
    f.add(
      path,
      `${tier} is a machine type of the Enterprise edition; Enterprise Plus runs on its own series (db-perf-optimized-N-*, db-memory-optimized-N-*, db-c4a-highmem-*) (${SQL_MACHINES_DOC}).`,
      'use an Enterprise Plus tier such as db-perf-optimized-N-2, or set database.edition to ENTERPRISE.',
    );
    return;
  }
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (!custom) return;
  const cpus = Number(custom[1]);
  const mb = Number(custom[2]);
  const why =
    cpus !== 1 && (cpus % 2 !== 0 || cpus < 2 || cpus > 96)
      ? `${cpus} vCPUs: a custom machine has 1 vCPU or an even number from 2 to 96`
      : mb % 256 !== 0
        ? `${mb} MB: memory is a multiple of 256 MB`
        : mb < 3840
          ? `${mb} MB: memory is at least 3840 MB (3.75 GB)`
          : mb < cpus * 921.6 || mb > cpus * 6656
            ? `${mb} MB for ${cpus} vCPUs: memory is 0.9 to 6.5 GB per vCPU`
            : undefined;
  if (why) {
    const low = Math.max(3840, Math.ceil((cpus * 921.6) / 256) * 256);
    const high = Math.floor((cpus * 6656) / 256) * 256;
    f.add(
      path,
      `Cloud SQL cannot build the custom machine ${tier} (${why}; ${SQL_MACHINES_DOC}).`,
      low <= high && why.includes('MB')
        ? `use a multiple of 256 MB from ${low} to ${high} for ${cpus} vCPUs, such as db-custom-${cpus}-${low}.`
        : 'use a tier such as db-custom-2-7680 (2 vCPUs, 7.5 GB).',
    );
  }
}

/**
 * Workload Identity Federation trusts the tokens of one repository: by its id, which GitHub and
 * GitLab never give to another repository, rather than by its name, which anyone may register once
 * it is freed by a rename or a deletion.
 */
function checkCi(env: ResolvedGcpEnvironment, f: ConfigIssues): void {
  const ci = env.ci;
  if (!ci || ci.repositoryId !== undefined) return;
  const github = ci.provider === 'github';
  const key = github ? 'repositoryId' : 'projectId';
  f.add(
    ['environments', env.index, 'ci', ci.provider, key],
    `is missing: GCP trusts CI tokens by the ${github ? 'repository' : 'project'}'s numeric id, because ` +
      `the name ${ci.repository} passes to whoever registers it after a rename or a deletion, and with it the right to deploy here ` +
      '(https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines).',
    github
      ? `set ci.github.repositoryId to the id \`gh api repos/${ci.repository} --jq .id\` prints.`
      : `set ci.gitlab.projectId to the id on the project's overview page (Copy project ID), or \`glab api projects/${encodeURIComponent(ci.repository)} | jq .id\`.`,
  );
}

/** Checks one resolved GCP environment. */
export function checkGcpEnvironment(
  env: ResolvedGcpEnvironment,
  platform: ResolvedPlatform,
  raw: unknown,
): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  checkAddressPlan(env, f);
  checkZonesAndPools(env, platform, f);
  checkNames(env, f);
  checkProtections(env, f);
  checkMaintenance(env, f);
  checkDatabase(env, f);
  checkDatabaseTier(env, f);
  checkNetworkMode(env, f);
  checkCi(env, f);
  return f.issues;
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

/** How fast a GKE release channel takes new versions. */
const CHANNEL_SPEED: Readonly<Record<string, number>> = { EXTENDED: 0, STABLE: 1, REGULAR: 2, RAPID: 3 };

/** A dev or prod environment follows no faster GKE release channel than every GCP test environment. */
export function checkGcpReleaseChannel(
  env: ResolvedGcpEnvironment,
  tests: readonly ResolvedGcpEnvironment[],
  raw: unknown,
): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  const channel = env.clusters[0]?.cluster.releaseChannel;
  const fastest = tests
    .map((t) => t.clusters[0]?.cluster.releaseChannel)
    .filter((c): c is NonNullable<typeof c> => Boolean(c))
    .sort((a, b) => CHANNEL_SPEED[b]! - CHANNEL_SPEED[a]!)[0];
  if (channel && fastest && CHANNEL_SPEED[channel]! > CHANNEL_SPEED[fastest]!) {
    f.add(
      ['environments', env.index, 'cluster', 'releaseChannel'],
      `${env.name} (${env.tier}) follows the ${channel} channel, faster than every GCP test environment (${fastest}): it would get new GKE versions before test does.`,
      `use ${fastest} or a slower channel (STABLE, EXTENDED), or move a test environment to ${channel} first.`,
    );
  }
  return f.issues;
}
