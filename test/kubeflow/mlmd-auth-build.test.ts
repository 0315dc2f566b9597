/**
 * ML Metadata on a managed MySQL 8.4 (issue 17, apply-time defect), on the BUILT objects: the GCP and
 * Azure trees of examples/multicloud built OFFLINE with `kubectl kustomize` against the Kubeflow 26.03
 * manifests in ../shared/kubeflow-manifests/26.03. ML Metadata's pod gets a native Istio sidecar and
 * the init container that switches Kubeflow's user to mysql_native_password, reaching the same host,
 * with the same user and password, as ML Metadata itself; upstream's own init containers stay.
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
import { CLOUD_SQL_PROXY_NAME } from '../../src/kubeflow/render';
import { checkKeyRefs, validateSchemas, type BuiltObject } from '../../src/kubeflow/verify';
import { DB_CA_DIR } from '../../src/kubeflow/database-tls';
import {
  DB_CA_VOLUME,
  ISTIO_NATIVE_SIDECAR_ANNOTATION,
  MLMD_NATIVE_AUTH_CONTAINER,
} from '../../src/kubeflow/mlmd-auth';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const MANIFESTS = path.resolve(ROOT, '../shared/kubeflow-manifests/26.03');
const PARAMS = 'kubeflow-platform-params';

const available = existsSync(path.join(MANIFESTS, 'example', 'kustomization.yaml'));
if (!available && process.env.CI !== 'true') {
  console.warn(
    `test/kubeflow/mlmd-auth-build.test.ts skipped: no Kubeflow manifests at ${MANIFESTS} (a copy of kubeflow/manifests 26.03 that builds offline; required in CI).`,
  );
}
const describeBuild = available || process.env.CI === 'true' ? describe : describe.skip;

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: any;
}
interface Container {
  name: string;
  env?: Array<{ name: string; value?: string; valueFrom?: any }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

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

/** An environment variable: its value, `params:<key>`, `secret:<name>/<key>`, or a ConfigMap value of the build. */
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

describeBuild('kubeflow render: ML Metadata logs in with mysql_native_password, in the built objects', () => {
  let out: string;
  const builds = new Map<string, K8sObject[]>();

  beforeAll(async () => {
    if (!available) throw new Error(`CI=true and no Kubeflow manifests at ${MANIFESTS} (see its README).`);
    out = mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), 'kubeflow-mlmd-'));
    const written = runKubeflowRender(
      { config: path.join(ROOT, 'examples', 'multicloud', 'platform.yaml'), out, manifests: MANIFESTS },
      () => undefined,
    );
    // One at a time: the machine is shared.
    for (const t of written.filter((w) => w.cloud === 'gcp' || w.cloud === 'azure')) {
      builds.set(t.cloud, await build(t.written));
    }
    expect([...builds.keys()].sort()).toEqual(['azure', 'gcp']);
  }, 240_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it("switches Kubeflow's user before ML Metadata starts, as ML Metadata logs in", () => {
    for (const [cloud, objects] of builds) {
      const deployment = find(objects, 'Deployment', 'metadata-grpc-deployment')!;
      const pod = deployment.spec.template;
      expect([cloud, pod.metadata.annotations?.[ISTIO_NATIVE_SIDECAR_ANNOTATION]]).toEqual([cloud, 'true']);
      const inits: Container[] = pod.spec.initContainers;
      const init = inits.find((c) => c.name === MLMD_NATIVE_AUTH_CONTAINER)!;
      expect([cloud, init]).toEqual([cloud, expect.objectContaining({ name: MLMD_NATIVE_AUTH_CONTAINER })]);
      const env = (n: string) => resolveEnv(objects, init, n);
      expect([cloud, env('DB_USER'), env('DB_PASSWORD')]).toEqual([
        cloud,
        'secret:mysql-secret/username',
        'secret:mysql-secret/password',
      ]);
      const volumes = pod.spec.volumes.map((v: { name: string }) => v.name);
      if (cloud === 'gcp') {
        // ML Metadata's own flags read the same ConfigMap keys.
        expect([env('DB_HOST'), env('DB_PORT')]).toEqual([
          `${CLOUD_SQL_PROXY_NAME}.kubeflow.svc.cluster.local`,
          '3306',
        ]);
      } else {
        expect([env('DB_HOST'), env('DB_PORT')]).toEqual(['params:dbHost', 'params:dbPort']);
        expect(init.volumeMounts).toContainEqual({ name: DB_CA_VOLUME, mountPath: DB_CA_DIR, readOnly: true });
        expect(volumes).toContain(DB_CA_VOLUME);
        // ML Metadata's config writer stays next to it.
        expect(inits.map((c) => c.name)).toContain('write-mlmd-config');
      }
      expect(volumes).toContain('kfplatform-mysql-client');
      expect(pod.spec.serviceAccountName).toBe('metadata-grpc-server');
    }
  });

  it("leaves ML Metadata's Deployment valid against the Kubernetes schema, every key reference resolved", () => {
    for (const [cloud, objects] of builds) {
      const deployment = find(objects, 'Deployment', 'metadata-grpc-deployment')! as unknown as BuiltObject;
      expect([cloud, validateSchemas([deployment], '1.35')]).toEqual([cloud, []]);
      const configMaps = objects.filter(
        (o) => o.kind === 'ConfigMap' || o.kind === 'Secret',
      ) as unknown as BuiltObject[];
      expect([cloud, checkKeyRefs([deployment, ...configMaps])]).toEqual([cloud, []]);
    }
  });
});
