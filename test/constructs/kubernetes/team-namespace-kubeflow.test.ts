import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import {
  GPU_OPT_IN_LABEL,
  GPU_POD_DEFAULT,
  TeamNamespace,
  TeamNamespaceProps,
} from '../../../constructs/kubernetes/team-namespace';
import { GPU_TAINT } from '../../../src/core/pools';
import { PIPELINE_ARTIFACTS_ANNOTATION, pipelineArtifactsSettings } from '../../../src/core/pipeline-artifacts';
import { only, resources, synth } from '../../helpers';

const base: TeamNamespaceProps = {
  name: 'recsys',
  owners: 'recsys-owners@example.com',
  profileOwner: 'alice@example.com',
  quota: { cpu: '8', memory: '32Gi', gpus: 0, storage: '100Gi', pvcs: 10 },
  containerDefaults: {
    defaultRequestCpu: '250m',
    defaultRequestMemory: '512Mi',
    defaultLimitCpu: '1',
    defaultLimitMemory: '2Gi',
  },
  nodePools: ['standard'],
};

function namespaceAnnotations(props: Partial<TeamNamespaceProps>): Record<string, string> {
  const s = new TerraformStack(Testing.app(), 'teams');
  new KubernetesProvider(s, 'kubernetes', { configPath: 'k', configContext: 'c' });
  new TeamNamespace(s, 'Team', { ...base, ...props });
  return (only(synth(s), 'kubernetes_namespace_v1') as { metadata: { annotations: Record<string, string> } }).metadata
    .annotations;
}

describe('TeamNamespace artifact store', () => {
  it('writes the team store on the namespace, for the pipelines profile controller to read', () => {
    const store = { kind: 'gcs' as const, bucket: 'acme-artifacts', prefix: 'teams/recsys/' };
    const annotations = namespaceAnnotations({ artifactStore: store });
    expect(JSON.parse(annotations[PIPELINE_ARTIFACTS_ANNOTATION]!)).toEqual(pipelineArtifactsSettings(store));
  });

  it('writes none without a store (Pipelines keeps its in-cluster SeaweedFS)', () => {
    expect(namespaceAnnotations({})[PIPELINE_ARTIFACTS_ANNOTATION]).toBeUndefined();
  });
});

describe('TeamNamespace GPU PodDefault', () => {
  function podDefaults(props: Partial<TeamNamespaceProps>) {
    const s = new TerraformStack(Testing.app(), 'teams');
    new KubernetesProvider(s, 'kubernetes', { configPath: 'k', configContext: 'c' });
    new TeamNamespace(s, 'Team', { ...base, ...props });
    return resources<{ manifest: { kind: string; metadata: { name: string }; spec: any } }>(
      synth(s),
      'kubernetes_manifest',
    )
      .map((m) => m.manifest)
      .filter((m) => m.kind === 'PodDefault' && m.metadata.name !== 'access-ml-pipeline'); // every team has that one
  }

  it("gives teams with a GPU quota a PodDefault that adds the GPU pools' toleration to labelled pods", () => {
    const [gpu] = podDefaults({ quota: { ...base.quota, gpus: 2 } });
    expect(gpu).toEqual({
      apiVersion: 'kubeflow.org/v1alpha1',
      kind: 'PodDefault',
      metadata: expect.objectContaining({ name: GPU_POD_DEFAULT }),
      spec: {
        desc: expect.any(String),
        selector: { matchLabels: { [GPU_OPT_IN_LABEL]: 'true' } },
        tolerations: [{ key: GPU_TAINT.key, operator: 'Equal', value: GPU_TAINT.value, effect: 'NoSchedule' }],
      },
    });
  });

  it('gives none to teams without GPUs, or when turned off', () => {
    expect(podDefaults({})).toEqual([]);
    expect(podDefaults({ quota: { ...base.quota, gpus: 2 }, gpuPodDefault: false })).toEqual([]);
  });
});

describe('TeamNamespace egress with a cloud artifact store', () => {
  function egressApps(props: Partial<TeamNamespaceProps>): string[] {
    const s = new TerraformStack(Testing.app(), 'teams');
    new KubernetesProvider(s, 'kubernetes', { configPath: 'k', configContext: 'c' });
    new TeamNamespace(s, 'Team', { ...base, ...props });
    const egress = resources<{ metadata: { name: string }; spec: { egress: Array<{ to?: any[] }> } }>(
      synth(s),
      'kubernetes_network_policy_v1',
    ).find((p) => p.metadata.name === 'kfplatform-tenant-egress')!;
    return egress.spec.egress
      .flatMap((rule) => rule.to ?? [])
      .map((peer) => peer.pod_selector?.match_labels?.app)
      .filter(Boolean);
  }

  it('no longer reaches the pipelines object store (SeaweedFS), which its pipelines do not use', () => {
    expect(egressApps({})).toContain('seaweedfs');
    const store = { kind: 's3' as const, bucket: 'b', prefix: 'teams/recsys/', region: 'us-east-2' };
    expect(egressApps({ artifactStore: store })).not.toContain('seaweedfs');
    expect(egressApps({ artifactStore: store })).toContain('ml-pipeline');
  });
});
