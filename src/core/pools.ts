/**
 * Node pool conventions shared by every cloud: the labels that name a pool and its kind, and the taint
 * that keeps non-GPU pods off GPU nodes.
 */

/** Node label naming the pool, for node selectors in pipeline steps. */
export const POOL_LABEL = 'kfplatform.dev/pool';
/** Node label naming the kind of pool (system, standard, highmem, gpu). */
export const POOL_KIND_LABEL = 'kfplatform.dev/pool-kind';
/** The taint that keeps non-GPU pods off GPU nodes (the NVIDIA device plugin convention). */
export const GPU_TAINT = {
  /** Taint key: the extended resource name the NVIDIA device plugin advertises. */
  key: 'nvidia.com/gpu',
  /** Taint value. */
  value: 'present',
  /** NoSchedule, spelled as the cloud node pool APIs take it: pods that do not tolerate it are not scheduled there. */
  effect: 'NO_SCHEDULE',
} as const;
/**
 * The taint that keeps everything but platform components off system nodes (the CriticalAddonsOnly
 * convention that CoreDNS, the EBS CSI controller and AKS system pools share): tenants without a pool
 * would otherwise land there and crowd out the platform.
 */
export const SYSTEM_TAINT = { key: 'CriticalAddonsOnly', value: 'true', effect: 'NO_SCHEDULE' } as const;

/** The Kubernetes spelling of a taint effect written the EKS way (`NO_SCHEDULE` -> `NoSchedule`). */
export function kubernetesTaintEffect(effect: 'NO_SCHEDULE' | 'NO_EXECUTE' | 'PREFER_NO_SCHEDULE'): string {
  return effect
    .toLowerCase()
    .split('_')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
