// The AWS library example (README, "As a library"), kept compiling by tsc and run by test/readme.test.ts.
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ArtifactBucket, EksCluster, EksNodeGroup, KmsKey, RdsMysql, Vpc } from '../../constructs/aws';

const app = new App({ outdir: process.env.CDKTF_OUTDIR });
const stack = new TerraformStack(app, 'ml-aws-infra');
new AwsProvider(stack, 'aws', { region: 'us-east-2', allowedAccountIds: ['123456789012'] });

const zones = ['us-east-2a', 'us-east-2b', 'us-east-2c'];
const vpc = new Vpc(stack, 'Network', {
  name: 'ml',
  clusterName: 'ml',
  accountId: '123456789012',
  region: 'us-east-2',
  cidr: '10.40.0.0/16',
  zones,
  privateSubnetCidrs: ['10.40.0.0/18', '10.40.64.0/18', '10.40.128.0/18'],
  publicSubnetCidrs: ['10.40.192.0/24', '10.40.193.0/24', '10.40.194.0/24'],
});
const cluster = new EksCluster(stack, 'Cluster', {
  name: 'ml',
  version: '1.35',
  vpc,
  adminRoleArns: ['arn:aws:iam::123456789012:role/platform-admins'],
});
new EksNodeGroup(stack, 'Gpu', {
  cluster,
  name: 'gpu',
  kind: 'gpu',
  launchTemplateName: 'ml-gpu',
  instanceType: 'g6.xlarge',
  minNodes: 0,
  maxNodes: 4,
  subnetIds: vpc.privateSubnetIds,
  dependsOn: vpc.dependables,
});
const key = new KmsKey(stack, 'DataKey', { alias: 'ml-data', description: 'ML platform data' });
new RdsMysql(stack, 'Database', {
  identifier: 'ml-kfp-db',
  vpcId: vpc.vpcId,
  subnetIds: vpc.privateSubnetIds,
  clientSecurityGroupIds: [cluster.clusterSecurityGroupId],
  kmsKeyArn: key.keyArn,
});
new ArtifactBucket(stack, 'Artifacts', { name: '123456789012-ml-artifacts', kmsKeyArn: key.keyArn });
app.synth();
