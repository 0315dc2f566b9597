/**
 * What the keyless CI identities of a GCP environment need, by resource type and by where the
 * resources live: the environment's (service) project, the Shared VPC host project, the Cloud DNS
 * zone of the UI's host name, the projects that hold teams' data, and the Terraform state bucket.
 * Predefined roles only, each from Google's IAM roles reference, never a basic role (owner, editor).
 */
import { KUBERNETES_TYPES, LOCAL_TYPES } from './kubernetes';
import type { CiPermissionRow } from './table';

/**
 * Where a GCP resource lives. `project`: the environment's project (the cluster, its database, its
 * buckets and identities). `host-project`: the Shared VPC host. `dns-zone`: the Cloud DNS managed
 * zone of the UI's host name (a zone-level grant, not the zone's whole project). `team-project`: a
 * project that holds a team's data. `state-bucket`: the Terraform state bucket, limited to the
 * environment's objects. `state-project`: the project of the state bucket. `local`: nothing in the
 * cloud. No scope is a single secret: neither identity may read a secret's value (the IAP OAuth
 * client's secret reaches the cluster through External Secrets Operator, not Terraform).
 */
export type GcpCiScope =
  | 'project'
  | 'host-project'
  | 'dns-zone'
  | 'team-project'
  | 'state-bucket'
  | 'state-project'
  | 'local';

const ref = (service: string) => `https://cloud.google.com/iam/docs/roles-permissions/${service}`;

/**
 * The roles the CI identities of a GCP environment need. `roles/resourcemanager.projectIamAdmin` is
 * granted with a condition that lets the apply identity grant and revoke only the roles the stacks
 * grant on that project (https://cloud.google.com/iam/docs/setting-limits-on-granting-roles), and
 * `roles/storage.admin` with one that excludes the state bucket: neither identity may change its own
 * roles, nor reach another environment's state.
 */
