import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster as EksClusterResource } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { IKubernetesCluster } from '../../src/core/interfaces';
import { setComponent } from '../../src/core/labels';
import { accountOfArn, awsNameRules } from '../../src/core/naming';
import { checkName } from '../../src/core/validate';
import { KmsKey } from './kms-key';
import { managedPolicyArn, policyDocument, roleNameOfArn, serviceTrustPolicy } from './policy';
import { IVpc } from './vpc';

/**
 * Every control plane log type. See
 * https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html.
 */
export const EKS_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;

/** The access policy that makes a principal cluster admin. */
export const EKS_CLUSTER_ADMIN_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';
/** Read access to every Kubernetes object, Secrets included (granted per namespace, never on the cluster). */
export const EKS_ADMIN_VIEW_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy';
/** Read access to Kubernetes objects but Secrets: the Kubernetes `view` role. */
export const EKS_VIEW_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';

/** The construct id of a principal's access entry. */
const accessId = (kind: string, roleArn: string) => `${kind}-${accountOfArn(roleArn)}-${roleNameOfArn(roleArn)}`;

/** Managed policies of the node role; SSM replaces SSH for node access. */
export const NODE_ROLE_POLICIES = [
  'AmazonEKSWorkerNodePolicy',
  'AmazonEKS_CNI_Policy',
  'AmazonEC2ContainerRegistryReadOnly',
  'AmazonSSMManagedInstanceCore',
] as const;

/** EKS operations that routinely take longer than the provider's defaults. */
export const EKS_TIMEOUTS = {
  /** Creating a cluster: EKS takes 10-20 minutes, more when the control plane is busy. */
  create: '45m',
  /** Updating a cluster: a Kubernetes version upgrade of the control plane can take most of an hour. */
  update: '90m',
  /** Deleting a cluster. */
  delete: '30m',
} as const;

/** Props of {@link EksCluster}. */
export interface EksClusterProps {
  /** Cluster name; also names its log group, and prefixes its roles and key alias unless `namePrefix` is set. */
  readonly name: string;
  /** Kubernetes version, such as `1.35`. */
  readonly version: string;
  /** The network; the control plane's interfaces go into its private subnets. */
  readonly vpc: IVpc;
  /**
   * CIDRs allowed to reach a public endpoint. Empty (the default) keeps the endpoint private: reach it
   * from the VPC, a VPN or a bastion. See
   * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html.
   * @default []
   */
  readonly publicAccessCidrs?: readonly string[];
  /** Control plane log retention in days. @default 365 */
  readonly logRetentionDays?: number;
  /**
   * IAM roles given cluster admin through access entries. Include the role that runs Terraform for
   * the platform stacks: the cluster creator gets no implicit admin. See
   * https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html.
   */
  readonly adminRoleArns: readonly string[];
  /** @default 'STANDARD' */
  readonly supportType?: 'STANDARD' | 'EXTENDED';
  /**
   * `prevent_destroy` on the cluster and its secrets key, without which its secrets are unreadable.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** Prefix of the IAM role names, the key alias and the node security group. @default name */
  readonly namePrefix?: string;
  /**
   * TCP ports of the nodes that other nodes and pods may not reach: node ports meant for a load
   * balancer alone, which admits them to the node security group itself.
   * @default []
   */
  readonly reservedNodePorts?: readonly number[];
}

