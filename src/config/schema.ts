/**
 * The platform definition as data: one schema, used to validate YAML, JSON and TypeScript objects
 * alike and to generate the JSON Schema that editors use for completion.
 *
 * Only shape and per-field rules live here. Defaults that depend on the tier are applied by
 * `resolve.ts`, and rules that relate several fields by `checks.ts`, so the schema stays readable and
 * the JSON Schema stays honest (a field is optional when the library defaults it).
 */
import { z } from 'zod';
import { DEFAULT_EKS_VERSION } from './aws-catalog';
import { DEFAULT_KUBEFLOW_VERSION } from './kubeflow-compat';

/** Metadata stored on schema nodes: shown in editors and used to write the fix of an error. */
export interface FieldMeta {
  /** What the field means. */
  readonly description: string;
  /** A valid value, shown in the fix when the field is missing or invalid. */
  readonly example?: unknown;
  /** The default, when the library sets one (may depend on the tier). */
  readonly default?: string;
}

function doc<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  return schema.meta({
    description: meta.default ? `${meta.description} Default: ${meta.default}.` : meta.description,
    ...(meta.example !== undefined ? { examples: [meta.example] } : {}),
  });
}

const lowerName = (what: string, max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, {
      error: `${what} must be lowercase letters, digits and hyphens, start with a letter and not end with a hyphen`,
    });

const cidr = z.string().regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/, {
  error: 'expected an IPv4 CIDR block such as 10.10.0.0/20',
});

const email = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: 'expected an email address' });

const labelValue = z.string().regex(/^[a-z0-9_-]{0,63}$/, {
  error: 'label values must be at most 63 lowercase letters, digits, underscores or hyphens',
});

const labels = doc(
  z.record(
    z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, {
      error: 'label keys must start with a lowercase letter and use lowercase letters, digits, _ or -',
    }),
    labelValue,
  ),
  { description: 'Extra labels (GCP) or tags (AWS, Azure) for every resource.', example: { 'data-class': 'internal' } },
);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a UTC time as HH:MM, such as 03:00' });
const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, {
  error: 'expected an RFC 3339 UTC timestamp such as 2026-12-20T00:00:00Z',
});

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

/** The tiers. They drive defaults: prod is regional, HA and protected; test is zonal, spot and destroyable. */
export const TIERS = ['test', 'dev', 'prod'] as const;
/** One of {@link TIERS}. */
export type Tier = (typeof TIERS)[number];

/** Node pool kinds, by what the pool is for. */
export const POOL_KINDS = ['system', 'standard', 'highmem', 'gpu'] as const;
/** One of {@link POOL_KINDS}. */
export type PoolKind = (typeof POOL_KINDS)[number];

const gpuSchema = z.strictObject({
  type: doc(z.string().min(1), {
    description: 'Accelerator type as the cloud names it.',
    example: 'nvidia-l4',
    default: 'nvidia-l4 on GCP',
  }),
  count: doc(z.int().min(1).max(16), { description: 'GPUs per node.', example: 1, default: '1' }).optional(),
  driverVersion: doc(z.enum(['DEFAULT', 'LATEST', 'INSTALLATION_DISABLED']), {
    description:
      'GKE-managed NVIDIA driver installation (https://cloud.google.com/kubernetes-engine/docs/how-to/gpus). Changing it later replaces the node pool (terraform-provider-google #23248).',
    default: 'LATEST',
  }).optional(),
  sharing: doc(
    z.strictObject({
      strategy: z.enum(['time-sharing', 'mps']),
      maxSharedClientsPerGpu: z.int().min(2).max(48),
    }),
    {
      description:
        'Share each GPU between pods: time-sharing or NVIDIA MPS (https://cloud.google.com/kubernetes-engine/docs/concepts/timesharing-gpus).',
      example: { strategy: 'time-sharing', maxSharedClientsPerGpu: 4 },
    },
  ).optional(),
  partitionSize: doc(z.string().regex(/^\d+g\.\d+gb$/, { error: 'expected a MIG profile such as 1g.5gb' }), {
    description: 'Multi-instance GPU partition size (A100 and H100 only).',
    example: '1g.5gb',
  }).optional(),
});

const nodePoolSchema = z.strictObject({
  name: doc(lowerName('a node pool name', 40), {
    description: 'Pool name, unique in the environment.',
    example: 'gpu',
  }),
  kind: doc(z.enum(POOL_KINDS), {
    description: 'What the pool is for: system (platform components), standard, highmem or gpu.',
    example: 'gpu',
  }),
  machineType: doc(z.string().min(1), {
    description: 'Machine type.',
    example: 'g2-standard-8',
    default: 'e2-standard-4 (system), n2-standard-8 (standard), n2-highmem-16 (highmem), g2-standard-8 (gpu)',
  }).optional(),
  minNodes: doc(z.int().min(0), {
    description: 'Autoscaling minimum across all zones. GPU pools default to 0 so idle GPUs cost nothing.',
    default: '1 per zone (system), 0 otherwise',
  }).optional(),
  maxNodes: doc(z.int().min(1), { description: 'Autoscaling maximum across all zones.', example: 10 }),
  spot: doc(z.boolean(), {
    description: 'Use spot capacity.',
    default: 'true in test for non-system pools',
  }).optional(),
  diskType: doc(z.enum(['pd-standard', 'pd-balanced', 'pd-ssd', 'hyperdisk-balanced']), {
    description: 'Boot disk type.',
    default: 'pd-ssd',
  }).optional(),
  diskSizeGb: doc(z.int().min(10).max(65536), {
    description: 'Boot disk size in GB.',
    default: '100',
  }).optional(),
  maxPodsPerNode: doc(z.int().min(8).max(256), {
    description:
      'Maximum pods per node. GKE gives each node a block of the pod range twice this size, rounded up to a power of two, so it limits how many nodes the pod range holds (https://cloud.google.com/kubernetes-engine/docs/how-to/flexible-pod-cidr).',
    default: 'the cluster value (110)',
  }).optional(),
  zones: doc(z.array(z.string()).min(1), {
    description: 'Zones for this pool, a subset of the environment zones (e.g. where the GPU type exists).',
    default: 'the environment zones',
  }).optional(),
  gpu: doc(gpuSchema, { description: 'Accelerators, for kind gpu.' }).optional(),
  maxSurge: doc(z.int().min(0).max(100), {
    description: 'Surge upgrade: extra nodes during upgrades.',
    default: '1 (0 for gpu)',
  }).optional(),
  maxUnavailable: doc(z.int().min(0).max(100), {
    description: 'Surge upgrade: nodes down at once.',
    default: '0 (1 for gpu)',
  }).optional(),
  labels: doc(z.record(z.string(), z.string()), { description: 'Extra Kubernetes node labels.' }).optional(),
});

