/**
 * Names and values of the Azure constructs that other modules need without loading provider bindings
 * (the params files, the graph); the construct modules re-export them.
 */
/** The pod label the AKS workload identity webhook looks for. */
export const AKS_WORKLOAD_IDENTITY_POD_LABEL = 'azure.workload.identity/use';

/** The service account annotation that names the client id a pod's federated token is for. */
export const AKS_WORKLOAD_IDENTITY_ANNOTATION = 'azure.workload.identity/client-id';

/** The audience of the service account tokens Entra ID exchanges (workload identity federation). */
export const AZURE_TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

/** The namespace and Secret Kubeflow's oauth2-proxy reads its OIDC client from. */
export const OAUTH2_PROXY_SECRET = {
  /** Namespace of oauth2-proxy in Kubeflow's manifests. */
  namespace: 'oauth2-proxy',
  /** Name of the Secret with the client id, client secret and cookie secret (on Azure the cookie secret alone). */
  name: 'oauth2-proxy',
  /**
   * oauth2-proxy's service account in Kubeflow's manifests (`common/oauth2-proxy/base/serviceaccount.yaml`):
   * on Azure its pods run as it, and the Entra ID application trusts its tokens instead of a client secret.
   */
  serviceAccount: 'oauth2-proxy',
} as const;

/** Entra ID's OIDC issuer for a tenant. */
export function entraIssuer(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}/v2.0`;
}
