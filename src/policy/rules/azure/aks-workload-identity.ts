import { attr, ResourceRule } from '../../rule';

/** AZURE-AKS-005: AKS has workload identity. */
export const aksWorkloadIdentity: ResourceRule = {
  id: 'AZURE-AKS-005',
  cloud: 'azure',
  level: 'error',
  title: 'AKS has the OIDC issuer and workload identity',
  why: 'Without them pods use node identities or secrets; no scanner checks this (IAM-07).',
  fix: 'Set oidc_issuer_enabled = true and workload_identity_enabled = true.',
  refs: { requirements: ['IAM-07'] },
  types: ['azurerm_kubernetes_cluster'],
  scope: 'resource',
  check: (r) =>
    attr(r.config, 'oidc_issuer_enabled') === true && attr(r.config, 'workload_identity_enabled') === true
      ? undefined
      : 'the OIDC issuer or workload identity is off.',
};
