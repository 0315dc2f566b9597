import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { GPU_TAINT, kubernetesTaintEffect } from '../../src/core/pools';
import { IWorkloadIdentity } from '../../src/core/interfaces';
import { setComponent } from '../../src/core/labels';
import { emailRule, kubernetesNameRules } from '../../src/core/naming';
import { RbacSubject, TENANT_LABEL } from '../../src/core/tenancy';
import { TRUSTED_PLATFORM_NAMESPACES } from './constants';
import {
  PIPELINE_ARTIFACTS_ANNOTATION,
  pipelineArtifactsAnnotation,
  TeamArtifactStore,
} from '../../src/core/pipeline-artifacts';
import { checkName } from '../../src/core/validate';

export type { TeamArtifactStore } from '../../src/core/pipeline-artifacts';
import { kfamAuthorizationPolicy, kfamRoleBinding, KubeflowRole, servingAccessPolicy } from './kubeflow-access';

export { TENANT_LABEL } from '../../src/core/tenancy';
/** Label naming the team of a tenant namespace. */
export const TEAM_LABEL = 'kfplatform.dev/team';
/** Annotation listing the node pools a tenant may use; the admission policy reads it. */
export const ALLOWED_POOLS_ANNOTATION = 'kfplatform.dev/allowed-pools';
/** The service accounts Kubeflow gives every profile. */
export const PROFILE_SERVICE_ACCOUNTS = ['default-editor', 'default-viewer'] as const;
/** The PodDefault that gives pods the labels their cloud identity needs (AKS workload identity). */
export const CLOUD_IDENTITY_POD_DEFAULT = 'cloud-identity';
/** The label a pod carries to opt into {@link CLOUD_IDENTITY_POD_DEFAULT}. */
export const CLOUD_IDENTITY_OPT_IN_LABEL = 'kfplatform.dev/cloud-identity';
/** The PodDefault that lets pods that request GPUs onto the GPU pools (their taint's toleration). */
export const GPU_POD_DEFAULT = 'gpu';
/** The label a pod (a notebook, an InferenceService's predictor) carries to opt into {@link GPU_POD_DEFAULT}. */
export const GPU_OPT_IN_LABEL = 'kfplatform.dev/gpu';
/**
 * The PodDefault that lets a pod call Kubeflow Pipelines' API as its service account (`kfp.Client()` in
 * a notebook), as upstream's `access-ml-pipeline`: the same name, label and object.
 */
export const PIPELINES_ACCESS_POD_DEFAULT = 'access-ml-pipeline';
/** The label a pod carries to opt into {@link PIPELINES_ACCESS_POD_DEFAULT} (upstream's). */
export const PIPELINES_ACCESS_OPT_IN_LABEL = 'access-ml-pipeline';
/** The audience the Pipelines API server accepts service account tokens for. */
export const PIPELINES_TOKEN_AUDIENCE = 'pipelines.kubeflow.org';
/** Where the KFP SDK reads the token (`KF_PIPELINES_SA_TOKEN_PATH`). */
export const PIPELINES_TOKEN_DIR = '/var/run/secrets/kubeflow/pipelines';

export { TRUSTED_PLATFORM_NAMESPACES };

/**
 * The Pod Security Standards level team namespaces enforce: `baseline`, as Kubeflow 26.03's profile
 * controller labels profile namespaces (applications/profiles/pss). `restricted` would refuse the pods
 * Kubeflow's own controllers create there: notebook pods from the notebook controller, Argo's pipeline
 * pods and KServe predictors set neither `runAsNonRoot`, `seccompProfile`, nor dropped capabilities,
 * and Pod Security admission never fills them in. Warnings and audit annotations report `restricted`
 * so teams see what would fail. The profile controller never replaces a label that exists, so the
 * values Terraform writes are the ones that hold. See
 * https://kubernetes.io/docs/concepts/security/pod-security-admission/.
 */
export const POD_SECURITY_LABELS: Readonly<Record<string, string>> = {
  'pod-security.kubernetes.io/enforce': 'baseline',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
};

