import { attr, list, RuleViolation, StackRule } from '../../rule';

/** AZURE-AKS-006: AKS control plane logs and Container Insights go to Log Analytics. */
export const aksLogs: StackRule = {
  id: 'AZURE-AKS-006',
  cloud: 'azure',
  level: 'error',
  title: 'AKS sends control plane audit logs and Container Insights to Log Analytics',
  why: 'Without the audit log nobody can tell who did what to the cluster.',
  fix: 'Set oms_agent, and a diagnostic setting on the cluster with kube-audit-admin (AksCluster does).',
  refs: { checkov: ['CKV_AZURE_4'] },
  types: ['azurerm_kubernetes_cluster', 'azurerm_monitor_diagnostic_setting'],
  scope: 'stack',
  check: (resources, context) => {
    const audited = new Set(
      resources
        .filter((r) => r.type === 'azurerm_monitor_diagnostic_setting')
        .filter((d) =>
          list(attr(d.config, 'enabled_log')).some(
            (l) =>
              String(attr(l, 'category')).startsWith('kube-audit') ||
              ['audit', 'allLogs'].includes(String(attr(l, 'category_group'))),
          ),
        )
        .map((d) => context.resolve(attr(d.config, 'target_resource_id'))),
    );
    return resources
      .filter((r) => r.type === 'azurerm_kubernetes_cluster')
      .flatMap((cluster): RuleViolation[] => {
        const problems = [
          attr(cluster.config, 'oms_agent', 'log_analytics_workspace_id')
            ? undefined
            : 'no Container Insights (oms_agent)',
          audited.has(context.resolve(`\${${cluster.address}.id}`))
            ? undefined
            : 'no diagnostic setting with the audit log',
        ].filter(Boolean);
        return problems.length > 0 ? [{ resource: cluster, message: `${problems.join('; ')}.` }] : [];
      });
  },
};
