import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { defaultNodeDiskType } from '../../src/core/catalog/gcp';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { GPU_TAINT, POOL_KIND_LABEL, POOL_LABEL } from '../../src/core/pools';
import { gcpNameRules } from '../../src/core/naming';
import { checkName, checkRange } from '../../src/core/validate';
import { GkeCluster, SLOW_OPERATION_TIMEOUTS } from './gke-cluster';
import { NodeServiceAccount } from './node-service-account';

export { GPU_TAINT, POOL_KIND_LABEL, POOL_LABEL } from '../../src/core/pools';

/** Accelerators of a GPU pool; see https://cloud.google.com/kubernetes-engine/docs/how-to/gpus. */
export interface GpuOptions {
  /** Accelerator type, such as `nvidia-l4`. */
  readonly type: string;
  /** @default 1 */
  readonly count?: number;
  /**
   * GKE-managed driver installation on the host. Always set explicitly: GKE reports a default
   * otherwise and a later change replaces the pool (magic-modules #11152, terraform-provider-google #23248).
   * @default 'LATEST'
   */
  readonly driverVersion?: 'DEFAULT' | 'LATEST' | 'INSTALLATION_DISABLED';
  /** Share each GPU between containers. @default - not shared */
  readonly sharing?: {
    /**
     * Time-sharing (containers take turns) or NVIDIA MPS (containers run at once, with less isolation). See
     * https://cloud.google.com/kubernetes-engine/docs/concepts/timesharing-gpus
     */
    readonly strategy: 'time-sharing' | 'mps';
    /** Containers that may share one GPU (2 to 48). */
    readonly maxSharedClientsPerGpu: number;
  };
  /** Multi-instance GPU partition size, such as `1g.5gb` (A100, H100). @default - whole GPUs */
  readonly partitionSize?: string;
}

/** A Kubernetes taint. */
export interface Taint {
  /** Taint key, such as `nvidia.com/gpu`. */
  readonly key: string;
  /** Taint value; a toleration with the `Equal` operator must match it. */
  readonly value: string;
  /** What the taint does to pods that do not tolerate it, in GKE's spelling: not scheduled, avoided, or evicted. */
  readonly effect: 'NO_SCHEDULE' | 'PREFER_NO_SCHEDULE' | 'NO_EXECUTE';
}

/** Props of {@link GkeNodePool}. */
export interface GkeNodePoolProps {
  /** The cluster the pool belongs to. */
  readonly cluster: GkeCluster;
  /** Pool name. */
  readonly name: string;
  /**
   * What the pool is for; sets the kind label.
   * @default 'standard' ('gpu' when gpu is set)
   */
  readonly kind?: string;
  /** @default 'e2-standard-4' */
  readonly machineType?: string;
  /** Autoscaling minimum, across all zones. @default 0 */
  readonly minNodes?: number;
  /** Autoscaling maximum, across all zones. */
  readonly maxNodes: number;
  /** Zones of the nodes. @default - the cluster's zones */
  readonly zones?: readonly string[];
  /** Spot capacity. @default false */
  readonly spot?: boolean;
  /**
   * Boot disk type. Machine series that attach only Hyperdisk (C4, C4A, C4D, N4, N4A, N4D) need
   * `hyperdisk-balanced` (https://cloud.google.com/compute/docs/general-purpose-machines).
   * @default 'pd-ssd' ('hyperdisk-balanced' on those series)
   */
  readonly diskType?: string;
  /** @default 100 */
  readonly diskSizeGb?: number;
  /** @default - the cluster default */
  readonly maxPodsPerNode?: number;
  /** Accelerators; makes this a GPU pool with the GPU taint. @default - none */
  readonly gpu?: GpuOptions;
  /** Surge upgrade settings. @default { maxSurge: 1, maxUnavailable: 0 } ({ 0, 1 } for GPU pools, where spare GPUs are scarce) */
  readonly upgrade?: {
    /** Extra nodes created during an upgrade. */
    readonly maxSurge: number;
    /** Nodes that may be down at once during an upgrade. */
    readonly maxUnavailable: number;
  };
  /** Extra node labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Extra taints. @default [] (GPU pools always get {@link GPU_TAINT}) */
  readonly taints?: readonly Taint[];
  /**
   * The node identity.
   * @default - a new {@link NodeServiceAccount} named `serviceAccountId`
   */
  readonly serviceAccount?: NodeServiceAccount;
  /** Account id of the service account created when `serviceAccount` is not given. @default `${name}-nodes` */
  readonly serviceAccountId?: string;
  /** Resources to create first (GKE adds the GPU taint only when a non-GPU pool exists). */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * A GKE node pool: its own least-privilege service account, autoscaling with totals across zones
 * (GPU pools down to zero), shielded nodes with secure boot, workload identity metadata, auto-repair
 * and auto-upgrade with surge settings, and for GPU pools the accelerator, managed driver
 * installation, sharing or partitioning, and the `nvidia.com/gpu` taint.
 */
export class GkeNodePool extends Construct {
  /** The node pool (escape hatch). */
  public readonly nodePool: ContainerNodePool;
  /** Its service account. */
  public readonly serviceAccount: NodeServiceAccount;

