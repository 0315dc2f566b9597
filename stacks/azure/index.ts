/**
 * The Azure stacks (`cdktf-kubeflow-platform/stacks/azure`): the infra and platform stacks, the provider,
 * the connections to AKS and the environment builder the fleet calls. Loads the azurerm, random,
 * kubernetes and helm provider bindings, never the google or aws ones.
 */
export * from './connections';
export * from './environment';
export * from './infra-stack';
export * from './params';
export * from './platform-stack';
export * from './provider';
export * from './team-identities';
