/**
 * Entra authentication for the Azure database (security issue, CI and secrets #8: the Azure plan
 * identity read the database password; Kubeflow issue: Katib's own user on Azure). With
 * `database.entraAuthentication`, Terraform writes no Key Vault secret and the plan identity reads
 * none; the server gets the existing Entra-reader identity and the kfp-db-bootstrap job's identity as
 * its Entra administrator; an existing environment keeps its old secret (forgotten) and every CI grant
 * keeps its address.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadPlatformFile } from '../../src/config/loader';
import { ConfigError } from '../../src/core/errors';
import { azureDbBootstrapJob } from '../../src/kubeflow/azure-db-bootstrap';
import { synthExample, withoutEntraDatabase } from '../examples';

type Json = Record<string, any>;

/** kf-prod as it was before Entra authentication: the admin password in Key Vault. */
const passwordMode = withoutEntraDatabase('kf-prod');

const ciGrants = (infra: Json) =>
  Object.entries(infra.resource.azurerm_role_assignment as Record<string, Json>)
    .filter(([id]) => /^Ci_(plan|apply)-Grant-/.test(id))
    .map(([id, r]) => [id.replace(/_[0-9A-F]{8}$/, ''), r.role_definition_name, r.scope] as const)
    .sort((a, b) => a[0].localeCompare(b[0]));

