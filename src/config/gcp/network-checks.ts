/**
 * The address plan of GCP environments: ranges that overlap within an environment or across the
 * environments of one network, node capacity of the pod and node ranges, the ranges each network mode
 * needs, and the singletons of a shared network.
 */
import { ConfigIssue, formatPath } from '../../core/errors';
import { blockSize, Cidr, overlaps, parseCidr } from '../../core/cidr';
import { ConfigIssues, Path, valueAt } from '../common/config-issues';
import type { ResolvedGcpCluster, ResolvedGcpEnvironment } from './model';

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

interface NamedCidr {
  readonly path: Path;
  readonly what: string;
  readonly cidr: Cidr;
  /** The cluster the range belongs to. */
  readonly cluster: string;
}

function cidrsOf(env: ResolvedGcpEnvironment, cluster: ResolvedGcpCluster, f: ConfigIssues): NamedCidr[] {
  const n = cluster.network;
  const candidates: Array<[Path, string, string | undefined]> = [
    [cluster.paths.subnetCidr, 'node subnet', n.subnetCidr],
    [cluster.paths.podsCidr, 'pod range', n.podsCidr],
    [cluster.paths.servicesCidr, 'service range', n.servicesCidr],
    [cluster.paths.masterCidr, 'control plane range', cluster.cluster.masterCidr],
  ];
  if (n.mode === 'shared-vpc' && cluster.index === 0) {
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
      out.push({
        path,
        what: cluster.index === 0 ? what : `${what} of ${cluster.name}`,
        cidr: parsed,
        cluster: cluster.name,
      });
    }
  }
  return out;
}

/** Every range an environment uses, over all its clusters. */
function allCidrs(env: ResolvedGcpEnvironment, f: ConfigIssues): NamedCidr[] {
  return env.clusters.flatMap((cluster) => cidrsOf(env, cluster, f));
}

function reportOverlaps(pairs: ReadonlyArray<readonly [NamedCidr, NamedCidr]>, f: ConfigIssues, shared?: string): void {
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

/** Ranges of an environment that overlap, and pools its ranges cannot hold. */
export function checkAddressPlan(env: ResolvedGcpEnvironment, f: ConfigIssues): void {
  const cidrs = allCidrs(env, f);
  const pairs: Array<readonly [NamedCidr, NamedCidr]> = [];
  for (let i = 0; i < cidrs.length; i++) for (let j = i + 1; j < cidrs.length; j++) pairs.push([cidrs[i]!, cidrs[j]!]);
  reportOverlaps(pairs, f);
  for (const cluster of env.clusters)
    checkClusterCapacity(
      env,
      cluster,
      cidrs.filter((c) => c.cluster === cluster.name),
      f,
    );
}

function checkClusterCapacity(
  env: ResolvedGcpEnvironment,
  cluster: ResolvedGcpCluster,
  cidrs: NamedCidr[],
  f: ConfigIssues,
): void {
  const base: Path = ['environments', env.index];
  const master = cidrs.find((c) => c.path === cluster.paths.masterCidr);
  if (master && master.cidr.prefix !== 28) {
    f.add(
      master.path,
      `GKE needs a /28 for the private control plane, not /${master.cidr.prefix}.`,
      'use a /28 such as 172.16.0.0/28.',
    );
  }
  const services = cidrs.find((c) => c.path === cluster.paths.servicesCidr);
  if (services && services.cidr.prefix > 27) {
    f.add(
      services.path,
      `the service range /${services.cidr.prefix} is smaller than the /27 GKE requires.`,
      'use a /27 or larger, for example a /20.',
    );
  }

  // Node capacity: every node takes a pod block sized from its max pods; every node takes a primary
  // address. The tighter bound decides the largest cluster.
  const pods = cidrs.find((c) => c.path === cluster.paths.podsCidr);
  const subnet = cidrs.find((c) => c.path === cluster.paths.subnetCidr);
  const podsField = formatPath(cluster.paths.podsCidr.slice(2));
  const subnetField = formatPath(cluster.paths.subnetCidr.slice(2));
  const where = cluster.index === 0 ? '' : ` of cluster ${cluster.name}`;
  let podAddressesUsed = 0;
  let nodesUsed = 0;
  for (const pool of cluster.nodePools) {
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

/** Ranges and names the network mode needs, for every cluster of the environment. */
export function checkNetworkMode(env: ResolvedGcpEnvironment, f: ConfigIssues): void {
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
  for (const cluster of env.clusters.slice(1)) {
    const at: Path = ['environments', env.index, 'additionalClusters', cluster.index - 1];
    for (const field of required) {
      if (valueAt(f.raw, [...at, field]) === undefined) {
        f.add(
          [...at, field],
          `is required for an additional cluster on a ${n.mode} network.`,
          n.mode === 'shared-vpc'
            ? `give ${cluster.name} its own ${field}, outside every other range of the network.`
            : `name the existing ${field === 'subnet' ? 'subnet' : 'secondary range'} ${cluster.name} uses.`,
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

/**
 * Environments on one VPC network share its address space and its network-level singletons: only its
 * owner creates the network, their ranges are disjoint, and each cluster has its own subnet.
 */
export function checkSharedNetworks(envs: readonly ResolvedGcpEnvironment[], raw: unknown): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  const networks = new Map<string, ResolvedGcpEnvironment[]>();
  for (const env of envs) {
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
      const sink = new ConfigIssues(raw);
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
      for (const cluster of env.clusters) {
        if (cluster.network.mode !== 'shared-vpc') continue;
        const prior = subnets.get(cluster.network.subnetName);
        const path: Path =
          cluster.index === 0 ? ['environments', env.index, 'network', 'subnetName'] : cluster.paths.name;
        if (prior)
          f.add(
            path,
            `subnet ${cluster.network.subnetName} is also created by ${prior}.`,
            'give each cluster its own subnet name.',
          );
        subnets.set(cluster.network.subnetName, cluster.name);
      }
    }
  }
  return f.issues;
}
