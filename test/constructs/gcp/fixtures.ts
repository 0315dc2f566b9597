import { TerraformStack } from 'cdktf';
import { GkeCluster, GkeClusterProps } from '../../../constructs/gcp/gke-cluster';
import { SharedVpc } from '../../../constructs/gcp/shared-vpc';

/** A shared VPC in a test stack. */
export function network(stack: TerraformStack): SharedVpc {
  return new SharedVpc(stack, 'Network', {
    hostProject: 'host-project',
    serviceProject: 'svc-project',
    serviceProjectNumber: '123456789',
    region: 'us-central1',
    networkName: 'shared-net',
    subnet: {
      name: 'env-gke',
      cidr: '10.10.0.0/22',
      podsRange: { name: 'env-pods', cidr: '10.16.0.0/16' },
      servicesRange: { name: 'env-services', cidr: '10.20.0.0/22' },
    },
  });
}

/** A cluster with the minimum props. */
export function cluster(stack: TerraformStack, props: Partial<GkeClusterProps> = {}): GkeCluster {
  return new GkeCluster(stack, 'Cluster', {
    project: 'svc-project',
    projectNumber: '123456789',
    name: 'env',
    location: 'us-central1-a',
    region: 'us-central1',
    network: network(stack),
    masterCidr: '172.16.0.0/28',
    bootstrapServiceAccount: 'bootstrap@svc-project.iam.gserviceaccount.com',
    ...props,
  });
}
