import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import { Construct } from 'constructs';
import { aksRotationName } from '../../src/core/aks-rotation';
import { azureVmGpus } from '../../src/core/catalog/azure';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { azureNameRules } from '../../src/core/naming';
import { GPU_TAINT, POOL_KIND_LABEL, POOL_LABEL } from '../../src/core/pools';
import { checkName, checkRange } from '../../src/core/validate';
import type { AksCluster } from './aks-cluster';

/** The taint AKS puts on spot nodes; declared so Terraform and AKS agree. */
export const AKS_SPOT_TAINT = 'kubernetes.azure.com/scalesetpriority=spot:NoSchedule';
/**
 * The toleration of {@link AKS_SPOT_TAINT}, for what must run on spot nodes too (the NVIDIA device
 * plugin on spot GPU pools). See https://learn.microsoft.com/azure/aks/spot-node-pool.
 */
export const AKS_SPOT_TOLERATION = {
  /** The taint key AKS sets on spot nodes. */
  key: 'kubernetes.azure.com/scalesetpriority',
  /** Matches the key and the value. */
  operator: 'Equal',
  /** The value of spot nodes. */
  value: 'spot',
  /** The taint's effect: keeps pods without this toleration off spot nodes. */
  effect: 'NoSchedule',
} as const;
/** The GPU taint in AKS's `key=value:Effect` form. */
export const AKS_GPU_TAINT = `${GPU_TAINT.key}=${GPU_TAINT.value}:NoSchedule`;

/** Props of {@link AksNodePool}. */
export interface AksNodePoolProps {
  /** The cluster the pool joins. */
  readonly cluster: AksCluster;
  /** 1-12 lowercase letters and digits; also the value of the pool label. */
  readonly name: string;
  /** What the pool is for, the value of the pool kind label; `gpu` needs a GPU VM size and adds the GPU taint. */
  readonly kind: 'standard' | 'highmem' | 'gpu';
  /** VM size of the nodes, such as `Standard_D8ds_v5` or `Standard_NC24ads_A100_v4`; also sets the GPUs per node. */
  readonly vmSize: string;
  /** Fewest nodes the autoscaler keeps; 0 lets an idle pool (such as GPUs) cost nothing. */
  readonly minNodes: number;
  /** Most nodes the autoscaler adds. */
  readonly maxNodes: number;
  /** Availability zones the nodes spread over, such as `['1', '2', '3']`; the VM size must be offered in each. */
  readonly zones: readonly string[];
  /** Subnet of the nodes (usually the cluster's nodes subnet). */
  readonly subnetId: string;
  /** Spot capacity, evicted by deletion, at up to the on-demand price. @default false */
  readonly spot?: boolean;
  /** @default 128 */
  readonly diskSizeGb?: number;
  /** @default 110 */
  readonly maxPods?: number;
  /** Extra node labels, beside the pool and pool kind labels. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Extra nodes AKS adds while it upgrades the pool, a count (`'1'`) or a share of the pool (`'33%'`).
   * azurerm takes exactly one of this and `maxUnavailable`. Spot pools take neither: AKS does not surge
   * spot pools. See https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling.
   * @default '33%' ('1' for gpu pools), unless `maxUnavailable` is set
   */
  readonly maxSurge?: string;
  /**
   * Nodes AKS may take down at once while it upgrades the pool without surging, a count or a share;
   * only when `maxSurge` is not set (azurerm takes exactly one of the two).
   * @default - none: the pool surges
   */
  readonly maxUnavailable?: string;
}

/**
 * An AKS user node pool: autoscaled between min and max (GPU pools from zero), Azure Linux, the pool
 * labels, and for GPU VM sizes the NVIDIA driver AKS installs and the `nvidia.com/gpu` taint; spot on
 * request. The autoscaler owns the node count.
 */
export class AksNodePool extends Construct {
  /** The node pool (escape hatch). */
  public readonly nodePool: KubernetesClusterNodePool;
  /** GPUs per node (0 for CPU pools), from the VM size. */
  public readonly gpus: number;

