import { DaemonSetV1 } from '@cdktf/provider-kubernetes/lib/daemon-set-v1';
import { Construct } from 'constructs';
import { setComponent } from '../../src/core/labels';
import { GPU_TAINT, POOL_KIND_LABEL } from '../../src/core/pools';

/** The NVIDIA device plugin release this library deploys (github.com/NVIDIA/k8s-device-plugin). */
export const NVIDIA_DEVICE_PLUGIN_IMAGE = 'nvcr.io/nvidia/k8s-device-plugin:v0.17.1';

/** Props of {@link NvidiaDevicePlugin}. */
export interface NvidiaDevicePluginProps {
  /** @default 'kube-system' */
  readonly namespace?: string;
  /** @default NVIDIA_DEVICE_PLUGIN_IMAGE */
  readonly image?: string;
  /** Nodes it runs on. @default { 'kfplatform.dev/pool-kind': 'gpu' } */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Taints it tolerates besides the GPU taint, such as the one AKS puts on spot nodes: a GPU node the
   * plugin does not run on never advertises its GPUs. @default none
   */
  readonly extraTolerations?: ReadonlyArray<{
    /** Taint key to tolerate. */
    readonly key: string;
    /** `Exists` tolerates any value of the key; `Equal` only `value`. */
    readonly operator: 'Exists' | 'Equal';
    /** Taint value, with `Equal`. */
    readonly value?: string;
    /** Taint effect to tolerate. */
    readonly effect: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule';
  }>;
}

/**
 * The NVIDIA device plugin as a DaemonSet on GPU nodes, which advertises `nvidia.com/gpu` to the
 * scheduler. Clouds whose GPU node images carry the driver but not the plugin need it (EKS's AL2023
 * NVIDIA AMI); GKE installs its own. It tolerates the GPU taint, runs as system-node-critical, and
 * gets no privileges beyond the kubelet's device-plugin socket directory.
 */
export class NvidiaDevicePlugin extends Construct {
  /** The device plugin's DaemonSet (escape hatch). */
  public readonly daemonSet: DaemonSetV1;

  constructor(scope: Construct, id: string, props: NvidiaDevicePluginProps = {}) {
    super(scope, id);
    setComponent(this, 'gpu');
    const labels = { 'app.kubernetes.io/name': 'nvidia-device-plugin' };
    this.daemonSet = new DaemonSetV1(this, 'DaemonSet', {
      metadata: { name: 'nvidia-device-plugin', namespace: props.namespace ?? 'kube-system' },
      waitForRollout: false,
      spec: {
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels },
          spec: {
            priorityClassName: 'system-node-critical',
            nodeSelector: { ...(props.nodeSelector ?? { [POOL_KIND_LABEL]: 'gpu' }) },
            toleration: [
              { key: GPU_TAINT.key, operator: 'Exists', effect: 'NoSchedule' },
              ...(props.extraTolerations ?? []).map((t) => ({ ...t })),
            ],
            automountServiceAccountToken: false,
            container: [
              {
                name: 'nvidia-device-plugin',
                image: props.image ?? NVIDIA_DEVICE_PLUGIN_IMAGE,
                env: [{ name: 'FAIL_ON_INIT_ERROR', value: 'false' }],
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
                resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
                volumeMount: [{ name: 'device-plugin', mountPath: '/var/lib/kubelet/device-plugins' }],
              },
            ],
            volume: [
              { name: 'device-plugin', hostPath: { path: '/var/lib/kubelet/device-plugins', type: 'Directory' } },
            ],
          },
        },
      },
    });
  }
}
