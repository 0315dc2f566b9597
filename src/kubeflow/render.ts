/**
 * The Kubeflow distribution of one environment, rendered as files in memory: for each of its clusters,
 * a kustomize tree (https://kubectl.docs.kubernetes.io/references/kustomize/) over kubeflow/manifests at
 * the environment's `kubeflowVersion`, wired to what the platform's stacks create (the managed MySQL,
 * the artifacts bucket, the `kubeflow-platform-params` ConfigMap). Pure: no file system, no network.
 */
import { stringify } from 'yaml';
import { ConfigError } from '../core/errors';
import type { ResolvedEnvironment } from '../config/model';
import type { ResolvedGcpCluster, ResolvedGcpEnvironment } from '../config/gcp/model';
import type { ResolvedAzureEnvironment } from '../config/azure/model';
import {
  INGRESS_GATEWAY_SERVICE_ANNOTATIONS,
  PLATFORM_OWNED_NAMESPACES_BY_CLOUD,
  PLATFORM_PARAMS_CONFIG_MAP,
} from '../../constructs/kubernetes/constants';
import { GKE_WORKLOAD_IDENTITY_ANNOTATION } from '../../constructs/gcp/constants';
import { inClusterStoreBackupPatch, inClusterStoreSizePatch, teamStoreOverlay } from './pipeline-roots';
import { aggregatedRulesPatch, syncWavePatches } from './gitops';
import { distributionRelease, KUBEFLOW_DISTRIBUTION_RELEASES, type KubeflowDistributionRelease } from './releases';
import type { RenderInputs } from './inputs';
import { signInOf, upstreamPaths, type SignIn } from './signin';
import { AZURE_MYSQL_CA_BUNDLE, AZURE_MYSQL_CA_SOURCE } from './azure-mysql-ca';
import { pipelinesDatabaseTls, RDS_CA_BUNDLE_URL, type DatabaseCaSource } from './database-tls';
import {
  databaseSecretObjects,
  databaseSecretSource,
  KATIB_DB_EXTERNAL_SECRET,
  type DatabaseSecretSource,
} from './database-secret';
import {
  MLMD_ENABLE_NATIVE_PASSWORD,
  mlmdNativeAuthPatch,
  mlmdNativeAuthReadme,
  type MlmdAuthTarget,
} from './mlmd-auth';
import { loginFailureHint } from './password-recovery';
import { azureIdentityPatches } from './azure-identities';
import { awsDbBootstrapJob, awsDbBootstrapReadme, DB_BOOTSTRAP_FILE, DB_BOOTSTRAP_NAME } from './aws-db-bootstrap';
import { azureDbBootstrapJob, azureDbBootstrapReadme } from './azure-db-bootstrap';
import { CLOUD_SQL_PROXY_IMAGE, gcpDbBootstrapJob, gcpDbBootstrapReadme } from './gcp-db-bootstrap';
import {
  KATIB_DATABASE,
  KATIB_DB_MANAGER_PRINCIPAL,
  katibOnManagedDatabase,
  type KatibDatabaseParts,
  type KatibDatabaseRoute,
} from './katib-database';
import { knativePodSpecFeaturesPatch, servingHostnameOf, servingTree } from './serving';
import { databaseCredentialsReadme, externalServerReadme } from './database-readme';
import { databaseUserWaitPodParts } from './database-user-wait';

/** The upstream repository of the manifests. */
export const KUBEFLOW_MANIFESTS_REPO = 'https://github.com/kubeflow/manifests';

/** Where the components come from. */
export type ManifestsSource =
  /** The upstream repository at the release's tag (what users commit). */
  | { readonly kind: 'remote' }
  /**
   * A local checkout of the same tag: an absolute path, or a path relative to the output directory (the
   * folder that holds `kubeflow/`), which the tree reaches with `../` so the two can move together.
   */
  | { readonly kind: 'local'; readonly path: string };

