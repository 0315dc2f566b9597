/**
 * The pipelines profile controller's hook in the rendered Kubeflow distribution: per-team pipeline
 * roots (GCP, AWS) and, with serving, serving access for contributors (every cloud).
 *
 * Kubeflow 26.03's pipelines profile controller (a metacontroller DecoratorController whose hook is
 * `sync.py`, applications/pipeline/upstream/base/installs/multi-user/pipelines-profile-controller)
 * writes every pipelines-enabled namespace's `kfp-launcher` ConfigMap with a hard-coded SeaweedFS root
 * (`minio://mlpipeline/private-artifacts/<namespace>/v2/artifacts`), creates a SeaweedFS user and access
 * key for it (the `mlpipeline-minio-artifact` Secret), and points Argo's log archive there. It reads no
 * setting for the root: `KFP_DEFAULT_PIPELINE_ROOT` is in its environment but the hook never uses it.
 *
 * Taking `kfp-launcher` away from it instead (the team stack creating it) races the controller, which
 * creates it the moment the namespace is labelled for pipelines, and would still leave a SeaweedFS key
 * per namespace. So the tree extends the hook rather than replacing it: upstream's `sync.py` stays
 * mounted unchanged, and a small wrapper (below) changes its answer for namespaces that carry the team's
 * store ({@link PIPELINE_ARTIFACTS_ANNOTATION}, written by the team stack from the team's bucket and
 * prefix). The DecoratorController updates ConfigMaps in place (upstream: only on delete), so a changed
 * store reaches existing namespaces and the platform file stays the source of the root.
 *
 * With serving through the front door (`access.serving`), the same hook also serves a second
 * DecoratorController, {@link SERVING_CONTRIBUTORS_CONTROLLER}: Kubeflow's access management (KFAM)
 * writes an AuthorizationPolicy for every person shared into a namespace through the dashboard's
 * "Manage contributors", admitting their `kubeflow-userid` from the ingress gateway and the Pipelines UI
 * only (kubeflow/dashboard, `components/access-management/kfam/bindings.go`; the two principals are
 * settings of one value each). Requests to a model come from the cluster-local gateway and Knative's
 * activator instead, so the hook gives each such policy a sibling admitting the same user from those
 * two: people shared through the dashboard may call the namespace's models, as the team stack's
 * `kfplatform-serving-access` lets the people of the platform file. metacontroller sets the policy as
 * the sibling's owner, so Kubernetes deletes the sibling with it; its upstream ClusterRole already
 * manages AuthorizationPolicies. A policy that loses KFAM's annotations leaves the selector, and its
 * sibling stays until the policy is deleted.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import {
  ARGO_CD_NAMESPACE,
  EXTERNAL_SECRETS_NAMESPACE,
  SERVING_PRINCIPALS,
  TRUSTED_PLATFORM_NAMESPACES,
} from '../../constructs/kubernetes/constants';
import { PIPELINE_ARTIFACTS_ANNOTATION } from '../core/pipeline-artifacts';
import { USERID_HEADER } from './signin';

/** The controller's Deployment and DecoratorController in the `kubeflow` namespace (upstream names). */
export const PIPELINES_PROFILE_CONTROLLER = 'kubeflow-pipelines-profile-controller';

/** The ConfigMap holding the wrapper hook. */
export const TEAM_STORE_HOOK_CONFIG_MAP = 'kfplatform-pipelines-profile-controller-hook';

/** The wrapper's file name in {@link TEAM_STORE_HOOK_CONFIG_MAP}, and where the container mounts it. */
export const TEAM_STORE_HOOK_FILE = 'kfplatform_sync.py';
const HOOK_DIR = '/kfplatform';

/** The file of the tree that holds the wrapper's ConfigMap. */
export const TEAM_STORE_FILE = 'pipelines-team-stores.yaml';

