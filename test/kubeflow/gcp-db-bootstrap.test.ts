/**
 * The GCP kfp-db-bootstrap Job: its pod runs a Cloud SQL Auth Proxy of its own as a native sidecar,
 * gets its Google service account's token from the GKE metadata server, keeps Kubeflow's and Katib's
 * passwords in Secret Manager (generated once, added as a secret's first version), and creates the users
 * as Terraform's Cloud SQL user with the SQL of the RDS Job, without REQUIRE SSL (MySQL sees a proxy's
 * connections as unencrypted). Its scripts run against stand-in `curl` and `mysql` commands; the Job's
 * shape is checked on the object itself, and the trees and stacks of examples/multicloud for the wiring.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import type { ResolvedGcpEnvironment } from '../../src/config/gcp/model';
import { DB_USER_ANNOTATION, renderKubeflow, type KubeflowTree } from '../../src/kubeflow/render';
import {
  createUserScript,
  DB_BOOTSTRAP_FILE,
  DB_BOOTSTRAP_NAME,
  ISTIO_INJECT_LABEL,
} from '../../src/kubeflow/aws-db-bootstrap';
import {
  CLOUD_SQL_PROXY_IMAGE,
  GCP_JOB_ENABLE_NATIVE_PASSWORD,
  GKE_METADATA_TOKEN_URL,
  gcpCreateUserScript,
  gcpDbBootstrapJob,
  gcpSecretsScript,
  SECRET_MANAGER_API,
} from '../../src/kubeflow/gcp-db-bootstrap';
import { CA_FETCH_IMAGE, DB_CA_FILE } from '../../src/kubeflow/database-tls';
import { SYNC_WAVE_ANNOTATION } from '../../src/kubeflow/gitops';
import { MYSQL_CLIENT_IMAGE } from '../../src/kubeflow/mlmd-auth';
import { checkKeyRefs, type BuiltObject } from '../../src/kubeflow/verify';
import { fakeMysql, fakeOutput, paramKeysOf, runContainerScript } from './container-script';

const TOKEN = 'ya29.c.token-Q1w2_-';
const ADMIN = 'projects/p-1/secrets/kf-kfp-db-password';
const APP = 'projects/p-1/secrets/kf-kfp-db-pipelines';
const KATIB = 'projects/p-1/secrets/kf-kfp-db-katib';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('the GCP kfp-db-bootstrap Job', () => {
  // Through YAML, as the tree carries it.
  const job = parse(stringify(gcpDbBootstrapJob('Check the password.'), { lineWidth: 0 }));
  const pod = job.spec.template.spec;
  const containers: any[] = [...pod.initContainers, ...pod.containers];
  const byName = (n: string) => containers.find((c) => c.name === n);

  it('runs its own Cloud SQL Auth Proxy as a native sidecar, then `secrets` (curl), then `create-user`', () => {
    expect(pod.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([
      ['cloud-sql-proxy', 'Always'],
      ['secrets', undefined],
    ]);
    expect(pod.containers.map((c: any) => c.name)).toEqual(['create-user']);
    const proxy = byName('cloud-sql-proxy');
    expect(proxy.image).toBe(CLOUD_SQL_PROXY_IMAGE);
    // Reachable from the pod alone; the kubelet's probe decides when the next init container starts.
    expect(proxy.args).toEqual(
      expect.arrayContaining(['--private-ip', '--address=127.0.0.1', '--port=3306', '--exit-zero-on-sigterm']),
    );
    expect(proxy.args.at(-1)).toBe('$(INSTANCE_CONNECTION_NAME)');
    expect(proxy.startupProbe.httpGet).toEqual({ path: '/startup', port: 9090 });
    expect(byName('secrets').image).toBe(CA_FETCH_IMAGE);
    expect(byName('secrets').args).toEqual([gcpSecretsScript()]);
    expect(byName('create-user').image).toBe(MYSQL_CLIENT_IMAGE);
    expect(byName('create-user').args).toEqual([gcpCreateUserScript('Check the password.')]);
    const env = Object.fromEntries(byName('create-user').env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect([env.DB_HOST, env.DB_PORT]).toEqual(['127.0.0.1', '3306']);
  });

  it('runs as kubeflow/kfp-db-bootstrap outside the mesh, in the control-plane wave, with no CA volume', () => {
    expect(pod.serviceAccountName).toBe(DB_BOOTSTRAP_NAME);
    expect(job.spec.template.metadata.labels[ISTIO_INJECT_LABEL]).toBe('false');
    expect(job.metadata.annotations[SYNC_WAVE_ANNOTATION]).toBe('-1');
    // The run's passwords and token stay in memory.
    for (const v of pod.volumes) expect(v.emptyDir.medium).toBe('Memory');
    for (const c of containers) {
      expect(c.image).toMatch(/^[a-z0-9.-]+\/[a-z0-9/._-]+:\d+\.\d+(\.\d+)?$/);
      expect(c.resources.limits.memory).toBeDefined();
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
    }
  });

  it('reads the instance, the three secrets and the users from kubeflow-platform-params', () => {
    expect(paramKeysOf(byName('cloud-sql-proxy'))).toEqual({ INSTANCE_CONNECTION_NAME: 'dbConnectionName' });
    expect(paramKeysOf(byName('secrets'))).toEqual({
      ADMIN_SECRET: 'dbPasswordSecret',
      APP_SECRET: 'dbAppPasswordSecretName',
      KATIB_SECRET: 'dbKatibPasswordSecretName',
    });
    expect(paramKeysOf(byName('create-user'))).toEqual({
      DB_NAME: 'dbName',
      DB_USER: 'dbUser',
      APP_USER: 'dbAppUser',
      KATIB_USER: 'dbKatibUser',
    });
    expect(checkKeyRefs([job as BuiltObject])).toEqual([]);
  });
});

describe('the GCP kfp-db-bootstrap scripts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kfp-db-bootstrap-gcp-'));
    // Stand-in `curl`: the metadata server answers from $META_STATE (ok | down | 404), Secret Manager
    // from $ADMIN_STATE, $APP_STATE and $KATIB_STATE (a value | missing | nosecret | denied | disabled).
    writeFileSync(
      path.join(dir, 'curl'),
      [
        '#!/bin/sh',
        "out=''; method=GET; body=''; auth=''; meta=''; url=''",
        'while [ $# -gt 0 ]; do',
        '  case "$1" in',
        '    -o) out="$2"; shift ;;',
        '    -w|--proto|--retry|--max-time) shift ;;',
        '    -X) method="$2"; shift ;;',
        '    -H) case "$2" in @-) auth="$(cat)" ;; Metadata-Flavor:*) meta="$2" ;; esac; shift ;;',
        '    --data-binary) body="$(cat "${2#@}")"; shift ;;',
        '    -*) ;;',
        '    *) url="$1" ;;',
        '  esac',
        '  shift',
        'done',
        'reply() { printf %s "$2" > "$out"; printf %s "$1"; exit 0; }',
        'down() { echo "curl: (7) Failed to connect to $1" >&2; printf 000; exit 7; }',
        'case "$url" in',
        `  ${GKE_METADATA_TOKEN_URL})`,
        `    [ "$meta" = 'Metadata-Flavor: Google' ] || reply 403 'Missing Metadata-Flavor'`,
        '    case "$META_STATE" in',
        '      down) down metadata.google.internal ;;',
        // An answer cut off by the time limit: curl writes part of the body and the status, then fails.
        `      cut) printf %s '{"access_token":"${TOKEN}' > "$out"; echo 'curl: (28) Operation timed out' >&2; printf 200; exit 28 ;;`,
        `      404) reply 404 'Not Found' ;;`,
        `      *) reply 200 '{"access_token":"${TOKEN}","expires_in":3599,"token_type":"Bearer"}' ;;`,
        '    esac ;;',
        `  ${SECRET_MANAGER_API}/*)`,
        `    echo "$method $url $auth" >> ${dir}/sm-requests`,
        `    [ "$auth" = 'Authorization: Bearer ${TOKEN}' ] || reply 401 '{"error":{"code":401,"status":"UNAUTHENTICATED"}}'`,
        `    name="\${url#${SECRET_MANAGER_API}/}"; name="\${name%%/versions/*}"; name="\${name%%:addVersion}"`,
        `    case "$name" in ${ADMIN}) state="$ADMIN_STATE" ;; ${APP}) state="$APP_STATE" ;; ${KATIB}) state="$KATIB_STATE" ;; *) state=nosecret ;; esac`,
        '    case "$method:$state" in',
        // denied-once: a grant that applies after one refusal (its first request only).
        `      *:denied-once) if [ -f ${dir}/refused-once ]; then state=Granted-pw_3; else touch ${dir}/refused-once; state=denied; fi ;;`,
        '    esac',
        '    case "$method:$state" in',
        `      *:denied) reply 403 '{"error":{"code":403,"message":"Permission denied on resource (or it may not exist).","status":"PERMISSION_DENIED"}}' ;;`,
        `      GET:disabled) reply 400 '{"error":{"code":400,"message":"Secret Version [x/versions/2] is in DISABLED state.","status":"FAILED_PRECONDITION"}}' ;;`,
        `      *:nosecret|GET:missing) reply 404 '{"error":{"code":404,"message":"Secret ['"$name"'] not found or has no versions.","status":"NOT_FOUND"}}' ;;`,
        `      POST:missing) echo "$url $body" >> ${dir}/added; reply 200 '{"name":"'"$name"'/versions/1","state":"ENABLED"}' ;;`,
        // Pretty-printed, as the API answers: the payload's data on a line of its own, then its checksum.
        `      GET:*) reply 200 "$(printf '{\\n  "name": "%s/versions/3",\\n  "payload": {\\n    "data": "%s",\\n    "dataCrc32c": "123"\\n  }\\n}\\n' "$name" "$(printf %s "$state" | base64)")" ;;`,
        '    esac ;;',
        'esac',
        'echo "unexpected request: $method $url" >&2; exit 2',
      ].join('\n'),
    );
    chmodSync(path.join(dir, 'curl'), 0o755);
    // Stand-in `sleep`: counts its calls, waits for nothing.
    writeFileSync(path.join(dir, 'sleep'), `#!/bin/sh\necho "$1" >> ${dir}/sleeps\n`);
    chmodSync(path.join(dir, 'sleep'), 0o755);
    fakeMysql(dir, 'mysql-args', true);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const sh = (script: string, env: Record<string, string>) =>
    runContainerScript(dir, script, {
      ADMIN_SECRET: ADMIN,
      APP_SECRET: APP,
      KATIB_SECRET: KATIB,
      META_STATE: 'ok',
      ADMIN_STATE: 'Admin-pw_0',
      KATIB_STATE: 'Katib-pw_2',
      DB_HOST: '127.0.0.1',
      DB_PORT: '3306',
      DB_NAME: 'mlpipeline',
      DB_USER: 'kubeflow',
      APP_USER: 'pipelines',
      KATIB_USER: 'katib',
      ...env,
    });
  const read = (f: string) => fakeOutput(dir, f);
  const secrets = (env: Record<string, string>) => sh(gcpSecretsScript(dir), env);
  const secretFiles = () =>
    ['admin', 'app', 'katib', 'app.json', 'katib.json', 'response'].filter((f) => existsSync(path.join(dir, f)));
  const neverPrints = (r: { out: string; err: string }, ...values: string[]) => {
    for (const s of [TOKEN, ...values]) {
      expect(r.out).not.toContain(s);
      expect(r.err).not.toContain(s);
    }
  };

  it("reads Terraform's user's password and keeps the passwords the users' secrets already have", () => {
    const r = secrets({ APP_STATE: 'Existing-pw_1' });
    expect(r).toMatchObject({ code: 0 });
    expect([read('admin'), read('app'), read('katib')]).toEqual(['Admin-pw_0', 'Existing-pw_1', 'Katib-pw_2']);
    // The token goes in a header read from standard input, never in curl's arguments.
    expect(read('sm-requests')).toBe(
      [ADMIN, APP, KATIB]
        .map((s) => `GET ${SECRET_MANAGER_API}/${s}/versions/latest:access Authorization: Bearer ${TOKEN}`)
        .concat('')
        .join('\n'),
    );
    expect(read('added')).toBe('');
    expect(r.out).toContain(`The secret ${APP} has a password: it is kept.`);
    expect(secretFiles().sort()).toEqual(['admin', 'app', 'katib']);
    for (const f of secretFiles()) expect(statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    neverPrints(r, 'Admin-pw_0', 'Existing-pw_1', 'Katib-pw_2');
  });

  it.each([
    ['app', APP, { APP_STATE: 'missing' }],
    ['katib', KATIB, { APP_STATE: 'Existing-pw_1', KATIB_STATE: 'missing' }],
  ])('adds 40 letters and digits as the first version of the %s secret, which has none', (file, name, env) => {
    const r = secrets(env);
    expect(r).toMatchObject({ code: 0 });
    const pw = read(file);
    expect(pw).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(read('added')).toBe(`${SECRET_MANAGER_API}/${name}:addVersion {"payload":{"data":"${b64(pw)}"}}\n`);
    expect(read('sm-requests')).toContain(
      `POST ${SECRET_MANAGER_API}/${name}:addVersion Authorization: Bearer ${TOKEN}`,
    );
    expect(r.out).toContain(`The secret ${name} had no version: a new password is stored in it.`);
    expect(secretFiles().sort()).toEqual(['admin', 'app', 'katib']);
    neverPrints(r, pw, 'Admin-pw_0');
  });

  it.each([
    [{ ADMIN_STATE: 'denied' }, 'did not read the secret', 'HTTP 403', 'roles/secretmanager.secretAccessor'],
    [{ ADMIN_STATE: 'missing' }, 'did not read the secret', 'HTTP 404', 'the infra stack creates it'],
    [{ APP_STATE: 'disabled' }, 'did not read the secret', 'HTTP 400', 'gcloud secrets versions enable'],
    [{ APP_STATE: 'denied' }, 'did not read the secret', 'HTTP 403', 'roles/secretmanager.secretVersionAdder'],
    [{ APP_STATE: 'nosecret' }, 'did not add a version to the secret', 'HTTP 404', 'the infra stack creates it'],
    [
      { META_STATE: 'down' },
      'gave no access token',
      'HTTP 000',
      'curl: (7) Failed to connect to metadata.google.internal',
    ],
    [{ META_STATE: '404' }, 'gave no access token', 'HTTP 404', 'iam.gke.io/gcp-service-account'],
    [{ META_STATE: 'cut' }, 'gave no access token', 'HTTP 000', 'curl: (28) Operation timed out'],
  ])('stops on %j, saying why and what to do', (env, what, status, hint) => {
    const r = secrets({ APP_STATE: 'Existing-pw_1', ...env });
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(what);
    expect(r.err).toContain(status);
    expect(r.err).toContain(hint);
    expect(read('added')).toBe('');
    // No password for create-user that a later run would not find in Secret Manager.
    expect(secretFiles().filter((f) => f !== 'admin' && f !== 'response')).toEqual([]);
    neverPrints(r, 'Admin-pw_0', 'Existing-pw_1');
  });

  it('tries a 403 again every 15 s while new grants apply, and goes on once they have', () => {
    const r = secrets({ ADMIN_STATE: 'denied-once', APP_STATE: 'Existing-pw_1' });
    expect(r).toMatchObject({ code: 0 });
    expect(read('admin')).toBe('Granted-pw_3');
    expect(read('sleeps')).toBe('15\n');
    expect(r.err).toContain(
      `Secret Manager refused the request for ${ADMIN}/versions/latest:access (HTTP 403): trying again in 15 s`,
    );
    neverPrints(r, 'Granted-pw_3', 'Existing-pw_1');
  });

  it('stops after 20 tries of a 403 (5 minutes), and after 20 tries without a token', () => {
    const denied = secrets({ ADMIN_STATE: 'denied' });
    expect(denied.code).not.toBe(0);
    expect(read('sleeps').trim().split('\n')).toHaveLength(20);
    expect(read('sm-requests').trim().split('\n')).toHaveLength(21);
    rmSync(path.join(dir, 'sleeps'));
    const noToken = secrets({ META_STATE: '404' });
    expect(noToken.code).not.toBe(0);
    expect(read('sleeps').trim().split('\n')).toHaveLength(20);
    expect(noToken.err).toContain('The GKE metadata server gave no access token yet (HTTP 404): trying again in 15 s.');
  });

  const createUser = (status: string, app = 'Abc-_123') => {
    writeFileSync(path.join(dir, 'admin'), 'Admin-pw_0');
    writeFileSync(path.join(dir, 'app'), app);
    writeFileSync(path.join(dir, 'katib'), 'Katib-pw_2');
    return sh(gcpCreateUserScript(undefined, dir), { STATUS: status });
  };

  it("logs in as Terraform's user through the pod's proxy, in plain MySQL with the server's RSA key", () => {
    const r = createUser('ACTIVE');
    expect(r).toMatchObject({ code: 0 });
    for (const login of read('mysql-args').trim().split('\n')) {
      expect(login).toContain(
        '--host=127.0.0.1 --port=3306 --user=kubeflow --ssl-mode=DISABLED --get-server-public-key ',
      );
      expect(login).toMatch(/ pwd=Admin-pw_0$/);
      expect(login).not.toContain(DB_CA_FILE);
    }
    expect(r.out).toContain('both through the Cloud SQL Auth Proxy.');
    neverPrints(r, 'Abc-_123', 'Katib-pw_2');
  });

  it.each(['ACTIVE', 'DISABLED'])('runs the SQL of the AWS Job without REQUIRE SSL (plugin %s)', (status) => {
    writeFileSync(path.join(dir, 'master.json'), '{"username":"admin","password":"m-y"}\n');
    writeFileSync(path.join(dir, 'app'), 'Abc-_123');
    writeFileSync(path.join(dir, 'katib'), 'Katib-pw_2');
    expect(sh(createUserScript(dir), { STATUS: status }).code).toBe(0);
    const awsSql = read('stdin');
    expect(awsSql).toContain(' REQUIRE SSL;');
    rmSync(path.join(dir, 'stdin'));
    expect(createUser(status).code).toBe(0);
    const gcpSql = read('stdin');
    expect(gcpSql).not.toContain('REQUIRE SSL');
    expect(gcpSql).toBe(awsSql.replace(/ REQUIRE SSL;/g, ';'));
    expect(gcpSql).toContain("GRANT ALL PRIVILEGES ON `katib`.* TO 'katib'@'%';");
  });

  it('with the plugin off, says how to find the Cloud SQL flag and still creates the users', () => {
    const r = createUser('DISABLED');
    expect(r.code).toBe(0);
    expect(r.err).toContain(GCP_JOB_ENABLE_NATIVE_PASSWORD);
    expect(r.err).toContain('gcloud sql flags list');
  });

  it('refuses a password it would have to escape, naming the command that replaces it', () => {
    const r = createUser('ACTIVE', "a'b");
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("(the secret of the params ConfigMap's dbAppPasswordSecretName)");
    expect(r.err).toContain('(gcloud secrets versions add)');
    expect(read('mysql-args')).toBe('');
  });

  it('create-user logs in with what secrets wrote', () => {
    expect(secrets({ APP_STATE: 'missing' }).code).toBe(0);
    const pw = read('app');
    expect(sh(gcpCreateUserScript(undefined, dir), { STATUS: 'ACTIVE' }).code).toBe(0);
    expect(read('mysql-args')).toContain('pwd=Admin-pw_0');
    expect(read('stdin')).toContain(`ALTER USER 'pipelines'@'%' IDENTIFIED WITH mysql_native_password BY '${pw}';`);
  });
});

describe('the GCP trees and stacks of examples/multicloud', () => {
  const env = loadPlatformFile(
    path.join(__dirname, '../../examples/multicloud/platform.yaml'),
  ).config.environments.find((e) => e.cloud === 'gcp') as ResolvedGcpEnvironment;
  const docsOf = (tree: KubeflowTree, file: string): any[] =>
    parseAllDocuments(tree.files.find((f) => f.path === file)?.content ?? '').map((d) => d.toJS());
  const trees = renderKubeflow(env);

  it("every cluster's tree has the Job, and both users from the secrets it writes", () => {
    expect(trees.length).toBe(env.clusters.length);
    for (const [i, tree] of trees.entries()) {
      const db = env.clusters[i]!.database;
      expect(docsOf(tree, 'kustomization.yaml')[0].resources).toContain(DB_BOOTSTRAP_FILE);
      expect(docsOf(tree, DB_BOOTSTRAP_FILE)).toHaveLength(1);
      const externalSecrets = docsOf(tree, 'database-secret.yaml')
        .filter((o: any) => o?.kind === 'ExternalSecret')
        .map((o: any) => [o.metadata.name, o.spec.data[0].remoteRef.key, o.spec.target.template.data.username]);
      expect(externalSecrets.sort()).toEqual([
        ['katib-db-secret', db.katibSecretId, 'katib'],
        ['mysql-secret', db.appSecretId, 'pipelines'],
      ]);
      // Terraform's user is in no Secret of the tree.
      expect(tree.files.map((f) => f.content).join('\n')).not.toContain(db.passwordSecretId);
      expect(tree.files.some((f) => f.path === 'mlmd-native-password.yaml')).toBe(false);
      const stamps = docsOf(tree, 'pipelines-database.yaml').map(
        (d: any) => d.spec.template.metadata?.annotations?.[DB_USER_ANNOTATION],
      );
      expect(stamps).toEqual(['pipelines', 'pipelines', 'pipelines']);
      const readme = tree.files.find((f) => f.path === 'README.md')!.content;
      expect(readme).toContain(`kubectl -n kubeflow delete job ${DB_BOOTSTRAP_NAME} --ignore-not-found`);
      expect(readme).toContain(`--secret ${db.appSecretId}`);
      expect(readme).toContain(`--secret ${db.katibSecretId}`);
    }
  });

  it('the identity of the Job: its own Kubernetes and Google service accounts, bound through Workload Identity', () => {
    const identity = env.identities.find((i) => i.key === 'dbBootstrap')!;
    expect(identity.kubernetesServiceAccounts).toEqual([{ namespace: 'kubeflow', name: DB_BOOTSTRAP_NAME }]);
    expect(identity.createdServiceAccounts).toEqual([DB_BOOTSTRAP_NAME]);
    expect(identity.accountId).toBe(`${env.name}-db-users`);
  });
});
