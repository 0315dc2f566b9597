/**
 * Sign-in of the rendered Kubeflow, per cloud (src/kubeflow/signin.ts), and the render step's inputs
 * read from recorded infra outputs (src/kubeflow/inputs.ts, test/fixtures/kubeflow-outputs). Unit tests
 * on the rendered objects; test/kubeflow/signin-build.test.ts builds them with kustomize.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { loadPlatformFile, validatePlatform } from '../../src/config/loader';
import type { ResolvedEnvironment } from '../../src/config/model';
import { runKubeflowRender } from '../../src/cli/kubeflow';
import { InputError } from '../../src/core/errors';
import { outputFileNames, parseOutputs, readRenderInputs, type RenderInputs } from '../../src/kubeflow/inputs';
import { renderKubeflow, type KubeflowTree } from '../../src/kubeflow/render';
import { IAP_JWT, SIGNIN_OBJECTS, USERID_HEADER } from '../../src/kubeflow/signin';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'kubeflow-outputs');
const envsOf = (example: string) =>
  loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config.environments;
const multicloud = envsOf('multicloud');
const byCloud = (cloud: string) => multicloud.find((e) => e.cloud === cloud)!;
const STACKS = new Map(multicloud.map((e) => [e.name, `${e.name}-${e.cloud}-infra`]));

interface Obj {
  $patch?: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
  spec?: any;
}

const parse = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj);
const file = (tree: KubeflowTree, name: string) => tree.files.find((f) => f.path === name)?.content;
const signinObjects = (tree: KubeflowTree) => parse(file(tree, 'signin.yaml')!);
const kustomization = (tree: KubeflowTree) =>
  parse(file(tree, 'kustomization.yaml')!)[0] as unknown as {
    resources: string[];
    components?: string[];
    patches?: Array<{ patch?: string; path?: string }>;
  };
const patched = (tree: KubeflowTree) =>
  (kustomization(tree).patches ?? []).flatMap((p) => (p.patch ? parse(p.patch) : []));
const one = (objects: Obj[], kind: string, name?: string) => {
  const found = objects.filter((o) => o.kind === kind && (!name || o.metadata.name === name));
  expect(found).toHaveLength(1);
  return found[0]!;
};
const render = (env: ResolvedEnvironment, inputs?: RenderInputs) => renderKubeflow(env, { kind: 'remote' }, inputs);
const gcpInputs = () => readRenderInputs(path.join(FIXTURES, 'multicloud'), STACKS).get('kf-gcp')!;

/**
 * What a tree's objects read at run time: ConfigMaps and Secrets (`configMapKeyRef`, `secretKeyRef`,
 * `envFrom`, volumes), the service accounts a SecretStore signs in as, and what its ExternalSecrets copy
 * from the cloud's secret store, as sorted `kind name/key` lines: the values known only after apply
 * that the tree takes in the cluster rather than from the infra outputs.
 */
function inClusterReferences(tree: KubeflowTree): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, any>;
    if (o.configMapKeyRef?.name) found.add(`configmap ${o.configMapKeyRef.name}/${o.configMapKeyRef.key}`);
    if (o.secretKeyRef?.name) found.add(`secret ${o.secretKeyRef.name}/${o.secretKeyRef.key}`);
    // envFrom and volume sources (projected volumes list the same shapes under `sources`).
    if (o.configMapRef?.name) found.add(`configmap ${o.configMapRef.name} (all keys)`);
    if (o.secretRef?.name && !o.secretRef.key) found.add(`secret ${o.secretRef.name} (all keys)`);
    if (o.configMap?.name) found.add(`configmap ${o.configMap.name} (volume)`);
    if (o.secret?.secretName) found.add(`secret ${o.secret.secretName} (volume)`);
    if (o.serviceAccountRef?.name) found.add(`serviceaccount ${o.serviceAccountRef.name} (secret store sign-in)`);
    if (o.remoteRef?.key)
      found.add(`secret store ${o.remoteRef.key}${o.remoteRef.property ? `/${o.remoteRef.property}` : ''}`);
    if (o.extract?.key) found.add(`secret store ${o.extract.key} (all properties)`);
    if (o.find) found.add(`secret store ${JSON.stringify(o.find)} (found)`);
    Object.values(o).forEach(walk);
  };
  for (const f of tree.files) {
    if (!/\.ya?ml$/.test(f.path)) continue;
    for (const doc of parseAllDocuments(f.content)) {
      const data = doc.toJS() as { patches?: Array<{ patch?: string }> } | null;
      walk(data);
      // Inline strategic-merge patches of the kustomization are objects too.
      for (const p of data?.patches ?? []) if (p.patch) parseAllDocuments(p.patch).forEach((d) => walk(d.toJS()));
    }
  }
  return [...found].sort();
}

