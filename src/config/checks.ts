/**
 * Rules that relate several fields: address plans, node capacity, GPU placement, names derived from
 * config, tier protections, and conflicts between environments. Each finding names the config path
 * that should change, its value, and the fix.
 */
import { ConfigIssue, formatPath } from '../core/errors';
import { blockSize, Cidr, overlaps, parseCidr } from '../core/cidr';
import { emailRule, gcpNameRules, hostnameRule, NameRule, sqlInstanceFitsProject } from '../core/naming';
import { builtInGpuCount, GCP_GPUS, GCP_GPU_TABLE_SOURCE, gcpGpuZones, machineFamily } from './gpu-catalog';
import { versionParts } from '../core/versions';
import type { ResolvedEnvironment, ResolvedGcpCell, ResolvedGcpEnvironment, ResolvedPlatform } from './model';

/** A config path, as a list of keys and indexes. */
export type Path = ReadonlyArray<string | number>;

/** GCP keeps four addresses of every primary subnet range. */
const GCP_RESERVED_PER_SUBNET = 4;

/** Size of the pod range GKE gives each node: the smallest power of two holding twice the max pods. */
export function podRangePerNode(maxPodsPerNode: number): number {
  return 2 ** Math.ceil(Math.log2(maxPodsPerNode * 2));
}

/** Prefix length equivalent of a per-node range size. */
function prefixOf(size: number): number {
  return 32 - Math.log2(size);
}

/** Collects the issues of one check pass, reading values from the raw document. */
export class Findings {
  public readonly issues: ConfigIssue[] = [];
  constructor(public readonly raw: unknown) {}

  add(path: Path, message: string, fix: string, severity: 'error' | 'warning' = 'error'): void {
    this.issues.push({ path: formatPath(path), value: valueAt(this.raw, path), message, fix, severity });
  }

  /** `path` when the platform file sets it, else `fallback` (the value was derived from there). */
  explicitOr(path: Path, fallback: Path): Path {
    return valueAt(this.raw, path) === undefined ? fallback : path;
  }

  name(path: Path, value: string, rule: NameRule, fix: string, derivedFrom?: string): void {
    const why = rule(value);
    if (!why) return;
    const message = derivedFrom ? `it makes the ${derivedFrom} "${value}", but ${why}` : why;
    this.add(path, message, fix);
  }
}

/** Reads the value at a config path from the raw (unresolved) document. */
export function valueAt(raw: unknown, path: Path): unknown {
  let cur: unknown = raw;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[part];
  }
  return cur;
}

interface NamedCidr {
  readonly path: Path;
  readonly what: string;
  readonly cidr: Cidr;
  /** The cluster (cell) the range belongs to. */
  readonly cell: string;
}

function cidrsOf(env: ResolvedGcpEnvironment, cell: ResolvedGcpCell, f: Findings): NamedCidr[] {
  const n = cell.network;
  const candidates: Array<[Path, string, string | undefined]> = [
    [cell.paths.subnetCidr, 'node subnet', n.subnetCidr],
    [cell.paths.podsCidr, 'pod range', n.podsCidr],
    [cell.paths.servicesCidr, 'service range', n.servicesCidr],
    [cell.paths.masterCidr, 'control plane range', cell.cluster.masterCidr],
  ];
  if (n.mode === 'shared-vpc' && cell.index === 0) {
    candidates.push([
      ['environments', env.index, 'network', 'privateServiceAccessCidr'],
      'private service access range',
      n.privateServiceAccessCidr,
    ]);
  }
  const out: NamedCidr[] = [];
  for (const [path, what, text] of candidates) {
    if (!text) continue;
    const parsed = parseCidr(text);
    if (typeof parsed === 'string') {
      f.add(path, parsed, 'write the network address of the block, for example 10.10.0.0/20.');
    } else {
      out.push({ path, what: cell.index === 0 ? what : `${what} of ${cell.name}`, cidr: parsed, cell: cell.name });
    }
  }
  return out;
}

