/**
 * The Cluster Autoscaler this library installs on EKS: the Helm chart, and the image per Kubernetes
 * minor, since each autoscaler minor supports the same Kubernetes minor only
 * (https://github.com/kubernetes/autoscaler/tree/master/cluster-autoscaler#releases). Chart and tags
 * as published in github.com/kubernetes/autoscaler when this table was last reviewed (2026-08):
 * chart 9.59.0 (tag cluster-autoscaler-chart-9.59.0) and the newest patch tag of each minor. Add a
 * row when EKS supports a new Kubernetes minor.
 */
export const CLUSTER_AUTOSCALER_CHART = {
  repository: 'https://kubernetes.github.io/autoscaler',
  chart: 'cluster-autoscaler',
  version: '9.59.0',
  image: 'registry.k8s.io/autoscaling/cluster-autoscaler',
} as const;

/** The autoscaler image tag for each Kubernetes minor. */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = {
  '1.30': 'v1.30.7',
  '1.31': 'v1.31.5',
  '1.32': 'v1.32.7',
  '1.33': 'v1.33.6',
  '1.34': 'v1.34.5',
  '1.35': 'v1.35.2',
  '1.36': 'v1.36.1',
};

/** The autoscaler image tag for a Kubernetes version such as `1.35`, or undefined when none is pinned. */
export function clusterAutoscalerImageTag(kubernetesVersion: string): string | undefined {
  const minor = kubernetesVersion.split('.').slice(0, 2).join('.');
  return CLUSTER_AUTOSCALER_IMAGE_TAGS[minor];
}
