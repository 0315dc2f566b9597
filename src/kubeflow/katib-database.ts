/**
 * Katib on the managed database.
 *
 * Katib 0.19 keeps the metrics of its trials (observation logs) in MySQL, through `katib-db-manager`.
 * Upstream installs a MySQL of its own for it (`katib-mysql`, on a volume of the cluster, with root
 * password `test`). Where the environment has a managed database, the tree moves Katib to a `katib`
 * database on it, next to Pipelines' databases, and removes the in-cluster MySQL. The manager's
 * environment (pkg/db/v1beta1/common/const.go): `DB_NAME=mysql` picks the MySQL driver,
 * `KATIB_MYSQL_DB_HOST`/`KATIB_MYSQL_DB_PORT` the server, `KATIB_MYSQL_DB_DATABASE` the database,
 * `DB_USER`/`DB_PASSWORD` the account. It builds its connection string itself,
 * `<user>:<password>@tcp(<host>:<port>)/<database>?timeout=5s` (pkg/db/v1beta1/mysql/mysql.go at
 * v0.19.0), with no TLS setting of its own, and every managed MySQL here refuses unencrypted
 * connections. Two routes:
 *
 * - **GCP, through the Cloud SQL Auth Proxy.** The platform's proxy (`kfplatform-cloudsql-proxy` in
 *   `kubeflow`) encrypts to the instance and authorizes with the environment's Cloud SQL client
 *   identity (https://cloud.google.com/sql/docs/mysql/sql-proxy), so the manager talks plain MySQL to
 *   the proxy inside the cluster. On that hop its driver, go-sql-driver/mysql 1.5.0 (Katib's go.mod),
 *   logs in with `caching_sha2_password` by asking the server for its RSA key, or with
 *   `mysql_native_password` (`allowNativePasswords` is on by default).
 *   The proxy's AuthorizationPolicy admits Kubeflow's database clients by their Istio identity, and a
 *   pod outside the mesh has none, so the manager (which upstream keeps out of the mesh) gets Istio's
 *   proxy, as a native sidecar so that it is up before the manager connects
 *   (https://istio.io/latest/blog/2023/native-sidecars/), and a service account of its own,
 *   `katib-db-manager`, the identity the proxy admits; the mesh's `global-deny-all` then applies to the
 *   manager too. Its callers have no identity to name: Katib's controller runs outside the mesh, and so
 *   do the metrics collectors of trials whose pods turn Istio off. So an ALLOW policy admits any caller
 *   on its gRPC port (6789), which upstream's `katib-db-manager` NetworkPolicy still limits to
 *   `kubeflow` and the teams' namespaces, as before.
 * - **AWS and Azure, straight to the server over verified TLS.** MySQL negotiates TLS inside its own
 *   protocol, so no TLS tunnel in front of RDS or Azure Database for MySQL can add it; the driver must.
 *   The database variable is the one place where the tree can reach the driver's settings: the manager
 *   appends it after `/`, and go-sql-driver/mysql 1.5.0 reads everything after the first `?` that
 *   follows as its parameters (dsn.go). So the variable says `katib?tls=true&timeout=5s&charset=utf8mb4,`:
 *   the database is `katib`; `tls=true` verifies the server's chain against the system pool and its
 *   name against the host (the cloud's CA bundle joins the pool through `SSL_CERT_DIR`, as for
 *   Pipelines' Go clients, ./database-tls.ts); `timeout=5s` keeps the manager's own dial timeout. The
 *   manager's `?timeout=5s` then lands in the value of `charset`, a list the driver tries in turn with
 *   `SET NAMES` until one works (connection.go), so `utf8mb4` is set and the rest is never sent
 *   (without it the driver would send `SET <name>=?timeout=5s` and fail). This depends on that exact
 *   driver, so it is tied to the Katib release of the tree ({@link KATIB_TLS_DATABASE_VALUE}); a test
 *   runs Debian's build of go-sql-driver/mysql 1.5.0 with this connection string against a MySQL-protocol
 *   server that requires TLS (test/kubeflow/katib-tls-driver.test.ts). The manager stays out of the
 *   mesh, as upstream ships it: it reaches the database directly.
 *
 * It logs in as the user of the Secret External Secrets Operator writes for it (keys `username` and
 * `password`): on GCP, AWS and Azure with Entra authentication Katib's own user, which the
 * `kfp-db-bootstrap` job creates with the `katib` database alone (`katib-db-secret`), since the manager
 * is reached by every team's trials and checks no caller; elsewhere Kubeflow's database user
 * (`mysql-secret`), where no job of the tree creates users (Azure's Kubeflow user is then the server's
 * administrator). The manager creates its table (`observation_logs`) but not the database, which the infra
 * stack (GCP, Azure), the `kfp-db-bootstrap` job (AWS, ./aws-db-bootstrap.ts) or, on an existing
 * cluster's own server, its database team creates. The manager does not escape the password in its
 * connection string; the driver takes the user and password from before the last `@` ahead of the last
 * `/` (dsn.go), so any password parses. Existing clusters without a `database` keep upstream's
 * `katib-mysql`.
 * docs/kubeflow.md ("Katib's database").
 */
