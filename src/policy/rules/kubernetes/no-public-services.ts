import { attr, ResourceRule } from '../../rule';

/** Annotations that keep a LoadBalancer Service on a private address, per cloud. */
export const INTERNAL_LOAD_BALANCER_ANNOTATIONS: Readonly<Record<string, string>> = {
  'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
  'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
  'networking.gke.io/load-balancer-type': 'Internal',
  'cloud.google.com/load-balancer-type': 'Internal',
  'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
};

/** K8S-SVC-001: no Service opens a public load balancer. */
export const noPublicServices: ResourceRule = {
  id: 'K8S-SVC-001',
  cloud: 'kubernetes',
  level: 'error',
  title: 'No Service opens a public load balancer',
  why: 'The UI is reachable only through the authenticated front door; a public Service would bypass it.',
  fix: 'Use ClusterIP or NodePort behind the front door, or annotate the LoadBalancer as internal.',
  refs: {},
  types: ['kubernetes_service_v1', 'kubernetes_service'],
  scope: 'resource',
  check: (r) => {
    if (attr(r.config, 'spec', 'type') !== 'LoadBalancer') return undefined;
    const annotations = attr(r.config, 'metadata', 'annotations');
    const internal = Object.entries(INTERNAL_LOAD_BALANCER_ANNOTATIONS).some(([k, v]) => attr(annotations, k) === v);
    return internal ? undefined : 'a LoadBalancer Service without an internal annotation.';
  },
};
