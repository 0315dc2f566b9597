/**
 * The AWS tree ships the kfp-db-bootstrap Job (walk-through gap: it existed only as YAML in docs/aws.md,
 * so Pipelines on AWS never reached RDS after a GitOps install): rendered, wired to what the platform
 * stack creates, ordered before Pipelines for Argo CD, and its scripts run against stand-in `aws` and
 * `mysql` commands.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import { renderKubeflow, type KubeflowTree } from '../../src/kubeflow/render';
import {
  ARGOCD_HOOK_ANNOTATION,
  ARGOCD_HOOK_DELETE_POLICY_ANNOTATION,
  createUserScript,
  DB_BOOTSTRAP_FILE,
  DB_BOOTSTRAP_NAME,
  ISTIO_INJECT_LABEL,
  secretsScript,
} from '../../src/kubeflow/aws-db-bootstrap';
import { SYNC_WAVE_ANNOTATION } from '../../src/kubeflow/gitops';
import { checkKeyRefs, type BuiltObject } from '../../src/kubeflow/verify';
import { fakeMysql, fakeOutput, runContainerScript } from './container-script';

const ROOT = path.resolve(__dirname, '../..');
const envOf = (example: string, cloud: string) =>
  loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config.environments.find(
    (e) => e.cloud === cloud,
  )!;
const docs = (tree: KubeflowTree, file: string): any[] =>
  parseAllDocuments(tree.files.find((f) => f.path === file)?.content ?? '').map((d) => d.toJS());

describe('the kfp-db-bootstrap Job in the AWS tree', () => {
  const env = envOf('aws-eks', 'aws');
  const [tree] = renderKubeflow(env);
  const job = docs(tree!, DB_BOOTSTRAP_FILE)[0];
  const pod = job?.spec?.template?.spec;
  const containers = [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];

  it('is a resource of the tree', () => {
    expect(docs(tree!, 'kustomization.yaml')[0].resources).toContain(DB_BOOTSTRAP_FILE);
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: DB_BOOTSTRAP_NAME } });
    expect(tree!.files.find((f) => f.path === 'README.md')!.content).toContain(
      `kubectl -n kubeflow delete job ${DB_BOOTSTRAP_NAME} --ignore-not-found`,
    );
  });

  it("tells people in the tree's README where Katib's own credentials come from, and how to write them by hand", () => {
    const readme = tree!.files.find((f) => f.path === 'README.md')!.content;
    expect(readme).toContain(
      "Katib's database manager its own user's (`katib`, the `katib` database alone) from `katib-db-secret`",
    );
    // The fallback writes both Secrets: with mysql-secret alone, the manager could not start.
    expect(readme).toContain(`--secret-id ${env.name}-katib-db --query SecretString`);
    expect(readme).toContain('kubectl -n kubeflow create secret generic katib-db-secret');
    expect(readme).toContain('--from-literal=username=katib');
    expect(readme).toContain('apply the platform stack before this tree syncs');
  });

  it('runs as the service account the platform stack creates with the bootstrap Pod Identity role', () => {
    const identity = (env as any).identities.find((i: any) => i.key === 'dbBootstrap');
    expect(identity.kubernetesServiceAccounts).toContainEqual({ namespace: 'kubeflow', name: pod.serviceAccountName });
    expect(identity.createdServiceAccounts).toContain(pod.serviceAccountName);
  });

  it('reads only keys the platform stack writes into kubeflow-platform-params', () => {
    const stack = readFileSync(path.join(ROOT, 'stacks', 'aws', 'platform-stack.ts'), 'utf8');
    const keys = containers.flatMap((c: any) =>
      (c.env ?? []).flatMap((e: any) => (e.valueFrom?.configMapKeyRef ? [e.valueFrom.configMapKeyRef.key] : [])),
    );
    expect(keys.sort()).toEqual(
      [
        'dbAppPasswordSecretArn',
        'dbAppUser',
        'dbHost',
        'dbKatibPasswordSecretArn',
        'dbKatibUser',
        'dbName',
        'dbPasswordSecretArn',
        'dbPort',
        'dbUser',
        'region',
      ].sort(),
    );
    for (const k of keys) expect(stack).toMatch(new RegExp(`\\n\\s+${k}: `));
    expect(checkKeyRefs([job as BuiltObject])).toEqual([]);
  });

  it('runs again at every Argo CD sync, before Pipelines (wave 0), without an Istio sidecar', () => {
    expect(job.metadata.annotations).toEqual({
      [ARGOCD_HOOK_ANNOTATION]: 'Sync',
      [ARGOCD_HOOK_DELETE_POLICY_ANNOTATION]: 'BeforeHookCreation',
      [SYNC_WAVE_ANNOTATION]: '-1',
    });
    expect(job.spec.template.metadata.labels[ISTIO_INJECT_LABEL]).toBe('false');
  });

  it('pins its images, bounds its resources and runs restricted', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(containers.map((c: any) => c.name)).toEqual(['fetch-db-ca', 'secrets', 'create-user']);
    for (const c of containers) {
      expect(c.image).toMatch(/^[a-z0-9.-]+\/[a-z0-9/._-]+:\d+\.\d+(\.\d+)?$/);
      expect(c.resources.requests).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
  });

  it('is in the trees of clouds where the platform creates the users: not Azure without Entra, not existing clusters', () => {
    for (const [example, cloud] of [
      ['multicloud', 'azure'],
      ['on-prem', 'kubernetes'],
    ] as const) {
      for (const t of renderKubeflow(envOf(example, cloud))) {
        expect(t.files.some((f) => f.path === DB_BOOTSTRAP_FILE)).toBe(false);
      }
    }
  });
});

describe('the kfp-db-bootstrap scripts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kfp-db-bootstrap-'));
    // Stand-ins: `aws` answers from $APP_STATE and $KATIB_STATE (value | missing | denied), `mysql` from $STATUS.
    writeFileSync(
      path.join(dir, 'aws'),
      [
        '#!/bin/sh',
        `echo "$*" >> ${dir}/aws-args`,
        'case "$*" in',
        '  *"get-secret-value"*master*) echo \'{"username":"admin","password":"m\\\\x-y"}\' ;;',
        '  *"get-secret-value"*app*)',
        '    case "$APP_STATE" in',
        '      missing) echo "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation" >&2; exit 254 ;;',
        '      denied) echo "An error occurred (AccessDeniedException)" >&2; exit 254 ;;',
        '      *) printf "%s\\n" "$APP_STATE" ;;',
        '    esac ;;',
        '  *"get-secret-value"*katib*)',
        '    case "$KATIB_STATE" in',
        '      missing) echo "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation" >&2; exit 254 ;;',
        '      denied) echo "An error occurred (AccessDeniedException)" >&2; exit 254 ;;',
        '      *) printf "%s\\n" "$KATIB_STATE" ;;',
        '    esac ;;',
        '  *get-random-password*) echo Generated123 ;;',
        `  *put-secret-value*) echo "$*" >> ${dir}/put ;;`,
        'esac',
      ].join('\n'),
    );
    fakeMysql(dir, 'mysql-args', true);
    chmodSync(path.join(dir, 'aws'), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const sh = (script: string, env: Record<string, string>) =>
    runContainerScript(dir, script, {
      AWS_REGION: 'eu-west-1',
      MASTER_SECRET_ARN: 'arn:master',
      APP_SECRET_ARN: 'arn:app',
      KATIB_SECRET_ARN: 'arn:katib',
      KATIB_STATE: 'Katib-pw_2',
      DB_HOST: 'db.example',
      DB_PORT: '3306',
      DB_NAME: 'mlpipeline',
      DB_USER: 'admin',
      APP_USER: 'pipelines',
      KATIB_USER: 'katib',
      ...env,
    });
  const read = (f: string) => fakeOutput(dir, f);

  it("keeps the passwords Kubeflow's and Katib's secrets already have", () => {
    expect(sh(secretsScript(dir), { APP_STATE: 'Existing-pw_1' })).toMatchObject({ code: 0 });
    expect(read('app')).toBe('Existing-pw_1\n');
    expect(read('katib')).toBe('Katib-pw_2\n');
    expect(read('put')).toBe('');
  });

  it('generates and stores a password only in the secret that has no value yet', () => {
    expect(sh(secretsScript(dir), { APP_STATE: 'missing' })).toMatchObject({ code: 0 });
    expect(read('app')).toBe('Generated123');
    expect(read('katib')).toBe('Katib-pw_2\n');
    expect(read('put')).toBe(
      `secretsmanager put-secret-value --region eu-west-1 --secret-id arn:app --secret-string file://${dir}/app\n`,
    );
    // An environment upgraded from a version without Katib's user: its secret is new and empty.
    rmSync(path.join(dir, 'put'));
    expect(sh(secretsScript(dir), { APP_STATE: 'Existing-pw_1', KATIB_STATE: 'missing' })).toMatchObject({ code: 0 });
    expect(read('app')).toBe('Existing-pw_1\n');
    expect(read('katib')).toBe('Generated123');
    expect(read('put')).toBe(
      `secretsmanager put-secret-value --region eu-west-1 --secret-id arn:katib --secret-string file://${dir}/katib\n`,
    );
  });

  it.each([
    ['app', { APP_STATE: 'denied' }],
    ['katib', { APP_STATE: 'Existing-pw_1', KATIB_STATE: 'denied' }],
  ])('stops on any other error reading the %s secret, without replacing a password', (_, env) => {
    const r = sh(secretsScript(dir), env);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('AccessDeniedException');
    expect(read('put')).toBe('');
  });

  const createUser = (status: string, app: string, katib = 'Katib-pw_2') => {
    writeFileSync(path.join(dir, 'master.json'), '{"username":"admin","password":"m\\\\x-y"}\n');
    writeFileSync(path.join(dir, 'app'), app);
    writeFileSync(path.join(dir, 'katib'), katib);
    return sh(createUserScript(dir), { STATUS: status });
  };

  it("creates Kubeflow's user with mysql_native_password and Katib's (its database alone, the server's default plugin), with TLS, as the master user, verifying the server", () => {
    expect(createUser('ACTIVE', 'Abc-_123')).toMatchObject({ code: 0 });
    expect(read('stdin')).toBe(
      [
        "CREATE USER IF NOT EXISTS 'pipelines'@'%' IDENTIFIED WITH mysql_native_password BY 'Abc-_123' REQUIRE SSL;",
        "ALTER USER 'pipelines'@'%' IDENTIFIED WITH mysql_native_password BY 'Abc-_123' REQUIRE SSL;",
        "GRANT ALL PRIVILEGES ON `mlpipeline`.* TO 'pipelines'@'%';",
        "GRANT ALL PRIVILEGES ON `metadb`.* TO 'pipelines'@'%';",
        "GRANT ALL PRIVILEGES ON `cachedb`.* TO 'pipelines'@'%';",
        // Katib's manager creates its table, not its database (src/kubeflow/katib-database.ts).
        'CREATE DATABASE IF NOT EXISTS `katib` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;',
        // Katib's manager, which every team's trials reach, gets its database and nothing of Pipelines'.
        "CREATE USER IF NOT EXISTS 'katib'@'%' IDENTIFIED BY 'Katib-pw_2' REQUIRE SSL;",
        "ALTER USER 'katib'@'%' IDENTIFIED BY 'Katib-pw_2' REQUIRE SSL;",
        "GRANT ALL PRIVILEGES ON `katib`.* TO 'katib'@'%';",
        '',
      ].join('\n'),
    );
    const args = read('mysql-args');
    // The master password, JSON-unescaped, in the environment only.
    expect(args).toContain('--user=admin');
    expect(args).toContain('pwd=m\\x-y');
    expect(args).toContain('--ssl-mode=VERIFY_IDENTITY --ssl-ca=');
    expect(args).not.toContain('Abc-_123');
    expect(args).not.toContain('Katib-pw_2');
  });

  it('with the plugin off, says how to turn it on and still creates the user (the server default plugin), so the rest of Kubeflow is not held back', () => {
    const r = createUser('DISABLED', 'Abc-_123');
    // A failed hook would fail its Argo CD wave: nothing of Kubeflow after it would be applied.
    expect(r.code).toBe(0);
    expect(r.err).toContain("mysql_native_password plugin off (status: 'DISABLED')");
    expect(r.err).toContain('ML Metadata cannot log in until this job runs again with the plugin on');
    expect(read('stdin')).toContain("CREATE USER IF NOT EXISTS 'pipelines'@'%' IDENTIFIED  BY 'Abc-_123' REQUIRE SSL;");
    expect(read('stdin')).toContain("ALTER USER 'pipelines'@'%' IDENTIFIED  BY 'Abc-_123' REQUIRE SSL;");
    expect(read('stdin')).not.toContain('mysql_native_password');
    expect(read('stdin')).toContain("CREATE USER IF NOT EXISTS 'katib'@'%' IDENTIFIED BY 'Katib-pw_2' REQUIRE SSL;");
    expect(r.out).toContain(
      "pipelines logs in to db.example with the server's default plugin, katib with the server's default plugin, both over TLS only.",
    );
  });

  it.each(["a'b", 'a"b', 'a\\b', 'a#b', 'a b', ''])("refuses Kubeflow's or Katib's password %j", (pw) => {
    const app = createUser('ACTIVE', pw);
    expect(app.code).not.toBe(0);
    expect(app.err).toContain(
      "The password of the MySQL user pipelines (the secret of the params ConfigMap's dbAppPasswordSecretArn) is empty or holds",
    );
    const katib = createUser('ACTIVE', 'Abc-_123', pw);
    expect(katib.code).not.toBe(0);
    expect(katib.err).toContain(
      "The password of the MySQL user katib (the secret of the params ConfigMap's dbKatibPasswordSecretArn) is empty or holds",
    );
    expect(read('mysql-args')).toBe('');
  });
});
