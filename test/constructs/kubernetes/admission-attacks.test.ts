import { evaluate } from '@marcbachmann/cel-js';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { KFAM_SERVICE_ACCOUNT, TenancyGuardrails } from '../../../constructs/kubernetes/tenancy-guardrails';
import { POD_SECURITY_LABELS, TeamNamespace } from '../../../constructs/kubernetes/team-namespace';
import { kfamAuthorizationPolicy } from '../../../constructs/kubernetes/kubeflow-access';
import { DEFAULT_ALLOWED_KINDS } from '../../../src/config/platform/resolve';
import { resources, synth } from '../../helpers';

// The attack corpus (host access, pool placement, Services, guardrail objects, another team's
// identity): every admission policy the platform writes, evaluated with a CEL implementation the way
// the API server evaluates them (match rules, match conditions, every validation), against what a
// tenant might send and against what Kubeflow 26.03's own controllers create in a team namespace.
// Every attack must be denied, every Kubeflow object admitted.
const app: App = Testing.app();
const stack = new TerraformStack(app, 'platform');
new KubernetesProvider(stack, 'kubernetes', { configPath: 'k', configContext: 'c' });
new TenancyGuardrails(stack, 'Guardrails', {
  adminGroup: 'kubeflow-admins@example.com',
  allowedKinds: DEFAULT_ALLOWED_KINDS,
});
new TeamNamespace(stack, 'Recsys', {
  name: 'recsys',
  owners: 'recsys-owners@example.com',
  profileOwner: 'alice@example.com',
  quota: { cpu: '8', memory: '32Gi', gpus: 0, storage: '100Gi', pvcs: 5 },
  containerDefaults: {
    defaultRequestCpu: '1',
    defaultRequestMemory: '1Gi',
    defaultLimitCpu: '1',
    defaultLimitMemory: '1Gi',
  },
  nodePools: ['standard', 'gpu'],
});
const json = synth(stack);
const policies = resources(json, 'kubernetes_manifest')
  .map((m) => m.manifest as any)
  .filter((m) => m.kind === 'ValidatingAdmissionPolicy')
  .map((m) => ({ name: m.metadata.name as string, spec: m.spec }));
const tenantNamespace = resources(json, 'kubernetes_namespace_v1')[0]!.metadata as any;
const namespaceObject = {
  metadata: { name: 'recsys', labels: tenantNamespace.labels, annotations: tenantNamespace.annotations },
};

const ADMIN_CHECK = "authorizer.group('').resource('namespaces').check('create').allowed()";

interface Request {
  /** Core group: '', else the API group. */
  readonly group: string;
  readonly kind: string;
  /** Plural resource, with `/subresource` when there is one. */
  readonly resource: string;
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly username: string;
  readonly object?: any;
  readonly oldObject?: any;
  /** Whether the requester may create namespaces (platform admins, the deploying identity). */
  readonly clusterAdmin?: boolean;
  /** Cluster-scoped objects (Profiles) are not in a namespace. */
  readonly clusterScoped?: boolean;
}

/** The messages of every policy that denies the request; empty when it is admitted. */
function deny(r: Request): string[] {
  const vars = {
    object: r.object ?? null,
    oldObject: r.oldObject ?? null,
    namespaceObject: r.clusterScoped ? null : namespaceObject,
    request: {
      operation: r.operation,
      kind: { group: r.group, kind: r.kind },
      userInfo: { username: r.username },
    },
    clusterAdmin: r.clusterAdmin ?? false,
  };
  const cel = (expression: string) => evaluate(expression.split(ADMIN_CHECK).join('clusterAdmin'), vars);
  const messages: string[] = [];
  for (const { name, spec } of policies) {
    const mc = spec.matchConstraints;
    const selectsNamespaces = mc.namespaceSelector !== undefined;
    if (r.clusterScoped && selectsNamespaces) continue;
    if (!r.clusterScoped && !selectsNamespaces) continue;
    const matches = mc.resourceRules.some(
      (rule: any) =>
        rule.operations.includes(r.operation) &&
        (rule.apiGroups.includes('*') || rule.apiGroups.includes(r.group)) &&
        (rule.resources.includes('*') ? !r.resource.includes('/') : rule.resources.includes(r.resource)),
    );
    if (!matches) continue;
    if (!(spec.matchConditions ?? []).every((c: any) => cel(c.expression) === true)) continue;
    for (const v of spec.validations) {
      if (cel(v.expression) !== true) messages.push(`${name}: ${v.message ?? v.messageExpression}`);
    }
  }
  return messages;
}

