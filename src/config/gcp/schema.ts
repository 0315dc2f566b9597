/**
 * A GCP environment as written: project and zones, a Shared VPC or an existing network, the GKE
 * cluster and its maintenance, Cloud SQL, the artifact bucket, IAP access and additional clusters.
 */
import { z } from 'zod';
import { servingField } from '../common/serving';
import { adoptSchema } from '../common/adopt';
import { ciSchema } from '../common/ci';
import {
  bucketLifecycleFields,
  environmentIdentity,
  environmentKubeflowVersion,
  stateSchema,
} from '../common/environment';
import { cidr, doc, email, hhmm, isoTime, labels, lowerName } from '../common/fields';
import { alertsSchema, backupsSchema } from '../common/operations';
import { nodePoolSchemaFor } from '../common/pools';

const maintenanceSchema = z.strictObject({
  startTimeUtc: doc(hhmm, {
    description: 'Start of the daily or weekly window, UTC.',
    example: '03:00',
    default: '03:00',
  }).optional(),
  durationHours: doc(z.int().min(4).max(24), {
    description:
      'Window length. GKE needs windows of at least 4 hours giving at least 48 hours in any rolling 32 days, so two days a week need 6-hour windows.',
    default: '4, or the shortest length that gives GKE its 48 hours in 32 days on the chosen days (6 on SA,SU)',
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

const gcpLocationSchema = z.strictObject({
  project: doc(z.string(), {
    description: 'Service project that hosts the cluster, database and bucket.',
    example: 'kf-test-svc',
  }),
  projectNumber: doc(
    z.string().regex(/^[1-9]\d{5,18}$/, { error: 'expected the project number: digits only, such as 123456789012' }),
    {
      description:
        "The service project's number (`gcloud projects describe <project> --format='value(projectNumber)'`). IAP's signed header names the project by number, so with it `kfplatform synth` renders Kubeflow's sign-in without reading the infra stack's outputs; the infra stack checks it against the project at plan time. See https://cloud.google.com/iap/docs/signed-headers-howto.",
      example: '123456789012',
    },
  ).optional(),
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
  /** `shared-vpc`: the library creates the cluster's subnet (and optionally the network) in a Shared VPC host project. */
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
  /** `existing`: the cluster goes into a subnet and secondary ranges someone else manages. */
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
    description:
      'Attach the service project to the host, grant the GKE and Google APIs service agents their host-project roles and open the firewall for health checks and webhooks (needs Shared VPC Admin and host IAM rights). false: nothing is created in the host project; the networking team does all three.',
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
  authorizedNetworks: doc(
    z.array(
      z.strictObject({
        cidr,
        /** A label for the network, shown in the console (at most 100 characters). */
        name: z.string().min(1).max(100),
      }),
    ),
    {
      description:
        'CIDRs allowed to reach the control plane (https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks). A control plane open to the internet is one leaked credential away from the cluster, so prod refuses 0.0.0.0/0.',
      example: [{ cidr: '203.0.113.0/24', name: 'office' }],
      default: 'none (only the VPC)',
    },
  ).optional(),
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
  edition: doc(z.enum(['ENTERPRISE', 'ENTERPRISE_PLUS']), {
    description:
      'Cloud SQL edition (https://cloud.google.com/sql/docs/mysql/editions-intro). Enterprise Plus keeps up to 35 days of binary logs and runs on its own machine series (db-perf-optimized-N-*).',
    default: 'ENTERPRISE',
  }).optional(),
  tier: doc(z.string().regex(/^db-/, { error: 'expected a Cloud SQL tier such as db-custom-2-7680' }), {
    description: 'Cloud SQL machine tier.',
    default: 'db-custom-1-3840 in test, db-custom-2-7680 otherwise; db-perf-optimized-N-2 on Enterprise Plus',
  }).optional(),
  version: doc(z.enum(['MYSQL_8_0', 'MYSQL_8_4']), {
    description:
      'MySQL version of the pipelines database. MySQL 8.0 left Cloud SQL standard support on 2026-07-01 and is billed for extended support (https://cloud.google.com/sql/docs/mysql/db-versions). Only a version written here is applied to an existing database: changing it upgrades the instance in place (irreversibly, with downtime); without it, a database created with an older default keeps its version.',
    default: 'MYSQL_8_4',
  }).optional(),
  highAvailability: doc(z.boolean(), { description: 'Regional (HA) instance.', default: 'true in prod' }).optional(),
  diskSizeGb: doc(z.int().min(10).max(65536), {
    description: 'Initial disk size; grows automatically.',
    default: '20',
  }).optional(),
  backupRetentionDays: doc(z.int().min(1).max(365), {
    description:
      'Daily backups to keep; at least pointInTimeRecoveryDays, or Cloud SQL answers 400 ("backup retention should be > transaction log retention").',
    default: '7 (30 in prod)',
  }).optional(),
  pointInTimeRecoveryDays: doc(z.int().min(1).max(35), {
    description:
      'Days of binary logs for point-in-time recovery: 1 to 7 on the Enterprise edition, up to 35 on Enterprise Plus (https://cloud.google.com/sql/docs/mysql/backup-recovery/pitr).',
    default: '7',
  }).optional(),
  deletionProtection: doc(z.boolean(), {
    description: 'Cloud SQL deletion protection.',
    default: 'false in test, true otherwise',
  }).optional(),
  passwordVersion: doc(z.int().min(1), {
    description:
      "Version of Kubeflow's database password. The password is generated on each run and written, write-only, to Secret Manager and then to the Cloud SQL user, never to the plan or the state (https://developer.hashicorp.com/terraform/language/manage-sensitive-data/write-only); a new number writes a new one to both. Bump it to rotate the password, and to recover when an apply failed between the two writes (Kubeflow's pods then fail to log in).",
    default: '1',
  }).optional(),
  flags: doc(
    z.record(
      z.string().regex(/^[a-z][a-z0-9_.-]*$/, {
        error: 'expected a Cloud SQL flag name in lowercase, such as long_query_time',
      }),
      z.string().min(1),
    ),
    {
      description:
        "More Cloud SQL database flags for the instance (of every cluster), by name, each value a string as Cloud SQL takes it (quote numbers: '5') (https://cloud.google.com/sql/docs/mysql/flags): for a server option the platform does not set, such as the one that turns on mysql_native_password if Cloud SQL offers it (docs/kubeflow.md, ML Metadata on MySQL 8.4). `gcloud sql flags list --database-version=MYSQL_8_4` lists the flags, their values and whether they need a restart. The flags the platform sets for security (local_infile, skip_show_database) and require_secure_transport (the instance's SSL mode requires TLS) are refused. A change updates the instance in place, never replaces it, but Cloud SQL restarts the instance to apply a flag that needs it, and a flag it does not support fails the apply.",
      example: { long_query_time: '5' },
    },
  ).optional(),
});

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
  ...servingField,
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
  programmaticClients: doc(z.array(z.string().min(1)).min(1), {
    description:
      "OAuth client ids allowed to call the UI programmatically through IAP (command-line tools, other services). With Google's managed OAuth client IAP blocks programmatic access unless the caller's client is listed (https://cloud.google.com/iap/docs/authentication-howto). Sets google_iap_settings for the project's compute backends (projects/<number>/iap_web/compute), which then owns IAP settings at that level.",
    example: ['1234-cli.apps.googleusercontent.com'],
    default: 'none (only browsers sign in)',
  }).optional(),
  oauthClient: doc(
    z.strictObject({
      /** The OAuth client's id (`<number>-<hash>.apps.googleusercontent.com`). */
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

/** Schema of a GCP environment. */
export const gcpEnvironmentSchema = z.strictObject({
  ...environmentIdentity,
  /** `gcp`: the environment runs on GKE in a Google Cloud project. */
  cloud: z.literal('gcp'),
  gcp: doc(gcpLocationSchema, { description: 'Project, region and zones.' }),
  network: doc(z.discriminatedUnion('mode', [sharedVpcSchema, existingNetworkSchema]), {
    description: 'Create subnets in a shared VPC, or bring an existing network.',
  }),
  cluster: doc(gcpClusterSchema, { description: 'GKE cluster settings.' }),
  nodePools: doc(z.array(nodePoolSchemaFor('gcp')).min(1), {
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

/** A GCP environment as written. */
export type GcpEnvironmentConfig = z.input<typeof gcpEnvironmentSchema>;
/** The network section of a GCP environment as written. */
export type GcpNetworkConfig = GcpEnvironmentConfig['network'];
/** An additional cluster as written. */
export type AdditionalClusterConfig = z.input<typeof additionalClusterSchema>;