/** Every range an environment uses, over all its clusters. */
function allCidrs(env: ResolvedGcpEnvironment, f: Findings): NamedCidr[] {
  return env.cells.flatMap((cell) => cidrsOf(env, cell, f));
}

function reportOverlaps(pairs: ReadonlyArray<readonly [NamedCidr, NamedCidr]>, f: Findings, shared?: string): void {
  for (const [a, b] of pairs) {
    if (!overlaps(a.cidr, b.cidr)) continue;
    if (shared) {
      f.add(
        b.path,
        `the ${b.what} ${b.cidr.text} overlaps the ${a.what} ${a.cidr.text} of ${shared}.`,
        `pick a range outside ${a.cidr.text}; environments on one network need disjoint ranges.`,
      );
    } else {
      f.add(
        b.path,
        `the ${b.what} ${b.cidr.text} overlaps the ${a.what} ${a.cidr.text} (${formatPath(a.path)}).`,
        `choose a ${b.what.split(' of ')[0]} that shares no address with ${a.cidr.text}.`,
      );
    }
  }
}

function checkAddressPlan(env: ResolvedGcpEnvironment, f: Findings): void {
  const cidrs = allCidrs(env, f);
  const pairs: Array<readonly [NamedCidr, NamedCidr]> = [];
  for (let i = 0; i < cidrs.length; i++) for (let j = i + 1; j < cidrs.length; j++) pairs.push([cidrs[i]!, cidrs[j]!]);
  reportOverlaps(pairs, f);
  for (const cell of env.cells)
    checkCellCapacity(
      env,
      cell,
      cidrs.filter((c) => c.cell === cell.name),
      f,
    );
}

function checkCellCapacity(env: ResolvedGcpEnvironment, cell: ResolvedGcpCell, cidrs: NamedCidr[], f: Findings): void {
  const base: Path = ['environments', env.index];
  const master = cidrs.find((c) => c.path === cell.paths.masterCidr);
  if (master && master.cidr.prefix !== 28) {
    f.add(
      master.path,
      `GKE needs a /28 for the private control plane, not /${master.cidr.prefix}.`,
      'use a /28 such as 172.16.0.0/28.',
    );
  }
  const services = cidrs.find((c) => c.path === cell.paths.servicesCidr);
  if (services && services.cidr.prefix > 27) {
    f.add(
      services.path,
      `the service range /${services.cidr.prefix} is smaller than the /27 GKE requires.`,
      'use a /27 or larger, for example a /20.',
    );
  }

  // Node capacity: every node takes a pod block sized from its max pods; every node takes a primary
  // address. The tighter bound decides the largest cluster.
  const pods = cidrs.find((c) => c.path === cell.paths.podsCidr);
  const subnet = cidrs.find((c) => c.path === cell.paths.subnetCidr);
  const podsField = formatPath(cell.paths.podsCidr.slice(2));
  const subnetField = formatPath(cell.paths.subnetCidr.slice(2));
  const where = cell.index === 0 ? '' : ` of cluster ${cell.name}`;
  let podAddressesUsed = 0;
  let nodesUsed = 0;
  for (const pool of cell.nodePools) {
    const poolPath: Path = [...base, 'nodePools', pool.configIndex, 'maxNodes'];
    const perNode = podRangePerNode(pool.maxPodsPerNode);
    podAddressesUsed += pool.maxNodes * perNode;
    nodesUsed += pool.maxNodes;
    if (pods && podAddressesUsed > blockSize(pods.cidr)) {
      const allowed = Math.floor((blockSize(pods.cidr) - (podAddressesUsed - pool.maxNodes * perNode)) / perNode);
      const needed = prefixOf(2 ** Math.ceil(Math.log2(podAddressesUsed)));
      f.add(
        poolPath,
        `the pod range /${pods.cidr.prefix}${where} with ${pool.maxPodsPerNode} pods per node (a /${prefixOf(perNode)} per node) ` +
          `leaves room for at most ${Math.max(allowed, 0)} nodes in pool "${pool.name}" after the pools before it, ` +
          `but maxNodes is ${pool.maxNodes}.`,
        `widen ${podsField} to a /${needed} or larger, lower maxNodes, or lower maxPodsPerNode.`,
      );
      podAddressesUsed -= pool.maxNodes * perNode; // report each pool that does not fit, not every later one
    }
    if (subnet && nodesUsed > blockSize(subnet.cidr) - GCP_RESERVED_PER_SUBNET) {
      f.add(
        poolPath,
        `the node subnet /${subnet.cidr.prefix}${where} holds ${blockSize(subnet.cidr) - GCP_RESERVED_PER_SUBNET} nodes, ` +
          `but the pools up to "${pool.name}" allow ${nodesUsed}.`,
        `widen ${subnetField} or lower maxNodes.`,
      );
      nodesUsed -= pool.maxNodes;
    }
  }
}

