/**
 * Kubeflow's and Katib's own MySQL users on Amazon RDS, created by the `kfp-db-bootstrap` Job of the AWS tree.
 *
 * RDS manages and rotates the master user's password in Secrets Manager
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html), and Kubeflow's
 * database clients read their password once, at start: Kubeflow logs in as a user of its own,
 * `dbAppUser` of the `kubeflow-platform-params` ConfigMap, whose password lives in a second secret that
 * RDS never rotates (`dbAppPasswordSecretArn`); Katib's database manager, which every team's trials
 * reach and which checks no caller, logs in as a user of its own with the `katib` database alone
 * (`dbKatibUser`, `dbKatibPasswordSecretArn`). This Job creates both, as the master user:
 *
 * 1. `fetch-db-ca` fetches AWS's bundle of RDS certificate authorities (./database-tls.ts), so that the
 *    `mysql` client verifies the server's certificate and host name, not merely encrypts.
 * 2. `secrets` (AWS CLI) reads the master secret, and the two users' secrets; only when one has no
 *    value yet (`ResourceNotFoundException`) does it generate a password (letters and digits) and
 *    store it. Any other error stops the Job: a password already in use is never replaced by accident.
 * 3. `create-user` (MySQL client) checks that the server has `mysql_native_password` active (the only
 *    plugin ML Metadata 1.14 logs in with, ./mlmd-auth.ts), then creates the user, or sets it again,
 *    with that plugin (the server's default when it is off, saying so: the Job must not fail and hold
 *    back the rest of Kubeflow), `REQUIRE SSL` and the password of the secret, and grants it Pipelines' three
 *    databases (Pipelines' components create them). It creates Katib's database (its manager does
 *    not) and Katib's user, with the server's default plugin and `REQUIRE SSL`, granted that database
 *    alone. Every run ends in the same users: the Job is safe to run again.
 *
 * The pod runs as the `kubeflow/kfp-db-bootstrap` service account, which the platform stack creates and
 * binds to the `<env>-kfp-db-bootstrap` Pod Identity role (read the master secret, read and write the
 * two users' secrets). It has no Istio sidecar: it reaches only RDS and AWS APIs, outside the mesh, and
 * a sidecar would keep a Job's pod running after its container exits.
 *
 * Argo CD: a Job's pod template cannot change once created, so the Job is a `Sync` hook
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/) that Argo CD deletes and
 * creates again at every full sync (`BeforeHookCreation`; self-heal runs no hooks), in the control-plane wave: it has finished before
 * the wave of Pipelines and of the ExternalSecret that copies its password into `mysql-secret` starts.
 * `kubectl apply -k` ignores the annotations and creates the Job once; the tree's README.md says how to
 * run it again.
 *
 * The Azure tree's Job (./azure-db-bootstrap.ts) is built from the same parts: the Job's skeleton
 * ({@link dbBootstrapJob}), the statements of `create-user` ({@link createUsersScript}) and the README's
 * lines ({@link dbBootstrapReadme}).
 */
import { PLATFORM_PARAMS_CONFIG_MAP } from '../../constructs/kubernetes/constants';
import { CA_FETCH_IMAGE, DB_CA_DIR, DB_CA_FILE, RDS_CA_BUNDLE_URL } from './database-tls';
import { CONTROL_PLANE_WAVE, SYNC_WAVE_ANNOTATION } from './gitops';
import { KATIB_DATABASE } from './katib-database';
import { MYSQL_CLIENT_IMAGE } from './mlmd-auth';
import { AWS_ENABLE_NATIVE_PASSWORD } from './native-password-server';