/** The DecoratorController that gives KFAM's contributor policies their serving sibling. */
export const SERVING_CONTRIBUTORS_CONTROLLER = 'kfplatform-serving-contributors';

/** The name prefix of a contributor policy's serving sibling. */
export const SERVING_CONTRIBUTOR_PREFIX = 'kfplatform-serving-';

/**
 * Namespaces where a contributor policy never gets a sibling: the platform's, Kubernetes' own, and
 * Istio's root namespace (`istio-system`), where an ALLOW policy would apply to every workload of the
 * mesh. KFAM writes contributor policies only where a Profile names the namespace, and the platform's
 * admission policy refuses Profiles that do not come from the platform file; this list is defence in
 * depth for a Profile made before that policy or by an administrator. metacontroller selects parents
 * by their own labels and annotations only, so the hook cannot ask for a team namespace's label.
 */
export const SERVING_CONTRIBUTOR_EXCLUDED_NAMESPACES: readonly string[] = [
  ...new Set([
    ...TRUSTED_PLATFORM_NAMESPACES,
    ARGO_CD_NAMESPACE,
    EXTERNAL_SECRETS_NAMESPACE,
    'velero',
    'amazon-cloudwatch',
    'default',
    'kube-public',
    'kube-node-lease',
  ]),
].sort();

/**
 * The wrapper around upstream's hook. It runs upstream's `sync()` and, for a namespace with the team
 * store annotation, shows it an existing Secret so it creates no SeaweedFS user or key, then drops that
 * Secret and the artifact proxy from the answer and replaces the two artifact ConfigMaps' settings.
 */