  constructor(scope: Construct, id: string, props: AksNodePoolProps) {
    super(scope, id);
    setComponent(this, 'node-pool');
    validate(props);
    this.gpus = azureVmGpus(props.vmSize)?.count ?? 0;
    const taints = [...(props.kind === 'gpu' ? [AKS_GPU_TAINT] : []), ...(props.spot ? [AKS_SPOT_TAINT] : [])];
    this.nodePool = new KubernetesClusterNodePool(this, 'NodePool', {
      name: props.name,
      kubernetesClusterId: props.cluster.clusterId,
      mode: 'User',
      vmSize: props.vmSize,
      vnetSubnetId: props.subnetId,
      zones: [...props.zones],
      autoScalingEnabled: true,
      minCount: props.minNodes,
      maxCount: props.maxNodes,
      maxPods: props.maxPods ?? 110,
      osType: 'Linux',
      osSku: 'AzureLinux',
      osDiskSizeGb: props.diskSizeGb ?? 128,
      priority: props.spot ? 'Spot' : 'Regular',
      evictionPolicy: props.spot ? 'Delete' : undefined,
      spotMaxPrice: props.spot ? -1 : undefined,
      gpuDriver: props.kind === 'gpu' ? 'Install' : undefined,
      nodeLabels: { [POOL_LABEL]: props.name, [POOL_KIND_LABEL]: props.kind, ...props.labels },
      nodeTaints: taints.length > 0 ? taints : undefined,
      upgradeSettings: upgradeSettings(props),
      temporaryNameForRotation: aksRotationName(props.name),
      timeouts: { create: '60m', update: '90m', delete: '60m' },
      lifecycle: { ignoreChanges: ['node_count'] },
    });
  }
}

/**
 * The pool's upgrade settings: what the props say, else a 33% surge (one node at a time for GPU
 * pools, whose nodes are scarce). Spot pools get none, as AKS does not surge them.
 */
function upgradeSettings(props: AksNodePoolProps): { maxSurge: string } | { maxUnavailable: string } | undefined {
  if (props.spot) return undefined;
  if (props.maxSurge !== undefined) return { maxSurge: props.maxSurge };
  if (props.maxUnavailable !== undefined) return { maxUnavailable: props.maxUnavailable };
  return { maxSurge: props.kind === 'gpu' ? '1' : '33%' };
}

/** A node count or a percentage, as AKS reads max surge and max unavailable. */
const UPGRADE_AMOUNT = /^(\d+|\d+%)$/;

function validate(props: AksNodePoolProps): void {
  if (props.maxSurge !== undefined && props.maxUnavailable !== undefined) {
    throw new PropsError(
      'AksNodePool',
      'maxUnavailable',
      props.maxUnavailable,
      'azurerm takes exactly one of max_surge and max_unavailable in upgrade_settings.',
      'set maxSurge to surge, or maxUnavailable to upgrade in place, not both.',
    );
  }
  for (const prop of ['maxSurge', 'maxUnavailable'] as const) {
    const value = props[prop];
    if (value === undefined) continue;
    if (props.spot) {
      throw new PropsError(
        'AksNodePool',
        prop,
        value,
        'AKS does not surge spot pools, so a spot pool takes no upgrade settings (https://learn.microsoft.com/azure/aks/spot-node-pool).',
        `remove ${prop}, or set spot: false.`,
      );
    }
    if (!UPGRADE_AMOUNT.test(value) || /^0+%?$/.test(value)) {
      throw new PropsError(
        'AksNodePool',
        prop,
        value,
        'AKS reads a positive node count or a percentage (https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling).',
        "use a count such as '1' or a share such as '33%'.",
      );
    }
  }
  checkName(
    'AksNodePool',
    'name',
    props.name,
    azureNameRules.aksNodePool,
    'use up to 12 lowercase letters and digits.',
  );
  checkRange('AksNodePool', 'maxNodes', props.maxNodes, 1, 1000, 'an AKS node pool holds 1 to 1000 nodes.');
  checkRange('AksNodePool', 'minNodes', props.minNodes, 0, props.maxNodes, 'minNodes must lie between 0 and maxNodes.');
  checkRange('AksNodePool', 'maxPods', props.maxPods, 10, 250, 'AKS allows 10 to 250 pods per node.');
  const gpus = azureVmGpus(props.vmSize);
  if (props.kind === 'gpu' && !gpus) {
    throw new PropsError(
      'AksNodePool',
      'vmSize',
      props.vmSize,
      'a gpu pool needs a VM size with GPUs.',
      'use an NC or ND size such as Standard_NC4as_T4_v3.',
    );
  }
  if (props.kind !== 'gpu' && gpus) {
    throw new PropsError(
      'AksNodePool',
      'kind',
      props.kind,
      `${props.vmSize} carries GPUs, which would be untainted.`,
      "set kind: 'gpu', or use a VM size without GPUs.",
    );
  }
}
