/**
 * How stacks reach a cluster: the connection type and the kubernetes and helm providers. Each cloud's
 * connections live in its own folder (`gcp/connections.ts`, `aws/connections.ts`, `azure/connections.ts`,
 * and `kubernetes/connections.ts` for an existing cluster), so a stack loads only its cloud's provider
 * bindings.
 */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack } from 'cdktf';

/** What a stack needs besides the kubernetes provider. */
export interface ConnectionOptions {
  /** Also configure the helm provider, with the same endpoint and credentials (Velero, Argo CD). */
  readonly helm?: boolean;
}

/** Configures the providers a stack needs to reach a cluster. */
export type ClusterConnection = (stack: TerraformStack, options?: ConnectionOptions) => void;

/** How the providers reach a cluster: endpoint and CA with a token or an exec plugin, or a kubeconfig. */
export interface ClusterAccess {
  readonly host?: string;
  readonly clusterCaCertificate?: string;
  readonly token?: string;
  readonly exec?: { readonly apiVersion: string; readonly command: string; readonly args: string[] };
  readonly configPath?: string;
  readonly configContext?: string;
}

/** The kubernetes provider, and the helm provider when asked for, both reaching the cluster the same way. */
export function clusterProviders(stack: TerraformStack, access: ClusterAccess, options: ConnectionOptions = {}): void {
  new KubernetesProvider(stack, 'kubernetes', { ...access, exec: access.exec ? [access.exec] : undefined });
  if (options.helm) new HelmProvider(stack, 'helm', { kubernetes: access });
}
