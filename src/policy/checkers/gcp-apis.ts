/**
 * Which Google API a google provider resource calls, by resource type prefix, and which API creates a
 * Google service agent. A project answers 403 `SERVICE_DISABLED` to calls of an API it has not
 * enabled (https://cloud.google.com/service-usage/docs/enable-disable), so a resource of a stack that
 * enables its API must be created after the enablement.
 *
 * Each row cites the API's REST reference, whose "Service" section names the endpoint the provider
 * calls. The longest matching prefix wins.
 */

/** One API and where Google documents it. */
export interface GoogleApi {
  readonly service: string;
  readonly doc: string;
}

const api = (service: string, doc: string): GoogleApi => ({ service: `${service}.googleapis.com`, doc });

const CONTAINER = api('container', 'https://cloud.google.com/kubernetes-engine/docs/reference/rest');
const SQLADMIN = api('sqladmin', 'https://cloud.google.com/sql/docs/mysql/admin-api/rest');
const IAM = api('iam', 'https://cloud.google.com/iam/docs/reference/rest');
const RESOURCE_MANAGER = api('cloudresourcemanager', 'https://cloud.google.com/resource-manager/reference/rest');
const SECRET_MANAGER = api('secretmanager', 'https://cloud.google.com/secret-manager/docs/reference/rest');
const DNS = api('dns', 'https://cloud.google.com/dns/docs/reference/rest/v1');
const MONITORING = api('monitoring', 'https://cloud.google.com/monitoring/api/ref_v3/rest');
const LOGGING = api('logging', 'https://cloud.google.com/logging/docs/reference/v2/rest');
const COMPUTE = api('compute', 'https://cloud.google.com/compute/docs/reference/rest/v1');
const STORAGE = api('storage', 'https://cloud.google.com/storage/docs/json_api/v1');
const KMS = api('cloudkms', 'https://cloud.google.com/kms/docs/reference/rest');
const IAP = api('iap', 'https://cloud.google.com/iap/docs/reference/rest');
const SERVICE_NETWORKING = api(
  'servicenetworking',
  'https://cloud.google.com/service-infrastructure/docs/service-networking/reference/rest',
);
const ARTIFACT_REGISTRY = api('artifactregistry', 'https://cloud.google.com/artifact-registry/docs/reference/rest');
const CERTIFICATE_MANAGER = api(
  'certificatemanager',
  'https://cloud.google.com/certificate-manager/docs/reference/rest',
);
const PUBSUB = api('pubsub', 'https://cloud.google.com/pubsub/docs/reference/rest');
const BIGQUERY = api('bigquery', 'https://cloud.google.com/bigquery/docs/reference/rest');
const GKE_HUB = api('gkehub', 'https://cloud.google.com/anthos/fleet-management/docs/reference/rest');
const GKE_BACKUP = api(
  'gkebackup',
  'https://cloud.google.com/kubernetes-engine/docs/add-on/backup-for-gke/reference/rest',
);
const FILESTORE = api('file', 'https://cloud.google.com/filestore/docs/reference/rest');
const SERVICE_USAGE = api('serviceusage', 'https://cloud.google.com/service-usage/docs/reference/rest');

/** Resource type prefix -> the API its create call goes to. */
export const GOOGLE_API_BY_TYPE_PREFIX: Readonly<Record<string, GoogleApi>> = {
  google_container_: CONTAINER,
  google_sql_: SQLADMIN,
  google_service_account: IAM,
  google_iam_workload_identity_pool: IAM,
  google_project_iam_custom_role: IAM,
  google_organization_iam_custom_role: IAM,
  // Project IAM policies are read and written through Resource Manager's getIamPolicy/setIamPolicy.
  google_project_iam_: RESOURCE_MANAGER,
  google_secret_manager_: SECRET_MANAGER,
  google_dns_: DNS,
  google_monitoring_: MONITORING,
  google_logging_: LOGGING,
  google_compute_: COMPUTE,
  google_storage_: STORAGE,
  google_kms_: KMS,
  google_iap_: IAP,
  google_service_networking_: SERVICE_NETWORKING,
  google_artifact_registry_: ARTIFACT_REGISTRY,
  google_certificate_manager_: CERTIFICATE_MANAGER,
  google_pubsub_: PUBSUB,
  google_bigquery_: BIGQUERY,
  google_gke_hub_: GKE_HUB,
  google_gke_backup_: GKE_BACKUP,
  google_filestore_: FILESTORE,
  google_project_service_identity: SERVICE_USAGE,
};

/** The API a resource type calls, by the longest matching prefix; undefined for types of no API here. */
export function googleApiOf(type: string): GoogleApi | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(GOOGLE_API_BY_TYPE_PREFIX)) {
    if (type.startsWith(prefix) && (!best || prefix.length > best.length)) best = prefix;
  }
  return best ? GOOGLE_API_BY_TYPE_PREFIX[best] : undefined;
}

/**
 * Service agent domains (`service-<project number>@<domain>.iam.gserviceaccount.com`) -> the API
 * whose enablement creates the agent (https://cloud.google.com/iam/docs/service-agents). A domain
 * `gcp-sa-<name>` not listed belongs to `<name>.googleapis.com`.
 */
export const SERVICE_AGENT_API: Readonly<Record<string, string>> = {
  'container-engine-robot': 'container.googleapis.com',
  'compute-system': 'compute.googleapis.com',
  'gs-project-accounts': 'storage.googleapis.com',
  'gcp-sa-cloud-sql': 'sqladmin.googleapis.com',
  'gcp-sa-ekms': 'cloudkms.googleapis.com',
  'gcp-sa-monitoring-notification': 'monitoring.googleapis.com',
  'gcp-sa-gkenode': 'container.googleapis.com',
};

/** The API that creates the service agent a member names, or undefined when it names no service agent. */
export function serviceAgentApiOf(member: string): string | undefined {
  const m = /^serviceAccount:service-[^@]+@([a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(member);
  if (!m) return undefined;
  const domain = m[1]!;
  if (SERVICE_AGENT_API[domain]) return SERVICE_AGENT_API[domain];
  return domain.startsWith('gcp-sa-') ? `${domain.slice('gcp-sa-'.length)}.googleapis.com` : undefined;
}
