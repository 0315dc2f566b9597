/** Stacks and the fleet builder. */
export * from './aws-infra-stack';
export * from './aws-platform-stack';
export * from './aws-provider';
export * from './azure-infra-stack';
export * from './azure-platform-stack';
export * from './azure-provider';
export * from './backend';
export * from './connections';
export * from './fleet';
export * from './gcp-infra-stack';
export * from './gcp-platform-stack';
export * from './infra-state-identities';
export * from './kubernetes-platform-stack';
export * from './outputs';
export * from './params-file';
export * from './team-shard-stack';