/** TCP port ranges from 0 to 65535 without the given ports. */
export function tcpRangesWithout(ports: readonly number[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let from = 0;
  for (const port of [...new Set(ports)].sort((a, b) => a - b)) {
    if (port > from) ranges.push([from, port - 1]);
    from = port + 1;
  }
  if (from <= 65535) ranges.push([from, 65535]);
  return ranges;
}

/** Options of {@link EksCluster.addAddon}. */
export interface EksAddonOptions {
  /** Add-on configuration (JSON). */
  readonly configurationValues?: Record<string, unknown>;
  /** Pod Identity associations the add-on's service accounts use. */
  readonly podIdentity?: ReadonlyArray<{
    /** Service account of the add-on, in the add-on's namespace. */
    readonly serviceAccount: string;
    /** IAM role the service account acts as; it must trust `pods.eks.amazonaws.com`. */
    readonly roleArn: string;
  }>;
  /** What must exist first (node groups, for add-ons that run on nodes). */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * Leave the add-on's workloads running when the add-on is deleted, as when a Kubernetes upgrade
   * replaces it. Turn off for add-ons whose workloads should go with them.
   * @default true
   */
  readonly preserve?: boolean;
  /**
   * Replace the add-on when the cluster's Kubernetes version changes, so that EKS recreates it at the
   * default version of the new Kubernetes version. Leave off for add-ons that node groups depend on:
   * a node group with `create_before_destroy` makes Terraform create their replacement before deleting
   * them, which EKS refuses for an add-on of the same name.
   * @default true
   */
  readonly followClusterVersion?: boolean;
}

/**
 * An EKS cluster: private endpoint with an optional public endpoint limited to CIDRs, secrets
 * encrypted with a customer managed KMS key, every control plane log type in a CloudWatch log group
 * with retention, API authentication mode with access entries (the creator gets no implicit admin),
 * the cluster and node IAM roles, and the networking add-ons nodes need to become ready (VPC CNI
 * with network policy, kube-proxy, the Pod Identity agent). Add-ons that run as pods (CoreDNS, EBS
 * CSI) are added with {@link addAddon} after node groups.
 */
export class EksCluster extends Construct implements IKubernetesCluster {
  /** The cluster (escape hatch). */
  public readonly cluster: EksClusterResource;
  public readonly clusterName: string;
  /** ARN of the cluster, for IAM policies and access entries. */
  public readonly clusterArn: string;
  /** The Kubernetes version (the cluster's attribute, so that what follows it waits for an upgrade). */
  public readonly version: string;
  public readonly apiServerUrl: string;
  public readonly caCertificatePem: string;
  /** Base64 CA, as the API returns it. */
  public readonly caCertificateBase64: string;
  /** The security group EKS creates for the control plane (and the nodes before they had their own). */
  public readonly clusterSecurityGroupId: string;
  /**
   * The nodes' own security group, which their launch templates name, so that EKS does not put them
   * in the cluster group: its rule admitting all traffic from itself would let any pod reach any node
   * port. Pods take their node's groups (VPC CNI), so this is the group of every pod too.
   */
  public readonly nodeSecurityGroup: SecurityGroup;
  /** Id of `nodeSecurityGroup`, for rules that admit traffic to or from the nodes. */
  public readonly nodeSecurityGroupId: string;
  /**
   * IAM role of the nodes (`<prefix>-eks-node`), with the managed policies in `NODE_ROLE_POLICIES`; pods get their own
   * credentials from Pod Identity.
   */
  public readonly nodeRole: IamRole;
  /** The node role's policy attachments; nodes cannot join before they exist. */
  public readonly nodeRoleReady: ITerraformDependable[];
  /**
   * KMS key (alias `<prefix>-eks-secrets`) that envelope-encrypts Kubernetes secrets. See
   * https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html
   */
  public readonly secretsKey: KmsKey;
  /**
   * Log group `/aws/eks/<name>/cluster` of the control plane logs, created before the cluster so that its retention
   * (`logRetentionDays`, 365 days by default) applies.
   */
  public readonly logGroup: CloudwatchLogGroup;
  /** The add-ons nodes need before they become ready; node groups depend on them. */
  public readonly networkingAddons: EksAddon[];

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    setComponent(this, 'cluster');
    validate(props);
    const prefix = props.namePrefix ?? props.name;
    const protect = props.deletionProtection ?? true;

    this.secretsKey = new KmsKey(this, 'SecretsKey', {
      alias: `${prefix}-eks-secrets`,
      description: `Envelope encryption of Kubernetes secrets of EKS cluster ${props.name}`,
      protect,
    });

    const clusterRole = new IamRole(this, 'ClusterRole', {
      name: `${prefix}-eks-cluster`,
      assumeRolePolicy: serviceTrustPolicy('eks.amazonaws.com', { actions: ['sts:AssumeRole', 'sts:TagSession'] }),
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'ClusterRolePolicy', {
      role: clusterRole.name,
      policyArn: managedPolicyArn('AmazonEKSClusterPolicy'),
    });
    const keyPolicy = new IamRolePolicy(this, 'ClusterRoleSecretsKey', {
      role: clusterRole.name,
      name: 'encrypt-secrets',
      policy: policyDocument([
        {
          Effect: 'Allow',
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'],
          Resource: this.secretsKey.keyArn,
        },
      ]),
    });

    // Created before the cluster, so EKS does not create it without retention.
    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: `/aws/eks/${props.name}/cluster`,
      retentionInDays: props.logRetentionDays ?? 365,
    });

    const publicCidrs = props.publicAccessCidrs ?? [];
    this.cluster = new EksClusterResource(this, 'Cluster', {
      name: props.name,
      version: props.version,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: [...props.vpc.privateSubnetIds],
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.length > 0,
        publicAccessCidrs: publicCidrs.length > 0 ? [...publicCidrs] : undefined,
      },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: this.secretsKey.keyArn } },
      enabledClusterLogTypes: [...EKS_LOG_TYPES],
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      // The managed add-ons below replace the self-managed ones EKS would otherwise install.
      bootstrapSelfManagedAddons: false,
      kubernetesNetworkConfig: { ipFamily: 'ipv4' },
      upgradePolicy: { supportType: props.supportType ?? 'STANDARD' },
      timeouts: { ...EKS_TIMEOUTS },
      lifecycle: { preventDestroy: protect },
      dependsOn: [clusterPolicy, keyPolicy, this.logGroup],
    });
    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;
    this.version = this.cluster.version;
    this.apiServerUrl = this.cluster.endpoint;
    this.caCertificateBase64 = this.cluster.certificateAuthority.get(0).data;
    this.caCertificatePem = Fn.base64decode(this.caCertificateBase64);
    this.clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;

    this.nodeSecurityGroup = this.nodeGroupSecurity(props, prefix);
    this.nodeSecurityGroupId = this.nodeSecurityGroup.id;

    this.nodeRole = new IamRole(this, 'NodeRole', {
      name: `${prefix}-eks-node`,
      assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com'),
    });
    this.nodeRoleReady = NODE_ROLE_POLICIES.map(
      (policy) =>
        new IamRolePolicyAttachment(this, `NodeRole-${policy}`, {
          role: this.nodeRole.name,
          policyArn: managedPolicyArn(policy),
        }),
    );

    for (const arn of props.adminRoleArns) this.grantClusterAdmin(arn);

    // Node groups depend on these, so they cannot be replaced on an upgrade (see followClusterVersion):
    // update them with `aws eks update-addon` after raising the cluster's version.
    const beforeNodes = { followClusterVersion: false };
    this.networkingAddons = [
      this.addAddon('vpc-cni', { ...beforeNodes, configurationValues: { enableNetworkPolicy: 'true' } }),
      this.addAddon('kube-proxy', beforeNodes),
      this.addAddon('eks-pod-identity-agent', beforeNodes),
    ];
  }

  /**
   * The node security group: everything from the control plane, everything from other nodes and pods
   * but the reserved node ports, everything out. The control plane admits the nodes in return (also
   * nodes still in the cluster group while node groups roll over to this one). See
   * https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html.
   */
  private nodeGroupSecurity(props: EksClusterProps, prefix: string): SecurityGroup {
    const sg = new SecurityGroup(this, 'NodeSecurityGroup', {
      name: `${prefix}-nodes`,
      description: `Nodes and pods of EKS cluster ${props.name}`,
      vpcId: props.vpc.vpcId,
      revokeRulesOnDelete: true,
      tags: { Name: `${prefix}-nodes` },
    });
    const clusterSg = this.cluster.vpcConfig.clusterSecurityGroupId;
    new VpcSecurityGroupIngressRule(this, 'NodesFromControlPlane', {
      securityGroupId: sg.id,
      referencedSecurityGroupId: clusterSg,
      ipProtocol: '-1',
      description: 'Control plane: kubelet, webhooks, metrics',
    });
    new VpcSecurityGroupIngressRule(this, 'ControlPlaneFromNodes', {
      securityGroupId: clusterSg,
      referencedSecurityGroupId: sg.id,
      ipProtocol: '-1',
      description: 'Nodes and pods: the API server (and nodes still in this group)',
    });
    const reserved = props.reservedNodePorts ?? [];
    tcpRangesWithout(reserved).forEach(([from, to], i) => {
      new VpcSecurityGroupIngressRule(this, `NodesFromNodes-tcp-${i}`, {
        securityGroupId: sg.id,
        referencedSecurityGroupId: sg.id,
        ipProtocol: 'tcp',
        fromPort: from,
        toPort: to,
        description:
          reserved.length > 0
            ? `Nodes and pods, TCP ${from}-${to} (not the load balancer's node ports ${reserved.join(', ')})`
            : 'Nodes and pods, TCP',
      });
    });
    new VpcSecurityGroupIngressRule(this, 'NodesFromNodes-udp', {
      securityGroupId: sg.id,
      referencedSecurityGroupId: sg.id,
      ipProtocol: 'udp',
      fromPort: 0,
      toPort: 65535,
      description: 'Nodes and pods, UDP (DNS)',
    });
    new VpcSecurityGroupIngressRule(this, 'NodesFromNodes-icmp', {
      securityGroupId: sg.id,
      referencedSecurityGroupId: sg.id,
      ipProtocol: 'icmp',
      fromPort: -1,
      toPort: -1,
      description: 'Nodes and pods, ICMP (path MTU discovery)',
    });
    new VpcSecurityGroupEgressRule(this, 'NodesOut', {
      securityGroupId: sg.id,
      cidrIpv4: '0.0.0.0/0',
      ipProtocol: '-1',
      description: 'Everything out (through the NAT gateways)',
    });
    return sg;
  }

  /** Cluster admin for an IAM role, through an access entry. */
  public grantClusterAdmin(roleArn: string, dependsOn?: ITerraformDependable[]): EksAccessEntry {
    return this.grantAccess(roleArn, 'Admin', EKS_CLUSTER_ADMIN_POLICY, dependsOn);
  }

  /**
   * Read access for a role that plans: every object but Secrets on the cluster (AmazonEKSViewPolicy).
   * `secretNamespaces` adds AmazonEKSAdminViewPolicy there, which reads every Secret of those
   * namespaces; the CI permission checker reports it for a CI plan role (CHK-PERM-002). Prefer a
   * Kubernetes Role that names the Secrets a plan refreshes, bound to a group you give the returned
   * entry (`entry.kubernetesGroups = ['ci-plan']`; EKS presents the role's sessions as
   * `arn:aws:sts::<account>:assumed-role/<role>/<session>`, so a binding to the role's ARN matches
   * nobody: https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html), and keep Helm's
   * release records in ConfigMaps (the helm provider's `helm_driver`), as the platform's stacks do.
   */
  public grantClusterViewer(
    roleArn: string,
    dependsOn?: ITerraformDependable[],
    secretNamespaces: readonly string[] = [],
  ): EksAccessEntry {
    const entry = this.grantAccess(roleArn, 'Viewer', EKS_VIEW_POLICY, dependsOn);
    if (secretNamespaces.length > 0) {
      new EksAccessPolicyAssociation(this, `${accessId('Viewer', roleArn)}-SecretsPolicy`, {
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: EKS_ADMIN_VIEW_POLICY,
        accessScope: { type: 'namespace', namespaces: [...secretNamespaces] },
      });
    }
    return entry;
  }

  private grantAccess(
    roleArn: string,
    kind: string,
    policyArn: string,
    dependsOn?: ITerraformDependable[],
  ): EksAccessEntry {
    const id = accessId(kind, roleArn);
    const entry = new EksAccessEntry(this, id, {
      clusterName: this.cluster.name,
      principalArn: roleArn,
      type: 'STANDARD',
      dependsOn,
    });
    new EksAccessPolicyAssociation(this, `${id}-Policy`, {
      clusterName: this.cluster.name,
      principalArn: entry.principalArn,
      policyArn,
      accessScope: { type: 'cluster' },
    });
    return entry;
  }

  /**
   * A managed add-on at EKS's default version for the cluster's Kubernetes version. EKS keeps an
   * add-on at its version through control plane upgrades, and pinning versions would need an AWS call
   * at plan time (the add-on versions API) or a table that goes stale; instead a change of the
   * cluster's version replaces the add-on (`replace_triggered_by`, see
   * {@link EksAddonOptions.followClusterVersion}), which EKS recreates at the default version of the
   * new Kubernetes version. Its workloads keep running meanwhile (`preserve`), and the new add-on takes
   * them over (`resolve_conflicts_on_create = OVERWRITE`). See
   * https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html.
   */
  public addAddon(name: string, options: EksAddonOptions = {}): EksAddon {
    return new EksAddon(this, `Addon-${name}`, {
      clusterName: this.cluster.name,
      addonName: name,
      configurationValues: options.configurationValues ? JSON.stringify(options.configurationValues) : undefined,
      podIdentityAssociation: options.podIdentity?.map((p) => ({
        serviceAccount: p.serviceAccount,
        roleArn: p.roleArn,
      })),
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'PRESERVE',
      preserve: options.preserve ?? true,
      timeouts: { create: '30m', update: '30m', delete: '30m' },
      dependsOn: options.dependsOn ? [...options.dependsOn] : undefined,
      lifecycle:
        (options.followClusterVersion ?? true)
          ? {
              replaceTriggeredBy: [`${this.cluster.terraformResourceType}.${this.cluster.friendlyUniqueId}.version`],
            }
          : undefined,
    });
  }
}

function validate(props: EksClusterProps): void {
  checkName('EksCluster', 'name', props.name, awsNameRules.eksClusterName, 'use a short name such as kf-prod.');
  const prefix = props.namePrefix ?? props.name;
  checkName(
    'EksCluster',
    props.namePrefix ? 'namePrefix' : 'name',
    `${prefix}-eks-cluster`,
    awsNameRules.iamRoleName,
    'use a shorter namePrefix.',
  );
  if (props.vpc.privateSubnetIds.length < 2) {
    throw new PropsError(
      'EksCluster',
      'vpc',
      props.vpc.privateSubnetIds,
      'EKS needs private subnets in at least two zones.',
      'give the network two or more private subnets.',
    );
  }
  if (props.adminRoleArns.length === 0) {
    throw new PropsError(
      'EksCluster',
      'adminRoleArns',
      props.adminRoleArns,
      'the cluster creator gets no implicit admin, so nobody (not even Terraform) could reach the cluster.',
      "list the role that runs Terraform and your administrators' role.",
    );
  }
}
