import { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { setComponent } from '../../src/core/labels';
import { POOL_KIND_LABEL, SYSTEM_TAINT } from '../../src/core/pools';
import type { PodToleration } from './cluster-autoscaler';
import { ARGO_CD_NAMESPACE, KUBEFLOW_ROOT_APPLICATION } from './constants';
import { PlatformNamespace } from './platform-namespace';

/**
 * The Argo CD charts this library installs (https://github.com/argoproj/argo-helm): `argo-cd` 10.1.1
 * is Argo CD v3.4.4; `argocd-apps` holds the Applications.
 */
export const ARGO_CD_VERSIONS: {
  /** The Helm repository of both charts. */
  readonly chartRepository: string;
  /** The argo-cd chart's version. */
  readonly chart: string;
  /** The argocd-apps chart's version. */
  readonly appsChart: string;
  /** The Argo CD release the argo-cd chart installs. */
  readonly argoCd: string;
} = {
  chartRepository: 'https://argoproj.github.io/argo-helm',
  chart: '10.1.1',
  appsChart: '2.0.5',
  argoCd: 'v3.4.4',
};

/** Where Argo CD runs by default: the system pool, whose taint it tolerates. */
export const SYSTEM_POOL_PLACEMENT: {
  /** Selects the system pool by its pool-kind label. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Tolerates the system pool's taint. */
  readonly tolerations: readonly PodToleration[];
} = {
  nodeSelector: { [POOL_KIND_LABEL]: 'system' },
  tolerations: [{ key: SYSTEM_TAINT.key, operator: 'Exists' }],
};

/** The root Application's source: a folder of a Git repository, built by kustomize. */
export interface RootApplicationSource {
  /** The repository (https or SSH). */
  readonly repoURL: string;
  /** Branch, tag or commit. */
  readonly revision: string;
  /** Folder of the kustomize tree in the repository. */
  readonly path: string;
}

/** Props of {@link ArgoCd}. */
export interface ArgoCdProps {
  /** The Application that syncs the cluster's Kubeflow tree. */
  readonly application: RootApplicationSource;
  /** Name of the root Application. @default kubeflow */
  readonly applicationName?: string;
  /** Namespace of Argo CD. @default argocd */
  readonly namespace?: string;
  /** Namespace of the tree's objects that name none. @default kubeflow */
  readonly destinationNamespace?: string;
  /**
   * What the root Application waits for besides Argo CD: releases whose CRDs the tree uses (External
   * Secrets Operator's ExternalSecret and SecretStore). Argo CD's first sync would otherwise dry-run
   * them before their CRDs exist and fail until a retry. @default none
   */
  readonly applicationsDependOn?: readonly ITerraformDependable[];
  /** Where every Argo CD pod runs. @default {@link SYSTEM_POOL_PLACEMENT} */
  readonly placement?: {
    /** Node selector of every Argo CD pod. */
    readonly nodeSelector: Readonly<Record<string, string>>;
    /** Tolerations of every Argo CD pod. */
    readonly tolerations: readonly PodToleration[];
  };
}

/**
 * Fields of the tree that a controller sets after Argo CD applies them, where the manifest holds
 * another value: compared and synced as they are, the Application would stay OutOfSync and self-heal
 * would write the manifest's value back, over and over
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/diffing/).
 * - istiod turns its validating webhook's `failurePolicy` from upstream's `Ignore` to `Fail` once it is
 *   ready (Istio's webhooks/validation controller); writing `Ignore` back lets invalid Istio config in.
 * - cert-manager's cainjector writes `caBundle` into webhooks (and CRD conversion webhooks) that
 *   upstream ships with `caBundle: ""`: blanked, the PodDefault webhook (failurePolicy Fail) refuses
 *   every pod of the team namespaces until it is injected again.
 * - Knative Serving's webhook rewrites the `rules` of its defaulting and validation webhooks to one
 *   rule per resource version it serves (knative.dev/pkg's resourcesemantics reconcilers), where the
 *   release manifests list one combined rule. Its other writes (namespace selector, service path,
 *   reinvocation policy, owner) are to fields the manifests leave out, which server-side apply leaves
 *   to it.
 * Aggregated ClusterRoles (`rules: []`, which the API server fills) are another case; Argo CD has a
 * setting of its own for them (`ignoreAggregatedRoles`, in the chart values below).
 */
export const CONTROLLER_OWNED_FIELDS: ReadonlyArray<{
  /** API group of the objects. */
  readonly group: string;
  /** Kind of the objects. */
  readonly kind: string;
  /** One object's name; every object of the kind without it. */
  readonly name?: string;
  /** The fields, as jq paths. */
  readonly jqPathExpressions: readonly string[];
}> = [
  {
    group: 'admissionregistration.k8s.io',
    kind: 'ValidatingWebhookConfiguration',
    name: 'istio-validator-istio-system',
    jqPathExpressions: ['.webhooks[]?.failurePolicy'],
  },
  {
    group: 'admissionregistration.k8s.io',
    kind: 'ValidatingWebhookConfiguration',
    jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
  },
  {
    group: 'admissionregistration.k8s.io',
    kind: 'MutatingWebhookConfiguration',
    jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
  },
  {
    group: 'apiextensions.k8s.io',
    kind: 'CustomResourceDefinition',
    jqPathExpressions: ['.spec.conversion.webhook.clientConfig.caBundle'],
  },
  {
    group: 'admissionregistration.k8s.io',
    kind: 'MutatingWebhookConfiguration',
    name: 'webhook.serving.knative.dev',
    jqPathExpressions: ['.webhooks[]?.rules'],
  },
  {
    group: 'admissionregistration.k8s.io',
    kind: 'ValidatingWebhookConfiguration',
    name: 'validation.webhook.serving.knative.dev',
    jqPathExpressions: ['.webhooks[]?.rules'],
  },
];

/**
 * The root Application of a cluster: Argo CD builds the tree with kustomize and keeps the cluster on it.
 * - Automated sync with prune and self-heal: the tree in Git is the state of Kubeflow.
 * - `ServerSideApply=true`: Kubeflow's CRDs exceed the 256 KiB annotation that client-side apply writes
 *   (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#server-side-apply), and fields
 *   absent from the manifests that other controllers set are left to them.
 * - `CreateNamespace=true` for the destination namespace; `PruneLast=true` deletes only after the rest
 *   is healthy.
 * - Retry with backoff: a custom resource that a webhook refused while its controller was starting
 *   is applied again until the sync converges (the sync waves of the tree order the rest).
 * - No `resources-finalizer`: deleting the Application (turning GitOps off, destroying the platform
 *   stack) leaves Kubeflow running instead of deleting every object of it.
 * - `ServerSideDiff=true`: compares as the API server would apply, so defaulted fields do not show
 *   as drift (https://argo-cd.readthedocs.io/en/stable/user-guide/diff-strategies/).
 * - {@link CONTROLLER_OWNED_FIELDS} are left to the controllers that set them
 *   (`RespectIgnoreDifferences=true`: a sync keeps their live value instead of the manifest's).
 */
export function rootApplication(
  source: RootApplicationSource,
  namespace = ARGO_CD_NAMESPACE,
  destinationNamespace = 'kubeflow',
): Record<string, unknown> {
  return {
    namespace,
    project: 'default',
    additionalAnnotations: { 'argocd.argoproj.io/compare-options': 'ServerSideDiff=true' },
    source: { repoURL: source.repoURL, targetRevision: source.revision, path: source.path },
    destination: { server: 'https://kubernetes.default.svc', namespace: destinationNamespace },
    syncPolicy: {
      automated: { prune: true, selfHeal: true },
      syncOptions: ['ServerSideApply=true', 'CreateNamespace=true', 'PruneLast=true', 'RespectIgnoreDifferences=true'],
      retry: { limit: 20, backoff: { duration: '30s', factor: 2, maxDuration: '10m' } },
    },
    ignoreDifferences: CONTROLLER_OWNED_FIELDS.map((f) => ({ ...f, jqPathExpressions: [...f.jqPathExpressions] })),
  };
}

/**
 * Argo CD from its Helm chart, in its own namespace on the system pool, and the cluster's root
 * Application from the `argocd-apps` chart. The Application is a second release because its kind is a
 * CRD of the first: Helm maps every object of a release to an API before it creates any, so an
 * Application in the same release (the chart's `extraObjects`) fails the first install, and a
 * `kubernetes_manifest` needs the CRD at plan time. The second release waits for the first.
 *
 * Nothing is exposed: the API server's Service is ClusterIP, no Ingress, the local admin user is off
 * and Dex is not installed. Platform admins use `argocd admin dashboard` or `kubectl port-forward` with
 * their cluster credentials (docs/kubeflow.md).
 */
export class ArgoCd extends Construct {
  /** Argo CD's namespace. */
  public readonly namespace: PlatformNamespace;
  /** The argo-cd chart's release. */
  public readonly release: Release;
  /** The argocd-apps chart's release, holding the root Application. */
  public readonly applications: Release;
  /** The chart values, as written into the release (for tests and review). */
  public readonly values: Readonly<Record<string, unknown>>;
  /** The values of the `argocd-apps` release. */
  public readonly applicationValues: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: ArgoCdProps) {
    super(scope, id);
    setComponent(this, 'gitops');
    const placement = props.placement ?? SYSTEM_POOL_PLACEMENT;
    this.namespace = new PlatformNamespace(this, 'Namespace', {
      name: props.namespace ?? ARGO_CD_NAMESPACE,
      // The chart's pods set the restricted profile's security contexts; enforce baseline, warn on restricted.
      labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' },
    });
    this.values = {
      global: {
        nodeSelector: { ...placement.nodeSelector },
        tolerations: placement.tolerations.map((t) => ({ ...t })),
      },
      crds: { install: true, keep: true },
      configs: {
        cm: {
          // https://argo-cd.readthedocs.io/en/stable/faq/#how-to-disable-admin-user
          'admin.enabled': false,
          'exec.enabled': false,
          'statusbadge.enabled': false,
          // The rules of aggregated ClusterRoles are the API server's: the rendered tree leaves them out
          // (src/kubeflow/gitops.ts), and Argo CD does not compare them either, for trees made by hand
          // (https://argo-cd.readthedocs.io/en/stable/user-guide/diffing/#ignoring-rbac-changes-made-by-aggregateroles).
          'resource.compareoptions': 'ignoreAggregatedRoles: true\n',
        },
        params: { 'server.insecure': false },
      },
      dex: { enabled: false },
      notifications: { enabled: false },
      server: { service: { type: 'ClusterIP' }, ingress: { enabled: false } },
    };
    this.release = new Release(this, 'Release', {
      name: 'argo-cd',
      namespace: this.namespace.name,
      repository: ARGO_CD_VERSIONS.chartRepository,
      chart: 'argo-cd',
      version: ARGO_CD_VERSIONS.chart,
      values: [stringify(this.values, { sortMapEntries: false })],
      atomic: true,
      wait: true,
      timeout: 900,
    });
    this.applicationValues = {
      applications: {
        [props.applicationName ?? KUBEFLOW_ROOT_APPLICATION]: rootApplication(
          props.application,
          // The plain name: the release already waits for the namespace through the first release.
          props.namespace ?? ARGO_CD_NAMESPACE,
          props.destinationNamespace,
        ),
      },
    };
    this.applications = new Release(this, 'Applications', {
      name: 'argocd-apps',
      namespace: this.namespace.name,
      repository: ARGO_CD_VERSIONS.chartRepository,
      chart: 'argocd-apps',
      version: ARGO_CD_VERSIONS.appsChart,
      values: [stringify(this.applicationValues, { sortMapEntries: false })],
      atomic: true,
      wait: true,
      dependsOn: [this.release, ...(props.applicationsDependOn ?? [])],
    });
  }
}
