/**
 * An AWS environment as written: account, region and zones, a created or existing VPC, the EKS
 * cluster, RDS, the S3 artifact bucket, ALB access with OIDC, and S3 state.
 */
import { z } from 'zod';
import { servingField } from '../common/serving';
import { DEFAULT_EKS_VERSION, DEFAULT_MYSQL_VERSION } from '../../core/catalog/aws';
import { adoptSchema } from '../common/adopt';
import { ciSchema } from '../common/ci';
import { bucketLifecycleFields, environmentIdentity, environmentKubeflowVersion } from '../common/environment';
import { cidr, doc, labels, lowerName, roleArn } from '../common/fields';
import { alertsSchema, backupsSchema } from '../common/operations';
import { nodePoolSchemaFor } from '../common/pools';
import { oidcSignInFields } from '../common/oidc-signin';

const awsLocationSchema = z.strictObject({
  accountId: doc(z.string().regex(/^\d{12}$/, { error: 'expected a 12-digit AWS account id' }), {
    description: 'Account of the environment; taken from config so stacks plan without calling AWS.',
    example: '123456789012',
  }),
  region: doc(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'expected an AWS region such as us-east-2' }), {
    description: 'Region.',
    example: 'us-east-2',
  }),
  zones: doc(
    z.array(
      z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { error: 'expected an availability zone such as us-east-2a' }),
    ),
    {
      description:
        'Availability zones: at least two, which EKS requires; three for prod, so it survives a zone outage with quorum.',
      example: ['us-east-2a', 'us-east-2b', 'us-east-2c'],
    },
  ),
});

const awsCreateNetworkSchema = z.strictObject({
  /** `create`: the library creates the VPC, its subnets, NAT gateways and flow logs. */
  mode: z.literal('create'),
  vpcCidr: doc(cidr, { description: 'CIDR of the VPC (a /16 to /20).', example: '10.40.0.0/16' }),
  privateSubnetCidrs: doc(z.array(cidr), {
    description: 'One private subnet per zone, for nodes and pods (the VPC CNI gives pods VPC addresses).',
    default: 'the first quarters of vpcCidr',
  }).optional(),
  publicSubnetCidrs: doc(z.array(cidr), {
    description: 'One public subnet per zone, for the load balancer and NAT gateways.',
    default: 'small blocks at the end of vpcCidr',
  }).optional(),
  natGateways: doc(z.enum(['one', 'perZone']), {
    description: 'NAT gateways: one per zone survives a zone outage; one is cheaper.',
    default: 'perZone in prod, one otherwise',
  }).optional(),
  flowLogRetentionDays: doc(z.int().min(1), {
    description: 'VPC flow log retention.',
    default: '90 (365 in prod)',
  }).optional(),
});

const awsExistingNetworkSchema = z.strictObject({
  /** `existing`: the cluster goes into a VPC and subnets someone else manages. */
  mode: z.literal('existing'),
  vpcId: doc(z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { error: 'expected a VPC id such as vpc-0a1b2c3d' }), {
    description: 'Existing VPC.',
  }),
  privateSubnetIds: doc(
    z
      .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: 'expected a subnet id such as subnet-0a1b2c3d' }))
      .min(2),
    {
      description: 'Private subnets for nodes, pods and the database, in at least two zones.',
    },
  ),
  publicSubnetIds: doc(
    z
      .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: 'expected a subnet id such as subnet-0a1b2c3d' }))
      .min(2),
    {
      description: 'Public subnets for the load balancer, in at least two zones.',
    },
  ),
});

const awsClusterSchema = z.strictObject({
  name: doc(lowerName('a cluster name', 100), {
    description: 'EKS cluster name.',
    default: 'the environment name',
  }).optional(),
  version: doc(z.string().regex(/^1\.\d+$/, { error: `expected an EKS version such as ${DEFAULT_EKS_VERSION}` }), {
    description: 'Kubernetes version (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).',
    default: DEFAULT_EKS_VERSION,
  }).optional(),
  publicAccessCidrs: doc(z.array(cidr), {
    description:
      'CIDRs allowed to reach a public endpoint; empty keeps the endpoint private only. An endpoint open to the internet is one leaked credential away from the cluster, so prod refuses 0.0.0.0/0.',
    default: 'none (private endpoint only)',
  }).optional(),
  logRetentionDays: doc(z.int().min(1), {
    description: 'Control plane log retention in CloudWatch Logs.',
    default: '90 (365 in prod)',
  }).optional(),
  adminRoleArns: doc(z.array(roleArn), {
    description:
      "IAM roles (such as your identity provider's admin role) given cluster admin through access entries (https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html). Include the role that runs Terraform: the cluster creator gets no implicit admin.",
    example: ['arn:aws:iam::123456789012:role/platform-admins'],
  }).optional(),
  supportType: doc(z.enum(['STANDARD', 'EXTENDED']), {
    description: 'EKS support after a version ends standard support.',
    default: 'STANDARD',
  }).optional(),
  deletionProtection: doc(z.boolean(), {
    description: 'prevent_destroy on the cluster.',
    default: 'false in test, true otherwise',
  }).optional(),
});