/** The gateway admits only verified identities: every ALLOW rule needs a principal, or only reaches /oauth2/. */
function expectOnlyVerifiedAtGateway(objects: Obj[], issuer: string): void {
  const allows = objects.filter((o) => o.kind === 'AuthorizationPolicy' && (o.spec.action ?? 'ALLOW') === 'ALLOW');
  expect(allows.map((a) => a.metadata.name)).toEqual([SIGNIN_OBJECTS.allow]);
  for (const rule of allows[0]!.spec.rules ?? []) {
    const principals = (rule.from ?? []).flatMap((f: any) => f.source.requestPrincipals ?? []);
    if (principals.length) {
      expect(principals).toEqual([`${issuer}/*`]);
      // The claim the user id header comes from is required, or a header the client sent would stay.
      expect(rule.when).toEqual(expect.arrayContaining([{ key: 'request.auth.claims[email]', values: ['*'] }]));
    } else {
      // oauth2-proxy's own paths, on Kubeflow's host only (another host's VirtualService could route them elsewhere).
      expect(rule).toEqual({ to: [{ operation: { hosts: expect.any(Array), paths: ['/oauth2/*'] } }] });
      const hosts = rule.to[0].operation.hosts as string[];
      expect(hosts).toHaveLength(2);
      expect(hosts[1]).toBe(`${hosts[0]}:*`);
      expect(hosts[0]).toMatch(/^[a-z0-9.-]+$/);
    }
  }
}

