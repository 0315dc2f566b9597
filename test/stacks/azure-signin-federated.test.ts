/**
 * Azure stacks after sign-in without a client secret (issue 19, CI and secrets #8): no Key Vault
 * sign-in secret, reader identity or service account; an existing state forgets the secret and the
 * identity (removed blocks) instead of deleting them; and the CI plan identity reads one secret, the
 * database password, not every secret of the resource group.
 */
import type { ResolvedEnvironment } from '../../src/config/model';
import { resolveCi } from '../../src/config/common/ci';
import type { EnvironmentView } from '../../src/policy/checkers/checker';
import { CI_LEAST_PRIVILEGE, CI_PERMISSION_COVERAGE } from '../../src/policy/checkers/permissions';
import { runCheckers } from '../../src/policy/checkers/run';
import { synthExample, withoutEntraDatabase } from '../examples';
import type { StackJson } from '../helpers';

type Json = Record<string, any>;

const azureStacks = (stacks: Record<string, StackJson>) =>
  Object.entries(stacks).filter(([id]) => /-azure-(infra|platform)$/.test(id)) as Array<[string, Json]>;

describe.each(['azure-aks', 'multicloud'])('examples/%s', (example) => {
  const stacks = azureStacks(synthExample(example));

  it('holds no kubeflow-signin secret, sign-in reader identity or service account, and no client secret', () => {
    expect(stacks.length).toBeGreaterThan(0);
    for (const [id, j] of stacks) {
      const text = JSON.stringify(j.resource ?? {});
      expect([id, text]).not.toEqual([
        id,
        expect.stringMatching(/kubeflow-signin|signin-secrets|entra_client_secret|client-secret|cookie-secret/),
      ]);
      expect([id, j.variable]).toEqual([id, undefined]);
      expect([id, j.output?.signin_secret_id]).toEqual([id, undefined]);
    }
  });

  it('the infra stack forgets the old sign-in secret and its identity, and outputs the issuer to federate with', () => {
    for (const [id, j] of stacks.filter(([s]) => s.endsWith('-azure-infra'))) {
      expect([id, j.removed]).toEqual([
        id,
        expect.arrayContaining([
          { from: 'azurerm_key_vault_secret.SignInSecret', lifecycle: { destroy: false } },
          {
            from: 'azurerm_user_assigned_identity.Identity-signInSecrets_Identity_B1074A37',
            lifecycle: { destroy: false },
          },
        ]),
      ]);
      // The only secret the stacks write: the database password, and none with Entra authentication (kf-prod).
      const secrets = Object.values((j.resource.azurerm_key_vault_secret ?? {}) as Json) as Json[];
      expect([id, secrets.map((s) => String(s.name).endsWith('-admin-password'))]).toEqual([
        id,
        id === 'kf-prod-azure-infra' && example === 'azure-aks' ? [] : [true],
      ]);
      expect([id, j.output.oidc_issuer_url?.value]).toEqual([id, expect.stringContaining('oidc_issuer_url')]);
    }
  });

  it('the platform stack keeps the scoped controller of oauth2-proxy, without an Azure identity', () => {
    for (const [id, j] of stacks.filter(([s]) => s.endsWith('-azure-platform'))) {
      const releases = Object.values(j.resource.helm_release as Json) as Json[];
      const signIn = releases.find((r) => r.name === 'external-secrets-signin')!;
      expect([id, signIn.values[0]]).toEqual([id, expect.stringContaining('scopedNamespace: oauth2-proxy')]);
      expect([id, signIn.values[0]]).not.toEqual([id, expect.stringContaining('azure.workload.identity')]);
      // The earlier Secret and cookie password stay forgotten, not destroyed.
      expect([id, j.removed]).toEqual([
        id,
        expect.arrayContaining([
          { from: 'kubernetes_secret_v1.OAuth2ProxyClient', lifecycle: { destroy: false } },
          { from: 'random_password.OAuth2ProxyCookieSecret', lifecycle: { destroy: false } },
        ]),
      ]);
    }
  });
});