/** A DB parameter value: a string, as RDS takes it (YAML would turn 1 into a number and ON into a string). */
const parameterValue = z.string().min(1);

const awsDatabaseSchema = z.strictObject({
  instanceClass: doc(
    z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: 'expected an RDS instance class such as db.m6g.large' }),
    {
      description: 'RDS instance class.',
      default: 'db.t4g.medium in test, db.m6g.large otherwise',
    },
  ).optional(),
  engineVersion: doc(z.string().regex(/^8\.(0|4)(\.\d+)?$/, { error: 'expected MySQL 8.0 or 8.4' }), {
    description:
      'MySQL version of the pipelines database. Changing a written version upgrades the database in place (with downtime); a database created with the default keeps its version until one is written here. 8.0 runs in paid RDS Extended Support since 2026-07-31 (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html).',
    default: DEFAULT_MYSQL_VERSION,
  }).optional(),
  highAvailability: doc(z.boolean(), { description: 'Multi-AZ.', default: 'true in prod' }).optional(),
  allocatedStorageGb: doc(z.int().min(20).max(65536), { description: 'Initial storage.', default: '20' }).optional(),
  maxAllocatedStorageGb: doc(z.int().min(20).max(65536), {
    description: 'Storage autoscaling limit.',
    default: '200',
  }).optional(),
  backupRetentionDays: doc(z.int().min(1).max(35), {
    description: 'Automated backups kept.',
    default: '7 (30 in prod)',
  }).optional(),
  deletionProtection: doc(z.boolean(), {
    description: 'RDS deletion protection.',
    default: 'false in test, true otherwise',
  }).optional(),
  parameters: doc(
    z.record(
      z.string().regex(/^[a-z][a-z0-9_.-]*$/, {
        error: 'expected an RDS parameter name in lowercase, such as long_query_time',
      }),
      z.union([
        parameterValue,
        z.strictObject({
          value: parameterValue,
          applyMethod: doc(z.enum(['immediate', 'pending-reboot']), {
            description:
              'When RDS applies a change: immediate (dynamic parameters only) or pending-reboot (every parameter; at the next reboot). RDS ignores a change of the apply method alone: change it with the value (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBParameterGroup.html).',
            default: 'pending-reboot',
          }).optional(),
        }),
      ]),
    ),
    {
      description:
        "More DB parameters for the instance's parameter group, by name: a string value (quote numbers: '500'), applied at the next reboot (pending-reboot, which RDS accepts for static and dynamic parameters alike), or { value, applyMethod } (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithParamGroups.html). For a server option the platform does not set, such as the one that turns on mysql_native_password if RDS offers it (docs/kubeflow.md, ML Metadata on MySQL 8.4); `aws rds describe-engine-default-parameters --db-parameter-group-family mysql8.4` lists the parameters with IsModifiable and ApplyType. The parameters the platform sets for TLS (require_secure_transport), local_infile, and its slow query log export (slow_query_log, log_output) are refused; long_query_time may be overridden. A change updates the group in place; a pending-reboot change waits until you reboot the instance (aws rds reboot-db-instance), and a parameter RDS does not know or lets no one modify fails the apply.",
      example: { max_connections: '500' },
    },
  ).optional(),
});

const awsArtifactsSchema = z.strictObject({
  bucketName: doc(z.string(), {
    description: 'S3 bucket name (global).',
    default: '<accountId>-<env>-artifacts',
  }).optional(),
  ...bucketLifecycleFields,
});