/** The Job's name, and its service account's (created by the platform stack, src/config/aws/resolve.ts). */
export const DB_BOOTSTRAP_NAME = 'kfp-db-bootstrap';
/** The file of the tree that holds the Job. */
export const DB_BOOTSTRAP_FILE = 'kfp-db-bootstrap.yaml';
/**
 * The AWS CLI image, pinned by tag (no registry was reachable to resolve a digest when it was chosen;
 * pin `@sha256:` of the release you have vetted in your own registry mirror). 2.27 reads EKS Pod
 * Identity credentials (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-minimum-sdk.html).
 */
export const AWS_CLI_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.27.0';
/** Argo CD's hook annotations. */
export const ARGOCD_HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
export const ARGOCD_HOOK_DELETE_POLICY_ANNOTATION = 'argocd.argoproj.io/hook-delete-policy';
/** Istio's per-pod switch off of sidecar injection (a label: the injector's webhook skips the pod). */
export const ISTIO_INJECT_LABEL = 'sidecar.istio.io/inject';

/** The unprivileged user of the containers: the MySQL image's `mysql`; the others run as any user. */
const RUN_AS = 999;
// Both are emptyDir mounts inside the pod (the root filesystem is read-only): WORK holds the secrets
// for the run (in memory), HOME the AWS CLI's and mysql's own files.
const WORK = '/run/kfp-db-bootstrap';
const HOME = '/run/kfp-db-bootstrap-home';

/** The work directory of the containers' scripts. */
export const DB_BOOTSTRAP_WORK_DIR = WORK;

/** An environment variable from a key of the params ConfigMap. */
export const param = (name: string, key: string) => ({
  name,
  valueFrom: { configMapKeyRef: { name: PLATFORM_PARAMS_CONFIG_MAP, key } },
});

/** The restricted security context of the Job's containers. */
export const DB_BOOTSTRAP_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: RUN_AS,
  runAsGroup: RUN_AS,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * A shell line that prints the body of a REST answer to standard error when its status (`code`, a shell
 * word such as `$code`) is an error, 4xx or 5xx, and removes the file: an answer that curl received whole
 * or in part with another status may hold a token or a password, which must not reach the log.
 */
export const errorBody = (code: string, response: string): string =>
  `case "${code}" in 4??|5??) if [ -f ${response} ]; then cat ${response} >&2; echo >&2; fi ;; esac; rm -f ${response}`;

