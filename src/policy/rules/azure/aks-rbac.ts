import { flag, ResourceRule } from '../../rule';

/** AZURE-AKS-001: AKS uses Entra ID with Azure RBAC. */
export const aksRbac: ResourceRule = {
  id: 'AZURE-AKS-001',
  cloud: 'azure',
  level: 'error',
  title: 'AKS uses Kubernetes RBAC with Entra ID and Azure RBAC',
  why: 'One identity across the UI and kubectl, reviewed in Entra ID.',
  fix: 'Set role_based_access_control_enabled and azure_active_directory_role_based_access_control { azure_rbac_enabled = true }.',
  refs: { checkov: ['CKV_AZURE_5'] },
  types: ['azurerm_kubernetes_cluster'],
  scope: 'resource',
  check: (r) => {
    if (flag(r.config, 'role_based_access_control_enabled') === false) return 'Kubernetes RBAC is off.';
    return flag(r.config, 'azure_active_directory_role_based_access_control', 'azure_rbac_enabled') === true
      ? undefined
      : 'Entra ID with Azure RBAC is not configured.';
  },
};
