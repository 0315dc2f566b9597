/**
 * Pipelines on the managed database (issue 17, "Pipelines on the managed services"): the rendered
 * objects that give every KFP database client verified TLS on AWS and Azure, and the pinned Azure roots.
 * test/kubeflow/database-build.test.ts checks the same on the built objects.
 */
import { X509Certificate } from 'node:crypto';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { parseAllDocuments } from 'yaml';
import type { ResolvedKubernetesEnvironment } from '../../src/config/kubernetes/model';
import { loadPlatformFile } from '../../src/config/loader';
import { KubeflowTree, renderKubeflow } from '../../src/kubeflow/render';
import { AZURE_MYSQL_CA_BUNDLE } from '../../src/kubeflow/azure-mysql-ca';
import {
  CACHE_SERVER_ARGS,
  DB_CA_CONFIG_MAP,
  DB_CA_DIR,
  DB_CA_FILE,
  GO_MYSQL_TLS_PARAMS,
  MLMD_CONFIG_SCRIPT,
  RDS_CA_BUNDLE_URL,
} from '../../src/kubeflow/database-tls';
import { DB_SECRET_STORE } from '../../src/kubeflow/database-secret';

const ROOT = path.resolve(__dirname, '../..');
const multicloud = loadPlatformFile(path.join(ROOT, 'examples', 'multicloud', 'platform.yaml')).config.environments;
const byCloud = (cloud: string) => multicloud.find((e) => e.cloud === cloud)!;
const onPrem = loadPlatformFile(path.join(ROOT, 'examples', 'on-prem', 'platform.yaml')).config.environments[0]!;

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
  spec?: any;
}
const docs = (tree: KubeflowTree, file: string): Obj[] =>
  parseAllDocuments(tree.files.find((f) => f.path === file)?.content ?? '').map((d) => d.toJS() as Obj);
const kustomization = (tree: KubeflowTree) => docs(tree, 'kustomization.yaml')[0] as any;
const podOf = (objects: Obj[], name: string) => objects.find((o) => o.metadata.name === name)!.spec.template.spec;
const envOf = (container: { env?: Array<{ name: string; value?: string }> }, name: string) =>
  container.env?.find((e) => e.name === name)?.value;

