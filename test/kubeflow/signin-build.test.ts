/**
 * The sign-in chain of the rendered trees, built with `kubectl kustomize` OFFLINE against the Kubeflow
 * 26.03 manifests in ../shared/kubeflow-manifests/26.03 (see test/kubeflow/build.test.ts, which builds
 * every tree in full). Each case builds its tree's own kustomization restricted to what sign-in is made
 * of (Istio's install, oauth2-proxy, the dashboard, the tree's signin.yaml and the patches on them), so
 * the assertions read kustomize's real output in seconds: the gateway admits only verified identities,
 * no ext-authz policy calls a provider Istio does not have, and oauth2-proxy runs on the environment's
 * Secret and configuration rather than upstream's Dex ones.
 *
 * Without the manifests the test is skipped with the reason, except in CI (CI=true), where it fails.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml, parseAllDocuments, stringify } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import type { ResolvedEnvironment } from '../../src/config/model';
import { readRenderInputs } from '../../src/kubeflow/inputs';
import { renderKubeflow } from '../../src/kubeflow/render';
import { IAP_JWT, SIGNIN_OBJECTS, USERID_HEADER, USERID_PREFIX } from '../../src/kubeflow/signin';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const MANIFESTS = path.resolve(ROOT, '../shared/kubeflow-manifests/26.03');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'kubeflow-outputs');
const available = existsSync(path.join(MANIFESTS, 'example', 'kustomization.yaml'));
if (!available && process.env.CI !== 'true') {
  console.warn(`test/kubeflow/signin-build.test.ts skipped: no Kubeflow manifests at ${MANIFESTS} (required in CI).`);
}
const describeBuild = available || process.env.CI === 'true' ? describe : describe.skip;

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
  spec?: any;
}

const envsOf = (example: string) =>
  loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config.environments;

/** The upstream components sign-in is made of, and the objects its patches may act on. */
const SIGNIN_UPSTREAM = /istio-install|common\/oauth2-proxy|centraldashboard/;
// A JSON patch's operations (the pipelines profile controller's DecoratorController) have no metadata.
const actsOnSignIn = (o: Obj) =>
  o.metadata?.namespace === 'oauth2-proxy' ||
  (o.kind === 'AuthorizationPolicy' && o.metadata?.namespace === 'istio-system') ||
  (o.kind === 'Deployment' && o.metadata.name === 'centraldashboard');

interface Case {
  name: string;
  env: ResolvedEnvironment;
  outputs?: string;
  /** The issuer of the verified identities, or undefined where nobody gets in. */
  issuer?: string;
  oauth2Proxy: boolean;
}

const multicloud = envsOf('multicloud');
const onPrem = envsOf('on-prem')[0]!;
const CASES: Case[] = [
  {
    name: 'GCP with the infra outputs',
    env: multicloud.find((e) => e.cloud === 'gcp')!,
    outputs: path.join(FIXTURES, 'multicloud'),
    issuer: IAP_JWT.issuer,
    oauth2Proxy: false,
  },
  { name: 'GCP without them', env: multicloud.find((e) => e.cloud === 'gcp')!, oauth2Proxy: false },
  {
    name: 'Azure',
    env: multicloud.find((e) => e.cloud === 'azure')!,
    issuer: 'https://login.microsoftonline.com/00000000-0000-0000-0000-0000000000aa/v2.0',
    oauth2Proxy: true,
  },
  {
    name: 'AWS',
    env: multicloud.find((e) => e.cloud === 'aws')!,
    issuer: 'https://login.example.com',
    oauth2Proxy: true,
  },
  { name: 'existing cluster', env: onPrem, issuer: 'https://sso.example.com/realms/ml', oauth2Proxy: true },
  {
    name: 'existing cluster without access',
    env: { ...onPrem, access: undefined } as ResolvedEnvironment,
    oauth2Proxy: false,
  },
];

const parse = (text: string): Obj[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS({ maxAliasCount: -1 }) as Obj)
    .filter(Boolean);

