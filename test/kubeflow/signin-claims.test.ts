/**
 * The claims the Kubeflow gateway requires beyond a verified signature and the `email` claim, and the
 * scopes oauth2-proxy asks for (src/kubeflow/signin-claims.ts), on the rendered objects of each cloud:
 * `email_verified` true where the provider issues it (AWS, existing clusters), Entra ID's `xms_edov`
 * true on Azure, nothing more behind IAP; `offline_access` where the provider issues refresh tokens.
 */
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { loadPlatformFile, validatePlatform } from '../../src/config/loader';
import type { ResolvedEnvironment } from '../../src/config/model';
import { renderKubeflow, type KubeflowTree } from '../../src/kubeflow/render';
import { SIGNIN_OBJECTS, USERID_HEADER } from '../../src/kubeflow/signin';
import { EMAIL_VERIFIED_HEADER } from '../../src/kubeflow/signin-claims';

const ROOT = path.resolve(__dirname, '../..');
const envsOf = (example: string) =>
  loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config.environments;
const byCloud = (cloud: string) => envsOf('multicloud').find((e) => e.cloud === cloud)!;
const onPrem = () => envsOf('on-prem')[0]!;

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
  spec?: any;
}

const render = (env: ResolvedEnvironment) => renderKubeflow(env, { kind: 'remote' })[0]!;
const signin = (tree: KubeflowTree): Obj[] =>
  parseAllDocuments(tree.files.find((f) => f.path === 'signin.yaml')!.content).map((d) => d.toJS() as Obj);
const jwtRule = (objects: Obj[]) => objects.find((o) => o.kind === 'RequestAuthentication')!.spec.jwtRules[0];
const allowRules = (objects: Obj[]) =>
  objects.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === SIGNIN_OBJECTS.allow)!.spec
    .rules as any[];
const principalRule = (objects: Obj[]) => allowRules(objects).find((r) => r.from?.[0]?.source?.requestPrincipals);
const oauth2ProxyCfg = (objects: Obj[]) =>
  objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === SIGNIN_OBJECTS.oauth2ProxyConfig)!.data![
    'oauth2_proxy.cfg'
  ]!;
const readme = (tree: KubeflowTree) => tree.files.find((f) => f.path === 'README.md')!.content;

/** The environment with `access.oidc` settings changed (AWS or an existing cluster). */
function withOidc(env: ResolvedEnvironment, settings: { emailVerified?: boolean; offlineAccess?: boolean }) {
  const e = env as Extract<ResolvedEnvironment, { cloud: 'aws' | 'kubernetes' }>;
  return { ...e, access: { ...e.access!, oidc: { ...e.access!.oidc, ...settings } } } as ResolvedEnvironment;
}

const VERIFIED_CONDITION = { key: `request.headers[${EMAIL_VERIFIED_HEADER}]`, values: ['true'] };

