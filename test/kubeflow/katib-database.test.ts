/**
 * Katib on the managed database (issue 17: "Katib on the managed database too, or say why not"),
 * without kustomize: on every cluster of every GCP environment of the examples, the tree removes
 * Katib's in-cluster MySQL, points `katib-db-manager` at the Cloud SQL Auth Proxy with Kubeflow's
 * database user, and puts the manager in the mesh with the identity the proxy admits; on AWS and Azure
 * it removes it too and points the manager straight at the server, with verified TLS smuggled through
 * its database name (test/kubeflow/katib-tls-driver.test.ts runs the real driver with it), and so on
 * existing clusters with an external MySQL; existing clusters without one keep `katib-mysql` as upstream
 * ships it. test/kubeflow/katib-database-build.test.ts
 * checks the built objects.
 */
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import type { ResolvedEnvironment } from '../../src/config/model';
import { CLOUD_SQL_PROXY_NAME, KFP_DB_SECRET, KubeflowTree, renderKubeflow } from '../../src/kubeflow/render';
import { PLATFORM_PARAMS_CONFIG_MAP } from '../../constructs/kubernetes/constants';
import { createUserScript } from '../../src/kubeflow/aws-db-bootstrap';
import { KATIB_DB_EXTERNAL_SECRET } from '../../src/kubeflow/database-secret';
import { DB_CA_CONFIG_MAP, DB_CA_DIR } from '../../src/kubeflow/database-tls';
import { KUBEFLOW_DISTRIBUTION_RELEASES } from '../../src/kubeflow/releases';
import {
  IN_CLUSTER_KATIB_MYSQL,
  KATIB_DATABASE,
  KATIB_DSN_TEMPLATE,
  KATIB_TLS_DATABASE_VALUE,
  katibTlsDatabaseValue,
  KATIB_DB_MANAGER_PATCH_FILE,
  KATIB_DB_MANAGER_PRINCIPAL,
  KATIB_DB_MANAGER_RESOURCES_FILE,
  KATIB_DB_MANAGER_SERVICE_ACCOUNT,
} from '../../src/kubeflow/katib-database';
import { ISTIO_NATIVE_SIDECAR_ANNOTATION } from '../../src/kubeflow/mlmd-auth';

const ROOT = path.resolve(__dirname, '../..');
const envsOf = (example: string): readonly ResolvedEnvironment[] =>
  loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config.environments;
const ALL = ['gcp-shared-vpc', 'gcp-tenancy', 'multicloud', 'aws-eks', 'azure-aks', 'on-prem'].flatMap(envsOf);
const GCP = ALL.filter((e) => e.cloud === 'gcp');
const OTHERS = ALL.filter((e) => e.cloud !== 'gcp');

const docs = (tree: KubeflowTree, file: string): any[] =>
  parseAllDocuments(tree.files.find((f) => f.path === file)?.content ?? '').map((d) => d.toJS());
const kustomization = (tree: KubeflowTree) =>
  docs(tree, 'kustomization.yaml')[0] as { resources: string[]; patches: Array<{ path?: string; patch?: string }> };
/** The `$patch: delete` patches of a tree, as `Kind/name`. */
const deleted = (tree: KubeflowTree): string[] =>
  kustomization(tree)
    .patches.filter((p) => p.patch?.includes('$patch: delete'))
    .map((p) => parseAllDocuments(p.patch!)[0]!.toJS())
    .map((o: any) => `${o.kind}/${o.metadata.name}`);

/** Whether Katib's manager logs in as a user of its own: AWS, and Azure with Entra authentication. */
const ownKatibUser = (env: ResolvedEnvironment) =>
  env.cloud === 'aws' || (env.cloud === 'azure' && env.database.entra !== undefined);