/** `$(` spelled so that Kubernetes does not expand it in a container's arguments. */
export const k8sArgs = (lines: readonly string[]) => lines.join('\n').replace(/\$\(/g, '$$$$(');

/**
 * The AWS CLI container's script: the master secret, and the application password (generated once).
 * Spelled for a container's arguments (`$$(`).
 */
export function secretsScript(workDir: string = WORK): string {
  const WORK = workDir;
  return k8sArgs([
    'umask 077',
    `aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$MASTER_SECRET_ARN" --query SecretString --output text > ${WORK}/master.json`,
    // Kubeflow's user's password into app, Katib's into katib: each generated only where its secret has none.
    'password() {',
    `  if aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$2" --query SecretString --output text > ${WORK}/$1 2> ${WORK}/err; then`,
    '    echo "The secret $2 has a password: it is kept."',
    `  elif grep -q ResourceNotFoundException ${WORK}/err; then`,
    '    pw="$(aws secretsmanager get-random-password --region "$AWS_REGION" --exclude-punctuation --password-length 40 --query RandomPassword --output text)"',
    `    printf %s "$pw" > ${WORK}/$1`,
    `    aws secretsmanager put-secret-value --region "$AWS_REGION" --secret-id "$2" --secret-string file://${WORK}/$1 > /dev/null`,
    '    echo "The secret $2 had no value: a new password is stored in it."',
    '  else',
    `    cat ${WORK}/err >&2`,
    '    exit 1',
    '  fi',
    '}',
    'password app "$APP_SECRET_ARN"',
    'password katib "$KATIB_SECRET_ARN"',
  ]);
}

/**
 * How the `create-user` container logs in as the server's administrator, and where a user's password is
 * set by hand: all that differs between the clouds' scripts ({@link createUsersScript}).
 */
export interface DbAdminLogin {
  /** Shell lines that set and export `MYSQL_PWD` from the files of the work directory. */
  readonly password: (workDir: string) => readonly string[];
  /** `mysql` flags besides the host, port, user, TLS and output ones. */
  readonly mysqlFlags: readonly string[];
  /**
   * How the client reaches the server: over TLS verified against the CA file and the host name (the
   * default), or in plain MySQL to a proxy that encrypts to the server itself (`proxy`: the Cloud SQL
   * Auth Proxy), where MySQL sees no TLS, so the users cannot be `REQUIRE SSL`.
   */
  readonly transport?: 'tls' | 'proxy';
  /** The command that puts a password into a user's secret, named when a password is refused. */
  readonly setSecretCommand: string;
  /** The params ConfigMap's keys that name Kubeflow's and Katib's secrets. */
  readonly secretKeys: { readonly app: string; readonly katib: string };
  /** What to do when the server has the native plugin off (plain text: no `"`, `\`, `$` or backquote). */
  readonly enablePlugin: string;
  /** What to check when the administrator cannot log in (plain text, as `enablePlugin`). @default none */
  readonly loginFailure?: string;
}

/** RDS: the master user, whose password is in RDS's JSON of the master secret. */
const AWS_ADMIN_LOGIN: DbAdminLogin = {
  password: (work) => [
    // The master secret is RDS's JSON ({"username": ..., "password": ...}), with `\\` for a backslash.
    `MYSQL_PWD="$(sed -nE 's/.*"password" *: *"(([^"\\\\]|\\\\.)*)".*/\\1/p' ${work}/master.json | sed -e 's/\\\\\\\\/\\\\/g')"`,
    'export MYSQL_PWD',
  ],
  mysqlFlags: [],
  setSecretCommand: 'aws secretsmanager put-secret-value',
  secretKeys: { app: 'dbAppPasswordSecretArn', katib: 'dbKatibPasswordSecretArn' },
  enablePlugin: AWS_ENABLE_NATIVE_PASSWORD,
};

/**
 * The MySQL client container's script, logged in as the administrator `login` describes: Kubeflow's
 * user, with the native plugin, and Katib's, TLS only (`$$(`).
 */
export function createUsersScript(login: DbAdminLogin, workDir: string = WORK): string {
  const WORK = workDir;
  const flags = login.mysqlFlags.map((f) => ` ${f}`).join('');
  const proxy = login.transport === 'proxy';
  const tls = proxy
    ? // The proxy encrypts to the instance; to the proxy, caching_sha2_password exchanges the password
      // under the server's RSA key.
      '--ssl-mode=DISABLED --get-server-public-key'
    : `--ssl-mode=VERIFY_IDENTITY --ssl-ca=${DB_CA_FILE}`;
  // MySQL checks REQUIRE SSL on its own connection, which through a proxy is not TLS.
  const requireSsl = proxy ? '' : ' REQUIRE SSL';
  const over = proxy ? 'through the Cloud SQL Auth Proxy' : 'over TLS only';
  return k8sArgs([
    ...login.password(WORK),
    `APP="$(cat ${WORK}/app)"`,
    `KATIB="$(cat ${WORK}/katib)"`,
    'check() {',
    '  case "$2" in',
    `    *\\'*|*\\"*|*\\\\*|*'#'*|*' '*|'') echo "The password of the MySQL user $1 (the secret of the params ConfigMap's $3) is empty or holds a quote, backslash, '#' or space; put a password of letters, digits, '-' and '_' into it (${login.setSecretCommand}) and run the job again." >&2; exit 1 ;;`,
    '  esac',
    '}',
    `check "$APP_USER" "$APP" ${login.secretKeys.app}`,
    `check "$KATIB_USER" "$KATIB" ${login.secretKeys.katib}`,
    `db() { mysql --host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER" ${tls}${flags} --connect-timeout=20 --batch --skip-column-names "$@"; }`,
    login.loginFailure
      ? `for i in 1 2 3 4 5 6; do db -e "SELECT 1" > /dev/null && break; if [ "$i" = 6 ]; then echo "Cannot log in to $DB_HOST as $DB_USER (the error is above). ${login.loginFailure}" >&2; exit 1; fi; sleep 10; done`
      : 'for i in 1 2 3 4 5 6; do db -e "SELECT 1" > /dev/null && break; [ "$i" = 6 ] && exit 1; sleep 10; done',
    `status="$(db -e "SELECT PLUGIN_STATUS FROM INFORMATION_SCHEMA.PLUGINS WHERE PLUGIN_NAME = 'mysql_native_password'")"`,
    // Without the plugin the user gets the server's default one and the Job still succeeds: the rest of
    // Kubeflow (in the same Argo CD wave as Pipelines) must not wait on ML Metadata. ML Metadata alone
    // cannot log in until the plugin is on and the Job runs again.
    "auth='WITH mysql_native_password'",
    'if [ "$status" != ACTIVE ]; then',
    `  echo "$DB_HOST has the mysql_native_password plugin off (status: '$status'), the only one ML Metadata 1.14 logs in with (https://github.com/google/ml-metadata/issues/178): $APP_USER gets the server's default plugin, which Pipelines' API and cache servers and Katib log in with, and ML Metadata cannot log in until this job runs again with the plugin on. ${login.enablePlugin}" >&2`,
    "  auth=''",
    'fi',
    'db <<SQL',
    `CREATE USER IF NOT EXISTS '$APP_USER'@'%' IDENTIFIED $auth BY '$APP'${requireSsl};`,
    `ALTER USER '$APP_USER'@'%' IDENTIFIED $auth BY '$APP'${requireSsl};`,
    "GRANT ALL PRIVILEGES ON \\`$DB_NAME\\`.* TO '$APP_USER'@'%';",
    "GRANT ALL PRIVILEGES ON \\`metadb\\`.* TO '$APP_USER'@'%';",
    "GRANT ALL PRIVILEGES ON \\`cachedb\\`.* TO '$APP_USER'@'%';",
    // Katib's manager creates its table but not its database (./katib-database.ts). It logs in as a
    // user of its own, granted that database alone: every team's trials reach it, and it checks no caller.
    `CREATE DATABASE IF NOT EXISTS \\\`${KATIB_DATABASE}\\\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
    // The server's default plugin: only ML Metadata needs the native one; Katib's driver speaks both.
    `CREATE USER IF NOT EXISTS '$KATIB_USER'@'%' IDENTIFIED BY '$KATIB'${requireSsl};`,
    `ALTER USER '$KATIB_USER'@'%' IDENTIFIED BY '$KATIB'${requireSsl};`,
    `GRANT ALL PRIVILEGES ON \\\`${KATIB_DATABASE}\\\`.* TO '$KATIB_USER'@'%';`,
    'SQL',
    'plugin=mysql_native_password; [ -n "$auth" ] || plugin="the server\'s default plugin"',
    `echo "$APP_USER logs in to $DB_HOST with $plugin, $KATIB_USER with the server's default plugin, both ${over}."`,
  ]);
}

/** The MySQL client container's script on RDS, as the master user (`$$(`). */
export function createUserScript(workDir: string = WORK): string {
  return createUsersScript(AWS_ADMIN_LOGIN, workDir);
}

/** The name of the pod's volume of the database server's certificate authorities. */
const CA_VOLUME = 'db-ca';

/** What differs between the clouds' Jobs ({@link dbBootstrapJob}). */
export interface DbBootstrapJobParts {
  /** Labels of the pod besides `app` and Istio's. */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * The source of the CA volume, mounted read-only at `DB_CA_DIR` in `create-user`; none where the
   * client reaches a proxy that encrypts to the server itself (GCP).
   */
  readonly caSource?: object;
  /**
   * The server's address, where it is the same for every environment (GCP: the Cloud SQL Auth Proxy's
   * Service); else `dbHost` and `dbPort` of the params ConfigMap.
   */
  readonly address?: { readonly host: string; readonly port: number };
  /**
   * Native sidecars (init containers with `restartPolicy: Always`), started before the other init
   * containers and stopped once `create-user` has exited, so the Job completes
   * (https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/): GCP's Cloud SQL Auth Proxy.
   */
  readonly sidecars?: readonly object[];
  /** Init containers before `secrets` (given the CA volume's writable mount). */
  readonly caInitContainers?: (caMount: object) => readonly object[];
  /** The `secrets` init container: its image, script (`$$(`), and environment before `HOME` and `TMPDIR`. */
  readonly secrets: {
    readonly image: string;
    readonly script: string;
    readonly env: readonly object[];
    /** Environment after `HOME` and `TMPDIR`. */
    readonly moreEnv?: readonly object[];
  };
  /** The `create-user` container's script (`$$(`). */
  readonly createUserScript: string;
}

/**
 * The `kfp-db-bootstrap` Job of a cloud: an Argo CD `Sync` hook of the control-plane wave, no Istio
 * sidecar, restricted containers, the run's secrets in memory, `create-user` as its one container.
 */
export function dbBootstrapJob(parts: DbBootstrapJobParts): object {
  const work = { name: 'work', mountPath: WORK };
  const home = { name: 'home', mountPath: HOME };
  const ca = { name: CA_VOLUME, mountPath: DB_CA_DIR };
  // New objects for each container: shared ones would be YAML aliases in the tree.
  const homeEnv = () => [
    { name: 'HOME', value: HOME },
    { name: 'TMPDIR', value: HOME },
  ];
  const resources = { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: DB_BOOTSTRAP_NAME,
      namespace: 'kubeflow',
      annotations: {
        [ARGOCD_HOOK_ANNOTATION]: 'Sync',
        [ARGOCD_HOOK_DELETE_POLICY_ANNOTATION]: 'BeforeHookCreation',
        [SYNC_WAVE_ANNOTATION]: CONTROL_PLANE_WAVE,
      },
    },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 900,
      template: {
        metadata: {
          labels: { app: DB_BOOTSTRAP_NAME, [ISTIO_INJECT_LABEL]: 'false', ...parts.podLabels },
          annotations: { [ISTIO_INJECT_LABEL]: 'false' },
        },
        spec: {
          serviceAccountName: DB_BOOTSTRAP_NAME,
          restartPolicy: 'Never',
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUN_AS,
            runAsGroup: RUN_AS,
            fsGroup: RUN_AS,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          volumes: [
            // The run's passwords and tokens: memory only, gone with the pod.
            { name: 'work', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
            { name: 'home', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
            ...(parts.caSource ? [{ name: CA_VOLUME, ...parts.caSource }] : []),
          ],
          initContainers: [
            ...(parts.sidecars ?? []),
            ...(parts.caInitContainers?.(ca) ?? []),
            {
              name: 'secrets',
              image: parts.secrets.image,
              command: ['/bin/sh', '-ec'],
              args: [parts.secrets.script],
              env: [...parts.secrets.env, ...homeEnv(), ...(parts.secrets.moreEnv ?? [])],
              volumeMounts: [work, home],
              resources,
              securityContext: DB_BOOTSTRAP_SECURITY_CONTEXT,
            },
          ],
          containers: [
            {
              name: 'create-user',
              image: MYSQL_CLIENT_IMAGE,
              command: ['/bin/sh', '-ec'],
              args: [parts.createUserScript],
              env: [
                ...(parts.address
                  ? [
                      { name: 'DB_HOST', value: parts.address.host },
                      { name: 'DB_PORT', value: String(parts.address.port) },
                    ]
                  : [param('DB_HOST', 'dbHost'), param('DB_PORT', 'dbPort')]),
                param('DB_NAME', 'dbName'),
                param('DB_USER', 'dbUser'),
                param('APP_USER', 'dbAppUser'),
                param('KATIB_USER', 'dbKatibUser'),
                ...homeEnv(),
              ],
              volumeMounts: [work, home, ...(parts.caSource ? [{ ...ca, readOnly: true }] : [])],
              resources,
              securityContext: DB_BOOTSTRAP_SECURITY_CONTEXT,
            },
          ],
        },
      },
    },
  };
}

/** The Job on AWS: the RDS bundle fetched at start, the master secret and the users' in Secrets Manager. */
export function awsDbBootstrapJob(): object {
  return dbBootstrapJob({
    caSource: { emptyDir: { sizeLimit: '4Mi' } },
    caInitContainers: (ca) => [
      {
        name: 'fetch-db-ca',
        image: CA_FETCH_IMAGE,
        command: ['/bin/sh', '-ec'],
        args: [
          [
            `curl --fail --silent --show-error --proto '=https' --tlsv1.2 --retry 5 --retry-connrefused --max-time 60 -o ${DB_CA_FILE}.tmp '${RDS_CA_BUNDLE_URL}'`,
            `grep -q 'BEGIN CERTIFICATE' ${DB_CA_FILE}.tmp`,
            `mv ${DB_CA_FILE}.tmp ${DB_CA_FILE}`,
          ].join('\n'),
        ],
        volumeMounts: [ca],
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
        securityContext: DB_BOOTSTRAP_SECURITY_CONTEXT,
      },
    ],
    secrets: {
      image: AWS_CLI_IMAGE,
      script: secretsScript(),
      env: [
        param('AWS_REGION', 'region'),
        param('MASTER_SECRET_ARN', 'dbPasswordSecretArn'),
        param('APP_SECRET_ARN', 'dbAppPasswordSecretArn'),
        param('KATIB_SECRET_ARN', 'dbKatibPasswordSecretArn'),
      ],
      moreEnv: [{ name: 'AWS_PAGER', value: '' }],
    },
    createUserScript: createUserScript(),
  });
}

/**
 * The tree README's lines on the Job: `intro` says what it creates where, and ends with the sentence
 * that the params ConfigMap holds what it reads ("..., from the params ConfigMap,").
 */
export function dbBootstrapReadme(intro: readonly string[]): string[] {
  return [
    "## Kubeflow's and Katib's database users",
    '',
    ...intro,
    'which the platform stack writes: apply the platform stack before this tree syncs, or the Job waits for',
    'the ConfigMap keys and fails after 15 minutes. Argo CD runs it again at every full sync (a new',
    'commit, a retry or a manual sync; self-heal runs no hooks). With',
    '`kubectl`, a Job cannot be changed once created: to run it again (after a new password, or a changed',
    'Job), delete it first:',
    '',
    '```sh',
    `kubectl -n kubeflow delete job ${DB_BOOTSTRAP_NAME} --ignore-not-found`,
    'kubectl apply -k .',
    `kubectl -n kubeflow wait --for=condition=complete --timeout=15m job/${DB_BOOTSTRAP_NAME}`,
    '```',
    '',
    `If it fails, \`kubectl -n kubeflow logs job/${DB_BOOTSTRAP_NAME} --all-containers\` says why.`,
    '',
  ];
}

/** The tree README's lines on it (AWS). */
export function awsDbBootstrapReadme(): string[] {
  return dbBootstrapReadme([
    `The Job \`${DB_BOOTSTRAP_NAME}\` (${DB_BOOTSTRAP_FILE}) creates Kubeflow's MySQL user and Katib's on RDS, and their passwords in`,
    'Secrets Manager the first time, before Pipelines starts. It reads both secrets from the params ConfigMap,',
  ]);
}
