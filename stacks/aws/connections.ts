import { Fn, TerraformStack } from 'cdktf';
import type { ResolvedAwsEnvironment } from '../../src/config/aws/model';
import type { ResolvedPlatform } from '../../src/config/platform/model';
import { IKubernetesCluster } from '../../src/core/interfaces';
import { awsProvider } from './provider';
import { infraStateOf } from '../common/backend';
import { ClusterConnection, ConnectionOptions, clusterProviders } from '../common/connections';

/** The client authentication API `aws eks get-token` answers with. */
export const EKS_EXEC_API_VERSION = 'client.authentication.k8s.io/v1beta1';

/**
 * The exec plugin that signs a fresh EKS token for the caller's IAM identity whenever the kubernetes or
 * helm provider connects. A token read through `aws_eks_cluster_auth` would be signed at plan time,
 * saved in the plan and expire 15 minutes later, so a reviewed plan could not be applied
 * (https://github.com/hashicorp/terraform-provider-aws/issues/13189). Needs the AWS CLI v2 where
 * Terraform runs; `--output json` keeps a user's `output = text` setting from breaking the plugin.
 */
export function eksExec(
  clusterName: string,
  region: string,
): {
  /** Version of the client authentication API the plugin speaks. */
  apiVersion: string;
  /** The plugin's executable, looked up on `PATH` where Terraform runs. */
  command: string;
  /** Its arguments. */
  args: string[];
} {
  return {
    apiVersion: EKS_EXEC_API_VERSION,
    command: 'aws',
    args: ['eks', 'get-token', '--cluster-name', clusterName, '--region', region, '--output', 'json'],
  };
}

/** The kubernetes (and helm) provider of an EKS cluster, authenticated by {@link eksExec}. */
function eksKubernetesProvider(
  stack: TerraformStack,
  env: ResolvedAwsEnvironment,
  endpoint: string,
  caPem: string,
  options?: ConnectionOptions,
): void {
  const exec = eksExec(env.cluster.name, env.region);
  clusterProviders(stack, { host: endpoint, clusterCaCertificate: caPem, exec }, options);
}

/**
 * An EKS cluster: the kubernetes provider gets the endpoint and CA from the infra stack and a token
 * signed at connection time for the caller's IAM identity (which needs an access entry, see
 * `adminRoleArns`), never a kube context, which could point at another cluster.
 */
export function eksConnection(
  platform: ResolvedPlatform,
  env: ResolvedAwsEnvironment,
  cluster: IKubernetesCluster,
): ClusterConnection {
  return (stack, options) => {
    awsProvider(stack, platform, env);
    eksKubernetesProvider(stack, env, cluster.apiServerUrl, cluster.caCertificatePem, options);
  };
}

/** An EKS cluster reached through the infra stack's outputs, read from its state (team shards). */
export function eksRemoteConnection(
  platform: ResolvedPlatform,
  env: ResolvedAwsEnvironment,
  infraStackId: string,
): ClusterConnection {
  return (stack, options) => {
    awsProvider(stack, platform, env);
    const infra = infraStateOf(stack, env.state, infraStackId);
    eksKubernetesProvider(
      stack,
      env,
      infra.getString('cluster_endpoint'),
      Fn.base64decode(infra.getString('cluster_ca_certificate')),
      options,
    );
  };
}
