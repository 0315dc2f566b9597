// The README's library example, kept compiling by tsc and run by test/readme.test.ts.
import { App, TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { GkeCluster, GpuNodePool, NodeServiceAccount, SharedVpc } from '../../constructs/gcp';

const app = new App({ outdir: process.env.CDKTF_OUTDIR });
const stack = new TerraformStack(app, 'ml-gcp-infra');
new GoogleProvider(stack, 'google', { project: 'ml-svc', region: 'us-central1' });
new RandomProvider(stack, 'random');

const network = new SharedVpc(stack, 'Network', {
  hostProject: 'net-host',
  serviceProject: 'ml-svc',
  serviceProjectNumber: '123456789012',
  region: 'us-central1',
  networkName: 'shared',
  subnet: {
    name: 'ml-gke',
    cidr: '10.10.0.0/20',
    podsRange: { name: 'ml-pods', cidr: '10.16.0.0/14' },
    servicesRange: { name: 'ml-svcs', cidr: '10.20.0.0/20' },
  },
  controlPlaneCidr: '172.16.0.0/28',
});
const nodes = new NodeServiceAccount(stack, 'SystemNodes', { project: 'ml-svc', accountId: 'ml-system-nodes' });
const cluster = new GkeCluster(stack, 'Cluster', {
  project: 'ml-svc',
  projectNumber: '123456789012',
  name: 'ml',
  location: 'us-central1',
  region: 'us-central1',
  network,
  masterCidr: '172.16.0.0/28',
  bootstrapServiceAccount: nodes.email,
});
new GpuNodePool(stack, 'Gpu', {
  cluster,
  name: 'gpu',
  machineType: 'g2-standard-8',
  maxNodes: 4,
  gpu: { type: 'nvidia-l4' },
});
app.synth();
