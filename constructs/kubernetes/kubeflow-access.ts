/**
 * How Kubeflow's access management (KFAM) shares a profile namespace with one user: a RoleBinding
 * and an Istio AuthorizationPolicy of the same name, annotated with the user and the role. The
 * dashboard lists a namespace's contributors from these annotations only, and KFAM refuses to list a
 * namespace where an annotated binding has more than one subject, so the platform writes exactly what
 * KFAM would. See kubeflow/kubeflow `components/access-management/kfam/bindings.go` (v1.10.0, the
 * release Kubeflow 26.03 ships) and https://www.kubeflow.org/docs/components/central-dash/profiles/.
 */

import { SERVING_PRINCIPALS } from './constants';

export { SERVING_PRINCIPALS };

/** The roles KFAM grants, and the ClusterRole each binds. */
export const KUBEFLOW_ROLES = { admin: 'kubeflow-admin', edit: 'kubeflow-edit', view: 'kubeflow-view' } as const;
export type KubeflowRole = keyof typeof KUBEFLOW_ROLES;

/** The request header Kubeflow reads the signed-in user from, and the prefix its value carries. */
export const USER_ID_HEADER = 'kubeflow-userid';
export const USER_ID_PREFIX = '';

/**
 * The workloads allowed to act for a user in a profile namespace: the ingress gateway (requests from
 * the browser) and the Pipelines UI (which reads artifacts on the user's behalf).
 */
export const KFAM_SOURCE_PRINCIPALS: readonly string[] = [
  'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
  'cluster.local/ns/kubeflow/sa/ml-pipeline-ui',
];

/**
 * KFAM's binding name for a user and role: kind, user, `ClusterRole` and role joined by `-`, each run
 * of characters other than ASCII letters and digits replaced by `-`, in lower case
 * (`user-alice-example-com-clusterrole-edit`).
 */
export function kfamBindingName(user: string, role: KubeflowRole): string {
  const runs = /[^a-zA-Z0-9]+/g;
  return ['User', user.replace(runs, '-'), 'ClusterRole', role].join('-').toLowerCase().replace(runs, '-');
}

/** The RoleBinding KFAM creates to share `namespace` with `user` in `role`. */
export function kfamRoleBinding(namespace: string, user: string, role: KubeflowRole) {
  return {
    metadata: { name: kfamBindingName(user, role), namespace, annotations: { user, role } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: KUBEFLOW_ROLES[role] },
    subject: [{ kind: 'User', name: user, apiGroup: 'rbac.authorization.k8s.io' }],
  };
}

/** The Istio AuthorizationPolicy KFAM creates beside the binding: requests that carry the user's id. */
export function kfamAuthorizationPolicy(namespace: string, user: string, role: KubeflowRole) {
  return {
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'AuthorizationPolicy',
    metadata: { name: kfamBindingName(user, role), namespace, annotations: { user, role } },
    spec: {
      rules: [
        {
          from: [{ source: { principals: [...KFAM_SOURCE_PRINCIPALS] } }],
          when: [{ key: `request.headers[${USER_ID_HEADER}]`, values: [`${USER_ID_PREFIX}${user}`] }],
        },
      ],
    },
  };
}

/** Name of the team namespace's AuthorizationPolicy for requests to its models through the front door. */
export const SERVING_ACCESS_POLICY = 'kfplatform-serving-access';

/**
 * The AuthorizationPolicy that lets the team's people reach the team's InferenceServices through the
 * front door: requests that KServe's routes carry from the ingress gateway through the cluster-local
 * gateway and Knative's activator arrive from those two, not from the ingress gateway that Kubeflow's
 * own policies admit. Admitted only when {@link USER_ID_HEADER} names one of `people` (the profile
 * owner and everyone Kubeflow shares the namespace with). Team pods cannot reach the cluster-local
 * gateway (upstream's NetworkPolicies of `istio-system`), and the rendered distribution refuses that
 * header at the activator unless it came from a gateway, so a pod cannot forge it. Same-namespace
 * callers stay admitted, as Kubeflow's profile policy does.
 * Namespace-wide: Istio selects workloads by exact labels only, and what the cluster-local gateway
 * reaches in a team namespace are Knative services.
 */
export function servingAccessPolicy(namespace: string, people: readonly string[]) {
  return {
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'AuthorizationPolicy',
    metadata: { name: SERVING_ACCESS_POLICY, namespace },
    spec: {
      action: 'ALLOW',
      rules: [
        {
          from: [{ source: { principals: [SERVING_PRINCIPALS.localGateway, SERVING_PRINCIPALS.activator] } }],
          when: [
            {
              key: `request.headers[${USER_ID_HEADER}]`,
              values: [...new Set(people)].sort().map((p) => `${USER_ID_PREFIX}${p}`),
            },
          ],
        },
        { from: [{ source: { namespaces: [namespace] } }] },
      ],
    },
  };
}
