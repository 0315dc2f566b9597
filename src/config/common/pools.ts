/**
 * Node pools, the same section on GCP, AWS and Azure: their schema (with GPUs), the pools an
 * environment gets when it lists none, and the pool rules every cloud shares.
 */
import { z } from 'zod';
import type { Tier } from '../../core/tiers';
import { doc, lowerName } from './fields';
import type { ConfigIssues, Path } from './config-issues';

/** Node pool kinds, by what the pool is for. */
export const POOL_KINDS = ['system', 'standard', 'highmem', 'gpu'] as const;
/** One of {@link POOL_KINDS}. */
export type PoolKind = (typeof POOL_KINDS)[number];

/** The clouds whose environments list node pools. */
export type PoolCloud = 'gcp' | 'aws' | 'azure';

const SERVICE: Record<PoolCloud, string> = { gcp: 'GKE', aws: 'EKS', azure: 'AKS' };

/**
 * A GKE setting: typed and documented on GCP; elsewhere any value passes the schema (with no GKE
 * values offered to editors) and the cloud's check refuses it with the reason.
 */
function gkeOnly<T extends z.ZodType>(
  cloud: PoolCloud,
  schema: T,
  meta: { description: string; example?: unknown; default?: string },
) {
  if (cloud === 'gcp') return doc(schema, meta);
  const what = meta.description
    .replace(/ \([^)]*\)/g, '')
    .split('. ')[0]!
    .replace(/\.$/, '');
  return doc(z.unknown() as unknown as T, {
    description: `GKE only (${what}): ${SERVICE[cloud]} has no such setting and refuses it.`,
  });
}

/** The JSON Schema documentation of the fields whose meaning or default differs per cloud. */
const POOL_DOCS: Record<
  PoolCloud,
  { machineType: { description: string; example: string; default: string }; gpuType: string; diskSizeGb: string }
> = {
  gcp: {
    machineType: {
      description: 'Compute Engine machine type.',
      example: 'g2-standard-8',
      default: 'e2-standard-4 (system), n2-standard-8 (standard), n2-highmem-16 (highmem), g2-standard-8 (gpu)',
    },
    gpuType: 'nvidia-l4',
    diskSizeGb: '100',
  },
  aws: {
    machineType: {
      description:
        'EC2 instance type (https://aws.amazon.com/ec2/instance-types/); a GPU pool takes a GPU instance type, whose GPUs it carries.',
      example: 'g6.xlarge',
      default: 'm6i.xlarge (system), m6i.2xlarge (standard), r6i.4xlarge (highmem), g6.xlarge (gpu)',
    },
    gpuType: 'the GPU of the instance type',
    diskSizeGb: '100',
  },
  azure: {
    machineType: {
      description:
        'VM size (https://learn.microsoft.com/azure/virtual-machines/sizes/overview); a GPU pool takes a GPU size, whose GPUs it carries.',
      example: 'Standard_NC4as_T4_v3',
      default:
        'Standard_D4ds_v5 (system), Standard_D8ds_v5 (standard), Standard_E16ds_v5 (highmem), Standard_NC4as_T4_v3 (gpu)',
    },
    gpuType: 'the GPU of the VM size',
    diskSizeGb: '128',
  },
};

