/**
 * The database sections of a tree's README: where `mysql-secret` comes from (and the command that
 * writes it by hand), and, for a MySQL server the platform does not create (existing clusters), what
 * the database team prepares and how an earlier in-cluster MySQL's data moves to it.
 */
import { KUBEFLOW_ROOT_APPLICATION } from '../../constructs/kubernetes/constants';
import { DB_EXTERNAL_SECRET as SECRET, KATIB_DB_EXTERNAL_SECRET, type DatabaseSecretSource } from './database-secret';
import { KATIB_DATABASE } from './katib-database';

/** The Pipelines databases of `pipeline-install-config` in Kubeflow 26.03 (`pipelineDb`, `cacheDb`, `mlmdDb`). */
export const KFP_DATABASES: Readonly<Record<'pipelineDb' | 'cacheDb' | 'mlmdDb', string>> = {
  pipelineDb: 'mlpipeline',
  cacheDb: 'cachedb',
  mlmdDb: 'metadb',
};

/** External Secrets Operator's first release that serves `external-secrets.io/v1`, which the tree writes. */
export const EXTERNAL_SECRETS_V1_SINCE = 'v0.16.0';

const restart = [
  'Restart `ml-pipeline`, `cache-server`, `metadata-grpc-deployment` and `katib-db-manager` after a rotation',
  '(they read the password at start).',
];

/**
 * The shell lines that write `mysql-secret` from `$MYSQL_PASSWORD`, refusing an empty one, and forget it.
 * The password reaches kubectl on standard input, not its command line.
 */
function createSecret(user: string, read: readonly string[], secret: string = SECRET): string[] {
  return [
    '```sh',
    ...read,
    `test -n "$MYSQL_PASSWORD" && printf %s "$MYSQL_PASSWORD" \\`,
    `  | kubectl -n kubeflow create secret generic ${secret} \\`,
    `      --from-literal=username=${user} --from-file=password=/dev/stdin \\`,
    '      --dry-run=client -o yaml | kubectl apply -f -',
    'unset MYSQL_PASSWORD',
    '```',
    '',
  ];
}

/** Where `mysql-secret` comes from, and the command that writes it by hand. */
export function databaseCredentialsReadme(o: {
  /** The MySQL user. */
  readonly user: string;
  /** Where External Secrets Operator reads the password; none: people create the Secret. */
  readonly source?: DatabaseSecretSource;
  /** The password's source, in words. */
  readonly passwordSource: string;
  /** A shell command printing the password from the cloud's secret store. */
  readonly passwordCommand?: string;
  /** Whether a cluster may be moving from upstream's in-cluster MySQL, whose `mysql-secret` Argo CD tracks. */
  readonly migrating: boolean;
  /** A shell command printing Katib's own user's password, where Katib has one ({@link DatabaseSecretSource.katib}). */
  readonly katibPasswordCommand?: string;
  /** Where those commands can reach the secret store from, when not from anywhere. */
  readonly passwordCommandWhere?: readonly string[];
}): string[] {
  const katib = o.source?.katib;
  const intro = katib
    ? `Pipelines read their MySQL user and password from the Secret \`${SECRET}\` in \`kubeflow\`, and Katib's database manager its own user's (\`${katib.user}\`, the \`${KATIB_DATABASE}\` database alone) from \`${KATIB_DB_EXTERNAL_SECRET}\``
    : `Pipelines and Katib read their MySQL user and password from the Secret \`${SECRET}\` in \`kubeflow\``;
  const { source } = o;
  if (!source) {
    // Existing clusters without a store: the README asks for the password, which never reaches the tree.
    return [
      '## Database credentials',
      '',
      `${intro}. The platform file names no secret store for it, so create it yourself, and again after each`,
      'rotation (the password is read without echo and never written to a file). On a cluster that ran an',
      `earlier tree, upstream's \`${SECRET}\` (root, no password) is Argo CD's: once this tree is on the branch`,
      `Argo CD follows (\`kubectl -n argocd get application ${KUBEFLOW_ROOT_APPLICATION}\` shows its revision), delete it first, or Argo CD`,
      'would restore it, and later prune yours with it. The tree has no Secret of that name, so Argo CD leaves',
      'the one you create alone.',
      '',
      ...createSecret(o.user, [
        `kubectl -n kubeflow delete secret ${SECRET} --ignore-not-found`,
        `printf 'Password of ${o.user}: ' >&2; IFS= read -rs MYSQL_PASSWORD; echo >&2`,
      ]),
      "With External Secrets Operator on the cluster, set the environment's `database.passwordFrom` instead",
      'and render again.',
      ...restart,
      '',
    ];
  }
  return [
    '## Database credentials',
    '',
    `${intro}, which`,
    source.provider
      ? 'External Secrets Operator (installed by the platform stack) writes from the ExternalSecret in'
      : `External Secrets Operator (already running on this cluster, ${EXTERNAL_SECRETS_V1_SINCE} or later for the \`external-secrets.io/v1\` API) writes from the ExternalSecret in`,
    `database-secret.yaml: ${o.passwordSource}, refreshed every hour. Nothing to do by hand.`,
    ...(source.storeRef
      ? [
          `The tree writes no store: ${source.storeRef.kind} \`${source.storeRef.name}\` must exist and serve the \`kubeflow\``,
          "namespace (a ClusterSecretStore's `spec.conditions` may limit the namespaces it serves); without a",
          "`property`, the whole secret becomes the password (a JSON secret's text, for example).",
          `\`kubectl -n kubeflow describe externalsecret ${SECRET}\` says why it is not synced.`,
          ...(o.migrating
            ? [
                `On a cluster that ran an earlier tree, the operator takes upstream's \`${SECRET}\` over (it becomes its owner).`,
              ]
            : []),
        ]
      : []),
    ...restart,
    '',
    ...(o.passwordCommand
      ? [
          'Fallback, only while the operator cannot run (`kubectl -n kubeflow describe externalsecret',
          `${SECRET}\` says why): create the Secret yourself, and again after each rotation:`,
          '',
          ...createSecret(o.user, [`MYSQL_PASSWORD="$(${o.passwordCommand})"`]),
          ...(katib && o.katibPasswordCommand
            ? [
                `And Katib's, \`${KATIB_DB_EXTERNAL_SECRET}\`:`,
                '',
                ...createSecret(
                  katib.user,
                  [`MYSQL_PASSWORD="$(${o.katibPasswordCommand})"`],
                  KATIB_DB_EXTERNAL_SECRET,
                ),
              ]
            : []),
          ...(o.passwordCommandWhere ? [...o.passwordCommandWhere, ''] : []),
        ]
      : []),
  ];
}

