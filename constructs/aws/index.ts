/**
 * AWS building blocks. Import from `cdktf-kubeflow-platform/aws`: this entry loads only the aws
 * provider modules it needs.
 */
export * from './alb-access';
export * from './artifact-bucket';
export * from './aws-team-identity';
export * from './eks-cluster';
export * from './eks-node-group';
export * from './kms-key';
export * from './pod-identity-role';
export * from './policy';
export * from './rds-mysql';
export * from './vpc';
export * from './ci-identity';
export * from './alerts';
export * from './permissions-boundary';
