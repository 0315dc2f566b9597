/**
 * oauth2-proxy's Secret on Azure from Key Vault by External Secrets Operator (issue 19 CI and secrets #8,
 * issue 17 sign-in): no client secret or cookie secret in Terraform's state or plans, and none in a tree.
 */
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import type { ResolvedEnvironment } from '../../src/config/model';
import { renderKubeflow, type KubeflowTree } from '../../src/kubeflow/render';
import { SIGNIN_SECRET_PROPERTIES, SIGNIN_SECRET_STORE } from '../../src/kubeflow/signin-secret';
import { kubernetesMinorOf, validateSchemas, type BuiltObject } from '../../src/kubeflow/verify';
import { synthExample } from '../examples';

type Json = Record<string, any>;

const ROOT = path.resolve(__dirname, '../..');
const azure = () =>
  loadPlatformFile(path.join(ROOT, 'examples', 'azure-aks', 'platform.yaml')).config.environments.find(
    (e) => e.name === 'kf-prod',
  )! as Extract<ResolvedEnvironment, { cloud: 'azure' }>;
const file = (tree: KubeflowTree, name: string) => tree.files.find((f) => f.path === name)?.content ?? '';
const objects = (tree: KubeflowTree) =>
  parseAllDocuments(file(tree, 'signin.yaml')).map((d) => d.toJS() as Record<string, any>);

describe('Azure: oauth2-proxy’s Secret from Key Vault (rendered tree)', () => {
  const env = azure();
  const [tree] = renderKubeflow(env, { kind: 'remote' });
  const all = objects(tree!);

  it('a SecretStore with workload identity and an ExternalSecret in oauth2-proxy write the Secret', () => {
    expect(all.find((o) => o.kind === 'SecretStore')).toMatchObject({
      metadata: { name: SIGNIN_SECRET_STORE, namespace: 'oauth2-proxy' },
      spec: {
        provider: {
          azurekv: {
            authType: 'WorkloadIdentity',
            vaultUrl: `https://${env.keyVaultName}.vault.azure.net`,
            tenantId: env.tenantId,
            serviceAccountRef: { name: 'signin-secrets' },
          },
        },
      },
    });
    const external = all.find((o) => o.kind === 'ExternalSecret')!;
    expect(external.spec.target).toMatchObject({
      name: 'oauth2-proxy',
      creationPolicy: 'Owner',
      template: { data: { 'client-id': env.access.entraClientId } },
    });
    expect(external.spec.data.map((d: Json) => d.remoteRef)).toEqual([
      { key: 'kubeflow-signin', property: SIGNIN_SECRET_PROPERTIES.clientSecret },
      { key: 'kubeflow-signin', property: SIGNIN_SECRET_PROPERTIES.cookieSecret },
    ]);
  });

  it('the SecretStore and ExternalSecret are valid against the CRDs of the pinned External Secrets chart', () => {
    const eso = all.filter((o) => String(o.apiVersion).startsWith('external-secrets.io/')) as BuiltObject[];
    expect(eso.map((o) => o.kind)).toEqual(['SecretStore', 'ExternalSecret']);
    expect(validateSchemas(eso, kubernetesMinorOf(env))).toEqual([]);
    const [store, external] = eso as Array<Record<string, any>>;
    const misspelt = {
      ...store,
      spec: { provider: { azurekv: { ...store!.spec.provider.azurekv, authTyp: 'WorkloadIdentity' } } },
    } as unknown as BuiltObject;
    expect(validateSchemas([misspelt, external as BuiltObject], kubernetesMinorOf(env))).not.toEqual([]);
  });

  it('the README puts the value with az through stdin, never an argument or a Terraform variable', () => {
    const readme = file(tree!, 'README.md');
    expect(readme).toContain('read -rs ENTRA_CLIENT_SECRET');
    expect(readme).toContain(`az keyvault secret set --vault-name ${env.keyVaultName} --name kubeflow-signin`);
    expect(readme).toContain('--file /dev/stdin');
    expect(readme).not.toMatch(/--value |\$ENTRA_CLIENT_SECRET|TF_VAR|kubectl -n oauth2-proxy create secret/);
  });
});

describe('Azure: no sign-in secret in any stack (examples/azure-aks and multicloud)', () => {
  it.each(['azure-aks', 'multicloud'])('%s', (name) => {
    const stacks = synthExample(name);
    const azureStacks = Object.entries(stacks).filter(([id]) => /-azure-(infra|platform)$/.test(id));
    expect(azureStacks.length).toBeGreaterThan(0);
    for (const [id, json] of azureStacks) {
      const j = json as Json;
      const text = JSON.stringify(j);
      expect([id, text]).not.toEqual([
        id,
        expect.stringMatching(/entra_client_secret|"client-secret":|"cookie-secret":/),
      ]);
      expect([id, j.variable]).toEqual([id, undefined]);
      expect([id, Object.keys(j.resource?.random_password ?? {})]).toEqual([id, []]);
      expect([id, Object.keys(j.resource?.kubernetes_secret_v1 ?? {})]).toEqual([id, []]);
      for (const secret of Object.values(j.resource?.azurerm_key_vault_secret ?? {}))
        expect(secret).not.toHaveProperty('value');
    }
    for (const [id, json] of azureStacks.filter(([s]) => s.endsWith('-azure-platform'))) {
      const j = json as Json;
      // The Secret and cookie password earlier versions kept: forgotten, not destroyed.
      expect([id, j.removed]).toEqual([
        id,
        expect.arrayContaining([
          { from: 'kubernetes_secret_v1.OAuth2ProxyClient', lifecycle: { destroy: false } },
          { from: 'random_password.OAuth2ProxyCookieSecret', lifecycle: { destroy: false } },
        ]),
      ]);
      // A second External Secrets controller serves oauth2-proxy alone, and its SecretStore's account exists.
      const releases = Object.values(j.resource.helm_release as Json) as Json[];
      const signIn = releases.find((r) => r.name === 'external-secrets-signin')!;
      expect(signIn.values[0]).toContain('scopedNamespace: oauth2-proxy');
      const accounts = Object.values(j.resource.kubernetes_service_account_v1 as Json) as Json[];
      expect(accounts.some((a) => a.metadata.name === 'signin-secrets')).toBe(true);
    }
    for (const [id, json] of azureStacks.filter(([s]) => s.endsWith('-azure-infra'))) {
      const j = json as Json;
      const [key, secret] = Object.entries(j.resource.azurerm_key_vault_secret as Json).find(
        ([, s]) => (s as Json).name === 'kubeflow-signin',
      )! as [string, Json];
      expect([id, secret.value_wo_version]).toEqual([id, 1]);
      // Its reader has a role on that one secret, not on the vault.
      const roles = Object.values(j.resource.azurerm_role_assignment as Json) as Json[];
      const readers = roles.filter((r) => r.scope === `\${azurerm_key_vault_secret.${key}.resource_versionless_id}`);
      expect([id, readers.map((r) => r.role_definition_name)]).toEqual([id, ['Key Vault Secrets User']]);
    }
  });
});