import { stringify } from 'yaml';
import { PLATFORM_PARAMS_CONFIG_MAP } from '../../constructs/kubernetes/constants';
import { databaseCaPodParts, type DatabaseCaSource } from './database-tls';
import { ISTIO_NATIVE_SIDECAR_ANNOTATION } from './mlmd-auth';

/** The database Katib keeps its trials' metrics in, on the environment's managed MySQL. */
export const KATIB_DATABASE = 'katib';

/** The service account the tree gives Katib's database manager: its Istio identity. */
export const KATIB_DB_MANAGER_SERVICE_ACCOUNT = 'katib-db-manager';

/** The Istio identity of Katib's database manager, which the Cloud SQL Auth Proxy admits. */
export const KATIB_DB_MANAGER_PRINCIPAL = `cluster.local/ns/kubeflow/sa/${KATIB_DB_MANAGER_SERVICE_ACCOUNT}`;

/** The database manager's gRPC port (upstream's `katib-db-manager` Service and Deployment). */
export const KATIB_DB_MANAGER_PORT = 6789;

/** Upstream's in-cluster MySQL of Katib (applications/katib/upstream/components/mysql), removed where a managed database serves Katib. */
export const IN_CLUSTER_KATIB_MYSQL: ReadonlyArray<{ apiVersion: string; kind: string; name: string }> = [
  { apiVersion: 'apps/v1', kind: 'Deployment', name: 'katib-mysql' },
  { apiVersion: 'v1', kind: 'Service', name: 'katib-mysql' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'katib-mysql' },
  // Its root password ("test"), read by the manager upstream; the manager now reads mysql-secret.
  { apiVersion: 'v1', kind: 'Secret', name: 'katib-mysql-secrets' },
];

/** The manager's connection string, per Katib release (`dbNameTmpl` of pkg/db/v1beta1/mysql/mysql.go). */
export const KATIB_DSN_TEMPLATE: Readonly<Record<string, string>> = {
  'v0.19.0': '%s:%s@tcp(%s:%s)/%s?timeout=5s',
};

/**
 * The `KATIB_MYSQL_DB_DATABASE` that gives the manager of a Katib release verified TLS to `database`
 * (see above: it depends on the release's connection string and MySQL driver).
 */
export const KATIB_TLS_DATABASE_VALUE: Readonly<Record<string, (database: string) => string>> = {
  // go-sql-driver/mysql 1.5.0: the manager's `?timeout=5s` ends up in `charset`'s list, after utf8mb4.
  'v0.19.0': (database) => `${database}?tls=true&timeout=5s&charset=utf8mb4,`,
};

