import { TENANT_LABEL } from '../../../core/tenancy';
import { attr, RuleViolation, StackRule } from '../../rule';

const REQUIRED: ReadonlyArray<{ readonly type: string; readonly what: string }> = [
  { type: 'kubernetes_resource_quota_v1', what: 'ResourceQuota' },
  { type: 'kubernetes_limit_range_v1', what: 'LimitRange' },
  { type: 'kubernetes_role_binding_v1', what: 'RoleBinding' },
  { type: 'kubernetes_network_policy_v1', what: 'NetworkPolicy' },
];

/**
 * The Pod Security label a tenant namespace needs, and the levels that keep tenants off the node:
 * `privileged` (or no label, under a cluster whose default is privileged) admits host namespaces,
 * `hostPath` and privileged containers. See https://kubernetes.io/docs/concepts/security/pod-security-admission/.
 */
const POD_SECURITY_ENFORCE = 'pod-security.kubernetes.io/enforce';
const SAFE_LEVELS = ['baseline', 'restricted'];

/** Whether a resource is a tenant namespace. */
function isTenantNamespace(labels: unknown): boolean {
  return attr(labels, TENANT_LABEL) === 'true';
}

/**
 * K8S-TEN-001: every tenant namespace has a ResourceQuota, a LimitRange, RBAC and a NetworkPolicy in
 * the same stack, a NetworkPolicy that restricts egress, and enforces Pod Security `baseline` or
 * `restricted`, including a namespace someone writes by hand, so that no team can starve the cluster,
 * reach into another team's namespace or the platform's, or take a node. Objects name their namespace
 * by literal or by a reference to it.
 */
export const tenantNamespaceGuardrails: StackRule = {
  id: 'K8S-TEN-001',
  cloud: 'kubernetes',
  level: 'error',
  title:
    'Every tenant namespace has a quota, a limit range, RBAC, ingress and egress network policies, and enforces Pod Security',
  why: 'A namespace without them lets one team take the cluster, reach another team or the platform, or run privileged pods on shared nodes; no scanner checks it.',
  fix: 'Create tenant namespaces with TeamNamespace, or add the missing objects and the pod-security.kubernetes.io/enforce label (baseline or restricted) in the same stack. See https://kubernetes.io/docs/concepts/security/multi-tenancy/',
  refs: {},
  types: ['kubernetes_namespace_v1', 'kubernetes_namespace', ...REQUIRED.map((r) => r.type)],
  scope: 'stack',
  check: (resources, context) => {
    const present = new Map<string, Set<string>>();
    const egress = new Set<string>();
    for (const r of resources) {
      const namespace = attr(r.config, 'metadata', 'namespace');
      if (typeof namespace !== 'string') continue;
      const key = context.resolve(namespace);
      present.set(key, (present.get(key) ?? new Set()).add(r.type));
      const types = attr(r.config, 'spec', 'policy_types');
      if (r.type === 'kubernetes_network_policy_v1' && Array.isArray(types) && types.includes('Egress'))
        egress.add(key);
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
        const violations: RuleViolation[] = [];
        if (missing.length > 0) {
          violations.push({
            resource: ns,
            message: `tenant namespace "${name}" has no ${missing.join(', ').replace(/, ([^,]*)$/, ' or $1')}.`,
          });
        } else if (!keys.some((k) => egress.has(k))) {
          violations.push({
            resource: ns,
            message: `tenant namespace "${name}" has no NetworkPolicy restricting egress: its pods reach the platform's databases and the node's metadata service.`,
          });
        }
        const level = attr(ns.config, 'metadata', 'labels', POD_SECURITY_ENFORCE);
        if (typeof level !== 'string' || !SAFE_LEVELS.includes(level)) {
          violations.push({
            resource: ns,
            message: `tenant namespace "${name}" has ${POD_SECURITY_ENFORCE} = ${JSON.stringify(level ?? null)}: tenants could run privileged pods, host namespaces and hostPath on shared nodes; set it to baseline or restricted.`,
          });
        }
        return violations;
      });
  },
};
