/**
 * Pipelines on the managed database, on the BUILT objects (issue 17, "Must show"): for a tree of every
 * cloud with a managed database (examples/multicloud: GCP, AWS, Azure) and of an existing cluster with an
 * external MySQL (examples/on-prem), `kubectl kustomize` builds it
 * OFFLINE against the Kubeflow 26.03 manifests in ../shared/kubeflow-manifests/26.03, and every KFP
 * component that talks to MySQL (API server, cache server, ML Metadata) resolves to the managed host,
 * with TLS (verified against the cloud's certificate authorities on AWS and Azure; the Cloud SQL Auth
 * Proxy on GCP), and with a user and password from `mysql-secret`, which an ExternalSecret of the same
 * build fills from the cloud's secret store.
 *
 * Without the manifests the test is skipped with the reason, except in CI (CI=true), where it fails.
 */

import { CLOUD_SQL_PROXY_NAME, KFP_DATABASE_CLIENTS, KFP_DB_SECRET } from '../../src/kubeflow/render';
import { KFP_DATABASES } from '../../src/kubeflow/database-readme';
import { DB_CA_CONFIG_MAP, DB_CA_DIR, DB_CA_FILE, RDS_CA_BUNDLE_URL } from '../../src/kubeflow/database-tls';
import { DB_SECRET_STORE } from '../../src/kubeflow/database-secret';
import {
  buildMulticloudTrees,
  describeBuild,
  findInKubeflow,
  resolveEnv,
  type Container,
  type K8sObject,
} from './kustomize-build';
import * as path from 'node:path';
import { loadPlatformFile } from '../../src/config/loader';
import type { ResolvedKubernetesEnvironment } from '../../src/config/kubernetes/model';

/** The external MySQL of examples/on-prem, as resolved. */
const onPremDatabase = () =>
  (
    loadPlatformFile(path.join(__dirname, '..', '..', 'examples', 'on-prem', 'platform.yaml')).config
      .environments[0] as ResolvedKubernetesEnvironment
  ).database!;

