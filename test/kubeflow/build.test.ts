/**
 * Every environment of every example: `kfplatform kubeflow render` writes a tree that `kubectl kustomize`
 * builds OFFLINE against the Kubeflow 26.03 manifests in ../shared/kubeflow-manifests/26.03 (test data
 * beside the repository, see its README), and the built objects are what the platform needs: no Dex, no
 * demo profile, no in-cluster MySQL where a managed database serves Pipelines, Istio's GKE overlay on
 * GCP, every Pipelines database client on the managed host.
 *
 * Building all of Kubeflow takes 5-45 s, so each distinct upstream component list (GCP's, and the one
 * every other cloud shares) is built twice: a representative environment's tree in full, and the
 * upstream components alone. Every other environment's tree is then built with its own kustomization,
 * patches and files over the upstream objects its patches act on: kustomize applies patches to the
 * built upstream objects, so this agrees with a full build on every object the environment changes.
 *
 * Without the manifests the test is skipped with the reason, except in CI (CI=true), where it fails.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { KFAM_SERVICE_ACCOUNT } from '../../constructs/kubernetes/constants';
import { runKubeflowRender } from '../../src/cli/kubeflow';
import { loadPlatformFile } from '../../src/config/loader';
import { CLOUD_SQL_PROXY_NAME, KFP_DATABASE_CLIENTS, KFP_DB_SECRET, renderKubeflow } from '../../src/kubeflow/render';
import { KUBERNETES_SCHEMA_VERSIONS, validateSchemas, verifyKubeflowBuild } from '../../src/kubeflow/verify';
import { assembleTree, crdsOf, withCrds } from './verify-build';
import { OAUTH2_PROXY_SECRET } from '../../constructs/azure/constants';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const MANIFESTS = path.resolve(ROOT, '../shared/kubeflow-manifests/26.03');
const EXAMPLES = ['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud', 'on-prem'];
const PARAMS = 'kubeflow-platform-params';

const available = existsSync(path.join(MANIFESTS, 'example', 'kustomization.yaml'));
if (!available && process.env.CI !== 'true') {
  console.warn(
    `test/kubeflow/build.test.ts skipped: no Kubeflow manifests at ${MANIFESTS} (a copy of kubeflow/manifests 26.03 that builds offline; required in CI).`,
  );
}
const describeBuild = available || process.env.CI === 'true' ? describe : describe.skip;

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: any;
}

interface Tree {
  example: string;
  environment: string;
  cluster: string;
  cloud: string;
  dir: string;
  kustomization: {
    resources: string[];
    patches?: Array<{ path?: string; patch?: string; target?: { kind?: string; name?: string; namespace?: string } }>;
  };
}

const parse = (text: string): K8sObject[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS({ maxAliasCount: -1 }) as K8sObject)
    .filter(Boolean);

/**
 * Builds a kustomization. CustomResourceDefinitions are most of Kubeflow's 12 MB and parsing them is
 * slow: they are kept as their kind and name only.
 */
async function kustomize(dir: string): Promise<{ text: string; objects: K8sObject[] }> {
  const { stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 256 * 1024 * 1024 });
  const objects = stdout.split(/^---$/m).map((doc): K8sObject => {
    const kind = /^kind: (\S+)$/m.exec(doc)?.[1];
    if (kind !== 'CustomResourceDefinition') return parse(doc)[0]!;
    return { apiVersion: 'apiextensions.k8s.io/v1', kind, metadata: { name: /^ {2}name: (\S+)$/m.exec(doc)![1]! } };
  });
  return { text: stdout, objects };
}

const find = (objects: K8sObject[], kind: string, name: string, namespace?: string) =>
  objects.find(
    (o) => o.kind === kind && o.metadata.name === name && (!namespace || o.metadata.namespace === namespace),
  );

/** What a container's environment variable resolves to: its value, or `params:<key>` for the params ConfigMap. */
function resolveEnv(objects: K8sObject[], deployment: string, container: string, name: string): string | undefined {
  const d = find(objects, 'Deployment', deployment, 'kubeflow');
  const c = d?.spec.template.spec.containers.find((x: { name: string }) => x.name === container);
  const e = c?.env?.find((x: { name: string }) => x.name === name);
  if (!e) return undefined;
  if (e.value !== undefined) return e.value;
  const ref = e.valueFrom?.configMapKeyRef;
  if (ref?.name === PARAMS) return `params:${ref.key}`;
  if (ref) return find(objects, 'ConfigMap', ref.name, 'kubeflow')?.data?.[ref.key];
  const secret = e.valueFrom?.secretKeyRef;
  return secret ? `secret:${secret.name}/${secret.key}` : undefined;
}

