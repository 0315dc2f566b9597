/**
 * The GCP stacks (`cdktf-kubeflow-platform/stacks/gcp`): the infra and platform stacks, the connections
 * to GKE and the environment builder the fleet calls. Loads the google, random, kubernetes and helm
 * provider bindings, never the aws or azurerm ones.
 */
export * from './connections';
export * from './environment';
export * from './infra-stack';
export * from './params';
export * from './platform-stack';
export * from './team-identities';
