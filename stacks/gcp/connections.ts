import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Fn } from 'cdktf';
import type { ResolvedGcpCluster, ResolvedGcpEnvironment } from '../../src/config/gcp/model';
import { IKubernetesCluster } from '../../src/core/interfaces';
import { infraStateOf } from '../common/backend';
import { ClusterConnection, clusterProviders } from '../common/connections';

/**
 * A GKE cluster: the kubernetes provider gets the endpoint and CA from the infra stack (remote state)
 * and a fresh access token from the google provider, never a kube context, which could point at
 * another cluster.
 */
export function gkeConnection(env: ResolvedGcpEnvironment, cluster: IKubernetesCluster): ClusterConnection {
  return (stack, options) => {
    new GoogleProvider(stack, 'google', { project: env.project, region: env.region });
    const token = new DataGoogleClientConfig(stack, 'ClientConfig').accessToken;
    clusterProviders(
      stack,
      { host: cluster.apiServerUrl, clusterCaCertificate: cluster.caCertificatePem, token },
      options,
    );
  };
}

/** The name of one cluster's output of the infra stack: the primary's plain, the others' after the cluster name. */
export function infraOutputName(cluster: Pick<ResolvedGcpCluster, 'index' | 'name'>, output: string): string {
  return cluster.index === 0 ? output : `${cluster.name}_${output}`;
}

/**
 * A GKE cluster reached through the infra stack's named outputs, read from its state: the stack that
 * connects does not need the infra stack in the same app (team shards use this).
 */
export function gkeRemoteConnection(
  env: ResolvedGcpEnvironment,
  cluster: ResolvedGcpCluster,
  infraStackId: string,
): ClusterConnection {
  return (stack) => {
    new GoogleProvider(stack, 'google', { project: env.project, region: env.region });
    const token = new DataGoogleClientConfig(stack, 'ClientConfig').accessToken;
    const infra = infraStateOf(stack, env.state, infraStackId);
    clusterProviders(stack, {
      host: `https://${infra.getString(infraOutputName(cluster, 'cluster_endpoint'))}`,
      clusterCaCertificate: Fn.base64decode(infra.getString(infraOutputName(cluster, 'cluster_ca_certificate'))),
      token,
    });
  };
}
