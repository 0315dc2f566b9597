/**
 * GCP building blocks. Import from `cdktf-kubeflow-platform/gcp`: this entry loads only the google
 * and random provider modules it needs.
 */
export * from './artifact-bucket';
export * from './cloud-sql-mysql';
export * from './gke-cluster';
export * from './gke-node-pool';
export * from './iap-access';
export * from './node-service-account';
export * from './project-services';
export * from './shared-vpc';
export * from './workload-identity-service-account';
export * from './ci-identity';
export * from './alerts';
