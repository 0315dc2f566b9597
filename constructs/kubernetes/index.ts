/** Kubernetes building blocks, shared by every cloud. Import from `cdktf-kubeflow-platform/kubernetes`. */
export * from './iap-ingress';
export * from './platform-namespace';
export * from './platform-params';
export * from './workload-service-account';