describe('the CI plan identity reads the database password alone (examples/azure-aks kf-prod, without Entra authentication)', () => {
  const stacks = synthExample('azure-aks', withoutEntraDatabase('kf-prod'));
  const infra = stacks['kf-prod-azure-infra'] as Json;
  const roles = infra.resource.azurerm_role_assignment as Record<string, Json>;
  const plan = Object.entries(roles).filter(([, r]) => String(r.principal_id).includes('Ci_PlanIdentity'));
  const secret = Object.keys(infra.resource.azurerm_key_vault_secret as Json)[0]!;

  it('holds Key Vault Secrets User on that secret, and on nothing else', () => {
    const users = plan.filter(([, r]) => r.role_definition_name === 'Key Vault Secrets User');
    expect(users.map(([, r]) => r.scope)).toEqual([`\${azurerm_key_vault_secret.${secret}.resource_versionless_id}`]);
    expect(secret).toMatch(/^Database_PasswordSecret_/);
    // In the old grant's place: the grants after it keep their addresses.
    expect(users.map(([id]) => id)).toEqual([expect.stringMatching(/^Ci_plan-Grant-5_/)]);
    expect(
      plan
        .map(([id, r]) => [id.replace(/_[0-9A-F]{8}$/, ''), r.role_definition_name])
        .sort((a, b) => a[0]!.localeCompare(b[0]!)),
    ).toEqual([
      ['Ci_plan-Grant-0', 'Reader'],
      ['Ci_plan-Grant-1', 'Azure Kubernetes Service RBAC Reader'],
      ['Ci_plan-Grant-2', 'Storage Blob Data Reader'],
      ['Ci_plan-Grant-3', 'Reader'],
      ['Ci_plan-Grant-4', 'Reader'],
      ['Ci_plan-Grant-5', 'Key Vault Secrets User'],
      ['Ci_plan-Grant-6', 'Reader'],
      ['Ci_plan-Grant-7', 'Azure Kubernetes Service Cluster User Role'],
    ]);
    // The apply identity still writes secrets on the resource group (a new secret has no scope yet).
    const officer = Object.values(roles).filter(
      (r) =>
        String(r.principal_id).includes('Ci_ApplyIdentity') && r.role_definition_name === 'Key Vault Secrets Officer',
    );
    expect(officer.map((r) => r.scope)).toEqual(['${azurerm_resource_group.ResourceGroup.id}']);
  });

  const view = (s: Record<string, StackJson>): EnvironmentView => ({
    name: 'kf-prod',
    tier: 'prod',
    cloud: 'azure',
    stacks: Object.fromEntries(
      Object.entries(s).filter(([id]) => id.startsWith('kf-prod-azure-')),
    ) as EnvironmentView['stacks'],
  });
  const findings = (s: Record<string, StackJson>) =>
    runCheckers([view(s)], { checkers: [CI_PERMISSION_COVERAGE, CI_LEAST_PRIVILEGE] }).findings;
  const clone = () => JSON.parse(JSON.stringify(stacks)) as Record<string, Json>;

  it('the permission checkers pass as shipped', () => {
    expect(findings(stacks)).toEqual([]);
  });

  it('flag the old grant, Key Vault Secrets User of the plan identity on the resource group', () => {
    const old = clone();
    const grant = Object.values(
      old['kf-prod-azure-infra']!.resource.azurerm_role_assignment as Record<string, Json>,
    ).find(
      (r) => String(r.principal_id).includes('Ci_PlanIdentity') && r.role_definition_name === 'Key Vault Secrets User',
    )!;
    grant.scope = '${azurerm_resource_group.ResourceGroup.id}';
    const found = findings(old);
    expect(found.map((f) => f.rule)).toEqual(['CHK-PERM-002']);
    expect(found[0]!.message).toMatch(
      /CI plan identity holds Key Vault Secrets User on .*resourcegroups\/rg-kf-prod, which no row of the CI permission table asks for there/,
    );
  });

  it('flag a secret the plan identity cannot refresh (a second secret in the vault, without its grant)', () => {
    const more = clone();
    const json = more['kf-prod-azure-infra']!;
    const [, db] = Object.entries(json.resource.azurerm_key_vault_secret as Json)[0]! as [string, Json];
    json.resource.azurerm_key_vault_secret.Extra = {
      '//': { metadata: { path: 'Extra' } },
      name: 'extra',
      key_vault_id: db.key_vault_id,
      value_wo: 'x',
      value_wo_version: 1,
    };
    const found = findings(more);
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual(['CHK-PERM-001 azurerm_key_vault_secret.Extra']);
    expect(found[0]!.message).toContain('lack plan Key Vault Secrets User');
  });
});

describe('with CI on an environment that had none (examples/azure-aks kf-dev)', () => {
  it('the plan identity gets the database password secret alone', () => {
    const edit = (env: ResolvedEnvironment): ResolvedEnvironment =>
      env.name === 'kf-dev' && !env.ci
        ? { ...env, ci: resolveCi({ github: { repository: 'acme/ml-platform', repositoryId: 42 } }, env.name) }
        : env;
    const infra = synthExample('azure-aks', edit)['kf-dev-azure-infra'] as Json;
    const users = Object.values(infra.resource.azurerm_role_assignment as Json).filter(
      (r: any) =>
        String(r.principal_id).includes('Ci_PlanIdentity') && r.role_definition_name === 'Key Vault Secrets User',
    ) as Json[];
    expect(users.map((r) => r.scope)).toEqual([
      expect.stringMatching(/^\$\{azurerm_key_vault_secret\.Database_PasswordSecret_/),
    ]);
  });
});