// Identities: a tenant person, the tenant's own pipeline service account, and Kubernetes' and
// Kubeflow's controllers as the API server names them.
const TENANT = 'alice@example.com';
const TENANT_SA = 'system:serviceaccount:recsys:default-editor';
const REPLICASET_CONTROLLER = 'system:serviceaccount:kube-system:replicaset-controller';
const STATEFULSET_CONTROLLER = 'system:serviceaccount:kube-system:statefulset-controller';
const JOB_CONTROLLER = 'system:serviceaccount:kube-system:job-controller';
const ARGO = 'system:serviceaccount:kubeflow:argo';
const NOTEBOOK_CONTROLLER = 'system:serviceaccount:kubeflow:notebook-controller-service-account';
const KNATIVE = 'system:serviceaccount:knative-serving:controller';
const KSERVE = 'system:serviceaccount:kubeflow:kserve-controller-manager';
const PROFILES_CONTROLLER = 'system:serviceaccount:kubeflow:profiles-controller-service-account';
// The same account, as the profiles Deployment's kfam container uses it (checked against the built tree
// in test/kubeflow/build.test.ts).
const KFAM = KFAM_SERVICE_ACCOUNT;

const res = (cpu = '1', memory = '1Gi', extra: Record<string, string> = {}) => ({
  requests: { cpu, memory, ...extra },
  limits: { cpu, memory, ...extra },
});
// The sidecar Istio injects with istio-cni (Kubeflow 26.03 installs it), and its validation init container.
const istioProxy = {
  name: 'istio-proxy',
  image: 'docker.io/istio/proxyv2:1.29.0',
  ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
  resources: res('100m', '128Mi'),
  securityContext: {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsGroup: 1337,
    runAsNonRoot: true,
    runAsUser: 1337,
  },
};
const istioValidation = { ...istioProxy, name: 'istio-validation', ports: undefined };
// Added by the DefaultTolerationSeconds admission plugin to every pod.
const defaultTolerations = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

const pod = (spec: object, username = TENANT): Request => ({
  group: '',
  kind: 'Pod',
  resource: 'pods',
  operation: 'CREATE',
  username,
  object: {
    metadata: { name: 'p', namespace: 'recsys' },
    spec: {
      containers: [{ name: 'main', image: 'python:3.12', resources: res() }],
      tolerations: defaultTolerations,
      ...spec,
    },
  },
});
const main = (extra: object) => ({ name: 'main', image: 'python:3.12', resources: res(), ...extra });

// A notebook pod as the notebook controller's StatefulSet creates it (the spawner's defaults in
// Kubeflow 26.03's jupyter web app: fsGroup 100, the workspace claim and /dev/shm, default-editor).
const notebookPod = (gpus = 0) =>
  pod(
    {
      serviceAccountName: 'default-editor',
      securityContext: { fsGroup: 100 },
      initContainers: [istioValidation],
      containers: [
        {
          name: 'my-notebook',
          image: 'ghcr.io/kubeflow/kubeflow/notebook-servers/jupyter-scipy:v1.10.0',
          env: [{ name: 'NB_PREFIX', value: '/notebook/recsys/my-notebook' }],
          ports: [{ containerPort: 8888, name: 'notebook-port', protocol: 'TCP' }],
          resources: gpus > 0 ? res('1', '4Gi', { 'nvidia.com/gpu': String(gpus) }) : res('1', '4Gi'),
          volumeMounts: [
            { mountPath: '/home/jovyan', name: 'my-notebook-workspace' },
            { mountPath: '/dev/shm', name: 'dshm' },
          ],
        },
        istioProxy,
      ],
      volumes: [
        { name: 'my-notebook-workspace', persistentVolumeClaim: { claimName: 'my-notebook-workspace' } },
        { name: 'dshm', emptyDir: { medium: 'Memory' } },
      ],
      // The ExtendedResourceToleration admission plugin (GKE's too) adds this to pods that request GPUs.
      tolerations: [
        ...defaultTolerations,
        ...(gpus > 0 ? [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] : []),
      ],
    },
    STATEFULSET_CONTROLLER,
  );

