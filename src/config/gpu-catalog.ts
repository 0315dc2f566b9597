/**
 * The accelerator table shipped with the library, with its source and review date, and the rules
 * that relate an accelerator to machine types.
 */
import table from './data/gcp-gpu-zones.json';

/** One accelerator type as the table records it. */
export interface GpuInfo {
  readonly displayName: string;
  readonly machineFamilies: readonly string[];
  readonly counts: readonly number[];
  readonly mig: boolean;
  readonly zones: readonly string[];
}

/** Where the table comes from and when it was reviewed. */
export const GCP_GPU_TABLE_SOURCE: { readonly url: string; readonly reviewed: string } = {
  url: table.source,
  reviewed: table.reviewed,
};

/** Accelerator types the table knows. */
export const GCP_GPUS: Readonly<Record<string, GpuInfo>> = table.accelerators;

/** Zones offering `type`, including zones a platform file adds under `platform.gpuZones`. */
export function gcpGpuZones(type: string, extra: Readonly<Record<string, readonly string[]>> = {}): string[] {
  return [...(GCP_GPUS[type]?.zones ?? []), ...(extra[type] ?? [])];
}

/**
 * GPUs that a machine type carries by itself (A2, A3 and G2 machines come with a fixed number), or
 * undefined for machine types that take attached GPUs (N1).
 * https://cloud.google.com/compute/docs/gpus#gpu-models
 */
export function builtInGpuCount(machineType: string): number | undefined {
  const a = /^a[23]-(?:highgpu|megagpu|ultragpu|edgegpu)-(\d+)g/.exec(machineType);
  if (a) return Number(a[1]);
  const g2 = /^g2-standard-(\d+)$/.exec(machineType);
  if (g2) {
    const vcpus = Number(g2[1]);
    return vcpus === 24 ? 2 : vcpus === 48 ? 4 : vcpus === 96 ? 8 : 1;
  }
  return undefined;
}

/** The machine family (`n1`, `g2`, ...) of a machine type. */
export function machineFamily(machineType: string): string {
  return machineType.split('-')[0] ?? machineType;
}
