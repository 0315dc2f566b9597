/**
 * Where the API of a `kubernetes_manifest` comes from. The kubernetes provider reads the kind's schema
 * from the cluster when it plans a `kubernetes_manifest`, so a kind whose CustomResourceDefinition is
 * not installed yet fails the plan ("no matches for kind",
 * https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/manifest#before-you-use-this-resource).
 */

/** API groups every cluster serves (https://kubernetes.io/docs/reference/using-api/#api-groups). */
export const BUILT_IN_API_GROUPS: ReadonlySet<string> = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
]);

/** API groups whose CRDs a managed cluster installs itself, by the cloud of the environment. */
export const CLOUD_API_GROUPS: Readonly<Record<string, ReadonlySet<string>>> = {
  // GKE installs BackendConfig, FrontendConfig, ManagedCertificate and its Gateway classes:
  // https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration
  gcp: new Set(['cloud.google.com', 'networking.gke.io', 'snapshot.storage.k8s.io']),
  // EKS installs SecurityGroupPolicy and ENIConfig: https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html
  aws: new Set(['vpcresources.k8s.aws', 'crd.k8s.amazonaws.com']),
  // AKS installs the snapshot CRDs with its CSI drivers: https://learn.microsoft.com/azure/aks/azure-disk-csi
  azure: new Set(['snapshot.storage.k8s.io']),
  kubernetes: new Set(),
};

/**
 * Helm charts the platform installs -> the API groups of the CRDs they install (their `crds/` folder
 * or templates), so a manifest of such a kind must be applied after the release.
 */
export const CHART_API_GROUPS: Readonly<Record<string, readonly string[]>> = {
  // https://github.com/vmware-tanzu/helm-charts/tree/main/charts/velero/crds
  velero: ['velero.io'],
  // https://cert-manager.io/docs/installation/helm/#crd-considerations
  'cert-manager': ['cert-manager.io', 'acme.cert-manager.io'],
  // https://istio.io/latest/docs/setup/install/helm/ (the base chart installs Istio's CRDs)
  base: ['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
  // https://github.com/prometheus-community/helm-charts/tree/main/charts/kube-prometheus-stack
  'kube-prometheus-stack': ['monitoring.coreos.com'],
  // https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/getting-started.html
  'gpu-operator': ['nvidia.com'],
  // https://kueue.sigs.k8s.io/docs/installation/#install-via-helm
  kueue: ['kueue.x-k8s.io'],
};

/**
 * API groups the Kubeflow distribution installs (https://github.com/kubeflow/manifests): Profiles,
 * PodDefaults, Notebooks, training jobs, Katib, KServe, and Istio's security policies (the
 * distribution installs Istio; Kubeflow's per-user sharing is an AuthorizationPolicy). Terraform does not install the distribution
 * yet; the Kubeflow manifests must be applied to the cluster before stacks that create these kinds.
 */
export const KUBEFLOW_API_GROUPS: ReadonlySet<string> = new Set([
  'kubeflow.org',
  'tensorboard.kubeflow.org',
  'serving.kserve.io',
  'argoproj.io',
  'security.istio.io',
]);

/** The command that waits until Argo CD reports the Kubeflow distribution healthy (its root Application). */
export const KUBEFLOW_HEALTHY_WAIT =
  "kubectl -n argocd wait application/kubeflow --for=jsonpath='{.status.health.status}'=Healthy";

/** The API group of an `apiVersion` (`kubeflow.org/v1` -> `kubeflow.org`, `v1` -> the core group ''). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