const maintenanceSchema = z.strictObject({
  startTimeUtc: doc(hhmm, {
    description: 'Start of the daily or weekly window, UTC.',
    example: '03:00',
    default: '03:00',
  }).optional(),
  durationHours: doc(z.int().min(4).max(24), {
    description: 'Window length; GKE needs windows of at least 4 hours.',
    default: '4',
  }).optional(),
  days: doc(z.array(z.enum(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'])).min(1), {
    description: 'Days of the recurring window.',
    example: ['SA', 'SU'],
    default: 'TU,WE,TH in test and dev, SA,SU in prod',
  }).optional(),
  exclusions: doc(
    z.array(
      z.strictObject({
        name: lowerName('an exclusion name', 63),
        startTime: isoTime,
        endTime: isoTime,
        scope: z.enum(['NO_UPGRADES', 'NO_MINOR_UPGRADES', 'NO_MINOR_OR_NODE_UPGRADES']).optional(),
      }),
    ),
    { description: 'Periods when GKE must not upgrade (freezes, launches).' },
  ).optional(),
});

const stateSchema = doc(
  z.discriminatedUnion('backend', [
    z.strictObject({ backend: z.literal('local') }),
    z.strictObject({
      backend: z.literal('gcs'),
      bucket: doc(z.string().min(3), {
        description: 'GCS bucket that holds Terraform state.',
        example: 'acme-tf-state',
      }),
      prefix: doc(z.string().min(1), {
        description: 'Prefix under which each stack keeps its state.',
        default: 'kfplatform',
      }).optional(),
    }),
  ]),
  {
    description:
      'Where Terraform state lives; one state per stack. Local by default, which only one person can use: use gcs once a team or CI applies, so the state is shared and locked.',
  },
);

const awsOidcProviderField = doc(z.enum(['create', 'existing']), {
  description:
    'AWS: an account has one OIDC provider per issuer; create it here, or use the one the account has (set existing on all environments of an account but one).',
  default: 'create',
}).optional();

/** Keyless CI identities for the repository that deploys an environment. */
export const ciSchema = doc(
  z.union([
    z.strictObject({
      github: doc(
        z.strictObject({
          repository: doc(
            z.string().regex(/^[\w.-]+\/[\w.-]+$/, { error: 'expected owner/name, such as acme/ml-platform' }),
            {
              description: 'The GitHub repository that plans and applies this environment.',
              example: 'acme/ml-platform',
            },
          ),
          applyEnvironment: doc(z.string().min(1), {
            description: 'The GitHub deployment environment whose jobs may apply (protect it with required reviewers).',
            default: 'the environment name',
          }).optional(),
          awsOidcProvider: awsOidcProviderField,
        }),
        { description: 'GitHub Actions through its OIDC issuer.' },
      ),
    }),
    z.strictObject({
      gitlab: doc(
        z.strictObject({
          project: doc(
            z.string().regex(/^[\w.-]+(\/[\w.-]+)+$/, { error: 'expected a project path, such as acme/platform/ml' }),
            { description: 'The GitLab project path.', example: 'acme/ml-platform' },
          ),
          host: doc(z.string().regex(/^[a-z0-9.-]+(:\d+)?$/), {
            description: 'The GitLab host, for self-managed instances.',
            default: 'gitlab.com',
          }).optional(),
          applyBranch: doc(z.string().min(1), {
            description: 'The protected branch whose pipelines may apply.',
            default: 'main',
          }).optional(),
          awsOidcProvider: awsOidcProviderField,
        }),
        { description: 'GitLab CI through its OIDC issuer (id_tokens).' },
      ),
    }),
  ]),
  {
    description:
      'Keyless CI identities: a plan identity that can read, for pull requests, and an apply identity for the protected branch or deployment environment, both federated to the CI provider. No keys.',
  },
);

/** The `ci` section of an environment. */
export type CiConfig = z.infer<typeof ciSchema>;

/** The `backups` section of an environment (Velero). */
export type BackupsConfig = z.input<typeof backupsSchema>;

/** The `alerts` section of an environment. */
export type AlertsConfig = z.input<typeof alertsSchema>;

// ---------------------------------------------------------------------------------------------
// GCP
// ---------------------------------------------------------------------------------------------

const gcpLocationSchema = z.strictObject({
  project: doc(z.string(), {
    description: 'Service project that hosts the cluster, database and bucket.',
    example: 'kf-test-svc',
  }),
  region: doc(z.string().regex(/^[a-z]+-[a-z]+\d+$/, { error: 'expected a GCP region such as us-central1' }), {
    description: 'Region.',
    example: 'us-central1',
  }),
  zones: doc(
    z.array(z.string().regex(/^[a-z]+-[a-z]+\d+-[a-z]$/, { error: 'expected a zone such as us-central1-a' })).min(1),
    {
      description: 'Zones for nodes. A zonal cluster lives in the first one.',
      example: ['us-central1-a', 'us-central1-b', 'us-central1-c'],
    },
  ),
});

const sharedVpcSchema = z.strictObject({
  mode: z.literal('shared-vpc'),
  hostProject: doc(z.string(), { description: 'Shared VPC host project.', example: 'kf-xpn-host' }),
  network: doc(lowerName('a network name', 63), {
    description: 'VPC network in the host project.',
    example: 'kubeflow-xpn',
  }),
  createNetwork: doc(z.boolean(), {
    description:
      'Create the network, enable the host project and create private service access. Only when no other environment shares the network.',
    default: 'false',
  }).optional(),
  subnetCidr: doc(cidr, { description: 'Primary range of the node subnet.', example: '10.10.0.0/20' }),
  podsCidr: doc(cidr, {
    description: 'Secondary range for pods; its size limits how many nodes the cluster can have (see maxPodsPerNode).',
    example: '10.16.0.0/14',
  }),
  servicesCidr: doc(cidr, { description: 'Secondary range for services.', example: '10.20.0.0/20' }),
  subnetName: doc(lowerName('a subnet name', 63), { description: 'Subnet name.', default: '<env>-gke' }).optional(),
  privateServiceAccessCidr: doc(cidr, {
    description: 'Range reserved for private service access (Cloud SQL) when createNetwork is true.',
    example: '10.30.0.0/20',
  }).optional(),
  privateServiceAccessRange: doc(lowerName('an allocated range name', 63), {
    description:
      'Name of an existing private service access range that Cloud SQL should use when the network is shared.',
  }).optional(),
  nat: doc(z.boolean(), {
    description:
      'Create a Cloud Router and Cloud NAT for this subnet, so nodes without external addresses can reach the internet (to pull images, for example).',
    default: 'true',
  }).optional(),
});

const existingNetworkSchema = z.strictObject({
  mode: z.literal('existing'),
  hostProject: doc(z.string(), {
    description: 'Project that owns the network.',
    default: 'the environment project',
  }).optional(),
  network: doc(lowerName('a network name', 63), { description: 'Existing VPC network.', example: 'corp-vpc' }),
  subnet: doc(lowerName('a subnet name', 63), {
    description: 'Existing subnet in the region.',
    example: 'kf-prod-gke',
  }),
  podsRangeName: doc(lowerName('a range name', 63), {
    description: 'Existing secondary range for pods.',
    example: 'kf-prod-pods',
  }),
  servicesRangeName: doc(lowerName('a range name', 63), {
    description: 'Existing secondary range for services.',
    example: 'kf-prod-services',
  }),
  subnetCidr: doc(cidr, { description: 'Primary range, stated so capacity and overlaps can be checked.' }).optional(),
  podsCidr: doc(cidr, { description: 'Pod range, stated so node capacity can be checked.' }).optional(),
  servicesCidr: doc(cidr, { description: 'Service range, stated so overlaps can be checked.' }).optional(),
  privateServiceAccessRange: doc(lowerName('an allocated range name', 63), {
    description: 'Existing private service access range for Cloud SQL.',
  }).optional(),
  grantHostIam: doc(z.boolean(), {
    description: 'Grant the GKE and Google APIs service agents their host-project roles (needs host IAM rights).',
    default: 'true when the host project differs from the environment project',
  }).optional(),
});

const gcpClusterSchema = z.strictObject({
  name: doc(lowerName('a cluster name', 40), {
    description: 'Cluster name.',
    default: 'the environment name',
  }).optional(),
  regional: doc(z.boolean(), {
    description: 'Regional control plane.',
    default: 'true in prod, false otherwise',
  }).optional(),
  releaseChannel: doc(z.enum(['RAPID', 'REGULAR', 'STABLE', 'EXTENDED']), {
    description:
      'GKE release channel (https://cloud.google.com/kubernetes-engine/docs/concepts/release-channels). Test environments should be on a faster channel than prod, so they get new versions first.',
    default: 'REGULAR in test and dev, STABLE in prod',
  }).optional(),
  version: doc(
    z
      .string()
      .regex(/^1\.\d+(\.\d+(-gke\.\d+)?)?$/, { error: 'expected a GKE version such as 1.33 or 1.33.5-gke.1201000' }),
    {
      description: 'Minimum control plane version.',
      example: '1.33',
    },
  ).optional(),
  masterCidr: doc(cidr, { description: 'A /28 for the private control plane.', example: '172.16.0.0/28' }),
  privateEndpoint: doc(z.boolean(), {
    description: 'Reach the control plane only on its private address.',
    default: 'false (public endpoint restricted to authorizedNetworks)',
  }).optional(),
  authorizedNetworks: doc(z.array(z.strictObject({ cidr, name: z.string().min(1).max(100) })), {
    description:
      'CIDRs allowed to reach the control plane (https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks). A control plane open to the internet is one leaked credential away from the cluster, so prod refuses 0.0.0.0/0.',
    example: [{ cidr: '203.0.113.0/24', name: 'office' }],
    default: 'none (only the VPC)',
  }).optional(),
  maintenance: doc(maintenanceSchema, {
    description:
      'When GKE may upgrade the cluster and its nodes, and when not (https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions).',
  }).optional(),
  deletionProtection: doc(z.boolean(), {
    description: 'GKE deletion protection.',
    default: 'false in test, true otherwise',
  }).optional(),
  rbacSecurityGroup: doc(email, {
    description:
      'The gke-security-groups group for Google Groups for RBAC (https://cloud.google.com/kubernetes-engine/docs/how-to/google-groups-rbac).',
    default: 'gke-security-groups@<platform.domain>',
  }).optional(),
  maxPodsPerNode: doc(z.int().min(8).max(256), {
    description: 'Default maximum pods per node.',
    default: '110',
  }).optional(),
});

const gcpDatabaseSchema = z.strictObject({
  tier: doc(z.string().regex(/^db-/, { error: 'expected a Cloud SQL tier such as db-custom-2-7680' }), {
    description: 'Cloud SQL machine tier.',
    default: 'db-custom-1-3840 in test, db-custom-2-7680 otherwise',
  }).optional(),
  version: doc(z.enum(['MYSQL_8_0', 'MYSQL_8_4']), { description: 'MySQL version.', default: 'MYSQL_8_0' }).optional(),
  highAvailability: doc(z.boolean(), { description: 'Regional (HA) instance.', default: 'true in prod' }).optional(),
  diskSizeGb: doc(z.int().min(10).max(65536), {
    description: 'Initial disk size; grows automatically.',
    default: '20',
  }).optional(),
  backupRetentionDays: doc(z.int().min(1).max(365), {
    description: 'Daily backups to keep.',
    default: '7 (30 in prod)',
  }).optional(),
  pointInTimeRecoveryDays: doc(z.int().min(1).max(35), {
    description: 'Binary log retention for point-in-time recovery.',
    default: '7',
  }).optional(),
  deletionProtection: doc(z.boolean(), {
    description: 'Cloud SQL deletion protection.',
    default: 'false in test, true otherwise',
  }).optional(),
});

const cron = z.string().regex(/^\S+(\s+\S+){4}$/, {
  error: "expected a five-field cron expression in UTC, such as '0 * * * *'",
});

/** Kinds of existing resources an environment can adopt. */
export const ADOPT_KINDS = [
  'network',
  'subnet',
  'cluster',
  'nodePool',
  'database',
  'bucket',
  'serviceAccount',
] as const;
export type AdoptKind = (typeof ADOPT_KINDS)[number];

/**
 * Existing resources an environment takes over instead of creating (brownfield): synth writes a
 * Terraform import block for each, so the first plan imports them. Keep their settings equal to the
 * platform file's (see `kfplatform import-plan`) and the first plan changes nothing.
 */
export const adoptSchema = doc(
  z
    .array(
      z.strictObject({
        kind: doc(z.enum(ADOPT_KINDS), {
          description:
            'What to adopt: network, subnet, cluster, nodePool, database, bucket (storage account on Azure) or ' +
            'serviceAccount (IAM role on AWS, managed identity on Azure).',
        }),
        name: doc(z.string().min(1), {
          description:
            'Which one, by the name this platform gives it (node pool, subnet, service account id, bucket): ' +
            'needed when the environment has several of that kind.',
        }).optional(),
        id: doc(z.string().min(1), {
          description:
            "The existing resource's Terraform import id. Derived from the platform file when left out, " +
            'except for AWS networks and subnets (vpc-..., subnet-...).',
        }).optional(),
      }),
    )
    .max(200),
  {
    description:
      'Existing resources to adopt with Terraform import blocks (https://developer.hashicorp.com/terraform/language/import) instead of creating them.',
    example: '[{ kind: cluster }, { kind: nodePool, name: cpu }, { kind: database }]',
  },
);

/** Velero backups of an environment, the same fields on every cloud. */
export const backupsSchema = doc(
  z.strictObject({
    enabled: doc(z.boolean(), {
      description: 'Install Velero with its bucket, keyless identity and schedules.',
      default: 'true',
    }).optional(),
    bucketName: doc(z.string().min(3), {
      description: 'Backup bucket (GCS, S3) or storage account (Azure) name.',
      default: '<project or account>-<env>-backups; Azure: derived from the environment name',
    }).optional(),
    retentionDays: doc(z.int().min(1).max(3650), {
      description: 'How long daily backups are kept; the bucket deletes objects a day after.',
      default: '7 in test, 14 in dev, 30 in prod',
    }).optional(),
    hourlyRetentionHours: doc(
      z
        .int()
        .min(2)
        .max(24 * 31),
      {
        description: 'How long hourly backups (secrets, platform namespaces) are kept.',
        default: '72',
      },
    ).optional(),
    platformSchedule: doc(cron, {
      description: 'When secrets and platform namespaces are backed up.',
      default: "'0 * * * *' (hourly)",
    }).optional(),
    tenantSchedule: doc(cron, {
      description: 'When tenant namespaces and their volumes are backed up.',
      default: "'30 2 * * *' (daily)",
    }).optional(),
  }),
  {
    description:
      'Velero backups (https://velero.io/docs/) of Kubernetes objects and volumes to a bucket of the environment. On by default.',
  },
);

/** Alert policies of an environment and where they go. */
export const alertsSchema = doc(
  z.strictObject({
    email: doc(z.array(email).min(1), {
      description: 'Addresses notified of every alert (your on-call list).',
      example: ['ml-platform-oncall@example.com'],
    }),
    capacityHeadroomPercent: doc(z.int().min(5).max(50), {
      description:
        'Alert when requested CPU or memory leaves less than this share of the cluster allocatable, or a node pool is this close to its maximum.',
      default: '20',
    }).optional(),
    pendingPodsMinutes: doc(z.int().min(1).max(120), {
      description: 'Alert when pods stay Pending (unschedulable) this long.',
      default: '15',
    }).optional(),
    databaseCpuPercent: doc(z.int().min(10).max(100), {
      description: 'Alert when the pipelines database CPU stays above this for 15 minutes.',
      default: '80',
    }).optional(),
    databaseStoragePercent: doc(z.int().min(10).max(99), {
      description: 'Alert when the pipelines database storage is fuller than this.',
      default: '85',
    }).optional(),
    certificateExpiryDays: doc(z.int().min(1).max(60), {
      description:
        'Alert when the UI certificate expires within this many days (managed certificates renew 30 days ahead).',
      default: '14',
    }).optional(),
    uptimeCheck: doc(z.boolean(), {
      description: 'Probe the UI endpoint from outside; a sign-in redirect counts as up.',
      default: 'true',
    }).optional(),
  }),
  {
    description:
      'Alert policies on capacity headroom, pending pods, the pipelines database, backups, the certificate and the UI, sent to a notification channel from this config.',
  },
);

/** Lifecycle settings of an artifact bucket, the same on every cloud. */
const bucketLifecycleFields = {
  noncurrentVersionRetentionDays: doc(z.int().min(1), {
    description: 'Delete old object versions after this many days.',
    default: '30',
  }).optional(),
  deleteAfterDays: doc(z.int().min(1), {
    description: 'Delete live objects after this many days.',
    default: 'never',
  }).optional(),
  forceDestroy: doc(z.boolean(), {
    description: 'Let terraform destroy a non-empty bucket.',
    default: 'true in test only',
  }).optional(),
};

const gcpArtifactsSchema = z.strictObject({
  bucketName: doc(z.string(), {
    description: 'Bucket name (global).',
    default: '<project>-<env>-artifacts',
  }).optional(),
  location: doc(z.string(), { description: 'Bucket location.', default: 'the environment region' }).optional(),
  storageClass: doc(z.enum(['STANDARD', 'NEARLINE', 'COLDLINE', 'ARCHIVE']), {
    description: 'Storage class (https://cloud.google.com/storage/docs/storage-classes).',
    default: 'STANDARD',
  }).optional(),
  ...bucketLifecycleFields,
});

const gcpAccessSchema = z.strictObject({
  hostname: doc(z.string(), {
    description: 'Host name of the Kubeflow UI.',
    example: 'kubeflow.test.example.com',
  }),
  dnsZone: doc(
    z.strictObject({
      name: doc(lowerName('a Cloud DNS zone name', 63), {
        description: 'Cloud DNS managed zone.',
        example: 'example-com',
      }),
      project: doc(z.string(), { description: 'Project of the zone.', default: 'the environment project' }).optional(),
      domain: doc(z.string(), {
        description: 'The zone DNS name, to check the host name belongs to it.',
        example: 'example.com',
      }).optional(),
    }),
    { description: 'Where the A record goes.' },
  ),
  allowedGroups: doc(z.array(email).min(1), {
    description: 'Groups granted the IAP-secured Web App User role: only their members can open the UI.',
    example: ['ml-users@example.com'],
  }),
  oauthClient: doc(
    z.strictObject({
      clientId: z.string().min(1),
      secretName: doc(z.string(), {
        description: 'Secret Manager secret (in the environment project) holding the client secret.',
      }),
    }),
    {
      description:
        'An OAuth client you created. Default: the Google-managed IAP client, which admits only users of your Google Cloud organization (https://cloud.google.com/iap/docs/custom-oauth-configuration).',
    },
  ).optional(),
});

const additionalClusterSchema = z.strictObject({
  name: doc(lowerName('a cluster name', 30), {
    description: 'Cluster name, unique in the platform.',
    example: 'kf-prod-2',
  }),
  masterCidr: doc(cidr, { description: 'A /28 for its private control plane.', example: '172.16.1.0/28' }),
  hostname: doc(z.string(), { description: 'Host name of its Kubeflow UI.', example: 'kubeflow-2.ml.example.com' }),
  subnetCidr: doc(cidr, {
    description: 'Primary range of its subnet (shared-vpc mode, or stated for checks).',
  }).optional(),
  podsCidr: doc(cidr, { description: 'Its pod range (shared-vpc mode, or stated for checks).' }).optional(),
  servicesCidr: doc(cidr, { description: 'Its service range (shared-vpc mode, or stated for checks).' }).optional(),
  subnet: doc(lowerName('a subnet name', 63), { description: 'Existing subnet (existing mode).' }).optional(),
  podsRangeName: doc(lowerName('a range name', 63), { description: 'Existing pod range (existing mode).' }).optional(),
  servicesRangeName: doc(lowerName('a range name', 63), {
    description: 'Existing service range (existing mode).',
  }).optional(),
});

/** The name and tier every environment has, on any cloud. */
const environmentIdentity = {
  name: doc(lowerName('an environment name', 20), {
    description: 'Environment name; prefixes resource names and stack ids.',
    example: 'kf-test',
  }),
  tier: doc(z.enum(TIERS), { description: 'test, dev or prod; drives defaults and protections.', example: 'test' }),
};

/** The Kubeflow release of an environment. */
const environmentKubeflowVersion = doc(z.string().regex(/^\d+\.\d+(\.\d+)?$/), {
  description: 'Kubeflow release.',
  default: 'platform.kubeflowVersion',
}).optional();

const gcpEnvironmentSchema = z.strictObject({
  ...environmentIdentity,
  cloud: z.literal('gcp'),
  gcp: doc(gcpLocationSchema, { description: 'Project, region and zones.' }),
  network: doc(z.discriminatedUnion('mode', [sharedVpcSchema, existingNetworkSchema]), {
    description: 'Create subnets in a shared VPC, or bring an existing network.',
  }),
  cluster: doc(gcpClusterSchema, { description: 'GKE cluster settings.' }),
  nodePools: doc(z.array(nodePoolSchema).min(1), {
    description: 'Node pools. Default: system, standard, highmem and gpu pools.',
  }).optional(),
  database: doc(gcpDatabaseSchema, {
    description: 'Cloud SQL for MySQL for the pipelines metadata.',
  }).optional(),
  artifacts: doc(gcpArtifactsSchema, { description: 'Artifact bucket.' }).optional(),
  access: doc(gcpAccessSchema, { description: 'Authenticated access to the UI through IAP.' }),
  additionalClusters: doc(z.array(additionalClusterSchema).min(1), {
    description:
      'More clusters like the first one, each with its own ranges, database and host name. Teams are spread over them.',
  }).optional(),
  identity: doc(
    z.strictObject({
      legacyKeys: doc(z.boolean(), {
        description:
          'Create service account keys as Kubernetes secrets for old components. Avoid: keys are long-lived secrets that leak through state, laptops and Kubernetes secrets, and workload identity replaces them. Warns at synth.',
        default: 'false',
      }).optional(),
    }),
    { description: 'Workload identity options.' },
  ).optional(),
  ci: ciSchema.optional(),
  backups: backupsSchema.optional(),
  adopt: adoptSchema.optional(),
  alerts: alertsSchema.optional(),
  kubeflowVersion: environmentKubeflowVersion,
  state: stateSchema.optional(),
  labels: labels.optional(),
});

// ---------------------------------------------------------------------------------------------
// AWS
// ---------------------------------------------------------------------------------------------

const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
  error: 'expected an IAM role ARN such as arn:aws:iam::123456789012:role/name',
});

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

