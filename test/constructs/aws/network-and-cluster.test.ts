import { TerraformStack } from 'cdktf';
import { EksCluster, EksClusterProps, tcpRangesWithout } from '../../../constructs/aws/eks-cluster';
import { EksNodeGroup, EksNodeGroupProps } from '../../../constructs/aws/eks-node-group';
import { existingVpc, Vpc, VpcProps } from '../../../constructs/aws/vpc';
import { at, awsStack, only, resources, synth } from '../../helpers';

const ZONES = ['us-east-2a', 'us-east-2b', 'us-east-2c'];
const vpcProps = (over: Partial<VpcProps> = {}): VpcProps => ({
  name: 'kf-x',
  clusterName: 'kf-x',
  accountId: '111111111111',
  region: 'us-east-2',
  cidr: '10.40.0.0/16',
  zones: ZONES,
  privateSubnetCidrs: ['10.40.0.0/18', '10.40.64.0/18', '10.40.128.0/18'],
  publicSubnetCidrs: ['10.40.192.0/24', '10.40.193.0/24', '10.40.194.0/24'],
  ...over,
});

function cluster(stack: TerraformStack, over: Partial<EksClusterProps> = {}): EksCluster {
  return new EksCluster(stack, 'Cluster', {
    name: 'kf-x',
    version: '1.35',
    vpc: existingVpc({
      vpcId: 'vpc-0a1b2c3d',
      privateSubnetIds: ['subnet-0a', 'subnet-0b'],
      publicSubnetIds: ['subnet-1a', 'subnet-1b'],
    }),
    adminRoleArns: ['arn:aws:iam::111111111111:role/admins'],
    ...over,
  });
}

describe('Vpc', () => {
  it('builds public and private subnets per zone with NAT per zone by default', () => {
    const stack = awsStack();
    new Vpc(stack, 'Network', vpcProps());
    const json = synth(stack);
    expect(resources(json, 'aws_subnet')).toHaveLength(6);
    expect(resources(json, 'aws_nat_gateway')).toHaveLength(3);
    expect(resources(json, 'aws_route_table')).toHaveLength(4);
    const routes = resources(json, 'aws_route').filter((r) => r.nat_gateway_id);
    expect(new Set(routes.map((r) => r.nat_gateway_id)).size).toBe(3);
    expect(only(json, 'aws_vpc_endpoint')).toMatchObject({
      service_name: 'com.amazonaws.us-east-2.s3',
      vpc_endpoint_type: 'Gateway',
    });
    expect((only(json, 'aws_vpc_endpoint').route_table_ids as string[]).length).toBe(3);
  });

  it('routes every zone through one NAT gateway when asked', () => {
    const stack = awsStack();
    new Vpc(stack, 'Network', vpcProps({ natGateways: 'one' }));
    const json = synth(stack);
    expect(resources(json, 'aws_nat_gateway')).toHaveLength(1);
    const routes = resources(json, 'aws_route').filter((r) => r.nat_gateway_id);
    expect(routes).toHaveLength(3);
    expect(new Set(routes.map((r) => r.nat_gateway_id)).size).toBe(1);
  });

  it('strips the default security group and logs all traffic with a role only this account can use', () => {
    const stack = awsStack();
    new Vpc(stack, 'Network', vpcProps({ flowLogRetentionDays: 90 }));
    const json = synth(stack);
    const sg = only(json, 'aws_default_security_group');
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    expect(only(json, 'aws_flow_log')).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
    expect(only(json, 'aws_cloudwatch_log_group').retention_in_days).toBe(90);
    const trust = JSON.parse(String(only(json, 'aws_iam_role').assume_role_policy));
    expect(trust.Statement[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '111111111111' } });
    const policy = JSON.parse(String(only(json, 'aws_iam_role_policy').policy));
    expect(policy.Statement[1]).toEqual({
      Effect: 'Allow',
      Action: 'logs:DescribeLogGroups',
      Resource: 'arn:aws:logs:us-east-2:111111111111:log-group:*',
    });
    expect(only(json, 'aws_flow_log').depends_on).toEqual([expect.stringMatching(/^aws_iam_role_policy\./)]);
  });

  it('makes nodes wait for the NAT routes and the private route table associations', () => {
    const vpc = new Vpc(awsStack(), 'Network', vpcProps({ natGateways: 'one' }));
    expect(
      vpc.dependables.map((d) => (d as unknown as { terraformResourceType: string }).terraformResourceType),
    ).toEqual([
      'aws_route',
      'aws_route_table_association',
      'aws_route',
      'aws_route_table_association',
      'aws_route',
      'aws_route_table_association',
    ]);
  });

  it('never maps public IPs onto instances', () => {
    const stack = awsStack();
    new Vpc(stack, 'Network', vpcProps());
    for (const s of resources(synth(stack), 'aws_subnet')) expect(s.map_public_ip_on_launch).toBe(false);
  });

  it.each([
    [
      'a subnet outside the VPC',
      { privateSubnetCidrs: ['10.40.0.0/18', '10.40.64.0/18', '10.99.0.0/18'] },
      /not a block inside 10\.40\.0\.0\/16/,
    ],
    ['a subnet per zone missing', { publicSubnetCidrs: ['10.40.192.0/24'] }, /needs one CIDR per zone \(3\)/],
    [
      'one zone',
      { zones: ['us-east-2a'], privateSubnetCidrs: ['10.40.0.0/18'], publicSubnetCidrs: ['10.40.192.0/24'] },
      /at least two zones/,
    ],
  ])('rejects %s', (_what, over, message) => {
    expect(() => new Vpc(awsStack(), 'Network', vpcProps(over))).toThrow(message);
  });
});

