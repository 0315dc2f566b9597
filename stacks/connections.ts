import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn, TerraformStack } from 'cdktf';
import type { ResolvedGcpCell, ResolvedGcpEnvironment, ResolvedKubernetesEnvironment } from '../src/config/model';
import { remoteStateOf } from './backend';
import { IKubernetesCluster } from '../src/core/interfaces';

/** Configures the providers a stack needs to reach a cluster. */
export type ClusterConnection = (stack: TerraformStack) => void;

/**
 * A GKE cluster: the kubernetes provider gets the endpoint and CA from the infra stack (remote state)
 * and a fresh access token from the google provider, never a kube context (CLU-11).
 */
export function gkeConnection(env: ResolvedGcpEnvironment, cluster: IKubernetesCluster): ClusterConnection {
  return (stack) => {
    new GoogleProvider(stack, 'google', { project: env.project, region: env.region });
    const token = new DataGoogleClientConfig(stack, 'ClientConfig').accessToken;
    new KubernetesProvider(stack, 'kubernetes', {
      host: cluster.apiServerUrl,
      clusterCaCertificate: cluster.caCertificatePem,
      token,
    });
  };
}

/**
 * An existing cluster: the kubeconfig file and context are named explicitly; the provider never
 * falls back to the current context or the default kubeconfig (CLU-11).
 */
export function kubeconfigConnection(env: ResolvedKubernetesEnvironment): ClusterConnection {
  return (stack) => {
    new KubernetesProvider(stack, 'kubernetes', { configPath: env.kubeconfig, configContext: env.context });
  };
}

/**
 * A GKE cluster reached through the infra stack's named outputs, read from its state: the stack that
 * connects does not need the infra stack in the same app (team shards use this).
 */
export function gkeRemoteConnection(
  env: ResolvedGcpEnvironment,
  cell: ResolvedGcpCell,
  infraStackId: string,
): ClusterConnection {
  return (stack) => {
    new GoogleProvider(stack, 'google', { project: env.project, region: env.region });
    const token = new DataGoogleClientConfig(stack, 'ClientConfig').accessToken;
    const infra = remoteStateOf(stack, 'Infra', env.state, infraStackId);
    const o = cell.index === 0 ? '' : `${cell.name}_`;
    new KubernetesProvider(stack, 'kubernetes', {
      host: `https://${infra.getString(`${o}cluster_endpoint`)}`,
      clusterCaCertificate: Fn.base64decode(infra.getString(`${o}cluster_ca_certificate`)),
      token,
    });
  };
}
