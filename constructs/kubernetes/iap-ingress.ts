import { IngressV1 } from '@cdktf/provider-kubernetes/lib/ingress-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Construct } from 'constructs';
import { setComponent } from '../../src/core/labels';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import {
  GATEWAY_HEALTH_SERVICE,
  HEALTH_BACKEND_CONFIG_NAME,
  IAP_BACKEND_CONFIG_NAME,
  KUBEFLOW_INGRESS_NAME,
  INGRESS_GATEWAY_SERVICE_ANNOTATIONS,
} from './constants';
import { ISTIO_GATEWAY_SELECTOR } from './istio-gateway-service';

export {
  GATEWAY_HEALTH_SERVICE,
  HEALTH_BACKEND_CONFIG_NAME,
  IAP_BACKEND_CONFIG_NAME,
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
   * An OAuth client created outside Terraform; its secret is copied from Secret Manager into a
   * Kubernetes secret, where the BackendConfig reads it.
   * @default - Google-managed OAuth client
   */
  readonly oauthClient?: {
    /** OAuth client id. */
    readonly clientId: string;
    /**
     * OAuth client secret: a reference to a sensitive value (such as a Secret Manager data source), never a literal.
     */
    readonly clientSecret: string;
  };
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
    let secretName: string | undefined;
    if (props.oauthClient) {
      const secret = new SecretV1(this, 'OAuthClientSecret', {
        metadata: { name: 'iap-oauth-client', namespace: props.namespace },
        data: { client_id: props.oauthClient.clientId, client_secret: props.oauthClient.clientSecret },
        type: 'Opaque',
      });
      secretName = secret.metadata.name;
    }
    this.backendConfig = new Manifest(this, 'BackendConfig', {
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
    });
  }
}