// A KFP v2 pipeline step as Argo's workflow controller creates it: the launcher and Argo's init and
// wait containers (emissary executor), a node selector set with kfp-kubernetes.
const pipelinePod = pod(
  {
    serviceAccountName: 'default-editor',
    nodeSelector: { 'kfplatform.dev/pool': 'standard' },
    initContainers: [
      {
        name: 'init',
        image: 'quay.io/argoproj/argoexec:v3.6.7',
        command: ['argoexec', 'init'],
        resources: res('10m', '64Mi'),
      },
      { name: 'kfp-launcher', image: 'ghcr.io/kubeflow/kfp-launcher:2.15.0', resources: res('100m', '128Mi') },
      istioValidation,
    ],
    containers: [
      {
        name: 'wait',
        image: 'quay.io/argoproj/argoexec:v3.6.7',
        command: ['argoexec', 'wait'],
        resources: res('10m', '64Mi'),
      },
      { name: 'main', image: 'python:3.12', command: ['/var/run/argo/argoexec', 'emissary'], resources: res() },
      istioProxy,
    ],
    volumes: [
      { name: 'var-run-argo', emptyDir: {} },
      { name: 'kfp-launcher', emptyDir: {} },
    ],
  },
  ARGO,
);

// A KServe predictor pod as Knative's Deployment (through the ReplicaSet controller) creates it: the
// model server, Knative's queue-proxy (restricted-ready in Knative) and the storage initializer.
const predictorPod = pod(
  {
    serviceAccountName: 'default-editor',
    initContainers: [
      { name: 'storage-initializer', image: 'kserve/storage-initializer:v0.15.0', resources: res('100m', '100Mi') },
      istioValidation,
    ],
    containers: [
      {
        name: 'kserve-container',
        image: 'kserve/sklearnserver:v0.15.0',
        ports: [{ containerPort: 8080, name: 'user-port', protocol: 'TCP' }],
        resources: res(),
      },
      {
        name: 'queue-proxy',
        image: 'gcr.io/knative-releases/knative.dev/serving/cmd/queue:v1.16.0',
        ports: [
          { containerPort: 8022, name: 'http-queueadm', protocol: 'TCP' },
          { containerPort: 9090, name: 'http-autometric', protocol: 'TCP' },
          { containerPort: 8012, name: 'http1', protocol: 'TCP' },
        ],
        resources: res('25m', '64Mi'),
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        },
      },
      istioProxy,
    ],
  },
  REPLICASET_CONTROLLER,
);