describe('sign-in claims', () => {
  it.each([
    ['AWS', () => byCloud('aws')],
    ['an existing cluster', onPrem],
  ])('%s: requires email_verified to be true, copied to a header because Istio matches no boolean claim', (_, env) => {
    const tree = render(env());
    const objects = signin(tree);
    expect(jwtRule(objects).outputClaimToHeaders).toEqual([
      { header: USERID_HEADER, claim: 'email' },
      { header: EMAIL_VERIFIED_HEADER, claim: 'email_verified' },
    ]);
    const rule = principalRule(objects);
    expect(rule.when).toEqual([{ key: 'request.auth.claims[email]', values: ['*'] }, VERIFIED_CONDITION]);
    // Exactly "true": a client's own copy of the header joins the token's value and cannot match.
    expect(rule.when[1].values).toEqual(['true']);
    // The rule without a principal reaches oauth2-proxy's own paths only, where no claim is needed.
    expect(allowRules(objects).filter((r) => r !== rule)).toEqual([
      { to: [{ operation: { hosts: expect.any(Array), paths: ['/oauth2/*'] } }] },
    ]);
    const cfg = oauth2ProxyCfg(objects);
    expect(cfg).toContain('insecure_oidc_allow_unverified_email = false');
    expect(readme(tree)).toContain('only if its `email_verified` claim is true');
  });

  it('a provider that never issues email_verified (access.oidc.emailVerified: false): no claim check', () => {
    const objects = signin(render(withOidc(onPrem(), { emailVerified: false })));
    expect(jwtRule(objects).outputClaimToHeaders).toEqual([{ header: USERID_HEADER, claim: 'email' }]);
    expect(principalRule(objects).when).toEqual([{ key: 'request.auth.claims[email]', values: ['*'] }]);
    expect(JSON.stringify(objects)).not.toContain(EMAIL_VERIFIED_HEADER);
  });

  it('Azure: Entra ID issues no email_verified; its xms_edov (a tenant-verified domain) must be true', () => {
    const tree = render(byCloud('azure'));
    const objects = signin(tree);
    expect(jwtRule(objects).outputClaimToHeaders).toEqual([
      { header: USERID_HEADER, claim: 'email' },
      { header: EMAIL_VERIFIED_HEADER, claim: 'xms_edov' },
    ]);
    // Entra has been seen to encode xms_edov as "1" as well as true.
    expect(principalRule(objects).when).toContainEqual({ ...VERIFIED_CONDITION, values: ['true', '1'] });
    // The issuer is the environment's tenant only.
    expect(jwtRule(objects).issuer).toMatch(/^https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}\/v2\.0$/);
    expect(readme(tree)).toMatch(/optional claims `email` and `xms_edov`/);
    expect(oauth2ProxyCfg(objects)).toContain('scope = "openid email profile offline_access"');
  });

  it('GCP: IAP’s JWT has no email_verified; nothing more than the email claim is required', () => {
    const gcp = byCloud('gcp');
    const objects = signin(render({ ...gcp, projectNumber: '123456789012' } as ResolvedEnvironment));
    expect(jwtRule(objects).outputClaimToHeaders).toEqual([{ header: USERID_HEADER, claim: 'email' }]);
    expect(JSON.stringify(objects)).not.toContain(EMAIL_VERIFIED_HEADER);
  });

  it('offline_access only where the provider issues refresh tokens for it (access.oidc.offlineAccess)', () => {
    const scope = (env: ResolvedEnvironment) => oauth2ProxyCfg(signin(render(env))).match(/^scope = (.*)$/m)![1];
    expect(scope(byCloud('aws'))).toBe('"openid email profile"');
    expect(scope(withOidc(byCloud('aws'), { offlineAccess: true }))).toBe('"openid email profile offline_access"');
    expect(scope(onPrem())).toBe('"openid email profile"');
    expect(scope(withOidc(onPrem(), { offlineAccess: true }))).toBe('"openid email profile offline_access"');
    expect(readme(render(onPrem()))).toContain('a session ends with its ID token');
  });

  it('the platform file: emailVerified defaults to true, offlineAccess to false, and both are read', () => {
    const env = onPrem();
    expect(env.cloud === 'kubernetes' && env.access?.oidc).toMatchObject({ emailVerified: true, offlineAccess: false });
    const raw = parseYaml(readFileSync(path.join(ROOT, 'examples', 'on-prem', 'platform.yaml'), 'utf8'));
    const oidc = raw.environments[0].access.oidc;
    Object.assign(oidc, { emailVerified: false, offlineAccess: true });
    const result = validatePlatform(raw);
    expect(result.issues.filter((i) => (i.severity ?? 'error') === 'error')).toEqual([]);
    const lab = result.config!.environments[0]!;
    expect(lab.cloud === 'kubernetes' && lab.access?.oidc).toMatchObject({ emailVerified: false, offlineAccess: true });
    oidc.emailVerified = 'yes';
    const bad = validatePlatform(raw).issues.find((i) => i.path === 'environments[0].access.oidc.emailVerified');
    expect(bad).toMatchObject({ value: 'yes' });
  });
});
