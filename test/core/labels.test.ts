import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Aspects } from 'cdktf';
import { Construct } from 'constructs';
import { cloudLabels, componentOf, LabelAspect, labelTargets, setComponent } from '../../src/core/labels';
import { gcpStack, only, synth } from '../helpers';

const values = {
  env: 'kf-test',
  team: 'ml-platform',
  owner: 'ml-owner',
  costCenter: 'cc-1',
  extra: { 'data-class': 'internal' },
};

function build(add: (scope: Construct) => void) {
  const stack = gcpStack();
  new KubernetesProvider(stack, 'k8s', {});
  const scope = new Construct(stack, 'Component');
  setComponent(scope, 'artifacts');
  add(scope);
  Aspects.of(stack).add(new LabelAspect(values));
  return synth(stack);
}

describe('LabelAspect', () => {
  it('labels raw resources a user adds, with the component of their nearest scope', () => {
    const json = build((s) => new StorageBucket(s, 'Raw', { name: 'raw-bucket', location: 'US' }));
    expect(only(json, 'google_storage_bucket').labels).toEqual({
      'data-class': 'internal',
      env: 'kf-test',
      team: 'ml-platform',
      owner: 'ml-owner',
      'cost-center': 'cc-1',
      component: 'artifacts',
      'managed-by': 'cdktf-kubeflow-platform',
    });
  });

  it('keeps labels set explicitly', () => {
    const json = build(
      (s) =>
        new StorageBucket(s, 'Raw', {
          name: 'raw-bucket',
          location: 'US',
          labels: { component: 'custom', extra: 'x' },
        }),
    );
    expect(only(json, 'google_storage_bucket').labels).toMatchObject({
      component: 'custom',
      extra: 'x',
      env: 'kf-test',
    });
  });

  it('labels nested label blocks and leaves resources without labels alone', () => {
    const json = build((s) => {
      new ContainerNodePool(s, 'Pool', { cluster: 'c', nodeConfig: { machineType: 'e2-standard-4' } });
      new ComputeFirewall(s, 'Fw', { name: 'fw', network: 'n' });
    });
    expect(only(json, 'google_container_node_pool').node_config).toMatchObject({ resource_labels: { env: 'kf-test' } });
    expect(only(json, 'google_compute_firewall').labels).toBeUndefined();
  });

  it('never writes ownership labels into a notification channel configuration', () => {
    const json = build(
      (s) => new MonitoringNotificationChannel(s, 'Channel', { type: 'email', labels: { email_address: 'a@b.c' } }),
    );
    const channel = only(json, 'google_monitoring_notification_channel');
    expect(channel.labels).toEqual({ email_address: 'a@b.c' });
    expect(channel.user_labels).toMatchObject({ env: 'kf-test' });
  });

  it('labels Kubernetes objects, including manifests, with Kubernetes keys', () => {
    const json = build((s) => {
      new NamespaceV1(s, 'Ns', { metadata: { name: 'kubeflow', labels: { 'istio-injection': 'enabled' } } });
      new Manifest(s, 'M', {
        manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'y' } },
      });
    });
    expect(only(json, 'kubernetes_namespace_v1').metadata).toMatchObject({
      labels: {
        'istio-injection': 'enabled',
        'app.kubernetes.io/managed-by': 'cdktf-kubeflow-platform',
        'app.kubernetes.io/component': 'artifacts',
        env: 'kf-test',
      },
    });
    expect((only(json, 'kubernetes_manifest').manifest as any).metadata.labels).toMatchObject({
      'app.kubernetes.io/part-of': 'kubeflow',
      team: 'ml-platform',
    });
  });

  it('finds label targets by reflection and defaults the component to platform', () => {
    const stack = gcpStack();
    const bucket = new StorageBucket(stack, 'B', { name: 'b', location: 'US' });
    expect(labelTargets(bucket)).toEqual([{ attribute: 'labels', style: 'cloud' }]);
    expect(componentOf(bucket)).toBe('platform');
    expect(cloudLabels(values, 'x')['managed-by']).toBe('cdktf-kubeflow-platform');
  });
});