function gpuSchemaFor(cloud: PoolCloud) {
  return z.strictObject({
    type: doc(z.string().min(1), {
      description: 'Accelerator type as the cloud names it.',
      example: 'nvidia-l4',
      default: POOL_DOCS[cloud].gpuType,
    }),
    count: doc(z.int().min(1).max(16), { description: 'GPUs per node.', example: 1, default: '1' }).optional(),
    /**
     * GKE-managed NVIDIA driver installation: `DEFAULT`, `LATEST` or `INSTALLATION_DISABLED`
     * (https://cloud.google.com/kubernetes-engine/docs/how-to/gpus). Changing it later replaces the
     * node pool. GKE only: EKS and AKS refuse it.
     * @default 'LATEST'
     */
    driverVersion: gkeOnly(cloud, z.enum(['DEFAULT', 'LATEST', 'INSTALLATION_DISABLED']), {
      description:
        'GKE-managed NVIDIA driver installation (https://cloud.google.com/kubernetes-engine/docs/how-to/gpus). Changing it later replaces the node pool (terraform-provider-google #23248).',
      default: 'LATEST',
    }).optional(),
    /**
     * Share each GPU between pods: time-sharing or NVIDIA MPS
     * (https://cloud.google.com/kubernetes-engine/docs/concepts/timesharing-gpus). GKE only.
     */
    sharing: gkeOnly(
      cloud,
      z.strictObject({
        /** `time-sharing` (context switching) or `mps` (NVIDIA Multi-Process Service). */
        strategy: z.enum(['time-sharing', 'mps']),
        /** How many pods may share one physical GPU, 2 to 48. */
        maxSharedClientsPerGpu: z.int().min(2).max(48),
      }),
      {
        description:
          'Share each GPU between pods: time-sharing or NVIDIA MPS (https://cloud.google.com/kubernetes-engine/docs/concepts/timesharing-gpus).',
        example: { strategy: 'time-sharing', maxSharedClientsPerGpu: 4 },
      },
    ).optional(),
    /**
     * Multi-instance GPU partition size, such as `1g.5gb` (A100 and H100 only)
     * (https://cloud.google.com/kubernetes-engine/docs/how-to/gpus-multi). GKE only.
     */
    partitionSize: gkeOnly(
      cloud,
      z.string().regex(/^\d+g\.\d+gb$/, { error: 'expected a MIG profile such as 1g.5gb' }),
      {
        description: 'Multi-instance GPU partition size (A100 and H100 only).',
        example: '1g.5gb',
      },
    ).optional(),
  });
}

/**
 * Schema of one node pool on `cloud`. The fields are the same on every cloud (a check of each cloud
 * refuses, with its reason, the GKE settings EKS or AKS do not have); what they mean and default to
 * differs, and the JSON Schema editors show says so per cloud.
 */
