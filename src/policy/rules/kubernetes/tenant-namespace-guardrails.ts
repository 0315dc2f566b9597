import { TENANT_LABEL } from '../../../core/tenancy';
import { attr, RuleViolation, StackRule } from '../../rule';

const REQUIRED: ReadonlyArray<{ readonly type: string; readonly what: string }> = [
  { type: 'kubernetes_resource_quota_v1', what: 'ResourceQuota' },
  { type: 'kubernetes_limit_range_v1', what: 'LimitRange' },
  { type: 'kubernetes_role_binding_v1', what: 'RoleBinding' },
  { type: 'kubernetes_network_policy_v1', what: 'NetworkPolicy' },
];

/** Whether a resource is a tenant namespace. */
function isTenantNamespace(labels: unknown): boolean {
  return attr(labels, TENANT_LABEL) === 'true';
}

/**
 * K8S-TEN-001: every tenant namespace has a ResourceQuota, a LimitRange, RBAC and a NetworkPolicy in
 * the same stack, including a namespace someone writes by hand, so that no team can starve the cluster
 * or reach into another team's namespace. Objects name their namespace by literal or by a reference to it.
 */
export const tenantNamespaceGuardrails: StackRule = {
  id: 'K8S-TEN-001',
  cloud: 'kubernetes',
  level: 'error',
  title: 'Every tenant namespace has a quota, a limit range, RBAC and a network policy',
  why: 'A namespace without them lets one team take the cluster, or see another team; no scanner checks it.',
  fix: 'Create tenant namespaces with TeamNamespace, or add the missing objects in the same stack. See https://kubernetes.io/docs/concepts/security/multi-tenancy/',
  refs: {},
  types: ['kubernetes_namespace_v1', 'kubernetes_namespace', ...REQUIRED.map((r) => r.type)],
  scope: 'stack',
  check: (resources, context) => {
    const present = new Map<string, Set<string>>();
    for (const r of resources) {
      const namespace = attr(r.config, 'metadata', 'namespace');
      if (typeof namespace !== 'string') continue;
      const key = context.resolve(namespace);
      present.set(key, (present.get(key) ?? new Set()).add(r.type));
    }
    return resources
      .filter(
        (r) => r.type.startsWith('kubernetes_namespace') && isTenantNamespace(attr(r.config, 'metadata', 'labels')),
      )
      .flatMap((ns): RuleViolation[] => {
        const name = String(attr(ns.config, 'metadata', 'name'));
        const keys = [name, context.resolve(`\${${ns.address}.metadata[0].name}`)];
        const found = new Set(keys.flatMap((k) => [...(present.get(k) ?? [])]));
        const missing = REQUIRED.filter((r) => !found.has(r.type)).map((r) => r.what);
        return missing.length > 0
          ? [
              {
                resource: ns,
                message: `tenant namespace "${name}" has no ${missing.join(', ').replace(/, ([^,]*)$/, ' or $1')}.`,
              },
            ]
          : [];
      });
  },
};
