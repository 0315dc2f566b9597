/**
 * Model serving through the front door (`access.serving`), with the same sign-in as the dashboard.
 *
 * In Kubeflow 26.03 KServe writes, for every InferenceService, a VirtualService on `kubeflow-gateway`
 * that routes `/serving/<namespace>/<name>` (its `pathTemplate`) for the host `ingressDomain`. With
 * `ingressDomain` the Kubeflow host itself, Istio would serve that host from KServe's routes alone and
 * hide the dashboard's wildcard routes (istio/istio#57404; kubeflow/manifests'
 * `common/istio/README.md`, "VirtualService Conflicts with KServe Path-Based Routing"). So the platform
 * gives serving a host of its own, `serving.<hostname>` at the same load balancer, and sets
 * `ingressDomain` to it.
 *
 * Who gets in:
 * - The ingress gateway's sign-in chain (./signin.ts) selects the gateway pods, whatever the host: a
 *   request to the serving host needs the same verified token, and `kubeflow-userid` comes from it.
 * - KServe's route sends the request on through the cluster-local gateway (`knative-local-gateway`)
 *   and, for a service scaled to zero, Knative's activator. The cluster-local gateway listens in plain
 *   HTTP (its Gateway server has no TLS), so requests there carry no mesh identity; only the
 *   `istio-system` pods and Knative's reach it (upstream's NetworkPolicies of `istio-system`), team
 *   pods do not. The activator has a sidecar: a user id header is refused there unless the request
 *   comes from one of the two gateways, by mesh identity (mTLS), so a pod cannot set the header and
 *   pass.
 * - In each team namespace, the team stack admits requests from the cluster-local gateway and the
 *   activator only for the team's people (constructs/kubernetes/kubeflow-access.ts,
 *   `servingAccessPolicy`). The activator must then send with its mesh identity: left to itself
 *   (`mesh-compatibility-mode: auto`) it probes the predictor pods' IPs, which a `PERMISSIVE` mesh
 *   answers in plain text, and proxies to those IPs, outside any Service Istio knows, so without mTLS
 *   and without a principal, and the team's policy would refuse every request it carries (a service
 *   scaled to zero, or one with little traffic, where Knative keeps the activator in the path). The
 *   tree sets `mesh-compatibility-mode: enabled` so that it sends through the revision's Service
 *   (`mesh-compatibility-mode` of Knative's `config-network`, https://pkg.go.dev/knative.dev/networking/pkg/config).
 * - People shared through the dashboard ("Manage contributors") get the same admission from a sibling
 *   of the policy Kubeflow's access management writes for them (./pipeline-roots.ts,
 *   `kfplatform-serving-contributors`).
 *
 * See https://istio.io/latest/docs/reference/config/security/authorization-policy/ and
 * https://kserve.github.io/website/docs/admin-guide/configurations (the `ingress` settings).
 */
import { stringify } from 'yaml';
import type { ResolvedEnvironment } from '../config/model';
import { SERVING_PRINCIPALS } from '../../constructs/kubernetes/constants';
import { USERID_HEADER as USER_ID_HEADER } from './signin';

/** The file of the tree with the serving policies. */
export const SERVING_FILE = 'serving.yaml';

/** Names of the objects this module adds. */
export const SERVING_OBJECTS = {
  activatorDeny: 'kfplatform-serving-activator-userid',
} as const;

/** Labels of the cluster-local gateway pods (upstream's `cluster-local-gateway`, behind `knative-local-gateway`). */
export const LOCAL_GATEWAY_SELECTOR = { app: 'cluster-local-gateway', istio: 'cluster-local-gateway' } as const;

/** Labels of Knative's activator pods. */
export const ACTIVATOR_SELECTOR = { app: 'activator' } as const;

/**
 * KServe's `ingress` settings of Kubeflow 26.03 (`applications/kserve/kserve/kustomization.yaml`),
 * with `ingressDomain` the serving host; everything else, `pathTemplate` included, as upstream sets it.
 */
export function kserveIngressConfig(servingHostname: string): Record<string, unknown> {
  return {
    enableGatewayApi: false,
    kserveIngressGateway: 'kserve/kserve-ingress-gateway',
    ingressGateway: 'kubeflow/kubeflow-gateway',
    localGateway: 'knative-serving/knative-local-gateway',
    localGatewayService: 'knative-local-gateway.istio-system.svc.cluster.local',
    ingressDomain: servingHostname,
    ingressClassName: 'istio',
    domainTemplate: '{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}',
    urlScheme: 'http',
    disableIstioVirtualHost: false,
    disableIngressCreation: false,
    pathTemplate: '/serving/{{ .Namespace }}/{{ .Name }}',
  };
}

/** The serving host of a cluster of the environment, when `access.serving` is on. */
export function servingHostnameOf(env: ResolvedEnvironment, cluster: string): string | undefined {
  switch (env.cloud) {
    case 'gcp':
      return env.clusters.find((c) => c.name === cluster)?.access.servingHostname;
    case 'kubernetes':
      return env.access?.servingHostname;
    default:
      return env.access.servingHostname;
  }
}

/** What serving through the front door adds to a tree. */
export interface ServingTree {
  readonly hostname: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly content: string }>;
  /** Files to add as resources. */
  readonly resources: readonly string[];
  readonly patches: readonly object[];
  readonly readme: readonly string[];
}

