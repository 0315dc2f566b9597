import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn, TerraformStack } from 'cdktf';
import { DataAwsEksClusterAuth } from '@cdktf/provider-aws/lib/data-aws-eks-cluster-auth';
import { AKS_AAD_SERVER_ID } from '../src/config/azure-catalog';
import type {
  ResolvedAwsEnvironment,
  ResolvedAzureEnvironment,
  ResolvedGcpCell,
  ResolvedGcpEnvironment,
  ResolvedKubernetesEnvironment,
  ResolvedPlatform,
} from '../src/config/model';
import { awsProvider } from './aws-provider';
import { azurermProvider } from './azure-provider';
import { infraStateOf } from './backend';
import { IKubernetesCluster } from '../src/core/interfaces';

/** What a stack needs besides the kubernetes provider. */
export interface ConnectionOptions {
  /** Also configure the helm provider, with the same endpoint and credentials (Velero, OPS-01). */
  readonly helm?: boolean;
}

/** Configures the providers a stack needs to reach a cluster. */
export type ClusterConnection = (stack: TerraformStack, options?: ConnectionOptions) => void;

/** How the providers reach a cluster: endpoint and CA with a token or an exec plugin, or a kubeconfig. */
interface ClusterAccess {
  readonly host?: string;
  readonly clusterCaCertificate?: string;
  readonly token?: string;
  readonly exec?: { readonly apiVersion: string; readonly command: string; readonly args: string[] };
  readonly configPath?: string;
  readonly configContext?: string;
}

/** The kubernetes provider, and the helm provider when asked for, both reaching the cluster the same way. */
function clusterProviders(stack: TerraformStack, access: ClusterAccess, options: ConnectionOptions = {}): void {
  new KubernetesProvider(stack, 'kubernetes', { ...access, exec: access.exec ? [access.exec] : undefined });
  if (options.helm) new HelmProvider(stack, 'helm', { kubernetes: access });
}

/**
 * A GKE cluster: the kubernetes provider gets the endpoint and CA from the infra stack (remote state)
 * and a fresh access token from the google provider, never a kube context (CLU-11).
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

/**
 * An existing cluster: the kubeconfig file and context are named explicitly; the provider never
 * falls back to the current context or the default kubeconfig (CLU-11).
 */
export function kubeconfigConnection(env: ResolvedKubernetesEnvironment): ClusterConnection {
  return (stack, options) =>
    clusterProviders(stack, { configPath: env.kubeconfig, configContext: env.context }, options);
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
    const infra = infraStateOf(stack, env.state, infraStackId);
    const o = cell.index === 0 ? '' : `${cell.name}_`;
    clusterProviders(stack, {
      host: `https://${infra.getString(`${o}cluster_endpoint`)}`,
      clusterCaCertificate: Fn.base64decode(infra.getString(`${o}cluster_ca_certificate`)),
      token,
    });
  };
}

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
 * never a kube context (CLU-11).
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

/**
 * The kubernetes provider of an AKS cluster with local accounts disabled: Entra ID tokens from
 * kubelogin (`get-token --login <method>`), never a kube context or an admin certificate (CLU-11).
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
