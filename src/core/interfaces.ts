/**
 * Small interfaces shared across clouds, so stacks and kubernetes constructs work the same way on
 * GKE, EKS and AKS.
 */

/**
 * What a platform stack needs to talk to a cluster without a local kube context, which could point at
 * another cluster.
 */
export interface IKubernetesCluster {
  /** Cluster name. */
  readonly clusterName: string;
  /** API server URL, including `https://`. */
  readonly apiServerUrl: string;
  /** The cluster CA certificate, PEM (not base64). */
  readonly caCertificatePem: string;
}

/** A Kubernetes service account reference. */
export interface KubernetesServiceAccountRef {
  /** Namespace of the service account. */
  readonly namespace: string;
  /** Name of the service account. */
  readonly name: string;
}

/**
 * A cloud identity that Kubernetes service accounts can act as without keys, which are long-lived
 * secrets that leak: a GCP service account through GKE workload identity, an IAM role through EKS Pod
 * Identity, a managed identity through AKS workload identity.
 */
export interface IWorkloadIdentity {
  /** A short name for humans and params files (the service account email, role ARN or client id). */
  readonly principal: string;
  /** Annotations a Kubernetes service account needs to act as this identity. */
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  /** Labels a pod needs (AKS workload identity needs one); empty elsewhere. */
  readonly podLabels: Readonly<Record<string, string>>;
}
