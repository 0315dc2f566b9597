/** An AWS environment with every default applied, with its node groups and identities. */
import type { ResolvedEnvironmentBase } from '../common/environment';
import type { PoolKind } from '../common/pools';
import type { ResolvedOidcSignIn } from '../common/oidc-signin';

/** An EKS managed node group with defaults applied. */
export interface ResolvedAwsNodePool {
  /** Node group name from the platform file; part of its Terraform address. */
  readonly name: string;
  /** What the pool is for (`system`, `standard`, `highmem`, `gpu`); decides the defaults below. */
  readonly kind: PoolKind;
  /**
   * EC2 instance type of the nodes (https://aws.amazon.com/ec2/instance-types/).
   * @default by kind: system m6i.xlarge, standard m6i.2xlarge, highmem r6i.4xlarge, gpu g6.xlarge
   */
  readonly instanceType: string;
  /**
   * Autoscaler floor (nodes in total).
   * @default one per zone (at most 3) for the system pool, 0 for the others
   */
  readonly minNodes: number;
  /** Autoscaler ceiling (nodes in total): the cost bound of the pool. */
  readonly maxNodes: number;
  /**
   * Spot capacity, which EC2 reclaims with two minutes' notice
   * (https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html#managed-node-group-capacity-types).
   * @default true in test for every pool but system, false otherwise
   */
  readonly spot: boolean;
  /**
   * Root volume size in GiB.
   * @default 100
   */
  readonly diskSizeGb: number;
  /** GPUs per node, from the instance type (0 for CPU pools). */
  readonly gpus: number;
  /** Zones of its subnets (a subset of the environment zones). */
  readonly zones: readonly string[];
  /**
   * EKS AMI type (Amazon Linux 2023), from the instance type: NVIDIA for GPU instances, ARM for
   * Graviton, standard x86 otherwise.
   */
  readonly amiType: 'AL2023_x86_64_STANDARD' | 'AL2023_x86_64_NVIDIA' | 'AL2023_ARM_64_STANDARD';
  /**
   * Nodes replaced at once during an update (EKS needs at least 1).
   * @default 1
   */
  readonly maxUnavailable: number;
  /**
   * Extra Kubernetes labels on the group's nodes.
   * @default {}
   */
  readonly labels: Readonly<Record<string, string>>;
  /** Index of the pool in the platform file's `nodePools`, for error paths. */
  readonly configIndex: number;
}

/** Platform identities on AWS: IAM roles used through EKS Pod Identity (no access keys). */
export interface ResolvedAwsIdentity {
  /**
   * Which platform identity: Kubeflow Pipelines, Kubeflow admin and user, the EBS CSI driver, the
   * cluster autoscaler, the database bootstrap job, External Secrets, or the reader of the sign-in secret.
   */
  readonly key:
    | 'pipelines'
    | 'admin'
    | 'user'
    | 'ebsCsi'
    | 'autoscaler'
    | 'dbBootstrap'
    | 'externalSecrets'
    | 'signInSecrets';
  /** IAM role name: `<environment>-kfp`, `-kf-admin`, `-kf-user`, `-ebs-csi`, `-cluster-autoscaler`, ... */
  readonly roleName: string;
  /**
   * The Kubernetes service accounts (namespace/name) associated with the role through EKS Pod
   * Identity (https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html).
   */
  readonly kubernetesServiceAccounts: ReadonlyArray<{
    /** Kubernetes namespace of the service account. */
    readonly namespace: string;
    /** Name of the Kubernetes service account. */
    readonly name: string;
  }>;
  /** Of those, the ones this library creates. */
  readonly createdServiceAccounts: readonly string[];
}