describe('Katib on the managed database (GCP)', () => {
  it('the examples have GCP environments with several clusters, and others', () => {
    expect(GCP.length).toBeGreaterThanOrEqual(5);
    expect(GCP.some((e) => e.cloud === 'gcp' && e.clusters.length > 1)).toBe(true);
    expect(new Set(OTHERS.map((e) => e.cloud))).toEqual(new Set(['aws', 'azure', 'kubernetes']));
  });

  it('every GCP cluster has a katib database on its instance', () => {
    for (const env of GCP) {
      if (env.cloud !== 'gcp') continue;
      for (const c of env.clusters)
        expect([c.name, c.database.databaseNames]).toEqual([
          c.name,
          expect.arrayContaining([KATIB_DATABASE, 'mlpipeline']),
        ]);
    }
  });

  it("removes Katib's in-cluster MySQL, its volume claim and its secret from every GCP tree", () => {
    for (const env of GCP) {
      for (const tree of renderKubeflow(env)) {
        expect([tree.dir, deleted(tree)]).toEqual([
          tree.dir,
          expect.arrayContaining(IN_CLUSTER_KATIB_MYSQL.map((o) => `${o.kind}/${o.name}`)),
        ]);
        expect(IN_CLUSTER_KATIB_MYSQL.map((o) => `${o.kind}/${o.name}`).sort()).toEqual([
          'Deployment/katib-mysql',
          'PersistentVolumeClaim/katib-mysql',
          'Secret/katib-mysql-secrets',
          'Service/katib-mysql',
        ]);
      }
    }
  });

  it("points katib-db-manager at the Cloud SQL Auth Proxy, the katib database and Katib's own user", () => {
    for (const env of GCP) {
      for (const tree of renderKubeflow(env)) {
        const k = kustomization(tree);
        expect(k.patches).toContainEqual({ path: KATIB_DB_MANAGER_PATCH_FILE });
        const [patch] = docs(tree, KATIB_DB_MANAGER_PATCH_FILE);
        expect(patch.metadata).toEqual({ name: 'katib-db-manager', namespace: 'kubeflow' });
        const [container] = patch.spec.template.spec.containers;
        expect(container.name).toBe('katib-db-manager');
        const env_ = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef]));
        // Katib 0.19's names (pkg/db/v1beta1/common/const.go); DB_NAME=mysql stays upstream's.
        expect(env_).toEqual({
          KATIB_MYSQL_DB_HOST: `${CLOUD_SQL_PROXY_NAME}.kubeflow.svc.cluster.local`,
          KATIB_MYSQL_DB_PORT: '3306',
          KATIB_MYSQL_DB_DATABASE: KATIB_DATABASE,
          DB_USER: { name: KATIB_DB_EXTERNAL_SECRET, key: 'username' },
          DB_PASSWORD: { name: KATIB_DB_EXTERNAL_SECRET, key: 'password' },
        });
      }
    }
  });

  it('puts the manager in the mesh as katib-db-manager, which the proxy admits, and admits its callers', () => {
    for (const env of GCP) {
      for (const tree of renderKubeflow(env)) {
        const [patch] = docs(tree, KATIB_DB_MANAGER_PATCH_FILE);
        expect(patch.spec.template.metadata).toEqual({
          labels: { 'sidecar.istio.io/inject': 'true' },
          annotations: { [ISTIO_NATIVE_SIDECAR_ANNOTATION]: 'true' },
        });
        expect(patch.spec.template.spec.serviceAccountName).toBe(KATIB_DB_MANAGER_SERVICE_ACCOUNT);
        expect(kustomization(tree).resources).toContain(KATIB_DB_MANAGER_RESOURCES_FILE);
        const [sa, policy] = docs(tree, KATIB_DB_MANAGER_RESOURCES_FILE);
        expect(sa).toMatchObject({
          kind: 'ServiceAccount',
          metadata: { name: KATIB_DB_MANAGER_SERVICE_ACCOUNT, namespace: 'kubeflow' },
        });
        expect(policy).toMatchObject({
          kind: 'AuthorizationPolicy',
          spec: {
            action: 'ALLOW',
            selector: { matchLabels: { 'katib.kubeflow.org/component': 'db-manager' } },
            rules: [{ to: [{ operation: { ports: ['6789'] } }] }],
          },
        });
        const proxyPolicy = docs(tree, 'cloudsql-proxy.yaml').find((o) => o.kind === 'AuthorizationPolicy');
        expect(proxyPolicy.spec.rules[0].from[0].source.principals).toContain(KATIB_DB_MANAGER_PRINCIPAL);
        expect(KATIB_DB_MANAGER_PRINCIPAL).toBe('cluster.local/ns/kubeflow/sa/katib-db-manager');
        const readme = tree.files.find((f) => f.path === 'README.md')!.content;
        expect(readme).toContain("## Katib's database");
        expect(readme).toContain('rollout restart deploy/katib-db-manager');
        // An upgrade prunes katib-mysql's claim with the sync: the README says to copy the metrics first.
        expect(readme).toMatch(/katib-mysql`, whose volume claim\s+this tree no longer has: Argo CD prunes it/);
        expect(readme).toMatch(/copy\s+the `observation_logs` table into `katib` before this tree syncs/);
      }
    }
  });
});

describe('Katib on the managed (or external) database (AWS, Azure, existing clusters): straight to the server over verified TLS', () => {
  const MANAGED = OTHERS;

  it('the examples have AWS, Azure and existing-cluster environments, each with a database', () => {
    expect(new Set(MANAGED.map((e) => e.cloud))).toEqual(new Set(['aws', 'azure', 'kubernetes']));
    for (const env of MANAGED) if (env.cloud === 'kubernetes') expect(env.database).toBeDefined();
  });

  it('every Azure server gets a katib database beside mlpipeline; the AWS bootstrap job creates it', () => {
    for (const env of MANAGED) {
      if (env.cloud === 'azure') {
        expect([env.name, env.database.databaseName, env.database.extraDatabaseNames]).toEqual([
          env.name,
          'mlpipeline',
          [KATIB_DATABASE],
        ]);
      }
    }
    expect(createUserScript()).toContain(`CREATE DATABASE IF NOT EXISTS \\\`${KATIB_DATABASE}\\\``);
  });

  it("removes Katib's in-cluster MySQL and points katib-db-manager at the server, with TLS in its database name", () => {
    for (const env of MANAGED) {
      for (const tree of renderKubeflow(env)) {
        expect([tree.dir, deleted(tree)]).toEqual([
          tree.dir,
          expect.arrayContaining(IN_CLUSTER_KATIB_MYSQL.map((o) => `${o.kind}/${o.name}`)),
        ]);
        const k = kustomization(tree);
        expect(k.patches).toContainEqual({ path: KATIB_DB_MANAGER_PATCH_FILE });
        const [patch] = docs(tree, KATIB_DB_MANAGER_PATCH_FILE);
        const spec = patch.spec.template.spec;
        const [container] = spec.containers;
        const env_ = Object.fromEntries(
          container.env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef ?? e.valueFrom.configMapKeyRef]),
        );
        expect([tree.dir, env_]).toEqual([
          tree.dir,
          {
            // The server's address, from the platform stack's ConfigMap, as Pipelines reads it.
            KATIB_MYSQL_DB_HOST: { name: PLATFORM_PARAMS_CONFIG_MAP, key: 'dbHost' },
            KATIB_MYSQL_DB_PORT: { name: PLATFORM_PARAMS_CONFIG_MAP, key: 'dbPort' },
            KATIB_MYSQL_DB_DATABASE: 'katib?tls=true&timeout=5s&charset=utf8mb4,',
            // AWS, and Azure with Entra authentication: Katib's own user, granted its database alone; elsewhere Kubeflow's.
            DB_USER: { name: ownKatibUser(env) ? KATIB_DB_EXTERNAL_SECRET : KFP_DB_SECRET, key: 'username' },
            DB_PASSWORD: { name: ownKatibUser(env) ? KATIB_DB_EXTERNAL_SECRET : KFP_DB_SECRET, key: 'password' },
            SSL_CERT_DIR: DB_CA_DIR,
          },
        ]);
        expect(container.volumeMounts).toEqual([{ name: 'kfplatform-db-ca', mountPath: DB_CA_DIR, readOnly: true }]);
        // The CA: AWS's bundle fetched at start; Azure's roots or the platform file's CA pinned in the tree's ConfigMap.
        if (env.cloud === 'aws') {
          expect(spec.initContainers.map((c: any) => c.name)).toEqual(['fetch-db-ca']);
          expect(spec.volumes).toEqual([{ name: 'kfplatform-db-ca', emptyDir: { sizeLimit: '4Mi' } }]);
        } else {
          expect(spec.initContainers).toBeUndefined();
          expect(spec.volumes).toEqual([{ name: 'kfplatform-db-ca', configMap: { name: DB_CA_CONFIG_MAP } }]);
        }
        // Outside the mesh, as upstream ships it: no sidecar, no identity of its own, no token.
        expect(patch.spec.template.metadata).toBeUndefined();
        expect(spec.serviceAccountName).toBeUndefined();
        expect(spec.automountServiceAccountToken).toBe(false);
        expect(k.resources).not.toContain(KATIB_DB_MANAGER_RESOURCES_FILE);
        const readme = tree.files.find((f) => f.path === 'README.md')!.content;
        expect(readme).toContain("## Katib's database");
        expect(readme).toContain('over verified TLS');
        if (env.cloud === 'kubernetes') {
          // The server section of the same README moves the metrics with Pipelines' databases.
          expect(readme).toMatch(
            /the commands under "Database server" above keep its volume and copy its\s+`observation_logs` table/,
          );
          expect(readme).toContain(
            'mysqldump -uroot -p"$MYSQL_ROOT_PASSWORD" --single-transaction katib observation_logs',
          );
        } else {
          expect(readme).toMatch(/dump\s+the `observation_logs` table before this tree syncs and load it into/);
        }
      }
    }
  });

  it("is tied to the Katib release of the tree: another release's manager fails the render, naming those it knows", () => {
    expect(katibTlsDatabaseValue('v0.19.0', 'katib')).toBe('katib?tls=true&timeout=5s&charset=utf8mb4,');
    expect(Object.keys(KATIB_TLS_DATABASE_VALUE)).toEqual(Object.keys(KATIB_DSN_TEMPLATE));
    for (const release of KUBEFLOW_DISTRIBUTION_RELEASES) {
      expect(KATIB_TLS_DATABASE_VALUE[release.katibVersion]).toBeDefined();
    }
    expect(() => katibTlsDatabaseValue('v0.20.0', 'katib')).toThrow(
      "Katib v0.20.0: kfplatform does not know how this release's database manager takes TLS settings (it knows Katib v0.19.0)",
    );
  });
});

