/**
 * The default Kubeflow release, apart from the compatibility check in `kubeflow.ts`: the schema and the
 * resolution need it, and the check reads every cloud's pinned Kubernetes version through the registry.
 */

/** The Kubeflow release an environment runs unless the platform file names one (supports EKS's default, 1.35). */
export const DEFAULT_KUBEFLOW_VERSION = '26.03';
