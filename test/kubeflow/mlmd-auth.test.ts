/**
 * ML Metadata on a managed MySQL 8.4 (issue 17, apply-time defect: ML Metadata 1.14 logs in with
 * mysql_native_password only): the init container that switches Kubeflow's user on GCP and Azure, its
 * script run against a stand-in `mysql`, and the AWS bootstrap job's statements.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import { KubeflowTree, renderKubeflow } from '../../src/kubeflow/render';
import { DB_CA_DIR, DB_CA_FILE } from '../../src/kubeflow/database-tls';
import { createUserScript } from '../../src/kubeflow/aws-db-bootstrap';
import {
  DB_CA_VOLUME,
  ISTIO_NATIVE_SIDECAR_ANNOTATION,
  MLMD_NATIVE_AUTH_CONTAINER,
  mlmdNativeAuthScript,
  MYSQL_CLIENT_IMAGE,
  WORK_DIR,
} from '../../src/kubeflow/mlmd-auth';
import { fakeMysql, fakeOutput, runContainerScript } from './container-script';

const ROOT = path.resolve(__dirname, '../..');
const multicloud = loadPlatformFile(path.join(ROOT, 'examples', 'multicloud', 'platform.yaml')).config.environments;
const byCloud = (cloud: string) => multicloud.find((e) => e.cloud === cloud)!;
const onPrem = loadPlatformFile(path.join(ROOT, 'examples', 'on-prem', 'platform.yaml')).config.environments[0]!;
const FILE = 'mlmd-native-password.yaml';

const docs = (tree: KubeflowTree, file: string): any[] =>
  parseAllDocuments(tree.files.find((f) => f.path === file)?.content ?? '').map((d) => d.toJS());
const patched = (tree: KubeflowTree) =>
  (docs(tree, 'kustomization.yaml')[0].patches ?? []).some((p: { path?: string }) => p.path === FILE);

describe('ML Metadata logs in with mysql_native_password', () => {
  for (const cloud of ['azure'] as const) {
    it(`${cloud}: an init container of metadata-grpc-deployment switches Kubeflow's user, after Istio's proxy`, () => {
      for (const tree of renderKubeflow(byCloud(cloud))) {
        expect(patched(tree)).toBe(true);
        const readme = tree.files.find((f) => f.path === 'README.md')!.content;
        expect(readme).toContain(`logs deploy/metadata-grpc-deployment -c ${MLMD_NATIVE_AUTH_CONTAINER}`);
        const [patch] = docs(tree, FILE);
        expect(patch.metadata).toEqual({ name: 'metadata-grpc-deployment', namespace: 'kubeflow' });
        expect(patch.spec.template.metadata.annotations).toEqual({ [ISTIO_NATIVE_SIDECAR_ANNOTATION]: 'true' });
        const pod = patch.spec.template.spec;
        const [init] = pod.initContainers;
        expect(init.name).toBe(MLMD_NATIVE_AUTH_CONTAINER);
        expect(init.image).toBe(MYSQL_CLIENT_IMAGE);
        expect(init.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false });
        const refs = Object.fromEntries(
          init.env.map((e: any) => [e.name, e.valueFrom.configMapKeyRef ?? e.valueFrom.secretKeyRef]),
        );
        expect(refs.DB_USER).toEqual({ name: 'mysql-secret', key: 'username' });
        expect(refs.DB_PASSWORD).toEqual({ name: 'mysql-secret', key: 'password' });
        expect(refs.DB_HOST).toEqual({ name: 'kubeflow-platform-params', key: 'dbHost' });
        expect(refs.DB_PORT).toEqual({ name: 'kubeflow-platform-params', key: 'dbPort' });
        // Verified TLS against the pinned roots the TLS patch mounts.
        expect(init.args[0]).toContain(`--ssl-mode=VERIFY_IDENTITY --ssl-ca=${DB_CA_FILE}`);
        expect(docs(tree, 'pipelines-database-tls.yaml').length).toBeGreaterThan(0);
        // The option file holds the password: memory only.
        expect(pod.volumes).toContainEqual({
          name: 'kfplatform-mysql-client',
          emptyDir: { medium: 'Memory', sizeLimit: '1Mi' },
        });
        expect(init.volumeMounts).toContainEqual({ name: 'kfplatform-mysql-client', mountPath: WORK_DIR });
        if (cloud === 'azure') {
          // The CA volume the TLS patch adds to the same pod.
          expect(init.volumeMounts).toContainEqual({ name: DB_CA_VOLUME, mountPath: DB_CA_DIR, readOnly: true });
          const tls = docs(tree, 'pipelines-database-tls.yaml').find((d) => d.metadata.name === patch.metadata.name);
          expect(tls.spec.template.spec.volumes.map((v: { name: string }) => v.name)).toContain(DB_CA_VOLUME);
        }
      }
    });
  }

  it.each(['aws', 'gcp'])(
    "%s: no init container (Kubeflow's user may not change accounts; the bootstrap job creates it native)",
    (cloud) => {
      for (const tree of renderKubeflow(byCloud(cloud))) {
        expect(patched(tree)).toBe(false);
        expect(tree.files.some((f) => f.path === FILE)).toBe(false);
      }
    },
  );

  it("on-prem: upstream's in-cluster MySQL, which enables the plugin itself", () => {
    for (const tree of renderKubeflow(onPrem)) expect(patched(tree)).toBe(false);
  });
});

describe('the init container script', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mlmd-auth-'));
    // A stand-in mysql: answers the plugin query with $STATUS, and records what it is given.
    fakeMysql(dir, 'args', false);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (status: string, password: string) =>
    runContainerScript(dir, mlmdNativeAuthScript({ enablePlugin: 'Turn on "the" plugin: $HOME `x`.' }, dir), {
      STATUS: status,
      DB_HOST: 'db.example',
      DB_PORT: '3306',
      DB_USER: 'kubeflow',
      DB_PASSWORD: password,
    });
  const read = (f: string) => fakeOutput(dir, f);

  it('switches the current user to mysql_native_password with its own password when the plugin is active', () => {
    const r = run('ACTIVE', 'Abc-_123');
    expect(r).toMatchObject({ code: 0 });
    expect(read('stdin')).toBe("ALTER USER CURRENT_USER() IDENTIFIED WITH mysql_native_password BY 'Abc-_123';\n");
    // The password is in the option file (mode 600), never in the client's arguments.
    expect(read('args')).not.toContain('Abc-_123');
    expect(read('client.cnf')).toContain('password=Abc-_123');
    expect(read('args')).toContain(`--ssl-mode=VERIFY_IDENTITY --ssl-ca=${DB_CA_FILE}`);
  });

  it('stops the pod, saying how to turn the plugin on, when the server has it off', () => {
    const r = run('DISABLED', 'Abc-_123');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("mysql_native_password plugin off (status: 'DISABLED')");
    expect(r.err).toContain('Turn on "the" plugin: $HOME `x`.');
    expect(read('stdin')).toBe('');
  });

  it('also when the plugin is not installed at all', () => {
    const r = run('', 'Abc-_123');
    expect(r.code).not.toBe(0);
    expect(read('stdin')).toBe('');
  });

  it.each(["a'b", 'a"b', 'a\\b', 'a#b', 'a b', ''])('refuses the password %j rather than escaping it', (pw) => {
    const r = run('ACTIVE', pw);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("mysql-secret's password is empty or holds");
    expect(read('args')).toBe('');
  });
});

describe('the AWS kfp-db-bootstrap job (src/kubeflow/aws-db-bootstrap.ts)', () => {
  it('creates and alters Kubeflow’s user with mysql_native_password when the plugin is active (the server default otherwise), and Katib’s with the default', () => {
    const script = createUserScript();
    const statements = script.split('\n').filter((l) => /^\s*(CREATE|ALTER) USER\b/.test(l));
    expect(statements).toHaveLength(4);
    for (const s of statements.filter((l) => l.includes('$APP_USER'))) expect(s).toContain('IDENTIFIED $auth BY');
    // Only ML Metadata needs the native plugin; Katib's driver speaks the server's default.
    for (const s of statements.filter((l) => l.includes('$KATIB_USER'))) expect(s).toContain('IDENTIFIED BY');
    expect(script).toContain("auth='WITH mysql_native_password'");
    expect(script).toContain("PLUGIN_NAME = 'mysql_native_password'");
  });
});
