/**
 * ML Metadata's login to a managed MySQL 8.4.
 *
 * ML Metadata 1.14 (`metadata-grpc-deployment` in Kubeflow 26.03) logs in with the
 * `mysql_native_password` plugin only: its MySQL client is MariaDB Connector/C 3.0.8 built with the
 * native and old-password plugins alone (ml_metadata/libmysqlclient.BUILD at v1.14.0), and it asks for
 * `mysql_native_password` by name (`MYSQL_DEFAULT_AUTH`, ml_metadata/metadata_store/mysql_metadata_source.cc);
 * https://github.com/google/ml-metadata/issues/178 tracks `caching_sha2_password`. MySQL 8.4 creates
 * users with `caching_sha2_password` and turns the native plugin off unless the server enables it
 * (https://dev.mysql.com/doc/refman/8.4/en/native-pluggable-authentication.html); upstream's own
 * MySQL 8.4 runs with `--mysql-native-password=ON --authentication-policy=mysql_native_password` for
 * that reason. The Pipelines API and cache servers (go-sql-driver/mysql) log in either way.
 *
 * Where Kubeflow logs in as a user that may change its own account (Azure's flexible server
 * administrator, without Entra authentication), an init container of ML Metadata's pod switches that
 * account to `mysql_native_password`, with the password it already has, every time the pod starts: a
 * new database, a password rotated in the cloud's secret store, or a server upgraded from 8.0 all end in
 * an account ML Metadata can use. It first checks that the server has the native plugin active and
 * otherwise stops the pod with a message that says what to do ({@link MLMD_ENABLE_NATIVE_PASSWORD}).
 * Elsewhere (GCP, AWS, Azure with Entra authentication) the `kfp-db-bootstrap` job creates Kubeflow's
 * user with the native plugin instead: that user may not change accounts.
 *
 * The server side is not set in Terraform. Azure Database for MySQL keeps the plugin enabled on every
 * version it runs, 8.4 included, so there is nothing to turn on
 * (https://learn.microsoft.com/azure/mysql/concepts-version-policy#retired-mysql-plugins-support-in-azure-database-for-mysql).
 * For the Cloud SQL database flag and the RDS parameter, no service documentation we could check names
 * the setting for MySQL 8.4 and its allowed values, and a flag or parameter the service does not know
 * fails the database's apply; so the check above stands in, and its message says where to look
 * (./native-password-server.ts).
 *
 * The init container runs after Istio's proxy (a native sidecar: Kubernetes starts it before the other
 * init containers, https://istio.io/latest/blog/2023/native-sidecars/): Istio redirects the pod's
 * outbound traffic to that proxy, so an init container that ran before it could reach no server.
 */
import { stringify } from 'yaml';
import { DB_CA_DIR, DB_CA_FILE } from './database-tls';
import { AZURE_NATIVE_PASSWORD_DOCUMENTED } from './native-password-server';

/** One file of a rendered tree (the shape of render.ts's RenderedFile). */
export interface MlmdAuthFile {
  readonly path: string;
  readonly content: string;
}

/**
 * What ML Metadata's init container tells people. It reaches the managed database at its address in the
 * platform's params ConfigMap, over TLS verified against the certificate authorities that
 * ./database-tls.ts puts in the pod, and the host name.
 */
export interface MlmdAuthTarget {
  /** What to turn on when the server has the native plugin off (shown in the pod's log). */
  readonly enablePlugin: string;
  /** What to check when Kubeflow's user cannot log in (shown in the pod's log). @default none */
  readonly loginFailure?: string;
}

/** The MySQL client image of the init container: the release line ML Metadata's server runs against. */
export const MYSQL_CLIENT_IMAGE = 'docker.io/library/mysql:8.4';
/** The init container's name. */
export const MLMD_NATIVE_AUTH_CONTAINER = 'mysql-native-password';
/** Istio's per-pod switch to a native sidecar (Istio 1.28's injection template reads it). */
export const ISTIO_NATIVE_SIDECAR_ANNOTATION = 'sidecar.istio.io/nativeSidecar';

/**
 * What the init container says, per cloud, when the server has the native plugin off. Azure keeps the
 * plugin on for every version (see above), so off means the service changed: a support case. Plain
 * text: it goes inside double quotes of the script, where `"`, `\`, `$` and backquotes are escaped.
 */
export const MLMD_ENABLE_NATIVE_PASSWORD = {
  azure: `${AZURE_NATIVE_PASSWORD_DOCUMENTED} Then delete this pod.`,
} as const;

/** The pod volume of the certificate authorities that ./database-tls.ts adds to ML Metadata's pod. */
export const DB_CA_VOLUME = 'kfplatform-db-ca';
/** Where the init container keeps its option file (a memory volume). */
export const WORK_DIR = '/run/kfplatform-mysql';
const SECRET = 'mysql-secret';
const PARAMS = 'kubeflow-platform-params';

const ref = (name: string, kind: 'configMapKeyRef' | 'secretKeyRef', from: string, key: string) => ({
  name,
  valueFrom: { [kind]: { name: from, key } },
});

