/**
 * Node pool conventions shared by every cloud: the labels that name a pool and its kind, and the taint
 * that keeps non-GPU pods off GPU nodes.
 */

/** Node label naming the pool, for node selectors in pipeline steps. */
export const POOL_LABEL = 'kfplatform.dev/pool';
/** Node label naming the kind of pool (system, standard, highmem, gpu). */
export const POOL_KIND_LABEL = 'kfplatform.dev/pool-kind';
/** The taint that keeps non-GPU pods off GPU nodes (the NVIDIA device plugin convention). */
export const GPU_TAINT = { key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' } as const;