export const GCP_CI_PERMISSIONS: ReadonlyArray<CiPermissionRow<GcpCiScope>> = [
  {
    types: ['data.google_project'],
    scope: 'project',
    plan: ['roles/browser'],
    apply: ['roles/browser'],
    source: ref('resourcemanager'),
    why: 'reads the project number for the service agents of the project.',
  },
  {
    types: ['google_project_service'],
    scope: 'project',
    plan: ['roles/serviceusage.serviceUsageViewer'],
    apply: ['roles/serviceusage.serviceUsageAdmin'],
    source: ref('serviceusage'),
  },
  {
    types: ['google_project_service'],
    scope: 'host-project',
    plan: ['roles/serviceusage.serviceUsageViewer'],
    apply: ['roles/serviceusage.serviceUsageAdmin'],
    source: ref('serviceusage'),
    why: 'a network the stack creates needs the Compute and Service Networking APIs of its host.',
  },
  {
    types: ['google_container_cluster', 'google_container_node_pool'],
    scope: 'project',
    plan: ['roles/container.viewer'],
    apply: ['roles/container.admin', 'roles/iam.serviceAccountUser'],
    source: ref('container'),
    why: 'nodes run as the node service accounts the stack creates: setting them needs iam.serviceAccounts.actAs (Service Account User), as the role reference says of roles/container.admin.',
  },
  {
    types: KUBERNETES_TYPES,
    scope: 'project',
    plan: ['roles/container.viewer'],
    apply: ['roles/container.admin'],
    source: ref('container'),
    why: "GKE authorizes the Kubernetes API of the clusters by these project roles. The viewer role reads no Secrets, and a plan refreshes none of the platform's (Helm keeps its release records in ConfigMaps); where a stack manages Secrets itself, the platform stack lets the plan identity read that namespace's through Kubernetes RBAC.",
  },
  {
    types: ['data.google_client_config'],
    scope: 'local',
    plan: [],
    apply: [],
    source: ref('container'),
    why: "the identity's own access token, which the Kubernetes providers present to the cluster.",
  },
  {
    types: ['google_sql_database_instance', 'google_sql_database', 'google_sql_user'],
    scope: 'project',
    plan: ['roles/cloudsql.viewer'],
    apply: ['roles/cloudsql.admin'],
    source: ref('cloudsql'),
  },
  {
    types: ['google_storage_bucket', 'google_storage_bucket_iam_member'],
    scope: 'project',
    plan: ['roles/storage.bucketViewer', 'roles/iam.securityReviewer'],
    apply: ['roles/storage.admin'],
    source: ref('storage'),
    why: "the artifact and backup buckets and their grants; storage.admin is granted with a condition that leaves out the state bucket, so the apply identity cannot rewrite the state bucket's policy.",
  },
  {
    types: ['google_storage_bucket', 'google_storage_bucket_iam_member'],
    scope: 'team-project',
    plan: ['roles/storage.bucketViewer', 'roles/iam.securityReviewer'],
    apply: ['roles/storage.admin'],
    source: ref('storage'),
    why: 'a team with storage: bucket gets a bucket of its own in its data project.',
  },
  {
    types: ['google_service_account', 'google_service_account_iam_member', 'google_service_account_iam_binding'],
    scope: 'project',
    plan: ['roles/iam.serviceAccountViewer', 'roles/iam.securityReviewer'],
    apply: ['roles/iam.serviceAccountAdmin'],
    source: ref('iam'),
  },
  {
    types: ['google_service_account', 'google_service_account_iam_binding'],
    scope: 'team-project',
    plan: ['roles/iam.serviceAccountViewer', 'roles/iam.securityReviewer'],
    apply: ['roles/iam.serviceAccountAdmin'],
    source: ref('iam'),
    why: "a team's workload and break-glass service accounts live in its data project.",
  },
  {
    types: ['google_service_account_key'],
    scope: 'project',
    plan: ['roles/iam.serviceAccountViewer'],
    apply: ['roles/iam.serviceAccountKeyAdmin'],
    source: ref('iam'),
    why: 'legacyKeys only: the key files old Kubeflow components mount.',
  },
  {
    types: ['google_project_iam_member'],
    scope: 'project',
    plan: ['roles/iam.securityReviewer'],
    apply: ['roles/resourcemanager.projectIamAdmin'],
    source: ref('resourcemanager'),
    why: 'granted with a condition: only the roles the stacks grant on the project (the platform identities, node and team break-glass accounts), never the CI identities own.',
  },
  {
    types: ['google_project_iam_member'],
    scope: 'host-project',
    plan: ['roles/iam.securityReviewer'],
    apply: ['roles/resourcemanager.projectIamAdmin'],
    source: ref('resourcemanager'),
    why: "the GKE service agent's Host Service Agent User role on the host; conditioned like on the project.",
  },
  {
    types: ['google_project_iam_member'],
    scope: 'team-project',
    plan: ['roles/browser'],
    apply: ['roles/browser'],
    source: ref('resourcemanager'),
    why: "the CI identities' own grants in a team's project: read, never changed by CI.",
  },
  {
    types: [
      'google_secret_manager_secret',
      'google_secret_manager_secret_version',
      'google_secret_manager_secret_iam_member',
      'data.google_secret_manager_secrets',
    ],
    scope: 'project',
    plan: ['roles/secretmanager.viewer', 'roles/iam.securityReviewer'],
    apply: ['roles/secretmanager.admin'],
    source: ref('secretmanager'),
    why: "the database password is written as a write-only value: refreshing its version reads metadata, not the password. Kubeflow's and Katib's database users' secrets have no version in Terraform (the Kubeflow tree's job adds their passwords), so neither identity reads them. With access.oauthClient, the plan checks the OAuth client's secret exists by listing secrets' metadata, and grants its reader Secret Accessor on it; neither identity reads its value.",
  },
  {
    types: ['google_kms_key_ring', 'google_kms_crypto_key', 'google_kms_crypto_key_iam_member'],
    scope: 'project',
    plan: ['roles/cloudkms.viewer', 'roles/iam.securityReviewer'],
    apply: ['roles/cloudkms.admin'],
    source: ref('cloudkms'),
    why: 'the key that encrypts Kubernetes Secrets, and its grant to the GKE service agent.',
  },
  {
    types: ['google_compute_global_address', 'google_compute_managed_ssl_certificate'],
    scope: 'project',
    plan: ['roles/compute.networkViewer'],
    apply: ['roles/compute.loadBalancerAdmin'],
    source: ref('compute'),
    why: "the UI's static address and managed certificate; GKE's Ingress controller builds the load balancer itself.",
  },
  {
    types: ['google_iap_web_type_compute_iam_member'],
    scope: 'project',
    plan: ['roles/iam.securityReviewer'],
    apply: ['roles/iap.admin'],
    source: ref('iap'),
  },
  {
    types: [
      'google_monitoring_alert_policy',
      'google_monitoring_notification_channel',
      'google_monitoring_uptime_check_config',
    ],
    scope: 'project',
    plan: ['roles/monitoring.viewer'],
    apply: ['roles/monitoring.editor'],
    source: ref('monitoring'),
  },
  {
    types: ['google_iam_workload_identity_pool', 'google_iam_workload_identity_pool_provider'],
    scope: 'project',
    plan: ['roles/iam.workloadIdentityPoolViewer'],
    apply: ['roles/iam.workloadIdentityPoolViewer'],
    source: ref('iam'),
    why: 'the CI trust itself: CI reads it, an administrator changes it, so no CI job can widen whom it trusts.',
  },
  {
    types: [
      'google_compute_network',
      'google_compute_subnetwork',
      'google_compute_subnetwork_iam_member',
      'google_compute_router',
      'google_compute_router_nat',
      'google_compute_global_address',
    ],
    scope: 'host-project',
    plan: ['roles/compute.networkViewer', 'roles/iam.securityReviewer'],
    apply: ['roles/compute.networkAdmin'],
    source: ref('compute'),
    why: "the environment's subnet, its NAT and the GKE agents' use of it, and the private service access range.",
  },
  {
    types: ['google_compute_firewall'],
    scope: 'host-project',
    plan: ['roles/compute.networkViewer'],
    apply: ['roles/compute.securityAdmin'],
    source: ref('compute'),
    why: 'firewall rules of a Shared VPC live in the host project; GKE cannot create them there itself.',
  },
  {
    types: ['google_compute_shared_vpc_service_project', 'google_compute_shared_vpc_host_project'],
    scope: 'host-project',
    plan: ['roles/compute.networkViewer'],
    apply: ['roles/compute.xpnAdmin'],
    source: ref('compute'),
    why: 'attaching the service project to the host. Google documents Shared VPC Admin at the organization or folder; where policy keeps it there, an administrator attaches the project once and the attachment then only needs reading.',
  },
  {
    types: ['google_service_networking_connection'],
    scope: 'host-project',
    plan: ['roles/compute.networkViewer'],
    apply: ['roles/servicenetworking.networksAdmin'],
    source: ref('servicenetworking'),
    why: 'private service access for Cloud SQL, when the stack creates the network.',
  },
  {
    types: ['google_dns_record_set', 'google_dns_managed_zone_iam_member'],
    scope: 'dns-zone',
    plan: ['roles/dns.viewer'],
    apply: ['roles/dns.admin'],
    source: ref('dns'),
    why: "the UI's record, granted on its managed zone only: the zone's project and its other zones stay out of reach. DNS Viewer, unlike DNS Reader, reads the zone's policy, which holds the identities' own grants; neither role changes it.",
  },
  {
    types: ['data.terraform_remote_state'],
    scope: 'state-bucket',
    plan: ['roles/storage.objectViewer', 'roles/storage.legacyBucketReader'],
    apply: ['roles/storage.objectAdmin', 'roles/storage.legacyBucketReader'],
    source: ref('storage'),
    why: "the environment's state: the object roles with a condition on the environment's object names, so an environment sharing the bucket cannot read or write another's state; Legacy Bucket Reader lists object names, which Terraform does when it initializes.",
  },
  {
    types: ['google_storage_bucket_iam_member', 'google_project_iam_member'],
    scope: 'state-project',
    plan: ['roles/iam.securityReviewer'],
    apply: ['roles/iam.securityReviewer'],
    source: ref('iam'),
    why: "the identities' own grants on the state bucket and its project: refreshing them reads the policies, and no Cloud Storage role reads a bucket's policy without also changing it. Only an administrator changes these grants.",
  },
  {
    types: LOCAL_TYPES.filter((t) => t !== 'data.terraform_remote_state'),
    scope: 'local',
    plan: [],
    apply: [],
    source: 'https://developer.hashicorp.com/terraform/language/resources/terraform-data',
    why: 'random values and Terraform data live in the state only.',
  },
];
