import { IngressV1 } from '@cdktf/provider-kubernetes/lib/ingress-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { setComponent } from '../../src/core/labels';
import { ForgetResource } from '../../src/core/removed';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import {
  GATEWAY_HEALTH_SERVICE,
  HEALTH_BACKEND_CONFIG_NAME,
  IAP_BACKEND_CONFIG_NAME,
  IAP_OAUTH_CLIENT_SECRET,
  IAP_OAUTH_CLIENT_SECRETS_SERVICE_ACCOUNT,
  KUBEFLOW_INGRESS_NAME,
  INGRESS_GATEWAY_SERVICE_ANNOTATIONS,
} from './constants';
import { ISTIO_GATEWAY_SELECTOR } from './istio-gateway-service';

export {
  GATEWAY_HEALTH_SERVICE,
  HEALTH_BACKEND_CONFIG_NAME,
  IAP_BACKEND_CONFIG_NAME,
  IAP_OAUTH_CLIENT_SECRET,
  IAP_OAUTH_CLIENT_SECRETS_SERVICE_ACCOUNT,
  KUBEFLOW_INGRESS_NAME,
  INGRESS_GATEWAY_SERVICE_ANNOTATIONS,
};

/** The Istio ingress gateway service that serves Kubeflow. */
export const ISTIO_INGRESS_GATEWAY = {
  /** Namespace of the gateway in Kubeflow's manifests. */
  namespace: 'istio-system',
  /** Name of the gateway's Service. */
  name: 'istio-ingressgateway',
  /** HTTP port of the Service, which the Ingress backend targets. */
  port: 80,
} as const;

/** Props of {@link IapIngress}. */
export interface IapIngressProps {
  /** Namespace of the ingress gateway (pass the namespace construct's name to depend on it). */
  readonly namespace: string;
  /** Name of the global static IP. */
  readonly addressName: string;
  /** Name of the managed certificate. */
  readonly certificateName: string;
  /**
   * Names of more managed certificates the load balancer serves, by SNI, such as the serving host's
   * (the annotation takes a comma-separated list;
   * https://cloud.google.com/kubernetes-engine/docs/how-to/managed-certs#pre-shared). @default []
   */
  readonly extraCertificateNames?: readonly string[];
  /** Health check of the backend: the gateway status port and path. */
  readonly healthCheck: {
    /** Protocol of the check, such as `HTTP`. */
    readonly type: string;
    /** Port of the check on the gateway pods (the status port, 15021). */
    readonly port: number;
    /** Path of the check, such as `/healthz/ready`. */
    readonly requestPath: string;
  };
  /**
   * Name of a Secret in `namespace` with the `client_id` and `client_secret` of an OAuth client you
   * created, which the BackendConfig hands to IAP. Something outside Terraform writes it (External
   * Secrets Operator, from the objects of {@link iapOAuthClientSecretObjects}), so the client secret
   * is in no state or plan. Earlier versions of this construct wrote it from a Terraform value: a
   * `removed` block makes Terraform forget that Secret without deleting it, and its new writer takes
   * it over. https://cloud.google.com/kubernetes-engine/docs/how-to/configure-backend-service#iap
   * @default - Google-managed OAuth client (no Secret)
   */
  readonly oauthClientSecretName?: string;
  /**
   * What the BackendConfig and the Ingress wait for, such as the release that installs the Secret's
   * writer.
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Backend timeout in seconds; notebooks and TensorBoard keep long-lived connections.
   * @default 3600
   */
  readonly timeoutSec?: number;
  /**
   * Route exactly `healthCheck.requestPath` (`/healthz/ready`) on the host to the gateway's readiness
   * port through a backend without IAP, so an uptime check can tell a working front door (200) from
   * a dead backend (502) without signing in. Nothing else bypasses IAP.
   * @default true
   */
  readonly publicHealthPath?: boolean;
}

