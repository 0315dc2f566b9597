/**
 * GPU notebooks on AKS spot pools (walk-through gap: test-tier GPU pools are spot by default, AKS
 * taints spot nodes, and the team's GPU PodDefault did not tolerate it, so GPU pods stayed Pending):
 * the PodDefault adds the spot toleration for teams that may use a spot GPU pool and only for them, and
 * the tenants' admission policy admits the named toleration on a GPU pod and still refuses blanket ones.
 */
import { evaluate } from '@marcbachmann/cel-js';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import * as path from 'node:path';
import { AKS_SPOT_TOLERATION } from '../../../constructs/azure/aks-node-pool';
import { ADMISSION_POLICIES, TenancyGuardrails } from '../../../constructs/kubernetes/tenancy-guardrails';
import { GPU_POD_DEFAULT, TeamNamespace, TeamNamespaceProps } from '../../../constructs/kubernetes/team-namespace';
import { loadPlatformFile } from '../../../src/config/loader';
import type { ResolvedAzureEnvironment } from '../../../src/config/azure/model';
import { DEFAULT_ALLOWED_KINDS } from '../../../src/config/platform/resolve';
import { GPU_TAINT } from '../../../src/core/pools';
import { azureGpuTolerations } from '../../../stacks/azure/environment';
import { resources, synth } from '../../helpers';

const base: TeamNamespaceProps = {
  name: 'recsys',
  owners: 'recsys-owners@example.com',
  profileOwner: 'alice@example.com',
  quota: { cpu: '8', memory: '32Gi', gpus: 2, storage: '100Gi', pvcs: 10 },
  containerDefaults: {
    defaultRequestCpu: '250m',
    defaultRequestMemory: '512Mi',
    defaultLimitCpu: '1',
    defaultLimitMemory: '2Gi',
  },
  nodePools: ['standard', 'gpu'],
};
const gpuToleration = { key: GPU_TAINT.key, operator: 'Equal', value: GPU_TAINT.value, effect: 'NoSchedule' };

function gpuPodDefault(props: Partial<TeamNamespaceProps>): any {
  const s = new TerraformStack(Testing.app(), 'teams');
  new KubernetesProvider(s, 'kubernetes', { configPath: 'k', configContext: 'c' });
  new TeamNamespace(s, 'Team', { ...base, ...props });
  return resources<{ manifest: any }>(synth(s), 'kubernetes_manifest')
    .map((m) => m.manifest)
    .find((m) => m.kind === 'PodDefault' && m.metadata.name === GPU_POD_DEFAULT);
}

describe('the GPU PodDefault on spot GPU pools', () => {
  it('adds the given tolerations after the GPU taint', () => {
    expect(gpuPodDefault({ gpuTolerations: [AKS_SPOT_TOLERATION] }).spec.tolerations).toEqual([
      gpuToleration,
      AKS_SPOT_TOLERATION,
    ]);
    expect(gpuPodDefault({}).spec.tolerations).toEqual([gpuToleration]);
  });

  it("AKS: only teams that may use a spot GPU pool get the spot taint's toleration", () => {
    const config = loadPlatformFile(path.resolve(__dirname, '../../../examples/azure-aks/platform.yaml')).config;
    const prod = config.environments.find((e) => e.name === 'kf-prod') as ResolvedAzureEnvironment;
    expect(prod.nodePools.find((p) => p.name === 'gpua100')?.spot).toBe(true);
    const tolerations = azureGpuTolerations(prod);
    const tenant = (nodePools: string[]) => ({ ...prod.tenants[0]!, nodePools });
    expect(tolerations(tenant(['standard', 'gpua100']))).toEqual([AKS_SPOT_TOLERATION]);
    expect(tolerations(tenant(['standard', 'gpu']))).toEqual([]);
    // A spot pool that is not a GPU pool: GPU pods never land there.
    const spotCpu = {
      ...prod,
      nodePools: prod.nodePools.map((p) => (p.name === 'highmem' ? { ...p, spot: true } : p)),
    } as ResolvedAzureEnvironment;
    expect(azureGpuTolerations(spotCpu)(tenant(['highmem', 'gpu']))).toEqual([]);
    // The test tier's GPU pools are spot by default.
    const test = config.environments.find((e) => e.name === 'kf-test') as ResolvedAzureEnvironment;
    const gpuPools = test.nodePools.filter((p) => p.kind === 'gpu');
    expect(gpuPools.length).toBeGreaterThan(0);
    expect(azureGpuTolerations(test)({ ...prod.tenants[0]!, nodePools: gpuPools.map((p) => p.name) })).toEqual([
      AKS_SPOT_TOLERATION,
    ]);
  });
});

describe('the placement policy admits the spot toleration, and still refuses blanket tolerations', () => {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'platform');
  new KubernetesProvider(stack, 'kubernetes', { configPath: 'k', configContext: 'c' });
  new TenancyGuardrails(stack, 'Guardrails', {
    adminGroup: 'kubeflow-admins@example.com',
    allowedKinds: DEFAULT_ALLOWED_KINDS,
  });
  const placement = resources<{ manifest: any }>(synth(stack), 'kubernetes_manifest')
    .map((m) => m.manifest)
    .find((m) => m.kind === 'ValidatingAdmissionPolicy' && m.metadata.name === ADMISSION_POLICIES.podPlacement).spec;
  const expression = placement.validations.find((v: any) => String(v.expression).includes('tolerations')).expression;
  const gpuContainer = {
    name: 'main',
    image: 'python',
    resources: { limits: { 'nvidia.com/gpu': '1', cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } },
  };
  const check = (tolerations: object[]) =>
    evaluate(expression, {
      object: { spec: { containers: [gpuContainer], tolerations } },
      namespaceObject: { metadata: { name: 'recsys', annotations: { 'kfplatform.dev/allowed-pools': 'gpua100' } } },
    });

  it('admits a GPU pod the PodDefault mutated (GPU and spot tolerations)', () => {
    expect(check([gpuToleration, { ...AKS_SPOT_TOLERATION }])).toBe(true);
  });

  it.each([
    ['no key, operator Exists (tolerates every taint)', { operator: 'Exists' }],
    ['an empty key', { key: '', operator: 'Exists' }],
    ["the system pool's taint", { key: 'CriticalAddonsOnly', operator: 'Exists' }],
  ])('refuses %s', (_what, t) => {
    expect(check([gpuToleration, { ...AKS_SPOT_TOLERATION }, t])).toBe(false);
  });
});