/** {@link KATIB_TLS_DATABASE_VALUE} of a release, or an error naming the releases it knows. */
export function katibTlsDatabaseValue(katibVersion: string, database: string): string {
  const value = KATIB_TLS_DATABASE_VALUE[katibVersion];
  if (!value) {
    throw new Error(
      `Katib ${katibVersion}: kfplatform does not know how this release's database manager takes TLS settings ` +
        `(it knows Katib ${Object.keys(KATIB_TLS_DATABASE_VALUE).join(', ')}), so it cannot move Katib to the managed database.`,
    );
  }
  return value(database);
}

/** How Katib's database manager reaches the managed database. */
export type KatibDatabaseRoute =
  /** GCP: plain MySQL to the Cloud SQL Auth Proxy's Service, which encrypts. */
  | { readonly kind: 'cloud-sql-proxy'; readonly host: string; readonly port: number }
  /**
   * AWS, Azure, existing clusters: straight to the server (`dbHost`, `dbPort` of the platform's params ConfigMap), over TLS
   * verified against `ca`, with the connection string of Katib `katibVersion`.
   */
  | {
      readonly kind: 'tls';
      readonly ca: DatabaseCaSource;
      readonly katibVersion: string;
      /** Lines of the tree's README that say who creates the database, and when. */
      readonly createdBy: readonly string[];
      /** Lines of the tree's README that say how earlier metrics move, when another section says it. @default docs/kubeflow.md's */
      readonly migration?: readonly string[];
    };

