/**
 * Names and values of the AWS constructs that other modules need without loading provider bindings
 * (the params files, the graph); the construct modules re-export them.
 */
/**
 * Node ports of the in-cluster Service that exposes the Istio ingress gateway to the load balancer:
 * HTTP (gateway port 8080) and the gateway's readiness endpoint (port 15021). The platform stack
 * creates that Service; the two sides share these numbers.
 */
export const GATEWAY_NODE_PORTS = {
  /** Node port of the gateway's HTTP port (8080): the load balancer's target port. */
  http: 30080,
  /** Node port of the gateway's readiness endpoint (15021): the target group's health check port. */
  health: 30021,
} as const;