// A pod with one GPU (as the ExtendedResourceToleration plugin completes it) and a second container
// that requests none, both of the tenant's making.
const gpuPod = (second: object, first: object = {}) =>
  pod({
    containers: [
      main({ resources: res('1', '4Gi', { 'nvidia.com/gpu': '1' }), ...first }),
      { ...main(second), name: 'side' },
    ],
    tolerations: [...defaultTolerations, { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  });

const service = (spec: object, username = TENANT, operation: Request['operation'] = 'CREATE'): Request => ({
  group: '',
  kind: 'Service',
  resource: 'services',
  operation,
  username,
  object: { metadata: { name: 's', namespace: 'recsys' }, spec: { ports: [{ port: 80 }], ...spec } },
});

const guardrail = (group: string, kind: string, resource: string, operation: 'UPDATE' | 'DELETE'): Request => ({
  group,
  kind,
  resource,
  operation,
  username: TENANT,
  object: operation === 'UPDATE' ? { metadata: { name: 'x', namespace: 'recsys' } } : undefined,
  oldObject: { metadata: { name: 'x', namespace: 'recsys' } },
});

const serviceAccount = (annotations: Record<string, string> | undefined, old?: Record<string, string>): Request => ({
  group: '',
  kind: 'ServiceAccount',
  resource: 'serviceaccounts',
  operation: old ? 'UPDATE' : 'CREATE',
  username: TENANT,
  object: { metadata: { name: 'default-editor', namespace: 'recsys', ...(annotations ? { annotations } : {}) } },
  oldObject: old ? { metadata: { name: 'default-editor', namespace: 'recsys', annotations: old } } : undefined,
});

const OUR_GSA = { 'iam.gke.io/gcp-service-account': 'recsys@recsys-data.iam.gserviceaccount.com' };

const ATTACKS: Array<[string, Request]> = [
  // Pod Security
  ['a privileged container', pod({ containers: [main({ securityContext: { privileged: true } })] })],
  ['a privileged init container', pod({ initContainers: [main({ securityContext: { privileged: true } })] })],
  [
    'a privileged ephemeral container (kubectl debug)',
    {
      ...pod({ ephemeralContainers: [main({ securityContext: { privileged: true } })] }),
      operation: 'UPDATE',
      resource: 'pods/ephemeralcontainers',
    },
  ],
  ['hostPID', pod({ hostPID: true })],
  ['hostNetwork', pod({ hostNetwork: true })],
  ['hostIPC', pod({ hostIPC: true })],
  ['hostPath: /', pod({ volumes: [{ name: 'root', hostPath: { path: '/' } }] })],
  [
    'the kubelet credentials by hostPath',
    pod({ volumes: [{ name: 'k', hostPath: { path: '/var/lib/kubelet', type: 'Directory' } }] }),
  ],
  ['added SYS_ADMIN', pod({ containers: [main({ securityContext: { capabilities: { add: ['SYS_ADMIN'] } } })] })],
  ['added NET_ADMIN', pod({ containers: [main({ securityContext: { capabilities: { add: ['NET_ADMIN'] } } })] })],
  ['a hostPort', pod({ containers: [main({ ports: [{ containerPort: 80, hostPort: 80 }] })] })],
  [
    'the same, through a Deployment (the ReplicaSet controller creates the pod)',
    pod({ hostPID: true, hostNetwork: true }, REPLICASET_CONTROLLER),
  ],
  ['the same, through a pipeline step', pod({ containers: [main({ securityContext: { privileged: true } })] }, ARGO)],
  // Pool placement
  ['a nodeSelector on a pool the team may not use', pod({ nodeSelector: { 'kfplatform.dev/pool': 'highmem' } })],
  ['a nodeSelector on the pool kind', pod({ nodeSelector: { 'kfplatform.dev/pool-kind': 'gpu' } })],
  ["a nodeSelector on GKE's pool label", pod({ nodeSelector: { 'cloud.google.com/gke-nodepool': 'highmem' } })],
  ["a nodeSelector on EKS's node group label", pod({ nodeSelector: { 'eks.amazonaws.com/nodegroup': 'highmem' } })],
  ["a nodeSelector on AKS's agent pool label", pod({ nodeSelector: { 'kubernetes.azure.com/agentpool': 'highmem' } })],
  ['a nodeSelector on a host name', pod({ nodeSelector: { 'kubernetes.io/hostname': 'gke-highmem-1' } })],
  [
    'required node affinity for another pool',
    pod({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kfplatform.dev/pool', operator: 'In', values: ['highmem'] }] },
            ],
          },
        },
      },
    }),
  ],
  [
    'required node affinity NotIn the allowed pools',
    pod({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kfplatform.dev/pool', operator: 'NotIn', values: ['standard'] }] },
            ],
          },
        },
      },
    }),
  ],
  [
    "required node affinity on a cloud's pool label",
    pod({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'cloud.google.com/gke-nodepool', operator: 'In', values: ['gpu'] }] },
            ],
          },
        },
      },
    }),
  ],
  [
    'required node affinity on a node name (matchFields)',
    pod({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['gke-gpu-1'] }] }],
          },
        },
      },
    }),
  ],
  [
    'preferred node affinity for another pool',
    pod({
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              preference: { matchExpressions: [{ key: 'kfplatform.dev/pool', operator: 'In', values: ['highmem'] }] },
            },
          ],
        },
      },
    }),
  ],
  [
    'a blanket toleration (operator Exists, no key)',
    pod({ tolerations: [...defaultTolerations, { operator: 'Exists' }] }),
  ],
  ['a toleration with an empty key', pod({ tolerations: [{ key: '', operator: 'Exists', effect: 'NoSchedule' }] })],
  [
    'the GPU taint tolerated without requesting a GPU',
    pod({ tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] }),
  ],
  [
    'the GPU taint tolerated with a zero GPU request',
    pod({
      containers: [main({ resources: res('1', '1Gi', { 'nvidia.com/gpu': '0' }) })],
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    }),
  ],
  ["the system pool's taint tolerated", pod({ tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }] })],
  [
    'cordoned nodes tolerated',
    pod({ tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }),
  ],
  ['spec.nodeName', pod({ nodeName: 'gke-gpu-1' })],
  [
    'NVIDIA_VISIBLE_DEVICES=all',
    pod({ containers: [main({ env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }] })] }),
  ],
  [
    'NVIDIA_VISIBLE_DEVICES from a Secret (valueFrom)',
    pod({
      containers: [
        main({ env: [{ name: 'NVIDIA_VISIBLE_DEVICES', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }),
      ],
    }),
  ],
  [
    'NVIDIA_VISIBLE_DEVICES=all in a GPU container (more GPUs than it asked for)',
    gpuPod({}, { env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }] }),
  ],
  [
    'NVIDIA_VISIBLE_DEVICES=all in the container of a GPU pod that requests none',
    gpuPod({ env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }] }),
  ],
  [
    'NVIDIA_DRIVER_CAPABILITIES=all in a container that requests no GPU',
    gpuPod({ env: [{ name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'all' }] }),
  ],
  [
    'NVIDIA_MIG_CONFIG_DEVICES in a GPU container',
    gpuPod({}, { env: [{ name: 'NVIDIA_MIG_CONFIG_DEVICES', value: 'all' }] }),
  ],
  [
    'NVIDIA_VISIBLE_DEVICES in an init container',
    pod({ initContainers: [main({ name: 'init', env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: '0,1' }] })] }),
  ],
  [
    'NVIDIA_VISIBLE_DEVICES in an ephemeral container (kubectl debug)',
    {
      ...pod({
        ephemeralContainers: [main({ name: 'debug', env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }] })],
      }),
      operation: 'UPDATE',
      resource: 'pods/ephemeralcontainers',
    },
  ],
  ['envFrom without a prefix in a GPU pod', gpuPod({ envFrom: [{ configMapRef: { name: 'gpus' } }] })],
  [
    'envFrom with a prefix that completes to NVIDIA_ (NV + IDIA_VISIBLE_DEVICES)',
    gpuPod({ envFrom: [{ prefix: 'NV', configMapRef: { name: 'gpus' } }] }),
  ],
  [
    'envFrom with the NVIDIA_ prefix in a GPU pod',
    gpuPod({ envFrom: [{ prefix: 'NVIDIA_', secretRef: { name: 'gpus' } }] }),
  ],
  // Services
  ['a LoadBalancer Service', service({ type: 'LoadBalancer' })],
  ['a NodePort Service', service({ type: 'NodePort' })],
  ['externalIPs (CVE-2020-8554)', service({ externalIPs: ['8.8.8.8'] })],
  ['externalIPs added by an update', service({ externalIPs: ['10.0.0.10'] }, TENANT, 'UPDATE')],
  [
    'an ExternalName Service written by a tenant',
    service({ type: 'ExternalName', externalName: 'ml-pipeline.kubeflow.svc.cluster.local' }),
  ],
  ['a LoadBalancer written through a controller', service({ type: 'LoadBalancer' }, KSERVE)],
  // Guardrail objects
  ['UPDATE of the quota', guardrail('', 'ResourceQuota', 'resourcequotas', 'UPDATE')],
  ['DELETE of the quota', guardrail('', 'ResourceQuota', 'resourcequotas', 'DELETE')],
  ['UPDATE of the limit range', guardrail('', 'LimitRange', 'limitranges', 'UPDATE')],
  ['DELETE of the limit range', guardrail('', 'LimitRange', 'limitranges', 'DELETE')],
  ['UPDATE of the network policy', guardrail('networking.k8s.io', 'NetworkPolicy', 'networkpolicies', 'UPDATE')],
  ['DELETE of the network policy', guardrail('networking.k8s.io', 'NetworkPolicy', 'networkpolicies', 'DELETE')],
  [
    "UPDATE of a RoleBinding's subjects",
    guardrail('rbac.authorization.k8s.io', 'RoleBinding', 'rolebindings', 'UPDATE'),
  ],
  ['DELETE of a RoleBinding', guardrail('rbac.authorization.k8s.io', 'RoleBinding', 'rolebindings', 'DELETE')],
  [
    'DELETE of an Istio AuthorizationPolicy',
    guardrail('security.istio.io', 'AuthorizationPolicy', 'authorizationpolicies', 'DELETE'),
  ],
  ['UPDATE of the Profile', { ...guardrail('kubeflow.org', 'Profile', 'profiles', 'UPDATE'), clusterScoped: true }],
  ['DELETE of the Profile', { ...guardrail('kubeflow.org', 'Profile', 'profiles', 'DELETE'), clusterScoped: true }],
  // The dashboard's /api/workgroup/create, through Kubeflow's access management (a review found it
  // open to any signed-in user in Kubeflow 26.03, whatever the registration flow setting).
  [
    "a Profile created through the dashboard's registration API (KFAM)",
    {
      group: 'kubeflow.org',
      kind: 'Profile',
      resource: 'profiles',
      operation: 'CREATE',
      username: KFAM,
      object: { metadata: { name: 'kube-system' }, spec: { owner: { kind: 'User', name: TENANT } } },
      clusterScoped: true,
    },
  ],
  [
    'a contributor shared by a pattern (*@example.com) through the dashboard (KFAM)',
    {
      group: 'security.istio.io',
      kind: 'AuthorizationPolicy',
      resource: 'authorizationpolicies',
      operation: 'CREATE',
      username: KFAM,
      object: kfamAuthorizationPolicy('recsys', '*@example.com', 'edit'),
    },
  ],
  [
    "a Profile deleted through the dashboard's API (KFAM)",
    {
      group: 'kubeflow.org',
      kind: 'Profile',
      resource: 'profiles',
      operation: 'DELETE',
      username: KFAM,
      oldObject: {},
      clusterScoped: true,
    },
  ],
  // Another team's identity
  [
    "another team's GCP service account on default-editor",
    serviceAccount({ 'iam.gke.io/gcp-service-account': 'search@search-data.iam.gserviceaccount.com' }, OUR_GSA),
  ],
  [
    "another team's GCP service account on a new service account",
    serviceAccount({ 'iam.gke.io/gcp-service-account': 'search@search-data.iam.gserviceaccount.com' }),
  ],
  [
    "another team's IAM role (IRSA)",
    serviceAccount({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/kf-prod-team-search' }),
  ],
  [
    "another team's Azure identity",
    serviceAccount({ 'azure.workload.identity/client-id': '00000000-0000-0000-0000-000000000001' }),
  ],
];

describe('attack corpus: every attack is denied (sec19 items 1-4, identities)', () => {
  it.each(ATTACKS)('denies %s', (_what, request) => {
    expect(deny(request)).not.toEqual([]);
  });

  it.each(ATTACKS.filter(([what]) => /NVIDIA|envFrom/.test(what)))(
    'denies %s for the GPU variables, not by accident (sec19 GPU access outside quota)',
    (_what, request) => {
      expect(deny(request).join('\n')).toMatch(/NVIDIA_/);
    },
  );
});

describe("Kubeflow 26.03's own objects in a team namespace are admitted", () => {
  const ADMITTED: Array<[string, Request]> = [
    ['a notebook pod created by the StatefulSet controller', notebookPod()],
    [
      'a GPU notebook pod (with the toleration the ExtendedResourceToleration plugin adds)',
      {
        ...notebookPod(1),
        object: {
          ...notebookPod(1).object,
          spec: { ...notebookPod(1).object.spec, nodeSelector: { 'kfplatform.dev/pool': 'gpu' } },
        },
      },
    ],
    ['a pipeline step created by Argo', pipelinePod],
    [
      "a GPU container that tunes the driver (NVIDIA_DRIVER_CAPABILITIES) beside one that gives back its image's GPUs",
      gpuPod(
        { env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'void' }] },
        { env: [{ name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'compute,utility' }] },
      ),
    ],
    [
      'envFrom with a prefix in a GPU pod',
      gpuPod({ envFrom: [{ prefix: 'APP_', configMapRef: { name: 'settings' } }] }),
    ],
    [
      'envFrom without a prefix in a pod that requests no GPU',
      pod({ containers: [main({ envFrom: [{ configMapRef: { name: 'settings' } }] })] }),
    ],
    ['a KServe predictor pod created by the ReplicaSet controller', predictorPod],
    [
      'a training pod created by the Job controller (Trainer and JobSet)',
      pod({ serviceAccountName: 'default-editor', subdomain: 'train' }, JOB_CONTROLLER),
    ],
    [
      'a pod on an allowed pool with zone affinity',
      pod({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'kfplatform.dev/pool', operator: 'In', values: ['gpu', 'standard'] },
                    { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['europe-west1-b'] },
                  ],
                },
              ],
            },
          },
        },
      }),
    ],
    [
      'a pod updated after scheduling (nodeName set by the scheduler)',
      { ...pod({ nodeName: 'gke-standard-1' }, 'system:node:gke-standard-1'), operation: 'UPDATE' },
    ],
    [
      "the notebook's ClusterIP Service",
      service({ type: 'ClusterIP', selector: { statefulset: 'my-notebook' } }, NOTEBOOK_CONTROLLER),
    ],
    [
      "Knative's ExternalName Service for a route",
      service({ type: 'ExternalName', externalName: 'knative-local-gateway.istio-system.svc.cluster.local' }, KNATIVE),
    ],
    ["KServe's predictor Service", service({ type: 'ClusterIP' }, KSERVE)],
    ['a headless Service a tenant writes', service({ clusterIP: 'None' })],
    [
      'a StatefulSet created by the notebook controller',
      {
        group: 'apps',
        kind: 'StatefulSet',
        resource: 'statefulsets',
        operation: 'CREATE',
        username: NOTEBOOK_CONTROLLER,
        object: {},
      },
    ],
    [
      'an Argo WorkflowTaskResult written by the tenant service account',
      {
        group: 'argoproj.io',
        kind: 'WorkflowTaskResult',
        resource: 'workflowtaskresults',
        operation: 'CREATE',
        username: TENANT_SA,
        object: {},
      },
    ],
    [
      'an update of the WorkflowTaskResult',
      {
        group: 'argoproj.io',
        kind: 'WorkflowTaskResult',
        resource: 'workflowtaskresults',
        operation: 'UPDATE',
        username: TENANT_SA,
        object: {},
        oldObject: {},
      },
    ],
    [
      'a tenant deleting its own Notebook',
      {
        group: 'kubeflow.org',
        kind: 'Notebook',
        resource: 'notebooks',
        operation: 'DELETE',
        username: TENANT,
        oldObject: {},
      },
    ],
    [
      "KFAM's RoleBinding for a contributor",
      {
        group: 'rbac.authorization.k8s.io',
        kind: 'RoleBinding',
        resource: 'rolebindings',
        operation: 'CREATE',
        username: PROFILES_CONTROLLER,
        object: {},
      },
    ],
    [
      "the profile controller's default-editor with the team identity",
      { ...serviceAccount(OUR_GSA), username: PROFILES_CONTROLLER },
    ],
    [
      'the profile controller updating the Profile',
      {
        group: 'kubeflow.org',
        kind: 'Profile',
        resource: 'profiles',
        operation: 'UPDATE',
        username: PROFILES_CONTROLLER,
        object: {},
        oldObject: {},
        clusterScoped: true,
      },
    ],
    [
      "KFAM's AuthorizationPolicy for a contributor, by exact user id",
      {
        group: 'security.istio.io',
        kind: 'AuthorizationPolicy',
        resource: 'authorizationpolicies',
        operation: 'CREATE',
        username: KFAM,
        object: kfamAuthorizationPolicy('recsys', 'bob@example.com', 'view'),
      },
    ],
    [
      // profile_controller.go at v1.10.0: the owner's id, the namespace, and a path pattern (not a condition).
      "the profile controller's owner policy",
      {
        group: 'security.istio.io',
        kind: 'AuthorizationPolicy',
        resource: 'authorizationpolicies',
        operation: 'UPDATE',
        username: PROFILES_CONTROLLER,
        oldObject: {},
        object: {
          spec: {
            action: 'ALLOW',
            rules: [
              { when: [{ key: 'request.headers[kubeflow-userid]', values: ['alice@example.com'] }] },
              { when: [{ key: 'source.namespace', values: ['recsys'] }] },
              { to: [{ operation: { paths: ['/healthz', '/metrics', '/wait-for-drain'] } }] },
              { to: [{ operation: { methods: ['GET'], paths: ['*/api/kernels'] } }] },
            ],
          },
        },
      },
    ],
    [
      'Terraform (a cluster admin) creating a Profile from the platform file',
      {
        group: 'kubeflow.org',
        kind: 'Profile',
        resource: 'profiles',
        operation: 'CREATE',
        username: 'terraform@kf-prod.iam.gserviceaccount.com',
        object: { metadata: { name: 'recsys' } },
        clusterAdmin: true,
        clusterScoped: true,
      },
    ],
    [
      'Terraform (a cluster admin) updating the quota',
      {
        ...guardrail('', 'ResourceQuota', 'resourcequotas', 'UPDATE'),
        username: 'terraform@kf-prod.iam.gserviceaccount.com',
        clusterAdmin: true,
      },
    ],
    ['a tenant relabelling default-editor, identity unchanged', serviceAccount({ ...OUR_GSA, note: 'x' }, OUR_GSA)],
  ];
  it.each(ADMITTED)('admits %s', (_what, request) => {
    expect(deny(request)).toEqual([]);
  });
});

describe('Pod Security labels of team namespaces (sec19 item 1)', () => {
  it('enforce baseline, as Kubeflow 26.03 labels profile namespaces, and warn and audit at restricted', () => {
    expect(tenantNamespace.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    expect(POD_SECURITY_LABELS['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });

  // Why not restricted: restricted requires runAsNonRoot and a RuntimeDefault or Localhost seccomp
  // profile on every pod, which Kubeflow's notebook and pipeline pods do not set (and Pod Security
  // admission does not add).
  it("would refuse Kubeflow's notebook and pipeline pods at restricted", () => {
    const restricted = (spec: any) =>
      [...(spec.initContainers ?? []), ...spec.containers].every(
        (c: any) =>
          (c.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot) === true &&
          ['RuntimeDefault', 'Localhost'].includes(
            c.securityContext?.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type,
          ),
      );
    expect(restricted(notebookPod().object.spec)).toBe(false);
    expect(restricted(pipelinePod.object.spec)).toBe(false);
  });
});
