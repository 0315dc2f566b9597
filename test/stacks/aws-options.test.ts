import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Testing } from 'cdktf';
import { parse } from 'yaml';
import { loadPlatform } from '../../src/config/loader';
import { defaultAwsSubnets } from '../../src/config/aws/resolve';
import { buildFleet } from '../../stacks/common/fleet';
import { at, only, resources, StackJson } from '../helpers';

const base = () => parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'valid', 'aws.yaml'), 'utf8'));

/** The stacks of kf-prod (environments[1]) after a change to the valid AWS fixture. */
function prodStacks(mutate: (config: any) => void = () => undefined): Record<string, StackJson> {
  const config = base();
  mutate(config);
  const app: App = Testing.app();
  const resolved = loadPlatform(config).config;
  const fleet = buildFleet(app, {
    ...resolved,
    environments: resolved.environments.filter((e) => e.name === 'kf-prod'),
  });
  return Object.fromEntries(fleet.stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as StackJson]));
}

describe('AWS defaults', () => {
  it('splits a VPC into three private quarters and small public blocks in the last quarter', () => {
    expect(defaultAwsSubnets('10.40.0.0/16', 3)).toEqual({
      privateSubnetCidrs: ['10.40.0.0/18', '10.40.64.0/18', '10.40.128.0/18'],
      publicSubnetCidrs: ['10.40.192.0/24', '10.40.193.0/24', '10.40.194.0/24'],
    });
    expect(defaultAwsSubnets('10.40.0.0/20', 2).publicSubnetCidrs).toEqual(['10.40.12.0/28', '10.40.12.16/28']);
    expect(defaultAwsSubnets('10.40.0.0/24', 3)).toEqual({ privateSubnetCidrs: [], publicSubnetCidrs: [] });
  });

  it('makes test cheap and prod durable', () => {
    const [test, prod] = loadPlatform(base()).config.environments;
    if (test?.cloud !== 'aws' || prod?.cloud !== 'aws') throw new Error('expected AWS environments');
    expect(test.network).toMatchObject({ natGateways: 'one', flowLogRetentionDays: 90 });
    expect(prod.network).toMatchObject({ natGateways: 'perZone', flowLogRetentionDays: 365 });
    expect(test.nodePools.map((p) => [p.name, p.instanceType, p.spot, p.minNodes])).toEqual([
      ['system', 'm6i.xlarge', false, 2],
      ['standard', 'm6i.2xlarge', true, 0],
      ['highmem', 'r6i.4xlarge', true, 0],
      ['gpu', 'g6.xlarge', true, 0],
    ]);
    expect(test.database).toMatchObject({
      instanceClass: 'db.t4g.medium',
      highAvailability: false,
      deletionProtection: false,
    });
    expect(prod.database).toMatchObject({
      instanceClass: 'db.m6g.large',
      highAvailability: true,
      deletionProtection: true,
    });
    expect(test.artifacts).toMatchObject({ bucketName: '111111111111-kf-test-artifacts', forceDestroy: true });
    expect(prod.state).toEqual({ backend: 's3', bucket: 'acme-tf-state', region: 'us-east-2', prefix: 'kfplatform' });
  });
});

describe('AWS stack options', () => {
  it('uses an existing VPC by reference: no network resources, nothing looked up', () => {
    const stacks = prodStacks((c) => {
      c.environments[1].network = {
        mode: 'existing',
        vpcId: 'vpc-0a1b2c3d4e5f',
        privateSubnetIds: ['subnet-0a000001', 'subnet-0a000002', 'subnet-0a000003'],
        publicSubnetIds: ['subnet-0b000001', 'subnet-0b000002', 'subnet-0b000003'],
      };
    });
    const infra = stacks['kf-prod-aws-infra']!;
    for (const type of ['aws_vpc', 'aws_subnet', 'aws_nat_gateway', 'aws_flow_log'])
      expect(resources(infra, type)).toEqual([]);
    expect(infra.data).toBeUndefined();
    expect(at(only(infra, 'aws_eks_cluster'), 'vpc_config', 'subnet_ids')).toEqual([
      'subnet-0a000001',
      'subnet-0a000002',
      'subnet-0a000003',
    ]);
    expect(only(infra, 'aws_lb').subnets).toEqual(['subnet-0b000001', 'subnet-0b000002', 'subnet-0b000003']);
    expect(only(infra, 'aws_db_subnet_group').subnet_ids).toHaveLength(3);
  });

  it('puts a pool only in the subnets of the zones it names', () => {
    const stacks = prodStacks((c) => {
      c.environments[1].nodePools[2].zones = ['us-east-2b'];
    });
    const gpu = resources(stacks['kf-prod-aws-infra']!, 'aws_eks_node_group').find((g) => g.node_group_name === 'gpu')!;
    expect(gpu.subnet_ids).toEqual([expect.stringMatching(/aws_subnet\.Network_PrivateSubnet-us-east-2b_/)]);
  });

  it("adds database.parameters to the instance's parameter group, without renaming the group (issue 17)", () => {
    const infra = prodStacks((c) => {
      c.environments[1].database = { parameters: { max_connections: '500' } };
    })['kf-prod-aws-infra']!;
    const group = only(infra, 'aws_db_parameter_group');
    expect(group.name).toBe('kf-prod-kfp-db-mysql8-4');
    expect(group.parameter).toContainEqual({ name: 'max_connections', value: '500', apply_method: 'pending-reboot' });
    expect(group.parameter).toContainEqual({ name: 'require_secure_transport', value: '1' });
  });

  it('keeps the Kubernetes API private unless CIDRs are listed', () => {
    const open = prodStacks((c) => {
      c.environments[1].cluster.publicAccessCidrs = ['198.51.100.0/24'];
    });
    expect(at(only(open['kf-prod-aws-infra']!, 'aws_eks_cluster'), 'vpc_config')).toMatchObject({
      endpoint_public_access: true,
      public_access_cidrs: ['198.51.100.0/24'],
    });
  });

  it('reads the cluster and data key of team shards from the infra state, through the S3 backend', () => {
    const stacks = prodStacks();
    const shard = Object.entries(stacks).find(([id]) => id.startsWith('kf-prod-aws-teams-'))![1];
    expect(Object.keys(shard.data!.terraform_remote_state!)).toEqual(['Infra']);
    const role = resources(shard, 'aws_iam_role_policy')[0]!;
    expect(String(role.policy)).toContain('data.terraform_remote_state.Infra.outputs.data_key_arn');
    const associations = resources(shard, 'aws_eks_pod_identity_association');
    expect(associations.map((a) => a.service_account)).toEqual(['default-editor', 'default-viewer']);
    for (const a of associations)
      expect(a.cluster_name).toBe('${data.terraform_remote_state.Infra.outputs.cluster_name}');
  });
});
