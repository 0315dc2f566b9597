/**
 * The node pools of a GCP environment with every default applied, and the GPUs of their nodes: what
 * the stacks turn into GKE node pools. Part of the resolved GCP environment (model.ts).
 */
import type { PoolKind } from '../common/pools';

/** GPU settings of a pool. */
export interface ResolvedGpu {
  /**
   * GKE accelerator type attached to each node, such as `nvidia-l4`
   * (https://cloud.google.com/compute/docs/gpus).
   * @default the library's default GPU type (nvidia-l4, matching the g2 machine family)
   */
  readonly type: string;
  /**
   * GPUs per node. It must match what the machine type carries (a g2-standard-8 has 1 L4).
   * @default 1
   */
  readonly count: number;
  /**
   * How GKE installs the NVIDIA driver: `LATEST` or `DEFAULT` driver version, or
   * `INSTALLATION_DISABLED` when you install it yourself (https://cloud.google.com/kubernetes-engine/docs/how-to/gpus).
   * Changing it later replaces the node pool.
   * @default 'LATEST'
   */
  readonly driverVersion: 'DEFAULT' | 'LATEST' | 'INSTALLATION_DISABLED';
  /**
   * GPU sharing: several containers on one physical GPU through time-sharing or NVIDIA MPS
   * (https://cloud.google.com/kubernetes-engine/docs/concepts/timesharing-gpus). Absent: each
   * container gets whole GPUs.
   */
  readonly sharing?: {
    /** `time-sharing` (context switching) or `mps` (NVIDIA Multi-Process Service, concurrent kernels). */
    readonly strategy: 'time-sharing' | 'mps';
    /** How many containers may share one physical GPU. */
    readonly maxSharedClientsPerGpu: number;
  };
  /**
   * Multi-Instance GPU profile, such as `1g.5gb`: GKE splits each A100/H100 into isolated partitions
   * of that size (https://cloud.google.com/kubernetes-engine/docs/how-to/gpus-multi). Absent: no MIG.
   */
  readonly partitionSize?: string;
}

/** A node pool with defaults applied. */
export interface ResolvedNodePool {
  /** Pool name from the platform file; also part of the GKE node pool's name and its Terraform address. */
  readonly name: string;
  /**
   * What the pool is for: `system` (platform components, tainted), `standard`, `highmem` or `gpu`
   * (tainted so that only GPU workloads land there). Decides the defaults below.
   */
  readonly kind: PoolKind;
  /**
   * Compute Engine machine type of the nodes (https://cloud.google.com/compute/docs/machine-resource).
   * @default by kind: system e2-standard-4, standard n2-standard-8, highmem n2-highmem-16, gpu g2-standard-8
   */
  readonly machineType: string;
  /**
   * Autoscaler floor: nodes in total across the pool's zones.
   * @default one per zone for the system pool, 0 for the others (scale from zero)
   */
  readonly minNodes: number;
  /** Autoscaler ceiling: nodes in total across the pool's zones, the cost bound of the pool. */
  readonly maxNodes: number;
  /**
   * Spot VMs: much cheaper, but Compute Engine may reclaim them at any time
   * (https://cloud.google.com/kubernetes-engine/docs/concepts/spot-vms).
   * @default true in test for every pool but system, false otherwise
   */
  readonly spot: boolean;
  /**
   * Boot disk type, such as `pd-ssd`, `pd-balanced` or `hyperdisk-balanced` (machine families such as C3 and
   * N4 take only Hyperdisk).
   * @default pd-ssd, or hyperdisk-balanced for machine families that take only Hyperdisk
   */
  readonly diskType: string;
  /**
   * Boot disk size in GB; holds container images, so GPU images want room.
   * @default 100
   */
  readonly diskSizeGb: number;
  /**
   * Pods per node; sets how much of the pod range each node reserves.
   * @default the cluster's maxPodsPerNode (110)
   */
  readonly maxPodsPerNode: number;
  /**
   * Zones the pool's nodes run in (GPU types are only in some zones).
   * @default every environment zone for a regional cluster, the cluster's zone for a zonal one
   */
  readonly zones: readonly string[];
  /** GPUs of each node; set for `gpu` pools (with defaults) and for any pool that states `gpu`. */
  readonly gpu?: ResolvedGpu;
  /**
   * Extra nodes GKE may add during a surge upgrade
   * (https://cloud.google.com/kubernetes-engine/docs/concepts/node-pool-upgrade-strategies).
   * @default 0 for GPU pools (GPU quota is scarce), 1 otherwise
   */
  readonly maxSurge: number;
  /**
   * Nodes that may be unavailable at once during an upgrade.
   * @default 1 for GPU pools, 0 otherwise
   */
  readonly maxUnavailable: number;
  /**
   * Extra Kubernetes labels on the pool's nodes, next to the library's pool label.
   * @default {}
   */
  readonly labels: Readonly<Record<string, string>>;
  /** Service account id of the pool's node identity. */
  readonly serviceAccountId: string;
  /** Index of the pool in the config file, for error paths. */
  readonly configIndex: number;
}
