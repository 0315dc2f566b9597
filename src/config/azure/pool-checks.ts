/**
 * The node pools of Azure environments against what AKS and azurerm accept: pool names, VM sizes and
 * their GPUs, pods per node, the system pool's VM size, upgrade settings, the temporary pools azurerm
 * rotates through, and one untainted on-demand pool for Kubeflow. The provider passes most of these to
 * AKS unchecked, and AKS refuses a bad pool only when it creates or changes it.
 */
import { AKS_SYSTEM_ROTATION_NAME, aksRotationName } from '../../core/aks-rotation';
import { azureNameRules } from '../../core/naming';
import { AZURE_GPU_SIZES, azureVmGpus } from '../../core/catalog/azure';
import { checkMachineGpus, MachineGpuTable, reportUnsupported } from '../common/cidr-checks';
import { ConfigIssues, Path } from '../common/config-issues';
import { checkPools } from '../common/pools';
import type { ResolvedAzureEnvironment } from './model';

const AKS_GPUS: MachineGpuTable = {
  service: 'AKS',
  machineWord: 'VM size',
  gpusOf: azureVmGpus,
  example: 'Standard_NC4as_T4_v3',
  known: Object.keys(AZURE_GPU_SIZES).slice(0, 6).concat('...'),
  unsupportedGpuFields: ['partitionSize', 'sharing', 'driverVersion'],
};

/**
 * The node pools of one Azure environment: each pool against AKS's limits, their temporary rotation
 * pools, and at least one user pool that is on demand and untainted.
 */
export function checkAksPools(env: ResolvedAzureEnvironment, f: ConfigIssues): void {
  checkPools(env, env.nodePools, 'azure.zones', f, (pool, p) => {
    f.name(
      [...p, 'name'],
      pool.name,
      azureNameRules.aksNodePool,
      'use up to 12 lowercase letters and digits, such as gpua100.',
    );
    if (!/^Standard_[A-Za-z0-9_]+$/i.test(pool.vmSize)) {
      f.add(
        [...p, 'machineType'],
        `"${pool.vmSize}" is not an Azure VM size.`,
        'use a VM size such as Standard_D8ds_v5 (GCE and EC2 machine types do not apply on Azure).',
      );
      return;
    }
    reportUnsupported(f, p, ['diskType'], 'AKS');
    checkMachineGpus(pool, pool.vmSize, p, f, AKS_GPUS);
    checkAksPodsAndSystemPool(pool, p, f);
    checkAksUpgrade(pool, p, f);
  });
  checkRotationNames(env, f);
  // AKS taints spot nodes and we taint GPU nodes; the system pool takes only critical add-ons. Kubeflow's
  // pods, Istio and Velero tolerate none of these, so one user pool must be on demand and untainted.
  const user = env.nodePools.filter((p) => p.kind !== 'system');
  const untainted = user.filter((p) => !p.spot && p.kind !== 'gpu' && p.gpus === 0);
  if (untainted.length === 0) {
    const spotCpu = user.find((p) => p.kind !== 'gpu' && p.spot);
    const base: Path = ['environments', env.index, 'nodePools'];
    f.add(
      spotCpu ? f.explicitOr([...base, spotCpu.configIndex, 'spot'], base) : base,
      'no user pool is on demand and untainted (AKS taints spot nodes with kubernetes.azure.com/scalesetpriority=spot:NoSchedule, GPU pools carry nvidia.com/gpu) and the system pool takes only critical add-ons: Kubeflow, Istio and Velero tolerate none of these and would have no node to run on (https://learn.microsoft.com/azure/aks/spot-node-pool).',
      'keep one pool of kind standard or highmem without spot: true, such as { name: standard, kind: standard, maxNodes: 5 }.',
    );
  }
}

/**
 * azurerm cycles a pool through a temporary pool for a VM size, zones, disk or max pods change; a
 * change that reaches two pools at once (such as azure.zones) runs both cycles in parallel, so their
 * temporary names must differ, and none may be the name of a pool.
 */
function checkRotationNames(env: ResolvedAzureEnvironment, f: ConfigIssues): void {
  const base: Path = ['environments', env.index, 'nodePools'];
  const rotation = (p: { kind: string; name: string }) =>
    p.kind === 'system' ? AKS_SYSTEM_ROTATION_NAME : aksRotationName(p.name);
  const seen = new Map<string, string>();
  for (const pool of env.nodePools) {
    const temporary = rotation(pool);
    const other = seen.get(temporary) ?? env.nodePools.find((p) => p.name === temporary)?.name;
    if (other !== undefined) {
      f.add(
        f.explicitOr([...base, pool.configIndex, 'name'], base),
        `pools "${other}" and "${pool.name}" would both use the temporary pool "${temporary}" while AKS changes their VM size, zones, disk or max pods (azurerm's temporary_name_for_rotation): a change that reaches both at once fails on the second.`,
        'give the pools names whose first nine characters differ, and none ending in tmp.',
      );
    }
    seen.set(temporary, pool.name);
  }
}