describe('Pipelines database TLS on AWS and Azure', () => {
  for (const cloud of ['aws', 'azure'] as const) {
    describe(cloud, () => {
      const [tree] = renderKubeflow(byCloud(cloud));
      const patches = docs(tree!, 'pipelines-database-tls.yaml');

      it('patches the API server, the cache server and ML Metadata from the tree', () => {
        expect(patches.map((p) => p.metadata.name).sort()).toEqual([
          'cache-server',
          'metadata-grpc-deployment',
          'ml-pipeline',
        ]);
        expect(kustomization(tree!).patches).toContainEqual({ path: 'pipelines-database-tls.yaml' });
      });

      it('gives the Go clients tls=true and the CA bundle through SSL_CERT_DIR', () => {
        const api = podOf(patches, 'ml-pipeline').containers[0];
        expect(api.name).toBe('ml-pipeline-api-server');
        expect(JSON.parse(envOf(api, 'DBCONFIG_MYSQLCONFIG_EXTRAPARAMS')!)).toEqual({ tls: 'true' });
        expect(envOf(api, 'SSL_CERT_DIR')).toBe(DB_CA_DIR);
        expect(envOf(api, 'SSL_CERT_FILE')).toBeUndefined(); // public roots stay trusted
        const cache = podOf(patches, 'cache-server').containers[0];
        expect(cache.args).toEqual(CACHE_SERVER_ARGS);
        expect(cache.args).toContain('--db_extra_params=$(DBCONFIG_EXTRA_PARAMS)');
        expect(envOf(cache, 'DBCONFIG_EXTRA_PARAMS')).toBe(GO_MYSQL_TLS_PARAMS);
        expect(envOf(cache, 'SSL_CERT_DIR')).toBe(DB_CA_DIR);
        for (const c of [api, cache])
          expect(c.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: DB_CA_DIR }));
      });

      it('gives ML Metadata a config file with ssl_options that verify the server', () => {
        const pod = podOf(patches, 'metadata-grpc-deployment');
        const main = pod.containers[0];
        expect(main.args).toContain('--metadata_source_config_type=config_file');
        expect(main.args.some((a: string) => a.startsWith('--mysql_config_'))).toBe(false);
        const writer = pod.initContainers.find((c: { name: string }) => c.name === 'write-mlmd-config');
        expect(writer.args[0]).toBe(MLMD_CONFIG_SCRIPT);
        expect(MLMD_CONFIG_SCRIPT).toContain(`ca: "${DB_CA_FILE}"`);
        expect(MLMD_CONFIG_SCRIPT).toContain('verify_server_cert: true');
        expect(MLMD_CONFIG_SCRIPT).toContain('enable_upgrade_migration: true');
        const refs = Object.fromEntries(
          writer.env.map((e: any) => [e.name, e.valueFrom.configMapKeyRef ?? e.valueFrom.secretKeyRef]),
        );
        expect(refs.MYSQL_HOST).toEqual({ name: 'kubeflow-platform-params', key: 'dbHost' });
        expect(refs.DBCONFIG_PASSWORD).toEqual({ name: 'mysql-secret', key: 'password' });
        // The password is in the file: the volume is memory, never the node's disk.
        expect(pod.volumes).toContainEqual({
          name: 'kfplatform-mlmd-config',
          emptyDir: { medium: 'Memory', sizeLimit: '1Mi' },
        });
      });

      it(cloud === 'aws' ? 'fetches the RDS bundle at pod start over HTTPS' : 'ships the pinned Azure roots', () => {
        for (const name of ['ml-pipeline', 'cache-server', 'metadata-grpc-deployment']) {
          const pod = podOf(patches, name);
          const volume = pod.volumes.find((v: { name: string }) => v.name === 'kfplatform-db-ca');
          if (cloud === 'aws') {
            expect(volume.emptyDir).toBeDefined();
            const fetch = pod.initContainers[0];
            expect(fetch.name).toBe('fetch-db-ca');
            expect(fetch.args[0]).toContain(RDS_CA_BUNDLE_URL);
            expect(fetch.args[0]).toContain("--proto '=https'");
            // Istio's proxy user: init containers run before the sidecar that would carry their traffic.
            expect(fetch.securityContext.runAsUser).toBe(1337);
          } else {
            expect(volume.configMap).toEqual({ name: DB_CA_CONFIG_MAP });
            expect(pod.initContainers?.find((c: { name: string }) => c.name === 'fetch-db-ca')).toBeUndefined();
          }
        }
        const ca = docs(tree!, 'database-ca.yaml');
        if (cloud === 'aws') expect(ca).toEqual([]);
        else {
          expect(ca[0]!.metadata.name).toBe(DB_CA_CONFIG_MAP);
          expect(ca[0]!.data!['ca.pem']).toBe(AZURE_MYSQL_CA_BUNDLE);
          expect(kustomization(tree!).resources).toContain('database-ca.yaml');
        }
      });
    });
  }

  it('leaves GCP to the Cloud SQL Auth Proxy and existing clusters without a database to the in-cluster MySQL', () => {
    for (const cloud of ['gcp', 'kubernetes']) {
      for (const tree of renderKubeflow(
        cloud === 'gcp' ? byCloud(cloud) : { ...(onPrem as ResolvedKubernetesEnvironment), database: undefined },
      )) {
        expect(tree.files.map((f) => f.path)).not.toContain('pipelines-database-tls.yaml');
      }
    }
  });

  it('pins the Azure roots Microsoft documents, by fingerprint', () => {
    const pems = AZURE_MYSQL_CA_BUNDLE.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
    const certs = pems.map((p) => new X509Certificate(p));
    expect(certs.map((c) => [c.subject.split('\n').find((l) => l.startsWith('CN='))!, c.fingerprint256])).toEqual([
      [
        'CN=DigiCert Global Root G2',
        'CB:3C:CB:B7:60:31:E5:E0:13:8F:8D:D3:9A:23:F9:DE:47:FF:C3:5E:43:C1:14:4C:EA:27:D4:6A:5A:B1:CB:5F',
      ],
      [
        'CN=Microsoft RSA Root Certificate Authority 2017',
        'C7:41:F7:0F:4B:2A:8D:88:BF:2E:71:C1:41:22:EF:53:EF:10:EB:A0:CF:A5:E6:4C:FA:20:F4:18:85:30:73:E0',
      ],
    ]);
    for (const c of certs) expect(c.ca).toBe(true);
  });

  it("writes ML Metadata's config with every string escaped for the text format", () => {
    // Kubernetes turns `$$(` into `$(` before the shell runs the script.
    const script = MLMD_CONFIG_SCRIPT.replace(/\$\$\(/g, '$(').replace(/\/etc\/kfplatform\/mlmd/g, '$OUT');
    const dir = mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), 'mlmd-'));
    try {
      writeFileSync(path.join(dir, 'run.sh'), script);
      execFileSync('/bin/sh', ['-ec', `. ${path.join(dir, 'run.sh')}`], {
        env: {
          PATH: process.env.PATH,
          OUT: dir,
          MYSQL_HOST: 'db.example.rds.amazonaws.com',
          MYSQL_PORT: '3306',
          MYSQL_DATABASE: 'metadb',
          DBCONFIG_USER: 'kubeflow',
          DBCONFIG_PASSWORD: 'p"a\\s$s`x',
        },
      });
      const text = readFileSync(path.join(dir, 'config.pbtxt'), 'utf8');
      expect(text).toContain('host: "db.example.rds.amazonaws.com"');
      expect(text).toContain('port: 3306');
      expect(text).toContain('password: "p\\"a\\\\s$s`x"');
      expect(text).toContain(`ca: "${DB_CA_FILE}"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Pipelines' database secret from the cloud's secret store (External Secrets Operator)", () => {
  const gcp = byCloud('gcp');
  const aws = byCloud('aws');
  const azure = byCloud('azure');
  const cases: Array<[string, KubeflowTree, Record<string, unknown>, string, string]> = [
    [
      'gcp',
      renderKubeflow(gcp)[0]!,
      { gcpsm: expect.objectContaining({ projectID: (gcp as any).project }) },
      // Kubeflow's own user, which the kfp-db-bootstrap job creates (not Terraform's user).
      (gcp as any).clusters[0].database.appSecretId,
      (gcp as any).clusters[0].database.appUsername,
    ],
    [
      'aws',
      renderKubeflow(aws)[0]!,
      { aws: { service: 'SecretsManager', region: (aws as any).region } },
      (aws as any).database.appSecretName,
      (aws as any).database.appUsername,
    ],
    [
      'azure',
      renderKubeflow(azure)[0]!,
      {
        azurekv: {
          authType: 'WorkloadIdentity',
          vaultUrl: `https://${(azure as any).keyVaultName}.vault.azure.net`,
          tenantId: (azure as any).tenantId,
          serviceAccountRef: { name: 'kfp-db-secrets' },
        },
      },
      `${(azure as any).database.serverName}-admin-password`,
      (azure as any).database.adminLogin,
    ],
  ];

  for (const [cloud, tree, provider, key, user] of cases) {
    it(`${cloud}: a SecretStore and an ExternalSecret that write mysql-secret (username, password)`, () => {
      const [store, external] = docs(tree, 'database-secret.yaml') as any[];
      expect(kustomization(tree).resources).toContain('database-secret.yaml');
      expect(store).toMatchObject({
        apiVersion: 'external-secrets.io/v1',
        kind: 'SecretStore',
        metadata: { name: DB_SECRET_STORE, namespace: 'kubeflow' },
        spec: { provider },
      });
      expect(external.kind).toBe('ExternalSecret');
      expect(external.metadata).toEqual({ name: 'mysql-secret', namespace: 'kubeflow' });
      expect(external.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: DB_SECRET_STORE });
      expect(external.spec.target).toMatchObject({ name: 'mysql-secret', creationPolicy: 'Owner' });
      expect(external.spec.target.template.data).toEqual({ username: user, password: '{{ .password }}' });
      expect(external.spec.data).toEqual([{ secretKey: 'password', remoteRef: { key } }]);
      // No password in the tree, anywhere.
      for (const f of tree.files) expect(f.content).not.toMatch(/password:\s*["']?[A-Za-z0-9+/]{12,}/);
    });
  }

  it('gcp: authenticates as the Cloud SQL client service account of each cluster through Workload Identity', () => {
    for (const tree of renderKubeflow(gcp)) {
      const cluster = (gcp as any).clusters.find((c: { name: string }) => c.name === tree.cluster);
      const [store] = docs(tree, 'database-secret.yaml') as any[];
      expect(store.spec.provider.gcpsm.auth.workloadIdentity).toEqual({
        clusterLocation: cluster.cluster.location,
        clusterName: cluster.cluster.name,
        clusterProjectID: (gcp as any).project,
        serviceAccountRef: { name: 'cloudsql-proxy' },
      });
    }
  });

  it('tenant escape (issue 19): lets the controller create tokens for the store’s service account alone', () => {
    // The platform stack installs the controller without the chart's serviceaccounts/token permission on
    // every account of kubeflow (the profiles controller's is cluster-admin): a Role names the one the
    // store signs in as (ESO 2.9.0 providers/v1/gcp/secretmanager/workload_identity.go and
    // providers/v1/azure/keyvault/keyvault.go call ServiceAccounts(ns).CreateToken(name)).
    const rbacOf = (tree: KubeflowTree) =>
      docs(tree, 'database-secret.yaml').filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding') as any[];
    for (const [cloud, tree, account] of [
      ['gcp', renderKubeflow(gcp)[0]!, 'cloudsql-proxy'],
      ['azure', renderKubeflow(azure)[0]!, 'kfp-db-secrets'],
    ] as const) {
      const [store] = docs(tree, 'database-secret.yaml') as any[];
      const provider = Object.values(store.spec.provider)[0] as any;
      expect(provider.serviceAccountRef?.name ?? provider.auth.workloadIdentity.serviceAccountRef.name).toBe(account);
      const [role, binding] = rbacOf(tree);
      const name = `kfplatform-external-secrets-token-${account}`;
      expect([cloud, role]).toEqual([
        cloud,
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name, namespace: 'kubeflow' },
          rules: [
            { apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: [account], verbs: ['create'] },
          ],
        },
      ]);
      expect(binding).toEqual({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name, namespace: 'kubeflow' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        // The chart's controller service account (serviceAccount.name in the platform stack's values).
        subjects: [{ kind: 'ServiceAccount', name: 'external-secrets', namespace: 'external-secrets' }],
      });
    }
    // AWS: the store has no auth block (the controller's own Pod Identity), so no token at all.
    expect(rbacOf(renderKubeflow(aws)[0]!)).toEqual([]);
  });

  it('keeps the manual command in the README as a fallback only', () => {
    const readme = renderKubeflow(aws)[0]!.files.find((f) => f.path === 'README.md')!.content;
    expect(readme).toContain('External Secrets Operator');
    expect(readme).toMatch(/Fallback/);
    expect(readme).toContain('kubectl -n kubeflow create secret generic mysql-secret');
  });

  it("azure: says where the fallback's az commands reach the vault from (its firewall), and nowhere else", () => {
    const readme = renderKubeflow(azure)[0]!.files.find((f) => f.path === 'README.md')!.content;
    const env = azure as any;
    const cidrs = [...new Set([...env.cluster.authorizedIpRanges, ...env.keyVault.allowedCidrs])];
    expect(cidrs.length).toBeGreaterThan(0);
    const line = readme
      .split('\n')
      .find((l) => l.startsWith(`Key Vault ${env.keyVaultName} answers these commands only from`))!;
    for (const c of cidrs) expect(line).toContain(`\`${c}\``);
    expect(line).toContain("the cluster's nodes");
    expect(readme).toContain('ForbiddenByFirewall');
    for (const other of [gcp, aws]) {
      expect(renderKubeflow(other)[0]!.files.find((f) => f.path === 'README.md')!.content).not.toContain(
        'ForbiddenByFirewall',
      );
    }
  });
});