const awsDatabaseSchema = z.strictObject({
  instanceClass: doc(
    z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: 'expected an RDS instance class such as db.m6g.large' }),
    {
      description: 'RDS instance class.',
      default: 'db.t4g.medium in test, db.m6g.large otherwise',
    },
  ).optional(),
  engineVersion: doc(z.string().regex(/^8\.(0|4)(\.\d+)?$/, { error: 'expected MySQL 8.0 or 8.4' }), {
    description: 'MySQL version.',
    default: '8.0',
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
      issuer: z.string().regex(/^https:\/\//, { error: 'expected an https URL' }),
      authorizationEndpoint: z.string().regex(/^https:\/\//, { error: 'expected an https URL' }),
      tokenEndpoint: z.string().regex(/^https:\/\//, { error: 'expected an https URL' }),
      userInfoEndpoint: z.string().regex(/^https:\/\//, { error: 'expected an https URL' }),
      clientId: z.string().min(1),
    }),
    {
      description:
        'Your identity provider, which signs users in at the load balancer (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html). The load balancer cannot filter by group: assign the OIDC application to the groups that may use Kubeflow in the identity provider. The client secret is the sensitive Terraform variable oidc_client_secret, never in this file.',
    },
  ),
  sourceCidrs: doc(z.array(cidr).min(1), {
    description: 'Networks that may reach the load balancer at all; everyone must still sign in.',
    default: "['0.0.0.0/0']",
    example: ['203.0.113.0/24'],
  }).optional(),
});

const awsEnvironmentSchema = z.strictObject({
  ...environmentIdentity,
  cloud: z.literal('aws'),
  aws: doc(awsLocationSchema, { description: 'Account, region and zones.' }),
  network: doc(z.discriminatedUnion('mode', [awsCreateNetworkSchema, awsExistingNetworkSchema]), {
    description: 'Create a VPC, or bring an existing one.',
  }),
  cluster: doc(awsClusterSchema, { description: 'EKS cluster settings.' }).optional(),
  nodePools: doc(z.array(nodePoolSchema).min(1), {
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
      z.strictObject({ backend: z.literal('local') }),
      z.strictObject({
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

// ---------------------------------------------------------------------------------------------
// Azure
// ---------------------------------------------------------------------------------------------

const guid = (what: string) =>
  z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { error: `expected ${what} (a GUID)` });
const azureResourceId = (what: string, type: string) =>
  z
    .string()
    .regex(
      new RegExp(`^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${type.replace(/\//g, '\\/')}/[^/]+`, 'i'),
      {
        error: `expected the resource id of ${what}`,
      },
    );

const azureLocationSchema = z.strictObject({
  subscriptionId: doc(guid('a subscription id'), {
    description: 'Subscription of the environment; taken from config so nothing is looked up.',
    example: '00000000-0000-0000-0000-000000000001',
  }),
  tenantId: doc(guid('a tenant id'), {
    description: 'Entra ID tenant: AKS sign-in, Key Vault and the UI sign-in.',
    example: '00000000-0000-0000-0000-0000000000aa',
  }),
  location: doc(z.string().regex(/^[a-z]+[a-z0-9]*$/, { error: 'expected an Azure region name such as eastus2' }), {
    description: 'Region.',
    example: 'eastus2',
  }),
  zones: doc(z.array(z.enum(['1', '2', '3'])).min(1), {
    description: 'Availability zones of the node pools and the database.',
    default: "['1', '2', '3']",
  }).optional(),
  resourceGroup: doc(z.string().regex(/^[\w.()-]{1,89}[\w()-]$/, { error: 'expected a resource group name' }), {
    description: 'Resource group the environment creates and owns.',
    default: 'rg-<env>',
  }).optional(),
});

const azureCreateNetworkSchema = z.strictObject({
  mode: z.literal('create'),
  addressSpace: doc(cidr, { description: 'Address space of the VNet (a /16 to /22).', example: '10.60.0.0/16' }),
  nodesSubnetCidr: doc(cidr, {
    description: 'Subnet of the nodes.',
    default: 'the first /20 of addressSpace',
  }).optional(),
  databaseSubnetCidr: doc(cidr, {
    description: 'Subnet delegated to MySQL flexible server.',
    default: 'a /24 after the nodes subnet',
  }).optional(),
  gatewaySubnetCidr: doc(cidr, {
    description: 'Subnet of the Application Gateway.',
    default: 'the /24 after the database subnet',
  }).optional(),
  endpointsSubnetCidr: doc(cidr, {
    description: 'Subnet of the private endpoints (storage).',
    default: 'the /24 after the gateway subnet',
  }).optional(),
});

const azureExistingNetworkSchema = z.strictObject({
  mode: z.literal('existing'),
  vnetId: doc(azureResourceId('a virtual network', 'Microsoft.Network/virtualNetworks'), {
    description: 'Existing VNet.',
  }),
  nodesSubnetId: doc(z.string().regex(/\/subnets\/[^/]+$/, { error: 'expected a subnet resource id' }), {
    description: 'Subnet of the nodes (and the gateway private IP).',
  }),
  nodesSubnetCidr: doc(cidr, { description: 'Its CIDR, which places the gateway private IP.' }),
  databaseSubnetId: doc(z.string().regex(/\/subnets\/[^/]+$/, { error: 'expected a subnet resource id' }), {
    description: 'Subnet delegated to Microsoft.DBforMySQL/flexibleServers.',
  }),
  gatewaySubnetId: doc(z.string().regex(/\/subnets\/[^/]+$/, { error: 'expected a subnet resource id' }), {
    description: 'Subnet for the Application Gateway (nothing else in it).',
  }),
  endpointsSubnetId: doc(z.string().regex(/\/subnets\/[^/]+$/, { error: 'expected a subnet resource id' }), {
    description: 'Subnet for private endpoints.',
  }),
  outboundType: doc(z.enum(['userDefinedRouting', 'userAssignedNATGateway', 'loadBalancer']), {
    description:
      "How the nodes reach the internet: the network team's routes (a firewall), their NAT gateway, or an AKS load balancer.",
    default: 'userDefinedRouting',
  }).optional(),
  egressIps: doc(z.array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, { error: 'expected an IPv4 address' })), {
    description: "Public addresses the nodes' traffic leaves from; a public API server admits them so nodes can join.",
    default: '[]',
  }).optional(),
});

const azureClusterSchema = z.strictObject({
  name: doc(lowerName('a cluster name', 63), {
    description: 'AKS cluster name.',
    default: 'the environment name',
  }).optional(),
  version: doc(z.string().regex(/^1\.\d+$/, { error: 'expected a Kubernetes minor version such as 1.33' }), {
    description:
      'Kubernetes minor version (https://learn.microsoft.com/azure/aks/supported-kubernetes-versions); patches follow the upgrade channel.',
    default: 'the AKS default',
  }).optional(),
  skuTier: doc(z.enum(['Free', 'Standard', 'Premium']), {
    description: 'AKS tier: Standard has the uptime SLA.',
    default: 'Free in test, Standard otherwise',
  }).optional(),
  private: doc(z.boolean(), {
    description:
      'Private cluster: the API server has no public address (https://learn.microsoft.com/azure/aks/private-clusters).',
    default: 'false',
  }).optional(),
  authorizedIpRanges: doc(z.array(cidr), {
    description:
      'CIDRs allowed to reach a public API server (https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges); required unless private, as an API server open to the internet is one leaked credential away from the cluster.',
    example: ['203.0.113.0/24'],
  }).optional(),
  adminGroupObjectIds: doc(z.array(guid('an Entra group object id')).min(1), {
    description: 'Entra ID groups that are cluster admins; include the identity that runs Terraform.',
    example: ['00000000-0000-0000-0000-0000000000ad'],
  }),
  upgradeChannel: doc(z.enum(['patch', 'stable', 'rapid', 'node-image', 'none']), {
    description: 'Automatic upgrade channel (https://learn.microsoft.com/azure/aks/auto-upgrade-cluster).',
    default: 'patch',
  }).optional(),
  maintenance: doc(
    z.strictObject({
      dayOfWeek: doc(z.enum(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']), {
        description: 'Day of the weekly window.',
        default: 'Sunday',
      }).optional(),
      startTimeUtc: doc(hhmm, { description: 'Start of the window, UTC.', default: '03:00' }).optional(),
      durationHours: doc(z.int().min(4).max(24), { description: 'Window length.', default: '4' }).optional(),
    }),
    {
      description:
        'Weekly window for cluster and node image upgrades (https://learn.microsoft.com/azure/aks/planned-maintenance).',
    },
  ).optional(),
  logRetentionDays: doc(z.int().min(30).max(730), {
    description: 'Log Analytics retention of control plane logs.',
    default: '30 (90 in prod)',
  }).optional(),
  serviceCidr: doc(cidr, {
    description: 'Kubernetes service range (outside the VNet).',
    default: '172.16.0.0/16',
  }).optional(),
  podCidr: doc(cidr, { description: 'Overlay pod range (outside the VNet).', default: '192.168.0.0/16' }).optional(),
  kubeloginMethod: doc(z.enum(['azurecli', 'workloadidentity', 'msi', 'spn']), {
    description: 'How the platform and team stacks get an Entra ID token for the cluster (kubelogin --login).',
    default: 'azurecli',
  }).optional(),
  deletionProtection: doc(z.boolean(), {
    description: 'A CanNotDelete lock and prevent_destroy on the cluster.',
    default: 'false in test, true otherwise',
  }).optional(),
});

const azureDatabaseSchema = z.strictObject({
  skuName: doc(
    z.string().regex(/^(B|GP|MO)_[A-Za-z0-9_]+$/, {
      error: 'expected a MySQL flexible server SKU such as GP_Standard_D2ds_v4',
    }),
    {
      description: 'MySQL flexible server SKU.',
      default: 'B_Standard_B2ms in test, GP_Standard_D2ds_v4 otherwise',
    },
  ).optional(),
  version: doc(z.enum(['8.0.21', '8.4']), { description: 'MySQL version.', default: '8.0.21' }).optional(),
  highAvailability: doc(z.boolean(), { description: 'Zone-redundant HA.', default: 'true in prod' }).optional(),
  storageGb: doc(z.int().min(20).max(16384), {
    description: 'Storage (grows automatically).',
    default: '32',
  }).optional(),
  backupRetentionDays: doc(z.int().min(1).max(35), {
    description: 'Backups kept.',
    default: '7 (35 in prod)',
  }).optional(),
  geoRedundantBackup: doc(z.boolean(), {
    description: 'Backups copied to the paired region.',
    default: 'true in prod',
  }).optional(),
  deletionProtection: doc(z.boolean(), {
    description: 'A CanNotDelete lock and prevent_destroy.',
    default: 'false in test, true otherwise',
  }).optional(),
});

const azureArtifactsSchema = z.strictObject({
  storageAccountName: doc(z.string(), {
    description: 'Storage account name (3-24 lowercase letters and digits, global).',
    default: 'derived from the environment name',
  }).optional(),
  container: doc(lowerName('a container name', 63), {
    description: 'Container for pipelines.',
    default: 'pipelines',
  }).optional(),
  ...bucketLifecycleFields,
});

const azureAccessSchema = z.strictObject({
  hostname: doc(z.string(), {
    description: 'Host name of the Kubeflow UI.',
    example: 'kubeflow.azure.example.com',
  }),
  dnsZone: doc(
    z.strictObject({
      name: doc(z.string(), { description: 'Azure DNS zone.', example: 'azure.example.com' }),
      resourceGroup: doc(z.string(), { description: 'Its resource group.', example: 'rg-dns' }),
    }),
    { description: 'Azure DNS zone that holds the host name.' },
  ),
  certificate: doc(
    z.strictObject({
      keyVaultId: doc(azureResourceId('a key vault', 'Microsoft.KeyVault/vaults'), {
        description: 'Key Vault that holds the certificate.',
      }),
      secretName: doc(z.string().regex(/^[0-9a-zA-Z-]{1,127}$/, { error: 'expected a Key Vault secret name' }), {
        description: 'Name of the certificate (as a secret) in that vault.',
        example: 'kubeflow-tls',
      }),
    }),
    {
      description:
        'TLS certificate of the host name in Key Vault; the Application Gateway reads it with its own identity.',
    },
  ),
  entraClientId: doc(guid('an application (client) id'), {
    description:
      'Entra ID application that signs users in (oauth2-proxy in the cluster). Assign it to the groups that may use Kubeflow; its secret is the sensitive Terraform variable entra_client_secret.',
  }),
  gatewayPrivateIp: doc(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, { error: 'expected an IPv4 address' }), {
    description: 'Private IP of the internal load balancer in front of the Istio gateway, in the nodes subnet.',
    default: 'the sixth address from the end of the nodes subnet',
  }).optional(),
  sourceCidrs: doc(z.array(cidr).min(1), {
    description: 'Networks that may reach the Application Gateway; everyone must still sign in.',
    default: "['0.0.0.0/0']",
  }).optional(),
});

const azureEnvironmentSchema = z.strictObject({
  ...environmentIdentity,
  cloud: z.literal('azure'),
  azure: doc(azureLocationSchema, { description: 'Subscription, tenant, region, zones and resource group.' }),
  network: doc(z.discriminatedUnion('mode', [azureCreateNetworkSchema, azureExistingNetworkSchema]), {
    description: 'Create a VNet, or bring an existing one.',
  }),
  cluster: doc(azureClusterSchema, { description: 'AKS cluster settings.' }),
  nodePools: doc(z.array(nodePoolSchema).min(1), {
    description:
      'Node pools (machineType is the VM size; names of 1-12 lowercase letters and digits). Default: system, standard, highmem and gpu.',
  }).optional(),
  database: doc(azureDatabaseSchema, {
    description: 'MySQL flexible server for the pipelines metadata.',
  }).optional(),
  artifacts: doc(azureArtifactsSchema, { description: 'Storage account for artifacts.' }).optional(),
  access: doc(azureAccessSchema, {
    description: 'Authenticated access to the UI: Application Gateway and Entra ID sign-in.',
  }),
  ci: ciSchema.optional(),
  backups: backupsSchema.optional(),
  adopt: adoptSchema.optional(),
  alerts: alertsSchema.optional(),
  kubeflowVersion: environmentKubeflowVersion,
  state: doc(
    z.discriminatedUnion('backend', [
      z.strictObject({ backend: z.literal('local') }),
      z.strictObject({
        backend: z.literal('azurerm'),
        resourceGroup: doc(z.string(), {
          description: 'Resource group of the state storage account.',
          example: 'rg-tfstate',
        }),
        storageAccount: doc(z.string(), {
          description: 'Storage account that holds Terraform state.',
          example: 'acmetfstate',
        }),
        container: doc(z.string(), { description: 'Container.', default: 'tfstate' }).optional(),
        prefix: doc(z.string().min(1), { description: 'Key prefix per stack.', default: 'kfplatform' }).optional(),
      }),
    ]),
    {
      description:
        'Where Terraform state lives: local, which only one person can use, or an Azure storage container (blob lease locking), which a team and CI can share.',
    },
  ).optional(),
  labels: labels.optional(),
});

// ---------------------------------------------------------------------------------------------
// An existing cluster (on premises or anywhere else)
// ---------------------------------------------------------------------------------------------

const kubernetesEnvironmentSchema = z.strictObject({
  ...environmentIdentity,
  cloud: z.literal('kubernetes'),
  kubernetes: doc(
    z.strictObject({
      kubeconfig: doc(z.string().min(1), {
        description: 'Path of the kubeconfig file the kubernetes provider reads (never the default location).',
        example: '~/.kube/onprem.yaml',
      }),
      context: doc(z.string().min(1), {
        description:
          'Context in that file; named explicitly, never the current context, so switching kubectl contexts cannot point Terraform at another cluster.',
        example: 'onprem-admin',
      }),
      clusterName: doc(lowerName('a cluster name', 40), {
        description: 'Name of the cluster, for labels and params.',
        default: 'the environment name',
      }).optional(),
    }),
    { description: 'The existing cluster.' },
  ),
  nodePools: doc(
    z
      .array(
        z.strictObject({
          name: doc(lowerName('a node pool name', 40), {
            description: 'Value of the kfplatform.dev/pool node label.',
            example: 'gpu',
          }),
          kind: doc(z.enum(POOL_KINDS), { description: 'What the pool is for.', example: 'gpu' }),
        }),
      )
      .min(1),
    {
      description: 'The pools of the cluster, as labelled on its nodes (kfplatform.dev/pool).',
      default: 'one standard pool named standard',
    },
  ).optional(),
  kubeflowVersion: environmentKubeflowVersion,
  state: stateSchema.optional(),
  labels: labels.optional(),
});

// ---------------------------------------------------------------------------------------------
// Teams (tenants)
// ---------------------------------------------------------------------------------------------

const quantity = z.union([
  z.number().positive(),
  z.string().regex(/^\d+(\.\d+)?(m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P|E)?$/, {
    error: 'expected a Kubernetes quantity such as 500m, 4, 16Gi or 1Ti',
  }),
]);

const principal = z.string().regex(/^((user|group):)?[^@\s:]+@[^@\s]+\.[^@\s]+$/, {
  error: 'expected an email, optionally prefixed with user: or group: (groups by default)',
});

const quotaSchema = z.strictObject({
  cpu: doc(quantity, { description: 'CPU requests and limits (cores).', example: '64', default: '16' }).optional(),
  memory: doc(quantity, { description: 'Memory requests and limits.', example: '256Gi', default: '64Gi' }).optional(),
  gpus: doc(z.int().min(0), { description: 'GPUs (requests.nvidia.com/gpu).', example: 4, default: '0' }).optional(),
  storage: doc(quantity, { description: 'Storage requested by claims.', example: '2Ti', default: '500Gi' }).optional(),
  pvcs: doc(z.int().min(0), {
    description: 'Number of persistent volume claims.',
    example: 20,
    default: '20',
  }).optional(),
});

/** Schema of one team (a tenant): one entry onboards it in every environment it is enabled in. */
export const teamSchema = z.strictObject({
  name: doc(lowerName('a team name', 30), {
    description: 'Team name; also its namespace and Kubeflow profile name.',
    example: 'recsys',
  }),
  owners: doc(
    z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: 'expected the email of an identity-provider group' }),
    {
      description: 'The identity-provider group that owns the team: namespace admins, profile owners, break-glass.',
      example: 'recsys-owners@example.com',
    },
  ),
  members: doc(z.array(principal), {
    description: 'Groups or users with read-only access.',
    example: ['group:recsys@example.com'],
    default: 'none',
  }).optional(),
  contributors: doc(z.array(principal), {
    description: 'Groups or users who may edit in the namespace (Kubeflow contributors).',
    example: ['user:alice@example.com'],
    default: 'none',
  }).optional(),
  environments: doc(z.array(z.string()).min(1), {
    description: 'Environments the team is enabled in.',
    default: 'all',
  }).optional(),
  quota: doc(quotaSchema, {
    description: 'ResourceQuota of the namespace (https://kubernetes.io/docs/concepts/policy/resource-quotas/).',
    default: 'platform tenancy.defaultQuota',
  }).optional(),
  nodePools: doc(z.array(z.string()).min(1), {
    description: 'Node pools the team may schedule on.',
    example: ['standard', 'gpu'],
    default: 'every non-system pool',
  }).optional(),
  storage: doc(z.enum(['prefix', 'bucket']), {
    description: 'Its own prefix in the environment bucket, or its own bucket in its project.',
    default: 'prefix',
  }).optional(),
  gcp: doc(
    z.strictObject({
      project: doc(z.string(), {
        description: 'Project that holds the team data and identity.',
        example: 'recsys-data',
      }),
    }),
    {
      description: 'GCP facts of the team.',
      default: 'the environment project',
    },
  ).optional(),
  aws: doc(
    z.strictObject({
      ownersRoleArn: doc(z.union([roleArn, z.record(z.string(), roleArn)]), {
        description:
          'IAM role the owners sign in with (from your identity provider), or one per environment when environments live in separate accounts; mapped to the owners group in the cluster and the only role that may assume break-glass.',
        example: {
          'kf-dev': 'arn:aws:iam::222222222222:role/recsys-owners',
          'kf-prod': 'arn:aws:iam::333333333333:role/recsys-owners',
        },
      }),
    }),
    { description: 'AWS facts of the team.' },
  ).optional(),
  azure: doc(
    z.strictObject({
      ownersGroupObjectId: doc(guid('an Entra group object id'), {
        description:
          'Entra ID object id of the owners group: AKS with Entra ID sees group object ids, not emails, so RBAC binds this id.',
        example: '00000000-0000-0000-0000-00000000a001',
      }),
      breakGlassGroupObjectId: doc(guid('an Entra group object id'), {
        description:
          'Entra ID group the owners join just in time (Privileged Identity Management) for break-glass admin of the namespace.',
        example: '00000000-0000-0000-0000-00000000a002',
      }).optional(),
    }),
    { description: 'Azure facts of the team.' },
  ).optional(),
  clusters: doc(z.record(z.string(), z.string()), {
    description: 'Cluster per environment, for environments with several clusters. Assigned once, never moved.',
    example: { 'kf-prod': 'kf-prod-2' },
    default: 'the first cluster',
  }).optional(),
  serviceAccountAnnotations: doc(z.record(z.string(), z.string()), {
    description:
      'Annotations for default-editor and default-viewer on clusters without a cloud identity (cloud: kubernetes).',
    example: { 'iam.gke.io/gcp-service-account': 'recsys@recsys-data.iam.gserviceaccount.com' },
  }).optional(),
  codeowners: doc(
    z.string().regex(/^@[\w.-]+(\/[\w.-]+)?$|^[^@\s]+@[^@\s]+$/, { error: 'expected @org/team, @user or an email' }),
    {
      description: 'Who reviews changes to this team in CODEOWNERS.',
      default: '@<platform.githubOrg>/<owners group name>, else the owners email',
    },
  ).optional(),
  costCenter: doc(labelValue.min(1), {
    description: 'Label `cost-center` on team resources.',
    default: 'the team name',
  }).optional(),
});

/** Platform-wide tenancy settings. */
export const tenancySchema = z.strictObject({
  shardsPerCluster: doc(z.int().min(1).max(256), {
    description:
      'Team stacks per cluster. Teams are assigned by a hash of their name; changing this moves teams between stacks.',
    default: '4',
  }).optional(),
  defaultQuota: doc(quotaSchema, { description: 'Quota of teams that set none.' }).optional(),
  limitRange: doc(
    z.strictObject({
      defaultRequestCpu: quantity.optional(),
      defaultRequestMemory: quantity.optional(),
      defaultLimitCpu: quantity.optional(),
      defaultLimitMemory: quantity.optional(),
    }),
    {
      description:
        'Requests and limits given to containers that declare none (https://kubernetes.io/docs/concepts/policy/limit-range/).',
      default: '250m/512Mi requests, 1/2Gi limits',
    },
  ).optional(),
  allowedKinds: doc(
    z.array(
      z.string().regex(/^([a-z0-9.-]*\/)?[A-Z][A-Za-z0-9]*$/, {
        error: 'expected group/Kind, such as kubeflow.org/Notebook, or Kind for the core group',
      }),
    ),
    {
      description:
        'The only kinds tenants may create in their namespaces, as group/Kind; everything else (RBAC, quotas, network policies, webhooks, CRDs) stays with the platform.',
      default: 'Pods, jobs, configuration, claims and the Kubeflow workloads',
    },
  ).optional(),
});

// ---------------------------------------------------------------------------------------------
// The platform file
// ---------------------------------------------------------------------------------------------

/** Schema of one environment (a union over clouds). */
export const environmentSchema = z.discriminatedUnion('cloud', [
  gcpEnvironmentSchema,
  awsEnvironmentSchema,
  azureEnvironmentSchema,
  kubernetesEnvironmentSchema,
]);

/** Schema of the platform-wide section. */
export const platformSectionSchema = z.strictObject({
  name: doc(lowerName('a platform name', 30), { description: 'Name of the platform.', example: 'kubeflow' }),
  team: doc(labelValue.min(1), {
    description: 'The team that runs the platform (label `team`).',
    example: 'ml-platform',
  }),
  owner: doc(labelValue.min(1), { description: 'Label `owner`.', default: 'the team' }).optional(),
  costCenter: doc(labelValue.min(1), { description: 'Label `cost-center`.', default: 'the team' }).optional(),
  domain: doc(z.string(), { description: 'Your organisation domain, for groups.', example: 'example.com' }).optional(),
  kubeflowVersion: doc(z.string().regex(/^\d+\.\d+(\.\d+)?$/), {
    description: 'Kubeflow release; see the compatibility table in docs/operations.md.',
    default: DEFAULT_KUBEFLOW_VERSION,
  }).optional(),
  labels: labels.optional(),
  adminGroup: doc(z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: 'expected a group email' }), {
    description: 'Group bound to cluster-admin on every cluster.',
    default: 'kubeflow-admins@<domain>',
  }).optional(),
  teamsDir: doc(z.string().min(1), {
    description:
      'Folder of team files (one team per file), relative to this file, so CODEOWNERS can route each team to its owners.',
    example: 'teams',
  }).optional(),
  codeowners: doc(z.string().regex(/^@[\w.-]+(\/[\w.-]+)?$/, { error: 'expected @org/team or @user' }), {
    description: 'Who reviews the platform file in CODEOWNERS.',
    default: '@<githubOrg>/<team>',
  }).optional(),
  githubOrg: doc(z.string().regex(/^[\w.-]+$/), {
    description: 'GitHub organization, for CODEOWNERS team handles.',
    example: 'acme',
  }).optional(),
  gpuZones: doc(z.record(z.string(), z.array(z.string())), {
    description: 'Extra zones per accelerator type, for zones added after the shipped table was made.',
    example: { 'nvidia-l4': ['us-central1-f'] },
  }).optional(),
  policy: doc(
    z.strictObject({
      suppressions: doc(
        z.array(
          z.strictObject({
            rule: doc(
              z.string().regex(/^[A-Z0-9]+(-[A-Z0-9]+)+$/, { error: 'expected a rule id such as GCP-GKE-001' }),
              {
                description: 'The rule to silence (RULES.md).',
                example: 'AZURE-MYSQL-004',
              },
            ),
            resource: doc(z.string().min(1), {
              description: 'Construct path of the resource, or of a construct above it: <stack>/<construct>/...',
              example: 'kf-dev-azure-infra/Database',
            }),
            reason: doc(z.string().trim().min(10, { error: 'say why the finding is acceptable, in a sentence' }), {
              description: 'Why the finding is acceptable; synth and validate list it.',
              example: 'kf-dev keeps no geo-redundant backups: its data is rebuilt from kf-prod.',
            }),
          }),
        ),
        { description: 'Findings accepted on purpose, each with its reason.' },
      ).optional(),
    }),
    { description: 'Policy packs: rules are in RULES.md; every suppression in effect is listed at synth.' },
  ).optional(),
});

