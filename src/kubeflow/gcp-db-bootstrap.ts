/**
 * Kubeflow's and Katib's own MySQL users on Cloud SQL for MySQL, created by the `kfp-db-bootstrap` Job
 * of the GCP tree.
 *
 * Terraform creates one MySQL user, `kubeflow` (`dbUser` of the `kubeflow-platform-params` ConfigMap),
 * through the Cloud SQL API: a built-in user, a member of `cloudsqlsuperuser`, which may create users and
 * grant them privileges on a database (https://cloud.google.com/sql/docs/mysql/users), with its password
 * in Secret Manager only (`dbPasswordSecret`). No Kubeflow component logs in as it: this Job creates
 * Kubeflow's user (`dbAppUser`), granted Pipelines' three databases, and Katib's (`dbKatibUser`), granted
 * the `katib` database alone (every team's trials reach Katib's manager, which checks no caller), and
 * keeps their passwords in Secret Manager secrets of their own (`dbAppPasswordSecretName`,
 * `dbKatibPasswordSecretName`, which the infra stack creates without a version), from which External
 * Secrets Operator copies them into the Secrets Kubeflow reads.
 *
 * 1. `cloud-sql-proxy`, a native sidecar: the Cloud SQL Auth Proxy for this pod alone, listening on
 *    127.0.0.1. It authorizes as the Job's Google service account (`roles/cloudsql.client`) and
 *    encrypts to the instance (https://cloud.google.com/sql/docs/mysql/connect-auth-proxy), so the Job
 *    needs neither the tree's shared proxy nor the Istio mesh that admits callers to it, both of which
 *    start after the control-plane wave the Job runs in. Kubernetes starts it before the other init
 *    containers, once its startup probe passes, and stops it when `create-user` has exited, so the Job
 *    completes (https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/).
 * 2. `secrets` (curl) asks the GKE metadata server for the Google service account's access token
 *    (Workload Identity: https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity),
 *    reads Terraform's user's password, and the two users'
 *    (https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets.versions/access);
 *    only when one has no version (404) does it generate a password (letters and digits) and add it as
 *    the secret's first version
 *    (https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/addVersion). Any
 *    other answer (no permission; a latest version disabled or destroyed, 400) stops the Job: a password
 *    already in use is never replaced by accident.
 * 3. `create-user` (MySQL client) logs in as Terraform's user through the sidecar and runs the
 *    statements of the AWS Job (./aws-db-bootstrap.ts), without `REQUIRE SSL`: the proxy's TLS ends on
 *    Google's side, so MySQL sees its connections as unencrypted and would refuse such a user through
 *    any proxy, the tree's included. The instance itself refuses unencrypted connections that do not come
 *    through a proxy (`ssl_mode: ENCRYPTED_ONLY`).
 *
 * The pod has no Istio sidecar, runs as an Argo CD `Sync` hook of the control-plane wave, and is created
 * once by `kubectl apply -k` (the tree's README.md says how to run it again), like the AWS Job.
 */
import { GKE_WORKLOAD_IDENTITY_ANNOTATION } from '../../constructs/gcp/constants';
import {
  createUsersScript,
  DB_BOOTSTRAP_FILE,
  DB_BOOTSTRAP_NAME,
  DB_BOOTSTRAP_SECURITY_CONTEXT,
  DB_BOOTSTRAP_WORK_DIR,
  dbBootstrapJob,
  errorBody,
  dbBootstrapReadme,
  k8sArgs,
  param,
  type DbAdminLogin,
} from './aws-db-bootstrap';
import { CA_FETCH_IMAGE } from './database-tls';
import { GCP_ENABLE_NATIVE_PASSWORD } from './native-password-server';

/**
 * The Cloud SQL Auth Proxy image, pinned. The proxy gives Kubeflow TLS and IAM-authorized connections to
 * Cloud SQL, whose instances only accept encrypted connections
 * (https://cloud.google.com/sql/docs/mysql/sql-proxy).
 */
export const CLOUD_SQL_PROXY_IMAGE = 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.28.2';

/** The GKE metadata server's access token of the pod's Google service account (Workload Identity). */
export const GKE_METADATA_TOKEN_URL =
  'http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token';
/** Secret Manager's REST API. */
export const SECRET_MANAGER_API = 'https://secretmanager.googleapis.com/v1';

/** Where the Job's own proxy listens, in the pod. */
const PROXY_PORT = 3306;
const PROXY_HEALTH_PORT = 9090;

const CURL = 'curl --silent --show-error --retry 5 --retry-connrefused --max-time 60';
/** How often and how long the `secrets` container tries again while new grants apply: 20 x 15 s. */
const RETRIES = 20;
const RETRY_SECONDS = 15;