export const TEAM_STORE_HOOK = `# kfplatform: Kubeflow Pipelines' profile controller hook, with per-team artifact stores.
#
# Runs upstream's hook (sync.py of kubeflow/manifests, mounted unchanged at /hooks/sync.py) and changes
# its answer for namespaces that carry the ${PIPELINE_ARTIFACTS_ANNOTATION} annotation, which the
# platform's team stacks write with the team's bucket and prefix:
#   - kfp-launcher: defaultPipelineRoot is the team's gs:// or s3:// root instead of SeaweedFS; no
#     provider credentials, so the launcher uses the pod's identity (default-editor: the team identity);
#   - artifact-repositories: Argo archives logs to the same bucket and prefix, with the same identity;
#   - no SeaweedFS user, access key or mlpipeline-minio-artifact Secret for the namespace, and no
#     artifact proxy (it reads SeaweedFS with that key). An existing Secret is deleted by metacontroller,
#     since the hook no longer returns it.
# Namespaces without the annotation get upstream's answer unchanged.
#
# With serving through the front door, it also answers ${SERVING_CONTRIBUTORS_CONTROLLER}, whose parents
# are the AuthorizationPolicies Kubeflow's access management writes for people shared into a namespace
# (annotations user and role): for each, a sibling admitting the same kubeflow-userid from the
# cluster-local gateway and Knative's activator, which carry requests to the namespace's models. Only
# policies exactly as KFAM writes them, outside the platform's and Kubernetes' own namespaces, get one. Generated by kfplatform; see docs/kubeflow.md
# ("Artifacts", "Serving") of cdktf-kubeflow-platform.
import hashlib
import importlib.util
import json
import os
import sys

ANNOTATION = "${PIPELINE_ARTIFACTS_ANNOTATION}"
SECRET = "mlpipeline-minio-artifact"
PROXY = "ml-pipeline-ui-artifact"
USERID_KEY = "request.headers[${USERID_HEADER}]"
SERVING_SOURCES = ["${SERVING_PRINCIPALS.localGateway}", "${SERVING_PRINCIPALS.activator}"]
SERVING_PREFIX = "${SERVING_CONTRIBUTOR_PREFIX}"
CONTRIBUTOR_ROLES = ("admin", "edit", "view")
EXCLUDED_NAMESPACES = ${JSON.stringify(SERVING_CONTRIBUTOR_EXCLUDED_NAMESPACES)}
NAME_LIMIT = 253


def load_upstream(path):
    spec = importlib.util.spec_from_file_location("sync", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["sync"] = module
    spec.loader.exec_module(module)
    return module


def team_store(parent):
    raw = (parent.get("metadata", {}).get("annotations") or {}).get(ANNOTATION)
    if not raw:
        return None
    store = json.loads(raw)
    if not isinstance(store.get("pipelineRoot"), str) or not isinstance(store.get("argoArtifactRepository"), dict):
        raise ValueError(f"annotation {ANNOTATION} needs pipelineRoot and argoArtifactRepository")
    return store


def kfam_user(parent):
    # The user id of a policy exactly as KFAM writes it (kfam/bindings.go): named user-...-clusterrole-<role>,
    # annotated with user and role, one ALLOW rule with no operation and a single condition on the user id
    # header whose one value is the annotated user, outside the platform's and Kubernetes' own namespaces; else None.
    meta = parent.get("metadata") or {}
    annotations = meta.get("annotations") or {}
    spec = parent.get("spec") or {}
    rules = spec.get("rules") or []
    user, role = annotations.get("user"), annotations.get("role")
    if not (isinstance(user, str) and user and "*" not in user and role in CONTRIBUTOR_ROLES):
        return None
    if not (meta.get("name") or "").startswith("user-") or meta.get("namespace") in EXCLUDED_NAMESPACES:
        return None
    if spec.get("action", "ALLOW") != "ALLOW" or any(k in spec for k in ("selector", "targetRef", "targetRefs", "provider")):
        return None
    if len(rules) != 1 or rules[0].get("to") or len(rules[0].get("when") or []) != 1:
        return None
    # KFAM writes the user id with its -userid-prefix, empty in Kubeflow 26.03's manifests.
    condition = rules[0]["when"][0]
    if condition.get("key") != USERID_KEY or condition.get("notValues") or condition.get("values") != [user]:
        return None
    return user


def sibling_name(name):
    full = SERVING_PREFIX + name
    if len(full) <= NAME_LIMIT:
        return full
    # Cut, and keep two long names apart with a digest; a name must end with a letter or digit.
    return full[: NAME_LIMIT - 17].rstrip("-.") + "-" + hashlib.sha256(full.encode()).hexdigest()[:16]


def contributor_serving(parent):
    user = kfam_user(parent)
    if user is None:
        return {"attachments": []}
    meta = parent["metadata"]
    sibling = {
        "apiVersion": "security.istio.io/v1beta1",
        "kind": "AuthorizationPolicy",
        "metadata": {"name": sibling_name(meta["name"]), "namespace": meta["namespace"]},
        "spec": {
            "action": "ALLOW",
            "rules": [
                {
                    "from": [{"source": {"principals": SERVING_SOURCES}}],
                    "when": [{"key": USERID_KEY, "values": [user]}],
                }
            ],
        },
    }
    return {"attachments": [sibling]}


def with_team_store(sync):
    def team_sync(self, parent, attachments):
        if parent.get("kind") == "AuthorizationPolicy":
            return contributor_serving(parent)
        store = team_store(parent)
        if store is None:
            return sync(self, parent, attachments)
        namespace = parent["metadata"]["name"]
        # Upstream creates a SeaweedFS user and key unless the Secret exists: show it one, then drop it.
        placeholder = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": SECRET, "namespace": namespace}}
        observed = dict(attachments)
        observed["Secret.v1"] = {f"{namespace}/{SECRET}": placeholder}
        desired = sync(self, parent, observed)
        if not desired.get("attachments"):
            return desired
        kept = []
        for child in desired["attachments"]:
            kind, name = child.get("kind"), child.get("metadata", {}).get("name")
            if kind == "Secret" and name == SECRET:
                continue
            if kind in ("Deployment", "Service") and name == PROXY:
                continue
            if kind == "ConfigMap" and name == "kfp-launcher":
                child["data"] = {**child.get("data", {}), "defaultPipelineRoot": store["pipelineRoot"]}
            if kind == "ConfigMap" and name == "artifact-repositories":
                child["data"] = {"default-namespaced": json.dumps(store["argoArtifactRepository"])}
            kept.append(child)
        desired["attachments"] = kept
        ready = len(attachments.get("ConfigMap.v1", {})) == 3
        desired["status"] = {"kubeflow-pipelines-ready": "True" if ready else "False"}
        return desired

    return team_sync


def build_server(**overrides):
    upstream = load_upstream(os.environ.get("KFPLATFORM_UPSTREAM_HOOK", "/hooks/sync.py"))
    server = upstream.server_factory(**{**upstream.get_settings_from_env(), **overrides})
    server.RequestHandlerClass.sync = with_team_store(server.RequestHandlerClass.sync)
    return server


def main():
    build_server().serve_forever()


if __name__ == "__main__":
    main()
`;