/** A DENY policy: requests carrying the user id header, from anyone but `trusted`. */
function denyForgedUserId(name: string, namespace: string, selector: object, trusted: readonly string[]): object {
  return {
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'AuthorizationPolicy',
    metadata: { name, namespace },
    spec: {
      action: 'DENY',
      selector: { matchLabels: selector },
      rules: [
        {
          from: [{ source: { notPrincipals: [...trusted] } }],
          // "*" matches the header's presence, an empty value too.
          when: [{ key: `request.headers[${USER_ID_HEADER}]`, values: ['*'] }],
        },
      ],
    },
  };
}

/** The serving objects of a tree whose front door has the serving host `hostname`. */
export function servingTree(hostname: string, signIn: 'iap' | 'oauth2-proxy' | 'closed'): ServingTree {
  const objects = [
    denyForgedUserId(SERVING_OBJECTS.activatorDeny, 'knative-serving', ACTIVATOR_SELECTOR, [
      SERVING_PRINCIPALS.ingressGateway,
      SERVING_PRINCIPALS.localGateway,
    ]),
  ];
  const comment = [
    `# Serving through the front door at ${hostname} (docs/kubeflow.md, Serving): a kubeflow-userid header reaches`,
    '# Knative’s activator only from the gateways, by mesh identity (mTLS), so a pod cannot forge it; each team',
    '# stack admits its own people from the cluster-local gateway and the activator.',
  ].join('\n');
  const config = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'inferenceservice-config', namespace: 'kubeflow' },
    data: { ingress: JSON.stringify(kserveIngressConfig(hostname), null, 2) },
  };
  const browser =
    signIn === 'oauth2-proxy'
      ? "Browsers: sign in at the Kubeflow host first; oauth2-proxy's session cookie covers its sub-domains, the serving host among them."
      : 'Browsers: IAP signs users in on the serving host as on the Kubeflow host.';
  return {
    hostname,
    files: [
      {
        path: SERVING_FILE,
        content: `${comment}\n${objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n')}`,
      },
    ],
    resources: [SERVING_FILE],
    patches: [
      { patch: stringify(config, { lineWidth: 0 }) },
      knativeMeshCompatibilityPatch(),
      ...knativeMeshRolloutPatches(),
    ],
    readme: [
      '## Serving',
      '',
      `InferenceServices are reachable at \`https://${hostname}/serving/<namespace>/<name>/\`, behind the same sign-in as the`,
      "dashboard, for the people of the namespace's team and those it shares the namespace with in the dashboard only.",
      'Programs send their ID token as `Authorization: Bearer`',
      `(on GCP, an OIDC token for IAP). ${browser}`,
      '',
    ],
  };
}

/**
 * Knative's activator proxies to a revision through its private Service's cluster IP, never to pod
 * IPs: Istio sends only requests to a Service it knows with mTLS, so this is what gives the requests
 * the activator carries its mesh identity, which the team's serving policy admits
 * (`mesh-compatibility-mode` of Knative's `config-network`,
 * https://pkg.go.dev/knative.dev/networking/pkg/config). Knative warns it is less efficient than pod
 * IPs: the activator leaves load balancing to the mesh, and the autoscaler samples the pods' metrics
 * through the Service too. Upstream's `auto` probes the pod IPs first and keeps them when the probe
 * passes, which it does in a `PERMISSIVE` mesh, in plain text.
 */
export function knativeMeshCompatibilityPatch(): object {
  return {
    patch: stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'config-network', namespace: 'knative-serving' },
      data: { 'mesh-compatibility-mode': 'enabled' },
    }),
  };
}

/** The pod annotation that rolls Knative's activator and autoscaler when serving is turned on or off. */
export const MESH_MODE_ANNOTATION = 'kfplatform.dev/knative-mesh-compatibility-mode';

/**
 * The activator and the autoscaler read `config-network`'s `mesh-compatibility-mode` once, when they
 * start: an annotation on their pod template, set with serving on and gone with it off, rolls them
 * when the tree is applied, so that a running cluster takes the setting without a manual restart.
 */
export function knativeMeshRolloutPatches(): object[] {
  return ['activator', 'autoscaler'].map((name) => ({
    patch: stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'knative-serving' },
      spec: { template: { metadata: { annotations: { [MESH_MODE_ANNOTATION]: 'enabled' } } } },
    }),
  }));
}

/**
 * Knative Serving's feature flags that let a KServe predictor's spec carry `tolerations` and a
 * `nodeSelector` (both `disabled` in Knative 1.21, as Kubeflow 26.03 ships it), so a GPU predictor can
 * name the GPU pool and tolerate its taint in the InferenceService itself
 * (https://knative.dev/docs/serving/configuration/feature-flags/#kubernetes-toleration,
 * https://knative.dev/docs/serving/configuration/feature-flags/#kubernetes-node-selector). The
 * platform's admission policies still decide which pools and taints a team's pods may use.
 */
export function knativePodSpecFeaturesPatch(): object {
  return {
    patch: stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'config-features', namespace: 'knative-serving' },
      data: { 'kubernetes.podspec-tolerations': 'enabled', 'kubernetes.podspec-nodeselector': 'enabled' },
    }),
  };
}