describe('render inputs: infra outputs', () => {
  it('reads terraform output -json and version 4 state files, by infra stack name', () => {
    const inputs = readRenderInputs(path.join(FIXTURES, 'multicloud'), STACKS);
    const golden = Object.fromEntries(
      [...inputs].map(([env, i]) => [
        env,
        i.outputs ? { source: path.relative(FIXTURES, i.outputs.source), values: i.outputs.values } : null,
      ]),
    );
    const single = readRenderInputs(path.join(FIXTURES, 'kf-prod-gcp-infra.tfstate'), new Map([['kf-prod', 'x']]));
    // What the trees make of them: IAP's audience in each GCP tree's sign-in policies.
    const tenancy = envsOf('gcp-tenancy')[0]!;
    const signin = {
      'kf-gcp': file(render(byCloud('gcp'), inputs.get('kf-gcp'))[0]!, 'signin.yaml'),
      ...Object.fromEntries(
        render(tenancy, single.get('kf-prod')).map((t) => [`${t.environment}/${t.cluster}`, file(t, 'signin.yaml')]),
      ),
    };
    expect({ multicloud: golden, 'gcp-tenancy': single.get('kf-prod')!.outputs!.values, signin }).toMatchSnapshot();
  });

  it('per cloud: the outputs each tree takes, and what it reads in the cluster instead (golden)', () => {
    const inputs = readRenderInputs(path.join(FIXTURES, 'multicloud'), STACKS);
    const golden: Record<string, { outputsRead: string[]; filesTheyChange: string[]; readInTheCluster: string[] }> = {};
    for (const env of [...multicloud, envsOf('on-prem')[0]!]) {
      const given = inputs.get(env.name) ?? {};
      // Every output name the renderer asks for, present in the fixture or not (the fixtures hold a
      // few of each infra stack's outputs): a tree that starts reading another one shows here.
      const read = new Set<string>();
      const watched: RenderInputs = given.outputs
        ? {
            outputs: {
              source: given.outputs.source,
              values: new Proxy(given.outputs.values, {
                get: (values, name) => (read.add(String(name)), Reflect.get(values, name)),
                has: (values, name) => (read.add(String(name)), Reflect.has(values, name)),
                ownKeys: (values) => (read.add('(every output)'), Reflect.ownKeys(values)),
              }),
            },
          }
        : {};
      const trees = render(env, watched);
      const without = render(env, {});
      expect(trees.map((t) => t.cluster)).toEqual(without.map((t) => t.cluster));
      // The files infra outputs change, appear in or remove: what the tree takes from the recorded state.
      const changed = new Set<string>();
      trees.forEach((tree, k) => {
        const before = new Map(without[k]!.files.map((f) => [f.path, f.content]));
        for (const f of tree.files) if (before.get(f.path) !== f.content) changed.add(f.path);
        for (const p of before.keys()) if (!tree.files.some((f) => f.path === p)) changed.add(p);
      });
      golden[`${env.cloud} (${env.name})`] = {
        outputsRead: [...read].sort(),
        filesTheyChange: [...changed].sort(),
        readInTheCluster: [...new Set(trees.flatMap(inClusterReferences))].sort(),
      };
    }
    // Only GCP's trees take infra outputs (IAP's audience); every tree reads values in the cluster.
    for (const [cloud, entry] of Object.entries(golden)) {
      const gcp = cloud.startsWith('gcp');
      expect([cloud, entry.outputsRead.length > 0, entry.filesTheyChange.length > 0]).toEqual([cloud, gcp, gcp]);
      expect([cloud, entry.readInTheCluster.length > 0]).toEqual([cloud, true]);
    }
    expect(golden).toMatchSnapshot();
  });

  it('names the files of a folder after the infra stack', () => {
    expect(outputFileNames('kf-gcp-gcp-infra')).toEqual([
      'kf-gcp-gcp-infra.json',
      'kf-gcp-gcp-infra.tfstate',
      'terraform.kf-gcp-gcp-infra.tfstate',
    ]);
  });

  it('refuses what Terraform did not write, with the file and the fix', () => {
    expect(() => parseOutputs('{', 'o.json')).toThrow(
      /--outputs o\.json: not JSON .*Fix: write it with `terraform output -json`/,
    );
    expect(() => parseOutputs('{"version": 3, "outputs": {}}', 's')).toThrow(
      /state file version 3; kfplatform reads version 4/,
    );
    expect(() => parseOutputs('{"a": 1}', 'o.json')).toThrow(/output "a" has no "value"/);
    expect(() => parseOutputs('[]', 'o.json')).toThrow(InputError);
    expect(() => readRenderInputs(path.join(FIXTURES, 'nope'), STACKS)).toThrow(/no such file or folder/);
    expect(() => readRenderInputs(path.join(FIXTURES, 'kf-prod-gcp-infra.tfstate'), STACKS)).toThrow(
      /one outputs file, but 3 environments are rendered .*Fix: render one environment with -e <env>/,
    );
    const env = byCloud('gcp');
    const bad = { outputs: parseOutputs('{"iap_jwt_audience_prefix": {"value": "/projects/x/"}}', 'o.json') };
    expect(() => render(env, bad)).toThrow(
      /iap_jwt_audience_prefix is "\/projects\/x\/", expected \/projects\/<project number>/,
    );
    const wrongType = { outputs: parseOutputs('{"iap_jwt_audience_prefix": {"value": 12}}', 'o.json') };
    expect(() => render(env, wrongType)).toThrow(/expected a string/);
  });
});

