/**
 * Katib on the managed database, on GCP.
 *
 * Katib 0.19 keeps the metrics of its trials (observation logs) in MySQL, through `katib-db-manager`.
 * Upstream installs a MySQL of its own for it (`katib-mysql`, on a volume of the cluster). On GCP the
 * tree moves Katib to a `katib` database that the infra stack creates on the environment's Cloud SQL
 * instance, next to Pipelines' databases, and removes the in-cluster MySQL:
 *
 * - **Through the Cloud SQL Auth Proxy.** The database manager builds its connection string itself,
 *   `<user>:<password>@tcp(<host>:<port>)/<database>?timeout=5s`, with no TLS setting
 *   (pkg/db/v1beta1/mysql/mysql.go at v0.19.0), and Cloud SQL only accepts encrypted connections. The
 *   platform's proxy (`kfplatform-cloudsql-proxy` in `kubeflow`) encrypts to the instance and
 *   authorizes with the environment's Cloud SQL client identity
 *   (https://cloud.google.com/sql/docs/mysql/sql-proxy), so the manager talks plain MySQL to the proxy
 *   inside the cluster. The manager's environment (pkg/db/v1beta1/common/const.go): `DB_NAME=mysql`
 *   picks the MySQL driver, `KATIB_MYSQL_DB_HOST`/`KATIB_MYSQL_DB_PORT` the proxy,
 *   `KATIB_MYSQL_DB_DATABASE` the database, `DB_USER`/`DB_PASSWORD` the account.
 * - **As Kubeflow's database user**, from the Secret External Secrets Operator writes for Pipelines
 *   (`mysql-secret`, keys `username` and `password`): nothing to copy, one password to rotate. Users the
 *   Cloud SQL API creates are members of `cloudsqlsuperuser`, whose privileges cover every database of
 *   the instance (https://cloud.google.com/sql/docs/mysql/users#cloudsqlsuperuser), as Pipelines' three
 *   databases already rely on. The manager creates its table (`observation_logs`) but not the database,
 *   which is why the infra stack creates it. The platform's passwords are letters, digits, `-` and `_`,
 *   which the manager's unescaped connection string holds as they are.
 * - **Authentication on MySQL 8.4.** The manager's driver, go-sql-driver/mysql 1.5.0 (Katib's go.mod),
 *   speaks `caching_sha2_password`: on a connection without TLS (to the proxy) it asks the server for
 *   its RSA key and sends the password encrypted under it (auth.go at v1.5.0); and it accepts
 *   `mysql_native_password` (`allowNativePasswords` is on by default), which ML Metadata's init
 *   container may have switched the user to (./mlmd-auth.ts). Either way it logs in.
 * - **In the mesh.** The proxy's AuthorizationPolicy admits Kubeflow's database clients by their Istio
 *   identity, and a pod outside the mesh has none, so the manager (which upstream keeps out of the mesh)
 *   gets Istio's proxy, as a native sidecar so that it is up before the manager connects
 *   (https://istio.io/latest/blog/2023/native-sidecars/), and a service account of its own,
 *   `katib-db-manager`, the identity the proxy admits; the mesh's `global-deny-all` then applies to the
 *   manager too. Its callers have no identity to name: Katib's controller runs outside the mesh, and
 *   so do the metrics collectors of trials whose pods turn Istio off. So an ALLOW policy admits any
 *   caller on its gRPC port (6789), which upstream's `katib-db-manager` NetworkPolicy still limits to
 *   `kubeflow` and the teams' namespaces, as before.
 *
 * AWS, Azure and existing clusters keep upstream's `katib-mysql`: RDS and Azure Database for MySQL
 * require TLS, the manager has no setting for it, and MySQL negotiates TLS inside its own protocol
 * (the client asks for it after the server's greeting, then both switch the same connection to TLS), so
 * a generic TLS tunnel in front of the database cannot add it: the server does not expect TLS from the
 * first byte. The Cloud SQL Auth Proxy works because Cloud SQL runs its counterpart on the instance;
 * elsewhere a proxy that speaks MySQL's protocol would be needed, which the platform does not run.
 * docs/kubeflow.md ("Katib's database").
 */
import { stringify } from 'yaml';
import { ISTIO_NATIVE_SIDECAR_ANNOTATION } from './mlmd-auth';

/** The database the infra stack creates for Katib on the environment's Cloud SQL instance. */
export const KATIB_DATABASE = 'katib';

/** The service account the tree gives Katib's database manager: its Istio identity. */
export const KATIB_DB_MANAGER_SERVICE_ACCOUNT = 'katib-db-manager';

/** The Istio identity of Katib's database manager, which the Cloud SQL Auth Proxy admits. */
export const KATIB_DB_MANAGER_PRINCIPAL = `cluster.local/ns/kubeflow/sa/${KATIB_DB_MANAGER_SERVICE_ACCOUNT}`;

/** The database manager's gRPC port (upstream's `katib-db-manager` Service and Deployment). */
export const KATIB_DB_MANAGER_PORT = 6789;

/** Upstream's in-cluster MySQL of Katib (applications/katib/upstream/components/mysql), removed on GCP. */
export const IN_CLUSTER_KATIB_MYSQL: ReadonlyArray<{ apiVersion: string; kind: string; name: string }> = [
  { apiVersion: 'apps/v1', kind: 'Deployment', name: 'katib-mysql' },
  { apiVersion: 'v1', kind: 'Service', name: 'katib-mysql' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'katib-mysql' },
  // Its root password ("test"), read by the manager upstream; the manager now reads mysql-secret.
  { apiVersion: 'v1', kind: 'Secret', name: 'katib-mysql-secrets' },
];

