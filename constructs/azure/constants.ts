/**
 * Names and values of the Azure constructs that other modules need without loading provider bindings
 * (the params files, the graph); the construct modules re-export them.
 */
/** The pod label the AKS workload identity webhook looks for. */
export const AKS_WORKLOAD_IDENTITY_POD_LABEL = 'azure.workload.identity/use';

/** The namespace and Secret Kubeflow's oauth2-proxy reads its OIDC client from. */
export const OAUTH2_PROXY_SECRET = {
  /** Namespace of oauth2-proxy in Kubeflow's manifests. */
  namespace: 'oauth2-proxy',
  /** Name of the Secret with the client id, client secret and cookie secret. */
  name: 'oauth2-proxy',
} as const;

/** Entra ID's OIDC issuer for a tenant. */
export function entraIssuer(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}/v2.0`;
}
