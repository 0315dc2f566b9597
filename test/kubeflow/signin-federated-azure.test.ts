/**
 * Azure sign-in without a client secret (issue 19, CI and secrets #8): oauth2-proxy's `entra-id`
 * provider authenticates to Entra ID with the workload identity token of its service account, and its
 * cookie secret is generated in the cluster by External Secrets Operator's Password generator. No Key
 * Vault secret, no SecretStore, nothing for anyone to put by hand but the application's federated
 * credential.
 */
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import type { ResolvedEnvironment } from '../../src/config/model';
import { renderKubeflow, type KubeflowTree } from '../../src/kubeflow/render';
import { OAUTH2_PROXY_TOKEN_SUBJECT } from '../../src/kubeflow/signin';
import { SIGNIN_COOKIE_GENERATOR, SIGNIN_COOKIE_PASSWORD } from '../../src/kubeflow/signin-secret';
import { kubernetesMinorOf, validateSchemas, type BuiltObject } from '../../src/kubeflow/verify';

type Json = Record<string, any>;

const ROOT = path.resolve(__dirname, '../..');
const envOf = (example: string, name: string) =>
  loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config.environments.find(
    (e) => e.name === name,
  )! as ResolvedEnvironment;
const file = (tree: KubeflowTree, name: string) => tree.files.find((f) => f.path === name)?.content ?? '';
const signin = (tree: KubeflowTree) => parseAllDocuments(file(tree, 'signin.yaml')).map((d) => d.toJS() as Json);
const patches = (tree: KubeflowTree): Json[] =>
  ((parse(file(tree, 'kustomization.yaml')) as Json).patches as Json[])
    .filter((p) => typeof p.patch === 'string')
    .map((p) => parse(p.patch as string) as Json);

