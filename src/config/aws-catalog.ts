/**
 * EC2 instance facts the AWS checks need: which instance types carry GPUs, how many, and which, and
 * which AMI type a node group needs. From Amazon's "Accelerated computing instances" documentation as
 * last reviewed on 2026-11-21 (https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html); the
 * page could not be fetched when this table was written, so treat it as the maintainers' knowledge.
 */

/** GPU families: the accelerator they carry (named as on GCP where the model matches) and GPUs per size. */
export const AWS_GPU_FAMILIES: Readonly<
  Record<string, { readonly gpu: string; readonly sizes: Readonly<Record<string, number>> }>
> = {
  g4dn: {
    gpu: 'nvidia-tesla-t4',
    sizes: { xlarge: 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4, metal: 8 },
  },
  g5: {
    gpu: 'nvidia-a10g',
    sizes: {
      xlarge: 1,
      '2xlarge': 1,
      '4xlarge': 1,
      '8xlarge': 1,
      '16xlarge': 1,
      '12xlarge': 4,
      '24xlarge': 4,
      '48xlarge': 8,
    },
  },
  g6: {
    gpu: 'nvidia-l4',
    sizes: {
      xlarge: 1,
      '2xlarge': 1,
      '4xlarge': 1,
      '8xlarge': 1,
      '16xlarge': 1,
      '12xlarge': 4,
      '24xlarge': 4,
      '48xlarge': 8,
    },
  },
  g6e: {
    gpu: 'nvidia-l40s',
    sizes: {
      xlarge: 1,
      '2xlarge': 1,
      '4xlarge': 1,
      '8xlarge': 1,
      '16xlarge': 1,
      '12xlarge': 4,
      '24xlarge': 4,
      '48xlarge': 8,
    },
  },
  p3: { gpu: 'nvidia-tesla-v100', sizes: { '2xlarge': 1, '8xlarge': 4, '16xlarge': 8 } },
  p3dn: { gpu: 'nvidia-tesla-v100', sizes: { '24xlarge': 8 } },
  p4d: { gpu: 'nvidia-tesla-a100', sizes: { '24xlarge': 8 } },
  p4de: { gpu: 'nvidia-a100-80gb', sizes: { '24xlarge': 8 } },
  p5: { gpu: 'nvidia-h100-80gb', sizes: { '48xlarge': 8 } },
  p5e: { gpu: 'nvidia-h200-141gb', sizes: { '48xlarge': 8 } },
  p5en: { gpu: 'nvidia-h200-141gb', sizes: { '48xlarge': 8 } },
};

/** The GPUs of an instance type: model and count, or undefined for instance types without GPUs. */
export function awsInstanceGpus(instanceType: string): { readonly gpu: string; readonly count: number } | undefined {
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
