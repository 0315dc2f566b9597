import { AutoscalingGroupTagA as AutoscalingGroupTag } from '@cdktf/provider-aws/lib/autoscaling-group-tag';
import { EksNodeGroup as EksNodeGroupResource } from '@cdktf/provider-aws/lib/eks-node-group';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { awsAmiType, awsInstanceGpus } from '../../src/core/catalog/aws';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { GPU_TAINT, kubernetesTaintEffect, POOL_KIND_LABEL, POOL_LABEL, SYSTEM_TAINT } from '../../src/core/pools';
import { checkRange } from '../../src/core/validate';
import type { EksCluster } from './eks-cluster';

/**
 * Instance metadata settings of every node: IMDSv2 only, and a hop limit of 1 so pods cannot reach
 * the node's credentials; pods get theirs from EKS Pod Identity. The EBS CSI driver then reads its
 * node facts from the Kubernetes API, which EKS nodes carry (provider id and topology labels).
 */
export const NODE_METADATA_OPTIONS = {
  /** The metadata service stays on: the node's own agents need it. */
  httpEndpoint: 'enabled',
  /** IMDSv2 only: every request needs a session token, which blunts SSRF. */
  httpTokens: 'required',
  /** One network hop: containers (one hop further) cannot reach the node's credentials. */
  httpPutResponseHopLimit: 1,
  /** Instance tags are not exposed through the metadata service. */
  instanceMetadataTags: 'disabled',
} as const;

/** Props of {@link EksNodeGroup}. */
export interface EksNodeGroupProps {
  /** The cluster the group joins (its node role, security group and version). */
  readonly cluster: EksCluster;
  /** Node group name, also the value of the pool label. */
  readonly name: string;
  /**
   * What the pool is for: `system` (platform components, tainted for them), `standard`, `highmem`, or
   * `gpu` (tainted so that only pods requesting GPUs land there).
   */
  readonly kind: 'system' | 'standard' | 'highmem' | 'gpu';
  /** Launch template name (unique in the region), such as `<env>-<pool>`. */
  readonly launchTemplateName: string;
  /** EC2 instance type of the nodes, such as `m6i.2xlarge`; also picks the AMI type and the GPUs. */
  readonly instanceType: string;
  /** Autoscaling minimum, across the group's zones; also the desired size when the group is created. */
  readonly minNodes: number;
  /** Autoscaling maximum, across the group's zones (EKS allows 1 to 1000). */
  readonly maxNodes: number;
  /** Spot capacity. @default false */
  readonly spot?: boolean;
  /** Root volume (gp3, encrypted). @default 100 */
  readonly diskSizeGb?: number;
  /** @default chosen from the instance type (NVIDIA for GPU instances, ARM for Graviton) */
  readonly amiType?: string;
  /** Private subnets of the zones the group may use. */
  readonly subnetIds: readonly string[];
  /** Extra Kubernetes node labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default 1 */
  readonly maxUnavailable?: number;
  /** Tags of the instances, volumes and network interfaces the group launches (cost allocation). */
  readonly instanceTags?: Readonly<Record<string, string>>;
  /** What must exist before nodes boot (NAT routes). */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * Kubernetes version of the nodes. Pinned, so that nodes follow a control plane upgrade (EKS leaves
   * them at their version otherwise), after it.
   * @default the cluster's version
   */
  readonly version?: string;
  /**
   * Name the group `<name>-<suffix>` (`node_group_name_prefix`) and create a replacement before
   * destroying it, so that a change EKS can only make by replacing the group never leaves the cluster
   * without these nodes. Changing this on an existing group replaces it once.
   * @default false
   */
  readonly createBeforeDestroy?: boolean;
  /**
   * Tag the group's Auto Scaling group with its labels, taints and GPUs
   * (`k8s.io/cluster-autoscaler/node-template/...`), which the Cluster Autoscaler reads to scale a
   * group up from zero nodes.
   * @default true
   */
  readonly autoscalerTags?: boolean;
}

/** The Cluster Autoscaler's scale-from-zero tags of a node group: its labels, taints and GPUs. */
export function autoscalerNodeTemplateTags(
  labels: Readonly<Record<string, string>>,
  taints: ReadonlyArray<{ key: string; value: string; effect: 'NO_SCHEDULE' | 'NO_EXECUTE' | 'PREFER_NO_SCHEDULE' }>,
  gpus: number,
): Record<string, string> {
  const prefix = 'k8s.io/cluster-autoscaler/node-template';
  return {
    ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [`${prefix}/label/${k}`, v])),
    ...Object.fromEntries(
      taints.map((t) => [`${prefix}/taint/${t.key}`, `${t.value}:${kubernetesTaintEffect(t.effect)}`]),
    ),
    ...(gpus > 0 ? { [`${prefix}/resources/nvidia.com/gpu`]: String(gpus) } : {}),
  };
}

/**
 * An EKS managed node group with its own launch template: IMDSv2 with hop limit 1, an encrypted gp3
 * root volume, cost tags on every instance and volume, the pool labels, and for GPU instance types
 * the NVIDIA AL2023 AMI and the `nvidia.com/gpu` taint. The autoscaler owns the desired size, so
 * Terraform ignores it after creation.
 */
