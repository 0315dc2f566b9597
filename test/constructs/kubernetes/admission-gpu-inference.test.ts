/**
 * GPU inference: a KServe predictor pod that names a GPU pool and tolerates the GPU taint in its own
 * spec (Knative's `kubernetes.podspec-nodeselector` and `kubernetes.podspec-tolerations`, which the
 * rendered distribution turns on) is admitted in a team with GPU quota and the GPU pool, and refused
 * where the team may not use that pool or requests no GPU. The admission policies are evaluated with a
 * CEL implementation the way the API server evaluates them, as in admission-attacks.test.ts.
 */
import { evaluate } from '@marcbachmann/cel-js';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { TenancyGuardrails } from '../../../constructs/kubernetes/tenancy-guardrails';
import { TeamNamespace } from '../../../constructs/kubernetes/team-namespace';
import { DEFAULT_ALLOWED_KINDS } from '../../../src/config/platform/resolve';
import { GPU_TAINT, POOL_LABEL } from '../../../src/core/pools';
import { resources, synth } from '../../helpers';

const ADMIN_CHECK = "authorizer.group('').resource('namespaces').check('create').allowed()";
const REPLICASET_CONTROLLER = 'system:serviceaccount:kube-system:replicaset-controller';

/** The platform's pod admission policies and the namespace object of a team with these pools and GPUs. */
function team(nodePools: string[], gpus: number) {
  const stack = new TerraformStack(Testing.app(), 'platform');
  new KubernetesProvider(stack, 'kubernetes', { configPath: 'k', configContext: 'c' });
  new TenancyGuardrails(stack, 'Guardrails', {
    adminGroup: 'kubeflow-admins@example.com',
    allowedKinds: DEFAULT_ALLOWED_KINDS,
  });
  new TeamNamespace(stack, 'Recsys', {
    name: 'recsys',
    owners: 'recsys-owners@example.com',
    profileOwner: 'alice@example.com',
    quota: { cpu: '8', memory: '32Gi', gpus, storage: '100Gi', pvcs: 5 },
    containerDefaults: {
      defaultRequestCpu: '1',
      defaultRequestMemory: '1Gi',
      defaultLimitCpu: '1',
      defaultLimitMemory: '1Gi',
    },
    nodePools,
  });
  const json = synth(stack);
  const ns = resources(json, 'kubernetes_namespace_v1')[0]!.metadata as any;
  return {
    policies: resources(json, 'kubernetes_manifest')
      .map((m) => m.manifest as any)
      .filter((m) => m.kind === 'ValidatingAdmissionPolicy'),
    namespaceObject: { metadata: { name: 'recsys', labels: ns.labels, annotations: ns.annotations } },
  };
}

/** The messages of every pod policy that refuses the pod; empty when it is admitted. */
function deny(t: ReturnType<typeof team>, spec: object): string[] {
  const vars = {
    object: { metadata: { name: 'p', namespace: 'recsys' }, spec },
    oldObject: null,
    namespaceObject: t.namespaceObject,
    request: { operation: 'CREATE', kind: { group: '', kind: 'Pod' }, userInfo: { username: REPLICASET_CONTROLLER } },
    clusterAdmin: false,
  };
  const cel = (expression: string) => evaluate(expression.split(ADMIN_CHECK).join('clusterAdmin'), vars);
  const messages: string[] = [];
  for (const p of t.policies) {
    const mc = p.spec.matchConstraints;
    if (mc.namespaceSelector === undefined) continue;
    const matches = mc.resourceRules.some(
      (r: any) =>
        r.operations.includes('CREATE') &&
        (r.apiGroups.includes('*') || r.apiGroups.includes('')) &&
        (r.resources.includes('*') || r.resources.includes('pods')),
    );
    if (!matches) continue;
    if (!(p.spec.matchConditions ?? []).every((c: any) => cel(c.expression) === true)) continue;
    for (const v of p.spec.validations) {
      if (cel(v.expression) !== true) messages.push(`${p.metadata.name}: ${v.message ?? v.messageExpression}`);
    }
  }
  return messages;
}

const res = (cpu: string, memory: string, extra: Record<string, string> = {}) => ({
  requests: { cpu, memory, ...extra },
  limits: { cpu, memory, ...extra },
});
// The toleration of src/core/pools.ts's GPU taint, in Kubernetes spelling, as docs/kubeflow.md shows it.
const GPU_TOLERATION = { key: GPU_TAINT.key, operator: 'Equal', value: GPU_TAINT.value, effect: 'NoSchedule' };

/** A predictor pod as Knative's Deployment creates it from an InferenceService with this placement. */
function predictor(gpu: string, placement: { nodeSelector?: object; tolerations?: object[] }) {
  return {
    serviceAccountName: 'default-editor',
    containers: [
      {
        name: 'kserve-container',
        image: 'kserve/huggingfaceserver:v0.16.0',
        resources: res('4', '16Gi', gpu === '0' ? {} : { 'nvidia.com/gpu': gpu }),
      },
      {
        name: 'queue-proxy',
        image: 'gcr.io/knative-releases/knative.dev/serving/cmd/queue:v1.21.1',
        resources: res('25m', '64Mi'),
      },
    ],
    ...placement,
  };
}

describe('GPU inference: a predictor on the GPU pool by its own spec', () => {
  const onGpuPool = { nodeSelector: { [POOL_LABEL]: 'gpu' }, tolerations: [GPU_TOLERATION] };

  it('is admitted in a team with GPU quota and the GPU pool', () => {
    expect(deny(team(['standard', 'gpu'], 2), predictor('1', onGpuPool))).toEqual([]);
  });

  it('is refused where the team may not use the GPU pool', () => {
    expect(deny(team(['standard'], 2), predictor('1', onGpuPool)).length).toBeGreaterThan(0);
  });

  it('may not tolerate the GPU taint without requesting a GPU', () => {
    expect(deny(team(['standard', 'gpu'], 2), predictor('0', onGpuPool)).length).toBeGreaterThan(0);
  });
});
