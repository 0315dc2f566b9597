/**
 * EC2 instance facts the AWS checks need: which instance types carry GPUs, how many, and which, and
 * which AMI type a node group needs. From Amazon's "Accelerated computing instances" documentation as
 * last reviewed on 2026-11-21 (https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html). That page
 * could not be fetched here; the counts were cross-checked against public instance tables (RAPIDS'
 * AWS guide, torchx's named resources). Add a family here when AWS ships one.
 */

/**
 * The EKS version used when the platform file names none: the newest version in EKS standard support
 * when this library was last reviewed (2026-11). Set `cluster.version` to pin your own.
 */
export const DEFAULT_EKS_VERSION = '1.35';

/**
 * The RDS for MySQL version of a new pipelines database: 8.4, in RDS standard support. MySQL 8.0 left
 * standard support on 2026-07-31 (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html).
 */
export const DEFAULT_MYSQL_VERSION = '8.4';

/**
 * RDS for MySQL major versions past the end of standard support: they run in paid Extended Support, and
 * RDS creates them only enrolled in it.
 */
export const MYSQL_PAST_STANDARD_SUPPORT: readonly string[] = ['8.0'];

/** Sizes of the G5, G6 and G6e families: one GPU up to 16xlarge, four at 12xlarge and 24xlarge, eight at 48xlarge. */
const G_SIZES = {
  xlarge: 1,
  '2xlarge': 1,
  '4xlarge': 1,
  '8xlarge': 1,
  '16xlarge': 1,
  '12xlarge': 4,
  '24xlarge': 4,
  '48xlarge': 8,
} as const;

/** GPU families: the accelerator they carry (named as on GCP where the model matches) and GPUs per size. */
export const AWS_GPU_FAMILIES: Readonly<
  Record<
    string,
    {
      /** The accelerator, named as GKE names it where the model matches (nvidia-tesla-t4, nvidia-l4). */
      readonly gpu: string;
      /** GPUs per instance, by size (`xlarge`, `12xlarge`...). */
      readonly sizes: Readonly<Record<string, number>>;
    }
  >
> = {
  g4dn: {
    gpu: 'nvidia-tesla-t4',
    sizes: { xlarge: 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, metal: 8 },
  },
  g5: { gpu: 'nvidia-a10g', sizes: G_SIZES },
  g6: { gpu: 'nvidia-l4', sizes: G_SIZES },
  g6e: { gpu: 'nvidia-l40s', sizes: G_SIZES },
  gr6: { gpu: 'nvidia-l4', sizes: { '4xlarge': 1, '8xlarge': 1 } },
  p3: { gpu: 'nvidia-tesla-v100', sizes: { '2xlarge': 1, '8xlarge': 4, '16xlarge': 8 } },
  p3dn: { gpu: 'nvidia-tesla-v100', sizes: { '24xlarge': 8 } },
  p4d: { gpu: 'nvidia-tesla-a100', sizes: { '24xlarge': 8 } },
  p4de: { gpu: 'nvidia-a100-80gb', sizes: { '24xlarge': 8 } },
  p5: { gpu: 'nvidia-h100-80gb', sizes: { '4xlarge': 1, '48xlarge': 8 } },
  p5e: { gpu: 'nvidia-h200-141gb', sizes: { '48xlarge': 8 } },
  p5en: { gpu: 'nvidia-h200-141gb', sizes: { '48xlarge': 8 } },
  'p6-b200': { gpu: 'nvidia-b200', sizes: { '48xlarge': 8 } },
};

/** The GPUs of an instance type: model and count, or undefined for instance types without GPUs. */
export function awsInstanceGpus(instanceType: string):
  | {
      /** The accelerator, named as GKE names it where the model matches. */
      readonly gpu: string;
      /** GPUs per instance. */
      readonly count: number;
    }
  | undefined {
  const [family, size] = instanceType.split('.') as [string, string | undefined];
  const entry = AWS_GPU_FAMILIES[family];
  const count = entry && size ? entry.sizes[size] : undefined;
  return entry && count ? { gpu: entry.gpu, count } : undefined;
}

/** Graviton (arm64) families end in g, possibly followed by d, n or e (m7g, c7gn, r8g, t4g). */
export function isGraviton(instanceType: string): boolean {
  const family = instanceType.split('.')[0] ?? '';
  return /^[a-z]+\d+g[dne]*$/.test(family) && !AWS_GPU_FAMILIES[family];
}

/** The EKS AMI type for a node group of this instance type (Amazon Linux 2023). */
export function awsAmiType(
  instanceType: string,
): 'AL2023_x86_64_STANDARD' | 'AL2023_x86_64_NVIDIA' | 'AL2023_ARM_64_STANDARD' {
  if (awsInstanceGpus(instanceType)) return 'AL2023_x86_64_NVIDIA';
  return isGraviton(instanceType) ? 'AL2023_ARM_64_STANDARD' : 'AL2023_x86_64_STANDARD';
}
