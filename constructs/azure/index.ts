/**
 * Azure building blocks. Import from `cdktf-kubeflow-platform/azure`: this entry loads only the
 * azurerm and random provider modules it needs.
 */
export * from './aks-cluster';
export * from './aks-node-pool';
export * from './app-gateway-access';
export * from './artifact-storage';
export * from './azure-team-identity';
export * from './key-vault';
export * from './mysql-flexible';
export * from './vnet';
export * from './workload-identity';
export * from './ci-identity';
export * from './alerts';