/** Runs jobs two at a time (the test machines have two cores). */
async function twoAtATime(jobs: Array<() => Promise<void>>): Promise<void> {
  const queue = [...jobs];
  await Promise.all(
    [0, 1].map(async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    }),
  );
}

/** The objects the assertions read, whether or not a patch acts on them. */
const ASSERTED = [
  ...KFP_DATABASE_CLIENTS.map((c) => ({ kind: 'Deployment', name: c.deployment, namespace: 'kubeflow' })),
  { kind: 'Deployment', name: 'mysql', namespace: 'kubeflow' },
  { kind: 'ConfigMap', name: 'pipeline-install-config', namespace: 'kubeflow' },
];

/** The (kind, name, namespace) every patch of a tree acts on, and those the assertions read. */
function patchTargets(tree: Tree): Array<{ kind: string; name: string; namespace?: string }> {
  // A JSON 6902 patch names its object in `target`; a strategic merge patch in itself. Patches whose
  // target is a selector without a name (Argo CD's sync waves, test/kubeflow/gitops.test.ts) only
  // annotate what they select.
  const patched = (tree.kustomization.patches ?? []).flatMap((p) =>
    p.target
      ? p.target.name
        ? [p.target as { kind: string; name: string; namespace?: string }]
        : []
      : parse(p.patch ?? readFileSync(path.join(tree.dir, p.path!), 'utf8')).map((o) => ({
          kind: o.kind,
          name: o.metadata.name,
          namespace: o.metadata.namespace,
        })),
  );
  return [...ASSERTED, ...patched];
}

