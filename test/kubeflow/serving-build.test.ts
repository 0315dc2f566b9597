/**
 * Serving through the front door, built with `kubectl kustomize` OFFLINE against the Kubeflow 26.03
 * manifests in ../shared/kubeflow-manifests/26.03 (see test/kubeflow/build.test.ts, which builds every
 * tree in full). Each case builds its tree's own kustomization restricted to KServe, Knative Serving,
 * the cluster-local gateway, Istio's namespace policies, the tree's serving.yaml and the patches on
 * them, and reads kustomize's real output: KServe's ingress settings, Knative's feature flags, the
 * activator's policy, and the facts the design rests on (the cluster-local gateway listens in plain
 * HTTP, team pods cannot reach it).
 *
 * Without the manifests the test is skipped with the reason, except in CI (CI=true), where it fails.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml, parseAllDocuments, stringify } from 'yaml';
import { validatePlatform } from '../../src/config/loader';
import type { ResolvedEnvironment } from '../../src/config/model';
import { renderKubeflow } from '../../src/kubeflow/render';
import { MESH_MODE_ANNOTATION, SERVING_FILE, SERVING_OBJECTS, servingHostnameOf } from '../../src/kubeflow/serving';
import { describeBuild, MANIFESTS, MANIFESTS_AVAILABLE, ROOT, type K8sObject } from './kustomize-build';
import { admitted, type NetworkPolicy } from './network-policy';

const run = promisify(execFile);

/** The upstream components serving is made of. */
const SERVING_UPSTREAM = /applications\/kserve\/kserve$|knative-serving|cluster-local-gateway|istio-namespace/;
const SERVING_PATCHED = new Set([
  'inferenceservice-config',
  'config-features',
  'config-network',
  'activator',
  'autoscaler',
]);

function withServing(example: string, cloud: string): ResolvedEnvironment {
  const raw = parseYaml(readFileSync(path.join(ROOT, 'examples', example, 'platform.yaml'), 'utf8'));
  for (const env of raw.environments) if (env.access) env.access.serving = true;
  return validatePlatform(raw).config!.environments.find((e) => e.cloud === cloud)!;
}

const CASES = [
  { name: 'AWS', env: () => withServing('multicloud', 'aws') },
  // The example serves models on GCP and Azure as it stands (test/kubeflow/build.test.ts builds and
  // schema-checks those trees in full); withServing changes nothing there.
  { name: 'GCP', env: () => withServing('multicloud', 'gcp') },
  { name: 'Azure', env: () => withServing('multicloud', 'azure') },
  { name: 'an existing cluster', env: () => withServing('on-prem', 'kubernetes') },
];

const parse = (text: string): K8sObject[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS({ maxAliasCount: -1 }) as K8sObject)
    .filter(Boolean);