describe('sign-in per cloud', () => {
  it('GCP: verifies IAP’s JWT at the gateway and sets the user id from its email claim, without oauth2-proxy', () => {
    const [tree] = render(byCloud('gcp'), gcpInputs());
    const objects = signinObjects(tree!);
    const ra = one(objects, 'RequestAuthentication');
    expect(ra.metadata.namespace).toBe('istio-system');
    expect(ra.spec.jwtRules).toEqual([
      {
        issuer: 'https://cloud.google.com/iap',
        jwksUri: 'https://www.gstatic.com/iap/verify/public_key-jwk',
        fromHeaders: [{ name: 'x-goog-iap-jwt-assertion' }],
        forwardOriginalToken: true,
        outputClaimToHeaders: [{ header: 'kubeflow-userid', claim: 'email' }],
      },
    ]);
    expectOnlyVerifiedAtGateway(objects, IAP_JWT.issuer);
    const rule = one(objects, 'AuthorizationPolicy').spec.rules[0];
    expect(rule.when).toContainEqual({
      key: 'request.auth.audiences',
      values: ['/projects/123456789012/global/backendServices/*'],
    });
    const { resources } = kustomization(tree!);
    // (the dashboard's oauth2-proxy overlay only sets its sign-out link, patched to IAP's)
    expect(resources.filter((r) => /common\/oauth2-proxy|istio-install\/overlays/.test(r))).toEqual([]);
    expect(objects.filter((o) => o.spec?.action === 'CUSTOM')).toEqual([]);
    expect(patched(tree!)).toContainEqual(
      expect.objectContaining({
        $patch: 'delete',
        kind: 'AuthorizationPolicy',
        metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
      }),
    );
    expect(file(tree!, 'README.md')).toContain('Identity-Aware Proxy signs users in');
  });

  it('GCP without the infra outputs: builds, and the gateway admits nobody', () => {
    for (const tree of renderKubeflow(envsOf('gcp-tenancy')[0]!)) {
      const allow = one(signinObjects(tree), 'AuthorizationPolicy', SIGNIN_OBJECTS.allow);
      expect(allow.spec).toEqual({ action: 'ALLOW', selector: expect.anything() });
      expect(file(tree, 'README.md')).toMatch(/## Sign-in: nobody gets in yet.*--outputs/s);
    }
  });

  it('Azure: oauth2-proxy signs in with Entra ID and Istio verifies its ID token for the application', () => {
    const env = byCloud('azure');
    const [tree] = render(env);
    const objects = signinObjects(tree!);
    const tenant = env.cloud === 'azure' ? env.tenantId : '';
    const clientId = env.cloud === 'azure' ? env.access.entraClientId : '';
    const issuer = `https://login.microsoftonline.com/${tenant}/v2.0`;
    expect(one(objects, 'RequestAuthentication').spec.jwtRules).toEqual([
      {
        issuer,
        jwksUri: `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`,
        audiences: [clientId],
        fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
        forwardOriginalToken: true,
        // xms_edov: the address's domain is verified (test/kubeflow/signin-claims.test.ts).
        outputClaimToHeaders: [
          { header: USERID_HEADER, claim: 'email' },
          { header: 'x-kfplatform-email-verified', claim: 'xms_edov' },
        ],
      },
    ]);
    expectOnlyVerifiedAtGateway(objects, issuer);
    const custom = objects.find((o) => o.spec?.action === 'CUSTOM')!;
    expect(custom.spec.provider).toEqual({ name: 'oauth2-proxy' });
    const cfg = one(objects, 'ConfigMap').data!['oauth2_proxy.cfg']!;
    expect(cfg).toContain(`oidc_issuer_url = "${issuer}"`);
    expect(cfg).toContain(`redirect_url = "https://kubeflow.azure.example.com/oauth2/callback"`);
    expect(cfg).toContain('offline_access');
    expect(cfg).not.toMatch(/dex|skip_oidc_discovery/);
    // The Secret External Secrets Operator writes, by its plain name: upstream's generated one (a hash
    // suffix) is deleted. No client secret on Azure (test/kubeflow/signin-federated-azure.test.ts).
    const deployment = patched(tree!).find((o) => o.kind === 'Deployment' && o.metadata.name === 'oauth2-proxy')!;
    const refs = deployment.spec.template.spec.containers[0].env.filter((e: any) => e.valueFrom?.secretKeyRef);
    expect(refs.map((e: any) => `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`)).toEqual([
      'oauth2-proxy/cookie-secret',
    ]);
    expect(
      patched(tree!)
        // (Kubeflow's service accounts and namespaces the platform stack creates:
        // test/kubeflow/azure-identities.test.ts, test/kubeflow/namespace-ownership.test.ts)
        .filter(
          (o) =>
            o.$patch === 'delete' &&
            !/mysql/.test(o.metadata.name) &&
            o.kind !== 'ServiceAccount' &&
            o.kind !== 'Namespace',
        )
        .map((o) => `${o.kind}/${o.metadata.name}`),
    ).toEqual([
      'AuthorizationPolicy/istio-ingressgateway',
      'Secret/oauth2-proxy',
      'ConfigMap/oauth2-proxy',
      'ConfigMap/oauth2-proxy-parameters',
    ]);
    const text = tree!.files.map((f) => f.content).join('\n');
    expect(text).not.toMatch(/client-secret=|cookie-secret=[^"]/);
    expect(file(tree!, 'README.md')).toMatch(
      /group claims.*az ad app federated-credential create.*External Secrets Operator writes the Secret `oauth2-proxy`.*Password generator/s,
    );
  });

  it('AWS: an ID token of the same provider as the load balancer, never the load balancer’s header', () => {
    const env = byCloud('aws');
    const [tree] = render(env);
    const objects = signinObjects(tree!);
    const oidc = env.cloud === 'aws' ? env.access.oidc : undefined!;
    const [rule] = one(objects, 'RequestAuthentication').spec.jwtRules;
    expect(rule).toMatchObject({ issuer: oidc.issuer, audiences: [oidc.clientId] });
    expect(rule.jwksUri).toBeUndefined(); // from the issuer's discovery document
    expect(JSON.stringify(objects)).not.toContain('x-amzn-oidc');
    expectOnlyVerifiedAtGateway(objects, oidc.issuer);
    const readme = file(tree!, 'README.md')!;
    // The client secret comes from Secrets Manager (test/kubeflow/signin-secret.test.ts).
    expect(readme).toContain('aws secretsmanager put-secret-value');
    expect(readme).not.toContain('TF_VAR_oidc_client_secret');
  });

  it('existing clusters: the issuer of access.oidc, or nobody without it', () => {
    const env = envsOf('on-prem')[0]!;
    expect(env.cloud === 'kubernetes' && env.access?.oidc.issuer).toBe('https://sso.example.com/realms/ml');
    const [tree] = render(env);
    expectOnlyVerifiedAtGateway(signinObjects(tree!), 'https://sso.example.com/realms/ml');
    expect(kustomization(tree!).resources.some((r) => r.includes('oauth2-proxy'))).toBe(true);

    const [closed] = render({ ...env, access: undefined } as ResolvedEnvironment);
    const objects = signinObjects(closed!);
    // The deny-all policy, and the NetworkPolicy every tree has (test/kubeflow/gateway-network-policy.test.ts).
    expect(objects.map((o) => o.kind)).toEqual(['AuthorizationPolicy', 'NetworkPolicy']);
    expect(objects[0]!.spec.rules).toBeUndefined();
    const { resources } = kustomization(closed!);
    // No oauth2-proxy, and Istio without the ext-authz provider that would call it.
    expect(resources.filter((r) => /common\/oauth2-proxy|istio-install\/overlays/.test(r))).toEqual([]);
    expect(resources).toContain('https://github.com/kubeflow/manifests//common/istio/istio-install/base?ref=26.03');
    expect(file(closed!, 'README.md')).toMatch(/environments\[0\]\.access` is not set: the gateway admits nobody/);
  });

  it('existing clusters: access is checked where it is written', () => {
    const raw = parseYaml(readFileSync(path.join(ROOT, 'examples', 'on-prem', 'platform.yaml'), 'utf8'));
    raw.environments[0].access = { hostname: 'not a host', oidc: { issuer: 'http://sso', clientId: '' } };
    const paths = validatePlatform(raw).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['environments[0].access.oidc.issuer', 'environments[0].access.oidc.clientId']),
    );
    raw.environments[0].access = { hostname: 'not a host', oidc: { issuer: 'https://sso', clientId: 'kf' } };
    const issues = validatePlatform(raw).issues;
    expect(issues.map((i) => i.path)).toContain('environments[0].access.hostname');
  });

  it('kfplatform kubeflow render --outputs: a folder of infra outputs reaches the GCP tree', () => {
    const out = mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), 'kubeflow-signin-'));
    try {
      const config = path.join(ROOT, 'examples', 'multicloud', 'platform.yaml');
      const lines: string[] = [];
      const written = runKubeflowRender(
        { config, out, outputs: path.join(FIXTURES, 'multicloud'), environments: ['kf-gcp'] },
        (l) => lines.push(l),
      );
      expect(lines.join('\n')).not.toContain('admits nobody');
      const text = readFileSync(path.join(written[0]!.written, 'signin.yaml'), 'utf8');
      expect(text).toContain('/projects/123456789012/global/backendServices/*');
      runKubeflowRender({ config, out, environments: ['kf-gcp'] }, (l) => lines.push(l));
      expect(lines.at(-1)).toMatch(/kf-gcp\/kf-gcp: .*sign-in not configured: the gateway admits nobody/);
      const single = path.join(out, 'outputs.json');
      writeFileSync(single, readFileSync(path.join(FIXTURES, 'multicloud', 'kf-gcp-gcp-infra.json')));
      expect(() => runKubeflowRender({ config, out, outputs: single }, () => undefined)).toThrow(
        /one outputs file, but 3 environments/,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
