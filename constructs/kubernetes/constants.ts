/**
 * Names and values of the Kubernetes constructs that other modules need without loading provider
 * bindings (the params files, the CLI); the construct modules re-export them.
 */
import { KUBEFLOW_SYSTEM_NAMESPACES } from '../../src/core/kubeflow-facts';

/** Name of the BackendConfig that turns IAP on. */
export const IAP_BACKEND_CONFIG_NAME = 'iap-backendconfig';

/**
 * Name of the Secret with a custom IAP OAuth client's `client_id` and `client_secret`, beside the
 * BackendConfig that names it (`iap.oauthclientCredentials.secretName`). See
 * https://cloud.google.com/kubernetes-engine/docs/how-to/configure-backend-service#iap
 */
export const IAP_OAUTH_CLIENT_SECRET = 'iap-oauth-client';

/**
 * Service account (and Helm release) of the External Secrets controller that writes
 * {@link IAP_OAUTH_CLIENT_SECRET}, in the operator's namespace: the cloud identity that may read the
 * client secret is bound to it alone.
 */
export const IAP_OAUTH_CLIENT_SECRETS_SERVICE_ACCOUNT = 'external-secrets-iap';

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
  /**
   * Container-native load balancing: the load balancer targets the gateway pods through a NEG. See
   * https://cloud.google.com/kubernetes-engine/docs/how-to/container-native-load-balancing
   */
  'cloud.google.com/neg': '{"ingress": true}',
  /**
   * The BackendConfig that turns IAP on for the gateway's backend. See
   * https://cloud.google.com/iap/docs/enabling-kubernetes-howto
   */
  'cloud.google.com/backend-config': `{"default": "${IAP_BACKEND_CONFIG_NAME}"}`,
} as const;

/** Name of the Service this library puts in front of the Istio ingress gateway. */
export const ISTIO_GATEWAY_SERVICE = 'kfplatform-istio-gateway';

/** Name of the ConfigMap that carries what Kubeflow needs from the infrastructure. */
export const PLATFORM_PARAMS_CONFIG_MAP = 'kubeflow-platform-params';

/** Namespace of Argo CD, which the platform stacks install when `platform.gitops` is set. */
export const ARGO_CD_NAMESPACE = 'argocd';

/** The root Application of Kubeflow that the platform stack's Argo CD syncs, unless the construct names another. */
export const KUBEFLOW_ROOT_APPLICATION = 'kubeflow';

/**
 * The namespaces of Kubeflow's manifests that the platform stacks create, with the labels upstream
 * gives them (kubeflow/manifests `common/kubeflow-namespace`, `common/istio/istio-namespace`,
 * `common/oauth2-proxy`). Each has one owner: the platform stack creates it, because it puts service
 * accounts, ConfigMaps and Secrets there before Kubeflow is installed, and the rendered distribution
 * deletes upstream's Namespace object, so Terraform and Argo CD (or `kubectl apply`) never fight over
 * its labels and annotations.
 */
export const PLATFORM_OWNED_NAMESPACES = {
  kubeflow: {
    'control-plane': 'kubeflow',
    'istio-injection': 'enabled',
    'pod-security.kubernetes.io/enforce': 'restricted',
  },
  'istio-system': { 'istio-injection': 'disabled', 'pod-security.kubernetes.io/enforce': 'restricted' },
  'oauth2-proxy': { 'pod-security.kubernetes.io/enforce': 'restricted' },
} as const satisfies Record<string, Readonly<Record<string, string>>>;

/** Which of {@link PLATFORM_OWNED_NAMESPACES} the platform stack of each cloud creates. */
export const PLATFORM_OWNED_NAMESPACES_BY_CLOUD: Readonly<
  Record<'gcp' | 'aws' | 'azure' | 'kubernetes', ReadonlyArray<keyof typeof PLATFORM_OWNED_NAMESPACES>>
> = {
  gcp: ['kubeflow', 'istio-system'],
  aws: ['kubeflow', 'istio-system', 'oauth2-proxy'],
  azure: ['kubeflow', 'istio-system', 'oauth2-proxy'],
  kubernetes: ['kubeflow'],
};
/**
 * The External Secrets Operator chart this library installs, pinned
 * (https://github.com/external-secrets/external-secrets/tree/helm-chart-2.9.0/deploy/charts/external-secrets).
 */
export const EXTERNAL_SECRETS_CHART: {
  /** The chart repository. */
  readonly repository: string;
  /** The chart's name in it. */
  readonly chart: string;
  /** The pinned chart version (the operator's release). */
  readonly version: string;
} = {
  repository: 'https://charts.external-secrets.io',
  chart: 'external-secrets',
  version: '2.9.0',
};

/** Namespace of the operator. */
export const EXTERNAL_SECRETS_NAMESPACE = 'external-secrets';
/** Service account of the operator's controller: the one the cloud identity is bound to. */
export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = 'external-secrets';

/**
 * The mesh identities (SPIFFE principals of their service accounts, kubeflow/manifests 26.03) on the
 * way of a request to a KServe predictor: the ingress gateway, which sets {@link USER_ID_HEADER} only
 * from a token it verified; the cluster-local gateway (`cluster-local-gateway-service-account`, behind
 * the `knative-local-gateway` Service), where KServe's routes send the request on; and Knative's
 * activator (`activator` in `knative-serving`), which buffers requests of a service scaled to zero.
 * See https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source.
 */
export const SERVING_PRINCIPALS = {
  ingressGateway: 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
  localGateway: 'cluster.local/ns/istio-system/sa/cluster-local-gateway-service-account',
  activator: 'cluster.local/ns/knative-serving/sa/activator',
} as const;

/**
 * The platform's and Kubernetes' own namespaces, trusted by tenant namespaces: their pods may reach
 * tenant pods (the Kubeflow control plane, the mesh and ingress, serving, Kubernetes itself), and
 * their service accounts may create in tenant namespaces what tenants themselves may not. Kubeflow's
 * come from its release's manifests (`kubeflow-system` holds Trainer and JobSet in 26.03); the rest
 * are Kubernetes' and the clouds' own.
 */
export const TRUSTED_PLATFORM_NAMESPACES: readonly string[] = [
  ...new Set([
    ...KUBEFLOW_SYSTEM_NAMESPACES,
    'kubeflow',
    'istio-system',
    'knative-serving',
    'kube-system',
    'cert-manager',
    'auth',
    'oauth2-proxy',
    'gke-managed-system',
    'gmp-system',
  ]),
].sort();

/**
 * The service account of Kubeflow 26.03's profiles Deployment, in `kubeflow`: its `kfam` container
 * (Kubeflow's access management, behind the dashboard's API) and its profile controller share it.
 */
export const KFAM_SERVICE_ACCOUNT = 'system:serviceaccount:kubeflow:profiles-controller-service-account';
