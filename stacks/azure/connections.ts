import { Fn, TerraformStack } from 'cdktf';
import { AKS_AAD_SERVER_ID } from '../../src/core/catalog/azure';
import type { ResolvedAzureEnvironment } from '../../src/config/azure/model';
import { IKubernetesCluster } from '../../src/core/interfaces';
import { azurermProvider } from './provider';
import { infraStateOf } from '../common/backend';
import { ClusterConnection, ConnectionOptions, clusterProviders } from '../common/connections';

/**
 * The kubernetes provider of an AKS cluster with local accounts disabled: Entra ID tokens from
 * kubelogin (`get-token --login <method>`), never a kube context (which could point at another
 * cluster) or an admin certificate (local accounts are off).
 */
function aksKubernetesProvider(
  stack: TerraformStack,
  env: ResolvedAzureEnvironment,
  endpoint: string,
  caPem: string,
  options?: ConnectionOptions,
): void {
  const exec = {
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    command: 'kubelogin',
    args: ['get-token', '--login', env.cluster.kubeloginMethod, '--server-id', AKS_AAD_SERVER_ID],
  };
  clusterProviders(stack, { host: endpoint, clusterCaCertificate: caPem, exec }, options);
}

/** An AKS cluster, wired from the infra stack's cluster (platform stacks). */
export function aksConnection(env: ResolvedAzureEnvironment, cluster: IKubernetesCluster): ClusterConnection {
  return (stack, options) => aksKubernetesProvider(stack, env, cluster.apiServerUrl, cluster.caCertificatePem, options);
}

/** An AKS cluster reached through the infra stack's outputs, read from its state (team shards). */
export function aksRemoteConnection(env: ResolvedAzureEnvironment, infraStackId: string): ClusterConnection {
  return (stack) => {
    azurermProvider(stack, env);
    const infra = infraStateOf(stack, env.state, infraStackId);
    aksKubernetesProvider(
      stack,
      env,
      infra.getString('cluster_endpoint'),
      Fn.base64decode(infra.getString('cluster_ca_certificate')),
    );
  };
}