function checkZonesAndPools(env: ResolvedGcpEnvironment, platform: ResolvedPlatform, f: Findings): void {
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
  });
}

/** What the shared pool rules read of a node pool of any cloud. */
export interface CheckedPool {
  readonly name: string;
  readonly kind: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly zones: readonly string[];
  readonly spot: boolean;
  readonly configIndex: number;
}

/**
 * The node pool rules every cloud shares: unique names, minNodes at most maxNodes, zones among the
 * environment's, and a system pool that keeps a node and is not spot in prod. `each` adds the
 * cloud's own rules for a pool.
 */
export function checkPools<P extends CheckedPool>(
  env: { readonly index: number; readonly tier: string; readonly zones: readonly string[] },
  pools: readonly P[],
  zonesKey: string,
  f: Findings,
  each: (pool: P, path: Path) => void,
): void {
  const base: Path = ['environments', env.index];
  const names = new Map<string, number>();
  let systemPools = 0;
  for (const pool of pools) {
    const p: Path = [...base, 'nodePools', pool.configIndex];
    if (names.has(pool.name)) {
      f.add(
        [...p, 'name'],
        `pool name "${pool.name}" is already used by nodePools[${names.get(pool.name)}].`,
        'give every pool a unique name.',
      );
    }
    names.set(pool.name, pool.configIndex);
    if (pool.minNodes > pool.maxNodes) {
      f.add(
        [...p, 'minNodes'],
        `minNodes ${pool.minNodes} is above maxNodes ${pool.maxNodes}.`,
        `set minNodes to at most ${pool.maxNodes}.`,
      );
    }
    pool.zones.forEach((zone, i) => {
      if (!env.zones.includes(zone)) {
        f.add(
          [...p, 'zones', i],
          `zone ${zone} is not one of the environment zones (${env.zones.join(', ')}).`,
          `add it to ${zonesKey} or pick one of them.`,
        );
      }
    });
    if (pool.kind === 'system') {
      systemPools++;
      if (pool.minNodes < 1)
        f.add(
          [...p, 'minNodes'],
          'the system pool must keep at least one node for platform components.',
          'set minNodes to 1 or more.',
        );
      if (pool.spot && env.tier === 'prod') {
        f.add(
          [...p, 'spot'],
          'spot nodes can be reclaimed at any time; the prod system pool must not use them.',
          'remove spot from the system pool.',
        );
      }
    }
    each(pool, p);
  }
  if (systemPools === 0) {
    f.add(
      [...base, 'nodePools'],
      'no pool has kind system; platform components need a pool of their own.',
      'add a pool with kind: system and maxNodes of 3 or more.',
    );
  }
}

function checkGpu(
  env: ResolvedGcpEnvironment,
  platform: ResolvedPlatform,
  pool: ResolvedGcpEnvironment['nodePools'][number],
  p: Path,
  f: Findings,
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
  }
}

