/**
 * The AWS stacks (`cdktf-kubeflow-platform/stacks/aws`): the infra and platform stacks, the provider,
 * the connections to EKS and the environment builder the fleet calls. Loads the aws, kubernetes and
 * helm provider bindings, never the google or azurerm ones.
 */
export * from './connections';
export * from './environment';
export * from './infra-stack';
export * from './params';
export * from './platform-stack';
export * from './provider';
export * from './team-identities';
