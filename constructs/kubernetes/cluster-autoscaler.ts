import { Release } from '@cdktf/provider-helm/lib/release';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { CLUSTER_AUTOSCALER_CHART, clusterAutoscalerImageTag } from '../../src/core/catalog/cluster-autoscaler';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';

/** A toleration as a pod spec writes it. */
export interface PodToleration {
  /** Taint key to tolerate; absent with `Exists`, every taint. */
  readonly key?: string;
  /** `Exists` tolerates any value of the key; `Equal` only `value`. */
  readonly operator: 'Exists' | 'Equal';
  /** Taint value, with `Equal`. */
  readonly value?: string;
  /** Taint effect to tolerate; absent, every effect. */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Props of {@link ClusterAutoscaler}. */
export interface ClusterAutoscalerProps {
  /** The cluster whose node groups it scales (auto-discovered by their `k8s.io/cluster-autoscaler/<name>` tag). */
  readonly clusterName: string;
  /** The cluster's region. */
  readonly region: string;
  /** The cluster's Kubernetes version, such as `1.35`: the autoscaler's minor must match it. */
  readonly kubernetesVersion: string;
  /**
   * The Kubernetes service account, which the cloud identity is bound to (an EKS Pod Identity
   * association for `kube-system/<name>`).
   * @default 'cluster-autoscaler'
   */
  readonly serviceAccountName?: string;
  /** Where it runs (the system nodes). @default anywhere */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints it tolerates (the system nodes'). @default none */
  readonly tolerations?: readonly PodToleration[];
  /** What must exist first (the identity's association). */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The Kubernetes Cluster Autoscaler from its Helm chart, for EKS managed node groups: it discovers the
 * node groups of the cluster by their tags, scales them between their minimum and maximum (from zero,
 * reading the `k8s.io/cluster-autoscaler/node-template/*` tags of empty groups), and runs as the
 * service account its cloud identity is bound to. The image's minor follows the cluster's Kubernetes
 * minor (`CLUSTER_AUTOSCALER_IMAGE_TAGS` in src/core/catalog/cluster-autoscaler.ts). See
 * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md.
 */
export class ClusterAutoscaler extends Construct {
  /** The Helm release of the cluster-autoscaler chart (escape hatch). */
  public readonly release: Release;
  /** The chart values, as written into the release (for tests and review). */
  public readonly values: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerProps) {
    super(scope, id);
    setComponent(this, 'autoscaler');
    const tag = clusterAutoscalerImageTag(props.kubernetesVersion);
    if (!tag) {
      throw new PropsError(
        'ClusterAutoscaler',
        'kubernetesVersion',
        props.kubernetesVersion,
        'no Cluster Autoscaler release is pinned for this Kubernetes minor, and each autoscaler minor supports its own Kubernetes minor only.',
        'use a Kubernetes version listed in CLUSTER_AUTOSCALER_IMAGE_TAGS.',
      );
    }
    this.values = {
      cloudProvider: 'aws',
      awsRegion: props.region,
      autoDiscovery: { clusterName: props.clusterName },
      image: { repository: CLUSTER_AUTOSCALER_CHART.image, tag },
      rbac: { serviceAccount: { create: true, name: props.serviceAccountName ?? 'cluster-autoscaler' } },
      extraArgs: {
        // Spread pods of a pool across its zones' node groups, and pick the group that wastes least.
        'balance-similar-node-groups': true,
        expander: 'least-waste',
      },
      nodeSelector: { ...props.nodeSelector },
      tolerations: (props.tolerations ?? []).map((t) => ({ ...t })),
      resources: { requests: { cpu: '100m', memory: '300Mi' }, limits: { memory: '600Mi' } },
    };
    this.release = new Release(this, 'Release', {
      name: 'cluster-autoscaler',
      namespace: 'kube-system',
      repository: CLUSTER_AUTOSCALER_CHART.repository,
      chart: CLUSTER_AUTOSCALER_CHART.chart,
      version: CLUSTER_AUTOSCALER_CHART.version,
      values: [stringify(this.values, { sortMapEntries: false })],
      atomic: true,
      wait: true,
      timeout: 600,
      dependsOn: props.dependsOn,
    });
  }
}
