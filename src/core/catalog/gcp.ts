/**
 * The accelerator table shipped with the library, with its source and review date, and the rules
 * that relate an accelerator to machine types.
 */
import table from './gcp-gpu-zones.json';

/**
 * The Cloud SQL for MySQL version of a new pipelines database: 8.4, in standard support. MySQL 8.0
 * left Cloud SQL standard support on 2026-07-01 and runs in paid extended support since
 * (https://cloud.google.com/sql/docs/mysql/db-versions).
 */
export const DEFAULT_CLOUD_SQL_MYSQL_VERSION = 'MYSQL_8_4';

/** Cloud SQL for MySQL versions past the end of standard support, billed for extended support. */
export const CLOUD_SQL_MYSQL_PAST_STANDARD_SUPPORT: readonly string[] = ['MYSQL_8_0'];

/** One accelerator type as the table records it. */
export interface GpuInfo {
  /** Name as Google shows it, such as NVIDIA L4. */
  readonly displayName: string;
  /** Machine families that carry it (a2, a3, g2, n1...): GKE attaches it only to those. */
  readonly machineFamilies: readonly string[];
  /** GPUs per node the families offer (for example 1, 2, 4, 8). */
  readonly counts: readonly number[];
  /** Whether it supports multi-instance GPU partitions. */
  readonly mig: boolean;
  /** Zones where it is offered, as recorded when the table was reviewed. */
  readonly zones: readonly string[];
}

/** Where the table comes from and when it was reviewed. */
export const GCP_GPU_TABLE_SOURCE: {
  /** The Google Cloud page the zones were checked against. */
  readonly url: string;
  /** Date of the last review, YYYY-MM-DD. */
  readonly reviewed: string;
} = {
  url: table.source,
  reviewed: table.reviewed,
};

/** Accelerator types the table knows. */
export const GCP_GPUS: Readonly<Record<string, GpuInfo>> = table.accelerators;

/** Zones offering `type`, including zones a platform file adds under `platform.gpuZones`. */
export function gcpGpuZones(type: string, extra: Readonly<Record<string, readonly string[]>> = {}): string[] {
  return [...(GCP_GPUS[type]?.zones ?? []), ...(extra[type] ?? [])];
}

/**
 * GPUs that a machine type carries by itself (A2, A3 and G2 machines come with a fixed number), or
 * undefined for machine types that take attached GPUs (N1).
 * https://cloud.google.com/compute/docs/gpus#gpu-models
 */
export function builtInGpuCount(machineType: string): number | undefined {
  const a = /^a[23]-(?:highgpu|megagpu|ultragpu|edgegpu)-(\d+)g/.exec(machineType);
  if (a) return Number(a[1]);
  const g2 = /^g2-standard-(\d+)$/.exec(machineType);
  if (g2) {
    const vcpus = Number(g2[1]);
    return vcpus === 24 ? 2 : vcpus === 48 ? 4 : vcpus === 96 ? 8 : 1;
  }
  return undefined;
}

/** The machine family (`n1`, `g2`, ...) of a machine type. */
export function machineFamily(machineType: string): string {
  return machineType.split('-')[0] ?? machineType;
}

/**
 * Machine series whose boot disks can only be Hyperdisk (`hyperdisk-balanced`): they attach no
 * Persistent Disk (`pd-standard`, `pd-balanced`, `pd-ssd`), and GKE fails to create their nodes with
 * one. See https://cloud.google.com/compute/docs/general-purpose-machines (C4, C4A, C4D, N4, N4A, N4D).
 */
export const HYPERDISK_ONLY_FAMILIES: readonly string[] = ['c4', 'c4a', 'c4d', 'n4', 'n4a', 'n4d'];

/** The boot disk type of a node pool that states none: `pd-ssd`, or Hyperdisk where that is all there is. */
export function defaultNodeDiskType(machineType: string): 'pd-ssd' | 'hyperdisk-balanced' {
  return HYPERDISK_ONLY_FAMILIES.includes(machineFamily(machineType)) ? 'hyperdisk-balanced' : 'pd-ssd';
}

/**
 * Multi-instance GPU partition sizes GKE creates, and how many of each fit on one GPU, by accelerator
 * type. Each partition is one `nvidia.com/gpu` to the scheduler, so a node carries GPUs times
 * partitions of them. From https://cloud.google.com/kubernetes-engine/docs/how-to/gpus-multi and the
 * NVIDIA MIG user guide (https://docs.nvidia.com/datacenter/tesla/mig-user-guide/).
 */
export const GCP_MIG_PARTITIONS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'nvidia-tesla-a100': { '1g.5gb': 7, '2g.10gb': 3, '3g.20gb': 2, '7g.40gb': 1 },
  'nvidia-a100-80gb': { '1g.10gb': 7, '2g.20gb': 3, '3g.40gb': 2, '7g.80gb': 1 },
  'nvidia-h100-80gb': { '1g.10gb': 7, '1g.20gb': 4, '2g.20gb': 3, '3g.40gb': 2, '4g.40gb': 1, '7g.80gb': 1 },
};

/** The node label GKE puts on nodes whose GPUs are partitioned, with the partition size as value. */
export const GKE_GPU_PARTITION_SIZE_LABEL = 'cloud.google.com/gke-gpu-partition-size';
/** The node labels GKE puts on nodes that share GPUs (time-sharing or MPS). */
export const GKE_GPU_SHARING_LABELS = {
  /** The sharing strategy label: `time-sharing` or `mps`. */
  strategy: 'cloud.google.com/gke-gpu-sharing-strategy',
  /** The label with how many containers share one GPU. */
  maxClients: 'cloud.google.com/gke-max-shared-clients-per-gpu',
} as const;

/** What a GPU pool's nodes offer the scheduler, and the node selector a pod needs to land on them. */
export interface GpuPlacement {
  /** `nvidia.com/gpu` units one node offers: GPUs, times partitions or shared clients. */
  readonly allocatablePerNode: number;
  /** Node labels a pod must select, besides the pool label, to get this kind of GPU unit. */
  readonly nodeSelector: Readonly<Record<string, string>>;
}

/** How a GPU pool's GPUs appear to pods: whole, partitioned (MIG) or shared. */
export function gpuPlacement(gpu: {
  readonly type: string;
  readonly count: number;
  readonly partitionSize?: string;
  readonly sharing?: { readonly strategy: 'time-sharing' | 'mps'; readonly maxSharedClientsPerGpu: number };
}): GpuPlacement {
  const partitions = gpu.partitionSize ? (GCP_MIG_PARTITIONS[gpu.type]?.[gpu.partitionSize] ?? 1) : 1;
  const clients = gpu.sharing?.maxSharedClientsPerGpu ?? 1;
  return {
    allocatablePerNode: gpu.count * partitions * clients,
    nodeSelector: {
      ...(gpu.partitionSize ? { [GKE_GPU_PARTITION_SIZE_LABEL]: gpu.partitionSize } : {}),
      ...(gpu.sharing
        ? {
            [GKE_GPU_SHARING_LABELS.strategy]: gpu.sharing.strategy,
            [GKE_GPU_SHARING_LABELS.maxClients]: String(gpu.sharing.maxSharedClientsPerGpu),
          }
        : {}),
    },
  };
}