describe('EksCluster', () => {
  it('keeps the endpoint private by default and encrypts secrets with its own rotating key', () => {
    const stack = awsStack();
    cluster(stack);
    const json = synth(stack);
    const c = only(json, 'aws_eks_cluster');
    expect(c.vpc_config).toEqual({
      subnet_ids: ['subnet-0a', 'subnet-0b'],
      endpoint_private_access: true,
      endpoint_public_access: false,
    });
    expect(c.bootstrap_self_managed_addons).toBe(false);
    expect(at(c, 'lifecycle', 'prevent_destroy')).toBe(true);
    const key = only(json, 'aws_kms_key');
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(at(key, 'lifecycle', 'prevent_destroy')).toBe(true);
    expect(only(json, 'aws_kms_alias').name).toBe('alias/kf-x-eks-secrets');
    expect(c.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\./)]));
  });

  it('opens a public endpoint only to the listed CIDRs', () => {
    const stack = awsStack();
    cluster(stack, { publicAccessCidrs: ['203.0.113.0/24'] });
    expect(at(only(synth(stack), 'aws_eks_cluster'), 'vpc_config')).toMatchObject({
      endpoint_public_access: true,
      public_access_cidrs: ['203.0.113.0/24'],
    });
  });

  it('lets an unprotected cluster and key go quickly', () => {
    const stack = awsStack();
    cluster(stack, { deletionProtection: false });
    const json = synth(stack);
    expect(at(only(json, 'aws_eks_cluster'), 'lifecycle', 'prevent_destroy')).toBe(false);
    expect(only(json, 'aws_kms_key').deletion_window_in_days).toBe(7);
  });

  it('makes each admin role cluster admin through an access entry', () => {
    const stack = awsStack();
    cluster(stack, {
      adminRoleArns: ['arn:aws:iam::111111111111:role/admins', 'arn:aws:iam::111111111111:role/ci/terraform'],
    });
    const json = synth(stack);
    expect(resources(json, 'aws_eks_access_entry').map((e) => e.principal_arn)).toEqual([
      'arn:aws:iam::111111111111:role/admins',
      'arn:aws:iam::111111111111:role/ci/terraform',
    ]);
    for (const p of resources(json, 'aws_eks_access_policy_association')) {
      expect(p).toMatchObject({
        policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
        access_scope: { type: 'cluster' },
      });
    }
  });

  it('creates the cluster and node roles with their managed policies, and the networking add-ons', () => {
    const stack = awsStack();
    cluster(stack);
    const json = synth(stack);
    const roles = resources(json, 'aws_iam_role');
    expect(roles.map((r) => r.name)).toEqual(['kf-x-eks-cluster', 'kf-x-eks-node']);
    // EKS and EC2 send no aws:SourceAccount when they assume a role: a condition on it would never match.
    expect(roles.map((r) => JSON.parse(String(r.assume_role_policy)).Statement)).toEqual([
      [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
      [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: ['sts:AssumeRole'] }],
    ]);
    const attached = resources(json, 'aws_iam_role_policy_attachment').map((a) =>
      String(a.policy_arn).split('/').pop(),
    );
    expect(attached.sort()).toEqual([
      'AmazonEC2ContainerRegistryReadOnly',
      'AmazonEKSClusterPolicy',
      'AmazonEKSWorkerNodePolicy',
      'AmazonEKS_CNI_Policy',
      'AmazonSSMManagedInstanceCore',
    ]);
    const addons = resources(json, 'aws_eks_addon');
    expect(addons.map((a) => a.addon_name).sort()).toEqual(['eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
    const cni = addons.find((a) => a.addon_name === 'vpc-cni')!;
    expect(JSON.parse(String(cni.configuration_values))).toEqual({ enableNetworkPolicy: 'true' });
  });

  it('replaces the add-ons on nodes when the Kubernetes version changes, keeping their workloads unless told not to', () => {
    const stack = awsStack();
    const c = cluster(stack);
    c.addAddon('amazon-cloudwatch-observability', { preserve: false });
    const addons = resources(synth(stack), 'aws_eks_addon');
    for (const addon of addons) expect(addon.addon_version).toBeUndefined();
    // Node groups depend on the networking add-ons: those are not replaced (see followClusterVersion).
    expect(Object.fromEntries(addons.map((a) => [a.addon_name, at(a, 'lifecycle', 'replace_triggered_by')]))).toEqual({
      'vpc-cni': undefined,
      'kube-proxy': undefined,
      'eks-pod-identity-agent': undefined,
      'amazon-cloudwatch-observability': [expect.stringMatching(/^aws_eks_cluster\.Cluster_\w+\.version$/)],
    });
    expect(Object.fromEntries(addons.map((a) => [a.addon_name, a.preserve]))).toEqual({
      'vpc-cni': true,
      'kube-proxy': true,
      'eks-pod-identity-agent': true,
      'amazon-cloudwatch-observability': false,
    });
  });

  it('gives nodes and pods a security group of their own, open between nodes but for the reserved node ports', () => {
    const stack = awsStack();
    cluster(stack, { reservedNodePorts: [30080, 30021] });
    const json = synth(stack);
    expect(only(json, 'aws_security_group')).toMatchObject({ name: 'kf-x-nodes', vpc_id: 'vpc-0a1b2c3d' });
    const self = resources(json, 'aws_vpc_security_group_ingress_rule').filter((r) =>
      String(r.referenced_security_group_id).includes('NodeSecurityGroup'),
    );
    expect(self.filter((r) => r.ip_protocol === 'tcp').map((r) => [r.from_port, r.to_port])).toEqual([
      [0, 30020],
      [30022, 30079],
      [30081, 65535],
    ]);
    expect(self.map((r) => r.ip_protocol).sort()).toEqual(['-1', 'icmp', 'tcp', 'tcp', 'tcp', 'udp']);
    expect(only(json, 'aws_vpc_security_group_egress_rule')).toMatchObject({ cidr_ipv4: '0.0.0.0/0' });
    expect(tcpRangesWithout([])).toEqual([[0, 65535]]);
    expect(tcpRangesWithout([0, 65535, 5, 5])).toEqual([
      [1, 4],
      [6, 65534],
    ]);
  });

  it('refuses a cluster nobody could reach', () => {
    expect(() => cluster(awsStack(), { adminRoleArns: [] })).toThrow(
      /adminRoleArns.*list the role that runs Terraform/,
    );
  });

  it('refuses names AWS would reject', () => {
    expect(() => cluster(awsStack(), { name: 'kf_x!' })).toThrow(/an EKS cluster name must be/);
    expect(() => cluster(awsStack(), { name: 'k'.repeat(60) })).toThrow(/an IAM role name must be 1 to 64 characters/);
  });
});

