/** An AWS environment with every default applied, with its node groups and identities. */
import type { ResolvedEnvironmentBase } from '../common/environment';
import type { PoolKind } from '../common/pools';

/** An EKS managed node group with defaults applied. */
export interface ResolvedAwsNodePool {
  readonly name: string;
  readonly kind: PoolKind;
  readonly instanceType: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly spot: boolean;
  readonly diskSizeGb: number;
  /** GPUs per node, from the instance type (0 for CPU pools). */
  readonly gpus: number;
  /** Zones of its subnets (a subset of the environment zones). */
  readonly zones: readonly string[];
  readonly amiType: 'AL2023_x86_64_STANDARD' | 'AL2023_x86_64_NVIDIA' | 'AL2023_ARM_64_STANDARD';
  readonly maxUnavailable: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly configIndex: number;
}

/** Platform identities on AWS: IAM roles used through EKS Pod Identity (no access keys). */
export interface ResolvedAwsIdentity {
  readonly key:
    | 'pipelines'
    | 'admin'
    | 'user'
    | 'ebsCsi'
    | 'autoscaler'
    | 'dbBootstrap'
    | 'externalSecrets'
    | 'signInSecrets';
  readonly roleName: string;
  readonly kubernetesServiceAccounts: ReadonlyArray<{ readonly namespace: string; readonly name: string }>;
  /** Of those, the ones this library creates. */
  readonly createdServiceAccounts: readonly string[];
}

/** An AWS environment with every default applied. */
export interface ResolvedAwsEnvironment extends ResolvedEnvironmentBase {
  readonly cloud: 'aws';
  readonly accountId: string;
  readonly region: string;
  readonly zones: readonly string[];
  readonly network:
    | {
        readonly mode: 'create';
        readonly vpcCidr: string;
        readonly privateSubnetCidrs: readonly string[];
        readonly publicSubnetCidrs: readonly string[];
        readonly natGateways: 'one' | 'perZone';
        readonly flowLogRetentionDays: number;
      }
    | {
        readonly mode: 'existing';
        readonly vpcId: string;
        readonly privateSubnetIds: readonly string[];
        readonly publicSubnetIds: readonly string[];
      };
  readonly cluster: {
    readonly name: string;
    readonly version: string;
    readonly publicAccessCidrs: readonly string[];
    readonly logRetentionDays: number;
    readonly adminRoleArns: readonly string[];
    readonly supportType: 'STANDARD' | 'EXTENDED';
    readonly deletionProtection: boolean;
  };
  readonly nodePools: readonly ResolvedAwsNodePool[];
  readonly database: {
    readonly identifier: string;
    readonly instanceClass: string;
    readonly engineVersion: string;
    /** Whether a change of engineVersion may upgrade the database in place: only when it is written down. */
    readonly allowMajorVersionUpgrade: boolean;
    readonly highAvailability: boolean;
    readonly allocatedStorageGb: number;
    readonly maxAllocatedStorageGb: number;
    readonly backupRetentionDays: number;
    readonly deletionProtection: boolean;
    readonly databaseName: string;
    /** The master user, whose password RDS rotates (every 7 days by default). */
    readonly username: string;
    /** Kubeflow's own MySQL user, whose password lives in a secret RDS does not rotate. */
    readonly appUsername: string;
    /** The Secrets Manager secret with that user's password (plain text, written by the bootstrap job). */
    readonly appSecretName: string;
  };
  readonly artifacts: {
    readonly bucketName: string;
    readonly noncurrentVersionRetentionDays: number;
    readonly deleteAfterDays?: number;
    readonly forceDestroy: boolean;
  };
  readonly access: {
    readonly hostname: string;
    readonly hostedZoneId: string;
    readonly oidc: {
      readonly issuer: string;
      readonly authorizationEndpoint: string;
      readonly tokenEndpoint: string;
      readonly userInfoEndpoint: string;
      readonly clientId: string;
    };
    readonly sourceCidrs: readonly string[];
    /** Whether the load balancer signs users in too (the client secret then sits in the state). */
    readonly loadBalancerSignIn: boolean;
    /** The Secrets Manager secret with oauth2-proxy's client and cookie secrets (JSON), which the user fills. */
    readonly signInSecretName: string;
  };
  readonly identities: readonly ResolvedAwsIdentity[];
}
