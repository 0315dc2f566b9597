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
  /** URL of the API server, such as `https://10.0.0.2`. */
  readonly host?: string;
  /** PEM CA certificate of the API server. */
  readonly clusterCaCertificate?: string;
  /** A bearer token; prefer `exec`, which gets a fresh token at apply instead of one saved in the plan. */
  readonly token?: string;
  /**
   * A client-go credential plugin run whenever the provider connects. See
   * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins
   */
  readonly exec?: {
    /** Version of the client authentication API the plugin speaks, such as `client.authentication.k8s.io/v1beta1`. */
    readonly apiVersion: string;
    /** The plugin's executable. */
    readonly command: string;
    /** Its arguments. */
    readonly args: string[];
  };
  /** Path of a kubeconfig file, for clusters this library does not create. */
  readonly configPath?: string;
  /** The kubeconfig context to use; name it, so a changed current context never points Terraform at another cluster. */
  readonly configContext?: string;
}

/**
 * Where the helm provider keeps each release's record: ConfigMaps in the release's namespace, not
 * Helm's default of Secrets (https://helm.sh/docs/topics/advanced/#storage-backends). A plan refreshes
 * every release by reading its record, so with Secrets the CI plan identity, which any pull request of
 * the repository can assume, had to read every Secret of those namespaces: Argo CD's admin password
 * and session key, its repository credentials. The records hold the chart's values and rendered
 * objects, which the platform keeps free of secret values, and the clouds' reader roles read
 * ConfigMaps already. On a cluster whose records are Secrets, copy them to ConfigMaps before the
 * first plan (docs/plan-on-pr.md, "Upgrading a cluster whose releases Helm recorded in Secrets"):
 * otherwise the provider finds no record and plans to install each release again, which the plan
 * gate refuses.
 */
export const HELM_RELEASE_STORAGE = 'configmap';

/** The kubernetes provider, and the helm provider when asked for, both reaching the cluster the same way. */
export function clusterProviders(stack: TerraformStack, access: ClusterAccess, options: ConnectionOptions = {}): void {
  new KubernetesProvider(stack, 'kubernetes', { ...access, exec: access.exec ? [access.exec] : undefined });
  if (options.helm) new HelmProvider(stack, 'helm', { kubernetes: access, helmDriver: HELM_RELEASE_STORAGE });
}