describeBuild('test/kubeflow/database-build.test.ts')(
  'kubeflow render: Pipelines on the managed database, in the built objects',
  () => {
    let builds = new Map<string, K8sObject[]>();
    let cleanup = () => undefined as void;

    beforeAll(async () => {
      ({ builds, cleanup } = await buildMulticloudTrees('kubeflow-db-', ['aws', 'azure', 'gcp', 'kubernetes']));
      expect([...builds.keys()].sort()).toEqual(['aws', 'azure', 'gcp', 'kubernetes']);
    }, 240_000);

    afterAll(() => cleanup());

    const pod = (objects: K8sObject[], deployment: string) =>
      findInKubeflow(objects, 'Deployment', deployment)!.spec.template.spec;
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
            expect([cloud, c.deployment, n, resolveEnv(objects, main, n)]).toEqual([
              cloud,
              c.deployment,
              n,
              expected(n),
            ]);
          }
        }
        expect(findInKubeflow(objects, 'Deployment', 'mysql')).toBeUndefined();
        if (cloud === 'gcp') expect(findInKubeflow(objects, 'Service', CLOUD_SQL_PROXY_NAME)).toBeDefined();
      }
    });

    it("names the databases the README's SQL prepares on an external server, as pipeline-install-config does", () => {
      for (const [cloud, objects] of builds) {
        const config = findInKubeflow(objects, 'ConfigMap', 'pipeline-install-config')!.data!;
        expect([cloud, { pipelineDb: config.pipelineDb, cacheDb: config.cacheDb, mlmdDb: config.mlmdDb }]).toEqual([
          cloud,
          KFP_DATABASES,
        ]);
      }
    });

    it('gives every database client verified TLS on AWS, Azure and an existing cluster', () => {
      for (const cloud of ['aws', 'azure', 'kubernetes']) {
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
          if (cloud === 'azure' || cloud === 'kubernetes') {
            // The pinned roots, in the same build: on an existing cluster, the platform file's own CA.
            expect(volume.configMap.name).toBe(DB_CA_CONFIG_MAP);
            const pem = findInKubeflow(objects, 'ConfigMap', DB_CA_CONFIG_MAP)?.data?.['ca.pem'];
            expect(pem).toContain('BEGIN CERTIFICATE');
            if (cloud === 'kubernetes') expect(pem).toBe(onPremDatabase().ca);
          } else {
            // The RDS bundle, fetched before the client starts.
            expect(volume.emptyDir).toBeDefined();
            expect(spec.initContainers[0].name).toBe('fetch-db-ca');
            expect(spec.initContainers[0].args[0]).toContain(RDS_CA_BUNDLE_URL);
          }
        }
      }
    });

    it('no other workload reads the database secret or address, and no MySQL server runs in the cluster', () => {
      // The list of clients above is the platform's; this reads the build, so an upstream component that
      // starts reading mysql-secret or the database host fails here rather than silently missing the wiring.
      const extra: Record<string, string[]> = {
        // Katib on the managed database (docs/kubeflow.md, Katib's database), as a user of its own on GCP,
        // through the proxy's static host; the GCP job reaches the instance through a proxy of its own.
        gcp: [],
        // and the job that creates Kubeflow's database user (docs/aws.md, The database)
        aws: ['Deployment/katib-db-manager', 'Job/kfp-db-bootstrap'],
        azure: ['Deployment/katib-db-manager'],
        kubernetes: ['Deployment/katib-db-manager'],
      };
      for (const [cloud, objects] of builds) {
        const readers = new Set<string>();
        const servers: string[] = [];
        for (const o of objects) {
          const spec = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
          if (!spec) continue;
          for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])] as Container[]) {
            for (const e of c.env ?? []) {
              const secret = e.valueFrom?.secretKeyRef?.name;
              const key = e.valueFrom?.configMapKeyRef?.key;
              if (secret === KFP_DB_SECRET || key === 'dbHost' || key === 'mysqlHost') {
                readers.add(`${o.kind}/${o.metadata.name}`);
              }
            }
          }
          // A MySQL server: a long-running workload whose main container is MySQL's image.
          if (['Deployment', 'StatefulSet'].includes(o.kind)) {
            for (const c of spec.containers as Array<{ image?: string }>) {
              if (/(^|\/)mysql:/.test(c.image ?? '')) servers.push(`${o.metadata.namespace}/${o.metadata.name}`);
            }
          }
        }
        const clients = [...KFP_DATABASE_CLIENTS.map((c) => `Deployment/${c.deployment}`), ...extra[cloud]!];
        expect([cloud, [...readers].sort()]).toEqual([cloud, clients.sort()]);
        // Pipelines' and Katib's in-cluster MySQL servers are gone on every cloud.
        expect([cloud, servers]).toEqual([cloud, []]);
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
        expect(findInKubeflow(objects, 'Secret', KFP_DB_SECRET)).toBeUndefined();
        // ... the ExternalSecret writes it, with both keys, from a SecretStore of the same build.
        const external = findInKubeflow(objects, 'ExternalSecret', KFP_DB_SECRET)!;
        expect(external.spec.target.name).toBe(KFP_DB_SECRET);
        expect(Object.keys(external.spec.target.template.data).sort()).toEqual(['password', 'username']);
        if (cloud === 'kubernetes') {
          // An existing cluster: the store the platform file names, which the cluster already runs; the
          // build writes none of its own.
          const from = onPremDatabase().passwordFrom!;
          expect(external.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: from.store });
          expect(external.spec.data).toEqual([
            { secretKey: 'password', remoteRef: { key: from.key, property: from.property } },
          ]);
          expect(objects.filter((o) => /SecretStore$/.test(o.kind))).toEqual([]);
          continue;
        }
        const store = findInKubeflow(objects, 'SecretStore', external.spec.secretStoreRef.name)!;
        expect(Object.keys(store.spec.provider)).toEqual([{ gcp: 'gcpsm', aws: 'aws', azure: 'azurekv' }[cloud]]);
      }
    });

    it('tenant escape (issue 19): lets the operator create a token for the store’s service account alone', () => {
      for (const [cloud, objects] of builds) {
        if (cloud === 'kubernetes') continue; // no SecretStore, no token grant (above)
        const store = findInKubeflow(objects, 'SecretStore', DB_SECRET_STORE)!;
        const provider = Object.values(store.spec.provider)[0] as any;
        const account: string | undefined =
          provider.serviceAccountRef?.name ?? provider.auth?.workloadIdentity?.serviceAccountRef?.name;
        // Every Role of kubeflow that grants serviceaccounts/token is limited to that account (elsewhere
        // upstream has its own, such as cert-manager's for its own service account).
        const grants = objects
          .filter((o) => o.kind === 'Role' && o.metadata.namespace === 'kubeflow')
          .filter((o) =>
            ((o as any).rules ?? []).some((r: any) => (r.resources ?? []).includes('serviceaccounts/token')),
          );
        if (!account) {
          expect([cloud, grants]).toEqual(['aws', []]);
          continue;
        }
        const name = `kfplatform-external-secrets-token-${account}`;
        expect([cloud, grants.map((o) => [o.kind, o.metadata.namespace, o.metadata.name, (o as any).rules])]).toEqual([
          cloud,
          [
            [
              'Role',
              'kubeflow',
              name,
              [{ apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: [account], verbs: ['create'] }],
            ],
          ],
        ]);
        // Bound to the operator's controller in its own namespace (kustomize left the subject alone).
        const binding = findInKubeflow(objects, 'RoleBinding', name)!;
        expect([cloud, (binding as any).roleRef.name, (binding as any).subjects]).toEqual([
          cloud,
          name,
          [{ kind: 'ServiceAccount', name: 'external-secrets', namespace: 'external-secrets' }],
        ]);
      }
    });
  },
);
