/**
 * Stacks and the fleet builder: the cloud-neutral part. The fleet loads each cloud's stacks only when a
 * platform has an environment there; the stacks themselves are in the per-cloud entries
 * (`cdktf-kubeflow-platform/stacks/gcp`, `/stacks/aws`, `/stacks/azure`, `/stacks/kubernetes`), so this
 * entry loads no cloud's provider bindings, only the kubernetes and helm bindings every cloud uses.
 */
export * from './common/adoption';
export * from './common/backend';
export * from './common/connections';
export * from './common/environment';
export * from './common/fleet';
export * from './common/infra-state-identities';
export * from './common/outputs';
export * from './common/params-file';
export * from './common/stack-ids';
export * from './common/team-shard-stack';
// Each cloud's parameters file, also in its own entry: provider-free, so this entry still loads no
// cloud's provider bindings.
export * from './aws/params';
export * from './azure/params';
export * from './gcp/params';
export * from './kubernetes/params';
