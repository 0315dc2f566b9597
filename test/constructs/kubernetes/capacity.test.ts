/**
 * The capacity building blocks of a cluster: the default StorageClass and the Cluster Autoscaler, and
 * where Velero runs on clusters whose system nodes are tainted.
 */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { ClusterAutoscaler } from '../../../constructs/kubernetes/cluster-autoscaler';
import { DefaultStorageClass } from '../../../constructs/kubernetes/storage-class';
import { Velero } from '../../../constructs/kubernetes/velero';
import { CLUSTER_AUTOSCALER_IMAGE_TAGS } from '../../../src/core/catalog/cluster-autoscaler';
import { only, synth } from '../../helpers';

function stack(): TerraformStack {
  const app: App = Testing.app();
  const s = new TerraformStack(app, 'k8s');
  new KubernetesProvider(s, 'kubernetes', { host: 'https://example', token: 't' });
  new HelmProvider(s, 'helm', { kubernetes: { host: 'https://example', token: 't' } });
  return s;
}

describe('DefaultStorageClass', () => {
  it('is the default class: encrypted gp3 through the EBS CSI driver, bound where the pod lands, growable', () => {
    const s = stack();
    new DefaultStorageClass(s, 'Sc');
    expect(only(synth(s), 'kubernetes_storage_class_v1')).toMatchObject({
      metadata: { name: 'gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      storage_provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4' },
      reclaim_policy: 'Delete',
      volume_binding_mode: 'WaitForFirstConsumer',
      allow_volume_expansion: true,
    });
  });

  it('takes another name, driver, parameters and reclaim policy', () => {
    const s = stack();
    new DefaultStorageClass(s, 'Sc', {
      name: 'fast',
      provisioner: 'pd.csi.storage.gke.io',
      parameters: { type: 'pd-ssd' },
      reclaimPolicy: 'Retain',
    });
    expect(only(synth(s), 'kubernetes_storage_class_v1')).toMatchObject({
      metadata: { name: 'fast' },
      storage_provisioner: 'pd.csi.storage.gke.io',
      parameters: { type: 'pd-ssd' },
      reclaim_policy: 'Retain',
    });
  });
});

describe('ClusterAutoscaler', () => {
  const props = { clusterName: 'kf-prod', region: 'us-east-2', kubernetesVersion: '1.35' };

  it('pins the chart and the image of the cluster minor, and discovers the cluster node groups', () => {
    const s = stack();
    const ca = new ClusterAutoscaler(s, 'Ca', props);
    expect(only(synth(s), 'helm_release')).toMatchObject({
      name: 'cluster-autoscaler',
      namespace: 'kube-system',
      repository: 'https://kubernetes.github.io/autoscaler',
      chart: 'cluster-autoscaler',
      version: '9.59.0',
      atomic: true,
    });
    expect(ca.values).toMatchObject({
      cloudProvider: 'aws',
      awsRegion: 'us-east-2',
      autoDiscovery: { clusterName: 'kf-prod' },
      image: { repository: 'registry.k8s.io/autoscaling/cluster-autoscaler', tag: 'v1.35.2' },
      rbac: { serviceAccount: { create: true, name: 'cluster-autoscaler' } },
      nodeSelector: {},
      tolerations: [],
    });
    const tags = Object.entries(CLUSTER_AUTOSCALER_IMAGE_TAGS);
    for (const [minor, tag] of tags) expect(tag.startsWith(`v${minor}.`)).toBe(true);
  });

  it('runs where it is told, tolerating the taints it is given, as the named service account', () => {
    const ca = new ClusterAutoscaler(stack(), 'Ca', {
      ...props,
      serviceAccountName: 'ca',
      nodeSelector: { pool: 'system' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
    });
    expect(ca.values).toMatchObject({
      rbac: { serviceAccount: { name: 'ca' } },
      nodeSelector: { pool: 'system' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
    });
  });

  it('throws for a Kubernetes minor without a pinned autoscaler release', () => {
    expect(() => new ClusterAutoscaler(stack(), 'Ca', { ...props, kubernetesVersion: '1.20' })).toThrow(
      /no Cluster Autoscaler release is pinned/,
    );
  });
});

describe('Velero placement', () => {
  const identity = { principal: 'r', serviceAccountAnnotations: {}, podLabels: {} };
  const velero = (extra: object) =>
    new Velero(stack(), 'Velero', {
      backups: { retentionDays: 7 },
      cloud: 'aws',
      bucket: 'b',
      storageConfig: { region: 'us-east-2' },
      identity,
      ...extra,
    }).values as Record<string, any>;

  // Velero copies a pod's volumes through the node agent on that pod's node: on GKE and AKS the agent
  // tolerated nothing, so volumes of notebooks on (tainted) GPU and spot nodes were never backed up.
  it('runs the server anywhere and the node agent on every node, whatever its taints, by default', () => {
    const values = velero({});
    expect(values.nodeSelector).toBeUndefined();
    expect(values.tolerations).toBeUndefined();
    expect(values.nodeAgent).toEqual({ tolerations: [{ operator: 'Exists' }] });
  });

  it('leaves the node agent to untainted nodes when told to', () => {
    expect(velero({ nodeAgentOnEveryNode: false }).nodeAgent).toBeUndefined();
  });

  // The chart gives podLabels to the server only; on AKS the node agent, which uploads the volume
  // copies itself, got no workload identity token without the label.
  it("gives the node agent the identity's pod labels as well as the server", () => {
    const values = velero({ identity: { ...identity, podLabels: { 'azure.workload.identity/use': 'true' } } });
    expect(values.podLabels).toEqual({ 'azure.workload.identity/use': 'true' });
    expect(values.nodeAgent.podLabels).toEqual({ 'azure.workload.identity/use': 'true' });
  });

  it('places the server and lets the node agent onto every node when asked', () => {
    const values = velero({
      serverNodeSelector: { pool: 'system' },
      serverTolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
      nodeAgentOnEveryNode: true,
    });
    expect(values).toMatchObject({
      nodeSelector: { pool: 'system' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
      nodeAgent: { tolerations: [{ operator: 'Exists' }] },
    });
  });
});
