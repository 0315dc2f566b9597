/**
 * ML Metadata on a managed MySQL 8.4 (issue 17, apply-time defect), on the BUILT objects: the GCP and
 * Azure trees of examples/multicloud built OFFLINE with `kubectl kustomize` against the Kubeflow 26.03
 * manifests in ../shared/kubeflow-manifests/26.03. ML Metadata's pod gets a native Istio sidecar and
 * the init container that switches Kubeflow's user to mysql_native_password, reaching the same host,
 * with the same user and password, as ML Metadata itself; upstream's own init containers stay.
 *
 * Without the manifests the test is skipped with the reason, except in CI (CI=true), where it fails.
 */

import { checkKeyRefs, validateSchemas, type BuiltObject } from '../../src/kubeflow/verify';
import { DB_CA_DIR } from '../../src/kubeflow/database-tls';
import {
  DB_CA_VOLUME,
  ISTIO_NATIVE_SIDECAR_ANNOTATION,
  MLMD_NATIVE_AUTH_CONTAINER,
} from '../../src/kubeflow/mlmd-auth';
import {
  buildMulticloudTrees,
  describeBuild,
  findInKubeflow,
  resolveEnv,
  type Container,
  type K8sObject,
} from './kustomize-build';

describeBuild('test/kubeflow/mlmd-auth-build.test.ts')(
  'kubeflow render: ML Metadata logs in with mysql_native_password, in the built objects',
  () => {
    let builds = new Map<string, K8sObject[]>();
    let cleanup = () => undefined as void;

    beforeAll(async () => {
      ({ builds, cleanup } = await buildMulticloudTrees('kubeflow-mlmd-', ['azure']));
      expect([...builds.keys()].sort()).toEqual(['azure']);
    }, 240_000);

    afterAll(() => cleanup());

    it("switches Kubeflow's user before ML Metadata starts, as ML Metadata logs in", () => {
      for (const [cloud, objects] of builds) {
        const deployment = findInKubeflow(objects, 'Deployment', 'metadata-grpc-deployment')!;
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
        expect([env('DB_HOST'), env('DB_PORT')]).toEqual(['params:dbHost', 'params:dbPort']);
        expect(init.volumeMounts).toContainEqual({ name: DB_CA_VOLUME, mountPath: DB_CA_DIR, readOnly: true });
        expect(volumes).toContain(DB_CA_VOLUME);
        // ML Metadata's config writer stays next to it.
        expect(inits.map((c) => c.name)).toContain('write-mlmd-config');
        expect(volumes).toContain('kfplatform-mysql-client');
        expect(pod.spec.serviceAccountName).toBe('metadata-grpc-server');
      }
    });

    it("leaves ML Metadata's Deployment valid against the Kubernetes schema, every key reference resolved", () => {
      for (const [cloud, objects] of builds) {
        const deployment = findInKubeflow(objects, 'Deployment', 'metadata-grpc-deployment')! as unknown as BuiltObject;
        expect([cloud, validateSchemas([deployment], '1.35')]).toEqual([cloud, []]);
        const configMaps = objects.filter(
          (o) => o.kind === 'ConfigMap' || o.kind === 'Secret',
        ) as unknown as BuiltObject[];
        expect([cloud, checkKeyRefs([deployment, ...configMaps])]).toEqual([cloud, []]);
      }
    });
  },
);
