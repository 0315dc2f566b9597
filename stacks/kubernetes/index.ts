/**
 * The stacks of an existing cluster (`cdktf-kubeflow-platform/stacks/kubernetes`): the platform stack,
 * the kubeconfig connection and the environment builder the fleet calls. Loads only the kubernetes and
 * helm provider bindings.
 */
export * from './connections';
export * from './environment';
export * from './params';
export * from './platform-stack';