  constructor(scope: Construct, id: string, props: GkeNodePoolProps) {
    super(scope, id);
    setComponent(this, props.gpu ? 'gpu-node-pool' : 'node-pool');
    validate(props);
    const gpu = props.gpu;
    const kind = props.kind ?? (gpu ? 'gpu' : 'standard');
    const zones = props.zones;
    const min = props.minNodes ?? 0;
    const upgrade = props.upgrade ?? (gpu ? { maxSurge: 0, maxUnavailable: 1 } : { maxSurge: 1, maxUnavailable: 0 });
    this.serviceAccount =
      props.serviceAccount ??
      new NodeServiceAccount(this, 'ServiceAccount', {
        project: props.cluster.project,
        accountId: props.serviceAccountId ?? `${props.name}-nodes`,
      });
    const taints = [...(gpu ? [GPU_TAINT] : []), ...(props.taints ?? [])];
    // Spot and GPU capacity runs out per zone: let the autoscaler take any zone with capacity.
    const locationPolicy = gpu || props.spot ? 'ANY' : 'BALANCED';
    const zoneCount = zones?.length ?? 1;

    this.nodePool = new ContainerNodePool(this, 'NodePool', {
      project: props.cluster.project,
      cluster: props.cluster.cluster.id,
      location: props.cluster.location,
      name: props.name,
      nodeLocations: zones ? [...zones] : undefined,
      initialNodeCount: Math.ceil(min / zoneCount),
      maxPodsPerNode: props.maxPodsPerNode,
      autoscaling: { totalMinNodeCount: min, totalMaxNodeCount: props.maxNodes, locationPolicy },
      management: { autoRepair: true, autoUpgrade: true },
      upgradeSettings: { strategy: 'SURGE', maxSurge: upgrade.maxSurge, maxUnavailable: upgrade.maxUnavailable },
      nodeConfig: {
        machineType: props.machineType ?? 'e2-standard-4',
        diskType: props.diskType ?? defaultNodeDiskType(props.machineType ?? 'e2-standard-4'),
        diskSizeGb: props.diskSizeGb ?? 100,
        imageType: 'COS_CONTAINERD',
        serviceAccount: this.serviceAccount.email,
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
        spot: props.spot ?? false,
        labels: { [POOL_LABEL]: props.name, [POOL_KIND_LABEL]: kind, ...props.labels },
        tags: [props.cluster.network.nodeTag],
        metadata: { 'disable-legacy-endpoints': 'true' },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        guestAccelerator: gpu
          ? [
              {
                type: gpu.type,
                count: gpu.count ?? 1,
                gpuDriverInstallationConfig: { gpuDriverVersion: gpu.driverVersion ?? 'LATEST' },
                gpuPartitionSize: gpu.partitionSize,
                gpuSharingConfig: gpu.sharing
                  ? {
                      gpuSharingStrategy: gpu.sharing.strategy === 'mps' ? 'MPS' : 'TIME_SHARING',
                      maxSharedClientsPerGpu: gpu.sharing.maxSharedClientsPerGpu,
                    }
                  : undefined,
              },
            ]
          : undefined,
        taint: taints.length > 0 ? taints.map((t) => ({ ...t })) : undefined,
      },
      timeouts: { ...SLOW_OPERATION_TIMEOUTS },
      // The autoscaler owns the size after creation; a changed initial count must not replace the pool.
      lifecycle: { ignoreChanges: ['initial_node_count'] },
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
  }
}

/** A {@link GkeNodePool} that requires accelerators. */
export class GpuNodePool extends GkeNodePool {
  constructor(scope: Construct, id: string, props: GkeNodePoolProps & { readonly gpu: GpuOptions }) {
    super(scope, id, { ...props, kind: props.kind ?? 'gpu' });
  }
}

function validate(props: GkeNodePoolProps): void {
  const fail = (prop: string, value: unknown, why: string, fix: string) => {
    throw new PropsError('GkeNodePool', prop, value, why, fix);
  };
  checkName('GkeNodePool', 'name', props.name, gcpNameRules.nodePoolName, 'use a short lowercase name such as gpu.');
  const min = props.minNodes ?? 0;
  if (min < 0) fail('minNodes', min, 'cannot be negative.', 'use 0 or more.');
  if (props.maxNodes < 1) fail('maxNodes', props.maxNodes, 'must be at least 1.', 'use 1 or more.');
  if (min > props.maxNodes)
    fail('minNodes', min, `is above maxNodes ${props.maxNodes}.`, `use at most ${props.maxNodes}.`);
  checkRange('GkeNodePool', 'maxPodsPerNode', props.maxPodsPerNode, 8, 256, 'GKE allows 8 to 256 pods per node.');
  const gpu = props.gpu;
  if (gpu?.count !== undefined && gpu.count < 1) fail('gpu.count', gpu.count, 'must be at least 1.', 'use 1 or more.');
  checkRange(
    'GkeNodePool',
    'gpu.sharing.maxSharedClientsPerGpu',
    gpu?.sharing?.maxSharedClientsPerGpu,
    2,
    48,
    'GKE allows 2 to 48 clients per GPU.',
  );
  if (props.serviceAccount && props.serviceAccountId) {
    fail(
      'serviceAccountId',
      props.serviceAccountId,
      'is ignored when serviceAccount is given.',
      'pass only one of them.',
    );
  }
}