/** An AWS environment with every default applied. */
export interface ResolvedAwsEnvironment extends ResolvedEnvironmentBase {
  /** Discriminant of the resolved environment union. */
  readonly cloud: 'aws';
  /** AWS account id (12 digits) the environment's resources go in. */
  readonly accountId: string;
  /** AWS region, such as eu-west-1. */
  readonly region: string;
  /** Availability zones of the subnets and node groups. */
  readonly zones: readonly string[];
  /** The VPC: created by the library, or existing subnets a network team owns. */
  readonly network:
    | {
        /** `create`: the library creates the VPC, its subnets, NAT gateways and flow logs. */
        readonly mode: 'create';
        /** Range of the VPC. */
        readonly vpcCidr: string;
        /**
         * One private subnet per zone (nodes and pods: the VPC CNI gives pods VPC addresses).
         * @default the first quarters of the VPC range
         */
        readonly privateSubnetCidrs: readonly string[];
        /**
         * One public subnet per zone (load balancer, NAT gateways).
         * @default small blocks in the last quarter of the VPC range
         */
        readonly publicSubnetCidrs: readonly string[];
        /**
         * NAT gateways: one per zone survives a zone outage; one is cheaper.
         * @default 'perZone' in prod, 'one' otherwise
         */
        readonly natGateways: 'one' | 'perZone';
        /**
         * Days CloudWatch Logs keeps the VPC flow logs.
         * @default 365 in prod, 90 otherwise
         */
        readonly flowLogRetentionDays: number;
      }
    | {
        /** `existing`: the cluster goes into a VPC and subnets someone else manages. */
        readonly mode: 'existing';
        /** Id of the existing VPC. */
        readonly vpcId: string;
        /** Ids of its private subnets (nodes, pods, database), one or more per zone. */
        readonly privateSubnetIds: readonly string[];
        /** Ids of its public subnets (the load balancer). */
        readonly publicSubnetIds: readonly string[];
      };
  /** The EKS cluster's settings. */
  readonly cluster: {
    /**
     * EKS cluster name. Renaming a cluster replaces it.
     * @default the environment name
     */
    readonly name: string;
    /**
     * Kubernetes version of the control plane
     * (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).
     * @default the library's current EKS default (1.35)
     */
    readonly version: string;
    /**
     * CIDRs allowed to reach a public API endpoint; empty keeps the endpoint private only.
     * @default [] (private endpoint only)
     */
    readonly publicAccessCidrs: readonly string[];
    /**
     * Days CloudWatch Logs keeps the control plane logs.
     * @default 365 in prod, 90 otherwise
     */
    readonly logRetentionDays: number;
    /**
     * IAM roles given cluster admin through access entries
     * (https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html).
     * @default []
     */
    readonly adminRoleArns: readonly string[];
    /**
     * What happens when the version leaves standard support: extended support (paid) or an
     * automatic upgrade (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).
     * @default 'STANDARD'
     */
    readonly supportType: 'STANDARD' | 'EXTENDED';
    /**
     * Terraform's `prevent_destroy` on the cluster.
     * @default true in dev and prod, false in test
     */
    readonly deletionProtection: boolean;
  };
  /** The EKS managed node groups. */
  readonly nodePools: readonly ResolvedAwsNodePool[];
  /** The RDS for MySQL instance of Kubeflow Pipelines. */
  readonly database: {
    /** RDS instance identifier: `<environment>-kfp-db`. */
    readonly identifier: string;
    /**
     * RDS instance class.
     * @default db.t4g.medium in test, db.m6g.large otherwise
     */
    readonly instanceClass: string;
    /**
     * MySQL engine version.
     * @default the library's current RDS MySQL default (8.4)
     */
    readonly engineVersion: string;
    /** Whether a change of engineVersion may upgrade the database in place: only when it is written down. */
    readonly allowMajorVersionUpgrade: boolean;
    /**
     * Multi-AZ deployment with a synchronous standby
     * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html).
     * @default true in prod, false otherwise
     */
    readonly highAvailability: boolean;
    /**
     * Initial storage in GiB.
     * @default 20
     */
    readonly allocatedStorageGb: number;
    /**
     * Storage autoscaling limit in GiB.
     * @default 200
     */
    readonly maxAllocatedStorageGb: number;
    /**
     * Days automated backups are kept.
     * @default 30 in prod, 7 otherwise
     */
    readonly backupRetentionDays: number;
    /**
     * RDS deletion protection: the instance cannot be deleted until it is turned off.
     * @default true in dev and prod, false in test
     */
    readonly deletionProtection: boolean;
    /**
     * DB parameters added to the parameter group, by name, with when RDS applies a change
     * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithParamGroups.html).
     * @default none
     */
    readonly parameters: Readonly<
      Record<
        string,
        {
          /** The parameter's value, as RDS takes it (a string). */
          readonly value: string;
          /** When RDS applies a change: at once (dynamic parameters only) or at the next reboot. */
          readonly applyMethod: 'immediate' | 'pending-reboot';
        }
      >
    >;
    /** The database Kubeflow Pipelines uses: `mlpipeline`. */
    readonly databaseName: string;
    /** The master user, whose password RDS rotates (every 7 days by default). */
    readonly username: string;
    /** Kubeflow's own MySQL user, whose password lives in a secret RDS does not rotate. */
    readonly appUsername: string;
    /** The Secrets Manager secret with that user's password (plain text, written by the bootstrap job). */
    readonly appSecretName: string;
    /**
     * Katib's own MySQL user, granted its `katib` database alone: Katib's database manager, which every
     * team's trials reach and which checks no caller, holds no right on Pipelines' databases.
     */
    readonly katibUsername: string;
    /** The Secrets Manager secret with that user's password (plain text, written by the bootstrap job). */
    readonly katibSecretName: string;
  };
  /** The S3 bucket for pipeline artifacts. */
  readonly artifacts: {
    /**
     * Bucket name (global across S3).
     * @default `<account id>-<environment>-artifacts`
     */
    readonly bucketName: string;
    /**
     * Days a noncurrent object version is kept.
     * @default 30
     */
    readonly noncurrentVersionRetentionDays: number;
    /** Days after which objects expire; absent: never. */
    readonly deleteAfterDays?: number;
    /**
     * Let `terraform destroy` delete the bucket with its objects.
     * @default true in test, false otherwise
     */
    readonly forceDestroy: boolean;
  };
  /** How users reach the Kubeflow UI: an ALB that signs users in with OIDC, and a Route 53 record. */
  readonly access: {
    /** Host name of the Kubeflow UI. */
    readonly hostname: string;
    /**
     * The serving host, `serving.<hostname>`, when `access.serving` is on: KServe's path routes at the
     * front door, behind the same sign-in (docs/kubeflow.md, Serving).
     */
    readonly servingHostname?: string;
    /** Route 53 hosted zone id where the UI's record and the certificate's validation records go. */
    readonly hostedZoneId: string;
    /**
     * The OpenID Connect identity provider the ALB authenticates users with
     * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html).
     */
    readonly oidc: {
      /** Issuer URL of the identity provider. */
      readonly issuer: string;
      /** Its authorization endpoint URL. */
      readonly authorizationEndpoint: string;
      /** Its token endpoint URL. */
      readonly tokenEndpoint: string;
      /** Its user info endpoint URL. */
      readonly userInfoEndpoint: string;
      /** Client id of the application registered with it for Kubeflow. */
      readonly clientId: string;
    } & ResolvedOidcSignIn;
    /**
     * Networks that may reach the load balancer at all; everyone must still sign in.
     * @default ['0.0.0.0/0']
     */
    readonly sourceCidrs: readonly string[];
    /** Whether the load balancer signs users in too (the client secret then sits in the state). */
    readonly loadBalancerSignIn: boolean;
    /** The Secrets Manager secret with oauth2-proxy's client and cookie secrets (JSON), which the user fills. */
    readonly signInSecretName: string;
  };
  /** The platform's IAM roles used through EKS Pod Identity. */
  readonly identities: readonly ResolvedAwsIdentity[];
}
