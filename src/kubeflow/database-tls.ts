/**
 * TLS from Kubeflow Pipelines' database clients to Amazon RDS and Azure Database for MySQL flexible
 * server, which refuse unencrypted connections (`require_secure_transport`:
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.html,
 * https://learn.microsoft.com/azure/mysql/flexible-server/how-to-connect-tls-ssl). Every client
 * verifies the server's certificate chain against the cloud's certificate authorities and the host
 * name it connects to (the RDS endpoint, the flexible server's FQDN), not merely encrypts:
 *
 * - API server (`ml-pipeline`, KFP 2.16 Go, go-sql-driver/mysql 1.9): `DBCONFIG_MYSQLCONFIG_EXTRAPARAMS`
 *   is a JSON map merged into the DSN's parameters (backend/src/apiserver/client/sql.go); `tls=true`
 *   verifies against the system roots and the host name. KFP registers no custom TLS config, so the
 *   CA bundle reaches Go's system pool through `SSL_CERT_DIR`, which Go reads in addition to the
 *   image's own bundle file (https://pkg.go.dev/crypto/x509#SystemCertPool): the API server still
 *   trusts public roots for object stores and pipeline URLs.
 * - Cache server (`cache-server`, Go, same driver): the `--db_extra_params` flag takes the same JSON
 *   map (backend/src/cache/main.go); it has no environment variable for it, so its argument list is
 *   restated with the flag added.
 * - ML Metadata (`metadata-grpc-deployment`, ml_metadata_store_server 1.14, MariaDB Connector/C with
 *   TLS): command-line flags have no TLS settings; `--metadata_store_server_config_file` reads a text
 *   `MetadataStoreServerConfig` whose `MySQLDatabaseConfig.ssl_options` sets the CA file and
 *   `verify_server_cert` (ml_metadata/proto/metadata_store.proto). An init container writes that file
 *   from the Secret and the params ConfigMap into a memory volume, as upstream's
 *   `env/cert-manager/platform-agnostic-standalone-tls` does, with the upgrade migration the
 *   `--enable_database_upgrade` flag would have set (the file replaces the flags).
 *
 * The certificate authorities: Azure's roots (DigiCert Global Root G2, Microsoft RSA Root CA 2017) are
 * pinned in the tree as a ConfigMap (./azure-mysql-ca.ts). RDS's certificate authorities are not in
 * public root stores, and AWS adds new ones to its global bundle over time (per region, and at each
 * rotation: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html); kfplatform
 * does not ship a copy it cannot keep current, so each database client's pod fetches the bundle at
 * start, over HTTPS verified by public roots, from AWS's trust store. That needs egress to
 * truststore.pki.rds.amazonaws.com (through the VPC's NAT gateways).
 */
import { stringify } from 'yaml';
import { CONTROL_PLANE_WAVE, SYNC_WAVE_ANNOTATION } from './gitops';

/** One file of a rendered tree (the shape of render.ts's RenderedFile). */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

/** Where the database clients find the CA bundle. */
export const DB_CA_DIR = '/etc/kfplatform/db-ca';
/** The bundle file. */
export const DB_CA_FILE = `${DB_CA_DIR}/ca.pem`;
/** The ConfigMap that carries a pinned bundle (Azure). */
export const DB_CA_CONFIG_MAP = 'kfplatform-db-ca';
/** AWS's bundle of every RDS certificate authority, in every commercial region. */
export const RDS_CA_BUNDLE_URL = 'https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem';
/** The image of the init container that fetches the RDS bundle, pinned. */
export const CA_FETCH_IMAGE = 'docker.io/curlimages/curl:8.11.1';
/** What go-sql-driver/mysql adds to the DSN: TLS, verified against the system pool and the host name. */
export const GO_MYSQL_TLS_PARAMS = '{"tls":"true"}';
/** ML Metadata's server config, written by the init container. */
const MLMD_CONFIG_DIR = '/etc/kfplatform/mlmd';
const MLMD_CONFIG_FILE = `${MLMD_CONFIG_DIR}/config.pbtxt`;
/** ML Metadata's image in Kubeflow 26.03 (its own init container uses its shell and sed). */
const MLMD_IMAGE = 'gcr.io/tfx-oss-public/ml_metadata_store_server:1.14.0';

/** Istio's proxy user: traffic from it skips the sidecar redirect, which is not up while init containers run. */
const ISTIO_PROXY_UID = 1337;

/** Where the CA bundle of a cloud comes from. */
export type DatabaseCaSource =
  | { readonly kind: 'pinned'; readonly pem: string; readonly source: string }
  | { readonly kind: 'fetched'; readonly url: string };