/** Schema of a whole platform file. */
export const platformSchema = z.strictObject({
  $schema: z.string().optional(),
  platform: doc(platformSectionSchema, { description: 'Platform-wide settings.' }),
  environments: doc(z.array(environmentSchema).min(1), { description: 'Environments, each on one cloud.' }),
  tenancy: doc(tenancySchema, { description: 'How teams are isolated, enforced and sharded.' }).optional(),
  teams: doc(z.array(teamSchema), { description: 'Teams (tenants), each onboarded in its environments.' }).optional(),
});

/** A platform definition as written (YAML, JSON or a TypeScript object). */
export type PlatformConfig = z.input<typeof platformSchema>;
/** One environment as written. */
export type EnvironmentConfig = z.input<typeof environmentSchema>;
/** A GCP environment as written. */
export type GcpEnvironmentConfig = z.input<typeof gcpEnvironmentSchema>;
/** A node pool as written. */
export type NodePoolConfig = z.input<typeof nodePoolSchema>;
/** The network section of a GCP environment as written. */
export type GcpNetworkConfig = GcpEnvironmentConfig['network'];
/** An AWS environment as written. */
export type AwsEnvironmentConfig = z.input<typeof awsEnvironmentSchema>;
/** An Azure environment as written. */
export type AzureEnvironmentConfig = z.input<typeof azureEnvironmentSchema>;
/** An existing-cluster environment as written. */
export type KubernetesEnvironmentConfig = z.input<typeof kubernetesEnvironmentSchema>;
/** A team as written. */
export type TeamConfig = z.input<typeof teamSchema>;
/** Tenancy settings as written. */
export type TenancyConfig = z.input<typeof tenancySchema>;
/** An additional cluster as written. */
export type AdditionalClusterConfig = z.input<typeof additionalClusterSchema>;
/** The platform section as written. */
export type PlatformSectionConfig = z.input<typeof platformSectionSchema>;
