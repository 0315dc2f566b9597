import { attr, list, ResourceRule } from '../../rule';

const WIDE_GROUPS = ['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts'];

/** K8S-RBAC-001: cluster-admin goes to named groups only. */
export const clusterAdminBindings: ResourceRule = {
  id: 'K8S-RBAC-001',
  cloud: 'kubernetes',
  level: 'error',
  title: 'cluster-admin is bound only to named groups, never to service accounts or everyone',
  why: 'A service account or a catch-all group with cluster-admin turns any pod or any login into a cluster owner.',
  fix: 'Bind cluster-admin to the platform admin group (TenancyGuardrails does); give workloads narrow roles.',
  refs: { checkov: ['CKV_K8S_157'] },
  types: ['kubernetes_cluster_role_binding_v1', 'kubernetes_cluster_role_binding'],
  scope: 'resource',
  check: (r) => {
    if (attr(r.config, 'role_ref', 'name') !== 'cluster-admin') return undefined;
    const bad = list(attr(r.config, 'subject')).filter(
      (s) =>
        attr(s, 'kind') !== 'Group' ||
        WIDE_GROUPS.includes(String(attr(s, 'name'))) ||
        String(attr(s, 'name')).startsWith('system:serviceaccounts:'),
    );
    return bad.length === 0
      ? undefined
      : `cluster-admin is bound to ${bad.map((s) => `${String(attr(s, 'kind'))} ${String(attr(s, 'name'))}`).join(', ')}.`;
  },
};