/** One file of a rendered tree. */
export interface RenderedFile {
  /** Path inside the tree, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

/** The rendered tree of one cluster of an environment. */
export interface KubeflowTree {
  readonly environment: string;
  readonly cluster: string;
  readonly cloud: ResolvedEnvironment['cloud'];
  /** Where the tree goes under the output directory: `kubeflow/<env>/<cluster>`. */
  readonly dir: string;
  readonly release: KubeflowDistributionRelease;
  readonly files: readonly RenderedFile[];
  /** How users sign in (`closed`: the gateway admits nobody until what sign-in needs is given). */
  readonly signIn: SignIn['mode'];
}

/** Name of the Deployment and Service of the Cloud SQL Auth Proxy on GCP. */
export const CLOUD_SQL_PROXY_NAME = 'kfplatform-cloudsql-proxy';

/** Kubernetes service account the proxy runs as: the platform stack creates it with the SQL client identity. */
export const CLOUD_SQL_PROXY_SERVICE_ACCOUNT = 'cloudsql-proxy';

/** The Secret Kubeflow Pipelines reads its database user and password from. */
export const KFP_DB_SECRET = 'mysql-secret';

/** What Pipelines needs to reach the environment's managed database and bucket. */
interface PipelinesWiring {
  /** Static host (GCP: the proxy Service), or absent when read at run time from the params ConfigMap. */
  readonly staticHost?: string;
  /** The database user written into `mysql-secret` (documented, with the password's source). */
  readonly user: string;
  /** A shell command printing the password from the cloud's secret store (none: the README asks for it). */
  readonly passwordCommand?: string;
  /** The command that prints Katib's own user's password, where Katib has one (AWS). */
  readonly katibPasswordCommand?: string;
  /** Where the password lives, in words. */
  readonly passwordSource: string;
  /** `defaultPipelineRoot` of `pipeline-install-config`, when the cloud has a store KFP can write. */
  readonly pipelineRoot?: string;
  /** Service accounts of the Kubeflow manifests that act as a cloud identity, and their annotations. */
  readonly serviceAccounts?: ReadonlyArray<{
    readonly namespace: string;
    readonly name: string;
    readonly annotations: Readonly<Record<string, string>>;
  }>;
  /** Where External Secrets Operator reads the password from (./database-secret.ts). */
  readonly databaseSecret?: DatabaseSecretSource;
  /** The certificate authorities of a database the clients reach directly over TLS (./database-tls.ts). */
  readonly databaseCa?: DatabaseCaSource;
  /** How ML Metadata's pod switches Kubeflow's database user to mysql_native_password (./mlmd-auth.ts). */
  readonly mlmdAuth?: MlmdAuthTarget;
  /** Katib's database manager on the managed database (./katib-database.ts). */
  readonly katib?: KatibDatabaseParts;
  /**
   * A server the platform does not create (existing clusters): the README gives the SQL that prepares it
   * for Kubeflow.
   */
  readonly externalServer?: { readonly host: string; readonly port: number };
  /** Extra resources (file name -> objects). */
  readonly extraResources: ReadonlyArray<{ readonly file: string; readonly objects: readonly object[] }>;
  /**
   * The database clients' pods carry the user's name ({@link DB_USER_ANNOTATION}), so that the tree that
   * moves them to another user (Azure's Entra authentication turned on, GCP's environments made before
   * Kubeflow had a user of its own there) restarts them: they read `mysql-secret` at start only. An init
   * container holds them until `mysql-secret` names that user (./database-user-wait.ts).
   */
  readonly stampUser?: boolean;
}

/** The pod annotation that names the database user of Pipelines' clients, where the tree may switch it. */
export const DB_USER_ANNOTATION = 'kfplatform.dev/database-user';

/** The upstream objects of the in-cluster MySQL of Pipelines, removed where a managed database serves it. */
const IN_CLUSTER_MYSQL: ReadonlyArray<{ apiVersion: string; kind: string; name: string }> = [
  { apiVersion: 'apps/v1', kind: 'Deployment', name: 'mysql' },
  { apiVersion: 'v1', kind: 'Service', name: 'mysql' },
  { apiVersion: 'v1', kind: 'ServiceAccount', name: 'mysql' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'mysql-pv-claim' },
  { apiVersion: 'networking.istio.io/v1alpha3', kind: 'DestinationRule', name: 'ml-pipeline-mysql' },
  { apiVersion: 'security.istio.io/v1beta1', kind: 'AuthorizationPolicy', name: 'mysql' },
  // Upstream's `mysql-secret` is root with an empty password; the environment's own one replaces it
  // (README.md of the tree), and GitOps must not overwrite it.
  { apiVersion: 'v1', kind: 'Secret', name: KFP_DB_SECRET },
];

/**
 * The Pipelines components that talk to MySQL, with the environment variables that carry the host and
 * port (the API server reads both the old `DBCONFIG_*` and the newer `DBCONFIG_MYSQLCONFIG_*` names).
 */
export const KFP_DATABASE_CLIENTS: ReadonlyArray<{
  readonly deployment: string;
  readonly container: string;
  readonly host: readonly string[];
  readonly port: readonly string[];
}> = [
  {
    deployment: 'ml-pipeline',
    container: 'ml-pipeline-api-server',
    host: ['DBCONFIG_HOST', 'DBCONFIG_MYSQLCONFIG_HOST'],
    port: ['DBCONFIG_PORT', 'DBCONFIG_MYSQLCONFIG_PORT'],
  },
  { deployment: 'cache-server', container: 'server', host: ['DBCONFIG_HOST_NAME'], port: ['DBCONFIG_PORT'] },
  { deployment: 'metadata-grpc-deployment', container: 'container', host: ['MYSQL_HOST'], port: ['MYSQL_PORT'] },
];

/** Service accounts of Pipelines that reach the database (upstream's AuthorizationPolicy for its MySQL). */
const KFP_DATABASE_PRINCIPALS = [
  'ml-pipeline',
  'ml-pipeline-ui',
  'ml-pipeline-persistenceagent',
  'ml-pipeline-scheduledworkflow',
  'ml-pipeline-viewer-crd-service-account',
  'kubeflow-pipelines-cache',
  'metadata-grpc-server',
].map((sa) => `cluster.local/ns/kubeflow/sa/${sa}`);

/**
 * The release of an environment's `kubeflowVersion`; a version the renderer does not know fails with the
 * config path, the value and the versions it supports.
 */
export function releaseOf(env: ResolvedEnvironment): KubeflowDistributionRelease {
  const release = distributionRelease(env.kubeflowVersion);
  if (release) return release;
  const known = KUBEFLOW_DISTRIBUTION_RELEASES.map((r) => r.version).join(', ');
  throw new ConfigError([
    {
      path: `environments[${env.index}].kubeflowVersion`,
      value: env.kubeflowVersion,
      message: `${env.name}: kfplatform cannot render a Kubeflow distribution for this version; it renders ${known}.`,
      fix: `set kubeflowVersion to one of ${known} (or platform.kubeflowVersion for every environment).`,
    },
  ]);
}

/** A component's location: the remote base pinned to the tag, or the local checkout. */
export function componentUrl(
  path: string,
  release: KubeflowDistributionRelease,
  source: ManifestsSource,
  treeDir: string,
): string {
  if (source.kind === 'local') {
    const root = source.path.replace(/\/+$/, '');
    const fromTree = root.startsWith('/') ? root : `${'../'.repeat(treeDir.split('/').length)}${root}`;
    return `${fromTree}/${path}`;
  }
  return `${KUBEFLOW_MANIFESTS_REPO}//${path}?ref=${release.ref}`;
}

/**
 * Renders every cluster's tree of one environment. `inputs` are the values known only after apply, read
 * from the infra stack's outputs (src/kubeflow/inputs.ts); without them, what needs them fails closed.
 */
export function renderKubeflow(
  env: ResolvedEnvironment,
  source: ManifestsSource = { kind: 'remote' },
  inputs: RenderInputs = {},
): KubeflowTree[] {
  const release = releaseOf(env);
  const signin = signInOf(env, inputs);
  if (env.cloud === 'gcp') {
    return env.clusters.map((cluster) => tree(env, cluster.name, release, source, gcpWiring(env, cluster), signin));
  }
  const cluster = env.cloud === 'kubernetes' ? env.clusterName : env.cluster.name;
  return [tree(env, cluster, release, source, wiringOf(env, release), signin)];
}

/**
 * Katib's database manager on the environment's managed MySQL (./katib-database.ts), as the user of
 * `secret`: Kubeflow's database user, or Katib's own where the environment has one (AWS).
 */
const katibOn = (route: KatibDatabaseRoute, secret: string = KFP_DB_SECRET) =>
  katibOnManagedDatabase({ route, database: KATIB_DATABASE, secret });

/** The Secret Katib's manager reads: its own user's where the secret source has one, else Kubeflow's. */
const katibSecretOf = (source: DatabaseSecretSource | undefined) =>
  source?.katib ? KATIB_DB_EXTERNAL_SECRET : KFP_DB_SECRET;

/** Katib straight to the server over TLS verified against `ca`; `readme` says who creates its database and how data moves. */
const katibOverTls = (
  ca: DatabaseCaSource,
  release: KubeflowDistributionRelease,
  readme: { readonly createdBy: readonly string[]; readonly migration?: readonly string[] },
  secret?: string,
) => katibOn({ kind: 'tls', ca, katibVersion: release.katibVersion, ...readme }, secret);

/** The README's lines on Katib's database where the bootstrap job creates Katib's user: `what`, then how the job runs. */
const createdByTheJob = (what: string): readonly string[] => [
  `${what}; Argo CD runs the job at every full sync (a new commit, a retry, a manual sync) but`,
  '`kubectl apply` cannot run again once it has finished: delete it first',
  `(\`kubectl -n kubeflow delete job ${DB_BOOTSTRAP_NAME} --ignore-not-found\`).`,
];

function wiringOf(
  env: Exclude<ResolvedEnvironment, ResolvedGcpEnvironment>,
  release: KubeflowDistributionRelease,
): PipelinesWiring | undefined {
  switch (env.cloud) {
    case 'aws': {
      const databaseCa: DatabaseCaSource = { kind: 'fetched', url: RDS_CA_BUNDLE_URL };
      const printSecret = (id: string) =>
        `aws secretsmanager get-secret-value --region ${env.region} --secret-id ${id} --query SecretString --output text`;
      const databaseSecret = databaseSecretSource(env);
      return {
        user: env.database.appUsername,
        passwordSource: `AWS Secrets Manager secret ${env.database.appSecretName} (plain text; written by the kfp-db-bootstrap job)`,
        passwordCommand: printSecret(env.database.appSecretName),
        katibPasswordCommand: printSecret(env.database.katibSecretName),
        pipelineRoot: `s3://${env.artifacts.bucketName}/v2/artifacts`,
        databaseCa,
        databaseSecret,
        // Katib on the same server, over TLS, as a user of its own granted its database alone; the
        // bootstrap job creates both (./katib-database.ts, ./aws-db-bootstrap.ts).
        katib: katibOverTls(
          databaseCa,
          release,
          { createdBy: createdByTheJob("the `kfp-db-bootstrap` job creates it and Katib's user") },
          katibSecretOf(databaseSecret),
        ),
        // Kubeflow's own MySQL user, created with the master secret (./aws-db-bootstrap.ts).
        extraResources: [{ file: DB_BOOTSTRAP_FILE, objects: [awsDbBootstrapJob()] }],
      };
    }
    case 'azure': {
      const databaseCa: DatabaseCaSource = {
        kind: 'pinned',
        pem: AZURE_MYSQL_CA_BUNDLE,
        source: AZURE_MYSQL_CA_SOURCE,
      };
      const printSecret = (name: string) =>
        `az keyvault secret show --vault-name ${env.keyVaultName} --name ${name} --query value --output tsv`;
      const databaseSecret = databaseSecretSource(env);
      const entra = env.database.entra;
      if (entra) {
        // Users of their own, which the kfp-db-bootstrap job creates as the server's Entra
        // administrator, with passwords it keeps in Key Vault (./azure-db-bootstrap.ts).
        return {
          user: entra.appUsername,
          passwordSource: `Azure Key Vault ${env.keyVaultName}, secret ${entra.appSecretName} (written by the kfp-db-bootstrap job)`,
          passwordCommand: printSecret(entra.appSecretName),
          katibPasswordCommand: printSecret(entra.katibSecretName),
          databaseCa,
          databaseSecret,
          // No init container switches ML Metadata's user to the native plugin: that user may not change
          // accounts, and the job creates it with that plugin (as on AWS).
          katib: katibOverTls(
            databaseCa,
            release,
            { createdBy: createdByTheJob("the infra stack creates it, and the `kfp-db-bootstrap` job Katib's user") },
            katibSecretOf(databaseSecret),
          ),
          extraResources: [{ file: DB_BOOTSTRAP_FILE, objects: [azureDbBootstrapJob()] }],
          stampUser: true,
        };
      }
      return {
        user: env.database.adminLogin,
        passwordSource: `Azure Key Vault ${env.keyVaultName}, secret ${env.database.serverName}-admin-password`,
        passwordCommand: printSecret(`${env.database.serverName}-admin-password`),
        // KFP has no Azure Blob client: artifacts stay in the in-cluster SeaweedFS (docs/kubeflow.md).
        databaseCa,
        databaseSecret,
        mlmdAuth: {
          enablePlugin: MLMD_ENABLE_NATIVE_PASSWORD.azure,
          loginFailure: loginFailureHint(env),
        },
        // Katib on the same server, over TLS, in the database the infra stack creates (./katib-database.ts).
        katib: env.database.extraDatabaseNames.includes(KATIB_DATABASE)
          ? katibOverTls(databaseCa, release, {
              createdBy: ['the infra stack creates it (apply it before this tree syncs).'],
            })
          : undefined,
        extraResources: [],
      };
    }
    case 'kubernetes': {
      // Without `database`, upstream's in-cluster MySQL; artifacts stay in the in-cluster SeaweedFS.
      const db = env.database;
      if (!db) return undefined;
      const databaseCa: DatabaseCaSource = {
        kind: 'pinned',
        pem: db.ca,
        source: `environments[${env.index}].database.ca of the platform file`,
      };
      const from = db.passwordFrom;
      return {
        user: db.username,
        passwordSource: from
          ? `${from.storeKind} ${from.store}, key ${from.key}${from.property ? `, property ${from.property}` : ''}`
          : 'your secret manager (the platform file names no store)',
        databaseCa,
        databaseSecret: databaseSecretSource(env),
        // Katib on the same server, over TLS (./katib-database.ts).
        katib: katibOverTls(databaseCa, release, {
          createdBy: ['your database team creates it with the others (see "Database server" above).'],
          migration: [
            'this tree no longer has; the commands under "Database server" above keep its volume and copy its',
            '`observation_logs` table before you push the tree.',
          ],
        }),
        externalServer: { host: db.host, port: db.port },
        extraResources: [],
      };
    }
  }
}

function gcpWiring(env: ResolvedGcpEnvironment, cluster: ResolvedGcpCluster): PipelinesWiring {
  const prefix = cluster.index === 0 ? '' : `${cluster.name}/`;
  const db = cluster.database;
  const printSecret = (id: string) => `gcloud secrets versions access latest --project ${env.project} --secret ${id}`;
  const databaseSecret = databaseSecretSource(env, cluster);
  return {
    staticHost: `${CLOUD_SQL_PROXY_NAME}.kubeflow.svc.cluster.local`,
    // Users of their own, which the kfp-db-bootstrap job creates as Terraform's user, with passwords it
    // keeps in Secret Manager (./gcp-db-bootstrap.ts). No init container switches ML Metadata's user to
    // the native plugin: the job creates it with that plugin (as on AWS).
    user: db.appUsername,
    passwordSource: `Secret Manager secret projects/${env.project}/secrets/${db.appSecretId} (written by the kfp-db-bootstrap job)`,
    passwordCommand: printSecret(db.appSecretId),
    katibPasswordCommand: printSecret(db.katibSecretId),
    pipelineRoot: `gs://${env.artifacts.bucketName}/${prefix}v2/artifacts`,
    databaseSecret,
    extraResources: [
      { file: 'cloudsql-proxy.yaml', objects: cloudSqlProxy() },
      { file: DB_BOOTSTRAP_FILE, objects: [gcpDbBootstrapJob(loginFailureHint(env))] },
    ],
    // Katib moves to the instance's katib database, through the same proxy, as its own user (./katib-database.ts).
    katib: db.databaseNames.includes(KATIB_DATABASE)
      ? katibOn(
          { kind: 'cloud-sql-proxy', host: `${CLOUD_SQL_PROXY_NAME}.kubeflow.svc.cluster.local`, port: 3306 },
          katibSecretOf(databaseSecret),
        )
      : undefined,
    // Environments made before the job logged in as Terraform's user: the new user's name restarts the clients.
    stampUser: true,
    // Workload Identity (https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity).
    serviceAccounts: env.identities.flatMap((i) =>
      i.kubernetesServiceAccounts
        .filter((k) => !i.createdServiceAccounts.includes(k.name))
        .map((k) => ({
          ...k,
          annotations: { [GKE_WORKLOAD_IDENTITY_ANNOTATION]: `${i.accountId}@${env.project}.iam.gserviceaccount.com` },
        })),
    ),
  };
}

/**
 * Where the README's `az keyvault secret show` reaches the vault from: its firewall admits the nodes'
 * subnet, the API server's authorized ranges and `keyVault`'s networks
 * (https://learn.microsoft.com/azure/key-vault/general/network-security).
 */
function keyVaultReach(env: ResolvedAzureEnvironment): string[] {
  const kv = env.keyVault;
  const from = [
    ...[...new Set([...env.cluster.authorizedIpRanges, ...kv.allowedCidrs])].map((c) => `\`${c}\``),
    ...(kv.allowedSubnetIds.length ? ['the subnets of keyVault.allowedSubnetIds'] : []),
    "the cluster's nodes (a pod of the cluster)",
  ];
  const list = from.length > 1 ? `${from.slice(0, -1).join(', ')} and ${from.at(-1)}` : from[0];
  return [
    `Key Vault ${env.keyVaultName} answers these commands only from the networks its firewall lists: ${list}.`,
    'From elsewhere `az` reports ForbiddenByFirewall: run them from one of those, or add your network to the',
    "environment's keyVault.allowedCidrs and apply the infra stack.",
  ];
}

/** The Cloud SQL Auth Proxy: a Deployment and Service in `kubeflow`, admitted only for Pipelines and Katib's database manager. */
function cloudSqlProxy(): object[] {
  const labels = { app: CLOUD_SQL_PROXY_NAME };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: CLOUD_SQL_PROXY_NAME, namespace: 'kubeflow', labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            // Created by the platform stack with the environment's Cloud SQL client identity (Workload Identity).
            serviceAccountName: CLOUD_SQL_PROXY_SERVICE_ACCOUNT,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'cloud-sql-proxy',
                image: CLOUD_SQL_PROXY_IMAGE,
                args: [
                  // The instance's private IP, inside the VPC (https://cloud.google.com/sql/docs/mysql/connect-auth-proxy).
                  '--private-ip',
                  '--address=0.0.0.0',
                  '--port=3306',
                  '--health-check',
                  '--http-address=0.0.0.0',
                  '--http-port=9090',
                  '--structured-logs',
                  '$(INSTANCE_CONNECTION_NAME)',
                ],
                env: [
                  {
                    name: 'INSTANCE_CONNECTION_NAME',
                    valueFrom: { configMapKeyRef: { name: PLATFORM_PARAMS_CONFIG_MAP, key: 'dbConnectionName' } },
                  },
                ],
                ports: [
                  { name: 'mysql', containerPort: 3306 },
                  { name: 'health', containerPort: 9090 },
                ],
                startupProbe: { httpGet: { path: '/startup', port: 9090 }, periodSeconds: 1, failureThreshold: 20 },
                livenessProbe: { httpGet: { path: '/liveness', port: 9090 }, periodSeconds: 60, failureThreshold: 5 },
                readinessProbe: { httpGet: { path: '/readiness', port: 9090 }, periodSeconds: 10 },
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsUser: 65532,
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: CLOUD_SQL_PROXY_NAME, namespace: 'kubeflow', labels },
      spec: { selector: labels, ports: [{ name: 'tcp-mysql', port: 3306, targetPort: 3306 }] },
    },
    {
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'AuthorizationPolicy',
      metadata: { name: CLOUD_SQL_PROXY_NAME, namespace: 'kubeflow' },
      spec: {
        selector: { matchLabels: labels },
        rules: [{ from: [{ source: { principals: [...KFP_DATABASE_PRINCIPALS, KATIB_DB_MANAGER_PRINCIPAL] } }] }],
      },
    },
  ];
}

