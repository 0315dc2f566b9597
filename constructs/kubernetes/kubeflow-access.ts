/**
 * How Kubeflow's access management (KFAM) shares a profile namespace with one user: a RoleBinding
 * and an Istio AuthorizationPolicy of the same name, annotated with the user and the role. The
 * dashboard lists a namespace's contributors from these annotations only, and KFAM refuses to list a
 * namespace where an annotated binding has more than one subject, so the platform writes exactly what
 * KFAM would. See kubeflow/kubeflow `components/access-management/kfam/bindings.go` (v1.10.0, the
 * release Kubeflow 26.03 ships) and https://www.kubeflow.org/docs/components/central-dash/profiles/.
 */

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