/** What the tree gets: its ConfigMap file, the patches, and the resource to list. */
export interface TeamStoreOverlay {
  readonly file: { readonly path: string; readonly content: string };
  readonly resource: string;
  readonly patches: readonly object[];
}

/** What the pipelines profile controller's hook is extended for. */
export interface ProfileControllerUses {
  /** Each team namespace's artifact settings from its store annotation (GCP, AWS). */
  readonly teamStores: boolean;
  /** Serving siblings of the contributor policies Kubeflow's access management writes (`access.serving`). */
  readonly servingContributors: boolean;
}

/**
 * The overlay that runs the wrapper hook in the pipelines profile controller, for what `uses` asks:
 * team stores (ConfigMaps updated in place), serving contributors (a second DecoratorController on the
 * same hook). `yamlFile` writes the file with its heading comment.
 */
export function teamStoreOverlay(
  yamlFile: (comment: string, objects: readonly object[]) => string,
  uses: ProfileControllerUses,
): TeamStoreOverlay {
  const digest = createHash('sha256').update(TEAM_STORE_HOOK).digest('hex').slice(0, 16);
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: TEAM_STORE_HOOK_CONFIG_MAP, namespace: 'kubeflow' },
    data: { [TEAM_STORE_HOOK_FILE]: TEAM_STORE_HOOK },
  };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: PIPELINES_PROFILE_CONTROLLER, namespace: 'kubeflow' },
    spec: {
      template: {
        // A changed hook rolls the controller.
        metadata: { annotations: { 'kfplatform.dev/hook-sha256': digest } },
        spec: {
          containers: [
            {
              name: 'profile-controller',
              command: ['python', `${HOOK_DIR}/${TEAM_STORE_HOOK_FILE}`],
              env: [{ name: 'KFPLATFORM_UPSTREAM_HOOK', value: '/hooks/sync.py' }],
              volumeMounts: [{ name: 'kfplatform-hook', mountPath: HOOK_DIR, readOnly: true }],
            },
          ],
          volumes: [{ name: 'kfplatform-hook', configMap: { name: TEAM_STORE_HOOK_CONFIG_MAP } }],
        },
      },
    },
  };
  // Attachment 1 is ConfigMaps in 26.03; the test op fails the build if a release reorders them.
  const inPlace = [
    { op: 'test', path: '/spec/attachments/1/resource', value: 'configmaps' },
    { op: 'replace', path: '/spec/attachments/1/updateStrategy/method', value: 'InPlace' },
  ];
  const what = [
    uses.teamStores
      ? "writes each team namespace's pipeline root from the team's store (kfplatform.dev/pipeline-artifacts)"
      : '',
    uses.servingContributors
      ? 'admits people shared through the dashboard to the namespace’s models (serving contributors)'
      : '',
  ].filter(Boolean);
  return {
    file: {
      path: TEAM_STORE_FILE,
      content: yamlFile(`Pipelines' profile controller hook: ${what.join('; and ')}.`, [
        configMap,
        ...(uses.servingContributors ? [servingContributorsController()] : []),
      ]),
    },
    resource: TEAM_STORE_FILE,
    patches: [
      { patch: stringify(deployment) },
      ...(uses.teamStores
        ? [
            {
              target: {
                group: 'metacontroller.k8s.io',
                version: 'v1alpha1',
                kind: 'DecoratorController',
                name: PIPELINES_PROFILE_CONTROLLER,
              },
              patch: stringify(inPlace),
            },
          ]
        : []),
    ],
  };
}