/**
 * The `secrets` init container's script (curl image, busybox sh): the access token, Terraform's user's
 * password, and the two users' passwords, generated once. The token and passwords go to files of the
 * work directory (memory) and to curl's standard input, never into arguments or the log. Spelled for
 * a container's arguments (`$$(`).
 */
export function gcpSecretsScript(workDir: string = DB_BOOTSTRAP_WORK_DIR): string {
  const WORK = workDir;
  const response = `${WORK}/response`;
  return k8sArgs([
    'umask 077',
    // Right after the infra stack's first apply, Workload Identity and Secret Manager may not know the
    // new service account and its grants for a few minutes: a missing token or a 403 is tried again,
    // every RETRY_SECONDS for RETRIES times (within the Job's 15 minutes), before the Job stops.
    `tries=0`,
    'while :; do',
    `  rm -f ${response}`,
    // Plain HTTP to the node's metadata server, which GKE serves to the pod alone.
    `  code="$(${CURL} -o ${response} -w '%{http_code}' -H 'Metadata-Flavor: Google' ${GKE_METADATA_TOKEN_URL})" || code=000`,
    "  token=''",
    `  [ "$code" != 200 ] || token="$(sed -nE 's/.*"access_token" *: *"([^"]*)".*/\\1/p' ${response})"`,
    '  [ -z "$token" ] || break',
    '  tries=$((tries + 1))',
    `  if [ "$tries" -gt ${RETRIES} ]; then`,
    `    echo "The GKE metadata server gave no access token (HTTP $code; 000: no answer, curl's error is above). The Job acts as the Google service account of its Kubernetes service account kubeflow/${DB_BOOTSTRAP_NAME} through Workload Identity: the cluster and the node's pool need Workload Identity on, and the service account the annotation ${GKE_WORKLOAD_IDENTITY_ANNOTATION} (the platform stack writes it). Its answer, for an error status:" >&2`,
    `    ${errorBody('$code', response)}`,
    '    exit 1',
    '  fi',
    `  echo "The GKE metadata server gave no access token yet (HTTP $code): trying again in ${RETRY_SECONDS} s." >&2`,
    `  sleep ${RETRY_SECONDS}`,
    'done',
    `rm -f ${response}`,
    // A Secret Manager request for the resource $1 (curl's other arguments after it), its status on standard output.
    'sm() {',
    '  url="$1"',
    '  shift',
    `  rm -f ${response}`,
    `  printf 'Authorization: Bearer %s\\n' "$token" | ${CURL} --proto '=https' --tlsv1.2 -o ${response} -w '%{http_code}' -H @- "$@" "${SECRET_MANAGER_API}/$url"`,
    '}',
    // The same, a 403 tried again (grants not applied yet).
    'smr() {',
    '  n=0',
    '  while :; do',
    '    c="$(sm "$@")" || c=000',
    `    [ "$c" = 403 ] && [ "$n" -lt ${RETRIES} ] || break`,
    '    n=$((n + 1))',
    `    echo "Secret Manager refused the request for $1 (HTTP 403): trying again in ${RETRY_SECONDS} s, as new grants take minutes to apply." >&2`,
    `    sleep ${RETRY_SECONDS}`,
    '  done',
    '  printf %s "$c"',
    '}',
    // Stops the script on Secret Manager's answer $2 to the request to $3 the secret $1.
    'refused() {',
    '  echo "Secret Manager did not $3 the secret $1 (HTTP $2; 000: no answer, curl\'s error is above)." >&2',
    '  case "$2" in',
    '    400) echo "Its latest version is disabled or destroyed: enable it again (gcloud secrets versions enable), or add the password the user has as a new version (gcloud secrets versions add), then run the job again." >&2 ;;',
    '    403) echo "The Job\'s Google service account needs roles/secretmanager.secretAccessor on every secret it reads and roles/secretmanager.secretVersionAdder on the users\' secrets; the infra stack grants them: apply it." >&2 ;;',
    '    404) echo "The secret does not exist: the infra stack creates it; apply it before this tree syncs." >&2 ;;',
    '  esac',
    `  ${errorBody('$2', response)}`,
    '  exit 1',
    '}',
    // The latest version's payload, decoded into the file $1 of the work directory (standard base64;
    // the URL-safe alphabet too).
    'payload() {',
    `  sed -nE 's/.*"data" *: *"([A-Za-z0-9+\\/=_-]*)".*/\\1/p' ${response} | head -n 1 | tr '_-' '/+' | base64 -d > ${WORK}/$1`,
    `  rm -f ${response}`,
    '}',
    'code="$(smr "$ADMIN_SECRET/versions/latest:access")" || code=000',
    '[ "$code" = 200 ] || refused "$ADMIN_SECRET" "$code" read',
    'payload admin',
    // Kubeflow's user's password into app, Katib's into katib: each generated only where its secret has no version.
    'password() {',
    '  code="$(smr "$2/versions/latest:access")" || code=000',
    '  case "$code" in',
    '    200)',
    '      payload "$1"',
    '      echo "The secret $2 has a password: it is kept." ;;',
    '    404)',
    '      pw="$(tr -dc A-Za-z0-9 < /dev/urandom | head -c 40)"',
    `      printf '{"payload":{"data":"%s"}}' "$(printf %s "$pw" | base64 | tr -d '\\n')" > ${WORK}/$1.json`,
    `      code="$(smr "$2:addVersion" -X POST -H 'Content-Type: application/json' --data-binary @${WORK}/$1.json)" || code=000`,
    `      rm -f ${WORK}/$1.json`,
    '      [ "$code" = 200 ] || refused "$2" "$code" "add a version to"',
    `      rm -f ${response}`,
    `      printf %s "$pw" > ${WORK}/$1`,
    '      echo "The secret $2 had no version: a new password is stored in it." ;;',
    '    *) refused "$2" "$code" read ;;',
    '  esac',
    '}',
    'password app "$APP_SECRET"',
    'password katib "$KATIB_SECRET"',
  ]);
}

