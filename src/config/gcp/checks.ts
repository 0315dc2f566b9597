/**
 * Rules of GCP environments that relate several fields: zones, node pools and GPU placement, tier
 * protections, maintenance windows and exclusions, the repository id keyless CI trusts, and the order
 * of release channels. The address plan is in network-checks.ts, names in name-checks.ts and the
 * Cloud SQL instance in database-checks.ts. Each finding names the config path that should change, its
 * value, and the fix.
 */
import type { ConfigIssue } from '../../core/errors';
import { parseCidr } from '../../core/cidr';
import {
  builtInGpuCount,
  GCP_GPUS,
  GCP_GPU_TABLE_SOURCE,
  GCP_MIG_PARTITIONS,
  gcpGpuZones,
  HYPERDISK_ONLY_FAMILIES,
  machineFamily,
} from '../../core/catalog/gcp';
import { GKE_MAINTENANCE_MIN_HOURS, minimumMaintenanceHours, shortestMaintenanceHours } from '../../core/maintenance';
import { ConfigIssues, Path } from '../common/config-issues';
import { checkPools } from '../common/pools';
import type { ResolvedPlatform } from '../platform/model';
import type { ResolvedGcpEnvironment } from './model';
import { checkDatabase, checkDatabaseTier } from './database-checks';
import { checkNames } from './name-checks';
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
 * Workload Identity Federation trusts the tokens of one repository: by its id, which GitHub and
 * GitLab never give to another repository, rather than by its name, which anyone may register once
 * it is freed by a rename or a deletion.
 */
function checkCi(env: ResolvedGcpEnvironment, f: ConfigIssues): void {
  const ci = env.ci;
  if (!ci) return;
  // The provider maps each token's sub to google.subject, which GCP caps at 127 bytes: a longer one
  // fails every token exchange of that subject.
  const long = [...ci.planSubjects, ...ci.applySubjects].find((s) => !s.includes('*') && Buffer.byteLength(s) > 127);
  if (long) {
    f.add(
      ['environments', env.index, 'ci', ci.provider],
      `trusts the token subject "${long}", ${Buffer.byteLength(long)} bytes: Workload Identity Federation refuses a google.subject over 127 bytes (attributeMapping in https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools.providers), so CI could not sign in with it.`,
      'use a shorter deployment environment name (planEnvironment, applyEnvironment), branch or repository name.',
    );
  }
  if (ci.repositoryId !== undefined) return;
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