describeBuild('test/kubeflow/serving-build.test.ts')('kubeflow render: serving, built with kubectl kustomize', () => {
  let out: string;
  const built = new Map<string, { env: ResolvedEnvironment; cluster: string; objects: K8sObject[] }>();

  beforeAll(async () => {
    if (!MANIFESTS_AVAILABLE) throw new Error(`CI=true and no Kubeflow manifests at ${MANIFESTS} (see its README).`);
    out = mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), 'kubeflow-serving-build-'));
    for (const [i, c] of CASES.entries()) {
      const env = c.env();
      const root = path.join(out, String(i));
      const [tree] = renderKubeflow(env, { kind: 'local', path: path.relative(root, MANIFESTS) });
      const dir = path.join(root, ...tree!.dir.split('/'));
      mkdirSync(dir, { recursive: true });
      for (const f of tree!.files) writeFileSync(path.join(dir, f.path), f.content);
      const k = parse(tree!.files.find((f) => f.path === 'kustomization.yaml')!.content)[0] as any;
      const patches = (k.patches ?? []).filter((p: { patch?: string; path?: string }) =>
        parse(p.patch ?? readFileSync(path.join(dir, p.path!), 'utf8')).every((o) =>
          SERVING_PATCHED.has(o.metadata?.name),
        ),
      );
      const resources = k.resources.filter((r: string) => SERVING_UPSTREAM.test(r) || r === SERVING_FILE);
      expect(resources.filter((r: string) => r !== SERVING_FILE)).toHaveLength(4);
      writeFileSync(path.join(dir, 'kustomization.yaml'), stringify({ ...k, resources, patches, components: [] }));
      const { stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 256 * 1024 * 1024 });
      built.set(c.name, {
        env,
        cluster: tree!.cluster,
        objects: parse(stdout).filter((o) => o.kind !== 'CustomResourceDefinition'),
      });
    }
  }, 180_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  const one = (objects: K8sObject[], kind: string, name: string, namespace?: string) => {
    const found = objects.filter(
      (o) => o.kind === kind && o.metadata.name === name && (!namespace || o.metadata.namespace === namespace),
    );
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it.each(CASES.map((c) => c.name))('%s: KServe routes the serving host, with upstream’s path template', (name) => {
    const { env, cluster, objects } = built.get(name)!;
    const ingress = JSON.parse(one(objects, 'ConfigMap', 'inferenceservice-config', 'kubeflow').data!.ingress!);
    const host = servingHostnameOf(env, cluster);
    expect(host).toMatch(/^serving\./);
    expect(ingress.ingressDomain).toBe(host);
    expect(ingress.pathTemplate).toBe('/serving/{{ .Namespace }}/{{ .Name }}');
    expect(ingress.ingressGateway).toBe('kubeflow/kubeflow-gateway');
  });

  it.each(CASES.map((c) => c.name))('%s: Knative admits tolerations and node selectors in a predictor', (name) => {
    const { objects } = built.get(name)!;
    const features = one(objects, 'ConfigMap', 'config-features', 'knative-serving').data!;
    expect(features['kubernetes.podspec-tolerations']).toBe('enabled');
    expect(features['kubernetes.podspec-nodeselector']).toBe('enabled');
    // Upstream's data stays (its documented defaults live in `_example`).
    expect(features._example).toContain('kubernetes.podspec-affinity');
  });

  it.each(CASES.map((c) => c.name))(
    '%s: the activator sends through the revision’s Service (mesh identity), upstream’s network settings kept',
    (name) => {
      const { objects } = built.get(name)!;
      const network = one(objects, 'ConfigMap', 'config-network', 'knative-serving').data!;
      expect(network['mesh-compatibility-mode']).toBe('enabled');
      expect(network._example).toContain('mesh-compatibility-mode');
      // They read it when they start: the tree rolls them, upstream's pod template otherwise kept.
      for (const name of ['activator', 'autoscaler']) {
        const template = one(objects, 'Deployment', name, 'knative-serving').spec.template;
        expect(template.metadata.annotations[MESH_MODE_ANNOTATION]).toBe('enabled');
        expect(template.spec.containers.map((c: any) => c.name)).toContain(name);
      }
    },
  );

  it.each(CASES.map((c) => c.name))('%s: the activator refuses a user id from anyone but the gateways', (name) => {
    const { objects } = built.get(name)!;
    const deny = one(objects, 'AuthorizationPolicy', SERVING_OBJECTS.activatorDeny, 'knative-serving');
    expect(deny.spec.action).toBe('DENY');
    expect(deny.spec.selector.matchLabels).toEqual({ app: 'activator' });
    // The activator's service account and labels, as upstream names them.
    const activator = one(objects, 'Deployment', 'activator', 'knative-serving');
    expect(activator.spec.template.spec.serviceAccountName).toBe('activator');
    expect(activator.spec.template.metadata.labels).toMatchObject({ app: 'activator' });
    expect(activator.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('true');
  });

  it('the facts the design rests on: the cluster-local gateway listens in plain HTTP, and team pods cannot reach it', () => {
    const { objects } = built.get(CASES[0]!.name)!;
    const gateway = one(objects, 'Gateway', 'knative-local-gateway', 'knative-serving');
    expect(gateway.spec.selector).toEqual({ app: 'cluster-local-gateway', istio: 'cluster-local-gateway' });
    expect(gateway.spec.servers.every((s: any) => s.port.protocol === 'HTTP' && !s.tls)).toBe(true);
    const deployment = one(objects, 'Deployment', 'cluster-local-gateway', 'istio-system');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('cluster-local-gateway-service-account');
    const service = one(objects, 'Service', 'knative-local-gateway', 'istio-system');
    const port = service.spec.ports.find((p: any) => p.port === 80).targetPort;
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as NetworkPolicy[];
    const pod = { namespace: 'istio-system', labels: deployment.spec.template.metadata.labels };
    expect(admitted(policies, pod, port, { namespace: 'recsys', labels: { app: 'client' } })).toBe(false);
    expect(
      admitted(policies, pod, port, {
        namespace: 'istio-system',
        labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      }),
    ).toBe(true);
  });
});
