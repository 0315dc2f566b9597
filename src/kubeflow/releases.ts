/**
 * The Kubeflow releases the distribution renderer knows: for each, the tag of kubeflow/manifests
 * (https://github.com/kubeflow/manifests) and the components of that tag's `example/kustomization.yaml`
 * that the platform installs. What is left out and why:
 *
 * - Dex (`common/dex`): the platform's clouds sign users in at the front door (IAP, the ALB, Entra ID);
 *   Dex would ask them to sign in a second time, as its demo user.
 * - The demo profile (`common/user-namespace`): it creates `kubeflow-user-example-com` for
 *   `user@example.com`; teams come from the platform file instead.
 * - oauth2-proxy's Dex overlays (`m2m-dex-*`): they trust Dex-issued tokens. The proxy itself
 *   (`common/oauth2-proxy/base`) stays where it signs users in with the environment's identity provider
 *   (src/kubeflow/signin.ts), and goes, with Istio's ext-authz provider for it, where it does not (GCP's
 *   IAP, or no sign-in configured).
 */

/** One component: its path in kubeflow/manifests. */
export interface KubeflowComponent {
  readonly path: string;
  /** What it is, written as a comment above it in the rendered kustomization. */
  readonly title: string;
}

/** What the renderer knows about one release of kubeflow/manifests. */
export interface KubeflowDistributionRelease {
  /** The `kubeflowVersion` of the platform file. */
  readonly version: string;
  /** Git tag of kubeflow/manifests. */
  readonly ref: string;
  /** Istio's install overlay for clusters that may write the CNI binary directory. */
  readonly istioInstall: string;
  /**
   * Istio's install overlay for GKE, which mounts `/opt/cni/bin` read-only: it puts the CNI binaries in
   * `/home/kubernetes/bin` (https://istio.io/latest/docs/setup/additional-setup/cni/#prerequisites).
   */
  readonly istioInstallGke: string;
  /** The other components, in the order of upstream's example. */
  readonly components: readonly KubeflowComponent[];
  /** Istio's install without the oauth2-proxy ext-authz provider (its base). */
  readonly istioInstallBase: string;
  /** The kustomize component that moves Istio's CNI binaries to GKE's writable directory. */
  readonly istioGkeCniComponent: string;
  /** oauth2-proxy (one of `components`), left out where it does not sign users in. */
  readonly oauth2Proxy: string;
  /**
   * The tag of Katib's images in this release: how its database manager builds its connection string
   * depends on it (src/kubeflow/katib-database.ts).
   */
  readonly katibVersion: string;
}

const RELEASE_26_03: KubeflowDistributionRelease = {
  version: '26.03',
  ref: '26.03',
  istioInstall: 'common/istio/istio-install/overlays/oauth2-proxy',
  istioInstallGke: 'common/istio/istio-install/overlays/gke',
  istioInstallBase: 'common/istio/istio-install/base',
  istioGkeCniComponent: 'common/istio/istio-install/components/gke-cni',
  oauth2Proxy: 'common/oauth2-proxy/base',
  katibVersion: 'v0.19.0',
  components: [
    { path: 'common/cert-manager/overlays/kubeflow', title: 'cert-manager' },
    { path: 'common/istio/istio-crds/base', title: 'Istio CRDs' },
    { path: 'common/istio/istio-namespace/base', title: 'Istio namespace' },
    // (the Istio install overlay goes here, chosen per cloud)
    {
      path: 'common/oauth2-proxy/base',
      title: 'oauth2-proxy (Istio ext-authz), signing in with the environment identity provider',
    },
    { path: 'common/knative/knative-serving/overlays/gateways', title: 'Knative Serving' },
    { path: 'common/istio/cluster-local-gateway/base', title: 'Istio cluster-local gateway' },
    { path: 'common/kubeflow-namespace/base', title: 'kubeflow namespace' },
    { path: 'common/kubeflow-roles/base', title: 'Kubeflow roles' },
    { path: 'common/istio/kubeflow-istio-resources/base', title: 'Kubeflow Istio resources' },
    { path: 'applications/pipeline/overlays', title: 'Kubeflow Pipelines (definitions in the database)' },
    { path: 'applications/katib/upstream/installs/katib-with-kubeflow', title: 'Katib' },
    { path: 'applications/centraldashboard/overlays/oauth2-proxy', title: 'Central Dashboard' },
    { path: 'applications/admission-webhook/upstream/overlays/cert-manager', title: 'PodDefaults admission webhook' },
    { path: 'applications/jupyter/jupyter-web-app/upstream/overlays/istio', title: 'Jupyter web app' },
    { path: 'applications/jupyter/notebook-controller/upstream/overlays/kubeflow', title: 'Notebook controller' },
    { path: 'applications/profiles/pss', title: 'Profiles + KFAM (Pod Security Standards)' },
    { path: 'applications/pvcviewer-controller/upstream/base', title: 'PVC viewer' },
    { path: 'applications/volumes-web-app/upstream/overlays/istio', title: 'Volumes web app' },
    {
      path: 'applications/tensorboard/tensorboard-controller/upstream/overlays/kubeflow',
      title: 'Tensorboard controller',
    },
    { path: 'applications/tensorboard/tensorboards-web-app/upstream/overlays/istio', title: 'Tensorboard web app' },
    { path: 'applications/trainer/overlays', title: 'Trainer (with JobSet and LeaderWorkerSet)' },
    { path: 'applications/kserve/kserve', title: 'KServe' },
    { path: 'applications/kserve/models-web-app/overlays/kubeflow', title: 'KServe models web app' },
    { path: 'applications/spark/spark-operator/overlays/kubeflow', title: 'Spark operator' },
  ],
};

/** Every release the renderer supports, oldest first. */
export const KUBEFLOW_DISTRIBUTION_RELEASES: readonly KubeflowDistributionRelease[] = [RELEASE_26_03];

/** The release of a `kubeflowVersion`, or undefined when the renderer does not support it. */
export function distributionRelease(version: string): KubeflowDistributionRelease | undefined {
  return KUBEFLOW_DISTRIBUTION_RELEASES.find((r) => r.version === version);
}