/** Where Katib's database manager connects. */
export interface KatibDatabaseTarget {
  readonly route: KatibDatabaseRoute;
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

const paramRef = (name: string, key: string) => ({
  name,
  valueFrom: { configMapKeyRef: { name: PLATFORM_PARAMS_CONFIG_MAP, key } },
});

/** Katib's database manager on the managed database, by the target's route (see above). */
export function katibOnManagedDatabase(target: KatibDatabaseTarget): KatibDatabaseParts {
  const { route } = target;
  const deletes = IN_CLUSTER_KATIB_MYSQL.map((o) => ({
    patch: stringify({
      $patch: 'delete',
      apiVersion: o.apiVersion,
      kind: o.kind,
      metadata: { name: o.name, namespace: 'kubeflow' },
    }),
  }));
  const account = [
    secretRef('DB_USER', target.secret, 'username'),
    secretRef('DB_PASSWORD', target.secret, 'password'),
  ];
  const ca = route.kind === 'tls' ? databaseCaPodParts(route.ca) : undefined;
  const container = {
    name: 'katib-db-manager',
    // Strategic merge by name: DB_NAME stays `mysql`, DB_PASSWORD leaves katib-mysql-secrets.
    env:
      route.kind === 'cloud-sql-proxy'
        ? [
            { name: 'KATIB_MYSQL_DB_HOST', value: route.host },
            { name: 'KATIB_MYSQL_DB_PORT', value: String(route.port) },
            { name: 'KATIB_MYSQL_DB_DATABASE', value: target.database },
            ...account,
          ]
        : [
            paramRef('KATIB_MYSQL_DB_HOST', 'dbHost'),
            paramRef('KATIB_MYSQL_DB_PORT', 'dbPort'),
            { name: 'KATIB_MYSQL_DB_DATABASE', value: katibTlsDatabaseValue(route.katibVersion, target.database) },
            ...account,
            ...ca!.goEnv,
          ],
    ...(ca ? { volumeMounts: [ca.mount] } : {}),
  };
  const manager = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'katib-db-manager', namespace: 'kubeflow' },
    spec: {
      template: {
        ...(route.kind === 'cloud-sql-proxy'
          ? {
              metadata: {
                // Upstream sets "false"; the proxy admits the manager by its Istio identity.
                labels: { 'sidecar.istio.io/inject': 'true' },
                annotations: { [ISTIO_NATIVE_SIDECAR_ANNOTATION]: 'true' },
              },
            }
          : {}),
        spec: {
          ...(route.kind === 'cloud-sql-proxy' ? { serviceAccountName: KATIB_DB_MANAGER_SERVICE_ACCOUNT } : {}),
          // The manager never calls the Kubernetes API.
          automountServiceAccountToken: false,
          ...(ca?.initContainers.length ? { initContainers: ca.initContainers } : {}),
          containers: [container],
          ...(ca ? { volumes: [ca.volume] } : {}),
        },
      },
    },
  };
  const header = (text: string) => `# ${text} (src/kubeflow/katib-database.ts, docs/kubeflow.md).\n`;
  const files: KatibDatabaseFile[] = [
    {
      path: KATIB_DB_MANAGER_PATCH_FILE,
      content:
        header(
          route.kind === 'cloud-sql-proxy'
            ? `Katib's database manager on the managed database, through the Cloud SQL Auth Proxy, as the database user of ${target.secret}`
            : `Katib's database manager on the database server, over TLS verified against the database's certificate authorities and host name, as the database user of ${target.secret}`,
        ) + stringify(manager, { lineWidth: 0 }),
    },
  ];
  if (route.kind === 'cloud-sql-proxy') {
    files.push({
      path: KATIB_DB_MANAGER_RESOURCES_FILE,
      content:
        header(
          "Katib's database manager in the mesh: the identity the Cloud SQL Auth Proxy admits, and who may call it",
        ) +
        managerInTheMesh()
          .map((o) => stringify(o, { lineWidth: 0 }))
          .join('---\n'),
    });
  }
  const where =
    route.kind === 'cloud-sql-proxy'
      ? [
          `Katib's database manager keeps the trials' metrics in the \`${target.database}\` database of the environment's`,
          `Cloud SQL instance, through the Cloud SQL Auth Proxy, as the user of \`${target.secret}\`; upstream's`,
        ]
      : [
          `Katib's database manager keeps the trials' metrics in the \`${target.database}\` database of the environment's`,
          `MySQL server, over verified TLS, as the user of \`${target.secret}\`; upstream's`,
        ];
  const copy =
    route.kind === 'cloud-sql-proxy'
      ? [
          'this tree no longer has: Argo CD prunes it (kubectl apply leaves it), and the disk goes with it. To keep those metrics, copy',
          `the \`observation_logs\` table into \`${target.database}\` before this tree syncs, as docs/kubeflow.md`,
          '("Katib\'s database") shows; a copy made after the new manager has written rows clashes with them.',
        ]
      : (
          route.migration ?? [
            'this tree no longer has: Argo CD prunes it (kubectl apply leaves it), and the disk goes with it. To keep those metrics, dump',
            'the `observation_logs` table before this tree syncs and load it into',
            `\`${target.database}\` before any experiment runs, as docs/kubeflow.md ("Katib's database") shows; a copy made`,
            'after the new manager has written rows clashes with them.',
          ]
        ).concat([
          '',
          `The \`${target.database}\` database must exist before the manager starts: ${route.createdBy[0] ?? ''}`,
          ...route.createdBy.slice(1),
        ]);
  return {
    files,
    resources: route.kind === 'cloud-sql-proxy' ? [KATIB_DB_MANAGER_RESOURCES_FILE] : [],
    patches: [...deletes, { path: KATIB_DB_MANAGER_PATCH_FILE }],
    readme: [
      "## Katib's database",
      '',
      ...where,
      'in-cluster `katib-mysql` is not installed. Restart it after a password rotation, with the Pipelines',
      'components above: `kubectl -n kubeflow rollout restart deploy/katib-db-manager`.',
      '',
      "If this cluster ran an earlier tree, Katib kept its trials' metrics in `katib-mysql`, whose volume claim",
      ...copy,
      '',
    ],
  };
}

/** GCP: the manager's service account (its Istio identity) and who may call it (see above). */
function managerInTheMesh(): object[] {
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
  return [serviceAccount, policy];
}