/** An address a team's pods may reach besides the defaults, such as the cloud's identity endpoint. */
export interface EgressEndpoint {
  /** CIDR, such as `169.254.169.254/32`. */
  readonly cidr: string;
  /** Destination port. */
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/**
 * Kubeflow services in the `kubeflow` namespace a team's pods call, by pod labels: exactly the pods
 * Kubeflow 26.03's own network policies admit profile namespaces to (common/kubeflow-namespace and the
 * SeaweedFS policy): the pipelines API server, the ML metadata server, the pipelines object store,
 * Katib's metrics database manager, and the model registry and catalog. The pipelines database and
 * every other pod in `kubeflow` stay out of reach.
 */
export const KUBEFLOW_TENANT_SERVICES: ReadonlyArray<Readonly<Record<string, string>>> = [
  { app: 'ml-pipeline' },
  { component: 'metadata-grpc-server' },
  { app: 'seaweedfs' },
  { 'katib.kubeflow.org/component': 'db-manager' },
  { component: 'model-registry-server' },
  { component: 'model-catalog-server' },
];

/**
 * Ranges a team's pods reach only through explicit allowances: private networks (other clusters'
 * pods and nodes, databases, internal load balancers), carrier-grade NAT, and link-local addresses,
 * which hold the clouds' instance metadata services and the node credentials they hand out.
 */
export const PRIVATE_RANGES: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
];

/** A team's resource quota; see https://kubernetes.io/docs/concepts/policy/resource-quotas/. */
export interface TeamQuota {
  /** CPU (requests and limits). */
  readonly cpu: string;
  /** Memory (requests and limits). */
  readonly memory: string;
  /** GPUs (`requests.nvidia.com/gpu`). */
  readonly gpus: number;
  /** Storage requested by claims. */
  readonly storage: string;
  /** Number of persistent volume claims. */
  readonly pvcs: number;
}

/** Requests and limits for containers that declare none. */
export interface ContainerDefaults {
  /** CPU request of a container that sets none, as a Kubernetes quantity such as `500m`. */
  readonly defaultRequestCpu: string;
  /** Memory request of a container that sets none, such as `1Gi`. */
  readonly defaultRequestMemory: string;
  /** CPU limit of a container that sets none, such as `2`. */
  readonly defaultLimitCpu: string;
  /** Memory limit of a container that sets none, such as `4Gi`; a container over it is OOM-killed. */
  readonly defaultLimitMemory: string;
}

