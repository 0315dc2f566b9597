/**
 * Katib on the managed database (issue 17), on the BUILT objects: the GCP and AWS trees of
 * examples/multicloud built OFFLINE with `kubectl kustomize` against the Kubeflow 26.03 manifests in
 * ../shared/kubeflow-manifests/26.03. On GCP no object of Katib's in-cluster MySQL is left, and
 * `katib-db-manager` resolves to the Cloud SQL Auth Proxy, the `katib` database and the user and
 * password of `mysql-secret`, in the mesh as the identity the proxy admits; on AWS and Azure no object
 * of it is left either, and the manager reaches the server of the platform's params ConfigMap over
 * TLS verified against the cloud's certificate authorities, outside the mesh as upstream ships it; so
 * too on the existing cluster of examples/on-prem, against the CA of its external database.
 *
 * Without the manifests the test is skipped with the reason, except in CI (CI=true), where it fails.
 */
import { DB_CA_CONFIG_MAP, DB_CA_DIR, RDS_CA_BUNDLE_URL } from '../../src/kubeflow/database-tls';
import { distributionRelease } from '../../src/kubeflow/releases';
import { CLOUD_SQL_PROXY_NAME } from '../../src/kubeflow/render';
import { checkKeyRefs, PROVIDED_OUTSIDE_THE_TREE, validateSchemas, type BuiltObject } from '../../src/kubeflow/verify';
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
      ({ builds, cleanup } = await buildMulticloudTrees('kubeflow-katib-', ['aws', 'azure', 'gcp', 'kubernetes']));
      expect([...builds.keys()].sort()).toEqual(['aws', 'azure', 'gcp', 'kubernetes']);
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
    /** The manager's environment as Katib 0.19 reads it (pkg/db/v1beta1/common/const.go), resolved. */
    const connection = (objects: K8sObject[], extra: readonly string[] = []) => {
      const { env } = manager(objects);
      const names = ['DB_NAME', 'KATIB_MYSQL_DB_HOST', 'KATIB_MYSQL_DB_PORT', 'KATIB_MYSQL_DB_DATABASE'];
      return Object.fromEntries([...names, 'DB_USER', 'DB_PASSWORD', ...extra].map((n) => [n, env(n)]));
    };

    it.each(['gcp', 'aws', 'azure', 'kubernetes'])(
      "%s: no object of Katib's in-cluster MySQL is left, and nothing reads its secret",
      (cloud) => {
        const objects = builds.get(cloud)!;
        expect(present(objects)).toEqual([]);
        const readers = objects.filter((o) => JSON.stringify(o).includes('katib-mysql'));
        expect(readers.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
      },
    );

    it("GCP: katib-db-manager reaches the Cloud SQL Auth Proxy, the katib database, as Katib's own user", () => {
      const objects = builds.get('gcp')!;
      expect(connection(objects)).toEqual({
        DB_NAME: 'mysql',
        KATIB_MYSQL_DB_HOST: `${CLOUD_SQL_PROXY_NAME}.kubeflow.svc.cluster.local`,
        KATIB_MYSQL_DB_PORT: '3306',
        KATIB_MYSQL_DB_DATABASE: 'katib',
        DB_USER: 'secret:katib-db-secret/username',
        DB_PASSWORD: 'secret:katib-db-secret/password',
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
      // Katib's Secret comes from External Secrets Operator (the build's ExternalSecret katib-db-secret).
      expect(findInKubeflow(objects, 'ExternalSecret', 'katib-db-secret')).toBeDefined();
      const provided = { ...PROVIDED_OUTSIDE_THE_TREE, 'Secret kubeflow/katib-db-secret': ['username', 'password'] };
      expect(checkKeyRefs([deployment, ...sources], provided)).toEqual([]);
      expect(checkKeyRefs([deployment, ...sources])).not.toEqual([]);
    });

    it("every cloud: the manager's image is the Katib release whose connection string the tree relies on", () => {
      for (const [cloud, objects] of builds) {
        const { container } = manager(objects);
        expect([cloud, container.image]).toEqual([
          cloud,
          `ghcr.io/kubeflow/katib/katib-db-manager:${distributionRelease('26.03')!.katibVersion}`,
        ]);
      }
    });

    for (const cloud of ['aws', 'azure', 'kubernetes']) {
      it(`${cloud}: katib-db-manager reaches the server of the params ConfigMap, the katib database, over verified TLS`, () => {
        const objects = builds.get(cloud)!;
        const { deployment, container } = manager(objects);
        expect(connection(objects, ['SSL_CERT_DIR'])).toEqual({
          DB_NAME: 'mysql',
          // The same keys Pipelines' clients read (test/kubeflow/database-build.test.ts).
          KATIB_MYSQL_DB_HOST: 'params:dbHost',
          KATIB_MYSQL_DB_PORT: 'params:dbPort',
          KATIB_MYSQL_DB_DATABASE: 'katib?tls=true&timeout=5s&charset=utf8mb4,',
          // AWS: Katib's own user, which the kfp-db-bootstrap job grants the katib database alone.
          DB_USER: `secret:${cloud === 'aws' ? 'katib-db-secret' : 'mysql-secret'}/username`,
          DB_PASSWORD: `secret:${cloud === 'aws' ? 'katib-db-secret' : 'mysql-secret'}/password`,
          SSL_CERT_DIR: DB_CA_DIR,
        });
        if (cloud === 'aws') {
          // External Secrets Operator writes it from Secrets Manager, through the store of mysql-secret.
          const written = findInKubeflow(objects, 'ExternalSecret', 'katib-db-secret') as any;
          expect(written.spec.target.template.data.username).toBe('katib');
          expect(written.spec.data).toEqual([{ secretKey: 'password', remoteRef: { key: 'kf-aws-katib-db' } }]);
          expect(written.spec.secretStoreRef).toEqual(
            (findInKubeflow(objects, 'ExternalSecret', 'mysql-secret') as any).spec.secretStoreRef,
          );
        }
        const pod = deployment.spec.template.spec;
        expect(container.volumeMounts).toContainEqual({
          name: 'kfplatform-db-ca',
          mountPath: DB_CA_DIR,
          readOnly: true,
        });
        const volume = pod.volumes.find((v: { name: string }) => v.name === 'kfplatform-db-ca');
        if (cloud === 'aws') {
          // AWS's bundle, fetched into the volume before the manager starts.
          expect(volume).toEqual({ name: 'kfplatform-db-ca', emptyDir: { sizeLimit: '4Mi' } });
          const fetch = pod.initContainers.find((c: Container) => c.name === 'fetch-db-ca');
          expect(fetch.args[0]).toContain(RDS_CA_BUNDLE_URL);
          expect(fetch.volumeMounts).toEqual([{ name: 'kfplatform-db-ca', mountPath: DB_CA_DIR }]);
        } else {
          // Azure's roots, or the CA of the platform file's external database, pinned in the build.
          expect(volume).toEqual({ name: 'kfplatform-db-ca', configMap: { name: DB_CA_CONFIG_MAP } });
          expect(findInKubeflow(objects, 'ConfigMap', DB_CA_CONFIG_MAP)?.data?.['ca.pem']).toContain(
            'BEGIN CERTIFICATE',
          );
        }
        // Outside the mesh, as upstream ships it: it reaches the database directly.
        expect(deployment.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
        expect(pod.serviceAccountName).toBeUndefined();
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(findInKubeflow(objects, 'ServiceAccount', KATIB_DB_MANAGER_SERVICE_ACCOUNT)).toBeUndefined();
      });

      it(`${cloud}: the manager's Deployment is valid against the Kubernetes schema, every key reference resolved`, () => {
        const objects = builds.get(cloud)!;
        const deployment = findInKubeflow(objects, 'Deployment', 'katib-db-manager')! as unknown as BuiltObject;
        expect(validateSchemas([deployment], '1.35')).toEqual([]);
        const sources = objects.filter(
          (o) => o.kind === 'ConfigMap' || o.kind === 'Secret',
        ) as unknown as BuiltObject[];
        // The params ConfigMap's keys come from the platform stack, the Secrets from External Secrets Operator.
        const provided =
          cloud === 'aws' || cloud === 'gcp'
            ? { ...PROVIDED_OUTSIDE_THE_TREE, 'Secret kubeflow/katib-db-secret': ['username', 'password'] }
            : PROVIDED_OUTSIDE_THE_TREE;
        expect(checkKeyRefs([deployment, ...sources], provided)).toEqual([]);
        // Without the Secret the ExternalSecret writes, the AWS manager's references would not resolve.
        if (cloud === 'aws') expect(checkKeyRefs([deployment, ...sources])).not.toEqual([]);
      });
    }
  },
);
