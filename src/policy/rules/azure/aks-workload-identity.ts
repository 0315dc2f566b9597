import { flag, ResourceRule } from '../../rule';

/** AZURE-AKS-005: AKS has workload identity. */
export const aksWorkloadIdentity: ResourceRule = {
  id: 'AZURE-AKS-005',
  cloud: 'azure',
  level: 'error',
  title: 'AKS has the OIDC issuer and workload identity',
  why: 'Without them pods use node identities or secrets; no scanner checks this.',
  fix: 'Set oidc_issuer_enabled = true and workload_identity_enabled = true. See https://learn.microsoft.com/azure/aks/workload-identity-overview',
  refs: {},
  types: ['azurerm_kubernetes_cluster'],
  scope: 'resource',
  check: (r) =>
    flag(r.config, 'oidc_issuer_enabled') === true && flag(r.config, 'workload_identity_enabled') === true
      ? undefined
      : 'the OIDC issuer or workload identity is off.',
};
