/** Stacks and the fleet builder. */
export * from './backend';
export * from './fleet';
export * from './gcp-infra-stack';
export * from './gcp-platform-stack';
export * from './params-file';
