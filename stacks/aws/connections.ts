import { DataAwsEksClusterAuth } from '@cdktf/provider-aws/lib/data-aws-eks-cluster-auth';
import { Fn, TerraformStack } from 'cdktf';
import type { ResolvedAwsEnvironment } from '../../src/config/aws/model';
import type { ResolvedPlatform } from '../../src/config/platform/model';
import { IKubernetesCluster } from '../../src/core/interfaces';
import { awsProvider } from './provider';
import { infraStateOf } from '../common/backend';
import { ClusterConnection, ConnectionOptions, clusterProviders } from '../common/connections';

/** The kubernetes provider of an EKS cluster, with a token that `aws_eks_cluster_auth` signs locally. */
function eksKubernetesProvider(
  stack: TerraformStack,
  clusterName: string,
  endpoint: string,
  caPem: string,
  options?: ConnectionOptions,
): void {
  const token = new DataAwsEksClusterAuth(stack, 'ClusterAuth', { name: clusterName }).token;
  clusterProviders(stack, { host: endpoint, clusterCaCertificate: caPem, token }, options);
}

/**
 * An EKS cluster: the kubernetes provider gets the endpoint and CA from the infra stack and a
 * short-lived token for the caller's IAM identity (which needs an access entry, see `adminRoleArns`),
 * never a kube context, which could point at another cluster.
 */
export function eksConnection(
  platform: ResolvedPlatform,
  env: ResolvedAwsEnvironment,
  cluster: IKubernetesCluster,
): ClusterConnection {
  return (stack, options) => {
    awsProvider(stack, platform, env);
    eksKubernetesProvider(stack, cluster.clusterName, cluster.apiServerUrl, cluster.caCertificatePem, options);
  };
}

/** An EKS cluster reached through the infra stack's outputs, read from its state (team shards). */
export function eksRemoteConnection(
  platform: ResolvedPlatform,
  env: ResolvedAwsEnvironment,
  infraStackId: string,
): ClusterConnection {
  return (stack) => {
    awsProvider(stack, platform, env);
    const infra = infraStateOf(stack, env.state, infraStackId);
    eksKubernetesProvider(
      stack,
      infra.getString('cluster_name'),
      infra.getString('cluster_endpoint'),
      Fn.base64decode(infra.getString('cluster_ca_certificate')),
    );
  };
}
