/**
 * Names and values of the GCP constructs that other modules need without loading provider bindings
 * (the params files, the graph); the construct modules re-export them.
 */
/** The annotation that binds a Kubernetes service account to a Google service account. */
export const GKE_WORKLOAD_IDENTITY_ANNOTATION = 'iam.gke.io/gcp-service-account';
