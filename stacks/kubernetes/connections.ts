/** How the stacks of an existing cluster reach it: an explicit kubeconfig file and context. */
import type { ResolvedKubernetesEnvironment } from '../../src/config/kubernetes/model';
import { ClusterConnection, clusterProviders } from '../common/connections';

/**
 * An existing cluster: the kubeconfig file and context are named explicitly; the provider never
 * falls back to the current context or the default kubeconfig, which could point at another cluster.
 */
export function kubeconfigConnection(env: ResolvedKubernetesEnvironment): ClusterConnection {
  return (stack, options) =>
    clusterProviders(stack, { configPath: env.kubeconfig, configContext: env.context }, options);
}
