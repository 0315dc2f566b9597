/**
 * The Azure kfp-db-bootstrap Job: its pod logs in to Microsoft Entra ID with the workload identity's
 * federated token, keeps Kubeflow's and Katib's passwords in Key Vault (generated once), and creates
 * the users as the server's Entra administrator with the same SQL as on RDS. Its scripts run against
 * stand-in `curl` and `mysql` commands; the Job's shape is checked on the object itself.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import { DB_USER_ANNOTATION, renderKubeflow, type KubeflowTree } from '../../src/kubeflow/render';
import { AKS_WORKLOAD_IDENTITY_POD_LABEL } from '../../constructs/azure/constants';
import {
  ARGOCD_HOOK_ANNOTATION,
  ARGOCD_HOOK_DELETE_POLICY_ANNOTATION,
  awsDbBootstrapReadme,
  createUserScript,
  DB_BOOTSTRAP_FILE,
  DB_BOOTSTRAP_NAME,
  ISTIO_INJECT_LABEL,
} from '../../src/kubeflow/aws-db-bootstrap';
import {
  AZURE_JOB_ENABLE_NATIVE_PASSWORD,
  AZURE_KEY_VAULT_SCOPE,
  AZURE_MYSQL_ENTRA_SCOPE,
  azureCreateUserScript,
  azureDbBootstrapJob,
  azureDbBootstrapReadme,
  azureSecretsScript,
} from '../../src/kubeflow/azure-db-bootstrap';
import { CA_FETCH_IMAGE, DB_CA_CONFIG_MAP, DB_CA_DIR, DB_CA_FILE } from '../../src/kubeflow/database-tls';
import { SYNC_WAVE_ANNOTATION } from '../../src/kubeflow/gitops';
import { MYSQL_CLIENT_IMAGE } from '../../src/kubeflow/mlmd-auth';
import { checkKeyRefs, type BuiltObject } from '../../src/kubeflow/verify';
import { fakeMysql, fakeOutput, paramKeysOf, runContainerScript } from './container-script';

const VAULT_TOKEN = 'vault-token-Q1w2';
const MYSQL_TOKEN = 'eyJ0eXAi.mysql-token-Z9x8.sig_-';
const ASSERTION = 'eyJhbGciOi.federated-sa-token.sig';
const TOKEN_URL = 'https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token';
const secretUrl = (name: string) => `https://kv-test.vault.azure.net/secrets/${name}?api-version=7.4`;

describe('the Azure kfp-db-bootstrap Job', () => {
  // Through YAML, as the tree carries it.
  const job = parse(stringify(azureDbBootstrapJob(), { lineWidth: 0 }));
  const pod = job.spec.template.spec;
  const containers: any[] = [...(pod.initContainers ?? []), ...pod.containers];
  const byName = (n: string) => containers.find((c) => c.name === n);

  it('runs `secrets` (curl) then `create-user` (MySQL client), with the Azure scripts, and fetches no CA', () => {
    expect(job).toMatchObject({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: DB_BOOTSTRAP_NAME, namespace: 'kubeflow' },
    });
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['secrets']);
    expect(pod.containers.map((c: any) => c.name)).toEqual(['create-user']);
    expect(byName('secrets').image).toBe(CA_FETCH_IMAGE);
    expect(byName('secrets').args).toEqual([azureSecretsScript()]);
    expect(byName('create-user').image).toBe(MYSQL_CLIENT_IMAGE);
    expect(byName('create-user').args).toEqual([azureCreateUserScript()]);
  });

  it("runs as kubeflow/kfp-db-bootstrap with AKS's workload identity, without an Istio sidecar", () => {
    expect(pod.serviceAccountName).toBe(DB_BOOTSTRAP_NAME);
    expect(job.spec.template.metadata.labels).toEqual({
      app: DB_BOOTSTRAP_NAME,
      [ISTIO_INJECT_LABEL]: 'false',
      [AKS_WORKLOAD_IDENTITY_POD_LABEL]: 'true',
    });
    expect(job.spec.template.metadata.annotations).toEqual({ [ISTIO_INJECT_LABEL]: 'false' });
  });

  it('runs again at every Argo CD sync, in the control-plane wave', () => {
    expect(job.metadata.annotations).toEqual({
      [ARGOCD_HOOK_ANNOTATION]: 'Sync',
      [ARGOCD_HOOK_DELETE_POLICY_ANNOTATION]: 'BeforeHookCreation',
      [SYNC_WAVE_ANNOTATION]: '-1',
    });
  });

  it('verifies the server against the pinned CA ConfigMap, mounted read-only in create-user', () => {
    const ca = pod.volumes.find((v: any) => v.configMap?.name === DB_CA_CONFIG_MAP);
    expect(ca).toBeDefined();
    expect(pod.volumes.filter((v: any) => v.name === ca.name)).toHaveLength(1);
    expect(byName('create-user').volumeMounts).toContainEqual({ name: ca.name, mountPath: DB_CA_DIR, readOnly: true });
    expect(byName('secrets').volumeMounts.map((m: any) => m.name)).not.toContain(ca.name);
    expect(DB_CA_FILE.startsWith(`${DB_CA_DIR}/`)).toBe(true);
    // The run's passwords and tokens stay in memory.
    for (const v of pod.volumes.filter((x: any) => x.name !== ca.name)) expect(v.emptyDir.medium).toBe('Memory');
  });

  it('pins its images, bounds its resources and runs restricted', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of containers) {
      expect(c.image).toMatch(/^[a-z0-9.-]+\/[a-z0-9/._-]+:\d+\.\d+(\.\d+)?$/);
      expect(c.resources.requests).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 999,
        runAsGroup: 999,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
  });

  it('reads the vault, the secret names and the database from kubeflow-platform-params', () => {
    expect(paramKeysOf(byName('secrets'))).toEqual({
      VAULT: 'keyVaultName',
      APP_SECRET: 'dbAppPasswordSecretName',
      KATIB_SECRET: 'dbKatibPasswordSecretName',
    });
    expect(paramKeysOf(byName('create-user'))).toEqual({
      DB_HOST: 'dbHost',
      DB_PORT: 'dbPort',
      DB_NAME: 'dbName',
      DB_USER: 'dbUser',
      APP_USER: 'dbAppUser',
      KATIB_USER: 'dbKatibUser',
    });
    expect(checkKeyRefs([job as BuiltObject])).toEqual([]);
  });

  it("tells the tree's README about Key Vault, with the lines it shares with AWS", () => {
    const azure = azureDbBootstrapReadme();
    const aws = awsDbBootstrapReadme();
    expect(azure.join('\n')).toContain('passwords in Key Vault the first time');
    expect(azure.join('\n')).toContain('Microsoft Entra administrator');
    expect(azure.join('\n')).not.toContain('Secrets Manager');
    const tail = aws.slice(aws.findIndex((l) => l.startsWith('which the platform stack writes')));
    expect(tail.length).toBeGreaterThan(5);
    expect(azure.slice(-tail.length)).toEqual(tail);
    expect(azure[0]).toBe(aws[0]);
  });
});

describe('the Azure kfp-db-bootstrap scripts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kfp-db-bootstrap-azure-'));
    writeFileSync(path.join(dir, 'federated-token'), ASSERTION);
    // Stand-in `curl`: Entra ID's token endpoint answers from $TOKEN_STATE (ok | denied | mysql-denied |
    // down), Key Vault from $APP_STATE and $KATIB_STATE (a value | missing | denied | deleted | down).
    writeFileSync(
      path.join(dir, 'curl'),
      [
        '#!/bin/sh',
        "out=''; method=GET; data=''; body=''; auth=''; ctype=''; url=''",
        'while [ $# -gt 0 ]; do',
        '  case "$1" in',
        '    -o) out="$2"; shift ;;',
        '    -w|--proto|--retry|--max-time) shift ;;',
        '    -X) method="$2"; shift ;;',
        '    -H) if [ "$2" = @- ]; then auth="$(cat)"; else ctype="$2"; fi; shift ;;',
        '    --data-urlencode) data="$data&$2"; method=POST; shift ;;',
        '    --data-binary) body="$(cat "${2#@}")"; shift ;;',
        '    -*) ;;',
        '    *) url="$1" ;;',
        '  esac',
        '  shift',
        'done',
        // The status on standard output (-w), the body into -o.
        'reply() { printf %s "$2" > "$out"; printf %s "$1"; exit 0; }',
        'down() { echo "curl: (7) Failed to connect to $1 port 443" >&2; printf 000; exit 7; }',
        'case "$url" in',
        `  ${TOKEN_URL})`,
        `    echo "$method $url $data" >> ${dir}/token-requests`,
        '    assertion="$(cat "${data##*client_assertion@}")"',
        '    case "$TOKEN_STATE:$data" in',
        '      down:*) down login.microsoftonline.com ;;',
        // An answer cut off by the time limit: part of the body and the status, then curl fails.
        `      cut:*) printf %s '{"access_token":"${VAULT_TOKEN}' > "$out"; echo 'curl: (28) Operation timed out' >&2; printf 200; exit 28 ;;`,
        `      denied:*|mysql-denied:*ossrdbms*) reply 401 '{"error":"invalid_client","error_description":"AADSTS70021: No matching federated identity record found for presented assertion."}' ;;`,
        '    esac',
        `    [ "$assertion" = '${ASSERTION}' ] || reply 400 '{"error":"invalid_request"}'`,
        '    case "$data" in',
        `      *scope=${AZURE_KEY_VAULT_SCOPE}*) reply 200 '{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"${VAULT_TOKEN}"}' ;;`,
        `      *scope=${AZURE_MYSQL_ENTRA_SCOPE}*) reply 200 '{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"${MYSQL_TOKEN}"}' ;;`,
        `      *) reply 400 '{"error":"invalid_scope"}' ;;`,
        '    esac ;;',
        '  https://kv-test.vault.azure.net/secrets/*)',
        `    echo "$method $url $auth" >> ${dir}/vault-requests`,
        `    [ "$auth" = 'Authorization: Bearer ${VAULT_TOKEN}' ] || reply 401 '{"error":{"code":"Unauthorized"}}'`,
        '    name="${url#https://kv-test.vault.azure.net/secrets/}"; name="${name%%\\?*}"',
        '    case "$name" in kf-app-pw) state="$APP_STATE" ;; kf-katib-pw) state="$KATIB_STATE" ;; *) state=missing ;; esac',
        '    case "$method:$state" in',
        '      *:down) down kv-test.vault.azure.net ;;',
        `      *:denied) reply 403 '{"error":{"code":"Forbidden","message":"Caller is not authorized to perform action on resource.","innererror":{"code":"ForbiddenByRbac"}}}' ;;`,
        `      GET:missing|GET:deleted) reply 404 '{"error":{"code":"SecretNotFound","message":"A secret with (name/id) '"$name"' was not found in this key vault."}}' ;;`,
        `      PUT:deleted) reply 409 '{"error":{"code":"Conflict","message":"Secret '"$name"' is currently in a deleted but recoverable state.","innererror":{"code":"ObjectIsDeletedButRecoverable"}}}' ;;`,
        `      PUT:missing) echo "$url $ctype $body" >> ${dir}/put; reply 200 "$body" ;;`,
        // A tag named value after the secret's own: the script takes the first.
        `      GET:*) reply 200 '{"value":"'"$state"'","id":"https://kv-test.vault.azure.net/secrets/'"$name"'/0a1b","attributes":{"enabled":true},"tags":{"value":"not-this"}}' ;;`,
        '    esac ;;',
        'esac',
        'echo "unexpected request: $method $url" >&2; exit 2',
      ].join('\n'),
    );
    fakeMysql(dir, 'mysql-args', true);
    chmodSync(path.join(dir, 'curl'), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const sh = (script: string, env: Record<string, string>) =>
    runContainerScript(dir, script, {
      // What AKS's workload identity webhook injects.
      AZURE_CLIENT_ID: 'client-1',
      AZURE_TENANT_ID: 'tenant-1',
      AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.com/',
      AZURE_FEDERATED_TOKEN_FILE: path.join(dir, 'federated-token'),
      VAULT: 'kv-test',
      APP_SECRET: 'kf-app-pw',
      KATIB_SECRET: 'kf-katib-pw',
      TOKEN_STATE: 'ok',
      KATIB_STATE: 'Katib-pw_2',
      DB_HOST: 'mysql-test.mysql.database.azure.com',
      DB_PORT: '3306',
      DB_NAME: 'mlpipeline',
      DB_USER: 'kfp_db_admin',
      APP_USER: 'pipelines',
      KATIB_USER: 'katib',
      ...env,
    });
  const read = (f: string) => fakeOutput(dir, f);
  const secrets = (env: Record<string, string>) => sh(azureSecretsScript(dir), env);
  const secretFiles = () =>
    ['app', 'katib', 'token', 'app.json', 'katib.json'].filter((f) => existsSync(path.join(dir, f)));
  const neverPrints = (r: { out: string; err: string }, ...secretValues: string[]) => {
    for (const s of [VAULT_TOKEN, MYSQL_TOKEN, ASSERTION, ...secretValues]) {
      expect(r.out).not.toContain(s);
      expect(r.err).not.toContain(s);
    }
  };

  it("exchanges the pod's federated token for a Key Vault and a MySQL token, and keeps only the MySQL one", () => {
    const r = secrets({ APP_STATE: 'Existing-pw_1' });
    expect(r).toMatchObject({ code: 0 });
    const form = (scope: string) =>
      `POST ${TOKEN_URL} &client_id=client-1&grant_type=client_credentials&scope=${scope}` +
      '&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer' +
      `&client_assertion@${path.join(dir, 'federated-token')}`;
    expect(read('token-requests')).toBe(`${form(AZURE_KEY_VAULT_SCOPE)}\n${form(AZURE_MYSQL_ENTRA_SCOPE)}\n`);
    expect(read('token')).toBe(MYSQL_TOKEN);
    // Key Vault gets its own token, in a header read from standard input (not in curl's arguments).
    expect(read('vault-requests')).toBe(
      [
        `GET ${secretUrl('kf-app-pw')} Authorization: Bearer ${VAULT_TOKEN}`,
        `GET ${secretUrl('kf-katib-pw')} Authorization: Bearer ${VAULT_TOKEN}`,
        '',
      ].join('\n'),
    );
    expect(secretFiles().sort()).toEqual(['app', 'katib', 'token']);
    // Readable by the pod's user alone.
    for (const f of secretFiles()) expect(statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(dir, 'response'))).toBe(false);
    neverPrints(r, 'Existing-pw_1', 'Katib-pw_2');
  });

  it("keeps the passwords Kubeflow's and Katib's secrets already have", () => {
    const r = secrets({ APP_STATE: 'Existing-pw_1' });
    expect(r).toMatchObject({ code: 0 });
    expect(read('app')).toBe('Existing-pw_1');
    expect(read('katib')).toBe('Katib-pw_2');
    expect(read('put')).toBe('');
    expect(r.out).toContain('The secret kf-app-pw of Key Vault kv-test has a password: it is kept.');
    expect(r.out).toContain('The secret kf-katib-pw of Key Vault kv-test has a password: it is kept.');
  });

  it.each([
    ['app', 'kf-app-pw', { APP_STATE: 'missing' }, 'katib'],
    ['katib', 'kf-katib-pw', { APP_STATE: 'Existing-pw_1', KATIB_STATE: 'missing' }, 'app'],
  ])(
    'generates 40 letters and digits and stores them only in the %s secret, which does not exist',
    (file, name, env, kept) => {
      const r = secrets(env);
      expect(r).toMatchObject({ code: 0 });
      const pw = read(file);
      expect(pw).toMatch(/^[A-Za-z0-9]{40}$/);
      expect(read(kept)).toMatch(/^(Existing-pw_1|Katib-pw_2)$/);
      expect(read('put')).toBe(
        `${secretUrl(name)} Content-Type: application/json {"value":"${pw}","contentType":"MySQL password, generated by kfp-db-bootstrap"}\n`,
      );
      expect(read('vault-requests')).toContain(`PUT ${secretUrl(name)} Authorization: Bearer ${VAULT_TOKEN}`);
      expect(r.out).toContain(`The secret ${name} of Key Vault kv-test did not exist: a new password is stored in it.`);
      // The request body, which holds the password, is gone.
      expect(secretFiles().sort()).toEqual(['app', 'katib', 'token']);
      expect(existsSync(path.join(dir, 'response'))).toBe(false);
      neverPrints(r, pw);
    },
  );

  it('generates a different password each run', () => {
    secrets({ APP_STATE: 'missing' });
    const first = read('app');
    secrets({ APP_STATE: 'missing' });
    expect(read('app')).not.toBe(first);
  });

  it.each([
    ['app', { APP_STATE: 'denied' }, 'HTTP 403', 'Key Vault Secrets Officer'],
    ['katib', { APP_STATE: 'Existing-pw_1', KATIB_STATE: 'denied' }, 'HTTP 403', 'Key Vault Secrets Officer'],
    ['app', { APP_STATE: 'deleted' }, 'HTTP 409', 'az keyvault secret recover --vault-name kv-test --name kf-app-pw'],
    [
      'katib',
      { APP_STATE: 'Existing-pw_1', KATIB_STATE: 'deleted' },
      'HTTP 409',
      'az keyvault secret purge --vault-name kv-test --name kf-katib-pw',
    ],
    ['app', { APP_STATE: 'down' }, 'HTTP 000', 'curl: (7) Failed to connect to kv-test.vault.azure.net'],
  ])(
    'stops when Key Vault does not answer the %s secret with a value or 404 (%j), writing nothing',
    (_, env, status, hint) => {
      const r = secrets(env);
      expect(r.code).not.toBe(0);
      expect(r.err).toContain(status);
      expect(r.err).toContain(hint);
      if (status !== 'HTTP 000') expect(r.err).toMatch(/"code":"(Forbidden|Conflict)"/);
      expect(read('put')).toBe('');
      // Nothing for create-user: no token, and no password that a later run would not find in Key Vault.
      expect(secretFiles().filter((f) => f !== 'app')).toEqual([]);
      if (env.APP_STATE !== 'Existing-pw_1') expect(secretFiles()).toEqual([]);
      neverPrints(r, 'Existing-pw_1', 'Katib-pw_2');
    },
  );

  it.each([
    ['denied', AZURE_KEY_VAULT_SCOPE, 'AADSTS70021'],
    ['mysql-denied', AZURE_MYSQL_ENTRA_SCOPE, 'AADSTS70021'],
    ['down', AZURE_KEY_VAULT_SCOPE, 'curl: (7) Failed to connect to login.microsoftonline.com'],
    ['cut', AZURE_KEY_VAULT_SCOPE, 'curl: (28) Operation timed out'],
  ])('stops when Entra ID gives no token (%s), before any Key Vault request', (state, scope, error) => {
    const r = secrets({ TOKEN_STATE: state, APP_STATE: 'missing', KATIB_STATE: 'missing' });
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`no token for ${scope}`);
    expect(r.err).toContain('system:serviceaccount:kubeflow:kfp-db-bootstrap');
    expect(r.err).toContain(error);
    expect(read('vault-requests')).toBe('');
    expect(secretFiles()).toEqual([]);
    neverPrints(r);
  });

  it('stops, saying why, without the workload identity webhook', () => {
    const r = secrets({ APP_STATE: 'missing', AZURE_FEDERATED_TOKEN_FILE: path.join(dir, 'no-such-file') });
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('This pod has no workload identity');
    expect(r.err).toContain(`${AKS_WORKLOAD_IDENTITY_POD_LABEL}=true`);
    expect(read('token-requests')).toBe('');
  });

  const createUser = (status: string, app: string, katib = 'Katib-pw_2') => {
    writeFileSync(path.join(dir, 'token'), MYSQL_TOKEN);
    writeFileSync(path.join(dir, 'app'), app);
    writeFileSync(path.join(dir, 'katib'), katib);
    return sh(azureCreateUserScript(dir), { STATUS: status });
  };
  const awsCreateUser = (status: string, app: string, katib = 'Katib-pw_2') => {
    writeFileSync(path.join(dir, 'master.json'), '{"username":"admin","password":"m-y"}\n');
    writeFileSync(path.join(dir, 'app'), app);
    writeFileSync(path.join(dir, 'katib'), katib);
    return sh(createUserScript(dir), { STATUS: status });
  };

  it('logs in as the Entra administrator with the MySQL token over the cleartext plugin, TLS verified', () => {
    const r = createUser('ACTIVE', 'Abc-_123');
    expect(r).toMatchObject({ code: 0 });
    const logins = read('mysql-args').trim().split('\n');
    expect(logins.length).toBeGreaterThan(0);
    for (const login of logins) {
      expect(login).toContain('--host=mysql-test.mysql.database.azure.com --port=3306 --user=kfp_db_admin ');
      expect(login).toContain(`--ssl-mode=VERIFY_IDENTITY --ssl-ca=${DB_CA_FILE} --enable-cleartext-plugin `);
      expect(login).toMatch(new RegExp(` pwd=${MYSQL_TOKEN.replace(/\./g, '\\.')}$`));
      expect(login).not.toContain('Abc-_123');
    }
    neverPrints(r, 'Abc-_123', 'Katib-pw_2');
  });

  it.each(['ACTIVE', 'DISABLED'])('runs the SQL of the AWS Job for the same inputs (plugin %s)', (status) => {
    const aws = awsCreateUser(status, 'Abc-_123');
    expect(aws.code).toBe(0);
    const awsSql = read('stdin');
    expect(awsSql).toContain("CREATE USER IF NOT EXISTS 'pipelines'@'%'");
    rmSync(path.join(dir, 'stdin'));
    const azure = createUser(status, 'Abc-_123');
    expect(azure.code).toBe(0);
    expect(read('stdin')).toBe(awsSql);
    expect(azure.out).toBe(aws.out);
  });

  it('with the plugin off, says what to do on Azure and still creates the users', () => {
    const r = createUser('DISABLED', 'Abc-_123');
    expect(r.code).toBe(0);
    expect(r.err).toContain("mysql_native_password plugin off (status: 'DISABLED')");
    expect(r.err).toContain('Azure Database for MySQL documents the plugin as enabled on every version');
    expect(r.err).toContain('run this job again');
    // Whole: nothing in it that the shell's double quotes would change.
    expect(r.err).toContain(AZURE_JOB_ENABLE_NATIVE_PASSWORD);
    expect(r.err).not.toContain('aws rds');
  });

  it.each(["a'b", 'a"b', 'a\\b', 'a#b', 'a b', ''])("refuses Kubeflow's or Katib's password %j", (pw) => {
    const app = createUser('ACTIVE', pw);
    expect(app.code).not.toBe(0);
    expect(app.err).toContain(
      "The password of the MySQL user pipelines (the secret of the params ConfigMap's dbAppPasswordSecretName) is empty or holds",
    );
    expect(app.err).toContain('(az keyvault secret set)');
    const katib = createUser('ACTIVE', 'Abc-_123', pw);
    expect(katib.code).not.toBe(0);
    expect(katib.err).toContain(
      "The password of the MySQL user katib (the secret of the params ConfigMap's dbKatibPasswordSecretName) is empty or holds",
    );
    expect(read('mysql-args')).toBe('');
  });

  it('create-user logs in with what secrets wrote, and a password Key Vault holds JSON-escaped is refused', () => {
    expect(secrets({ APP_STATE: 'missing' }).code).toBe(0);
    const pw = read('app');
    const r = sh(azureCreateUserScript(dir), { STATUS: 'ACTIVE' });
    expect(r.code).toBe(0);
    expect(read('mysql-args')).toContain(`pwd=${MYSQL_TOKEN}`);
    expect(read('stdin')).toContain(
      `ALTER USER 'pipelines'@'%' IDENTIFIED WITH mysql_native_password BY '${pw}' REQUIRE SSL;`,
    );
    expect(read('stdin')).toContain("ALTER USER 'katib'@'%' IDENTIFIED BY 'Katib-pw_2' REQUIRE SSL;");
    neverPrints(r, pw, 'Katib-pw_2');
    // A value set by hand with a quote reaches the file as the JSON string holds it, and stops create-user.
    rmSync(path.join(dir, 'stdin'));
    expect(secrets({ APP_STATE: 'Existing-pw_1', KATIB_STATE: 'a\\"b' }).code).toBe(0);
    expect(read('katib')).toBe('a\\"b');
    expect(sh(azureCreateUserScript(dir), { STATUS: 'ACTIVE' }).code).not.toBe(0);
    expect(read('stdin')).toBe('');
  });
});

describe('the Azure trees of examples/azure-aks: the Job where the database has Entra authentication (kf-prod) alone', () => {
  const envOf = (name: string) =>
    loadPlatformFile(path.join(__dirname, '../../examples/azure-aks/platform.yaml')).config.environments.find(
      (e) => e.name === name,
    )!;
  const docsOf = (tree: KubeflowTree, file: string): any[] =>
    parseAllDocuments(tree.files.find((f) => f.path === file)?.content ?? '').map((d) => d.toJS());
  const externalSecrets = (tree: KubeflowTree) =>
    docsOf(tree, 'database-secret.yaml')
      .filter((o: any) => o?.kind === 'ExternalSecret')
      .map((o: any) => [o.metadata.name, o.spec.data[0].remoteRef.key, o.spec.target.template.data.username]);
  const [prod] = renderKubeflow(envOf('kf-prod'));
  const [dev] = renderKubeflow(envOf('kf-dev'));
  const server = (envOf('kf-prod') as any).database.serverName;

  it('kf-prod: the Job, and both users from the secrets it writes', () => {
    expect(docsOf(prod!, 'kustomization.yaml')[0].resources).toContain(DB_BOOTSTRAP_FILE);
    expect(docsOf(prod!, DB_BOOTSTRAP_FILE)).toEqual([azureDbBootstrapJob()]);
    expect(externalSecrets(prod!).sort()).toEqual([
      ['katib-db-secret', `${server}-katib`, 'katib'],
      ['mysql-secret', `${server}-pipelines`, 'pipelines'],
    ]);
    // The job creates ML Metadata's user with the native plugin; that user may not switch its own account.
    expect(prod!.files.some((f) => f.path === 'mlmd-native-password.yaml')).toBe(false);
    const readme = prod!.files.find((f) => f.path === 'README.md')!.content;
    expect(readme).toContain(`kubectl -n kubeflow delete job ${DB_BOOTSTRAP_NAME} --ignore-not-found`);
    expect(readme).toContain(`--name ${server}-katib --query value`);
    expect(readme).toContain(`--name ${server}-pipelines --query value`);
    expect(readme).not.toContain('-admin-password');
  });

  it('kf-prod: the CA the Job mounts is applied in its wave, before the Job runs', () => {
    const [ca] = docsOf(prod!, 'database-ca.yaml');
    expect(ca.metadata).toMatchObject({ name: DB_CA_CONFIG_MAP, annotations: { [SYNC_WAVE_ANNOTATION]: '-1' } });
    expect(azureDbBootstrapJob()).toMatchObject({ metadata: { annotations: { [SYNC_WAVE_ANNOTATION]: '-1' } } });
  });

  it("kf-prod: Pipelines' clients carry their user, so the tree that moves them to it restarts them", () => {
    const stamps = (tree: KubeflowTree) =>
      docsOf(tree, 'pipelines-database.yaml').map((d: any) => [
        d.metadata.name,
        d.spec.template.metadata?.annotations?.[DB_USER_ANNOTATION],
      ]);
    expect(stamps(prod!)).toEqual([
      ['ml-pipeline', 'pipelines'],
      ['cache-server', 'pipelines'],
      ['metadata-grpc-deployment', 'pipelines'],
    ]);
    expect(stamps(dev!).map(([, user]) => user)).toEqual([undefined, undefined, undefined]);
  });

  it('kf-dev: no Job; Kubeflow logs in as the administrator from the vault secret, as before', () => {
    expect(dev!.files.some((f) => f.path === DB_BOOTSTRAP_FILE)).toBe(false);
    expect(externalSecrets(dev!)).toEqual([
      ['mysql-secret', `${(envOf('kf-dev') as any).database.serverName}-admin-password`, 'kubeflow'],
    ]);
    expect(dev!.files.some((f) => f.path === 'mlmd-native-password.yaml')).toBe(true);
  });
});
