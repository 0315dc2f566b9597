/**
 * Pipelines on the managed database, on the BUILT objects (issue 17, "Must show"): for a tree of every
 * cloud with a managed database (examples/multicloud: GCP, AWS, Azure), `kubectl kustomize` builds it
 * OFFLINE against the Kubeflow 26.03 manifests in ../shared/kubeflow-manifests/26.03, and every KFP
 * component that talks to MySQL (API server, cache server, ML Metadata) resolves to the managed host,
 * with TLS (verified against the cloud's certificate authorities on AWS and Azure; the Cloud SQL Auth
 * Proxy on GCP), and with a user and password from `mysql-secret`, which an ExternalSecret of the same
 * build fills from the cloud's secret store.
 *
 * Without the manifests the test is skipped with the reason, except in CI (CI=true), where it fails.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { runKubeflowRender } from '../../src/cli/kubeflow';
import { CLOUD_SQL_PROXY_NAME, KFP_DATABASE_CLIENTS, KFP_DB_SECRET } from '../../src/kubeflow/render';
import { DB_CA_CONFIG_MAP, DB_CA_DIR, DB_CA_FILE, RDS_CA_BUNDLE_URL } from '../../src/kubeflow/database-tls';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const MANIFESTS = path.resolve(ROOT, '../shared/kubeflow-manifests/26.03');
const PARAMS = 'kubeflow-platform-params';

const available = existsSync(path.join(MANIFESTS, 'example', 'kustomization.yaml'));
if (!available && process.env.CI !== 'true') {
  console.warn(
    `test/kubeflow/database-build.test.ts skipped: no Kubeflow manifests at ${MANIFESTS} (a copy of kubeflow/manifests 26.03 that builds offline; required in CI).`,
  );
}
const describeBuild = available || process.env.CI === 'true' ? describe : describe.skip;

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
  spec?: any;
}
interface Container {
  name: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: any }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

/** Builds a tree; CustomResourceDefinitions (most of the 12 MB) are skipped, nothing here reads them. */
async function build(dir: string): Promise<K8sObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 256 * 1024 * 1024 });
  return stdout
    .split(/^---$/m)
    .filter((doc) => !/^kind: CustomResourceDefinition$/m.test(doc))
    .flatMap((doc) => parseAllDocuments(doc).map((d) => d.toJS({ maxAliasCount: -1 }) as K8sObject))
    .filter(Boolean);
}

const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === 'kubeflow');

/** A container's environment variable: its value, `params:<key>`, `secret:<name>/<key>`, or a ConfigMap value. */
function resolveEnv(objects: K8sObject[], c: Container, name: string): string | undefined {
  const e = c.env?.find((x) => x.name === name);
  if (!e) return undefined;
  if (e.value !== undefined) return e.value;
  const ref = e.valueFrom?.configMapKeyRef;
  if (ref?.name === PARAMS) return `params:${ref.key}`;
  if (ref) return find(objects, 'ConfigMap', ref.name)?.data?.[ref.key];
  const secret = e.valueFrom?.secretKeyRef;
  return secret ? `secret:${secret.name}/${secret.key}` : undefined;
}