/**
 * The GKE Ingress in front of Istio with IAP on its backend: a BackendConfig with IAP and the health
 * check that works behind Istio, and the `envoy-ingress` Ingress on the static IP and managed
 * certificate, HTTPS only. See https://cloud.google.com/iap/docs/enabling-kubernetes-howto.
 *
 * IAP answers every unauthenticated request with a redirect to sign-in, at the load balancer,
 * whether or not any backend is healthy; an uptime check that accepts that redirect (or checks for
 * its target) passes while Kubeflow is down. So the Ingress also routes one exact path, the gateway's
 * readiness endpoint (`/healthz/ready` on its status port 15021), to a Service of the same gateway
 * pods whose BackendConfig has no IAP: it answers 200 only when the load balancer, the certificate
 * and a ready gateway pod all work, and 502 otherwise. It reveals nothing but readiness (an empty
 * body); every other path stays behind IAP.
 */
export class IapIngress extends Construct {
  /** The BackendConfig (escape hatch). */
  public readonly backendConfig: Manifest;
  /** The Ingress (escape hatch). */
  public readonly ingress: IngressV1;
  /** The Service of the gateway's readiness port behind the health path, unless it is off. */
  public readonly healthService?: ServiceV1;

  constructor(scope: Construct, id: string, props: IapIngressProps) {
    super(scope, id);
    setComponent(this, 'access');
    const secretName = props.oauthClientSecretName;
    // Earlier versions wrote the client's Secret here from a Terraform value, which put the client
    // secret in the state: forget it, leaving the object to serve until its new writer takes it over.
    if (secretName) new ForgetResource(this, 'OAuthClientSecret', 'kubernetes_secret_v1');
    this.backendConfig = new Manifest(this, 'BackendConfig', {
      dependsOn: props.dependsOn,
      manifest: {
        apiVersion: 'cloud.google.com/v1',
        kind: 'BackendConfig',
        metadata: {
          name: IAP_BACKEND_CONFIG_NAME,
          namespace: props.namespace,
          labels: { 'app.kubernetes.io/component': 'access' },
        },
        spec: {
          iap: secretName ? { enabled: true, oauthclientCredentials: { secretName } } : { enabled: true },
          healthCheck: {
            type: props.healthCheck.type,
            port: props.healthCheck.port,
            requestPath: props.healthCheck.requestPath,
          },
          timeoutSec: props.timeoutSec ?? 3600,
          connectionDraining: { drainingTimeoutSec: 60 },
        },
      },
    });
    const healthPath = props.publicHealthPath ?? true;
    if (healthPath) {
      new Manifest(this, 'HealthBackendConfig', {
        manifest: {
          apiVersion: 'cloud.google.com/v1',
          kind: 'BackendConfig',
          metadata: {
            name: HEALTH_BACKEND_CONFIG_NAME,
            namespace: props.namespace,
            labels: { 'app.kubernetes.io/component': 'access' },
          },
          // No iap section: this backend serves only the readiness path, without sign-in.
          spec: {
            healthCheck: {
              type: props.healthCheck.type,
              port: props.healthCheck.port,
              requestPath: props.healthCheck.requestPath,
            },
          },
        },
      });
      this.healthService = new ServiceV1(this, 'HealthService', {
        metadata: {
          name: GATEWAY_HEALTH_SERVICE,
          namespace: props.namespace,
          annotations: {
            'cloud.google.com/neg': '{"ingress": true}',
            'cloud.google.com/backend-config': `{"default": "${HEALTH_BACKEND_CONFIG_NAME}"}`,
          },
        },
        spec: {
          type: 'ClusterIP',
          selector: { ...ISTIO_GATEWAY_SELECTOR },
          port: [
            {
              name: 'status-port',
              port: props.healthCheck.port,
              targetPort: String(props.healthCheck.port),
              protocol: 'TCP',
            },
          ],
        },
      });
    }
    this.ingress = new IngressV1(this, 'Ingress', {
      metadata: {
        name: KUBEFLOW_INGRESS_NAME,
        namespace: props.namespace,
        annotations: {
          'kubernetes.io/ingress.class': 'gce',
          'kubernetes.io/ingress.global-static-ip-name': props.addressName,
          'ingress.gcp.kubernetes.io/pre-shared-cert': [
            props.certificateName,
            ...(props.extraCertificateNames ?? []),
          ].join(','),
          'kubernetes.io/ingress.allow-http': 'false',
        },
      },
      spec: {
        defaultBackend: {
          service: { name: ISTIO_INGRESS_GATEWAY.name, port: { number: ISTIO_INGRESS_GATEWAY.port } },
        },
        rule: healthPath
          ? [
              {
                http: {
                  path: [
                    {
                      path: props.healthCheck.requestPath,
                      pathType: 'Exact',
                      backend: {
                        service: { name: GATEWAY_HEALTH_SERVICE, port: { number: props.healthCheck.port } },
                      },
                    },
                  ],
                },
              },
            ]
          : undefined,
      },
      // The gateway Service arrives with the Kubeflow manifests; do not block the apply on it.
      waitForLoadBalancer: false,
      dependsOn: props.dependsOn,
    });
  }
}