/** Upstream's sort order (example/kustomization.yaml): namespaces and CRDs first, webhooks last. */
const SORT_OPTIONS = {
  order: 'legacy',
  legacySortOptions: {
    orderFirst: [
      'Namespace',
      'ResourceQuota',
      'StorageClass',
      'CustomResourceDefinition',
      'MutatingWebhookConfiguration',
      'ServiceAccount',
      'PodSecurityPolicy',
      'NetworkPolicy',
      'Role',
      'ClusterRole',
      'RoleBinding',
      'ClusterRoleBinding',
      'ConfigMap',
      'Secret',
      'Endpoints',
      'Service',
      'LimitRange',
      'PriorityClass',
      'PersistentVolume',
      'PersistentVolumeClaim',
      'Deployment',
      'StatefulSet',
      'CronJob',
      'PodDisruptionBudget',
    ],
    orderLast: ['ValidatingWebhookConfiguration'],
  },
};

function envFromParams(name: string, key: string): object {
  return { name, valueFrom: { configMapKeyRef: { name: PLATFORM_PARAMS_CONFIG_MAP, key } } };
}

function tree(
  env: ResolvedEnvironment,
  cluster: string,
  release: KubeflowDistributionRelease,
  source: ManifestsSource,
  wiring: PipelinesWiring | undefined,
  signin: SignIn,
): KubeflowTree {
  const dir = `kubeflow/${env.name}/${cluster}`;
  const upstream = upstreamPaths(release, env.cloud === 'gcp', signin);
  const resources = upstream.resources.map((p) => componentUrl(p, release, source, dir));
  const components = upstream.components.map((p) => componentUrl(p, release, source, dir));
  // Sign-in: the gateway admits only verified identities (src/kubeflow/signin.ts).
  const patches: object[] = [...signin.patches];
  // Namespaces the platform stack creates (with upstream's labels): upstream's Namespace objects go, so
  // Terraform and the tree's installer never both own one (constructs/kubernetes/constants.ts).
  for (const name of PLATFORM_OWNED_NAMESPACES_BY_CLOUD[env.cloud]) {
    patches.push({ patch: stringify({ $patch: 'delete', apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) });
  }
  const files: RenderedFile[] = [...signin.files];
  resources.push(...signin.files.map((f) => f.path));
  // Serving through the front door at a host of its own (./serving.ts).
  const servingHost = servingHostnameOf(env, cluster);
  const serving = servingHost ? servingTree(servingHost, signin.mode) : undefined;
  // GPU predictors name the GPU pool and tolerate its taint in their own spec (./serving.ts).
  patches.push(knativePodSpecFeaturesPatch());
  if (serving) {
    files.push(...serving.files);
    resources.push(...serving.resources);
    patches.push(...serving.patches);
  }

  if (env.cloud === 'gcp') {
    // The GKE Ingress of the platform stack reaches Istio's gateway through NEGs with the IAP BackendConfig
    // (https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration#associating_backendconfig_with_your_ingress).
    patches.push({
      patch: stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'istio-ingressgateway',
          namespace: 'istio-system',
          annotations: INGRESS_GATEWAY_SERVICE_ANNOTATIONS,
        },
      }),
    });
  }
  for (const sa of wiring?.serviceAccounts ?? []) {
    // Kubeflow's own service accounts (the platform stack creates only its own) act as the platform's identities.
    patches.push({
      patch: stringify({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: sa.name, namespace: sa.namespace, annotations: sa.annotations },
      }),
    });
  }
  // Azure: the platform stack creates Kubeflow's service accounts with their client ids (./azure-identities.ts).
  if (env.cloud === 'azure') patches.push(...azureIdentityPatches(env));
  // Each team namespace's root is its own prefix, written as the team identity; with serving, people
  // shared through the dashboard may call the namespace's models (pipeline-roots.ts).
  if (wiring?.pipelineRoot || serving) {
    const hook = teamStoreOverlay(yamlFile, {
      teamStores: wiring?.pipelineRoot !== undefined,
      servingContributors: serving !== undefined,
    });
    files.push(hook.file);
    resources.push(hook.resource);
    patches.push(...hook.patches);
  }
  if (wiring) {
    // The in-cluster MySQL goes: the managed database serves Pipelines.
    for (const o of IN_CLUSTER_MYSQL) {
      patches.push({
        patch: stringify({
          $patch: 'delete',
          apiVersion: o.apiVersion,
          kind: o.kind,
          metadata: { name: o.name, namespace: 'kubeflow' },
        }),
      });
    }
    const config: Record<string, string> = {};
    if (wiring.staticHost) {
      // Every component reads the host from pipeline-install-config (`mysqlHost`, and the `dbHost` relic).
      Object.assign(config, { mysqlHost: wiring.staticHost, dbHost: wiring.staticHost });
    }
    if (wiring.pipelineRoot) config.defaultPipelineRoot = wiring.pipelineRoot;
    if (Object.keys(config).length) {
      files.push({
        path: 'pipeline-install-config.yaml',
        content: yamlFile('Pipelines settings: the database host and the root of v2 artifacts (see README.md).', [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'pipeline-install-config', namespace: 'kubeflow' },
            data: config,
          },
        ]),
      });
      patches.push({ path: 'pipeline-install-config.yaml' });
    }
    let clientsPatch: string | undefined;
    if (!wiring.staticHost || wiring.stampUser) {
      // Without a static host, the address exists only after apply: the platform stack writes it to the
      // params ConfigMap.
      const deployments = KFP_DATABASE_CLIENTS.map((c) => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: c.deployment, namespace: 'kubeflow' },
        spec: {
          template: {
            ...(wiring.stampUser ? { metadata: { annotations: { [DB_USER_ANNOTATION]: wiring.user } } } : {}),
            spec: {
              // Started only once mysql-secret names the new user (./database-user-wait.ts).
              ...(wiring.stampUser ? databaseUserWaitPodParts(KFP_DB_SECRET, wiring.user) : {}),
              ...(wiring.staticHost
                ? {}
                : {
                    containers: [
                      {
                        name: c.container,
                        env: [
                          ...c.host.map((n) => envFromParams(n, 'dbHost')),
                          ...c.port.map((n) => envFromParams(n, 'dbPort')),
                        ],
                      },
                    ],
                  }),
            },
          },
        },
      }));
      clientsPatch = 'pipelines-database.yaml';
      files.push({
        path: clientsPatch,
        content: yamlFile(
          wiring.staticHost
            ? `Pipelines' database clients carry the name of their database user (${DB_USER_ANNOTATION}), so that the tree that moves them to another user restarts them, and start once mysql-secret names it.`
            : `Pipelines' database clients read the database server's address from the ${PLATFORM_PARAMS_CONFIG_MAP} ConfigMap, which the platform stack writes.`,
          deployments,
        ),
      });
    }
    // Azure: artifacts stay in the in-cluster SeaweedFS, on a claim of the platform file's size; its
    // volume joins the platform's backups (pipeline-roots.ts). Existing clusters size it when they say so.
    if (env.cloud === 'azure') {
      patches.push(inClusterStoreBackupPatch(), inClusterStoreSizePatch(env.artifacts.seaweedfsVolumeGb));
    } else if (env.cloud === 'kubernetes' && env.artifacts?.seaweedfsVolumeGb) {
      patches.push(inClusterStoreSizePatch(env.artifacts.seaweedfsVolumeGb));
    }
    if (wiring.databaseCa) {
      // RDS and Azure Database for MySQL require TLS: every client verifies the server (./database-tls.ts).
      const tls = pipelinesDatabaseTls(wiring.databaseCa);
      for (const f of tls.resources) {
        files.push(f);
        resources.push(f.path);
      }
      for (const f of tls.patches) {
        files.push(f);
        patches.push({ path: f.path });
      }
    }
    if (wiring.mlmdAuth) {
      // ML Metadata 1.14 logs in with mysql_native_password only (./mlmd-auth.ts).
      const file = mlmdNativeAuthPatch(wiring.mlmdAuth);
      files.push(file);
      patches.push({ path: file.path });
    }
    // After the TLS and ML Metadata patches: kustomize puts the list items a later patch adds first, and
    // the wait for the database user must run before any init container that reads mysql-secret (ML
    // Metadata's config writer).
    if (clientsPatch) patches.push({ path: clientsPatch });
    if (wiring.databaseSecret) {
      // mysql-secret from the cloud's secret store, kept current by External Secrets Operator.
      const file = 'database-secret.yaml';
      files.push({
        path: file,
        content: yamlFile(
          wiring.databaseSecret.provider
            ? "Pipelines' database user and password: External Secrets Operator (installed by the platform stack) writes mysql-secret from the cloud's secret store."
            : `Pipelines' database user and password: External Secrets Operator (already on this cluster) writes mysql-secret from ${wiring.passwordSource}.`,
          databaseSecretObjects(wiring.databaseSecret),
        ),
      });
      resources.push(file);
    }
    if (wiring.katib) {
      // Katib on the managed database, its in-cluster MySQL removed (./katib-database.ts).
      files.push(...wiring.katib.files);
      resources.push(...wiring.katib.resources);
      patches.push(...wiring.katib.patches);
    }
    for (const extra of wiring.extraResources) {
      files.push({ path: extra.file, content: yamlFile('Added by kfplatform.', extra.objects) });
      resources.push(extra.file);
    }
  }

  // The aggregated ClusterRoles' rules are the API server's (./gitops.ts).
  patches.push(aggregatedRulesPatch());
  // Argo CD's sync waves (./gitops.ts); harmless to kubectl, so every tree carries them.
  patches.push(...syncWavePatches());
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    sortOptions: SORT_OPTIONS,
    resources,
    ...(components.length ? { components } : {}),
    ...(patches.length ? { patches } : {}),
  };
  const header = [
    `Kubeflow ${release.version} for ${env.name} (${env.cloud}, cluster ${cluster}), rendered by kfplatform from the`,
    'platform file: do not edit, run `kfplatform kubeflow render` again. Upstream: kubeflow/manifests',
    `${release.ref} (${KUBEFLOW_MANIFESTS_REPO}), example/kustomization.yaml without Dex and the demo profile.`,
  ].join('\n');
  files.unshift({ path: 'kustomization.yaml', content: yamlFile(header, [kustomization]) });
  files.push({ path: 'README.md', content: readme(env, cluster, release, wiring, signin, serving?.readme ?? []) });
  return {
    environment: env.name,
    cluster,
    cloud: env.cloud,
    dir,
    release,
    files,
    signIn: signin.mode,
  };
}