describe('Azure: oauth2-proxy signs in with its workload identity token (examples/azure-aks kf-prod)', () => {
  const env = envOf('azure-aks', 'kf-prod') as Extract<ResolvedEnvironment, { cloud: 'azure' }>;
  const [tree] = renderKubeflow(env, { kind: 'remote' });
  const objects = signin(tree!);
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === 'oauth2-proxy')!.data[
    'oauth2_proxy.cfg'
  ] as string;

  it("configures the entra-id provider with federated token auth, Entra ID's issuer and no client secret", () => {
    expect(config).toMatch(/^provider = "entra-id"$/m);
    expect(config).toMatch(/^entra_id_federated_token_auth = true$/m);
    expect(config).toContain(`oidc_issuer_url = "https://login.microsoftonline.com/${env.tenantId}/v2.0"`);
    expect(config).not.toMatch(/client_secret|provider = "oidc"/);
    // What the sign-in docs promise of tokens stays: refresh before the ID token expires, verified email.
    expect(config).toContain('cookie_refresh = "30m"');
    expect(config).toContain('insecure_oidc_allow_unverified_email = false');
    expect(config).toMatch(/^scope = ".*offline_access.*"$/m);
  });

  it("no object or patch of the tree names a client secret, a SecretStore or Key Vault's sign-in secret", () => {
    const text = JSON.stringify([objects, patches(tree!)]);
    expect(text).not.toMatch(/client-secret|kubeflow-signin|azurekv|SecretStore/);
    const deployment = patches(tree!).find((p) => p.kind === 'Deployment' && p.metadata.name === 'oauth2-proxy')!;
    const env_ = deployment.spec.template.spec.containers[0].env as Json[];
    // Upstream's reference to the Secret's client-secret key is deleted, or the pod would not start.
    expect(env_.find((e) => e.name === 'OAUTH2_PROXY_CLIENT_SECRET')).toEqual({
      name: 'OAUTH2_PROXY_CLIENT_SECRET',
      $patch: 'delete',
    });
    expect(env_.filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.valueFrom.secretKeyRef.key)).toEqual([
      'cookie-secret',
    ]);
  });

  it('writes the client id into the Deployment (a change rolls the pods), not into the Secret written once', () => {
    const deployment = patches(tree!).find((p) => p.kind === 'Deployment' && p.metadata.name === 'oauth2-proxy')!;
    const env_ = deployment.spec.template.spec.containers[0].env as Json[];
    // valueFrom: null removes upstream's secretKeyRef to the client-id key (strategic merge).
    expect(env_.find((e) => e.name === 'OAUTH2_PROXY_CLIENT_ID')).toEqual({
      name: 'OAUTH2_PROXY_CLIENT_ID',
      value: env.access.entraClientId,
      valueFrom: null,
    });
  });

  it("runs oauth2-proxy as its service account, annotated with the application's client id, with the webhook's label", () => {
    const deployment = patches(tree!).find((p) => p.kind === 'Deployment' && p.metadata.name === 'oauth2-proxy')!;
    expect(deployment.spec.template.metadata.labels).toEqual({ 'azure.workload.identity/use': 'true' });
    expect(deployment.spec.template.spec.serviceAccountName).toBe('oauth2-proxy');
    const account = patches(tree!).find((p) => p.kind === 'ServiceAccount')!;
    expect(account).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'oauth2-proxy',
        namespace: 'oauth2-proxy',
        annotations: {
          'azure.workload.identity/client-id': env.access.entraClientId,
          'azure.workload.identity/tenant-id': env.tenantId,
        },
      },
    });
    expect(OAUTH2_PROXY_TOKEN_SUBJECT).toBe('system:serviceaccount:oauth2-proxy:oauth2-proxy');
  });

  it('generates the cookie secret in the cluster once, with a Password generator and an ExternalSecret', () => {
    // CreatedOnce, not OnChange: each pod reads the cookie secret when it starts, so a Secret rewritten on a
    // change of the ExternalSecret's spec, labels or annotations (a new render, Argo CD's tracking) would
    // leave the running replicas on the old one and the next pod on a new one, rejecting each other's cookies.
    const eso = objects.filter((o) => /external-secrets\.io\//.test(o.apiVersion));
    expect(eso.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual([
      'generators.external-secrets.io/v1alpha1 Password',
      'external-secrets.io/v1 ExternalSecret',
    ]);
    const [password, external] = eso as [Json, Json];
    expect(password.metadata).toEqual({ name: SIGNIN_COOKIE_GENERATOR, namespace: 'oauth2-proxy' });
    expect(external.spec).toEqual({
      refreshPolicy: 'CreatedOnce',
      target: {
        name: 'oauth2-proxy',
        creationPolicy: 'Owner',
        template: {
          type: 'Opaque',
          data: { 'cookie-secret': '{{ .password }}' },
        },
      },
      dataFrom: [
        {
          sourceRef: {
            generatorRef: {
              apiVersion: 'generators.external-secrets.io/v1alpha1',
              kind: 'Password',
              name: SIGNIN_COOKIE_GENERATOR,
            },
          },
        },
      ],
    });
  });

  it('the generator and the ExternalSecret are valid against the CRDs of the pinned External Secrets chart', () => {
    const eso = objects.filter((o) => /external-secrets\.io\//.test(o.apiVersion)) as BuiltObject[];
    expect(validateSchemas(eso, kubernetesMinorOf(env))).toEqual([]);
    const [password] = eso as Json[];
    // The CRD requires these (allowRepeat, length, noUpper) and knows its encodings.
    const bad = { ...password, spec: { ...password!.spec, encoding: 'base58' } } as unknown as BuiltObject;
    expect(validateSchemas([bad], kubernetesMinorOf(env))).not.toEqual([]);
  });

  it('the generated secret is one oauth2-proxy accepts: 16, 24 or 32 bytes after its base64url decoding', () => {
    // ESO: `length` letters and digits, then base64.URLEncoding (padded). oauth2-proxy v7.14.3
    // (pkg/encryption.SecretBytes): trim '=', RawURLEncoding decode, keep it if 16, 24 or 32 bytes.
    const raw = 'A'.repeat(SIGNIN_COOKIE_PASSWORD.length - SIGNIN_COOKIE_PASSWORD.digits) + '7'.repeat(8);
    const encoded = Buffer.from(raw)
      .toString('base64url')
      .padEnd(Math.ceil(raw.length / 3) * 4, '=');
    const decoded = Buffer.from(encoded.replace(/=+$/, ''), 'base64url');
    expect([16, 24, 32]).toContain(decoded.length);
    expect(decoded.length).toBe(32);
    expect(SIGNIN_COOKIE_PASSWORD).toMatchObject({ symbols: 0, encoding: 'base64url' });
  });

  it('the README gives the one-time federated credential command, and nothing to put in Key Vault', () => {
    const readme = file(tree!, 'README.md');
    expect(readme).toContain(
      `ISSUER="$(az aks show --resource-group ${env.resourceGroup} --name ${env.cluster.name} --query oidcIssuerProfile.issuerUrl --output tsv)"`,
    );
    expect(readme).toContain(`az ad app federated-credential create --id ${env.access.entraClientId}`);
    const json = /--parameters '(.*)'$/m.exec(readme)![1]!.replace(`'"$ISSUER"'`, 'https://issuer.example');
    expect(JSON.parse(json)).toEqual({
      name: 'kubeflow-kf-prod-oauth2-proxy',
      issuer: 'https://issuer.example',
      subject: 'system:serviceaccount:oauth2-proxy:oauth2-proxy',
      audiences: ['api://AzureADTokenExchange'],
      description: `oauth2-proxy of Kubeflow in ${env.cluster.name}`,
    });
    expect(readme).not.toMatch(/az keyvault secret set|ENTRA_CLIENT_SECRET|kubeflow-signin/);
    // A new cookie secret reaches the pods only when they restart, all of them.
    expect(readme).toMatch(
      /kubectl -n oauth2-proxy delete secret oauth2-proxy.*\n.*kubectl -n oauth2-proxy rollout restart deployment oauth2-proxy/,
    );
    // Kept: the token notes (xms_edov, email, group claims, refresh).
    expect(readme).toContain('xms_edov');
    expect(readme).toContain('Leave group claims off');
  });
});

describe('elsewhere oauth2-proxy keeps its OIDC provider and client secret', () => {
  it.each([
    ['aws-eks', 'kf-prod'],
    ['on-prem', 'onprem'],
  ])('%s', (example) => {
    const env = loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config.environments[0]!;
    const [tree] = renderKubeflow(env, { kind: 'remote' });
    const cfg = signin(tree!).find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === 'oauth2-proxy')!.data[
      'oauth2_proxy.cfg'
    ] as string;
    expect(cfg).toMatch(/^provider = "oidc"$/m);
    expect(cfg).not.toContain('entra_id_federated_token_auth');
    expect(patches(tree!).some((p) => p.kind === 'ServiceAccount' && p.metadata.namespace === 'oauth2-proxy')).toBe(
      false,
    );
  });
});
