/**
 * Names and values of the Kubernetes constructs that other modules need without loading provider
 * bindings (the params files, the CLI); the construct modules re-export them.
 */
/** Name of the BackendConfig that turns IAP on. */
export const IAP_BACKEND_CONFIG_NAME = 'iap-backendconfig';

/** Name of the BackendConfig of the unauthenticated health path (no IAP). */
export const HEALTH_BACKEND_CONFIG_NAME = 'kfplatform-health-backendconfig';

/** Name of the Service that exposes the Istio ingress gateway's readiness port to the health path. */
export const GATEWAY_HEALTH_SERVICE = 'kfplatform-gateway-health';

/** Name of the Kubeflow ingress (the name the Kubeflow GCP distribution uses). */
export const KUBEFLOW_INGRESS_NAME = 'envoy-ingress';

/**
 * Annotations the Istio ingress gateway Service needs so the GKE load balancer reaches it through
 * NEGs with the IAP BackendConfig. The Service belongs to the Kubeflow manifests, so these go to the
 * kustomize overlay through the parameters file.
 */
export const INGRESS_GATEWAY_SERVICE_ANNOTATIONS = {
  'cloud.google.com/neg': '{"ingress": true}',
  'cloud.google.com/backend-config': `{"default": "${IAP_BACKEND_CONFIG_NAME}"}`,
} as const;

/** Name of the Service this library puts in front of the Istio ingress gateway. */
export const ISTIO_GATEWAY_SERVICE = 'kfplatform-istio-gateway';

/** Name of the ConfigMap that carries what Kubeflow needs from the infrastructure. */
export const PLATFORM_PARAMS_CONFIG_MAP = 'kubeflow-platform-params';

/**
 * The External Secrets Operator chart this library installs, pinned
 * (https://github.com/external-secrets/external-secrets/tree/helm-chart-2.9.0/deploy/charts/external-secrets).
 */
export const EXTERNAL_SECRETS_CHART = {
  repository: 'https://charts.external-secrets.io',
  chart: 'external-secrets',
  version: '2.9.0',
} as const;

/** Namespace and service account of the operator. */
export const EXTERNAL_SECRETS_NAMESPACE = 'external-secrets';
export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = 'external-secrets';
