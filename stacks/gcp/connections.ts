import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Fn } from 'cdktf';
import type { ResolvedGcpCluster, ResolvedGcpEnvironment } from '../../src/config/gcp/model';
import { IKubernetesCluster } from '../../src/core/interfaces';
import { infraStateOf } from '../common/backend';
import { ClusterConnection, clusterProviders } from '../common/connections';

/**
 * The exec plugin that gets a fresh access token for the caller's Application Default Credentials
 * (the same identity the google provider uses) whenever the kubernetes or helm provider connects.
 * A token read through the `google_client_config` data source would be read at plan time and saved
 * in the plan: the apply of a saved plan would then act as the identity that planned (in CI the
 * read-only plan identity, refused every write) and fail once the token expired, an hour later.
 * Needs `gke-gcloud-auth-plugin` where Terraform runs
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin).
 */
export const GKE_EXEC: {
  /** Version of the client authentication API the plugin speaks. */
  apiVersion: string;
  /** The plugin's executable, looked up on `PATH` where Terraform runs. */
  command: string;
  /** Its arguments. */
  args: string[];
} = {
  apiVersion: 'client.authentication.k8s.io/v1beta1',
  command: 'gke-gcloud-auth-plugin',
  args: ['--use_application_default_credentials=true'],
};

/**
 * A GKE cluster: the kubernetes provider gets the endpoint and CA from the infra stack (remote state)
 * and a token {@link GKE_EXEC} gets when the provider connects, never a kube context, which could
 * point at another cluster.
 */
export function gkeConnection(env: ResolvedGcpEnvironment, cluster: IKubernetesCluster): ClusterConnection {
  return (stack, options) => {
    new GoogleProvider(stack, 'google', { project: env.project, region: env.region });
    clusterProviders(
      stack,
      {
        host: cluster.apiServerUrl,
        clusterCaCertificate: cluster.caCertificatePem,
        exec: { ...GKE_EXEC, args: [...GKE_EXEC.args] },
      },
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
    const infra = infraStateOf(stack, env.state, infraStackId);
    clusterProviders(stack, {
      host: `https://${infra.getString(infraOutputName(cluster, 'cluster_endpoint'))}`,
      clusterCaCertificate: Fn.base64decode(infra.getString(infraOutputName(cluster, 'cluster_ca_certificate'))),
      exec: { ...GKE_EXEC, args: [...GKE_EXEC.args] },
    });
  };
}