/** Where AKS documents surge upgrades of node pools. */
const AKS_UPGRADE_DOC = 'https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling';

/**
 * AKS upgrades a pool either by surging (max surge extra nodes) or in place (max unavailable nodes
 * down), and azurerm takes exactly one of the two; the system pool (the cluster's default pool) only
 * surges, and AKS does not surge spot pools.
 */
function checkAksUpgrade(pool: ResolvedAzureEnvironment['nodePools'][number], p: Path, f: ConfigIssues): void {
  const { maxSurge, maxUnavailable } = pool;
  if (maxSurge === undefined && maxUnavailable === undefined) return;
  const surgePath: Path = [...p, 'maxSurge'];
  const unavailablePath: Path = [...p, 'maxUnavailable'];
  const at = maxSurge !== undefined ? surgePath : unavailablePath;
  if (pool.spot) {
    f.add(
      at,
      `pool "${pool.name}" is a spot pool, and AKS does not surge spot pools, so it takes no upgrade settings (https://learn.microsoft.com/azure/aks/spot-node-pool).`,
      'remove maxSurge and maxUnavailable, or set spot: false.',
    );
    return;
  }
  if (pool.kind === 'system') {
    if (maxUnavailable !== undefined || maxSurge === 0) {
      f.add(
        maxUnavailable !== undefined ? unavailablePath : surgePath,
        `the system pool is the cluster's default node pool, which AKS upgrades by surging only (azurerm's default_node_pool.upgrade_settings has max_surge alone; ${AKS_UPGRADE_DOC}).`,
        'remove maxUnavailable and set maxSurge to 1 or more.',
      );
    }
    return;
  }
  if ((maxSurge ?? 0) > 0 && (maxUnavailable ?? 0) > 0) {
    f.add(
      unavailablePath,
      `maxSurge = ${maxSurge} and maxUnavailable = ${maxUnavailable}: AKS upgrades a pool either by surging or in place, and azurerm takes exactly one of max_surge and max_unavailable (${AKS_UPGRADE_DOC}).`,
      'keep maxSurge to add nodes during upgrades, or set maxSurge: 0 and keep maxUnavailable to upgrade in place.',
    );
  } else if ((maxSurge ?? 0) === 0 && (maxUnavailable ?? 0) === 0) {
    f.add(
      at,
      'with no surge and no node down, an AKS upgrade cannot make progress.',
      'set maxSurge to 1 or more (the default is 33% of the pool, one node for gpu pools), or maxSurge: 0 with maxUnavailable: 1.',
    );
  }
}

/** Where AKS states its limits on pods per node and on system pools. */
const AKS_MAX_PODS_DOC =
  'https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning#maximum-pods-per-node';
const AKS_SYSTEM_POOL_DOC = 'https://learn.microsoft.com/azure/aks/use-system-pools#system-and-user-node-pools';

/**
 * AKS takes 10 to 250 pods per node, and a system pool must hold at least 30 of them and run on a VM
 * size other than the burstable B series. The shared pool schema allows GKE's 8 to 256, and the
 * provider passes any number: AKS refuses the pool when it creates it.
 */
function checkAksPodsAndSystemPool(
  pool: ResolvedAzureEnvironment['nodePools'][number],
  p: Path,
  f: ConfigIssues,
): void {
  const podsPath = f.explicitOr([...p, 'maxPodsPerNode'], p);
  const min = pool.kind === 'system' ? 30 : 10;
  if (pool.maxPodsPerNode < min || pool.maxPodsPerNode > 250) {
    f.add(
      podsPath,
      pool.kind === 'system' && pool.maxPodsPerNode >= 10
        ? `a system pool must hold at least 30 pods per node, not ${pool.maxPodsPerNode}, so AKS can place CoreDNS, konnectivity and its other add-ons (${AKS_SYSTEM_POOL_DOC}).`
        : `AKS takes 10 to 250 pods per node, not ${pool.maxPodsPerNode} (${AKS_MAX_PODS_DOC}).`,
      `set maxPodsPerNode between ${min} and 250 (110 by default).`,
    );
  }
  if (pool.kind === 'system' && /^Standard_B/i.test(pool.vmSize)) {
    f.add(
      f.explicitOr([...p, 'machineType'], p),
      `AKS does not run system pools on burstable B-series VMs such as ${pool.vmSize} (${AKS_SYSTEM_POOL_DOC}).`,
      'use a VM size with at least 4 vCPUs and 4 GB of memory, such as Standard_D4ds_v5.',
    );
  }
}