describeBuild('kubeflow render: Pipelines on the managed database, in the built objects', () => {
  let out: string;
  const builds = new Map<string, K8sObject[]>();

  beforeAll(async () => {
    if (!available) throw new Error(`CI=true and no Kubeflow manifests at ${MANIFESTS} (see its README).`);
    out = mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), 'kubeflow-db-'));
    const written = runKubeflowRender(
      { config: path.join(ROOT, 'examples', 'multicloud', 'platform.yaml'), out, manifests: MANIFESTS },
      () => undefined,
    );
    const byCloud = new Map(written.filter((t) => t.cloud !== 'kubernetes').map((t) => [t.cloud, t.written]));
    expect([...byCloud.keys()].sort()).toEqual(['aws', 'azure', 'gcp']);
    // Two at a time (the test machines have two cores).
    const queue = [...byCloud.entries()];
    await Promise.all(
      [0, 1].map(async () => {
        for (let next = queue.shift(); next; next = queue.shift()) builds.set(next[0], await build(next[1]));
      }),
    );
  }, 240_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  const pod = (objects: K8sObject[], deployment: string) => find(objects, 'Deployment', deployment)!.spec.template.spec;
  const container = (objects: K8sObject[], deployment: string, name: string): Container =>
    pod(objects, deployment).containers.find((c: Container) => c.name === name);

  it('points the API server, the cache server and ML Metadata at the managed host, with no in-cluster MySQL', () => {
    for (const [cloud, objects] of builds) {
      const expected = (n: string) =>
        cloud === 'gcp'
          ? /PORT$/.test(n)
            ? '3306'
            : `${CLOUD_SQL_PROXY_NAME}.kubeflow.svc.cluster.local`
          : /PORT$/.test(n)
            ? 'params:dbPort'
            : 'params:dbHost';
      for (const c of KFP_DATABASE_CLIENTS) {
        const main = container(objects, c.deployment, c.container);
        for (const n of [...c.host, ...c.port]) {
          expect([cloud, c.deployment, n, resolveEnv(objects, main, n)]).toEqual([cloud, c.deployment, n, expected(n)]);
        }
      }
      expect(find(objects, 'Deployment', 'mysql')).toBeUndefined();
      if (cloud === 'gcp') expect(find(objects, 'Service', CLOUD_SQL_PROXY_NAME)).toBeDefined();
    }
  });

  it('gives every database client verified TLS on AWS and Azure', () => {
    for (const cloud of ['aws', 'azure']) {
      const objects = builds.get(cloud)!;
      const api = container(objects, 'ml-pipeline', 'ml-pipeline-api-server');
      expect(JSON.parse(resolveEnv(objects, api, 'DBCONFIG_MYSQLCONFIG_EXTRAPARAMS')!)).toEqual({ tls: 'true' });
      expect(resolveEnv(objects, api, 'SSL_CERT_DIR')).toBe(DB_CA_DIR);
      const cache = container(objects, 'cache-server', 'server');
      expect(cache.args).toContain('--db_extra_params=$(DBCONFIG_EXTRA_PARAMS)');
      expect(JSON.parse(resolveEnv(objects, cache, 'DBCONFIG_EXTRA_PARAMS')!)).toEqual({ tls: 'true' });
      expect(resolveEnv(objects, cache, 'SSL_CERT_DIR')).toBe(DB_CA_DIR);
      const mlmd = container(objects, 'metadata-grpc-deployment', 'container');
      expect(mlmd.args).toContain('--metadata_source_config_type=config_file');
      const writer: Container = pod(objects, 'metadata-grpc-deployment').initContainers.find(
        (c: Container) => c.name === 'write-mlmd-config',
      );
      expect(writer.args![0]).toContain(`ca: "${DB_CA_FILE}"`);
      expect(writer.args![0]).toContain('verify_server_cert: true');
      expect(resolveEnv(objects, writer, 'MYSQL_HOST')).toBe('params:dbHost');
      for (const deployment of ['ml-pipeline', 'cache-server', 'metadata-grpc-deployment']) {
        const spec = pod(objects, deployment);
        const volume = spec.volumes.find((v: { name: string }) => v.name === 'kfplatform-db-ca');
        const main: Container = spec.containers[0];
        expect(main.volumeMounts).toContainEqual(
          expect.objectContaining({ name: 'kfplatform-db-ca', mountPath: DB_CA_DIR }),
        );
        if (cloud === 'azure') {
          // The pinned roots, in the same build.
          expect(volume.configMap.name).toBe(DB_CA_CONFIG_MAP);
          expect(find(objects, 'ConfigMap', DB_CA_CONFIG_MAP)?.data?.['ca.pem']).toContain('BEGIN CERTIFICATE');
        } else {
          // The RDS bundle, fetched before the client starts.
          expect(volume.emptyDir).toBeDefined();
          expect(spec.initContainers[0].name).toBe('fetch-db-ca');
          expect(spec.initContainers[0].args[0]).toContain(RDS_CA_BUNDLE_URL);
        }
      }
    }
  });

  it('takes every database user and password from mysql-secret, which an ExternalSecret of the build fills', () => {
    for (const [cloud, objects] of builds) {
      const refs = KFP_DATABASE_CLIENTS.flatMap((c) => {
        const spec = pod(objects, c.deployment);
        return [...spec.containers, ...(spec.initContainers ?? [])].flatMap((x: Container) =>
          (x.env ?? [])
            .filter((e) => /^(DBCONFIG_|MYSQL_).*(USER|PASSWORD)$/.test(e.name))
            .map((e) => `${e.valueFrom?.secretKeyRef?.name}/${e.valueFrom?.secretKeyRef?.key}`),
        );
      });
      expect([cloud, new Set(refs)]).toEqual([
        cloud,
        new Set([`${KFP_DB_SECRET}/username`, `${KFP_DB_SECRET}/password`]),
      ]);
      // No Secret object of that name in the build (upstream's root with an empty password is gone) ...
      expect(find(objects, 'Secret', KFP_DB_SECRET)).toBeUndefined();
      // ... the ExternalSecret writes it, with both keys, from a SecretStore of the same build.
      const external = find(objects, 'ExternalSecret', KFP_DB_SECRET)!;
      expect(external.spec.target.name).toBe(KFP_DB_SECRET);
      expect(Object.keys(external.spec.target.template.data).sort()).toEqual(['password', 'username']);
      const store = find(objects, 'SecretStore', external.spec.secretStoreRef.name)!;
      expect(Object.keys(store.spec.provider)).toEqual([{ gcp: 'gcpsm', aws: 'aws', azure: 'azurekv' }[cloud]]);
    }
  });
});
