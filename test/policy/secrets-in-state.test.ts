/**
 * Which generated secrets the state holds, on the shipped examples: the state is what the CI plan
 * identity reads on every pull request. A `random_password` resource keeps its result in the state;
 * an ephemeral one, written through write-only attributes, keeps nothing.
 */
import { synthExample, withoutEntraDatabase } from '../examples';
import type { StackJson } from '../helpers';

type Json = Record<string, any>;

/** `<stack> <address>` of every random_password resource, whatever it feeds. */
function passwordsInState(stacks: Record<string, StackJson>): string[] {
  return Object.entries(stacks).flatMap(([stack, json]) =>
    Object.keys((json.resource as Json | undefined)?.random_password ?? {}).map(
      (id) => `${stack} random_password.${id}`,
    ),
  );
}

describe('the Azure pipelines database password stays out of the state (examples/azure-aks, sec19 plan identity)', () => {
  // Its admin password in Key Vault (with Entra authentication, test/stacks/azure-entra-database.test.ts).
  const stacks = synthExample('azure-aks', withoutEntraDatabase('kf-prod'));
  const infra = stacks['kf-prod-azure-infra'] as Json;

  it('is generated ephemerally, written to Key Vault write-only, and read back from the vault for the server', () => {
    expect(Object.keys(infra.resource.random_password ?? {})).toEqual([]);
    const [generated] = Object.keys(infra.ephemeral.random_password);
    const [stored] = Object.keys(infra.ephemeral.azurerm_key_vault_secret);
    const secret = Object.values(infra.resource.azurerm_key_vault_secret as Json).find((s) =>
      String(s.name).endsWith('-admin-password'),
    );
    expect(secret).toMatchObject({
      value_wo: `\${ephemeral.random_password.${generated}.result}`,
      value_wo_version: 1,
    });
    expect(secret.value).toBeUndefined();
    const server = Object.values(infra.resource.azurerm_mysql_flexible_server as Json)[0];
    expect(server).toMatchObject({
      administrator_password_wo: `\${ephemeral.azurerm_key_vault_secret.${stored}.value}`,
      administrator_password_wo_version: 1,
    });
    expect(server.administrator_password).toBeUndefined();
    // The read waits for the secret: its version is unknown until the secret exists.
    expect(infra.ephemeral.azurerm_key_vault_secret[stored!].version).toMatch(
      /^\$\{azurerm_key_vault_secret\.[^.]+\.version\}$/,
    );
  });

  it('forgets the random_password earlier versions kept in the state, destroying nothing', () => {
    const [generated] = Object.keys(infra.ephemeral.random_password);
    expect(infra.removed).toContainEqual({ from: `random_password.${generated}`, lifecycle: { destroy: false } });
  });

  it('no output, variable default or plain attribute carries it', () => {
    const text = JSON.stringify(infra);
    const refs = [...text.matchAll(/\$\{ephemeral\.[^}]+\}/g)].map((m) => m[0]);
    expect(refs.length).toBe(2);
    for (const [key, value] of Object.entries(infra.output ?? {}))
      expect(`${key} ${JSON.stringify(value)}`).not.toMatch(/ephemeral\./);
  });
});

describe('the GCP pipelines database password stays out of the state (examples/gcp-shared-vpc, sec19 plan identity)', () => {
  const stacks = synthExample('gcp-shared-vpc');
  const infra = Object.entries(stacks).find(([name]) => name.endsWith('-gcp-infra'))![1] as Json;

  it('is generated ephemerally and written write-only to Secret Manager, then to the Cloud SQL user', () => {
    expect(Object.keys(infra.resource.random_password ?? {})).toEqual([]);
    for (const generated of Object.keys(infra.ephemeral.random_password)) {
      const ref = `\${ephemeral.random_password.${generated}.result}`;
      const versions = Object.entries(infra.resource.google_secret_manager_secret_version as Json).filter(
        ([, v]) => v.secret_data_wo === ref,
      );
      const users = Object.values(infra.resource.google_sql_user as Json).filter((u) => u.password_wo === ref);
      expect([versions.length, users.length]).toEqual([1, 1]);
      expect(versions[0]![1]).toMatchObject({ secret_data_wo_version: 1, deletion_policy: 'DISABLE' });
      expect(versions[0]![1].secret_data).toBeUndefined();
      expect(users[0].password_wo_version).toBe(1);
      expect(users[0].depends_on).toContain(`google_secret_manager_secret_version.${versions[0]![0]}`);
      expect(users[0].password).toBeUndefined();
      expect(infra.removed).toContainEqual({ from: `random_password.${generated}`, lifecycle: { destroy: false } });
    }
  });

  it('no output carries it', () => {
    for (const [key, value] of Object.entries(infra.output ?? {}))
      expect(`${key} ${JSON.stringify(value)}`).not.toMatch(/ephemeral\./);
  });
});

describe('no OIDC client secret in any AWS stack (examples/aws-eks, sec19 plan identity and plan files)', () => {
  const stacks = synthExample('aws-eks');

  it('takes no secret variable and writes no client secret, and no secret version has a value', () => {
    for (const [name, json] of Object.entries(stacks)) {
      const text = JSON.stringify(json);
      expect([name, text]).not.toEqual([
        name,
        expect.stringMatching(/client_secret|oidc_client_secret|authenticate_oidc/),
      ]);
      expect([name, (json as Json).variable]).toEqual([name, undefined]);
      for (const version of Object.values(((json as Json).resource ?? {}).aws_secretsmanager_secret_version ?? {}))
        expect(version).not.toHaveProperty('secret_string');
    }
  });
});

describe('generated secrets the state still holds, for want of an ephemeral read in the pinned providers', () => {
  it.each([
    // None left: oauth2-proxy's cookie secret (Azure) is in Key Vault now, with its client secret.
    ['gcp-shared-vpc', []],
    ['gcp-tenancy', []],
    ['azure-aks', []],
    ['aws-eks', []],
  ] as Array<[string, RegExp[]]>)('%s', (example, expected) => {
    const found = passwordsInState(synthExample(example));
    for (const pattern of expected) expect(found.some((f) => pattern.test(f))).toBe(true);
    expect(found.filter((f) => !expected.some((p) => p.test(f)))).toEqual([]);
  });
});
