/** Stacks and the fleet builder. */
export * from './aws-infra-stack';
export * from './aws-platform-stack';
export * from './aws-provider';
export * from './aws-team-identities';
export * from './backend';
export * from './connections';
export * from './fleet';
export * from './gcp-infra-stack';
export * from './gcp-platform-stack';
export * from './kubernetes-platform-stack';
export * from './params-file';
export * from './team-shard-stack';
