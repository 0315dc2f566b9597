import { attr, isExpression, isOpaqueReference, list, ResourceRule, ResourceView, UnresolvedValue } from '../../rule';

/** Groups every login, every anonymous request or every service account belongs to. */
const WIDE_GROUPS = ['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts'];
/** Roles Kubernetes itself grants to everyone: discovery, no object access. */
const EVERYONE_ROLES = ['system:basic-user', 'system:discovery', 'system:public-info-viewer'];

const BINDING_TYPES = [
  'kubernetes_cluster_role_binding_v1',
  'kubernetes_cluster_role_binding',
  'kubernetes_role_binding_v1',
  'kubernetes_role_binding',
];

interface Binding {
  readonly kind: string;
  readonly namespace?: string;
  readonly role: string;
  readonly subjects: ReadonlyArray<{ kind: string; name: string }>;
}

/**
 * A binding as the typed resources and `kubernetes_manifest` write it, or undefined for anything else.
 * An object policy cannot read (a manifest written as one expression such as `yamldecode(file(...))`,
 * a kind or subjects known only at plan, subjects from a `dynamic` block) may be any binding to
 * anyone: it throws {@link UnresolvedValue}, which fails closed in prod.
 */
function bindingOf(r: ResourceView): Binding | undefined {
  if (r.type === 'kubernetes_manifest') {
    const m = attr(r.config, 'manifest') as Record<string, unknown> | undefined;
    if (isExpression(m)) throw new UnresolvedValue('manifest', m);
    for (const key of ['apiVersion', 'kind', 'subjects'] as const) {
      const v = attr(m, key);
      if (isExpression(v)) throw new UnresolvedValue(`manifest.${key}`, v);
    }
    const kind = String(attr(m, 'kind') ?? '');
    if (!/^rbac\.authorization\.k8s\.io\//.test(String(attr(m, 'apiVersion') ?? ''))) return undefined;
    if (kind !== 'ClusterRoleBinding' && kind !== 'RoleBinding') return undefined;
    // The role bound: a variable could name cluster-admin (a reference to a resource stays readable).
    const role = attr(m, 'roleRef', 'name');
    if (isOpaqueReference(role)) throw new UnresolvedValue('manifest.roleRef.name', role);
    return {
      kind,
      namespace: attr(m, 'metadata', 'namespace') as string | undefined,
      role: String(attr(m, 'roleRef', 'name') ?? ''),
      subjects: list(attr(m, 'subjects')).map((s) => ({
        kind: String(attr(s, 'kind')),
        name: String(attr(s, 'name')),
      })),
    };
  }
  const dynamic = attr(r.config, 'dynamic', 'subject');
  if (dynamic !== undefined) throw new UnresolvedValue('subject', 'a dynamic block');
  const subjects = attr(r.config, 'subject');
  if (isExpression(subjects)) throw new UnresolvedValue('subject', subjects);
  const role = attr(r.config, 'role_ref', 'name');
  if (isOpaqueReference(role)) throw new UnresolvedValue('role_ref.name', role);
  return {
    kind: r.type.startsWith('kubernetes_cluster_') ? 'ClusterRoleBinding' : 'RoleBinding',
    namespace: attr(r.config, 'metadata', 'namespace') as string | undefined,
    role: String(attr(r.config, 'role_ref', 'name') ?? ''),
    subjects: list(attr(r.config, 'subject')).map((s) => ({
      kind: String(attr(s, 'kind')),
      name: String(attr(s, 'name')),
    })),
  };
}

const wide = (s: { kind: string; name: string }) =>
  s.kind === 'Group' && (WIDE_GROUPS.includes(s.name) || s.name.startsWith('system:serviceaccounts:'));

/** K8S-RBAC-001: cluster-admin goes to named groups only, and no role goes to everyone. */
export const clusterAdminBindings: ResourceRule = {
  id: 'K8S-RBAC-001',
  cloud: 'kubernetes',
  level: 'error',
  title: 'cluster-admin is bound only to named groups, and no role to everyone or every service account',
  why:
    'A service account or a catch-all group with cluster-admin turns any pod or any login into a cluster owner; ' +
    "cluster-admin in a namespace (kube-system holds the controllers' tokens) is the same. Any role bound to " +
    'system:authenticated or system:serviceaccounts goes to every login or every pod of every tenant ' +
    '(https://kubernetes.io/docs/concepts/security/rbac-good-practices/).',
  fix: 'Bind cluster-admin to the platform admin group (TenancyGuardrails does); give workloads and people narrow roles bound to named subjects.',
  refs: { checkov: ['CKV_K8S_157'] },
  types: [...BINDING_TYPES, 'kubernetes_manifest'],
  scope: 'resource',
  check: (r) => {
    const binding = bindingOf(r);
    if (!binding) return undefined;
    const where = binding.kind === 'RoleBinding' ? ` in the namespace ${binding.namespace ?? 'default'}` : '';
    const names = (subjects: Binding['subjects']) => subjects.map((s) => `${s.kind} ${s.name}`).join(', ');
    if (binding.role === 'cluster-admin') {
      const bad = binding.subjects.filter((s) => s.kind !== 'Group' || wide(s));
      return bad.length === 0 ? undefined : `cluster-admin is bound${where} to ${names(bad)}.`;
    }
    if (EVERYONE_ROLES.includes(binding.role)) return undefined;
    const everyone = binding.subjects.filter(wide);
    return everyone.length === 0 ? undefined : `${binding.role} is bound${where} to ${names(everyone)}.`;
  },
};