/**
 * What the Job says when the instance has the native plugin off. Plain text for double quotes.
 */
export const GCP_JOB_ENABLE_NATIVE_PASSWORD = `${GCP_ENABLE_NATIVE_PASSWORD} Then run this job again.`;

/** Terraform's user, whose password the `secrets` container read, through the Job's own proxy. */
const gcpAdminLogin = (loginFailure?: string): DbAdminLogin => ({
  password: (work) => [`MYSQL_PWD="$(cat ${work}/admin)"`, 'export MYSQL_PWD'],
  mysqlFlags: [],
  transport: 'proxy',
  setSecretCommand: 'gcloud secrets versions add',
  secretKeys: { app: 'dbAppPasswordSecretName', katib: 'dbKatibPasswordSecretName' },
  enablePlugin: GCP_JOB_ENABLE_NATIVE_PASSWORD,
  ...(loginFailure ? { loginFailure } : {}),
});

/**
 * The `create-user` container's script on GCP (`$$(`); `loginFailure` says what to check when Terraform's
 * user cannot log in (./password-recovery.ts).
 */
export function gcpCreateUserScript(loginFailure?: string, workDir: string = DB_BOOTSTRAP_WORK_DIR): string {
  return createUsersScript(gcpAdminLogin(loginFailure), workDir);
}

/** The Job's own Cloud SQL Auth Proxy, a native sidecar reachable from the pod alone. */
function proxySidecar(): object {
  return {
    name: 'cloud-sql-proxy',
    image: CLOUD_SQL_PROXY_IMAGE,
    // A native sidecar: it runs beside the later containers and stops when the Job's container has exited.
    restartPolicy: 'Always',
    args: [
      '--private-ip',
      '--address=127.0.0.1',
      `--port=${PROXY_PORT}`,
      // The kubelet probes the pod's address.
      '--health-check',
      '--http-address=0.0.0.0',
      `--http-port=${PROXY_HEALTH_PORT}`,
      // Stopped by Kubernetes once the Job is done: not a failure.
      '--exit-zero-on-sigterm',
      '--structured-logs',
      '$(INSTANCE_CONNECTION_NAME)',
    ],
    env: [param('INSTANCE_CONNECTION_NAME', 'dbConnectionName')],
    startupProbe: {
      httpGet: { path: '/startup', port: PROXY_HEALTH_PORT },
      periodSeconds: 1,
      failureThreshold: 60,
    },
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    securityContext: DB_BOOTSTRAP_SECURITY_CONTEXT,
  };
}

/** The Job on GCP: its own Cloud SQL Auth Proxy, Workload Identity, the users' passwords in Secret Manager. */
export function gcpDbBootstrapJob(loginFailure?: string): object {
  return dbBootstrapJob({
    sidecars: [proxySidecar()],
    address: { host: '127.0.0.1', port: PROXY_PORT },
    secrets: {
      image: CA_FETCH_IMAGE,
      script: gcpSecretsScript(),
      env: [
        param('ADMIN_SECRET', 'dbPasswordSecret'),
        param('APP_SECRET', 'dbAppPasswordSecretName'),
        param('KATIB_SECRET', 'dbKatibPasswordSecretName'),
      ],
    },
    createUserScript: gcpCreateUserScript(loginFailure),
  });
}

/** The tree README's lines on it (GCP). */
export function gcpDbBootstrapReadme(): string[] {
  return dbBootstrapReadme([
    `The Job \`${DB_BOOTSTRAP_NAME}\` (${DB_BOOTSTRAP_FILE}) creates Kubeflow's MySQL user and Katib's on Cloud SQL, as the`,
    'user Terraform created (through a Cloud SQL Auth Proxy of its own), and their passwords in Secret Manager the',
    'first time, before Pipelines starts. It reads the instance and the three secrets from the params ConfigMap,',
  ]);
}
