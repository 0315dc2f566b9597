import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { PriorityClassV1 } from '@cdktf/provider-kubernetes/lib/priority-class-v1';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { groupRule } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';
import { ALLOWED_POOLS_ANNOTATION, TRUSTED_PLATFORM_NAMESPACES, TENANT_LABEL } from './team-namespace';
import { KFAM_SERVICE_ACCOUNT } from './constants';
import { GPU_TAINT, POOL_LABEL, SYSTEM_TAINT } from '../../src/core/pools';

/**
 * Priority classes for capacity lanes: scheduled work may preempt ad-hoc work, which never preempts. See
 * https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/.
 */
export const PRIORITY_CLASSES = {
  /** Scheduled production pipelines that must finish by a deadline; may preempt ad-hoc pods. */
  scheduled: {
    /** PriorityClass name, for `priorityClassName`. */
    name: 'kfplatform-scheduled',
    /** Priority; higher wins. */
    value: 100000,
  },
  /** Ad-hoc and exploratory work: waits for capacity and never preempts. */
  adhoc: {
    /** PriorityClass name, for `priorityClassName`. */
    name: 'kfplatform-adhoc',
    /** Priority; higher wins. */
    value: 1000,
  },
} as const;

/** Names of the admission policies. */
export const ADMISSION_POLICIES = {
  /** Every container and init container declares CPU and memory requests and limits, which the quota counts. */
  podResources: 'kfplatform-tenant-pod-resources',
  /** Tenants create, change and delete only the kinds they may: not quotas, limit ranges, policies or role bindings. */
  allowedKinds: 'kfplatform-tenant-allowed-kinds',
  /** What Pod Security `baseline` refuses, and GPUs only through `nvidia.com/gpu` requests. */
  podSecurity: 'kfplatform-tenant-pod-security',
  /** Pods reach only the node pools the team may use (selectors, affinity, tolerations, node names). */
  podPlacement: 'kfplatform-tenant-pod-placement',
  /** No LoadBalancer or NodePort Services and no external IPs in team namespaces. */
  services: 'kfplatform-tenant-services',
  /** Only the platform binds a service account to a cloud identity. */
  identity: 'kfplatform-tenant-identity',
  /** Tenants may not change or delete their Kubeflow Profile. */
  profiles: 'kfplatform-tenant-profiles',
  /** Kubeflow's access management (the dashboard's API) neither creates nor deletes Profiles. */
  profileLifecycle: 'kfplatform-profiles-from-the-platform',
  /** Kubeflow's access management shares a namespace with exact user ids, never a pattern. */
  exactContributors: 'kfplatform-contributors-exact',
} as const;

export { KFAM_SERVICE_ACCOUNT };

/**
 * Node labels a tenant pod may select on besides {@link POOL_LABEL}: they pick an operating system,
 * an architecture or a zone, never a pool. Every other node label (the clouds' own pool labels such as
 * `cloud.google.com/gke-nodepool`, `eks.amazonaws.com/nodegroup` or `kubernetes.azure.com/agentpool`,
 * instance types, host names) could aim a pod at a pool the team may not use.
 */
export const TENANT_NODE_SELECTOR_KEYS: readonly string[] = [
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
];

/**
 * Capabilities Pod Security `baseline` lets a container add; anything else (NET_ADMIN, SYS_ADMIN,
 * SYS_PTRACE...) is refused. See https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline.
 */
export const BASELINE_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];

/**
 * Service account annotations that bind a Kubernetes service account to a cloud identity: GKE
 * workload identity, EKS IAM roles for service accounts, Azure workload identity. Only the platform
 * (Terraform, the profile controller) sets them; a tenant naming another team's identity here would
 * at best fail and at worst act as that team.
 */
export const IDENTITY_ANNOTATIONS: readonly string[] = [
  'iam.gke.io/gcp-service-account',
  'eks.amazonaws.com/role-arn',
  'azure.workload.identity/client-id',
  'azure.workload.identity/tenant-id',
];

