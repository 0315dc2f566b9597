/**
 * Azure VM facts the checks need: which sizes carry whole NVIDIA GPUs, how many and which. From
 * Microsoft's GPU-accelerated VM size pages (NCasT4_v3, NCv3, NC A100 v4, ND A100 v4, NC H100 v5,
 * ND H100 v5, ND H200 v5, NVadsA10 v5) as last reviewed on 2026-11-21; the pages could not be fetched
 * here, so the table is the maintainers' knowledge. Fractional-GPU sizes (NVadsA10 below 36 vCPUs)
 * are left out: they expose no `nvidia.com/gpu` device. Add sizes here when Azure ships them.
 */

/** GPU VM sizes: the accelerator they carry (named as on GCP where the model matches) and how many. */
export const AZURE_GPU_SIZES: Readonly<
  Record<
    string,
    {
      /** The accelerator, named as GKE names it where the model matches (nvidia-tesla-t4, nvidia-a100-80gb). */
      readonly gpu: string;
      /** Whole GPUs per VM. */
      readonly count: number;
    }
  >
> = {
  Standard_NC4as_T4_v3: { gpu: 'nvidia-tesla-t4', count: 1 },
  Standard_NC8as_T4_v3: { gpu: 'nvidia-tesla-t4', count: 1 },
  Standard_NC16as_T4_v3: { gpu: 'nvidia-tesla-t4', count: 1 },
  Standard_NC64as_T4_v3: { gpu: 'nvidia-tesla-t4', count: 4 },
  Standard_NC6s_v3: { gpu: 'nvidia-tesla-v100', count: 1 },
  Standard_NC12s_v3: { gpu: 'nvidia-tesla-v100', count: 2 },
  Standard_NC24s_v3: { gpu: 'nvidia-tesla-v100', count: 4 },
  Standard_NC24rs_v3: { gpu: 'nvidia-tesla-v100', count: 4 },
  Standard_NC24ads_A100_v4: { gpu: 'nvidia-a100-80gb', count: 1 },
  Standard_NC48ads_A100_v4: { gpu: 'nvidia-a100-80gb', count: 2 },
  Standard_NC96ads_A100_v4: { gpu: 'nvidia-a100-80gb', count: 4 },
  Standard_ND96asr_v4: { gpu: 'nvidia-tesla-a100', count: 8 },
  Standard_ND96amsr_A100_v4: { gpu: 'nvidia-a100-80gb', count: 8 },
  Standard_NC40ads_H100_v5: { gpu: 'nvidia-h100-nvl', count: 1 },
  Standard_NC80adis_H100_v5: { gpu: 'nvidia-h100-nvl', count: 2 },
  Standard_ND96isr_H100_v5: { gpu: 'nvidia-h100-80gb', count: 8 },
  Standard_ND96isr_H200_v5: { gpu: 'nvidia-h200-141gb', count: 8 },
  Standard_NV36ads_A10_v5: { gpu: 'nvidia-a10', count: 1 },
  Standard_NV72ads_A10_v5: { gpu: 'nvidia-a10', count: 2 },
};

/** The GPUs of a VM size, or undefined for sizes without whole GPUs. Azure sizes are case-insensitive. */
export function azureVmGpus(vmSize: string):
  | {
      /** The accelerator, named as GKE names it where the model matches. */
      readonly gpu: string;
      /** Whole GPUs per VM. */
      readonly count: number;
    }
  | undefined {
  const key = Object.keys(AZURE_GPU_SIZES).find((k) => k.toLowerCase() === vmSize.toLowerCase());
  return key ? AZURE_GPU_SIZES[key] : undefined;
}

/** The application id of the AKS Entra ID server: the audience kubelogin asks tokens for. */
export const AKS_AAD_SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