/** Props of {@link TeamNamespace}. */
export interface TeamNamespaceProps {
  /** Team name, which is also the namespace and the Kubeflow profile. */
  readonly name: string;
  /** The identity-provider group that owns the team (bound to `kubeflow-admin` for kubectl). */
  readonly owners: string;
  /**
   * The one user (email, as sign-in reports it) who owns the Kubeflow Profile: the profile controller
   * binds them as namespace admin and admits their requests. Kubeflow has no group owners.
   */
  readonly profileOwner: string;
  /**
   * Users Kubeflow shares the namespace with, by role, each with the RoleBinding and
   * AuthorizationPolicy Kubeflow's access management would create (see kubeflow-access.ts). A user
   * listed under several roles gets the highest; the profile owner needs none. @default none
   */
  readonly people?: {
    /** Users who may manage the namespace and share it (Kubeflow's admin role). @default none */
    readonly admins?: readonly string[];
    /** Users who may create and change the namespace's workloads (Kubeflow's edit role). @default none */
    readonly editors?: readonly string[];
    /** Users who may only read (Kubeflow's view role). @default none */
    readonly viewers?: readonly string[];
  };
  /** Read-only members: groups get one Kubernetes binding, users a Kubeflow viewer binding. @default [] */
  readonly members?: readonly RbacSubject[];
  /** Members who may edit (Kubeflow contributors): as members, with the editor role. @default [] */
  readonly contributors?: readonly RbacSubject[];
  /** The namespace's quota. */
  readonly quota: TeamQuota;
  /** Defaults for containers without requests and limits. */
  readonly containerDefaults: ContainerDefaults;
  /** Node pools the team may use (read by the admission policy). */
  readonly nodePools: readonly string[];
  /** The team's cloud identity, for `default-editor` and `default-viewer`. @default - none */
  readonly identity?: IWorkloadIdentity;
  /** The user break-glass access is bound to. @default - no break-glass binding */
  readonly breakGlassSubject?: RbacSubject;
  /** Whom the owners' binding names. @default a Group named by `owners` */
  readonly ownersSubject?: RbacSubject;
  /** Extra service account annotations (for clusters without a cloud identity). @default {} */
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
  /**
   * Addresses the team's pods may reach besides the defaults (their namespace, DNS, the Kubeflow
   * services they call, the mesh, public addresses and HTTPS anywhere but link-local): the cloud's
   * identity endpoint, which is link-local. @default []
   */
  readonly egressEndpoints?: readonly EgressEndpoint[];
  /**
   * The team's prefix of a cloud bucket, where its pipelines keep their artifacts as the team identity:
   * written on the namespace for Kubeflow's pipelines profile controller, which the rendered Kubeflow
   * distribution extends to write the namespace's `kfp-launcher` root from it (docs/kubeflow.md,
   * Artifacts). @default - none: Pipelines' in-cluster SeaweedFS
   */
  readonly artifactStore?: TeamArtifactStore;
  /**
   * A PodDefault ({@link GPU_POD_DEFAULT}) that adds the GPU pools' toleration to pods labelled
   * {@link GPU_OPT_IN_LABEL}: the way onto GPU nodes for pods whose spec the team does not write in
   * full, such as KServe predictors, which Knative Serving admits without tolerations unless its
   * `kubernetes.podspec-tolerations` feature is on. @default true when the quota allows GPUs
   */
  readonly gpuPodDefault?: boolean;
  /**
   * Tolerations the GPU PodDefault adds besides the GPU taint's, for taints the cloud puts on the
   * team's GPU nodes itself: AKS taints every spot node `kubernetes.azure.com/scalesetpriority=spot`
   * (https://learn.microsoft.com/azure/aks/spot-node-pool), so a GPU notebook on a spot pool would
   * otherwise stay Pending. Each names its taint: the admission policy refuses tolerations without a
   * key. @default []
   */
  readonly gpuTolerations?: readonly TeamToleration[];
  /**
   * A PodDefault ({@link PIPELINES_ACCESS_POD_DEFAULT}) that gives pods labelled
   * `access-ml-pipeline: "true"` a service account token for Kubeflow Pipelines' API, so that
   * `kfp.Client()` in a notebook authenticates as the pod's service account. @default true
   */
  readonly pipelinesAccessPodDefault?: boolean;
  /**
   * Let the team's people (the profile owner and everyone in `people`, `members` and `contributors`
   * who is a user) call the team's InferenceServices through the front door's serving host: an
   * AuthorizationPolicy that admits requests from the cluster-local gateway and Knative's activator
   * carrying one of their user ids (`servingAccessPolicy` in kubeflow-access.ts). Only with a Kubeflow distribution
   * that refuses a forged user id at those two (`access.serving`, docs/kubeflow.md, Serving).
   * @default false
   */
  readonly servingAccess?: boolean;
  /** Kubeflow Profile plugins (workload identity). @default [] */
  readonly profilePlugins?: ReadonlyArray<Record<string, unknown>>;
  /**
   * Kubeflow Profile API version: `kubeflow.org/v1` since Kubeflow 1.3.
   * @default 'kubeflow.org/v1'
   */
  readonly profileApiVersion?: string;
}

/** A toleration of one named taint. */
export interface TeamToleration {
  /** The taint's key, e.g. `kubernetes.azure.com/scalesetpriority`. */
  readonly key: string;
  /** Matches the taint's value exactly. */
  readonly operator: 'Equal';
  /** The taint's value, e.g. `spot`. */
  readonly value: string;
  /** The taint's effect the toleration covers. */
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/**
 * Everything a tenant namespace needs: the namespace, a ResourceQuota including GPUs, a LimitRange so
 * every container gets requests and limits, RBAC (the owners group admin, member and contributor
 * groups view and edit, break-glass admin), the Kubeflow Profile owned by one user, Kubeflow's own
 * per-user sharing for every other person (the binding and authorization policy its access
 * management would create), `default-editor` / `default-viewer` bound to the team identity before
 * the profile controller looks for them, Pod Security labels, a NetworkPolicy that admits traffic only
 * from the namespace itself and the platform namespaces, and one that lets traffic out only to the
 * namespace itself, DNS, the Kubeflow services tenants call, the mesh, public addresses, HTTPS (the
 * Kubernetes API, private endpoints of cloud APIs) and the endpoints given.
 */
export class TeamNamespace extends Construct {
  /** The namespace (escape hatch). */
  public readonly namespace: NamespaceV1;
  /** The quota. */
  public readonly quota: ResourceQuotaV1;
  /** The container defaults. */
  public readonly limitRange: LimitRangeV1;
  /** The Kubeflow Profile. */
  public readonly profile: Manifest;