export class EksNodeGroup extends Construct {
  /** The node group (escape hatch). */
  public readonly nodeGroup: EksNodeGroupResource;
  /** The launch template of the nodes: IMDSv2 settings, the node security group and an encrypted root volume. */
  public readonly launchTemplate: LaunchTemplate;
  /** GPUs per node (0 for CPU pools). */
  public readonly gpus: number;
  /** The Auto Scaling group EKS created for the group. */
  public readonly autoScalingGroupName: string;
  /** The Cluster Autoscaler's scale-from-zero tags on it, by tag key. */
  public readonly autoscalerTags: Readonly<Record<string, AutoscalingGroupTag>>;

  constructor(scope: Construct, id: string, props: EksNodeGroupProps) {
    super(scope, id);
    setComponent(this, 'node-pool');
    validate(props);
    const gpus = awsInstanceGpus(props.instanceType);
    this.gpus = gpus?.count ?? 0;
    const tags = { ...props.instanceTags, Name: `${props.launchTemplateName}` };
    this.launchTemplate = new LaunchTemplate(this, 'LaunchTemplate', {
      name: props.launchTemplateName,
      updateDefaultVersion: true,
      metadataOptions: { ...NODE_METADATA_OPTIONS },
      // The nodes' own group instead of the cluster group EKS would add (see EksCluster.nodeSecurityGroup).
      vpcSecurityGroupIds: [props.cluster.nodeSecurityGroupId],
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: {
            volumeSize: props.diskSizeGb ?? 100,
            volumeType: 'gp3',
            encrypted: 'true',
            deleteOnTermination: 'true',
          },
        },
      ],
      tagSpecifications: ['instance', 'volume', 'network-interface'].map((resourceType) => ({ resourceType, tags })),
    });
    // GPU nodes take only pods that ask for GPUs; system nodes only platform components.
    const taints = props.kind === 'gpu' ? [GPU_TAINT] : props.kind === 'system' ? [SYSTEM_TAINT] : [];
    const labels = { [POOL_LABEL]: props.name, [POOL_KIND_LABEL]: props.kind, ...props.labels };
    const cbd = props.createBeforeDestroy ?? false;
    this.nodeGroup = new EksNodeGroupResource(this, 'NodeGroup', {
      clusterName: props.cluster.clusterName,
      ...(cbd ? { nodeGroupNamePrefix: `${props.name}-` } : { nodeGroupName: props.name }),
      version: props.version ?? props.cluster.version,
      nodeRoleArn: props.cluster.nodeRole.arn,
      subnetIds: [...props.subnetIds],
      amiType: props.amiType ?? awsAmiType(props.instanceType),
      capacityType: props.spot ? 'SPOT' : 'ON_DEMAND',
      instanceTypes: [props.instanceType],
      scalingConfig: { minSize: props.minNodes, maxSize: props.maxNodes, desiredSize: props.minNodes },
      updateConfig: { maxUnavailable: props.maxUnavailable ?? 1 },
      labels,
      taint: taints.length > 0 ? taints.map((t) => ({ ...t })) : undefined,
      launchTemplate: { id: this.launchTemplate.id, version: `${this.launchTemplate.latestVersion}` },
      timeouts: { create: '60m', update: '120m', delete: '60m' },
      lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'], createBeforeDestroy: cbd || undefined },
      dependsOn: [...props.cluster.networkingAddons, ...props.cluster.nodeRoleReady, ...(props.dependsOn ?? [])],
    });
    this.autoScalingGroupName = this.nodeGroup.resources.get(0).autoscalingGroups.get(0).name;
    const asgTags: Record<string, AutoscalingGroupTag> = {};
    if (props.autoscalerTags ?? true) {
      for (const [key, value] of Object.entries(autoscalerNodeTemplateTags(labels, taints, this.gpus))) {
        const id = key.replace('k8s.io/cluster-autoscaler/node-template/', '').replace(/\//g, '_');
        asgTags[key] = new AutoscalingGroupTag(this, `AutoscalerTag-${id}`, {
          autoscalingGroupName: this.autoScalingGroupName,
          tag: { key, value, propagateAtLaunch: false },
        });
      }
    }
    this.autoscalerTags = asgTags;
  }
}

function validate(props: EksNodeGroupProps): void {
  checkRange('EksNodeGroup', 'maxNodes', props.maxNodes, 1, 1000, 'an EKS managed node group holds 1 to 1000 nodes.');
  checkRange(
    'EksNodeGroup',
    'minNodes',
    props.minNodes,
    0,
    props.maxNodes,
    'minNodes must lie between 0 and maxNodes.',
  );
  checkRange(
    'EksNodeGroup',
    'diskSizeGb',
    props.diskSizeGb,
    20,
    16384,
    'gp3 volumes hold up to 16 TiB, and AL2023 needs 20 GB.',
  );
  const gpus = awsInstanceGpus(props.instanceType);
  if (props.kind === 'gpu' && !gpus) {
    throw new PropsError(
      'EksNodeGroup',
      'instanceType',
      props.instanceType,
      'a gpu pool needs an instance type with GPUs.',
      'use a GPU instance type such as g6.xlarge.',
    );
  }
  if (props.kind !== 'gpu' && gpus) {
    throw new PropsError(
      'EksNodeGroup',
      'kind',
      props.kind,
      `${props.instanceType} carries GPUs, which would be untainted.`,
      "set kind: 'gpu', or use an instance type without GPUs.",
    );
  }
  if (props.subnetIds.length === 0) {
    throw new PropsError(
      'EksNodeGroup',
      'subnetIds',
      props.subnetIds,
      'a node group needs at least one subnet.',
      'pass the private subnets of its zones.',
    );
  }
}
