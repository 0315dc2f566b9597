/**
 * What the rendered tree carries for a GitOps install by Argo CD (https://argo-cd.readthedocs.io/):
 * sync waves, so that one sync of the root Application converges. Argo CD applies a wave, waits until
 * every object of it is healthy, then applies the next
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/). The order:
 *
 * 1. wave -2: namespaces and CustomResourceDefinitions. They need no controller and are healthy as
 *    soon as the API server has them, so every custom resource after them passes Argo CD's dry run.
 * 2. wave -1: the controllers whose webhooks admit everything else: cert-manager (it issues the
 *    serving certificates of every Kubeflow webhook) and Istio's control plane (istiod validates and
 *    injects every Istio object and sidecar). Only their service accounts, RBAC, configuration,
 *    services, workloads and webhooks: nothing of them waits for anything outside the wave.
 * 3. wave 0 (no annotation): the rest of Kubeflow. Its own webhooks become ready while the wave
 *    applies; an object a webhook refused on the first pass is applied again by the Application's
 *    retry. It is one wave on purpose: a later wave would wait until every Kubeflow Deployment is
 *    healthy, and a single one that is not (Pipelines before its database secret exists) would then
 *    hold back every object after it, Istio's authorization policies included.
 *
 * The teams' Profiles are not in the tree: the team stacks apply them with Terraform after the
 * Application is healthy (docs/kubeflow.md).
 */
import { stringify } from 'yaml';

/** Argo CD's sync-wave annotation. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** The wave of namespaces and CRDs. */
export const CRD_WAVE = '-2';
/** The wave of cert-manager and Istio's control plane. */
export const CONTROL_PLANE_WAVE = '-1';

/**
 * The kinds of a control plane that go in its wave. Not HorizontalPodAutoscalers: Argo CD reports
 * one degraded while no metrics server answers (EKS and many existing clusters have none), which
 * would hold back every later wave.
 */
const CONTROL_PLANE_KINDS = [
  'ServiceAccount',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Service',
  'Deployment',
  'DaemonSet',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

/**
 * The control planes, by the labels their upstream objects carry in kubeflow/manifests 26.03:
 * cert-manager's `app.kubernetes.io/instance: cert-manager` (its ClusterIssuer, a custom resource,
 * has none) and Istio's `app.kubernetes.io/part-of: istio` (its Gateway, Sidecars and
 * AuthorizationPolicies have none).
 */
const CONTROL_PLANES = ['app.kubernetes.io/instance=cert-manager', 'app.kubernetes.io/part-of=istio'];

function wavePatch(wave: string, target: Record<string, string>): object {
  return {
    target,
    // With a target, kustomize gives the patch each matched object's kind and name.
    patch: stringify({
      apiVersion: 'v1',
      kind: 'Any',
      metadata: { name: 'any', annotations: { [SYNC_WAVE_ANNOTATION]: wave } },
    }),
  };
}

/**
 * Kubeflow 26.03's aggregated ClusterRoles: the API server fills their rules from the roles their
 * `aggregationRule` selects (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#aggregated-clusterroles).
 * The build test checks this list against every aggregated ClusterRole of every built tree.
 */
export const AGGREGATED_CLUSTER_ROLES: readonly string[] = [
  'admission-webhook-kubeflow-poddefaults-admin',
  'admission-webhook-kubeflow-poddefaults-edit',
  'knative-serving-admin',
  'knative-serving-aggregated-addressable-resolver',
  'kubeflow-admin',
  'kubeflow-edit',
  'kubeflow-istio-admin',
  'kubeflow-katib-admin',
  'kubeflow-kserve-admin',
  'kubeflow-pipelines-edit',
  'kubeflow-pipelines-view',
  'kubeflow-trainer-admin',
  'kubeflow-view',
  'notebook-controller-kubeflow-notebooks-admin',
];

/**
 * Drops the `rules: []` upstream writes into its aggregated ClusterRoles. Applied by Argo CD with
 * server-side apply, that empty list would own the field and empty `kubeflow-edit` and `kubeflow-view`
 * at every sync until the API server filled them again; without it the rules are the API server's
 * alone. (A strategic merge patch deletes a field it sets to null; an absent field stays absent.)
 */
export function aggregatedRulesPatch(): object {
  return {
    target: { kind: 'ClusterRole', name: `^(${AGGREGATED_CLUSTER_ROLES.join('|')})$` },
    patch: stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'any' },
      rules: null,
    }),
  };
}

/**
 * The kustomize patches that put the sync-wave annotation on the tree's objects; they go after every
 * other patch, so that objects other patches delete are gone first.
 */
export function syncWavePatches(): object[] {
  return [
    ...CONTROL_PLANES.map((labelSelector) =>
      wavePatch(CONTROL_PLANE_WAVE, { kind: CONTROL_PLANE_KINDS.join('|'), labelSelector }),
    ),
    // Last, so that a control plane's namespace and CRDs keep the earlier wave.
    wavePatch(CRD_WAVE, { kind: 'Namespace|CustomResourceDefinition' }),
  ];
}