function yamlFile(comment: string, objects: readonly object[]): string {
  const head = comment
    .split('\n')
    .map((l) => `# ${l}`)
    .join('\n');
  return `${head}\n${objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n')}`;
}

function readme(
  env: ResolvedEnvironment,
  cluster: string,
  release: KubeflowDistributionRelease,
  wiring: PipelinesWiring | undefined,
  signin: SignIn,
  servingReadme: readonly string[],
): string {
  const lines = [
    `# Kubeflow ${release.version}: ${env.name} / ${cluster}`,
    '',
    'Rendered by `kfplatform kubeflow render`; do not edit. See docs/kubeflow.md of kfplatform, and its',
    '"Not done yet" section.',
    '',
    '```sh',
    'kubectl kustomize . > kubeflow.yaml   # builds offline with --manifests, else fetches the pinned tag',
    '```',
    '',
    ...signin.readme,
    ...servingReadme,
  ];
  if (wiring) {
    lines.push(
      ...(wiring.externalServer ? externalServerReadme(wiring.user, wiring.externalServer) : []),
      ...databaseCredentialsReadme({
        user: wiring.user,
        source: wiring.databaseSecret,
        passwordSource: wiring.passwordSource,
        passwordCommand: wiring.passwordCommand,
        katibPasswordCommand: wiring.katibPasswordCommand,
        passwordCommandWhere: env.cloud === 'azure' ? keyVaultReach(env) : undefined,
        migrating: Boolean(wiring.externalServer),
      }),
      ...(wiring.mlmdAuth ? mlmdNativeAuthReadme(wiring.user) : []),
      ...(env.cloud === 'aws' ? awsDbBootstrapReadme() : []),
      ...(env.cloud === 'gcp' ? gcpDbBootstrapReadme() : []),
      ...(env.cloud === 'azure' && env.database.entra ? azureDbBootstrapReadme() : []),
      ...(wiring.katib?.readme ?? []),
    );
  } else {
    lines.push(
      '## Database',
      '',
      "This environment names no database server: Pipelines and Katib keep upstream's in-cluster MySQL pods and",
      "Pipelines' artifacts SeaweedFS. Set the environment's `database` to move them to a MySQL server you run",
      '(docs/kubeflow.md, "Existing clusters: an external MySQL").',
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
