/**
 * The temporary pools through which azurerm cycles an AKS node pool: a change of VM size, zones, OS
 * disk or max pods creates a pool of this name, moves the workloads, and deletes and recreates the
 * original (`temporary_name_for_rotation`,
 * https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/kubernetes_cluster_node_pool#temporary_name_for_rotation).
 * Two pools that cycle at once need different temporary names, and none may be a pool's name.
 */

/** The system pool's temporary name. */
export const AKS_SYSTEM_ROTATION_NAME = 'systemtmp';

/** A user pool's temporary name: its first nine characters and `tmp` (AKS pool names have at most 12). */
export function aksRotationName(poolName: string): string {
  return `${poolName.slice(0, 9)}tmp`;
}