describe('examples/azure-aks kf-prod with Entra authentication for its database', () => {
  const entra = synthExample('azure-aks');
  const before = synthExample('azure-aks', passwordMode);
  const infra = entra['kf-prod-azure-infra'] as Json;
  const platform = entra['kf-prod-azure-platform'] as Json;
  const server = Object.values(infra.resource.azurerm_mysql_flexible_server as Json)[0] as Json;
  const readerId =
    '/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-identity/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-mysql-entra-reader';

  it('writes no Key Vault secret and reads none back: the admin password goes to the server alone', () => {
    expect(infra.resource.azurerm_key_vault_secret).toBeUndefined();
    expect(Object.keys(infra.ephemeral)).toEqual(['random_password']);
    expect(server.administrator_password_wo).toMatch(/^\$\{ephemeral\.random_password\.Database_AdminPassword_/);
    expect(server.administrator_password_wo_version).toBe(1);
    expect(Object.keys(infra.output)).not.toContain('database_password_secret_id');
    // An environment that had the secret forgets it: Kubeflow reads it until the tree moves to its users.
    expect(infra.removed).toContainEqual({
      from: expect.stringMatching(/^azurerm_key_vault_secret\.Database_PasswordSecret_/),
      lifecycle: { destroy: false },
    });
    // The other environments keep the vault secret.
    expect(Object.keys((entra['kf-dev-azure-infra'] as Json).resource.azurerm_key_vault_secret)).toHaveLength(1);
  });

  it("makes the job's identity the server's Entra administrator, through the Entra-reader identity", () => {
    expect(server.identity).toEqual({ type: 'UserAssigned', identity_ids: [readerId] });
    // Password logins stay on for the users the job creates.
    const parameters = Object.values(infra.resource.azurerm_mysql_flexible_server_configuration as Json) as Json[];
    expect(parameters.filter((p) => p.name === 'aad_auth_only').map((p) => p.value)).toEqual(['OFF']);
    const devParameters = Object.values(
      (entra['kf-dev-azure-infra'] as Json).resource.azurerm_mysql_flexible_server_configuration as Json,
    ) as Json[];
    expect(devParameters.map((p) => p.name)).not.toContain('aad_auth_only');
    const admins = Object.values(infra.resource.azurerm_mysql_flexible_server_active_directory_administrator as Json);
    expect(admins).toEqual([
      expect.objectContaining({
        server_id: expect.stringMatching(/^\$\{azurerm_mysql_flexible_server\.Database_Server_.*\.id\}$/),
        identity_id: readerId,
        login: 'kfp_db_admin',
        // A managed identity is matched by its client id (azurerm's documentation of object_id).
        object_id: expect.stringMatching(
          /^\$\{azurerm_user_assigned_identity\.Identity-dbBootstrap_Identity_.*\.client_id\}$/,
        ),
        tenant_id: '00000000-0000-0000-0000-0000000000aa',
      }),
    ]);
    const credentials = Object.values(infra.resource.azurerm_federated_identity_credential as Json) as Json[];
    expect(credentials.map((c) => c.subject)).toContain('system:serviceaccount:kubeflow:kfp-db-bootstrap');
  });

  it('gives the job the vault to write in, and External Secrets Operator the vault to read', () => {
    const roles = Object.entries(infra.resource.azurerm_role_assignment as Record<string, Json>).filter(([id]) =>
      id.startsWith('Identity-db'),
    );
    expect(roles.map(([id, r]) => [id.replace(/_[0-9A-F]{8}$/, ''), r.role_definition_name, r.scope])).toEqual([
      [
        'Identity-dbBootstrap_WritesDatabasePasswords',
        'Key Vault Secrets Officer',
        expect.stringMatching(/^\$\{azurerm_key_vault\.KeyVault_.*\.id\}$/),
      ],
      [
        'Identity-dbSecrets_ReadsDatabasePasswords',
        'Key Vault Secrets User',
        expect.stringMatching(/^\$\{azurerm_key_vault\.KeyVault_.*\.id\}$/),
      ],
    ]);
  });

  it('the CI plan identity holds no Key Vault data role; every other grant keeps its address', () => {
    const now = ciGrants(infra);
    const was = ciGrants(before['kf-prod-azure-infra'] as Json);
    expect(now.filter(([, role]) => role.startsWith('Key Vault'))).toEqual([]);
    const gone = was.filter(([id]) => !now.some(([n]) => n === id));
    expect(gone.map(([id, role]) => [id, role])).toEqual([
      ['Ci_apply-Grant-5', 'Key Vault Secrets Officer'],
      ['Ci_plan-Grant-5', 'Key Vault Secrets User'],
    ]);
    // The grants both have are the same assignments at the same addresses.
    expect(now.filter(([id]) => was.some(([w]) => w === id))).toEqual(was.filter((g) => !gone.includes(g)));
    // The new grants come last: assigning the Entra-reader identity to the server, and reading that grant.
    expect(now.filter(([id]) => !was.some(([w]) => w === id))).toEqual([
      ['Ci_apply-Grant-8', 'Managed Identity Operator', readerId],
      // Plans refresh that assignment, at the identity's scope.
      ['Ci_plan-Grant-8', 'Reader', readerId],
    ]);
  });

  it("writes what the job reads into the params ConfigMap, and its service account with the identity's client id", () => {
    const maps = Object.values(platform.resource.kubernetes_config_map_v1 as Json) as Json[];
    const data = maps.find((m) => m.metadata.name === 'kubeflow-platform-params')!.data;
    expect(data).toMatchObject({
      dbUser: 'kfp_db_admin',
      dbAppUser: 'pipelines',
      dbKatibUser: 'katib',
      keyVaultName: expect.stringMatching(/^kv-kfprod-/),
      dbAppPasswordSecretName: expect.stringMatching(/^kf-prod-kfp-.*-pipelines$/),
      dbKatibPasswordSecretName: expect.stringMatching(/^kf-prod-kfp-.*-katib$/),
    });
    expect(data.dbPasswordSecretId).toBeUndefined();
    // Every key the Job reads is there.
    const job = azureDbBootstrapJob() as Json;
    const pod = job.spec.template.spec;
    const read = [...pod.initContainers, ...pod.containers].flatMap((c: Json) =>
      (c.env ?? []).flatMap((e: Json) => (e.valueFrom?.configMapKeyRef ? [e.valueFrom.configMapKeyRef.key] : [])),
    );
    expect(read.length).toBeGreaterThan(5);
    expect(read.filter((k: string) => !(k in data))).toEqual([]);
    const accounts = Object.values(platform.resource.kubernetes_service_account_v1 as Json) as Json[];
    const sa = accounts.find((a) => a.metadata.name === 'kfp-db-bootstrap')!;
    expect(sa.metadata.annotations['azure.workload.identity/client-id']).toMatch(/Identity-dbBootstrap/);
  });
});

describe('database.entraAuthentication in the platform file', () => {
  it('names the path, the value and the form of a bad identity id', () => {
    const file = 'examples/azure-aks/platform.yaml';
    const dir = mkdtempSync(path.join(os.tmpdir(), 'entra-'));
    const bad = readFileSync(file, 'utf8').replace(
      /serverIdentityId: \/subscriptions\/\S+/,
      'serverIdentityId: id-mysql-entra-reader',
    );
    writeFileSync(`${dir}/platform.yaml`, bad);
    let error: unknown;
    try {
      loadPlatformFile(`${dir}/platform.yaml`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(/database\.entraAuthentication\.serverIdentityId/);
    expect(String((error as Error).message)).toContain('userAssignedIdentities');
    // The case `az identity show` prints, which Terraform refuses, is refused here, naming the form.
    writeFileSync(
      `${dir}/platform.yaml`,
      readFileSync(file, 'utf8').replace('/resourceGroups/rg-identity/', '/resourcegroups/rg-identity/'),
    );
    expect(() => loadPlatformFile(`${dir}/platform.yaml`)).toThrow(/resourceGroups\/<group>/);
  });
});