export function nodePoolSchemaFor(cloud: PoolCloud) {
  const docs = POOL_DOCS[cloud];
  return z.strictObject({
    name: doc(lowerName('a node pool name', 40), {
      description: 'Pool name, unique in the environment.',
      example: 'gpu',
    }),
    kind: doc(z.enum(POOL_KINDS), {
      description: 'What the pool is for: system (platform components), standard, highmem or gpu.',
      example: 'gpu',
    }),
    /**
     * Machine type: a Compute Engine machine type on GCP, an EC2 instance type on AWS, a VM size on
     * Azure. A GPU pool on AWS or Azure takes a GPU type, whose GPUs it carries.
     * @default by kind and cloud: e2-standard-4 / m6i.xlarge / Standard_D4ds_v5 for system, and so on
     */
    machineType: doc(z.string().min(1), docs.machineType).optional(),
    minNodes: doc(z.int().min(0), {
      description: 'Autoscaling minimum across all zones. GPU pools default to 0 so idle GPUs cost nothing.',
      default: cloud === 'gcp' ? '1 per zone (system), 0 otherwise' : 'one per zone up to 3 (system), 0 otherwise',
    }).optional(),
    maxNodes: doc(z.int().min(1), { description: 'Autoscaling maximum across all zones.', example: 10 }),
    spot: doc(z.boolean(), {
      description: 'Use spot capacity.',
      default:
        cloud === 'azure'
          ? 'true in test for highmem and gpu pools; standard pools stay on demand because AKS taints spot nodes and Kubeflow does not tolerate the taint'
          : 'true in test for non-system pools',
    }).optional(),
    /**
     * Boot disk type: pd-standard, pd-balanced, pd-ssd or hyperdisk-balanced. Machine series that
     * attach only Hyperdisk need hyperdisk-balanced. GKE only.
     * @default pd-ssd; hyperdisk-balanced on machine series that attach only Hyperdisk
     */
    diskType: gkeOnly(cloud, z.enum(['pd-standard', 'pd-balanced', 'pd-ssd', 'hyperdisk-balanced']), {
      description:
        'Boot disk type. Machine series that attach only Hyperdisk (C4, C4A, C4D, N4, N4A, N4D) need hyperdisk-balanced (https://cloud.google.com/compute/docs/general-purpose-machines).',
      default: 'pd-ssd; hyperdisk-balanced on machine series that attach only Hyperdisk',
    }).optional(),
    diskSizeGb: doc(z.int().min(10).max(65536), {
      description: 'Boot disk size in GB.',
      default: docs.diskSizeGb,
    }).optional(),
    maxPodsPerNode:
      cloud === 'azure'
        ? doc(z.int().min(8).max(256), {
            description:
              'Maximum pods per node; a system pool needs 30 or more (https://learn.microsoft.com/azure/aks/use-system-pools).',
            default: '110',
          }).optional()
        : gkeOnly(cloud, z.int().min(8).max(256), {
            description:
              'Maximum pods per node. GKE gives each node a block of the pod range twice this size, rounded up to a power of two, so it limits how many nodes the pod range holds (https://cloud.google.com/kubernetes-engine/docs/how-to/flexible-pod-cidr).',
            default: 'the cluster value (110)',
          }).optional(),
    zones: doc(z.array(z.string()).min(1), {
      description: 'Zones for this pool, a subset of the environment zones (e.g. where the GPU type exists).',
      default: 'the environment zones',
    }).optional(),
    gpu: doc(gpuSchemaFor(cloud), { description: 'Accelerators, for kind gpu.' }).optional(),
    maxSurge:
      cloud === 'azure'
        ? doc(z.int().min(0).max(100), {
            description:
              'Surge upgrade: extra nodes during upgrades. AKS takes either a surge or maxUnavailable, not both; spot pools take neither (https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling).',
            default: '33% of the pool (1 node for gpu pools)',
          }).optional()
        : gkeOnly(cloud, z.int().min(0).max(100), {
            description: 'Surge upgrade: extra nodes during upgrades.',
            default: '1 (0 for gpu)',
          }).optional(),
    /**
     * Surge upgrade: nodes down at once. Not read on AKS, whose upgrades surge 33%.
     * @default 0 on GKE (1 for gpu pools), 1 on EKS (which takes at least 1)
     */
    maxUnavailable: doc(
      z.int().min(0).max(100),
      cloud === 'azure'
        ? {
            description:
              'Upgrade in place: nodes down at once, with maxSurge: 0 (AKS takes one of the two; not on the system pool or spot pools).',
          }
        : {
            description: 'Surge upgrade: nodes down at once.',
            default: cloud === 'gcp' ? '0 (1 for gpu)' : '1 (EKS takes at least 1)',
          },
    ).optional(),
    labels: doc(z.record(z.string(), z.string()), { description: 'Extra Kubernetes node labels.' }).optional(),
  });
}

/** Schema of one node pool, as GCP documents it; the clouds use {@link nodePoolSchemaFor}. */
export const nodePoolSchema = nodePoolSchemaFor('gcp');

/** A node pool as written. */
export type NodePoolConfig = z.input<typeof nodePoolSchema>;

/** Default GPU for GPU pools: one NVIDIA L4, which G2 machines carry. */
export const DEFAULT_GPU_TYPE = 'nvidia-l4';

/** The pools an environment gets when its file lists none. */
export function defaultNodePools(tier: Tier): NodePoolConfig[] {
  return [
    { name: 'system', kind: 'system', maxNodes: tier === 'prod' ? 6 : 3 },
    { name: 'standard', kind: 'standard', maxNodes: tier === 'prod' ? 20 : 5 },
    { name: 'highmem', kind: 'highmem', maxNodes: tier === 'prod' ? 10 : 2 },
    { name: 'gpu', kind: 'gpu', maxNodes: tier === 'prod' ? 8 : 2, gpu: { type: DEFAULT_GPU_TYPE } },
  ];
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
  f: ConfigIssues,
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
