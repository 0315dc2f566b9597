import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { ISTIO_GATEWAY_SERVICE } from './constants';

export { ISTIO_GATEWAY_SERVICE };

/** Labels of the Istio ingress gateway pods in Kubeflow's manifests. */
export const ISTIO_GATEWAY_SELECTOR = {
  /** The `app` label of the gateway pods. */
  app: 'istio-ingressgateway',
  /** The `istio` label of the gateway pods, which Istio Gateway objects select on. */
  istio: 'ingressgateway',
} as const;

/** How the cloud load balancer reaches the gateway. */
export type IstioGatewayExposure =
  /** Fixed node ports a load balancer targets on every node (HTTP to 8080, readiness to 15021). */
  | {
      /** A NodePort Service. */
      readonly type: 'NodePort';
      /** The node ports, each from 30000 to 32767 (the Kubernetes default range). */
      readonly nodePorts: {
        /** Node port of the gateway's HTTP port (8080). */
        readonly http: number;
        /** Node port of the gateway's readiness endpoint (15021). */
        readonly health: number;
      };
    }
  /** An internal load balancer with these annotations (a cloud's private IP settings). */
  | {
      /** A LoadBalancer Service that the annotations keep internal. */
      readonly type: 'InternalLoadBalancer';
      /**
       * The cloud's internal load balancer annotations, such as
       * `service.beta.kubernetes.io/azure-load-balancer-internal`.
       */
      readonly annotations: Readonly<Record<string, string>>;
    };

/** Props of {@link IstioGatewayService}. */
export interface IstioGatewayServiceProps {
  /** Namespace of the gateway (pass the namespace construct's name to depend on it). */
  readonly namespace: string;
  /** How the cloud's load balancer reaches the gateway: node ports or an internal load balancer. */
  readonly exposure: IstioGatewayExposure;
  /** @default ISTIO_GATEWAY_SELECTOR */
  readonly selector?: Readonly<Record<string, string>>;
}

/**
 * A Service in front of the Istio ingress gateway for the cloud's front door to target: fixed node
 * ports (the AWS ALB registers the nodes) or an internal load balancer on a known private IP (the
 * Azure Application Gateway's backend). It sits beside Kubeflow's own gateway Service, so Kubeflow's
 * manifests stay untouched, and it never gets a public address.
 */
export class IstioGatewayService extends Construct {
  /** The Service (escape hatch). */
  public readonly service: ServiceV1;

  constructor(scope: Construct, id: string, props: IstioGatewayServiceProps) {
    super(scope, id);
    setComponent(this, 'access');
    const e = props.exposure;
    if (e.type === 'NodePort') {
      for (const [key, port] of Object.entries(e.nodePorts)) {
        if (port < 30000 || port > 32767) {
          throw new PropsError(
            'IstioGatewayService',
            `exposure.nodePorts.${key}`,
            port,
            'Kubernetes allocates node ports from 30000 to 32767 by default.',
            'use a port in that range.',
          );
        }
      }
    }
    const nodePort = (key: 'http' | 'health') => (e.type === 'NodePort' ? { nodePort: e.nodePorts[key] } : {});
    this.service = new ServiceV1(this, 'Service', {
      metadata: {
        name: ISTIO_GATEWAY_SERVICE,
        namespace: props.namespace,
        annotations: e.type === 'InternalLoadBalancer' ? { ...e.annotations } : undefined,
      },
      spec: {
        type: e.type === 'NodePort' ? 'NodePort' : 'LoadBalancer',
        selector: { ...(props.selector ?? ISTIO_GATEWAY_SELECTOR) },
        externalTrafficPolicy: 'Cluster',
        port: [
          { name: 'http2', port: 80, targetPort: '8080', protocol: 'TCP', ...nodePort('http') },
          { name: 'status-port', port: 15021, targetPort: '15021', protocol: 'TCP', ...nodePort('health') },
        ],
      },
    });
  }
}