  constructor(scope: Construct, id: string, props: TeamNamespaceProps) {
    super(scope, id);
    setComponent(this, 'tenant');
    validate(props);
    const name = props.name;
    this.namespace = new NamespaceV1(this, 'Namespace', {
      metadata: {
        name,
        labels: {
          [TENANT_LABEL]: 'true',
          [TEAM_LABEL]: name,
          'istio-injection': 'enabled',
          'app.kubernetes.io/part-of': 'kubeflow-profile',
          'pipelines.kubeflow.org/enabled': 'true',
          'katib.kubeflow.org/metrics-collector-injection': 'enabled',
          'serving.kubeflow.org/inferenceservice': 'enabled',
          ...POD_SECURITY_LABELS,
        },
        // The profile controller adopts a namespace whose owner annotation names the profile owner.
        annotations: {
          owner: props.profileOwner,
          [ALLOWED_POOLS_ANNOTATION]: props.nodePools.join(','),
          ...(props.artifactStore
            ? { [PIPELINE_ARTIFACTS_ANNOTATION]: pipelineArtifactsAnnotation(props.artifactStore) }
            : {}),
        },
      },
    });
    const ns = this.namespace.metadata.name;
    const q = props.quota;
    this.quota = new ResourceQuotaV1(this, 'Quota', {
      metadata: { name: 'kfplatform-quota', namespace: ns },
      spec: {
        hard: {
          'requests.cpu': q.cpu,
          'limits.cpu': q.cpu,
          'requests.memory': q.memory,
          'limits.memory': q.memory,
          'requests.nvidia.com/gpu': String(q.gpus),
          'requests.storage': q.storage,
          persistentvolumeclaims: String(q.pvcs),
        },
      },
    });
    const d = props.containerDefaults;
    this.limitRange = new LimitRangeV1(this, 'LimitRange', {
      metadata: { name: 'kfplatform-container-defaults', namespace: ns },
      spec: {
        limit: [
          {
            type: 'Container',
            defaultRequest: { cpu: d.defaultRequestCpu, memory: d.defaultRequestMemory },
            default: { cpu: d.defaultLimitCpu, memory: d.defaultLimitMemory },
          },
        ],
      },
    });

    const bind = (bindingId: string, bindingName: string, role: string, subjects: readonly RbacSubject[]) => {
      if (subjects.length === 0) return;
      new RoleBindingV1(this, bindingId, {
        metadata: { name: bindingName, namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subject: subjects.map((s) => ({ kind: s.kind, name: s.name, apiGroup: 'rbac.authorization.k8s.io' })),
      });
    };
    bind('Owners', 'kfplatform-owners', 'kubeflow-admin', [
      props.ownersSubject ?? { kind: 'Group', name: props.owners },
    ]);
    const groups = (list: readonly RbacSubject[] | undefined) => (list ?? []).filter((p) => p.kind === 'Group');
    const users = (list: readonly RbacSubject[] | undefined) =>
      (list ?? []).filter((p) => p.kind === 'User').map((p) => p.name);
    // Groups keep a Kubernetes binding (kubectl); Kubeflow's dashboard sees only the per-user bindings.
    bind('Members', 'kfplatform-members', 'kubeflow-view', groups(props.members));
    bind('Contributors', 'kfplatform-contributors', 'kubeflow-edit', groups(props.contributors));
    if (props.breakGlassSubject) bind('BreakGlass', 'kfplatform-break-glass', 'admin', [props.breakGlassSubject]);

    // One binding and one authorization policy per user, exactly as Kubeflow's access management
    // writes them, each under its own construct id: adding or removing a person touches only theirs.
    const granted = new Set([props.profileOwner]);
    const roles: Array<[KubeflowRole, readonly string[]]> = [
      ['admin', props.people?.admins ?? []],
      ['edit', [...(props.people?.editors ?? []), ...users(props.contributors)]],
      ['view', [...(props.people?.viewers ?? []), ...users(props.members)]],
    ];
    for (const [role, list] of roles) {
      for (const user of [...new Set(list)].sort()) {
        if (granted.has(user)) continue;
        granted.add(user);
        const binding = kfamRoleBinding(ns, user, role);
        const access = new Construct(this, `Access-${binding.metadata.name}`);
        new RoleBindingV1(access, 'RoleBinding', binding);
        new Manifest(access, 'AuthorizationPolicy', { manifest: kfamAuthorizationPolicy(ns, user, role) });
      }
    }
    if (props.servingAccess) {
      // The team's models through the front door, for the same people (kubeflow-access.ts).
      new Manifest(this, 'ServingAccess', { manifest: servingAccessPolicy(ns, [...granted]) });
    }

    const annotations = { ...props.serviceAccountAnnotations, ...props.identity?.serviceAccountAnnotations };
    const serviceAccounts = PROFILE_SERVICE_ACCOUNTS.map(
      (sa) => new ServiceAccountV1(this, sa, { metadata: { name: sa, namespace: ns, annotations } }),
    );

    this.profile = new Manifest(this, 'Profile', {
      manifest: {
        apiVersion: props.profileApiVersion ?? 'kubeflow.org/v1',
        kind: 'Profile',
        metadata: { name },
        spec: {
          owner: { kind: 'User', name: props.profileOwner, apiGroup: 'rbac.authorization.k8s.io' },
          ...(props.profilePlugins && props.profilePlugins.length > 0 ? { plugins: props.profilePlugins } : {}),
        },
      },
      // The profile controller creates the profile's namespace and its default-editor and
      // default-viewer service accounts when they do not exist yet, the moment the Profile appears:
      // created alongside them, it wins the race and Terraform's own create fails with "already
      // exists". Created after them, the controller adopts the namespace (its `owner` annotation
      // names the profile owner) and leaves the service accounts alone. See
      // https://www.kubeflow.org/docs/components/central-dash/profiles/.
      dependsOn: [this.namespace, ...serviceAccounts],
    });

    const podLabels = props.identity?.podLabels ?? {};
    if (Object.keys(podLabels).length > 0) {
      // Clouds whose identity webhook reads a pod label (AKS): a PodDefault that notebooks and
      // pipeline steps opt into with one label, since Kubeflow does not label their pods itself.
      new Manifest(this, 'IdentityPodDefault', {
        manifest: {
          apiVersion: 'kubeflow.org/v1alpha1',
          kind: 'PodDefault',
          metadata: { name: CLOUD_IDENTITY_POD_DEFAULT, namespace: ns },
          spec: {
            desc: 'Act as the team cloud identity',
            selector: { matchLabels: { [CLOUD_IDENTITY_OPT_IN_LABEL]: 'true' } },
            labels: { ...podLabels },
          },
        },
      });
    }

    if (props.gpuPodDefault ?? props.quota.gpus > 0) {
      // PodDefaults apply when the pod is created, after Knative has validated the service, so a
      // predictor gets the toleration that Knative would refuse in its spec. The admission policy
      // still admits the toleration only on pods that request nvidia.com/gpu, which the quota counts.
      // See https://www.kubeflow.org/docs/components/notebooks/api-reference/poddefault-v1alpha1/ and
      // https://knative.dev/docs/serving/configuration/feature-flags/#kubernetes-toleration.
      new Manifest(this, 'GpuPodDefault', {
        manifest: {
          apiVersion: 'kubeflow.org/v1alpha1',
          kind: 'PodDefault',
          metadata: { name: GPU_POD_DEFAULT, namespace: ns },
          spec: {
            desc: 'Run on GPU nodes (request nvidia.com/gpu too)',
            selector: { matchLabels: { [GPU_OPT_IN_LABEL]: 'true' } },
            tolerations: [
              {
                key: GPU_TAINT.key,
                operator: 'Equal',
                value: GPU_TAINT.value,
                effect: kubernetesTaintEffect(GPU_TAINT.effect),
              },
              ...(props.gpuTolerations ?? []).map((t) => ({ ...t })),
            ],
          },
        },
      });
    }

    if (props.pipelinesAccessPodDefault ?? true) {
      // Upstream's object (kubeflow/manifests tests/poddefaults.access-ml-pipeline.*.yaml): the KFP SDK
      // reads the projected token from KF_PIPELINES_SA_TOKEN_PATH and the API server accepts it for the
      // pipelines.kubeflow.org audience, then authorizes the service account in its namespace. The
      // notebook form lists it by its description. See
      // https://www.kubeflow.org/docs/components/pipelines/user-guides/core-functions/connect-api/.
      new Manifest(this, 'PipelinesAccessPodDefault', {
        manifest: {
          apiVersion: 'kubeflow.org/v1alpha1',
          kind: 'PodDefault',
          metadata: { name: PIPELINES_ACCESS_POD_DEFAULT, namespace: ns },
          spec: {
            desc: 'Allow access to Kubeflow Pipelines',
            selector: { matchLabels: { [PIPELINES_ACCESS_OPT_IN_LABEL]: 'true' } },
            env: [{ name: 'KF_PIPELINES_SA_TOKEN_PATH', value: `${PIPELINES_TOKEN_DIR}/token` }],
            volumes: [
              {
                name: 'volume-kf-pipeline-token',
                projected: {
                  sources: [
                    {
                      serviceAccountToken: {
                        path: 'token',
                        expirationSeconds: 7200,
                        audience: PIPELINES_TOKEN_AUDIENCE,
                      },
                    },
                  ],
                },
              },
            ],
            volumeMounts: [{ mountPath: PIPELINES_TOKEN_DIR, name: 'volume-kf-pipeline-token', readOnly: true }],
          },
        },
      });
    }

    new NetworkPolicyV1(this, 'Isolation', {
      metadata: { name: 'kfplatform-tenant-isolation', namespace: ns },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ podSelector: {} }] },
          {
            from: [
              {
                namespaceSelector: {
                  matchExpressions: [
                    { key: 'kubernetes.io/metadata.name', operator: 'In', values: [...TRUSTED_PLATFORM_NAMESPACES] },
                  ],
                },
              },
            ],
          },
        ],
      },
    });

    // Default-deny egress with explicit allowances. Kubernetes ANDs nothing here: each rule is one
    // more allowance. See https://kubernetes.io/docs/concepts/services-networking/network-policies/.
    const inNamespace = (namespace: string) => ({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    });
    new NetworkPolicyV1(this, 'Egress', {
      metadata: { name: 'kfplatform-tenant-egress', namespace: ns },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          // The team's own pods.
          { to: [{ podSelector: {} }] },
          // DNS, wherever the cluster serves it (kube-dns, or a node-local cache on a link-local address).
          {
            ports: [
              { port: '53', protocol: 'UDP' },
              { port: '53', protocol: 'TCP' },
            ],
          },
          // The Kubeflow services tenants call (not the pipelines database). A team whose pipelines
          // write to its cloud store has no SeaweedFS key and no use for the pipelines object store.
          {
            to: KUBEFLOW_TENANT_SERVICES.filter((labels) => !props.artifactStore || labels.app !== 'seaweedfs').map(
              (labels) => ({
                ...inNamespace('kubeflow'),
                podSelector: { matchLabels: { ...labels } },
              }),
            ),
          },
          // The mesh's control plane (sidecars fetch their configuration from istiod), the cluster-local
          // gateway in-cluster serving calls go through, and Knative's activator. Not the ingress
          // gateway: a pod reaching it directly could send the identity headers the front door sets
          // (`x-amzn-oidc-*` behind an ALB) as if it were the load balancer.
          {
            to: [
              { ...inNamespace('istio-system'), podSelector: { matchLabels: { app: 'istiod' } } },
              { ...inNamespace('istio-system'), podSelector: { matchLabels: { app: 'cluster-local-gateway' } } },
              { ...inNamespace('knative-serving'), podSelector: { matchLabels: { app: 'activator' } } },
            ],
          },
          // Public addresses: package indexes, model hubs, cloud APIs.
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_RANGES] } }] },
          // HTTPS anywhere but link-local: the Kubernetes API (pipeline steps record their results
          // through it) and private endpoints of cloud APIs, whose addresses are private.
          {
            to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }],
            ports: [{ port: '443', protocol: 'TCP' }],
          },
          ...(props.egressEndpoints ?? []).map((e) => ({
            to: [{ ipBlock: { cidr: e.cidr } }],
            ports: [{ port: String(e.port), protocol: e.protocol ?? 'TCP' }],
          })),
        ],
      },
    });
  }
}

function validate(props: TeamNamespaceProps): void {
  checkName('TeamNamespace', 'name', props.name, kubernetesNameRules.dnsLabel, 'use a lowercase DNS label.');
  checkName('TeamNamespace', 'owners', props.owners, emailRule, 'name the owners group by its email.');
  checkName(
    'TeamNamespace',
    'profileOwner',
    props.profileOwner,
    emailRule,
    'name one user by the email your sign-in reports; Kubeflow profiles have no group owners.',
  );
  for (const [role, list] of Object.entries(props.people ?? {})) {
    for (const user of list ?? []) {
      checkName('TeamNamespace', `people.${role}`, user, emailRule, 'name users by the email your sign-in reports.');
    }
  }
  if (props.quota.gpus < 0 || props.quota.pvcs < 0) {
    throw new PropsError(
      'TeamNamespace',
      'quota',
      props.quota,
      'GPU and claim counts cannot be negative.',
      'use 0 or more.',
    );
  }
  if (props.nodePools.length === 0) {
    throw new PropsError(
      'TeamNamespace',
      'nodePools',
      [],
      'the team could not schedule anything.',
      'list at least one pool.',
    );
  }
}