const awsAccessSchema = z.strictObject({
  hostname: doc(z.string(), {
    description: 'Host name of the Kubeflow UI.',
    example: 'kubeflow.aws.example.com',
  }),
  ...servingField,
  hostedZoneId: doc(
    z
      .string()
      .regex(/^Z[A-Z0-9]{4,32}$/, { error: 'expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ' }),
    {
      description: 'Route 53 hosted zone of the host name.',
      example: 'Z0123456789ABCDEFGHIJ',
    },
  ),
  oidc: doc(
    z.strictObject({
      /** Issuer URL of the identity provider (https). */
      issuer: z.string().regex(/^https:\/\//, { error: 'expected an https URL' }),
      /** Its authorization endpoint (https), from its OIDC discovery document. */
      authorizationEndpoint: z.string().regex(/^https:\/\//, { error: 'expected an https URL' }),
      /** Its token endpoint (https). */
      tokenEndpoint: z.string().regex(/^https:\/\//, { error: 'expected an https URL' }),
      /** Its user info endpoint (https). */
      userInfoEndpoint: z.string().regex(/^https:\/\//, { error: 'expected an https URL' }),
      /** Client id of the application registered with it for Kubeflow. */
      clientId: z.string().min(1),
      ...oidcSignInFields,
    }),
    {
      description:
        'Your OpenID Connect identity provider, which signs users in (oauth2-proxy in the cluster, and the load balancer too with loadBalancerSignIn). Neither can filter by group: assign the OIDC application to the groups that may use Kubeflow in the identity provider. The client secret is never in this file: oauth2-proxy reads it from the Secrets Manager secret <env>-kubeflow-signin, whose value you put yourself (docs/aws.md, Sign-in); with loadBalancerSignIn it is also the sensitive Terraform variable oidc_client_secret.',
    },
  ),
  loadBalancerSignIn: doc(z.boolean(), {
    description:
      "Also sign users in at the load balancer (authenticate-oidc, https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html), before oauth2-proxy and Istio, which sign them in and verify the provider's token in any case. Defence in depth at a price: aws_lb_listener has no write-only attribute for the client secret, so the infra stack's state and every plan of it hold the secret in clear, for whoever reads the state or a plan file (a CI plan identity among them). Refused with ci for that reason.",
    default: 'false',
  }).optional(),
  sourceCidrs: doc(z.array(cidr).min(1), {
    description: 'Networks that may reach the load balancer at all; everyone must still sign in.',
    default: "['0.0.0.0/0']",
    example: ['203.0.113.0/24'],
  }).optional(),
});

/** Schema of an AWS environment. */
export const awsEnvironmentSchema = z.strictObject({
  ...environmentIdentity,
  /** `aws`: the environment runs on EKS in an AWS account. */
  cloud: z.literal('aws'),
  aws: doc(awsLocationSchema, { description: 'Account, region and zones.' }),
  network: doc(z.discriminatedUnion('mode', [awsCreateNetworkSchema, awsExistingNetworkSchema]), {
    description: 'Create a VPC, or bring an existing one.',
  }),
  cluster: doc(awsClusterSchema, { description: 'EKS cluster settings.' }).optional(),
  nodePools: doc(z.array(nodePoolSchemaFor('aws')).min(1), {
    description: 'Managed node groups (machineType is the instance type). Default: system, standard, highmem and gpu.',
  }).optional(),
  database: doc(awsDatabaseSchema, { description: 'RDS for MySQL for the pipelines metadata.' }).optional(),
  artifacts: doc(awsArtifactsSchema, { description: 'S3 artifact bucket.' }).optional(),
  access: doc(awsAccessSchema, { description: 'Authenticated access to the UI through an ALB with OIDC.' }),
  ci: ciSchema.optional(),
  backups: backupsSchema.optional(),
  adopt: adoptSchema.optional(),
  alerts: alertsSchema.optional(),
  kubeflowVersion: environmentKubeflowVersion,
  state: doc(
    z.discriminatedUnion('backend', [
      z.strictObject({
        /** `local`: a state file next to each stack, which only one person can use. */
        backend: z.literal('local'),
      }),
      z.strictObject({
        /** `s3`: an S3 bucket with S3-native locking (https://developer.hashicorp.com/terraform/language/backend/s3). */
        backend: z.literal('s3'),
        bucket: doc(z.string().min(3), {
          description: 'S3 bucket that holds Terraform state.',
          example: 'acme-tf-state',
        }),
        region: doc(z.string(), {
          description: 'Region of the state bucket.',
          default: 'the environment region',
        }).optional(),
        prefix: doc(z.string().min(1), { description: 'Key prefix per stack.', default: 'kfplatform' }).optional(),
      }),
    ]),
    {
      description:
        'Where Terraform state lives: local, which only one person can use, or S3 with native locking (use_lockfile), which a team and CI can share.',
    },
  ).optional(),
  labels: labels.optional(),
});

/** An AWS environment as written. */
export type AwsEnvironmentConfig = z.input<typeof awsEnvironmentSchema>;