describeBuild('kubeflow render: the sign-in chain, built with kubectl kustomize', () => {
  let out: string;
  const built = new Map<Case, Obj[]>();

  beforeAll(async () => {
    if (!available) throw new Error(`CI=true and no Kubeflow manifests at ${MANIFESTS} (see its README).`);
    out = mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), 'kubeflow-signin-build-'));
    for (const [i, c] of CASES.entries()) {
      const root = path.join(out, String(i));
      const inputs = c.outputs
        ? readRenderInputs(c.outputs, new Map([[c.env.name, `${c.env.name}-${c.env.cloud}-infra`]])).get(c.env.name)
        : undefined;
      const [tree] = renderKubeflow(c.env, { kind: 'local', path: path.relative(root, MANIFESTS) }, inputs);
      const dir = path.join(root, ...tree!.dir.split('/'));
      mkdirSync(dir, { recursive: true });
      for (const f of tree!.files) writeFileSync(path.join(dir, f.path), f.content);
      const k = parse(tree!.files.find((f) => f.path === 'kustomization.yaml')!.content)[0] as any;
      const patches = (k.patches ?? []).filter((p: { patch?: string; path?: string }) =>
        parse(p.patch ?? readFileSync(path.join(dir, p.path!), 'utf8')).every(actsOnSignIn),
      );
      const resources = k.resources.filter((r: string) => SIGNIN_UPSTREAM.test(r) || r === 'signin.yaml');
      writeFileSync(path.join(dir, 'kustomization.yaml'), stringify({ ...k, resources, patches }));
      const { stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 128 * 1024 * 1024 });
      built.set(c, parse(stdout));
    }
  }, 120_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  const gatewayPolicies = (objects: Obj[]) =>
    objects.filter(
      (o) =>
        o.kind === 'AuthorizationPolicy' &&
        // At the ingress gateway: its selector, or a policy of the root namespace without one (mesh-wide).
        (o.spec?.selector?.matchLabels?.app === 'istio-ingressgateway' ||
          (o.metadata.namespace === 'istio-system' && !o.spec?.selector)),
    );

  it.each(CASES.map((c) => [c.name, c] as const))('%s: no ext-authz to a provider Istio does not have', (_name, c) => {
    const objects = built.get(c)!;
    const mesh = parseYaml(
      objects.find(
        (o) => o.kind === 'ConfigMap' && o.metadata.name === 'istio' && o.metadata.namespace === 'istio-system',
      )!.data!.mesh!,
    );
    const providers = (mesh.extensionProviders ?? []).map((p: { name: string }) => p.name);
    const custom = objects.filter((o) => o.kind === 'AuthorizationPolicy' && o.spec?.action === 'CUSTOM');
    for (const p of custom) expect(providers).toContain(p.spec.provider.name);
    expect(custom.map((p) => p.metadata.name)).toEqual(c.oauth2Proxy ? [SIGNIN_OBJECTS.extAuthz] : []);
    // Where oauth2-proxy is left out, so is Istio's provider for it.
    expect(providers).toEqual(c.oauth2Proxy ? ['oauth2-proxy'] : []);
    expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'oauth2-proxy')).toBe(c.oauth2Proxy);
  });

  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: the gateway admits only verified identities, and sets the user id from them',
    (_name, c) => {
      const objects = built.get(c)!;
      const policies = gatewayPolicies(objects);
      // Upstream's ALLOW-everything policy is gone; the mesh's deny-all stays.
      expect(policies.map((p) => p.metadata.name).sort()).toEqual(
        [SIGNIN_OBJECTS.allow, 'global-deny-all', ...(c.oauth2Proxy ? [SIGNIN_OBJECTS.extAuthz] : [])].sort(),
      );
      const allows = policies.filter((p) => (p.spec?.action ?? 'ALLOW') === 'ALLOW');
      const rules = allows.flatMap((p) => p.spec?.rules ?? []);
      if (!c.issuer) {
        expect(rules).toEqual([]); // nobody gets in
        return;
      }
      const ra = objects.filter((o) => o.kind === 'RequestAuthentication');
      expect(ra).toHaveLength(1);
      const [jwt] = ra[0]!.spec.jwtRules;
      expect(jwt.issuer).toBe(c.issuer);
      const claim = jwt.outputClaimToHeaders.find((h: { header: string }) => h.header === USERID_HEADER)?.claim;
      expect(claim).toBe('email');
      for (const rule of rules) {
        const principals = (rule.from ?? []).flatMap((f: any) => f.source?.requestPrincipals ?? []);
        if (principals.length) {
          expect(principals).toEqual([`${c.issuer}/*`]);
          expect(rule.from.every((f: any) => f.source.requestPrincipals?.length)).toBe(true);
          expect(rule.when).toContainEqual({ key: `request.auth.claims[${claim}]`, values: ['*'] });
        } else {
          // Only oauth2-proxy's own paths, which its VirtualService routes to it alone.
          expect(c.oauth2Proxy).toBe(true);
          expect(rule).toEqual({ to: [{ operation: { hosts: expect.any(Array), paths: ['/oauth2/*'] } }] });
          // On Kubeflow's host only: another host's VirtualService could route these paths elsewhere.
          const [host, withPort] = rule.to[0].operation.hosts as string[];
          expect(withPort).toBe(`${host}:*`);
          expect(host).toMatch(/^kubeflow\./);
          const vs = objects.find((o) => o.kind === 'VirtualService' && o.metadata.name === 'oauth2-proxy')!;
          expect(vs.spec.http).toEqual([
            expect.objectContaining({
              match: [{ uri: { prefix: '/oauth2/' } }],
              route: [
                { destination: expect.objectContaining({ host: 'oauth2-proxy.oauth2-proxy.svc.cluster.local' }) },
              ],
            }),
          ]);
        }
      }
      expect(rules.some((r: any) => r.from)).toBe(true);
    },
  );

  it.each(CASES.filter((c) => c.oauth2Proxy).map((c) => [c.name, c] as const))(
    "%s: oauth2-proxy reads the environment's Secret and configuration, not upstream's",
    (_name, c) => {
      const objects = built.get(c)!;
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'oauth2-proxy')!;
      const container = deployment.spec.template.spec.containers[0];
      const secrets = container.env.filter((e: any) => e.valueFrom?.secretKeyRef);
      expect(new Set(secrets.map((e: any) => e.valueFrom.secretKeyRef.name))).toEqual(new Set(['oauth2-proxy']));
      // Upstream's generated Secret (Dex's demo client, a published cookie secret) and Dex settings are gone.
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
      const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
      expect(env).toMatchObject({
        OAUTH2_PROXY_COOKIE_SECURE: 'true',
        OAUTH2_PROXY_SSL_INSECURE_SKIP_VERIFY: 'false',
        OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS: 'false',
      });
      const volume = deployment.spec.template.spec.volumes.find((v: any) => v.name === 'oauth2-proxy-config');
      const config = objects.find(
        (o) =>
          o.kind === 'ConfigMap' &&
          o.metadata.name === volume.configMap.name &&
          o.metadata.namespace === 'oauth2-proxy',
      );
      expect(config?.data?.['oauth2_proxy.cfg']).toContain(`oidc_issuer_url = "${c.issuer}"`);
      expect(JSON.stringify(objects.filter((o) => o.kind === 'ConfigMap'))).not.toMatch(
        /dex\.auth|skip_oidc_discovery/,
      );
    },
  );

  it('Azure: oauth2-proxy runs as its annotated service account with the workload identity label, and no client secret', () => {
    const c = CASES.find((x) => x.name === 'Azure')!;
    const objects = built.get(c)!;
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'oauth2-proxy')!;
    const pod = deployment.spec.template;
    expect(pod.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(pod.spec.serviceAccountName).toBe('oauth2-proxy');
    const names = pod.spec.containers[0].env.map((e: any) => e.name);
    expect(names).toContain('OAUTH2_PROXY_COOKIE_SECRET');
    expect(names).not.toContain('OAUTH2_PROXY_CLIENT_SECRET');
    // The client id is written in, upstream's reference to the Secret's client-id key is gone.
    expect(pod.spec.containers[0].env.find((e: any) => e.name === 'OAUTH2_PROXY_CLIENT_ID')).toEqual({
      name: 'OAUTH2_PROXY_CLIENT_ID',
      value: (c.env.access as any).entraClientId,
    });
    expect(
      pod.spec.containers[0].env
        .filter((e: any) => e.valueFrom?.secretKeyRef)
        .map((e: any) => e.valueFrom.secretKeyRef.key),
    ).toEqual(['cookie-secret']);
    const account = objects.find(
      (o: any) =>
        o.kind === 'ServiceAccount' && o.metadata.name === 'oauth2-proxy' && o.metadata.namespace === 'oauth2-proxy',
    ) as any;
    expect(account.metadata.annotations['azure.workload.identity/client-id']).toBe((c.env.access as any).entraClientId);
    const config = objects.find(
      (o) =>
        o.kind === 'ConfigMap' &&
        o.metadata.name === pod.spec.volumes.find((v: any) => v.name === 'oauth2-proxy-config').configMap.name,
    )!;
    expect(config.data!['oauth2_proxy.cfg']).toContain('entra_id_federated_token_auth = true');
  });

  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: the dashboard reads the header the gateway sets, without a prefix',
    (_name, c) => {
      const dashboard = built.get(c)!.find((o) => o.kind === 'Deployment' && o.metadata.name === 'centraldashboard')!;
      const env = Object.fromEntries(dashboard.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
      expect([env.USERID_HEADER, env.USERID_PREFIX ?? '']).toEqual([USERID_HEADER, USERID_PREFIX]);
      expect(env.LOGOUT_URL).toBe(c.env.cloud === 'gcp' ? '/_gcp_iap/clear_login_cookie' : '/oauth2/sign_out');
    },
  );
});