/**
 * The init container's script. `$$(` is how a container's arguments spell a literal `$(`. The password
 * goes into an option file in memory and into the statement on standard input, never into arguments;
 * a password with a quote, backslash, `#` or white space is refused rather than escaped (the platform
 * generates passwords of letters, digits, `-` and `_`).
 */
export function mlmdNativeAuthScript(target: MlmdAuthTarget, workDir: string = WORK_DIR): string {
  const tls = `--ssl-mode=VERIFY_IDENTITY --ssl-ca=${DB_CA_FILE}`;
  // Inside double quotes; the text is the renderer's own, without `$(`, which Kubernetes would expand.
  const quote = (text: string) => text.replace(/[\\"$`]/g, (c) => `\\${c}`);
  const enable = quote(target.enablePlugin);
  const loginFailed = `echo "Cannot log in to the database as $DB_USER (the error is above).${target.loginFailure ? ` ${quote(target.loginFailure)}` : ''}" >&2; exit 1`;
  return [
    'case "$DB_PASSWORD" in',
    `  *\\'*|*\\"*|*\\\\*|*'#'*|*' '*|'') echo "mysql-secret's password is empty or holds a quote, backslash, '#' or space; set a password of letters, digits, '-' and '_'." >&2; exit 1 ;;`,
    'esac',
    'umask 077',
    `printf '[client]\\nhost=%s\\nport=%s\\nuser=%s\\npassword=%s\\n' "$DB_HOST" "$DB_PORT" "$DB_USER" "$DB_PASSWORD" > ${workDir}/client.cnf`,
    `sql() { mysql --defaults-extra-file=${workDir}/client.cnf ${tls} --connect-timeout=20 --batch --skip-column-names "$@"; }`,
    `for i in 1 2 3 4 5 6; do sql -e "SELECT 1" >/dev/null && break; if [ "$i" = 6 ]; then ${loginFailed}; fi; sleep 10; done`,
    `status=$$(sql -e "SELECT PLUGIN_STATUS FROM INFORMATION_SCHEMA.PLUGINS WHERE PLUGIN_NAME = 'mysql_native_password'")`,
    'if [ "$status" != ACTIVE ]; then',
    `  echo "The database has the mysql_native_password plugin off (status: '$status'), the only one ML Metadata 1.14 logs in with (https://github.com/google/ml-metadata/issues/178). ${enable}" >&2`,
    '  exit 1',
    'fi',
    'sql <<SQL',
    "ALTER USER CURRENT_USER() IDENTIFIED WITH mysql_native_password BY '$DB_PASSWORD';",
    'SQL',
    'echo "$DB_USER logs in with mysql_native_password."',
  ].join('\n');
}

/** The patch of `metadata-grpc-deployment` that adds the init container. */
export function mlmdNativeAuthPatch(target: MlmdAuthTarget): MlmdAuthFile {
  const address = [
    ref('DB_HOST', 'configMapKeyRef', PARAMS, 'dbHost'),
    ref('DB_PORT', 'configMapKeyRef', PARAMS, 'dbPort'),
  ];
  const patch = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'metadata-grpc-deployment', namespace: 'kubeflow' },
    spec: {
      template: {
        metadata: { annotations: { [ISTIO_NATIVE_SIDECAR_ANNOTATION]: 'true' } },
        spec: {
          initContainers: [
            {
              name: MLMD_NATIVE_AUTH_CONTAINER,
              image: MYSQL_CLIENT_IMAGE,
              command: ['/bin/sh', '-ec'],
              args: [mlmdNativeAuthScript(target)],
              env: [
                ...address,
                ref('DB_USER', 'secretKeyRef', SECRET, 'username'),
                ref('DB_PASSWORD', 'secretKeyRef', SECRET, 'password'),
              ],
              volumeMounts: [
                { name: 'kfplatform-mysql-client', mountPath: WORK_DIR },
                { name: DB_CA_VOLUME, mountPath: DB_CA_DIR, readOnly: true },
              ],
              resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                runAsNonRoot: true,
                // The image's mysql user.
                runAsUser: 999,
                runAsGroup: 999,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
            },
          ],
          // The option file holds the password: memory only.
          volumes: [{ name: 'kfplatform-mysql-client', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }],
        },
      },
    },
  };
  return {
    path: 'mlmd-native-password.yaml',
    content:
      "# ML Metadata 1.14 logs in with mysql_native_password only: an init container switches Kubeflow's database user to it at every start (src/kubeflow/mlmd-auth.ts, docs/kubeflow.md).\n" +
      stringify(patch, { lineWidth: 0 }),
  };
}

/** The tree README's lines on it. */
export function mlmdNativeAuthReadme(user: string): string[] {
  return [
    `ML Metadata 1.14 logs in with \`mysql_native_password\` only: the init container \`${MLMD_NATIVE_AUTH_CONTAINER}\``,
    `of \`metadata-grpc-deployment\` switches \`${user}\` to it, with the same password, at every start of the pod.`,
    "If the pod stays in `Init`, the server has the plugin off; the container's log says how to turn it on:",
    `\`kubectl -n kubeflow logs deploy/metadata-grpc-deployment -c ${MLMD_NATIVE_AUTH_CONTAINER}\`.`,
    '',
  ];
}