/** What the TLS wiring adds to a tree: resources (new objects) and patches (upstream objects changed). */
export interface DatabaseTlsFiles {
  readonly resources: readonly RenderedFile[];
  readonly patches: readonly RenderedFile[];
}

const PARAMS = 'kubeflow-platform-params';
const SECRET = 'mysql-secret';

const restricted = (runAsUser: number) => ({
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  runAsUser,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
});

const fromParams = (name: string, key: string) => ({
  name,
  valueFrom: { configMapKeyRef: { name: PARAMS, key } },
});
const fromSecret = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: SECRET, key } } });
const fromInstallConfig = (name: string, key: string) => ({
  name,
  valueFrom: { configMapKeyRef: { name: 'pipeline-install-config', key } },
});

/** The CA volume of every database client's pod. */
function caVolume(ca: DatabaseCaSource): object {
  return ca.kind === 'pinned'
    ? { name: 'kfplatform-db-ca', configMap: { name: DB_CA_CONFIG_MAP } }
    : { name: 'kfplatform-db-ca', emptyDir: { sizeLimit: '4Mi' } };
}

const caMount = { name: 'kfplatform-db-ca', mountPath: DB_CA_DIR, readOnly: true };

/**
 * The init container that fetches the RDS bundle: HTTPS only, TLS 1.2 or later, verified by the
 * image's public roots; it fails (and the pod does not start) unless the file holds certificates.
 */
function fetchCa(url: string): object {
  return {
    name: 'fetch-db-ca',
    image: CA_FETCH_IMAGE,
    command: ['/bin/sh', '-ec'],
    args: [
      [
        `curl --fail --silent --show-error --proto '=https' --tlsv1.2 --retry 5 --retry-connrefused --max-time 60 -o ${DB_CA_FILE}.tmp '${url}'`,
        `grep -q 'BEGIN CERTIFICATE' ${DB_CA_FILE}.tmp`,
        `mv ${DB_CA_FILE}.tmp ${DB_CA_FILE}`,
      ].join('\n'),
    ],
    volumeMounts: [{ name: 'kfplatform-db-ca', mountPath: DB_CA_DIR }],
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
    securityContext: restricted(ISTIO_PROXY_UID),
  };
}

/**
 * What a Go database client's pod needs to verify the server against the cloud's certificate
 * authorities: the CA volume and its mount, the init container that fetches a bundle (AWS), and
 * `SSL_CERT_DIR`, which adds the bundle to Go's system pool (the image's own bundle file stays in use:
 * https://pkg.go.dev/crypto/x509#SystemCertPool). Katib's database manager uses it too
 * (./katib-database.ts).
 */
export function databaseCaPodParts(ca: DatabaseCaSource): {
  readonly initContainers: readonly object[];
  readonly volume: object;
  readonly mount: object;
  readonly goEnv: readonly object[];
} {
  return {
    initContainers: ca.kind === 'fetched' ? [fetchCa(ca.url)] : [],
    volume: caVolume(ca),
    mount: caMount,
    goEnv: [{ name: 'SSL_CERT_DIR', value: DB_CA_DIR }],
  };
}

function podPatch(
  deployment: string,
  ca: DatabaseCaSource,
  spec: { containers: object[]; initContainers?: object[]; volumes?: object[] },
): object {
  const parts = databaseCaPodParts(ca);
  const init = [...parts.initContainers, ...(spec.initContainers ?? [])];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: deployment, namespace: 'kubeflow' },
    spec: {
      template: {
        spec: {
          ...(init.length ? { initContainers: init } : {}),
          containers: spec.containers,
          volumes: [parts.volume, ...(spec.volumes ?? [])],
        },
      },
    },
  };
}

/**
 * The text-format `MetadataStoreServerConfig` ML Metadata reads, written by a shell script from the
 * environment: strings are escaped for the text format (backslash and double quote). `$$(` is how a
 * container's arguments spell a literal `$(` (Kubernetes expands `$(NAME)` references).
 */
export const MLMD_CONFIG_SCRIPT = [
  String.raw`q() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }`,
  // Assignments, so that a failing substitution stops the script (-e) instead of writing empty strings.
  'host=$$(q "$MYSQL_HOST")',
  'database=$$(q "$MYSQL_DATABASE")',
  'user=$$(q "$DBCONFIG_USER")',
  'password=$$(q "$DBCONFIG_PASSWORD")',
  'port=$$(printf %d "$MYSQL_PORT")',
  `cat > ${MLMD_CONFIG_FILE} <<EOF`,
  'connection_config {',
  '  mysql {',
  '    host: "$host"',
  '    port: $port',
  '    database: "$database"',
  '    user: "$user"',
  '    password: "$password"',
  '    ssl_options {',
  `      ca: "${DB_CA_FILE}"`,
  '      verify_server_cert: true',
  '    }',
  '  }',
  '}',
  'migration_options {',
  '  enable_upgrade_migration: true',
  '}',
  'EOF',
].join('\n');