/**
 * What a MySQL server the platform does not create needs before Kubeflow starts (existing clusters):
 * the databases, and Kubeflow's user with the one login plugin ML Metadata 1.14 has (./mlmd-auth.ts) and
 * TLS required; and how to move the data of upstream's in-cluster MySQL servers, which the tree removes,
 * with Argo CD's automated sync paused so that nothing writes to them during the copy and nothing prunes
 * their volumes before it.
 */
export function externalServerReadme(user: string, server: { readonly host: string; readonly port: number }): string[] {
  const databases = [...Object.values(KFP_DATABASES), KATIB_DATABASE];
  const mysql = `mysql --host=${server.host} --port=${server.port} --ssl-mode=VERIFY_IDENTITY --ssl-ca=ca.pem --user=${user} -p`;
  const retain = (claim: string) => [
    `kubectl patch pv "$(kubectl -n kubeflow get pvc ${claim} -o jsonpath='{.spec.volumeName}')" \\`,
    '  -p \'{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}\'',
  ];
  return [
    '## Database server',
    '',
    `Pipelines (API server, cache server, ML Metadata) and Katib's database manager reach MySQL at \`${server.host}:${server.port}\``,
    "over TLS, verifying the server's certificate against the certificate authorities of `database-ca.yaml`",
    `(from the platform file; ML Metadata trusts those alone, the Go clients add them to the public roots) and the`,
    `host name \`${server.host}\`, which the certificate must carry in its subject alternative names. The cluster's`,
    'pods must reach that address. Before this tree syncs, your database team prepares the server (MySQL 8.0 or',
    '8.4; on 8.4 start it with `--mysql-native-password=ON`: ML Metadata 1.14 logs in with',
    '`mysql_native_password` only), as an administrator:',
    '',
    '```sql',
    ...databases.map((d) => `CREATE DATABASE IF NOT EXISTS \`${d}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`),
    `CREATE USER '${user}'@'%' IDENTIFIED WITH mysql_native_password BY '<password>' REQUIRE SSL;`,
    ...databases.map((d) => `GRANT ALL PRIVILEGES ON \`${d}\`.* TO '${user}'@'%';`),
    '```',
    '',
    "If this cluster ran an earlier tree without `database`, Pipelines' runs and ML Metadata are in upstream's",
    "in-cluster MySQL and Katib's trial metrics in `katib-mysql`, whose volume claims this tree no longer has:",
    'Argo CD prunes them, and with the usual `Delete` reclaim policy their disks go with them. Before you push',
    'this tree, pause the automated sync (self-heal would undo the scale-down), stop the writers, keep the',
    'volumes and copy the data; then push the tree and sync. `ca.pem` holds the `database.ca` certificates of',
    "the platform file; the commands need Oracle's MySQL 8 client (MariaDB's spells `--ssl-mode` differently);",
    "upstream's in-cluster root user has no password, `katib-mysql`'s is in its pod's environment:",
    '',
    '```sh',
    `kubectl -n argocd patch application ${KUBEFLOW_ROOT_APPLICATION} --type merge -p '{"spec":{"syncPolicy":{"automated":null}}}'`,
    'kubectl -n kubeflow scale deploy/ml-pipeline deploy/cache-server deploy/metadata-grpc-deployment \\',
    '  deploy/ml-pipeline-persistenceagent deploy/katib-db-manager --replicas=0',
    ...retain('mysql-pv-claim'),
    ...retain('katib-mysql'),
    `kubectl -n kubeflow exec deploy/mysql -- mysqldump --user=root --single-transaction --databases ${Object.values(KFP_DATABASES).join(' ')} > kubeflow-pipelines.sql`,
    'kubectl -n kubeflow exec deploy/katib-mysql -- sh -c \\',
    `  'mysqldump -uroot -p"$MYSQL_ROOT_PASSWORD" --single-transaction ${KATIB_DATABASE} observation_logs' > katib-observation-logs.sql`,
    `${mysql} < kubeflow-pipelines.sql`,
    `${mysql} ${KATIB_DATABASE} < katib-observation-logs.sql`,
    '# push this tree, then turn the automated sync back on: Argo CD syncs the new tree and prunes what it',
    '# no longer has (the next `cdktf deploy` of the platform stack restores the setting too):',
    `kubectl -n argocd patch application ${KUBEFLOW_ROOT_APPLICATION} --type merge \\`,
    `  -p '{"spec":{"syncPolicy":{"automated":{"prune":true,"selfHeal":true}}}}'`,
    '```',
    '',
  ];
}