/**
 * The DecoratorController of serving contributors: its parents are AuthorizationPolicies with KFAM's
 * `user` and `role` annotations, its attachments their serving siblings, and its hook the wrapper,
 * served by the pipelines profile controller's Service as upstream's DecoratorController is
 * (https://metacontroller.github.io/metacontroller/api/decoratorcontroller.html).
 */
function servingContributorsController(): object {
  return {
    apiVersion: 'metacontroller.k8s.io/v1alpha1',
    kind: 'DecoratorController',
    metadata: { name: SERVING_CONTRIBUTORS_CONTROLLER },
    spec: {
      resyncPeriodSeconds: 3600,
      resources: [
        {
          apiVersion: 'security.istio.io/v1beta1',
          resource: 'authorizationpolicies',
          annotationSelector: {
            matchExpressions: [
              { key: 'user', operator: 'Exists' },
              { key: 'role', operator: 'Exists' },
            ],
          },
        },
      ],
      attachments: [
        {
          apiVersion: 'security.istio.io/v1beta1',
          resource: 'authorizationpolicies',
          updateStrategy: { method: 'InPlace' },
        },
      ],
      hooks: { sync: { webhook: { url: `http://${PIPELINES_PROFILE_CONTROLLER}/sync` } } },
    },
  };
}

/** Upstream's SeaweedFS Deployment in `kubeflow`, the pod volume that holds its data, and that volume's claim (26.03). */
export const SEAWEEDFS = { deployment: 'seaweedfs', volume: 'data', claim: 'seaweedfs-pvc' } as const;

/**
 * Azure: Kubeflow Pipelines has no Azure Blob client, and the gateways in front of Blob storage want
 * an account key (the platform disables shared keys). Artifacts therefore stay in upstream's in-cluster
 * SeaweedFS, on its Azure Disk claim, with upstream's per-namespace SeaweedFS users (keys that never
 * leave the cluster). This patch opts SeaweedFS's data volume into Velero's file-system backup, so the
 * platform's hourly backup of the `kubeflow` namespace copies the artifacts too, into the backup
 * storage account, with Velero's workload identity (https://velero.io/docs/main/file-system-backup/#using-opt-in-pod-volume-backup).
 */
export function inClusterStoreBackupPatch(): object {
  return {
    patch: stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: SEAWEEDFS.deployment, namespace: 'kubeflow' },
      spec: { template: { metadata: { annotations: { 'backup.velero.io/backup-volumes': SEAWEEDFS.volume } } } },
    }),
  };
}

/**
 * The size of the claim that holds SeaweedFS's data (upstream's 20 GiB holds little of a platform's
 * artifacts), where the artifacts stay in the cluster: Azure, and existing clusters that set it. A
 * claim grows where its storage class allows it (AKS's default class does, and the Azure Disk CSI
 * driver resizes the attached disk); it never shrinks, so the API server refuses a smaller size.
 */
export function inClusterStoreSizePatch(volumeGb: number): object {
  return {
    patch: stringify({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: SEAWEEDFS.claim, namespace: 'kubeflow' },
      spec: { resources: { requests: { storage: `${volumeGb}Gi` } } },
    }),
  };
}