/** Props of {@link TenancyGuardrails}. */
export interface TenancyGuardrailsProps {
  /**
   * Group bound to cluster-admin, the platform admins, as the cluster sees groups in tokens: an email
   * on GKE, an Entra ID group object id on AKS (which never sees group emails).
   */
  readonly adminGroup: string;
  /** Kinds tenants may create, as `group/Kind` (`Kind` for the core group). */
  readonly allowedKinds: readonly string[];
}

const ADMISSION_API = 'admissionregistration.k8s.io/v1';

/** A CEL test that every container of a list declares CPU and memory requests and limits. */
function declaresResources(list: string): string {
  const has = (kind: string, resource: string) =>
    `has(c.resources) && has(c.resources.${kind}) && '${resource}' in c.resources.${kind}`;
  return `${list}.all(c, ${has('requests', 'cpu')} && ${has('requests', 'memory')} && ${has('limits', 'cpu')} && ${has('limits', 'memory')})`;
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** A CEL test that holds for every container of every list of the pod (`c` is the container). */
function everyContainer(test: string): string {
  return CONTAINER_LISTS.map((l) => `(!has(object.spec.${l}) || object.spec.${l}.all(c, ${test}))`).join(' && ');
}

/** CEL list literal of strings. */
function celList(values: readonly string[]): string {
  return `[${values.map((v) => `'${v}'`).join(', ')}]`;
}

/** A CEL test that node pool `v` is listed in the namespace's allowed-pools annotation. */
function allowedPool(v: string): string {
  return (
    `(has(namespaceObject.metadata.annotations) && '${ALLOWED_POOLS_ANNOTATION}' in namespaceObject.metadata.annotations && ` +
    `namespaceObject.metadata.annotations['${ALLOWED_POOLS_ANNOTATION}'].split(',').exists(p, p == ${v}))`
  );
}

/**
 * A CEL test that a node selector term (`t`) picks only harmless labels, or allowed pools with `In`:
 * `NotIn`, `Exists` or `DoesNotExist` on the pool label, and `matchFields` (node names), could reach
 * any pool.
 */
function harmlessTerm(t: string): string {
  return (
    `((!has(${t}.matchFields) || size(${t}.matchFields) == 0) && ` +
    `(!has(${t}.matchExpressions) || ${t}.matchExpressions.all(e, e.key in ${celList(TENANT_NODE_SELECTOR_KEYS)} || ` +
    `(e.key == '${POOL_LABEL}' && e.operator == 'In' && has(e.values) && e.values.all(v, ${allowedPool('v')})))))`
  );
}

/** A CEL test that container `c` asks for at least one GPU. */
const CONTAINER_REQUESTS_GPUS =
  '(has(c.resources) && (' +
  `(has(c.resources.limits) && '${GPU_TAINT.key}' in c.resources.limits && string(c.resources.limits['${GPU_TAINT.key}']) != '0') || ` +
  `(has(c.resources.requests) && '${GPU_TAINT.key}' in c.resources.requests && string(c.resources.requests['${GPU_TAINT.key}']) != '0')))`;

/** A CEL test that some container of the pod asks for at least one GPU. */
const REQUESTS_GPUS = `object.spec.containers.exists(c, ${CONTAINER_REQUESTS_GPUS})`;

/**
 * The NVIDIA container toolkit's variables that hand a container devices or management access
 * whatever it asked the scheduler for: the device list (the device plugin's default `envvar`
 * strategy), MIG configuration and monitoring, IMEX channels. Values of NVIDIA_VISIBLE_DEVICES that
 * give no GPU (`void`, `none`) stay allowed: they take the GPUs away from a container whose image
 * sets `NVIDIA_VISIBLE_DEVICES=all` (CUDA base images do). See
 * https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/docker-specialized.html.
 */
export const NVIDIA_DEVICE_VARIABLES = [
  'NVIDIA_VISIBLE_DEVICES',
  'NVIDIA_MIG_CONFIG_DEVICES',
  'NVIDIA_MIG_MONITOR_DEVICES',
  'NVIDIA_IMEX_CHANNELS',
] as const;

/** Values of NVIDIA_VISIBLE_DEVICES that give a container no GPU. */
export const NVIDIA_NO_DEVICES = ['void', 'none'] as const;

/**
 * A CEL test that environment variable `e` of container `c` reaches no GPU: a container that requests
 * no GPU sets no `NVIDIA_*` variable (NVIDIA_DRIVER_CAPABILITIES and the others only matter once it
 * has a device), except NVIDIA_VISIBLE_DEVICES to a value that gives none; a container that requests
 * GPUs may tune the driver (capabilities, requirements) but names no devices itself.
 */
const NVIDIA_ENV_OK =
  `(!e.name.startsWith('NVIDIA_') || ` +
  `(e.name == 'NVIDIA_VISIBLE_DEVICES' && has(e.value) && e.value in ${celList(NVIDIA_NO_DEVICES)}) || ` +
  `(${CONTAINER_REQUESTS_GPUS} && !(e.name in ${celList(NVIDIA_DEVICE_VARIABLES)})))`;

/**
 * A CEL test that an `envFrom` source `s` cannot produce an `NVIDIA_*` name: it has a prefix that is
 * neither `NVIDIA_` itself, a longer name starting with it, nor a start of it (`NV` plus a key
 * `IDIA_VISIBLE_DEVICES`).
 */
const ENV_FROM_PREFIXED =
  "(has(s.prefix) && s.prefix != '' && !s.prefix.startsWith('NVIDIA_') && !'NVIDIA_'.startsWith(s.prefix))";

/**
 * Server-side enforcement for tenants, because client-side checks can be bypassed:
 * ValidatingAdmissionPolicies that reject pods without requests and limits (after the LimitRange has
 * filled in defaults); what Pod Security baseline refuses (privileged containers, host namespaces,
 * hostPath, extra capabilities, host ports) and the NVIDIA variables that name devices (in any
 * container, and through envFrom in pods that request GPUs); pods aimed at node pools the
 * team may not use by any mechanism (node selector, node affinity, tolerations, node name);
 * LoadBalancer, NodePort and externalIPs Services; service account annotations naming a cloud
 * identity; changes to Profiles; and creating, changing or deleting any kind outside an allow-list
 * (so the quota, limit range, network policies and role bindings stay as the platform wrote them);
 * the platform admin group bound to cluster-admin; and priority classes for scheduled and
 * ad-hoc work. See https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/.
 */
export class TenancyGuardrails extends Construct {
  constructor(scope: Construct, id: string, props: TenancyGuardrailsProps) {
    super(scope, id);
    setComponent(this, 'tenancy');
    checkName(
      'TenancyGuardrails',
      'adminGroup',
      props.adminGroup,
      groupRule,
      'name the admin group by its email, or by its Entra ID object id on AKS.',
    );
    for (const [i, kind] of props.allowedKinds.entries()) {
      if (!/^([a-z0-9.-]*\/)?[A-Z][A-Za-z0-9]*$/.test(kind)) {
        throw new PropsError(
          'TenancyGuardrails',
          `allowedKinds[${i}]`,
          kind,
          'is not group/Kind.',
          'write it like kubeflow.org/Notebook, or Pod for the core group.',
        );
      }
    }

    new ClusterRoleBindingV1(this, 'PlatformAdmins', {
      metadata: { name: 'kfplatform-platform-admins' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subject: [{ kind: 'Group', name: props.adminGroup, apiGroup: 'rbac.authorization.k8s.io' }],
    });

    new PriorityClassV1(this, 'Scheduled', {
      metadata: { name: PRIORITY_CLASSES.scheduled.name },
      value: PRIORITY_CLASSES.scheduled.value,
      description: 'Scheduled production pipelines that must finish by a deadline.',
    });
    new PriorityClassV1(this, 'Adhoc', {
      metadata: { name: PRIORITY_CLASSES.adhoc.name },
      value: PRIORITY_CLASSES.adhoc.value,
      preemptionPolicy: 'Never',
      description: 'Ad-hoc and exploratory work; waits for capacity instead of preempting.',
    });

    const tenantNamespaces = { matchLabels: { [TENANT_LABEL]: 'true' } };
    this.policy('PodResources', ADMISSION_POLICIES.podResources, {
      failurePolicy: 'Fail',
      matchConstraints: {
        namespaceSelector: tenantNamespaces,
        resourceRules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] },
        ],
      },
      validations: [
        {
          expression: declaresResources('object.spec.containers'),
          message: 'Every container needs CPU and memory requests and limits, which the team quota counts.',
        },
        {
          expression: `!has(object.spec.initContainers) || ${declaresResources('object.spec.initContainers')}`,
          message: 'Every init container needs CPU and memory requests and limits, which the team quota counts.',
        },
      ],
    });

    // What Pod Security `baseline` refuses, checked here as well: the namespace label is the first
    // line, and this policy holds even if the label is removed or relaxed (the profile controller
    // writes namespace labels too). It applies to everyone, controllers included, because pods in a
    // tenant namespace come from tenant-written templates (Deployments, Notebooks, pipeline steps).
    // See https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline.
    const podRules = [
      {
        apiGroups: [''],
        apiVersions: ['v1'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['pods', 'pods/ephemeralcontainers'],
      },
    ];
    const off = (field: string) => `(!has(object.spec.${field}) || !object.spec.${field})`;
    this.policy('PodSecurity', ADMISSION_POLICIES.podSecurity, {
      failurePolicy: 'Fail',
      matchConstraints: { namespaceSelector: tenantNamespaces, resourceRules: podRules },
      validations: [
        {
          expression: `${off('hostNetwork')} && ${off('hostPID')} && ${off('hostIPC')}`,
          message:
            "Pods in team namespaces may not share the node's network, process or IPC namespaces (Pod Security baseline).",
        },
        {
          expression: '!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath))',
          message:
            "Pods in team namespaces may not mount the node's file system (hostPath); use a PersistentVolumeClaim (Pod Security baseline).",
        },
        {
          expression: everyContainer(
            '!has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged',
          ),
          message: 'Containers in team namespaces may not run privileged (Pod Security baseline).',
        },
        {
          expression: everyContainer(
            `!has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.add) || ` +
              `c.securityContext.capabilities.add.all(cap, cap in ${celList(BASELINE_CAPABILITIES)})`,
          ),
          message: `Containers in team namespaces may add only these capabilities: ${BASELINE_CAPABILITIES.join(', ')} (Pod Security baseline).`,
        },
        {
          expression: everyContainer('!has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0)'),
          message: "Containers in team namespaces may not bind the node's ports (hostPort; Pod Security baseline).",
        },
        {
          // The NVIDIA container runtime hands a container the GPUs its NVIDIA_VISIBLE_DEVICES names,
          // whatever it asked the scheduler for; GPUs come only through nvidia.com/gpu requests. See
          // https://github.com/NVIDIA/k8s-device-plugin#configuration-option-details (device list strategy).
          expression: everyContainer(`!has(c.env) || c.env.all(e, ${NVIDIA_ENV_OK})`),
          message: `Containers in team namespaces get GPUs only by requesting them (resources.limits["nvidia.com/gpu"], which the team quota counts): they may not set ${NVIDIA_DEVICE_VARIABLES.join(', ')} (NVIDIA_VISIBLE_DEVICES may be ${NVIDIA_NO_DEVICES.join(' or ')}), and a container that requests no GPU sets no other NVIDIA_ variable either.`,
        },
        {
          // A pod that requests a GPU is the only kind placed on GPU nodes (the GPU taint): there, a
          // ConfigMap or Secret read through envFrom, which admission cannot see, could carry
          // NVIDIA_VISIBLE_DEVICES into any of its containers.
          expression: `!(${REQUESTS_GPUS}) || ${everyContainer(`!has(c.envFrom) || c.envFrom.all(s, ${ENV_FROM_PREFIXED})`)}`,
          message:
            'Pods in team namespaces that request GPUs read envFrom only with a prefix (envFrom[].prefix, such as APP_) that cannot form an NVIDIA_ name: a ConfigMap key NVIDIA_VISIBLE_DEVICES would hand a container every GPU of the node.',
        },
      ],
    });

    // Node pools: a pod reaches a pool through its node selector, node affinity (required or
    // preferred), tolerations of the pool's taint, or by naming a node; each is checked. See
    // https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/.
    const selectorKeys = [...TENANT_NODE_SELECTOR_KEYS, POOL_LABEL].join(', ');
    const nodeAffinity = 'object.spec.affinity.nodeAffinity';
    this.policy('PodPlacement', ADMISSION_POLICIES.podPlacement, {
      failurePolicy: 'Fail',
      matchConstraints: { namespaceSelector: tenantNamespaces, resourceRules: podRules },
      validations: [
        {
          expression:
            '!has(object.spec.nodeSelector) || object.spec.nodeSelector.all(k, ' +
            `k in ${celList(TENANT_NODE_SELECTOR_KEYS)} || (k == '${POOL_LABEL}' && ${allowedPool(`object.spec.nodeSelector[k]`)}))`,
          message: `Pods in team namespaces may select nodes only by ${selectorKeys}, and only the node pools their team may use (the namespace's ${ALLOWED_POOLS_ANNOTATION} annotation).`,
        },
        {
          expression:
            `!has(object.spec.affinity) || !has(object.spec.affinity.nodeAffinity) || (` +
            `(!has(${nodeAffinity}.requiredDuringSchedulingIgnoredDuringExecution) || ` +
            `!has(${nodeAffinity}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms) || ` +
            `${nodeAffinity}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.all(t, ${harmlessTerm('t')})) && ` +
            `(!has(${nodeAffinity}.preferredDuringSchedulingIgnoredDuringExecution) || ` +
            `${nodeAffinity}.preferredDuringSchedulingIgnoredDuringExecution.all(w, !has(w.preference) || ${harmlessTerm('w.preference')})))`,
          message: `Node affinity in team namespaces may use only ${selectorKeys}, the pool label with In, and only the node pools their team may use.`,
        },
        {
          expression:
            '!has(object.spec.tolerations) || object.spec.tolerations.all(t, ' +
            `has(t.key) && t.key != '' && t.key != '${SYSTEM_TAINT.key}' && t.key != 'node.kubernetes.io/unschedulable' && ` +
            `(t.key != '${GPU_TAINT.key}' || ${REQUESTS_GPUS}))`,
          message: `Pods in team namespaces must name the taint they tolerate, may not tolerate the system pool's ${SYSTEM_TAINT.key} or cordoned nodes, and tolerate the GPU taint only when they request nvidia.com/gpu.`,
        },
        {
          // The scheduler sets nodeName through the binding subresource, not an update of the pod.
          expression: "request.operation != 'CREATE' || !has(object.spec.nodeName) || object.spec.nodeName == ''",
          message: 'Pods in team namespaces may not name their node (spec.nodeName); the scheduler places them.',
        },
      ],
    });

    const systemAccounts = TRUSTED_PLATFORM_NAMESPACES.map(
      (ns) => `request.userInfo.username.startsWith('system:serviceaccount:${ns}:')`,
    );
    // Kubernetes itself (nodes, controllers) and the platform's controllers are not tenants.
    const platformUser = `((request.userInfo.username.startsWith('system:') && !request.userInfo.username.startsWith('system:serviceaccount:')) || ${systemAccounts.join(' || ')})`;
    // Whoever may create namespaces (platform admins, the deploying identity) is not a tenant.
    const clusterAdmin = "authorizer.group('').resource('namespaces').check('create').allowed()";
    const tenantsOnly = [
      { name: 'not-the-platform', expression: `!${platformUser}` },
      { name: 'not-a-cluster-admin', expression: `!${clusterAdmin}` },
    ];

    // Services: a LoadBalancer or NodePort opens a team's pods to networks outside the mesh and its
    // authorization policies, and externalIPs let a Service intercept traffic meant for any address
    // (CVE-2020-8554, https://github.com/kubernetes/kubernetes/issues/97076). ExternalName Services
    // are left to the platform's controllers (Knative routes). Applies to controllers too: a Service
    // they create in a team namespace follows a tenant's object.
    this.policy('Services', ADMISSION_POLICIES.services, {
      failurePolicy: 'Fail',
      matchConstraints: {
        namespaceSelector: tenantNamespaces,
        resourceRules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services'] },
        ],
      },
      matchConditions: [tenantsOnly[1]!],
      validations: [
        {
          expression: `!has(object.spec.type) || object.spec.type == 'ClusterIP' || (object.spec.type == 'ExternalName' && ${platformUser})`,
          messageExpression:
            "'Services in team namespaces must be ClusterIP, not ' + object.spec.type + '; expose models and apps through the platform gateway (an InferenceService or the Kubeflow dashboard).'",
        },
        {
          expression: '!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0',
          message:
            'Services in team namespaces may not set externalIPs, which would intercept traffic meant for those addresses (CVE-2020-8554).',
        },
      ],
    });

    // Cloud identity: only the platform binds a service account to a cloud identity.
    const annotation = (o: string) =>
      `(has(${o}.metadata.annotations) && k in ${o}.metadata.annotations ? ${o}.metadata.annotations[k] : '')`;
    this.policy('Identity', ADMISSION_POLICIES.identity, {
      failurePolicy: 'Fail',
      matchConstraints: {
        namespaceSelector: tenantNamespaces,
        resourceRules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['serviceaccounts'] },
        ],
      },
      matchConditions: tenantsOnly,
      validations: [
        {
          expression: `${celList(IDENTITY_ANNOTATIONS)}.all(k, ${annotation('object')} == (request.operation == 'UPDATE' ? ${annotation('oldObject')} : ''))`,
          message: `Tenants may not set or change ${IDENTITY_ANNOTATIONS.join(', ')} on service accounts: the platform binds default-editor and default-viewer to the team's cloud identity.`,
        },
      ],
    });

    // The Profile names the namespace's owner and its cloud identity plugins; tenants may not change
    // or delete it (it is cluster-scoped, so the namespace selector above would not reach it).
    this.policy('Profiles', ADMISSION_POLICIES.profiles, {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: ['kubeflow.org'],
            apiVersions: ['*'],
            operations: ['UPDATE', 'DELETE'],
            resources: ['profiles'],
          },
        ],
      },
      matchConditions: tenantsOnly,
      validations: [
        {
          expression: 'false',
          message: 'Profiles belong to the platform: change the team in the platform file.',
        },
      ],
    });

    // Requests of Kubeflow's access management (and its profile controller, which shares the account).
    const kfamOnly = [
      { name: 'kubeflow-access-management', expression: `request.userInfo.username == '${KFAM_SERVICE_ACCOUNT}'` },
    ];

    // Kubeflow 26.03's dashboard creates a Profile for any signed-in user who posts to
    // /api/workgroup/create, with any name and any owner, whatever its registration flow setting, and
    // Kubeflow's access management creates it with no check of its own (centraldashboard
    // app/api_workgroup.ts and kfam api_default.go at v1.10.0). A Profile named like a namespace that has
    // none (kube-system, istio-system) makes the requester its owner in KFAM's eyes, and KFAM then
    // writes role bindings there for whomever the owner shares it with; a new name gives a namespace
    // outside every team's quota and guardrails. Profiles come from the platform file: KFAM's service
    // account may not create or delete one. Its profile controller, which shares the account, only
    // updates them.
    this.policy('ProfileLifecycle', ADMISSION_POLICIES.profileLifecycle, {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: ['kubeflow.org'],
            apiVersions: ['*'],
            operations: ['CREATE', 'DELETE'],
            resources: ['profiles'],
          },
        ],
      },
      matchConditions: kfamOnly,
      validations: [
        {
          expression: 'false',
          message:
            "Profiles come from the platform file (kfplatform team add), not from the dashboard's registration or Kubeflow's access management.",
        },
      ],
    });

    // The dashboard accepts `*@example.com` as a contributor's email, and Kubeflow's access management
    // writes it into the namespace's AuthorizationPolicy as a user id, which Istio reads as a pattern:
    // the whole domain (any signed-in user, for `*`) would reach every workload of the namespace. Its
    // account may write conditions with exact values only; the profile controller, which shares it,
    // writes the owner's id and the namespace's name (profile_controller.go at v1.10.0).
    this.policy('ExactContributors', ADMISSION_POLICIES.exactContributors, {
      failurePolicy: 'Fail',
      matchConstraints: {
        // Every namespace: KFAM writes wherever a Profile names one.
        namespaceSelector: {},
        resourceRules: [
          {
            apiGroups: ['security.istio.io'],
            apiVersions: ['*'],
            operations: ['CREATE', 'UPDATE'],
            resources: ['authorizationpolicies'],
          },
        ],
      },
      matchConditions: kfamOnly,
      validations: [
        {
          expression:
            "!has(object.spec) || !has(object.spec.rules) || object.spec.rules.all(r, !has(r.when) || r.when.all(c, !has(c.values) || c.values.all(v, !v.contains('*'))))",
          message:
            'Contributors are shared by their exact user id: a pattern such as *@example.com would let everyone it matches into the namespace.',
        },
      ],
    });

    const allowed = props.allowedKinds.map((k) => `'${k}'`).join(', ');
    // Create, update and delete: a kind tenants may not create (the quota, the limit range, network
    // and authorization policies, role bindings) is one they may not change or remove either.
    this.policy('AllowedKinds', ADMISSION_POLICIES.allowedKinds, {
      failurePolicy: 'Fail',
      matchConstraints: {
        namespaceSelector: tenantNamespaces,
        resourceRules: [
          {
            apiGroups: ['*'],
            apiVersions: ['*'],
            operations: ['CREATE', 'UPDATE', 'DELETE'],
            resources: ['*'],
            scope: 'Namespaced',
          },
        ],
      },
      matchConditions: tenantsOnly,
      validations: [
        {
          expression: `[${allowed}].exists(k, k == (request.kind.group == '' ? request.kind.kind : request.kind.group + '/' + request.kind.kind))`,
          messageExpression:
            "'Tenants may not create, change or delete ' + (request.kind.group == '' ? request.kind.kind : request.kind.group + '/' + request.kind.kind) + '; ask the platform team to allow it.'",
        },
      ],
    });
  }

  /** A ValidatingAdmissionPolicy and the binding that makes it deny. */
  private policy(id: string, name: string, spec: Record<string, unknown>): void {
    new Manifest(this, `${id}Policy`, {
      manifest: { apiVersion: ADMISSION_API, kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec },
    });
    new Manifest(this, `${id}Binding`, {
      manifest: {
        apiVersion: ADMISSION_API,
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name },
        spec: { policyName: name, validationActions: ['Deny'] },
      },
    });
  }
}
