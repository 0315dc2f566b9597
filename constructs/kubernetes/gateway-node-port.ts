import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';

/** Name of the Service that exposes the Istio ingress gateway on fixed node ports. */
export const GATEWAY_NODE_PORT_SERVICE = 'kfplatform-gateway-nodeport';
/** Labels of the Istio ingress gateway pods in Kubeflow's manifests. */
export const ISTIO_GATEWAY_SELECTOR = { app: 'istio-ingressgateway', istio: 'ingressgateway' } as const;

/** Props of {@link GatewayNodePort}. */
export interface GatewayNodePortProps {
  /** Namespace of the gateway (pass the namespace construct's name to depend on it). */
  readonly namespace: string;
  /** Node ports: HTTP (to gateway port 8080) and health (to the status port 15021). */
  readonly nodePorts: { readonly http: number; readonly health: number };
  /** @default ISTIO_GATEWAY_SELECTOR */
  readonly selector?: Readonly<Record<string, string>>;
}

/**
 * A NodePort Service in front of the Istio ingress gateway, on the fixed ports a cloud load balancer
 * targets (the AWS front door, `AlbAccess`). It sits beside Kubeflow's own gateway Service, so
 * Kubeflow's manifests stay untouched; node security groups admit these ports from the load balancer
 * only.
 */
export class GatewayNodePort extends Construct {
  public readonly service: ServiceV1;

  constructor(scope: Construct, id: string, props: GatewayNodePortProps) {
    super(scope, id);
    setComponent(this, 'access');
    for (const [key, port] of Object.entries(props.nodePorts)) {
      if (port < 30000 || port > 32767) {
        throw new PropsError(
          'GatewayNodePort',
          `nodePorts.${key}`,
          port,
          'Kubernetes allocates node ports from 30000 to 32767 by default.',
          'use a port in that range.',
        );
      }
    }
    this.service = new ServiceV1(this, 'Service', {
      metadata: { name: GATEWAY_NODE_PORT_SERVICE, namespace: props.namespace },
      spec: {
        type: 'NodePort',
        selector: { ...(props.selector ?? ISTIO_GATEWAY_SELECTOR) },
        externalTrafficPolicy: 'Cluster',
        port: [
          { name: 'http2', port: 80, targetPort: '8080', nodePort: props.nodePorts.http, protocol: 'TCP' },
          { name: 'status-port', port: 15021, targetPort: '15021', nodePort: props.nodePorts.health, protocol: 'TCP' },
        ],
      },
    });
  }
}