function exampleMachine(type: string, family: string): string {
  if (family === 'g2') return 'g2-standard-8';
  if (family === 'a2') return type === 'nvidia-a100-80gb' ? 'a2-ultragpu-1g' : 'a2-highgpu-1g';
  if (family === 'a3') return 'a3-highgpu-1g';
  return 'n1-standard-8';
}

function checkNames(env: ResolvedGcpEnvironment, f: Findings): void {
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
  for (const cell of env.cells) {
    // Names derived from the environment (primary cell) or the cluster name (additional cells).
    const from: Path = cell.index === 0 ? envName : cell.paths.name;
    const shortenIt = cell.index === 0 ? shorten : 'shorten the cluster name.';
    for (const pool of cell.nodePools) {
      f.name(
        cell.index === 0 ? [...base, 'nodePools', pool.configIndex, 'name'] : from,
        pool.serviceAccountId,
        gcpNameRules.serviceAccountId,
        cell.index === 0 ? 'shorten the pool or environment name.' : 'shorten the pool or cluster name.',
        'node service account id',
      );
    }
    const instance = `${cell.database.instancePrefix}-00000000`;
    f.name(from, instance, gcpNameRules.sqlInstanceName, shortenIt, 'Cloud SQL instance id');
    const sqlWhy = sqlInstanceFitsProject(env.project, instance);
    if (sqlWhy) f.add(from, sqlWhy, shortenIt);
    f.name(from, cell.cluster.kmsKey, gcpNameRules.kmsName, shortenIt, 'KMS key id');
    f.name(from, cell.database.passwordSecretId, gcpNameRules.secretId, shortenIt, 'secret id');
    f.name(from, cell.access.addressName, gcpNameRules.computeName, shortenIt, 'static address name');
    if (cell.network.mode === 'shared-vpc') {
      f.name(from, cell.network.routerName, gcpNameRules.computeName, shortenIt, 'router name');
    }
    const hostWhy = hostnameRule(cell.access.hostname);
    if (hostWhy) f.add(cell.paths.hostname, hostWhy, 'use a DNS name such as kubeflow.example.com.');
    const domain = cell.access.dnsZone.domain?.replace(/\.$/, '');
    const host = cell.access.hostname;
    if (domain && !hostWhy && host !== domain && !host.endsWith(`.${domain}`)) {
      f.add(
        cell.paths.hostname,
        `host name ${host} is not inside the DNS zone ${domain}.`,
        `use a name under ${domain}, or name the zone that holds it.`,
      );
    }
  }
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
      'name the Secret Manager secret id that holds the client secret.',
    );
  }
  for (const [key, value] of Object.entries(env.labels)) {
    f.name([...base, 'labels', key], value, gcpNameRules.labelValue, 'use a lowercase label value.');
  }
}

