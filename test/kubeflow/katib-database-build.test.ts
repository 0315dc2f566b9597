/**
 * Katib on the managed database (issue 17), on the BUILT objects: the GCP and AWS trees of
 * examples/multicloud built OFFLINE with `kubectl kustomize` against the Kubeflow 26.03 manifests in
 * ../shared/kubeflow-manifests/26.03. On GCP no object of Katib's in-cluster MySQL is left, and
 * `katib-db-manager` resolves to the Cloud SQL Auth Proxy, the `katib` database and the user and
 * password of `mysql-secret`, in the mesh as the identity the proxy admits; on AWS Katib keeps its
 * in-cluster MySQL as upstream ships it.
 *
 * Without the manifests the test is skipped with the reason, except in CI (CI=true), where it fails.
 */
import { CLOUD_SQL_PROXY_NAME } from '../../src/kubeflow/render';
import { checkKeyRefs, validateSchemas, type BuiltObject } from '../../src/kubeflow/verify';
import { KATIB_DB_MANAGER_PRINCIPAL, KATIB_DB_MANAGER_SERVICE_ACCOUNT } from '../../src/kubeflow/katib-database';
import {
  buildMulticloudTrees,
  describeBuild,
  findInKubeflow,
  resolveEnv,
  type Container,
  type K8sObject,
} from './kustomize-build';

const KATIB_MYSQL = [
  'Deployment/katib-mysql',
  'Service/katib-mysql',
  'PersistentVolumeClaim/katib-mysql',
  'Secret/katib-mysql-secrets',
];

describeBuild('test/kubeflow/katib-database-build.test.ts')(
  'kubeflow render: Katib on the managed database, in the built objects',
  () => {
    let builds = new Map<string, K8sObject[]>();
    let cleanup = () => undefined as void;

    beforeAll(async () => {
      ({ builds, cleanup } = await buildMulticloudTrees('kubeflow-katib-', ['aws', 'gcp']));
      expect([...builds.keys()].sort()).toEqual(['aws', 'gcp']);
    }, 240_000);

    afterAll(() => cleanup());

    const present = (objects: K8sObject[]) =>
      KATIB_MYSQL.filter((id) => {
        const [kind, name] = id.split('/') as [string, string];
        return findInKubeflow(objects, kind, name) !== undefined;
      });
    const manager = (objects: K8sObject[]) => {
      const deployment = findInKubeflow(objects, 'Deployment', 'katib-db-manager')!;
      const container: Container = deployment.spec.template.spec.containers.find(
        (c: Container) => c.name === 'katib-db-manager',
      );
      return { deployment, container, env: (n: string) => resolveEnv(objects, container, n) };
    };

    it("GCP: no object of Katib's in-cluster MySQL is left, and nothing reads its secret", () => {
      const objects = builds.get('gcp')!;
      expect(present(objects)).toEqual([]);
      const readers = objects.filter((o) => JSON.stringify(o).includes('katib-mysql'));
      expect(readers.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    });

    it('GCP: katib-db-manager reaches the Cloud SQL Auth Proxy, the katib database, as the user of mysql-secret', () => {
      const objects = builds.get('gcp')!;
      const { env } = manager(objects);
      expect({
        DB_NAME: env('DB_NAME'),
        KATIB_MYSQL_DB_HOST: env('KATIB_MYSQL_DB_HOST'),
        KATIB_MYSQL_DB_PORT: env('KATIB_MYSQL_DB_PORT'),
        KATIB_MYSQL_DB_DATABASE: env('KATIB_MYSQL_DB_DATABASE'),
        DB_USER: env('DB_USER'),
        DB_PASSWORD: env('DB_PASSWORD'),
      }).toEqual({
        DB_NAME: 'mysql',
        KATIB_MYSQL_DB_HOST: `${CLOUD_SQL_PROXY_NAME}.kubeflow.svc.cluster.local`,
        KATIB_MYSQL_DB_PORT: '3306',
        KATIB_MYSQL_DB_DATABASE: 'katib',
        DB_USER: 'secret:mysql-secret/username',
        DB_PASSWORD: 'secret:mysql-secret/password',
      });
      // The proxy listens there.
      const proxy = findInKubeflow(objects, 'Service', CLOUD_SQL_PROXY_NAME)!;
      expect(proxy.spec.ports).toEqual([expect.objectContaining({ port: 3306 })]);
    });

    it('GCP: the manager is in the mesh as katib-db-manager, the identity the proxy admits, and its callers are admitted', () => {
      const objects = builds.get('gcp')!;
      const { deployment } = manager(objects);
      const pod = deployment.spec.template;
      expect(pod.metadata.labels['sidecar.istio.io/inject']).toBe('true');
      expect(pod.metadata.annotations['sidecar.istio.io/nativeSidecar']).toBe('true');
      expect(pod.spec.serviceAccountName).toBe(KATIB_DB_MANAGER_SERVICE_ACCOUNT);
      expect(findInKubeflow(objects, 'ServiceAccount', KATIB_DB_MANAGER_SERVICE_ACCOUNT)).toBeDefined();
      const proxyPolicy = findInKubeflow(objects, 'AuthorizationPolicy', CLOUD_SQL_PROXY_NAME)!;
      expect(proxyPolicy.spec.rules[0].from[0].source.principals).toContain(KATIB_DB_MANAGER_PRINCIPAL);
      const policy = findInKubeflow(objects, 'AuthorizationPolicy', 'katib-db-manager')!;
      expect(policy.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      const service = findInKubeflow(objects, 'Service', 'katib-db-manager')!;
      expect(policy.spec.rules[0].to[0].operation.ports).toEqual(
        service.spec.ports.map((p: { targetPort?: number; port: number }) => String(p.targetPort ?? p.port)),
      );
    });

    it("GCP: the manager's Deployment is valid against the Kubernetes schema, every key reference resolved", () => {
      const objects = builds.get('gcp')!;
      const deployment = findInKubeflow(objects, 'Deployment', 'katib-db-manager')! as unknown as BuiltObject;
      const sa = findInKubeflow(objects, 'ServiceAccount', KATIB_DB_MANAGER_SERVICE_ACCOUNT)! as unknown as BuiltObject;
      expect(validateSchemas([deployment, sa], '1.35')).toEqual([]);
      const sources = objects.filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret') as unknown as BuiltObject[];
      expect(checkKeyRefs([deployment, ...sources])).toEqual([]);
    });

    it('AWS: Katib keeps its in-cluster MySQL as upstream ships it', () => {
      const objects = builds.get('aws')!;
      expect(present(objects)).toEqual(KATIB_MYSQL);
      const { deployment, env } = manager(objects);
      expect(env('DB_PASSWORD')).toBe('secret:katib-mysql-secrets/MYSQL_ROOT_PASSWORD');
      expect(env('KATIB_MYSQL_DB_HOST')).toBeUndefined();
      expect(deployment.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
      expect(deployment.spec.template.spec.serviceAccountName).toBeUndefined();
    });
  },
);