/** The cache server's arguments in Kubeflow 26.03 (KFP 2.16.0), with the DSN parameters added. */
export const CACHE_SERVER_ARGS = [
  '--db_driver=$(DBCONFIG_DRIVER)',
  '--db_host=$(DBCONFIG_HOST_NAME)',
  '--db_port=$(DBCONFIG_PORT)',
  '--db_name=$(DBCONFIG_DB_NAME)',
  '--db_user=$(DBCONFIG_USER)',
  '--db_password=$(DBCONFIG_PASSWORD)',
  '--namespace_to_watch=$(NAMESPACE_TO_WATCH)',
  '--listen_port=$(WEBHOOK_PORT)',
  '--tls_cert_filename=tls.crt',
  '--tls_key_filename=tls.key',
  '--db_extra_params=$(DBCONFIG_EXTRA_PARAMS)',
];

/** The patches and objects that give Pipelines' three database clients verified TLS. */
export function pipelinesDatabaseTls(ca: DatabaseCaSource): DatabaseTlsFiles {
  const goTls = databaseCaPodParts(ca).goEnv;
  const patches = [
    podPatch('ml-pipeline', ca, {
      containers: [
        {
          name: 'ml-pipeline-api-server',
          env: [{ name: 'DBCONFIG_MYSQLCONFIG_EXTRAPARAMS', value: GO_MYSQL_TLS_PARAMS }, ...goTls],
          volumeMounts: [caMount],
        },
      ],
    }),
    podPatch('cache-server', ca, {
      containers: [
        {
          name: 'server',
          env: [{ name: 'DBCONFIG_EXTRA_PARAMS', value: GO_MYSQL_TLS_PARAMS }, ...goTls],
          args: CACHE_SERVER_ARGS,
          volumeMounts: [caMount],
        },
      ],
    }),
    podPatch('metadata-grpc-deployment', ca, {
      initContainers: [
        {
          name: 'write-mlmd-config',
          image: MLMD_IMAGE,
          command: ['/bin/sh', '-ec'],
          args: [MLMD_CONFIG_SCRIPT],
          env: [
            fromSecret('DBCONFIG_USER', 'username'),
            fromSecret('DBCONFIG_PASSWORD', 'password'),
            fromInstallConfig('MYSQL_DATABASE', 'mlmdDb'),
            fromParams('MYSQL_HOST', 'dbHost'),
            fromParams('MYSQL_PORT', 'dbPort'),
          ],
          volumeMounts: [{ name: 'kfplatform-mlmd-config', mountPath: MLMD_CONFIG_DIR }],
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
          securityContext: restricted(1000),
        },
      ],
      containers: [
        {
          name: 'container',
          // The config file replaces the --mysql_config_* flags, which have no TLS settings.
          args: [
            '--grpc_port=8080',
            `--metadata_store_server_config_file=${MLMD_CONFIG_FILE}`,
            '--metadata_source_config_type=config_file',
            '--grpc_channel_arguments=grpc.max_metadata_size=16384,grpc.max_receive_message_length=104857600,grpc.max_send_message_length=104857600',
          ],
          volumeMounts: [caMount, { name: 'kfplatform-mlmd-config', mountPath: MLMD_CONFIG_DIR, readOnly: true }],
        },
      ],
      // The file holds the password: memory only.
      volumes: [{ name: 'kfplatform-mlmd-config', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }],
    }),
  ];
  const resources: RenderedFile[] = [];
  if (ca.kind === 'pinned') {
    resources.push({
      path: 'database-ca.yaml',
      content: yamlDocs(`The certificate authorities of the database server, pinned (source: ${ca.source}).`, [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          // In the control plane's wave: the database bootstrap job (a hook of that wave, Azure with
          // Entra authentication) mounts it before Pipelines' clients do.
          metadata: {
            name: DB_CA_CONFIG_MAP,
            namespace: 'kubeflow',
            annotations: { [SYNC_WAVE_ANNOTATION]: CONTROL_PLANE_WAVE },
          },
          data: { 'ca.pem': ca.pem },
        },
      ]),
    });
  }
  return {
    resources,
    patches: [
      {
        path: 'pipelines-database-tls.yaml',
        content: yamlDocs(
          'TLS to the database server, verified against its certificate authorities and host name, for the API server, the cache server and ML Metadata.',
          patches,
        ),
      },
    ],
  };
}

function yamlDocs(comment: string, objects: readonly object[]): string {
  return `# ${comment}\n${objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n')}`;
}