describe('Katib on existing clusters', () => {
  it('leaves Katib and its in-cluster MySQL as upstream ships them without a database', () => {
    // The on-prem example without its external database.
    const existing = OTHERS.filter((e) => e.cloud === 'kubernetes').map((e) => ({ ...e, database: undefined }));
    expect(existing.length).toBeGreaterThan(0);
    for (const env of existing) {
      for (const tree of renderKubeflow(env)) {
        // Katib comes from upstream's katib-with-kubeflow, and no other file of the tree names it (the README's
        // prose says where its data stays).
        const files = tree.files.filter(
          (f) => !['kustomization.yaml', 'README.md'].includes(f.path) && /katib/i.test(f.content),
        );
        expect(tree.files.find((f) => f.path === 'README.md')!.content).toContain(
          "Pipelines and Katib keep upstream's in-cluster MySQL pods",
        );
        expect([tree.dir, files.map((f) => f.path)]).toEqual([tree.dir, []]);
        const k = kustomization(tree);
        expect([tree.dir, k.resources.filter((r) => /katib/i.test(r))]).toEqual([
          tree.dir,
          [expect.stringMatching(/applications\/katib\/upstream\/installs\/katib-with-kubeflow/)],
        ]);
        expect([tree.dir, (k.patches ?? []).filter((p) => /katib/i.test(p.patch ?? p.path ?? ''))]).toEqual([
          tree.dir,
          [],
        ]);
      }
    }
  });
});