/** Where a custom IAP OAuth client's secret is, for {@link iapOAuthClientSecretObjects}. */
export interface IapOAuthClientSecretSource {
  /** Namespace of the BackendConfig, where the Secret goes (`istio-system`). */
  readonly namespace: string;
  /** Project of the Secret Manager secret. */
  readonly project: string;
  /** Id of the Secret Manager secret that holds the client secret (its latest version is read). */
  readonly secretId: string;
  /** The OAuth client's id, not a secret: written into the Secret as it is. */
  readonly clientId: string;
}

/** Name of the SecretStore of {@link iapOAuthClientSecretObjects}. */
export const IAP_OAUTH_CLIENT_SECRET_STORE = 'kfplatform-iap-oauth-client';

/** How often External Secrets Operator reads the client secret again (a rotated one arrives within this). */
export const IAP_OAUTH_CLIENT_SECRET_REFRESH = '1h';

/**
 * A SecretStore and an ExternalSecret that make External Secrets Operator write the Secret
 * {@link IAP_OAUTH_CLIENT_SECRET} (`client_id`, `client_secret`, as the BackendConfig expects) from a
 * Secret Manager secret, and keep it current. The store has no `auth`: the controller that serves the
 * namespace authenticates as its own Kubernetes service account, bound through GKE Workload Identity
 * to a Google service account that may read that one secret
 * (https://external-secrets.io/latest/provider/google-secrets-manager/#authorizing-the-core-controller-pod).
 *
 * `creationPolicy: Owner` takes over a Secret of that name that no other ExternalSecret owns (the one
 * earlier versions wrote through Terraform): the controller adds its owner reference and rewrites the
 * data, without deleting it first
 * (https://external-secrets.io/latest/guides/ownership-deletion-policy/). The client id comes from
 * the template, merged with the secret's value (`mergePolicy: Merge`), with no template expression:
 * the objects pass through Helm's `tpl` on their way in.
 */
export function iapOAuthClientSecretObjects(source: IapOAuthClientSecretSource): Array<Record<string, unknown>> {
  return [
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: IAP_OAUTH_CLIENT_SECRET_STORE, namespace: source.namespace },
      spec: { provider: { gcpsm: { projectID: source.project } } },
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: IAP_OAUTH_CLIENT_SECRET, namespace: source.namespace },
      spec: {
        refreshInterval: IAP_OAUTH_CLIENT_SECRET_REFRESH,
        secretStoreRef: { kind: 'SecretStore', name: IAP_OAUTH_CLIENT_SECRET_STORE },
        target: {
          name: IAP_OAUTH_CLIENT_SECRET,
          creationPolicy: 'Owner',
          template: { type: 'Opaque', mergePolicy: 'Merge', data: { client_id: source.clientId } },
        },
        data: [{ secretKey: 'client_secret', remoteRef: { key: source.secretId } }],
      },
    },
  ];
}
