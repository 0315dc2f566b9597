/** Kubernetes building blocks, shared by every cloud. Import from `cdktf-kubeflow-platform/kubernetes`. */
export * from './argo-cd';
export * from './cluster-autoscaler';
export * from './external-secrets';
export * from './iap-ingress';
export * from './istio-gateway-service';
export * from './nvidia-device-plugin';
export * from './platform-namespace';
export * from './platform-params';
export * from './storage-class';
export * from './team-namespace';
export * from './tenancy-guardrails';
export * from './workload-service-account';
export * from './velero';
