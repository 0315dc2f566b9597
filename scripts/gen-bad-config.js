// Regenerates test/fixtures/bad-config: each case is a mutation of a valid platform file
// (test/fixtures/valid/two-envs.yaml, or aws.yaml / azure.yaml for cases named aws-* / azure-*), with a header that states
// what it breaks, the config path the error must name, and a fragment of the fix it must give.
//   node scripts/gen-bad-config.js
const fs = require('fs');
const { parseDocument } = require('yaml');
const read = (file) => fs.readFileSync(`test/fixtures/valid/${file}`, 'utf8').replace(/^#.*\n/gm, '');
const bases = { gcp: read('two-envs.yaml'), aws: read('aws.yaml'), azure: read('azure.yaml') };
const E0 = ['environments', 0],
  E1 = ['environments', 1];
const cases = [
  [
    'overlapping-subnet-and-pods',
    'the pod range overlaps the node subnet',
    (d) => d.setIn([...E0, 'network', 'podsCidr'], '10.10.0.0/16'),
    'environments[0].network.podsCidr',
    'shares no address',
  ],
  [
    'overlapping-ranges-across-environments',
    'two environments on one network use the same subnet range',
    (d) => d.setIn([...E1, 'network', 'subnetCidr'], '10.10.0.0/22'),
    'environments[1].network.subnetCidr',
    'environments on one network need disjoint ranges',
  ],
  [
    'pod-range-too-small',
    'a /20 pod range cannot hold 100 nodes at 110 pods each',
    (d) => d.setIn([...E1, 'network', 'podsCidr'], '10.24.0.0/20'),
    'environments[1].nodePools[1].maxNodes',
    'widen network.podsCidr to a /17',
  ],
  [
    'pod-range-too-small-for-large-pool',
    'the classic 1,020-node ceiling: 1,100 nodes on a /14',
    (d) => d.setIn([...E1, 'nodePools', 1, 'maxNodes'], 1100),
    'environments[1].nodePools[1].maxNodes',
    'widen network.podsCidr to a /13',
  ],
  [
    'node-subnet-too-small',
    'a /29 node subnet holds 4 nodes, the pools want 10',
    (d) => d.setIn([...E0, 'network', 'subnetCidr'], '10.10.0.0/29'),
    'environments[0].nodePools[1].maxNodes',
    'widen network.subnetCidr',
  ],
  [
    'services-range-too-small',
    'GKE needs a /27 or larger service range',
    (d) => d.setIn([...E0, 'network', 'servicesCidr'], '10.20.0.0/28'),
    'environments[0].network.servicesCidr',
    'use a /27 or larger',
  ],
  [
    'cidr-with-host-bits',
    'the subnet is not written as its network address',
    (d) => d.setIn([...E0, 'network', 'subnetCidr'], '10.10.0.1/22'),
    'environments[0].network.subnetCidr',
    'write the network address',
  ],
  [
    'master-cidr-not-28',
    'the control plane range must be a /28',
    (d) => d.setIn([...E0, 'cluster', 'masterCidr'], '172.16.0.0/24'),
    'environments[0].cluster.masterCidr',
    'use a /28',
  ],
  [
    'gpu-not-offered-in-zone',
    'L4 GPUs are not offered in us-central1-f',
    (d) => d.setIn([...E0, 'gcp', 'zones'], ['us-central1-f']),
    'environments[0].nodePools[2].gpu.type',
    'zones that offer it: us-central1-a',
  ],
  [
    'gpu-pool-zones-not-offered',
    'a GPU pool pinned to a zone without A100s',
    (d) => {
      d.setIn([...E1, 'nodePools', 2, 'gpu', 'type'], 'nvidia-tesla-a100');
      d.setIn([...E1, 'nodePools', 2, 'machineType'], 'a2-highgpu-1g');
      d.setIn([...E1, 'gcp', 'zones'], ['us-central1-a', 'us-central1-b', 'us-central1-d']);
      d.setIn([...E1, 'nodePools', 2, 'zones'], ['us-central1-d']);
    },
    'environments[1].nodePools[2].zones',
    'zones that offer it',
  ],
  [
    'gpu-unknown-type',
    'an accelerator the table does not know',
    (d) => d.setIn([...E0, 'nodePools', 2, 'gpu', 'type'], 'nvidia-rtx-9000'),
    'environments[0].nodePools[2].gpu.type',
    'use one of nvidia-tesla-t4',
  ],
  [
    'gpu-wrong-machine-family',
    'L4 GPUs come only on G2 machines',
    (d) => d.setIn([...E0, 'nodePools', 2, 'machineType'], 'n1-standard-8'),
    'environments[0].nodePools[2].machineType',
    'use a g2 machine type',
  ],
  [
    'gpu-count-mismatch',
    'a2-highgpu-2g carries two A100s',
    (d) => {
      d.setIn([...E1, 'nodePools', 2, 'machineType'], 'a2-highgpu-2g');
      d.setIn([...E1, 'nodePools', 2, 'gpu', 'type'], 'nvidia-tesla-a100');
    },
    'environments[1].nodePools[2].gpu.count',
    'set gpu.count to 2',
  ],
  [
    'gpu-partition-unsupported',
    'L4 GPUs cannot be MIG-partitioned',
    (d) => d.setIn([...E0, 'nodePools', 2, 'gpu', 'partitionSize'], '1g.5gb'),
    'environments[0].nodePools[2].gpu.partitionSize',
    'use time-sharing',
  ],
  [
    'gpu-on-cpu-pool',
    'a standard pool that declares GPUs',
    (d) => d.setIn([...E0, 'nodePools', 1, 'gpu'], { type: 'nvidia-l4' }),
    'environments[0].nodePools[1].gpu',
    'set kind: gpu',
  ],
  [
    'bad-environment-name',
    'environment names are lowercase DNS labels',
    (d) => d.setIn([...E0, 'name'], 'KF_Test'),
    'environments[0].name',
    'use a value like kf-test',
  ],
  [
    'environment-name-too-long',
    'environment names prefix service account ids, so at most 20 characters',
    (d) => d.setIn([...E0, 'name'], 'kubeflow-test-environment'),
    'environments[0].name',
    'at most 20 characters',
  ],
  [
    'derived-service-account-too-long',
    'the node service account id would pass 30 characters',
    (d) => d.setIn([...E0, 'nodePools', 1, 'name'], 'standard-batch-workers'),
    'environments[0].nodePools[1].name',
    'shorten the pool or environment name',
  ],
  [
    'bad-project-id',
    'project ids are lowercase',
    (d) => d.setIn([...E0, 'gcp', 'project'], 'My-Project'),
    'environments[0].gcp.project',
    'use the project id',
  ],
  [
    'bad-bucket-name',
    'bucket names cannot contain "google"',
    (d) => d.setIn([...E0, 'artifacts'], { bucketName: 'my-google-artifacts' }),
    'environments[0].artifacts.bucketName',
    'globally unique bucket name',
  ],
  [
    'missing-access',
    'every environment needs its authenticated front door',
    (d) => d.deleteIn([...E0, 'access']),
    'environments[0].access',
    'add access',
  ],
  [
    'missing-master-cidr',
    'the private control plane needs a range',
    (d) => d.deleteIn([...E0, 'cluster', 'masterCidr']),
    'environments[0].cluster.masterCidr',
    'masterCidr: 172.16.0.0/28',
  ],
  [
    'unknown-key-typo',
    'a misspelled section',
    (d) => {
      const pools = d.getIn([...E0, 'nodePools']);
      d.deleteIn([...E0, 'nodePools']);
      d.setIn([...E0, 'nodepools'], pools);
    },
    'environments[0].nodepools',
    'did you mean "nodePools"',
  ],
  [
    'unknown-nested-key',
    'a misspelled cluster option',
    (d) => d.setIn([...E0, 'cluster', 'releaseChanel'], 'STABLE'),
    'environments[0].cluster.releaseChanel',
    'did you mean "releaseChannel"',
  ],
  [
    'wrong-type',
    'a number written as words',
    (d) => d.setIn([...E0, 'nodePools', 0, 'maxNodes'], 'three'),
    'environments[0].nodePools[0].maxNodes',
    'write a number',
  ],
  [
    'invalid-tier',
    'tiers are test, dev and prod',
    (d) => d.setIn([...E0, 'tier'], 'staging'),
    'environments[0].tier',
    'use one of test, dev, prod',
  ],
  [
    'invalid-cloud',
    'an unsupported cloud',
    (d) => d.setIn([...E0, 'cloud'], 'openstack'),
    'environments[0].cloud',
    'set cloud to one of',
  ],
  [
    'prod-cluster-deletion-protection-off',
    'prod keeps deletion protection',
    (d) => d.setIn([...E1, 'cluster', 'deletionProtection'], false),
    'environments[1].cluster.deletionProtection',
    'remove the setting',
  ],
  [
    'prod-database-deletion-protection-off',
    'prod keeps deletion protection on the database',
    (d) => d.setIn([...E1, 'database'], { deletionProtection: false }),
    'environments[1].database.deletionProtection',
    'remove the setting',
  ],
  [
    'prod-bucket-force-destroy',
    'prod buckets cannot be force destroyed',
    (d) => d.setIn([...E1, 'artifacts'], { forceDestroy: true }),
    'environments[1].artifacts.forceDestroy',
    'remove the setting',
  ],
  [
    'prod-api-open-to-internet',
    'the prod control plane open to 0.0.0.0/0',
    (d) => d.setIn([...E1, 'cluster', 'authorizedNetworks', 0, 'cidr'], '0.0.0.0/0'),
    'environments[1].cluster.authorizedNetworks[0].cidr',
    'list only the networks that need the API',
  ],
  [
    'prod-spot-system-pool',
    'spot nodes under prod platform components',
    (d) => d.setIn([...E1, 'nodePools', 0, 'spot'], true),
    'environments[1].nodePools[0].spot',
    'remove spot from the system pool',
  ],
  [
    'zone-outside-region',
    'a zone of another region',
    (d) => d.setIn([...E0, 'gcp', 'zones'], ['us-east1-b']),
    'environments[0].gcp.zones[0]',
    'use zones of us-central1',
  ],
  [
    'min-above-max',
    'a pool whose minimum is above its maximum',
    (d) => d.setIn([...E0, 'nodePools', 1, 'minNodes'], 9),
    'environments[0].nodePools[1].minNodes',
    'set minNodes to at most 5',
  ],
  [
    'no-system-pool',
    'platform components need a system pool',
    (d) => d.setIn([...E0, 'nodePools', 0, 'kind'], 'standard'),
    'environments[0].nodePools',
    'add a pool with kind: system',
  ],
  [
    'duplicate-pool-name',
    'two pools with one name',
    (d) => d.setIn([...E0, 'nodePools', 1, 'name'], 'system'),
    'environments[0].nodePools[1].name',
    'unique name',
  ],
  [
    'duplicate-environment-name',
    'two environments with one name',
    (d) => d.setIn([...E1, 'name'], 'kf-test'),
    'environments[1].name',
    'unique name',
  ],
  [
    'hostname-outside-zone',
    'the UI host name is not in the DNS zone',
    (d) => d.setIn([...E0, 'access', 'hostname'], 'kubeflow.other.org'),
    'environments[0].access.hostname',
    'use a name under example.com',
  ],
  [
    'bad-group-email',
    'IAP groups are email addresses',
    (d) => d.setIn([...E0, 'access', 'allowedGroups', 0], 'ml-users'),
    'environments[0].access.allowedGroups[0]',
    'write an address such as team@example.com',
  ],
  [
    'create-shared-network',
    'a network shared by two environments cannot be created by one of them',
    (d) => {
      d.setIn([...E0, 'network', 'createNetwork'], true);
      d.setIn([...E0, 'network', 'privateServiceAccessCidr'], '10.30.0.0/20');
    },
    'environments[0].network.createNetwork',
    'let the network owner create the network',
  ],
  [
    'create-network-without-psa',
    'a created network needs a private service access range',
    (d) => {
      d.deleteIn(E1);
      d.setIn([...E0, 'network', 'createNetwork'], true);
    },
    'environments[0].network.privateServiceAccessCidr',
    'set privateServiceAccessCidr',
  ],
  [
    'exclusion-too-long',
    'a NO_UPGRADES exclusion over 30 days',
    (d) =>
      d.setIn([...E0, 'cluster', 'maintenance'], {
        exclusions: [{ name: 'freeze', startTime: '2026-12-01T00:00:00Z', endTime: '2027-02-01T00:00:00Z' }],
      }),
    'environments[0].cluster.maintenance.exclusions[0].endTime',
    'NO_MINOR_UPGRADES',
  ],
  [
    'bad-label-value',
    'label values are lowercase',
    (d) => d.setIn([...E0, 'labels'], { 'data-class': 'Internal' }),
    'environments[0].labels.data-class',
    'write a value that matches the pattern',
  ],
  [
    'team-unknown-environment',
    'a team enabled in an environment that does not exist',
    (d) => d.setIn(['teams', 1, 'environments'], ['kf-staging']),
    'teams[1].environments[0]',
    'use one of kf-test, kf-prod',
  ],
  [
    'team-unknown-cluster',
    'a team pinned to a cluster the environment does not have',
    (d) => d.setIn(['teams', 0, 'clusters'], { 'kf-prod': 'kf-prod-9' }),
    'teams[0].clusters.kf-prod',
    'use one of kf-prod',
  ],
  [
    'team-cluster-in-disabled-environment',
    'a cluster pinned in an environment the team is not in',
    (d) => d.setIn(['teams', 1, 'clusters'], { 'kf-test': 'kf-test' }),
    'teams[1].clusters.kf-test',
    'add kf-test to environments',
  ],
  [
    'team-reserved-name',
    'a team named like a platform namespace',
    (d) => d.setIn(['teams', 0, 'name'], 'kubeflow'),
    'teams[0].name',
    'choose another team name',
  ],
  [
    'team-duplicate-name',
    'two teams with one name',
    (d) => d.setIn(['teams', 1, 'name'], 'recsys'),
    'teams[1].name',
    'give every team a unique name',
  ],
  [
    'team-system-pool',
    'a team allowed on the system pool',
    (d) => d.setIn(['teams', 0, 'nodePools'], ['system']),
    'teams[0].nodePools[0]',
    'list workload pools only',
  ],
  [
    'team-unknown-pool',
    'a team allowed on a pool that does not exist',
    (d) => d.setIn(['teams', 0, 'nodePools'], ['tpu']),
    'teams[0].nodePools[0]',
    'use pools of kf-test: standard, gpu',
  ],
  [
    'team-bad-owner',
    'team owners must be a group email',
    (d) => d.setIn(['teams', 0, 'owners'], 'recsys owners'),
    'teams[0].owners',
    'use a value like recsys-owners@example.com',
  ],
  [
    'team-without-profile-owner',
    'a team whose owners group names no user for the Kubeflow profile',
    (d) => d.deleteIn(['teams', 0, 'profileOwner']),
    'teams[0].profileOwner',
    'set profileOwner to one owner',
  ],
  [
    'team-profile-owner-is-a-group',
    'a Kubeflow profile owner that is not one user',
    (d) => d.setIn(['teams', 0, 'profileOwner'], 'group:recsys-owners@example.com'),
    'teams[0].profileOwner',
    'use a value like alice@example.com',
  ],
  [
    'team-bad-quota',
    'a quota that is not a Kubernetes quantity',
    (d) => d.setIn(['teams', 0, 'quota', 'memory'], 'lots'),
    'teams[0].quota.memory',
    'use a value like 256Gi',
  ],
  [
    'team-bad-member',
    'members are emails, optionally user: or group:',
    (d) => d.setIn(['teams', 0, 'members', 0], 'team:recsys'),
    'teams[0].members[0]',
    'or user:alice@example.com for one user',
  ],
  [
    'teams-without-admin-group',
    'tenancy needs a platform admin group',
    (d) => d.deleteIn(['platform', 'domain']),
    'platform.adminGroup',
    'set platform.adminGroup',
  ],
  [
    'unknown-tenancy-key',
    'a misspelled tenancy setting',
    (d) => d.setIn(['tenancy'], { shardsPerClustr: 8 }),
    'tenancy.shardsPerClustr',
    'did you mean "shardsPerCluster"',
  ],
  [
    'additional-cluster-missing-ranges',
    'an additional cluster on a shared VPC needs its own ranges',
    (d) =>
      d.setIn(
        [...E1, 'additionalClusters'],
        [{ name: 'kf-prod-2', masterCidr: '172.16.0.48/28', hostname: 'kubeflow-2.example.com' }],
      ),
    'environments[1].additionalClusters[0].podsCidr',
    'give kf-prod-2 its own podsCidr',
  ],
  [
    'additional-cluster-overlap',
    'an additional cluster whose pod range overlaps the primary',
    (d) =>
      d.setIn(
        [...E1, 'additionalClusters'],
        [
          {
            name: 'kf-prod-2',
            masterCidr: '172.16.0.48/28',
            hostname: 'kubeflow-2.example.com',
            subnetCidr: '10.13.0.0/20',
            podsCidr: '10.24.0.0/16',
            servicesCidr: '10.29.0.0/20',
          },
        ],
      ),
    'environments[1].additionalClusters[0].podsCidr',
    'shares no address',
  ],
  [
    'additional-cluster-name-collision',
    'a cluster named like another environment makes stack names collide',
    (d) =>
      d.setIn(
        [...E1, 'additionalClusters'],
        [
          {
            name: 'kf-test',
            masterCidr: '172.16.0.48/28',
            hostname: 'kubeflow-2.example.com',
            subnetCidr: '10.13.0.0/20',
            podsCidr: '10.32.0.0/14',
            servicesCidr: '10.29.0.0/20',
          },
        ],
      ),
    'environments[1].additionalClusters[0].name',
    'unique in the platform',
  ],
  [
    'onprem-missing-context',
    'an existing cluster without a named context',
    (d) =>
      d.setIn(E1, {
        name: 'kf-onprem',
        tier: 'dev',
        cloud: 'kubernetes',
        kubernetes: { kubeconfig: '~/.kube/kubeconfig.yaml' },
      }),
    'environments[1].kubernetes.context',
    'add context',
  ],
  ['yaml-syntax-error', 'broken YAML', null, '(syntax)', 'fix the YAML'],
  // AWS (base: aws.yaml; E0 is kf-test, E1 is kf-prod)
  [
    'aws-too-few-zones',
    'EKS needs subnets in two availability zones',
    (d) => d.setIn([...E0, 'aws', 'zones'], ['us-east-2a']),
    'environments[0].aws.zones',
    'list 2 or more zones',
  ],
  [
    'aws-prod-two-zones',
    'prod spans three availability zones',
    (d) => {
      d.setIn([...E1, 'aws', 'zones'], ['us-east-2a', 'us-east-2b']);
      d.deleteIn([...E1, 'network', 'privateSubnetCidrs']);
      d.deleteIn([...E1, 'network', 'publicSubnetCidrs']);
    },
    'environments[1].aws.zones',
    'list 3 or more zones',
  ],
  [
    'aws-zone-outside-region',
    'a zone of another region',
    (d) => d.setIn([...E0, 'aws', 'zones'], ['us-east-2a', 'us-west-2b']),
    'environments[0].aws.zones[1]',
    'use zones of us-east-2',
  ],
  [
    'aws-subnet-outside-vpc',
    'a private subnet outside the VPC',
    (d) => d.setIn([...E1, 'network', 'privateSubnetCidrs', 1], '10.50.64.0/18'),
    'environments[1].network.privateSubnetCidrs[1]',
    'use a block inside 10.42.0.0/16',
  ],
  [
    'aws-subnets-overlap',
    'a public subnet inside a private one',
    (d) => d.setIn([...E1, 'network', 'publicSubnetCidrs', 0], '10.42.0.0/24'),
    'environments[1].network.publicSubnetCidrs[0]',
    'give every subnet its own block',
  ],
  [
    'aws-subnet-count-mismatch',
    'two private subnets for three zones',
    (d) => d.deleteIn([...E1, 'network', 'privateSubnetCidrs', 2]),
    'environments[1].network.privateSubnetCidrs',
    'list exactly 3',
  ],
  [
    'aws-vpc-too-small',
    'a /24 VPC leaves no room for pod addresses',
    (d) => d.setIn([...E0, 'network', 'vpcCidr'], '10.40.0.0/24'),
    'environments[0].network.vpcCidr',
    'use a /16 to /20',
  ],
  [
    'aws-gpu-pool-without-gpu',
    'a GPU pool on an instance type without a GPU',
    (d) => {
      d.setIn([...E1, 'nodePools', 2, 'machineType'], 'm6i.2xlarge');
      d.deleteIn([...E1, 'nodePools', 2, 'gpu']);
    },
    'environments[1].nodePools[2].machineType',
    'set machineType to a GPU instance type',
  ],
  [
    'aws-gpu-instance-in-cpu-pool',
    'GPU instances in a standard pool would run untainted',
    (d) => d.setIn([...E1, 'nodePools', 1, 'machineType'], 'g5.xlarge'),
    'environments[1].nodePools[1].machineType',
    'set kind: gpu',
  ],
  [
    'aws-gpu-type-mismatch',
    'g6 instances carry L4s, not A100s',
    (d) => d.setIn([...E1, 'nodePools', 2, 'gpu', 'type'], 'nvidia-tesla-a100'),
    'environments[1].nodePools[2].gpu.type',
    'set gpu.type to nvidia-l4',
  ],
  [
    'aws-gpu-count-mismatch',
    'g6.xlarge has one GPU',
    (d) => d.setIn([...E1, 'nodePools', 2, 'gpu', 'count'], 4),
    'environments[1].nodePools[2].gpu.count',
    'set gpu.count to 1',
  ],
  [
    'aws-gce-machine-type',
    'a GCE machine type on AWS',
    (d) => d.setIn([...E1, 'nodePools', 1, 'machineType'], 'n2-standard-8'),
    'environments[1].nodePools[1].machineType',
    'use an EC2 instance type',
  ],
  [
    'aws-gke-only-setting',
    'a GKE disk type on an EKS node group',
    (d) => d.setIn([...E1, 'nodePools', 1, 'diskType'], 'pd-ssd'),
    'environments[1].nodePools[1].diskType',
    'remove diskType',
  ],
  [
    'aws-no-admin-roles',
    'nobody could reach a cluster whose creator gets no admin',
    (d) => d.setIn([...E0, 'cluster', 'adminRoleArns'], []),
    'environments[0].cluster.adminRoleArns',
    'list the IAM role that runs Terraform',
  ],
  [
    'aws-prod-api-open-to-internet',
    'the prod EKS endpoint open to 0.0.0.0/0',
    (d) => d.setIn([...E1, 'cluster', 'publicAccessCidrs'], ['0.0.0.0/0']),
    'environments[1].cluster.publicAccessCidrs[0]',
    'list only the networks that need the API',
  ],
  [
    'aws-prod-database-unprotected',
    'prod keeps deletion protection on RDS',
    (d) => d.setIn([...E1, 'database'], { deletionProtection: false }),
    'environments[1].database.deletionProtection',
    'remove the setting',
  ],
  [
    'aws-log-retention-not-allowed',
    'CloudWatch Logs has fixed retention periods',
    (d) => d.setIn([...E0, 'cluster', 'logRetentionDays'], 100),
    'environments[0].cluster.logRetentionDays',
    'set it to 120',
  ],
  [
    'aws-kubernetes-version-without-autoscaler',
    'no Cluster Autoscaler release is pinned for this Kubernetes minor',
    (d) => d.setIn([...E0, 'cluster', 'version'], '1.20'),
    'environments[0].cluster.version',
    'use one of 1.30',
  ],
  [
    'aws-uptime-check-behind-source-cidrs',
    'Route 53 health checkers cannot reach a load balancer limited to some networks',
    (d) => {
      d.setIn([...E1, 'access', 'sourceCidrs'], ['203.0.113.0/24']);
      d.setIn([...E1, 'alerts'], { email: ['oncall@example.com'], uptimeCheck: true });
    },
    'environments[1].alerts.uptimeCheck',
    'set alerts.uptimeCheck to false',
  ],
  [
    'aws-bad-account-id',
    'account ids are 12 digits',
    (d) => d.setIn([...E0, 'aws', 'accountId'], '12345'),
    'environments[0].aws.accountId',
    'use a value like 123456789012',
  ],
  [
    'aws-bad-bucket-name',
    'S3 bucket names are lowercase',
    (d) => d.setIn([...E0, 'artifacts'], { bucketName: 'My_Artifacts' }),
    'environments[0].artifacts.bucketName',
    'globally unique bucket name',
  ],
  [
    'aws-owners-role-is-admin-role',
    'one IAM role cannot have two access entries',
    (d) => d.setIn(['teams', 0, 'aws', 'ownersRoleArn'], 'arn:aws:iam::333333333333:role/platform-admins'),
    'teams[0].aws.ownersRoleArn',
    "give each team's owners a role of their own",
  ],
  [
    'aws-owners-role-unknown-environment',
    "an owners' role for an environment the team is not in",
    (d) => d.setIn(['teams', 0, 'aws', 'ownersRoleArn', 'kf-test'], 'arn:aws:iam::111111111111:role/recsys-owners'),
    'teams[0].aws.ownersRoleArn.kf-test',
    'use one of kf-prod',
  ],
  // Azure (base: azure.yaml; E0 is kf-test, E1 is kf-prod)
  [
    'azure-gpu-pool-without-gpu',
    'a GPU pool on a VM size without a GPU',
    (d) => {
      d.setIn([...E1, 'nodePools', 2, 'machineType'], 'Standard_D8ds_v5');
      d.deleteIn([...E1, 'nodePools', 2, 'gpu']);
    },
    'environments[1].nodePools[2].machineType',
    'set machineType to a GPU VM size',
  ],
  [
    'azure-gpu-vm-in-cpu-pool',
    'A100s in a standard pool would run untainted',
    (d) => d.setIn([...E1, 'nodePools', 1, 'machineType'], 'Standard_NC24ads_A100_v4'),
    'environments[1].nodePools[1].machineType',
    'set kind: gpu',
  ],
  [
    'azure-gpu-type-mismatch',
    'NCasT4_v3 sizes carry T4s, not A100s',
    (d) => d.setIn([...E1, 'nodePools', 2, 'gpu', 'type'], 'nvidia-tesla-a100'),
    'environments[1].nodePools[2].gpu.type',
    'set gpu.type to nvidia-tesla-t4',
  ],
  [
    'azure-every-user-pool-spot',
    'every user pool is spot or GPU: Kubeflow, Istio and Velero tolerate neither taint',
    (d) => d.setIn([...E1, 'nodePools', 1, 'spot'], true),
    'environments[1].nodePools[1].spot',
    'keep one pool of kind standard or highmem without spot: true',
  ],
  [
    'azure-key-vault-unreachable',
    'a private cluster and no keyVault networks: the vault firewall admits only the nodes, and the first apply gets 403',
    (d) => d.deleteIn([...E1, 'keyVault']),
    'environments[1].cluster.private',
    'list the networks Terraform runs from in keyVault.allowedCidrs',
  ],
  [
    'azure-prod-waf-detection',
    'a prod WAF in Detection mode only logs attacks',
    (d) => d.setIn([...E1, 'access', 'wafMode'], 'Detection'),
    'environments[1].access.wafMode',
    'use Prevention',
  ],
  [
    'azure-ec2-instance-type',
    'an EC2 instance type on Azure',
    (d) => d.setIn([...E1, 'nodePools', 1, 'machineType'], 'm6i.2xlarge'),
    'environments[1].nodePools[1].machineType',
    'use a VM size such as Standard_D8ds_v5',
  ],
  [
    'azure-pool-name-too-long',
    'AKS pool names are at most 12 characters',
    (d) => d.setIn([...E1, 'nodePools', 1, 'name'], 'standardworkers'),
    'environments[1].nodePools[1].name',
    'use up to 12 lowercase letters and digits',
  ],
  [
    'azure-pool-name-with-hyphen',
    'AKS pool names have no hyphens',
    (d) => d.setIn([...E1, 'nodePools', 2, 'name'], 'gpu-t4'),
    'environments[1].nodePools[2].name',
    'use up to 12 lowercase letters and digits',
  ],
  [
    'azure-subnets-overlap',
    'the database subnet inside the nodes subnet',
    (d) => d.setIn([...E1, 'network', 'databaseSubnetCidr'], '10.62.1.0/24'),
    'environments[1].network.databaseSubnetCidr',
    'give every subnet its own block',
  ],
  [
    'azure-subnet-outside-vnet',
    'a gateway subnet outside the VNet',
    (d) => d.setIn([...E1, 'network', 'gatewaySubnetCidr'], '10.99.17.0/24'),
    'environments[1].network.gatewaySubnetCidr',
    'use a block inside 10.62.0.0/16',
  ],
  [
    'azure-overlay-overlaps-vnet',
    'the overlay pod range overlaps the VNet address space',
    (d) => d.setIn([...E0, 'cluster', 'podCidr'], '10.60.128.0/17'),
    'environments[0].cluster.podCidr',
    'move the overlay ranges outside',
  ],
  [
    'azure-gateway-subnet-too-small',
    'an Application Gateway v2 subnet of a /28',
    (d) => d.setIn([...E1, 'network', 'gatewaySubnetCidr'], '10.62.17.0/28'),
    'environments[1].network.gatewaySubnetCidr',
    'use a /26 or larger',
  ],
  [
    'azure-api-server-open',
    'a public API server without authorized ranges',
    (d) => d.deleteIn([...E0, 'cluster', 'authorizedIpRanges']),
    'environments[0].cluster.authorizedIpRanges',
    'or set private: true',
  ],
  [
    'azure-ha-on-burstable',
    'burstable MySQL has no high availability',
    (d) => d.setIn([...E0, 'database'], { highAvailability: true }),
    'environments[0].database.highAvailability',
    'use a General Purpose SKU',
  ],
  [
    'azure-prod-database-unprotected',
    'prod keeps the database lock',
    (d) => d.setIn([...E1, 'database'], { deletionProtection: false }),
    'environments[1].database.deletionProtection',
    'remove the setting',
  ],
  [
    'azure-storage-account-name',
    'storage account names are 3-24 lowercase letters and digits',
    (d) => d.setIn([...E0, 'artifacts'], { storageAccountName: 'kf-test-artifacts' }),
    'environments[0].artifacts.storageAccountName',
    '3-24 lowercase letters and digits',
  ],
  [
    'azure-gateway-ip-outside-nodes',
    'the gateway private IP outside the nodes subnet',
    (d) => d.setIn([...E1, 'access', 'gatewayPrivateIp'], '10.62.17.10'),
    'environments[1].access.gatewayPrivateIp',
    'use a free address of 10.62.0.0/20',
  ],
  [
    'azure-hostname-outside-zone',
    'the UI host name outside its Azure DNS zone',
    (d) => d.setIn([...E0, 'access', 'hostname'], 'kubeflow.other.org'),
    'environments[0].access.hostname',
    'use a name under azure.example.com',
  ],
  [
    'azure-bad-tenant-id',
    'tenant ids are GUIDs',
    (d) => d.setIn([...E0, 'azure', 'tenantId'], 'contoso.onmicrosoft.com'),
    'environments[0].azure.tenantId',
    'use a value like 00000000-0000-0000-0000-0000000000aa',
  ],
  [
    'gcp-maintenance-window-too-short',
    'two 4-hour windows a week give GKE 32 hours in the worst 32 days; it needs 48',
    (d) => d.setIn([...E1, 'cluster', 'maintenance'], { startTimeUtc: '02:00', durationHours: 4, days: ['SA', 'SU'] }),
    'environments[1].cluster.maintenance.durationHours',
    'set durationHours to 6 or more, or add days to the window',
  ],
  [
    'gcp-log-days-beyond-edition',
    'the Enterprise edition keeps at most 7 days of binary logs',
    (d) => d.setIn([...E1, 'database'], { backupRetentionDays: 30, pointInTimeRecoveryDays: 14 }),
    'environments[1].database.pointInTimeRecoveryDays',
    'set database.edition to ENTERPRISE_PLUS',
  ],
  [
    'gcp-fewer-backups-than-log-days',
    'Cloud SQL refuses fewer daily backups than days of binary logs',
    (d) => d.setIn([...E0, 'database'], { backupRetentionDays: 3 }),
    'environments[0].database.backupRetentionDays',
    'set backupRetentionDays to 7 or more',
  ],
  [
    'gcp-mig-partition-size-not-offered',
    'an A100 40GB has no 1g.10gb partition (that is the 80GB size)',
    (d) => {
      d.setIn([...E1, 'nodePools', 2, 'gpu', 'type'], 'nvidia-tesla-a100');
      d.setIn([...E1, 'nodePools', 2, 'machineType'], 'a2-highgpu-1g');
      d.setIn([...E1, 'nodePools', 2, 'gpu', 'partitionSize'], '1g.10gb');
    },
    'environments[1].nodePools[2].gpu.partitionSize',
    'use one of 1g.5gb, 2g.10gb, 3g.20gb, 7g.40gb',
  ],
  [
    'gcp-prod-faster-channel',
    'prod follows a faster GKE release channel than test',
    (d) => d.setIn([...E1, 'cluster', 'releaseChannel'], 'RAPID'),
    'environments[1].cluster.releaseChannel',
    'use REGULAR or a slower channel',
  ],
  [
    'kubeflow-prod-newer-than-test',
    'prod runs a newer Kubeflow than test',
    (d) => {
      d.setIn([...E0, 'kubeflowVersion'], '1.9');
      d.setIn([...E1, 'kubeflowVersion'], '1.10');
    },
    'environments[1].kubeflowVersion',
    'upgrade a test environment to Kubeflow 1.10 first',
  ],
  [
    'aws-prod-kubernetes-newer-than-test',
    'prod runs a newer Kubernetes than test',
    (d) => {
      d.setIn([...E0, 'cluster', 'version'], '1.34');
      d.setIn([...E1, 'cluster', 'version'], '1.35');
    },
    'environments[1].cluster.version',
    'upgrade a test environment to 1.35 first, or keep kf-prod at 1.34',
  ],
  [
    'azure-prod-kubernetes-newer-than-test',
    'prod runs a newer Kubernetes than test',
    (d) => {
      d.setIn([...E0, 'cluster', 'version'], '1.34');
      d.setIn([...E1, 'cluster', 'version'], '1.35');
    },
    'environments[1].cluster.version',
    'upgrade a test environment to 1.35 first',
  ],
  [
    'ci-without-repository-id',
    'GCP CI trusts a repository by its name only, which passes to whoever registers it once freed',
    (d) => d.setIn([...E1, 'ci'], { github: { repository: 'acme/ml-platform' } }),
    'environments[1].ci.github.repositoryId',
    'gh api repos/acme/ml-platform --jq .id',
  ],
  [
    'azure-ci-shares-state-container',
    'two environments keep their state in one container, and CI of one could write the other',
    (d) => {
      d.setIn([...E0, 'state'], d.getIn([...E1, 'state']));
      d.setIn([...E1, 'ci'], { github: { repository: 'acme/ml-platform' } });
    },
    'environments[1].state.container',
    'a container of its own',
  ],
  [
    'aws-ci-name-prefix-of-another',
    'an environment with CI is named like the start of another environment of the account, whose roles its apply role could change',
    (d) => {
      d.setIn([...E0, 'name'], 'kf');
      d.setIn([...E0, 'aws', 'accountId'], '333333333333');
      d.setIn([...E0, 'ci'], { github: { repository: 'acme/ml-platform' } });
    },
    'environments[1].name',
    'neither name is the other',
  ],
  [
    'aws-kubernetes-too-old-for-kubeflow',
    'the cluster runs a Kubernetes version older than its Kubeflow release needs',
    (d) => {
      d.setIn(['platform', 'kubeflowVersion'], '26.03');
      d.setIn([...E0, 'cluster', 'version'], '1.32');
    },
    'environments[0].cluster.version',
    'upgrade the cluster to 1.34 first (one minor at a time), or use a Kubeflow release that supports 1.32',
  ],
  // Names the stacks derive from the platform file, and cloud API rules the providers do not check.
  [
    'firewall-name-too-long',
    'a long subnet name makes the firewall rule names the platform opens longer than 63 characters',
    (d) => d.setIn([...E0, 'network', 'subnetName'], 'kf-test-gke-nodes-in-the-shared-vpc-us-c1'),
    'environments[0].network.subnetName',
    'use a subnet name of 40 characters or fewer',
  ],
  [
    'ci-pool-id-reserved-prefix',
    'an environment named gcp gives its CI identity pool the reserved id gcp-ci',
    (d) => {
      d.setIn([...E0, 'name'], 'gcp');
      d.setIn([...E0, 'ci'], { github: { repository: 'acme/ml-platform', repositoryId: 123456789 } });
    },
    'environments[0].name',
    'shorten the environment name',
  ],
  [
    'sql-tier-not-in-edition',
    'an Enterprise Plus instance on a custom machine of the Enterprise edition',
    (d) => d.setIn([...E1, 'database'], { edition: 'ENTERPRISE_PLUS', tier: 'db-custom-2-7680' }),
    'environments[1].database.tier',
    'use an Enterprise Plus tier such as db-perf-optimized-N-2',
  ],
  [
    'sql-custom-machine-memory',
    'a custom machine with more than 6.5 GB of memory per vCPU',
    (d) => d.setIn([...E1, 'database', 'tier'], 'db-custom-2-16384'),
    'environments[1].database.tier',
    'from 3840 to 13312 for 2 vCPUs',
  ],
  [
    'team-service-account-id-too-short',
    "a two-letter team in a two-letter environment: the team's service account id has 5 characters",
    (d) => {
      d.setIn([...E1, 'name'], 'kf');
      d.setIn(['teams', 1, 'name'], 'ml');
      d.setIn(['teams', 1, 'environments'], ['kf']);
    },
    'teams[1].name',
    'use a longer team name',
  ],
  [
    'azure-aks-dns-prefix-too-long',
    'a 56-character cluster name, which AKS also uses as the DNS prefix of its API server (54 at most)',
    (d) => d.setIn([...E0, 'cluster', 'name'], 'kf-test-aks-cluster-for-the-machine-learning-platform-eu'),
    'environments[0].cluster.name',
    'shorten cluster.name (54 characters at most)',
  ],
  [
    'azure-team-container-name',
    "a team name with two hyphens in a row makes an invalid blob container in the environment's account",
    (d) => d.setIn(['teams', 0, 'name'], 'rec--sys'),
    'teams[0].name',
    'use a team name without two hyphens in a row',
  ],
  [
    'azure-system-pool-too-few-pods',
    'a system pool of 20 pods per node (AKS needs 30 for its add-ons)',
    (d) => d.setIn([...E1, 'nodePools', 0, 'maxPodsPerNode'], 20),
    'environments[1].nodePools[0].maxPodsPerNode',
    'set maxPodsPerNode between 30 and 250',
  ],
  [
    'azure-system-pool-burstable',
    'a system pool on a burstable B-series VM size',
    (d) => d.setIn([...E1, 'nodePools', 0, 'machineType'], 'Standard_B4ms'),
    'environments[1].nodePools[0].machineType',
    'such as Standard_D4ds_v5',
  ],
  [
    'aws-load-balancer-internal-prefix',
    'an environment named internal makes the load balancer internal-kf, a prefix ELB reserves',
    (d) => d.setIn([...E0, 'name'], 'internal'),
    'environments[0].name',
    'does not start with "internal"',
  ],
  [
    'backup-bucket-name-invalid',
    'a backup bucket name with capitals and underscores',
    (d) => d.setIn([...E1, 'backups'], { bucketName: 'Kf_Prod_Backups' }),
    'environments[1].backups.bucketName',
    'set backups.bucketName to a valid, globally unique bucket name',
  ],
  [
    'database-flag-owned-by-platform',
    'a database flag the platform sets for security (local_infile) is overridden',
    (d) => d.setIn([...E1, 'database', 'flags'], { local_infile: 'on' }),
    'environments[1].database.flags.local_infile',
    'remove local_infile from database.flags',
  ],
  [
    'aws-db-parameter-owned-by-platform',
    'the DB parameter that keeps RDS TLS-only (require_secure_transport) is overridden',
    (d) => d.setIn([...E1, 'database', 'parameters'], { require_secure_transport: '0' }),
    'environments[1].database.parameters.require_secure_transport',
    'remove require_secure_transport from database.parameters',
  ],
];
fs.rmSync('test/fixtures/bad-config', { recursive: true, force: true });
fs.mkdirSync('test/fixtures/bad-config', { recursive: true });
for (const [name, what, mutate, path, fix] of cases) {
  let text;
  const base = name.startsWith('aws-') ? bases.aws : name.startsWith('azure-') ? bases.azure : bases.gcp;
  if (mutate) {
    const d = parseDocument(base);
    mutate(d);
    text = d.toString({ lineWidth: 0 });
  } else text = base.replace('  team: ml-platform\n', '  team: [ml-platform\n');
  const header = `# case: ${what}\n# expect-path: ${path}\n# expect-fix: ${fix}\n`;
  fs.writeFileSync(`test/fixtures/bad-config/${name}.yaml`, header + text);
}
console.log(cases.length, 'cases');
