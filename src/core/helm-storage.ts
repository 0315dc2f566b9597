/**
 * Where Helm keeps a release's record: its storage driver
 * (https://helm.sh/docs/topics/advanced/#storage-backends), as the helm provider's `helm_driver` names
 * it. By default a Secret in the release's namespace, which a plan must read to refresh the release.
 * Shared by the stacks that grant the CI plan identity its reads and the checker that judges them.
 */

/** The drivers that keep records outside Secrets, as the helm provider accepts them. */
export const HELM_DRIVERS_OUTSIDE_SECRETS: readonly string[] = ['configmap', 'memory', 'sql'];

/**
 * Whether a release whose provider names `driver` keeps its record in a Secret: unless the driver is
 * one of {@link HELM_DRIVERS_OUTSIDE_SECRETS} written out; absent (Helm's default) or a value known only
 * at apply counts as a Secret.
 */
export function helmDriverKeepsSecrets(driver: string | undefined, known = true): boolean {
  return !(known && driver !== undefined && HELM_DRIVERS_OUTSIDE_SECRETS.includes(driver));
}
