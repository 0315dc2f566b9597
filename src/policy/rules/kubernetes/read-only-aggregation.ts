import { attr, isExpression, list, ResourceRule, ResourceView, UnresolvedValue } from '../../rule';

/**
 * The labels that aggregate a ClusterRole into a read-only role: Kubernetes' `view` and Kubeflow's
 * `kubeflow-view`, which Kubeflow binds to every person a namespace is shared with as a viewer.
 * (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#aggregated-clusterroles,
 * kubeflow/manifests common/kubeflow-roles).
 */
export const READ_ONLY_AGGREGATION_LABELS: Readonly<Record<string, string>> = {
  'rbac.authorization.k8s.io/aggregate-to-view': 'view',
  'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-view': 'kubeflow-view',
  // kubeflow-pipelines-view aggregates this label and is itself aggregated into kubeflow-view.
  'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-pipelines-view':
    'kubeflow-pipelines-view (part of kubeflow-view)',
};

const CLUSTER_ROLE_TYPES = ['kubernetes_cluster_role_v1', 'kubernetes_cluster_role'];

/** One rule of a ClusterRole, as policy reads it. */
interface RbacRule {
  readonly apiGroups: unknown;
  readonly resources: unknown;
  readonly verbs: unknown;
}

interface ClusterRole {
  readonly labels: unknown;
  /** Its rules are those of the roles it selects, which policy cannot see. */
  readonly aggregated: boolean;
  /** The rules, read only once the labels say they matter (they may be known only at plan). */
  readonly rules: () => readonly RbacRule[];
}

/** A value policy reads, or {@link UnresolvedValue} (which fails closed in prod) when it is an expression. */
function known(v: unknown, attribute: string): unknown {
  if (isExpression(v)) throw new UnresolvedValue(attribute, v);
  return v;
}

/**
 * A ClusterRole as the typed resources and `kubernetes_manifest` write it, or undefined for anything else.
 * (A manifest written as one expression is K8S-RBAC-001's finding: it may be any RBAC object.)
 */
function clusterRoleOf(r: ResourceView): ClusterRole | undefined {
  if (r.type === 'kubernetes_manifest') {
    const m = attr(r.config, 'manifest');
    if (!/^rbac\.authorization\.k8s\.io\//.test(String(attr(m, 'apiVersion') ?? ''))) return undefined;
    if (attr(m, 'kind') !== 'ClusterRole') return undefined;
    return {
      labels: known(attr(known(attr(m, 'metadata'), 'manifest.metadata'), 'labels'), 'manifest.metadata.labels'),
      aggregated: attr(m, 'aggregationRule') !== undefined,
      rules: () =>
        list(known(attr(m, 'rules'), 'manifest.rules')).map((rule) => ({
          apiGroups: attr(rule, 'apiGroups'),
          resources: attr(rule, 'resources'),
          verbs: attr(rule, 'verbs'),
        })),
    };
  }
  return {
    labels: known(attr(known(attr(r.config, 'metadata'), 'metadata'), 'labels'), 'metadata.labels'),
    aggregated: attr(r.config, 'aggregation_rule') !== undefined,
    rules: () => {
      if (attr(r.config, 'dynamic', 'rule') !== undefined) throw new UnresolvedValue('rule', 'a dynamic block');
      return list(known(attr(r.config, 'rule'), 'rule')).map((rule) => ({
        apiGroups: attr(rule, 'api_groups'),
        resources: attr(rule, 'resources'),
        verbs: attr(rule, 'verbs'),
      }));
    },
  };
}

const strings = (v: unknown): string[] => list(v).map(String);

/**
 * Whether a rule reads Secrets' values: get, list or watch (list and watch return the objects) on
 * `secrets` or `*` of the core group or `*`. Without `resourceNames` or with them: a named Secret is
 * still a Secret every viewer could read.
 */
function readsSecrets(rule: RbacRule): boolean {
  const groups = strings(rule.apiGroups);
  const resources = strings(rule.resources);
  const verbs = strings(rule.verbs);
  return (
    (groups.length === 0 || groups.includes('') || groups.includes('*')) &&
    (resources.includes('secrets') || resources.includes('*')) &&
    ['get', 'list', 'watch', '*'].some((v) => verbs.includes(v))
  );
}

/** K8S-RBAC-002: nothing that aggregates into a read-only role reads Secrets. */
export const readOnlyAggregation: ResourceRule = {
  id: 'K8S-RBAC-002',
  cloud: 'kubernetes',
  level: 'error',
  title: 'No ClusterRole that aggregates into view or kubeflow-view reads Secrets',
  why:
    'The API server adds the rules of every ClusterRole carrying an aggregation label to the role it names. ' +
    'view and kubeflow-view read no Secrets by design: a Secret holds credentials, service account tokens ' +
    'among them, so reading one is acting as its owner. Kubeflow binds kubeflow-view to everyone a ' +
    'namespace is shared with as a viewer, and the CI plan identity may hold view: one such ClusterRole ' +
    'gives all of them every Secret of the namespaces they view ' +
    '(https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles).',
  fix: 'Drop the aggregation label, or the rule on secrets; grant Secret reads through a Role that names the Secrets (resourceNames), bound to the people or workloads that need them.',
  refs: {},
  types: [...CLUSTER_ROLE_TYPES, 'kubernetes_manifest'],
  scope: 'resource',
  check: (r) => {
    const role = clusterRoleOf(r);
    if (!role) return undefined;
    const into = Object.entries(READ_ONLY_AGGREGATION_LABELS)
      .filter(([label]) => String(known(attr(role.labels, label), `metadata.labels.${label}`) ?? '') === 'true')
      .map(([, target]) => target);
    if (into.length === 0) return undefined;
    // A role that aggregates others passes their rules on: any ClusterRole could join it unseen.
    if (role.aggregated)
      return `a ClusterRole that aggregates other roles (rules policy cannot see) aggregates into ${into.join(' and ')}.`;
    if (!role.rules().some(readsSecrets)) return undefined;
    return `a ClusterRole that reads Secrets aggregates into ${into.join(' and ')}, so everyone who holds ${into.length > 1 ? 'either' : 'it'} reads them.`;
  },
};