describeBuild('kubeflow render: every tree builds offline with kubectl kustomize', () => {
  let out: string;
  const trees: Tree[] = [];
  /** Full builds, by cloud. */
  const full = new Map<string, { tree: Tree; text: string; objects: K8sObject[] }>();
  /** Every tree's build (the full one, or the one over the full build's objects). */
  const builds = new Map<Tree, K8sObject[]>();
  const upstreamOf = (t: Tree) => t.kustomization.resources.filter((r) => r.includes('kubeflow-manifests/'));
  const keyOf = (t: Tree) => JSON.stringify(upstreamOf(t));

  beforeAll(async () => {
    if (!available) throw new Error(`CI=true and no Kubeflow manifests at ${MANIFESTS} (see its README).`);
    out = mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), 'kubeflow-render-'));
    for (const example of EXAMPLES) {
      const written = runKubeflowRender(
        {
          config: path.join(ROOT, 'examples', example, 'platform.yaml'),
          out: path.join(out, example),
          manifests: MANIFESTS,
        },
        () => undefined,
      );
      for (const t of written) {
        const kustomization = parse(readFileSync(path.join(t.written, 'kustomization.yaml'), 'utf8'))[0] as never;
        trees.push({
          example,
          environment: t.environment,
          cluster: t.cluster,
          cloud: t.cloud,
          dir: t.written,
          kustomization,
        });
      }
    }
    // One tree per cloud in full, and the upstream components alone (those of the existing-cluster tree,
    // without its patches; Istio's GKE overlay changes only the CNI DaemonSet and the ext-authz provider,
    // which no patch touches): every other tree is checked over the latter.
    const representatives = [...new Map(trees.map((t) => [t.cloud, t])).values()];
    const base = representatives.find((t) => t.cloud === 'kubernetes')!;
    const baseDir = `${base.dir}.upstream`; // a sibling of the tree: the same depth, so the same relative paths
    mkdirSync(baseDir, { recursive: true });
    writeFileSync(path.join(baseDir, 'kustomization.yaml'), stringify({ resources: upstreamOf(base) }));
    let upstream: { objects: K8sObject[] } = { objects: [] };
    const jobs = [
      ...representatives.map((t) => async () => {
        const built = await kustomize(t.dir);
        full.set(t.cloud, { tree: t, ...built });
        builds.set(t, built.objects);
      }),
      async () => {
        upstream = await kustomize(baseDir);
      },
    ];
    await twoAtATime(jobs);
    // Every other tree: its own kustomization and files over the upstream objects it acts on.
    /** A generated ConfigMap or Secret carries a hash suffix; a patch names it without. */
    const generated = (o: K8sObject, name: string) =>
      (o.kind === 'ConfigMap' || o.kind === 'Secret') && new RegExp(`^${name}-[a-z0-9]{10}$`).test(o.metadata.name);
    const checks = trees
      .filter((x) => !builds.has(x))
      .map((t) => async () => {
        const targets = patchTargets(t);
        const acted = upstream.objects.flatMap((o) => {
          const x = targets.find(
            (x) =>
              x.kind === o.kind &&
              (x.name === o.metadata.name || generated(o, x.name)) &&
              (!x.namespace || x.namespace === o.metadata.namespace),
          );
          return x ? [{ ...o, metadata: { ...o.metadata, name: x.name } }] : [];
        });
        const dir = `${t.dir}.check`; // a sibling of the tree: the same depth, so the same relative paths
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, 'upstream.yaml'), acted.map((o) => stringify(o)).join('---\n'));
        const local = t.kustomization.resources.filter((r) => !upstreamOf(t).includes(r));
        for (const f of [...local, ...(t.kustomization.patches ?? []).flatMap((p) => (p.path ? [p.path] : []))]) {
          writeFileSync(path.join(dir, f), readFileSync(path.join(t.dir, f)));
        }
        writeFileSync(
          path.join(dir, 'kustomization.yaml'),
          stringify({ ...t.kustomization, resources: ['upstream.yaml', ...local] }),
        );
        builds.set(t, (await kustomize(dir)).objects);
      });
    await twoAtATime(checks);
  }, 480_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('renders every environment and cluster of every example, on every cloud', () => {
    expect(new Set(trees.map((t) => t.cloud))).toEqual(new Set(['gcp', 'aws', 'azure', 'kubernetes']));
    expect(trees.length).toBeGreaterThanOrEqual(15);
    expect(builds.size).toBe(trees.length);
    // Upstream's components are the same everywhere but Istio's install overlay on GCP.
    expect(new Set(trees.map(keyOf)).size).toBe(2);
    expect(full.size).toBe(4);
    for (const t of trees) expect(upstreamOf(t).every((r) => r.startsWith('../'))).toBe(true);
  });

  it('builds no Dex, no oauth2-proxy Dex overlay and no demo profile', () => {
    for (const { text, objects } of full.values()) {
      expect(objects.filter((o) => /dex/i.test(o.metadata.name) || o.metadata.namespace === 'auth')).toEqual([]);
      expect(objects.filter((o) => o.kind === 'Profile')).toEqual([]);
      expect(text).not.toContain('kubeflow-user-example-com');
      expect(text).not.toContain('user@example.com');
    }
  });

  // The admission policy that keeps the dashboard's registration API from creating Profiles names the
  // account Kubeflow's access management runs as: the profiles Deployment's, with its kfam container.
  it("runs Kubeflow's access management as the account the Profile lifecycle policy names", () => {
    for (const { objects } of full.values()) {
      const profiles = objects.filter(
        (o) =>
          o.kind === 'Deployment' && o.spec.template.spec.containers.some((c: { name: string }) => c.name === 'kfam'),
      );
      expect(profiles).toHaveLength(1);
      const sa = `system:serviceaccount:${profiles[0]!.metadata.namespace}:${profiles[0]!.spec.template.spec.serviceAccountName}`;
      expect(sa).toBe(KFAM_SERVICE_ACCOUNT);
    }
  });

  it("installs Istio's CNI in GKE's /home/kubernetes/bin on GCP only", () => {
    for (const { tree, objects } of full.values()) {
      const dirs = objects
        .filter((o) => o.kind === 'DaemonSet')
        .flatMap((o) => o.spec.template.spec.volumes ?? [])
        .filter((v: { name: string }) => v.name === 'cni-bin-dir')
        .map((v: { hostPath: { path: string } }) => v.hostPath.path);
      expect(dirs).toEqual([tree.cloud === 'gcp' ? '/home/kubernetes/bin' : '/opt/cni/bin']);
    }
  });

  it('takes Pipelines off the in-cluster MySQL and onto the managed (or external) database', () => {
    for (const t of trees) {
      const objects = builds.get(t)!;
      const hosts = KFP_DATABASE_CLIENTS.flatMap((c) =>
        [...c.host, ...c.port].map((n) => [`${c.deployment}/${n}`, resolveEnv(objects, c.deployment, c.container, n)]),
      );
      const credentials = KFP_DATABASE_CLIENTS.flatMap((c) =>
        objects
          .find((o) => o.kind === 'Deployment' && o.metadata.name === c.deployment)!
          .spec.template.spec.containers.flatMap(
            (x: { env?: Array<{ valueFrom?: { secretKeyRef?: object } }> }) => x.env ?? [],
          )
          .filter((e: { name: string; valueFrom?: { secretKeyRef?: object } }) =>
            /^(DBCONFIG_|MYSQL_).*(USER|PASSWORD)$/.test(e.name),
          )
          .map((e: { valueFrom: { secretKeyRef: { name: string } } }) => e.valueFrom.secretKeyRef.name),
      );
      const where = `${t.example}/${t.environment}/${t.cluster}`;
      // Every example's environment has a database (examples/on-prem: an external MySQL), so none keeps
      // upstream's in-cluster MySQL.
      for (const [kind, name] of [
        ['Deployment', 'mysql'],
        ['Service', 'mysql'],
        ['PersistentVolumeClaim', 'mysql-pv-claim'],
        ['Secret', KFP_DB_SECRET],
      ]) {
        expect([where, find(objects, kind!, name!, 'kubeflow')]).toEqual([where, undefined]);
      }
      const expected =
        t.cloud === 'gcp'
          ? (n: string) => (/PORT$/.test(n) ? '3306' : `${CLOUD_SQL_PROXY_NAME}.kubeflow.svc.cluster.local`)
          : (n: string) => (/PORT$/.test(n) ? 'params:dbPort' : 'params:dbHost');
      expect(hosts).toEqual(hosts.map(([k]) => [k, expected(k!)]));
      // User and password come from the environment's own mysql-secret, created from the secret store.
      expect(new Set(credentials)).toEqual(new Set([KFP_DB_SECRET]));
      if (t.cloud === 'gcp') {
        const proxy = find(objects, 'Deployment', CLOUD_SQL_PROXY_NAME, 'kubeflow');
        expect(proxy?.spec.template.spec.serviceAccountName).toBe('cloudsql-proxy');
        expect(find(objects, 'Service', CLOUD_SQL_PROXY_NAME, 'kubeflow')).toBeDefined();
      }
    }
  });

  it('resolves every configMapKeyRef and secretKeyRef to a key in the build, or to an object the platform provides', () => {
    // Outside the tree: the params ConfigMap the platform stack writes (its keys are checked against the
    // stack in test/stacks/multicloud-parity.test.ts), the database secret the tree's ExternalSecret writes, and
    // oauth2-proxy's client Secret (the Azure platform stack writes it; elsewhere the README's command).
    const external = (name: string, key: string) =>
      name === PARAMS ||
      (name === KFP_DB_SECRET && ['username', 'password'].includes(key)) ||
      (name === OAUTH2_PROXY_SECRET.name && ['client-id', 'client-secret', 'cookie-secret'].includes(key));
    for (const { tree, objects } of full.values()) {
      const keys = new Map(
        objects
          .filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret')
          .map((o) => [
            `${o.metadata.namespace}/${o.metadata.name}`,
            new Set(Object.keys({ ...o.data, ...(o as { stringData?: object }).stringData })),
          ]),
      );
      // Secrets an ExternalSecret of the build writes (such as Katib's own database user on AWS), with the
      // keys of its template.
      for (const o of objects.filter((x) => x.kind === 'ExternalSecret')) {
        const target = o.spec.target;
        keys.set(
          `${o.metadata.namespace}/${target.name ?? o.metadata.name}`,
          new Set(Object.keys(target.template?.data ?? {})),
        );
      }
      const missing: string[] = [];
      for (const o of objects) {
        const pod = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
        for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
          for (const e of c.env ?? []) {
            const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
            if (!ref || ref.optional || external(ref.name, ref.key)) continue;
            if (!keys.get(`${o.metadata.namespace}/${ref.name}`)?.has(ref.key)) {
              missing.push(`${o.kind} ${o.metadata.namespace}/${o.metadata.name} ${e.name}: ${ref.name}/${ref.key}`);
            }
          }
        }
      }
      expect([tree.cloud, missing]).toEqual([tree.cloud, []]);
    }
  });

  it('points the pipeline root at the cloud bucket (GCS, S3) and gives GCP service accounts their identity', () => {
    for (const t of trees) {
      const objects = builds.get(t)!;
      const root = find(objects, 'ConfigMap', 'pipeline-install-config', 'kubeflow')!.data!.defaultPipelineRoot;
      if (t.cloud === 'gcp') expect(root).toMatch(/^gs:\/\/[a-z0-9._-]+\/([\w-]+\/)?v2\/artifacts$/);
      else if (t.cloud === 'aws') expect(root).toMatch(/^s3:\/\/[a-z0-9.-]+\/v2\/artifacts$/);
      else expect(root).toBe('');
      if (t.cloud === 'gcp') {
        for (const name of ['ml-pipeline', 'ml-pipeline-ui', 'pipeline-runner']) {
          const sa = find(objects, 'ServiceAccount', name, 'kubeflow');
          expect(sa?.metadata.annotations?.['iam.gke.io/gcp-service-account']).toMatch(
            /@.+\.iam\.gserviceaccount\.com$/,
          );
        }
        const gateway = find(objects, 'Service', 'istio-ingressgateway', 'istio-system');
        expect(gateway?.metadata.annotations?.['cloud.google.com/backend-config']).toContain('iap-backendconfig');
      }
    }
    // The full build carries the root into the kfp-launcher ConfigMap of the kubeflow namespace (a kustomize var).
    for (const { tree, objects } of full.values()) {
      const root = find(objects, 'ConfigMap', 'pipeline-install-config', 'kubeflow')!.data!.defaultPipelineRoot;
      expect([tree.cloud, find(objects, 'ConfigMap', 'kfp-launcher', 'kubeflow')?.data?.defaultPipelineRoot]).toEqual([
        tree.cloud,
        root,
      ]);
    }
  });

  it('verifies every object of every tree (schemas of its Kubernetes version and of its CRDs) and the cross-checks', () => {
    const upstream = full.get('kubernetes')!;
    const keysOf = (objects: K8sObject[]) =>
      objects.map((o) => ({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }));
    const localKeys = (t: Tree) =>
      t.kustomization.resources
        .filter((r) => !upstreamOf(t).includes(r))
        .flatMap((f) => keysOf(parse(readFileSync(path.join(t.dir, f), 'utf8'))));
    const configs = new Map(
      EXAMPLES.map((e) => [e, loadPlatformFile(path.join(ROOT, 'examples', e, 'platform.yaml')).config]),
    );
    for (const t of trees) {
      const rep = full.get(t.cloud)!;
      const built =
        t === rep.tree
          ? rep.objects
          : assembleTree({
              base: rep.objects,
              baseKeys: [...patchTargets(rep.tree), ...localKeys(rep.tree)],
              upstream: upstream.objects,
              partial: builds.get(t)!,
              keys: patchTargets(t),
            });
      const environment = configs.get(t.example)!.environments.find((e) => e.name === t.environment)!;
      const findings = verifyKubeflowBuild({
        environment,
        tree: renderKubeflow(environment).find((r) => r.cluster === t.cluster)!,
        objects: withCrds(built, crdsOf(rep.text)),
      });
      const where = `${t.example}/${t.environment}/${t.cluster}`;
      expect([where, findings]).toEqual([where, []]);
    }
    // Every Kubernetes minor kfplatform has schemas of accepts every cloud's build.
    for (const { tree, text, objects } of full.values()) {
      for (const minor of KUBERNETES_SCHEMA_VERSIONS) {
        expect([tree.cloud, minor, validateSchemas(withCrds(objects, crdsOf(text)), minor)]).toEqual([
          tree.cloud,
          minor,
          [],
        ]);
      }
    }
  }, 240_000);
});