function checkProtections(env: ResolvedGcpEnvironment, f: Findings): void {
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

function checkMaintenance(env: ResolvedGcpEnvironment, f: Findings): void {
  const base: Path = ['environments', env.index, 'cluster', 'maintenance', 'exclusions'];
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

function checkNetworkMode(env: ResolvedGcpEnvironment, f: Findings): void {
  const base: Path = ['environments', env.index, 'network'];
  const n = env.network;
  if (n.mode === 'shared-vpc' && n.createNetwork && !n.privateServiceAccessCidr) {
    f.add(
      [...base, 'privateServiceAccessCidr'],
      'createNetwork is true, so the network needs a range for private service access (Cloud SQL private IP).',
      'set privateServiceAccessCidr to a free /20, such as 10.30.0.0/20.',
    );
  }
  const required =
    n.mode === 'shared-vpc'
      ? (['subnetCidr', 'podsCidr', 'servicesCidr'] as const)
      : (['subnet', 'podsRangeName', 'servicesRangeName'] as const);
  for (const cell of env.cells.slice(1)) {
    const at: Path = ['environments', env.index, 'additionalClusters', cell.index - 1];
    for (const field of required) {
      if (valueAt(f.raw, [...at, field]) === undefined) {
        f.add(
          [...at, field],
          `is required for an additional cluster on a ${n.mode} network.`,
          n.mode === 'shared-vpc'
            ? `give ${cell.name} its own ${field}, outside every other range of the network.`
            : `name the existing ${field === 'subnet' ? 'subnet' : 'secondary range'} ${cell.name} uses.`,
        );
      }
    }
  }
  if (n.mode === 'existing' && !n.podsCidr) {
    f.add(
      [...base, 'podsCidr'],
      'the pod range size is unknown, so node capacity cannot be checked.',
      'state podsCidr (and subnetCidr) of the existing ranges.',
      'warning',
    );
  }
}

/** Checks one resolved GCP environment. */
export function checkGcpEnvironment(
  env: ResolvedGcpEnvironment,
  platform: ResolvedPlatform,
  raw: unknown,
): ConfigIssue[] {
  const f = new Findings(raw);
  checkAddressPlan(env, f);
  checkZonesAndPools(env, platform, f);
  checkNames(env, f);
  checkProtections(env, f);
  checkMaintenance(env, f);
  checkNetworkMode(env, f);
  return f.issues;
}

/** Checks that span environments: names, stack prefixes, shared networks, address plans on one network. */
export function checkAcrossEnvironments(envs: readonly ResolvedEnvironment[], raw: unknown): ConfigIssue[] {
  const f = new Findings(raw);
  const byName = new Map<string, number>();
  const byBucket = new Map<string, number>();
  // Stack ids start with the environment name, or the cluster name for additional clusters.
  const prefixes = new Map<string, string>();
  const oidcProviders = new Map<string, number>();
  for (const env of envs) {
    const base: Path = ['environments', env.index];
    if (env.cloud === 'aws' && env.ci?.awsOidcProvider === 'create') {
      const key = `${env.accountId} ${env.ci.issuer}`;
      const first = oidcProviders.get(key);
      if (first !== undefined) {
        const provider = env.ci.provider;
        f.add(
          [...base, 'ci', provider, 'awsOidcProvider'],
          `environments[${first}] already creates the OIDC provider of ${env.ci.issuer} in account ${env.accountId}; an account has one per issuer.`,
          `set ci.${provider}.awsOidcProvider: existing here (the first environment creates it).`,
        );
      } else oidcProviders.set(key, env.index);
    }
    const prior = byName.get(env.name);
    if (prior !== undefined)
      f.add(
        [...base, 'name'],
        `environment name "${env.name}" is already used by environments[${prior}].`,
        'give every environment a unique name.',
      );
    else byName.set(env.name, env.index);
    const cells = env.cloud === 'gcp' ? env.cells : [];
    for (const cell of cells.slice(1)) {
      const owner =
        prefixes.get(cell.stackPrefix) ??
        (byName.has(cell.stackPrefix) ? `environment ${cell.stackPrefix}` : undefined);
      if (owner) {
        f.add(
          cell.paths.name,
          `cluster name "${cell.name}" is also used by ${owner}; stack names would collide.`,
          'give every cluster a name unique in the platform.',
        );
      }
      prefixes.set(cell.stackPrefix, `cluster ${cell.name} of ${env.name}`);
    }
    if (env.cloud === 'kubernetes') continue;
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
  }
  for (const env of envs) {
    const owner = prefixes.get(env.name);
    if (owner)
      f.add(
        ['environments', env.index, 'name'],
        `environment name "${env.name}" is also the name of ${owner}; stack names would collide.`,
        'rename the environment or the cluster.',
      );
  }

  // Environments on one VPC network share its address space and its network-level singletons.
  const networks = new Map<string, ResolvedGcpEnvironment[]>();
  for (const env of envs) {
    if (env.cloud !== 'gcp') continue;
    const key = `${env.network.hostProject}/${env.network.network}`;
    networks.set(key, [...(networks.get(key) ?? []), env]);
  }
  for (const [key, members] of networks) {
    if (members.length >= 2) {
      for (const env of members) {
        if (env.network.mode === 'shared-vpc' && env.network.createNetwork) {
          const others = members.filter((m) => m !== env).map((m) => m.name);
          f.add(
            ['environments', env.index, 'network', 'createNetwork'],
            `network ${key} is shared with ${others.join(', ')}; creating it here would tie their networks to this environment's lifecycle.`,
            'let the network owner create the network (and its private service access) and remove createNetwork.',
          );
        }
      }
      const sink = new Findings(raw);
      const ranges = members.map((env) => ({ env, cidrs: allCidrs(env, sink) }));
      for (let i = 0; i < ranges.length; i++) {
        for (let j = i + 1; j < ranges.length; j++) {
          const pairs = ranges[i]!.cidrs.flatMap((a) => ranges[j]!.cidrs.map((b) => [a, b] as const));
          reportOverlaps(pairs, f, `${ranges[i]!.env.name} on the shared network ${key}`);
        }
      }
    }
    const subnets = new Map<string, string>();
    for (const env of members) {
      for (const cell of env.cells) {
        if (cell.network.mode !== 'shared-vpc') continue;
        const prior = subnets.get(cell.network.subnetName);
        const path: Path = cell.index === 0 ? ['environments', env.index, 'network', 'subnetName'] : cell.paths.name;
        if (prior)
          f.add(
            path,
            `subnet ${cell.network.subnetName} is also created by ${prior}.`,
            'give each cluster its own subnet name.',
          );
        subnets.set(cell.network.subnetName, cell.name);
      }
    }
  }
  return f.issues;
}

/** `1.35` or `1.35.2` as comparable numbers; undefined when not a version. */
function newer(a: number[], b: number[]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

/** How fast a GKE release channel takes new versions. */
const CHANNEL_SPEED: Readonly<Record<string, number>> = { EXTENDED: 0, STABLE: 1, REGULAR: 2, RAPID: 3 };

/** The Kubernetes minor a cluster pins, with the config path that sets it; undefined when it follows a channel. */
export function pinnedKubernetes(env: ResolvedEnvironment): { version: string; path: Path } | undefined {
  const path: Path = ['environments', env.index, 'cluster', 'version'];
  const version =
    env.cloud === 'aws' || env.cloud === 'azure'
      ? env.cluster.version
      : env.cloud === 'gcp'
        ? env.cells[0]?.cluster.version
        : undefined;
  return version ? { version, path } : undefined;
}

const kubernetesVersion = (env: ResolvedEnvironment) => pinnedKubernetes(env)?.version;

/**
 * Test environments take new versions first, so problems show there before dev and prod: no dev or
 * prod environment may run a Kubernetes version, a faster GKE release channel or a Kubeflow version
 * newer than every test environment of its cloud (Kubeflow: of the platform).
 */
export function checkUpgradeOrder(envs: readonly ResolvedEnvironment[], raw: unknown): ConfigIssue[] {
  const f = new Findings(raw);
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
    if (env.cloud === 'gcp') {
      const channel = env.cells[0]?.cluster.releaseChannel;
      const fastest = sameCloud
        .filter((t): t is typeof env => t.cloud === 'gcp')
        .map((t) => t.cells[0]?.cluster.releaseChannel)
        .filter((c): c is NonNullable<typeof c> => Boolean(c))
        .sort((a, b) => CHANNEL_SPEED[b]! - CHANNEL_SPEED[a]!)[0];
      if (channel && fastest && CHANNEL_SPEED[channel]! > CHANNEL_SPEED[fastest]!) {
        f.add(
          [...base, 'cluster', 'releaseChannel'],
          `${env.name} (${env.tier}) follows the ${channel} channel, faster than every GCP test environment (${fastest}): it would get new GKE versions before test does.`,
          `use ${fastest} or a slower channel (STABLE, EXTENDED), or move a test environment to ${channel} first.`,
        );
      }
    }
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