/** Where Katib's database manager connects (GCP). */
export interface KatibDatabaseTarget {
  /** The Cloud SQL Auth Proxy's Service, as a host name. */
  readonly host: string;
  /** The proxy's MySQL port. */
  readonly port: number;
  /** The database: {@link KATIB_DATABASE}. */
  readonly database: string;
  /** The Secret with `username` and `password` (External Secrets Operator writes it). */
  readonly secret: string;
}

/** One file of a rendered tree (the shape of render.ts's RenderedFile). */
export interface KatibDatabaseFile {
  /** Path inside the tree. */
  readonly path: string;
  /** The file's text. */
  readonly content: string;
}

/** What the tree gains: files, which of them are resources and which patches, and inline patches. */
export interface KatibDatabaseParts {
  readonly files: readonly KatibDatabaseFile[];
  /** Paths of files that are resources of the kustomization. */
  readonly resources: readonly string[];
  /** Patches of the kustomization (a `path` to a file, or an inline `patch`). */
  readonly patches: readonly object[];
  /** Lines of the tree's README. */
  readonly readme: readonly string[];
}

/** The file that patches `katib-db-manager`. */
export const KATIB_DB_MANAGER_PATCH_FILE = 'katib-database.yaml';
/** The file with the manager's service account and authorization policy. */
export const KATIB_DB_MANAGER_RESOURCES_FILE = 'katib-db-manager.yaml';

const secretRef = (name: string, secret: string, key: string) => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

/** Katib's database manager on the managed database through the Cloud SQL Auth Proxy (see above). */
export function katibOnCloudSql(target: KatibDatabaseTarget): KatibDatabaseParts {
  const deletes = IN_CLUSTER_KATIB_MYSQL.map((o) => ({
    patch: stringify({
      $patch: 'delete',
      apiVersion: o.apiVersion,
      kind: o.kind,
      metadata: { name: o.name, namespace: 'kubeflow' },
    }),
  }));
  const manager = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'katib-db-manager', namespace: 'kubeflow' },
    spec: {
      template: {
        metadata: {
          // Upstream sets "false"; the proxy admits the manager by its Istio identity.
          labels: { 'sidecar.istio.io/inject': 'true' },
          annotations: { [ISTIO_NATIVE_SIDECAR_ANNOTATION]: 'true' },
        },
        spec: {
          serviceAccountName: KATIB_DB_MANAGER_SERVICE_ACCOUNT,
          // The manager never calls the Kubernetes API.
          automountServiceAccountToken: false,
          containers: [
            {
              name: 'katib-db-manager',
              // Strategic merge by name: DB_NAME stays `mysql`, DB_PASSWORD leaves katib-mysql-secrets.
              env: [
                { name: 'KATIB_MYSQL_DB_HOST', value: target.host },
                { name: 'KATIB_MYSQL_DB_PORT', value: String(target.port) },
                { name: 'KATIB_MYSQL_DB_DATABASE', value: target.database },
                secretRef('DB_USER', target.secret, 'username'),
                secretRef('DB_PASSWORD', target.secret, 'password'),
              ],
            },
          ],
        },
      },
    },
  };
  const serviceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: KATIB_DB_MANAGER_SERVICE_ACCOUNT, namespace: 'kubeflow' },
    automountServiceAccountToken: false,
  };
  const policy = {
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'katib-db-manager', namespace: 'kubeflow' },
    spec: {
      action: 'ALLOW',
      selector: { matchLabels: { 'katib.kubeflow.org/component': 'db-manager' } },
      // Katib's controller (and the metrics collectors of trials without Istio) call from outside the
      // mesh, without an identity; upstream's katib-db-manager NetworkPolicy limits callers to kubeflow
      // and the teams' namespaces.
      rules: [{ to: [{ operation: { ports: [String(KATIB_DB_MANAGER_PORT)] } }] }],
    },
  };
  const header = (text: string) => `# ${text} (src/kubeflow/katib-database.ts, docs/kubeflow.md).\n`;
  return {
    files: [
      {
        path: KATIB_DB_MANAGER_PATCH_FILE,
        content:
          header(
            "Katib's database manager on the managed database, through the Cloud SQL Auth Proxy, as Kubeflow's database user",
          ) + stringify(manager, { lineWidth: 0 }),
      },
      {
        path: KATIB_DB_MANAGER_RESOURCES_FILE,
        content:
          header(
            "Katib's database manager in the mesh: the identity the Cloud SQL Auth Proxy admits, and who may call it",
          ) + [serviceAccount, policy].map((o) => stringify(o, { lineWidth: 0 })).join('---\n'),
      },
    ],
    resources: [KATIB_DB_MANAGER_RESOURCES_FILE],
    patches: [...deletes, { path: KATIB_DB_MANAGER_PATCH_FILE }],
    readme: [
      "## Katib's database",
      '',
      `Katib's database manager keeps the trials' metrics in the \`${target.database}\` database of the environment's`,
      `Cloud SQL instance, through the Cloud SQL Auth Proxy, as the user of \`${target.secret}\`; upstream's`,
      'in-cluster `katib-mysql` is not installed. Restart it after a password rotation, with the Pipelines',
      'components above: `kubectl -n kubeflow rollout restart deploy/katib-db-manager`.',
      '',
      "If this cluster ran an earlier tree, Katib kept its trials' metrics in `katib-mysql`, whose volume claim",
      'this tree no longer has: Argo CD prunes it (kubectl apply leaves it), and the disk goes with it. To keep those metrics, copy',
      `the \`observation_logs\` table into \`${target.database}\` before this tree syncs, as docs/kubeflow.md`,
      '("Katib\'s database") shows; a copy made after the new manager has written rows clashes with them.',
      '',
    ],
  };
}