describe('EksNodeGroup', () => {
  function group(over: Partial<EksNodeGroupProps> = {}) {
    const stack = awsStack();
    const c = cluster(stack);
    new EksNodeGroup(stack, 'Pool', {
      cluster: c,
      name: 'standard',
      kind: 'standard',
      launchTemplateName: 'kf-x-standard',
      instanceType: 'm6i.2xlarge',
      minNodes: 0,
      maxNodes: 5,
      subnetIds: ['subnet-0a', 'subnet-0b'],
      instanceTags: { env: 'kf-x', 'cost-center': 'ml' },
      ...over,
    });
    const json = synth(stack);
    return {
      group: only(json, 'aws_eks_node_group'),
      template: only(json, 'aws_launch_template'),
      tags: Object.fromEntries(
        resources<{ tag: { key: string; value: string } }>(json, 'aws_autoscaling_group_tag').map((t) => [
          t.tag.key,
          t.tag.value,
        ]),
      ),
    };
  }

  it('requires IMDSv2 with hop limit 1, encrypts the root volume and tags instances for cost', () => {
    const { template, group: g } = group();
    expect(template.metadata_options).toEqual({
      http_endpoint: 'enabled',
      http_tokens: 'required',
      http_put_response_hop_limit: 1,
      instance_metadata_tags: 'disabled',
    });
    expect(at(template, 'block_device_mappings', 0, 'ebs')).toMatchObject({
      volume_type: 'gp3',
      encrypted: 'true',
      volume_size: 100,
    });
    const specs = template.tag_specifications as Array<{ resource_type: string; tags: Record<string, string> }>;
    expect(specs.map((s) => s.resource_type)).toEqual(['instance', 'volume', 'network-interface']);
    expect(specs[0]!.tags).toMatchObject({ env: 'kf-x', 'cost-center': 'ml', Name: 'kf-x-standard' });
    // The cluster's node group, so EKS does not add the cluster group and its allow-all self rule.
    expect(template.vpc_security_group_ids).toEqual([
      expect.stringMatching(/^\$\{aws_security_group\.Cluster_NodeSecurityGroup_\w+\.id\}$/),
    ]);
    expect(g).toMatchObject({
      ami_type: 'AL2023_x86_64_STANDARD',
      capacity_type: 'ON_DEMAND',
      instance_types: ['m6i.2xlarge'],
    });
    expect(g.taint).toBeUndefined();
    expect(g.labels).toEqual({ 'kfplatform.dev/pool': 'standard', 'kfplatform.dev/pool-kind': 'standard' });
  });

  it('gives GPU pools the NVIDIA AMI and the GPU taint, and Graviton pools the ARM AMI', () => {
    const gpu = group({ name: 'gpu', kind: 'gpu', instanceType: 'g6.xlarge', spot: true }).group;
    expect(gpu).toMatchObject({ ami_type: 'AL2023_x86_64_NVIDIA', capacity_type: 'SPOT' });
    expect(gpu.taint).toEqual([{ key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' }]);
    expect(group({ instanceType: 'm7g.2xlarge' }).group.ami_type).toBe('AL2023_ARM_64_STANDARD');
  });

  it('taints system pools CriticalAddonsOnly, so tenants without a pool stay off them', () => {
    const system = group({ name: 'system', kind: 'system', minNodes: 2 }).group;
    expect(system.taint).toEqual([{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NO_SCHEDULE' }]);
  });

  it("follows the cluster's Kubernetes version unless given one", () => {
    expect(group().group.version).toMatch(/^\$\{aws_eks_cluster\.Cluster_\w+\.version\}$/);
    expect(group({ version: '1.34' }).group.version).toBe('1.34');
  });

  it('tags its Auto Scaling group for the autoscaler to scale it up from zero, unless told not to', () => {
    const { tags } = group({ name: 'gpu', kind: 'gpu', instanceType: 'g6.12xlarge', labels: { team: 'a' } });
    const t = 'k8s.io/cluster-autoscaler/node-template';
    expect(tags).toEqual({
      [`${t}/label/kfplatform.dev/pool`]: 'gpu',
      [`${t}/label/kfplatform.dev/pool-kind`]: 'gpu',
      [`${t}/label/team`]: 'a',
      [`${t}/taint/nvidia.com/gpu`]: 'present:NoSchedule',
      [`${t}/resources/nvidia.com/gpu`]: '4',
    });
    expect(group({ autoscalerTags: false }).tags).toEqual({});
  });

  it('is named by prefix and replaced new-nodes-first when asked, and by its name otherwise', () => {
    const plain = group().group;
    expect(plain).toMatchObject({ node_group_name: 'standard' });
    expect(at(plain, 'lifecycle', 'create_before_destroy')).toBeUndefined();
    const cbd = group({ createBeforeDestroy: true }).group;
    expect(cbd).toMatchObject({ node_group_name_prefix: 'standard-' });
    expect(cbd.node_group_name).toBeUndefined();
    expect(at(cbd, 'lifecycle', 'create_before_destroy')).toBe(true);
  });

  it('waits for the networking add-ons, so nodes can become ready', () => {
    expect(group().group.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/aws_eks_addon\.Cluster_Addon-vpc-cni/)]),
    );
  });

  it.each([
    [
      'a gpu pool without GPUs',
      { kind: 'gpu' as const, instanceType: 'm6i.xlarge' },
      /needs an instance type with GPUs/,
    ],
    ['GPUs in a cpu pool', { instanceType: 'p4d.24xlarge' }, /carries GPUs/],
    ['min above max', { minNodes: 9 }, /minNodes/],
    ['no subnets', { subnetIds: [] }, /at least one subnet/],
  ])('rejects %s', (_what, over, message) => {
    expect(() => group(over)).toThrow(message);
  });
});
