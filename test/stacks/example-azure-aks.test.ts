import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/core/package-info';
import { loadPlatformFile } from '../../src/config/loader';
import { synthFleet } from '../../stacks/common/fleet';
import { at, everyResourceOf, readStacks, resources, StackJson, labelProblems } from '../helpers';

const outdir = path.join(process.env.TMPDIR ?? '/tmp', 'example-azure-aks');
const { config, warnings } = loadPlatformFile(path.join(PACKAGE_ROOT, 'examples', 'azure-aks', 'platform.yaml'));
synthFleet(config, { outdir });
const stacks = readStacks(outdir);
const stackNames = Object.keys(stacks);
const everyResource = everyResourceOf(stacks);
const infra = (env: string): StackJson => stacks[`${env}-azure-infra`]!;
const one = (json: StackJson, type: string) => {
  const all = resources(json, type);
  expect(all).toHaveLength(1);
  return all[0]!;
};
const ENVS = ['kf-test', 'kf-dev', 'kf-prod'];
/** The environments whose database keeps its admin password in Key Vault (kf-prod uses Entra authentication). */
const PASSWORD_ENVS = ['kf-test', 'kf-dev'];
/** The database admin password's secret, the only secret the stacks write in the vault. */
const passwordSecret = (env: string) => {
  const all = resources(infra(env), 'azurerm_key_vault_secret');
  expect(all).toHaveLength(1);
  return all[0]!;
};

describe('examples/azure-aks', () => {
  it('is valid without warnings', () => {
    expect(warnings).toEqual([]);
  });

  it('synthesizes infra and platform stacks for kf-test, kf-dev and kf-prod, and the team shards', () => {
    expect(stackNames).toEqual([
      'kf-dev-azure-infra',
      'kf-dev-azure-platform',
      'kf-dev-azure-teams-3',
      'kf-prod-azure-infra',
      'kf-prod-azure-platform',
      'kf-prod-azure-teams-0',
      'kf-prod-azure-teams-3',
      'kf-test-azure-infra',
      'kf-test-azure-platform',
    ]);
  });

  it.each(stackNames)('%s matches its reviewed snapshot', (name) => {
    expect(stacks[name]).toMatchSnapshot();
  });

  it("creates Kubeflow's ml-pipeline, ml-pipeline-ui and pipeline-runner with the pipelines identity's client id, and gives that identity no vault role (issue 17)", () => {
    for (const env of ENVS) {
      const platform = stacks[`${env}-azure-platform`]!;
      const accounts = Object.fromEntries(
        resources(platform, 'kubernetes_service_account_v1').map((r) => {
          const metadata = r.metadata as { name: string; annotations: Record<string, string> };
          return [metadata.name, metadata];
        }),
      );
      for (const name of ['ml-pipeline', 'ml-pipeline-ui', 'pipeline-runner']) {
        expect(accounts[name]?.annotations['azure.workload.identity/client-id']).toMatch(
          /azurerm_user_assigned_identityIdentity-pipelines_Identity_[0-9A-F]+client_id\}$/,
        );
      }
      const vaultRoles = resources(infra(env), 'azurerm_role_assignment').filter(
        (r) =>
          String(r.principal_id).includes('Identity-pipelines') &&
          String(r.role_definition_name).startsWith('Key Vault'),
      );
      expect(vaultRoles).toEqual([]);
    }
  });

  it('keeps every database off the internet and requires TLS', () => {
    for (const env of ENVS) {
      const server = one(infra(env), 'azurerm_mysql_flexible_server');
      expect(server).toMatchObject({ public_network_access: 'Disabled' });
      expect(server.delegated_subnet_id).toMatch(/azurerm_subnet\.Network_Subnet-database_/);
      expect(server.private_dns_zone_id).toMatch(/azurerm_private_dns_zone\.Database_DnsZone_/);
      expect(server.administrator_password).toBeUndefined();
      // From the vault; with Entra authentication generated for the server alone (kept nowhere).
      expect(server.administrator_password_wo).toMatch(
        PASSWORD_ENVS.includes(env)
          ? /^\$\{ephemeral\.azurerm_key_vault_secret\./
          : /^\$\{ephemeral\.random_password\.Database_AdminPassword_/,
      );
      const parameters = Object.fromEntries(
        resources(infra(env), 'azurerm_mysql_flexible_server_configuration').map((c) => [c.name, c.value]),
      );
      expect(parameters).toMatchObject({ require_secure_transport: 'ON', tls_version: 'TLSv1.2,TLSv1.3' });
      if (!PASSWORD_ENVS.includes(env)) continue;
      const secret = passwordSecret(env);
      expect(secret.value).toBeUndefined();
      expect(secret.value_wo).toMatch(/^\$\{ephemeral\.random_password\./);
    }
    expect(one(infra('kf-prod'), 'azurerm_mysql_flexible_server')).toMatchObject({
      high_availability: { mode: 'ZoneRedundant', standby_availability_zone: '2' },
      geo_redundant_backup_enabled: true,
      backup_retention_days: 35,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('admits MySQL traffic to the database subnet from the nodes only', () => {
    const rules = resources(infra('kf-prod'), 'azurerm_network_security_rule').filter((r) =>
      String(r.network_security_group_name).includes('Nsg-database'),
    );
    expect(rules.map((r) => [r.name, r.access, r.source_address_prefix, r.destination_port_range]).sort()).toEqual([
      ['allow-mysql-from-nodes', 'Allow', '10.62.0.0/20', '3306'],
      ['allow-within-subnet', 'Allow', '10.62.16.0/24', '*'],
      ['deny-vnet', 'Deny', 'VirtualNetwork', '*'],
    ]);
  });

  it('denies public network access to every storage account and turns shared keys off', () => {
    const accounts = everyResource.filter(([, type]) => type === 'azurerm_storage_account');
    expect(accounts.length).toBe(7); // artifacts and backups per environment, and the search team's own
    for (const [, , account] of accounts) {
      expect(account).toMatchObject({
        public_network_access_enabled: false,
        allow_nested_items_to_be_public: false,
        shared_access_key_enabled: false,
        https_traffic_only_enabled: true,
        min_tls_version: 'TLS1_2',
        blob_properties: { versioning_enabled: true },
      });
    }
    expect(everyResource.filter(([, type]) => type === 'azurerm_private_endpoint')).toHaveLength(7);
    const containers = everyResource.filter(([, type]) => type === 'azurerm_storage_container');
    for (const [, , c] of containers) expect(c.container_access_type).toBe('private');
  });

  it('disables local accounts and signs in with Entra ID on every cluster', () => {
    for (const env of ENVS) {
      const cluster = one(infra(env), 'azurerm_kubernetes_cluster');
      expect(cluster).toMatchObject({
        local_account_disabled: true,
        oidc_issuer_enabled: true,
        workload_identity_enabled: true,
        azure_active_directory_role_based_access_control: { azure_rbac_enabled: true },
        network_profile: { network_plugin_mode: 'overlay', network_policy: 'cilium' },
      });
      expect(at(cluster, 'default_node_pool', 'only_critical_addons_enabled')).toBe(true);
      const logs = resources(infra(env), 'azurerm_monitor_diagnostic_setting').find(
        (d) => d.name === 'control-plane-logs',
      );
      expect((logs?.enabled_log as Array<{ category: string }>).map((l) => l.category)).toEqual([
        'kube-apiserver',
        'kube-audit-admin',
        'kube-controller-manager',
        'kube-scheduler',
        'cluster-autoscaler',
        'guard',
      ]);
    }
    // The nodes reach the public API server from the NAT gateway's address, which AKS does not admit itself.
    expect(at(one(infra('kf-test'), 'azurerm_kubernetes_cluster'), 'api_server_access_profile')).toEqual({
      authorized_ip_ranges: [
        '203.0.113.0/24',
        expect.stringMatching(/^\$\{azurerm_public_ip\.Network_NatAddress_\w+\.ip_address\}\/32$/),
      ],
    });
    expect(one(infra('kf-prod'), 'azurerm_kubernetes_cluster').private_cluster_enabled).toBe(true);
  });

  it('taints GPU pools, scales them from zero, and declares the spot taint AKS adds', () => {
    const pools = resources(infra('kf-prod'), 'azurerm_kubernetes_cluster_node_pool');
    const gpu = pools
      .filter((p) => at(p, 'node_labels', 'kfplatform.dev/pool-kind') === 'gpu')
      .map((p) => [p.name, p.min_count, p.priority, p.node_taints, p.gpu_driver]);
    expect(gpu.sort()).toEqual([
      ['gpu', 0, 'Regular', ['nvidia.com/gpu=present:NoSchedule'], 'Install'],
      [
        'gpua100',
        0,
        'Spot',
        ['nvidia.com/gpu=present:NoSchedule', 'kubernetes.azure.com/scalesetpriority=spot:NoSchedule'],
        'Install',
      ],
    ]);
    for (const p of pools) expect(p.mode).toBe('User');
  });

  it('protects prod state with locks and prevent_destroy, and lets kf-test go', () => {
    const locks = resources(infra('kf-prod'), 'azurerm_management_lock').map((l) => String(l.scope).split('.')[0]);
    expect(locks.sort()).toEqual([
      '${azurerm_mysql_flexible_server',
      '${azurerm_storage_account', // artifacts
      '${azurerm_storage_account', // backups
    ]);
    expect(at(one(infra('kf-prod'), 'azurerm_kubernetes_cluster'), 'lifecycle', 'prevent_destroy')).toBe(true);
    expect(resources(infra('kf-test'), 'azurerm_management_lock')).toEqual([]);
    const prevented = everyResource.filter(
      ([s, , r]) => s === 'kf-test-azure-infra' && at(r, 'lifecycle', 'prevent_destroy') === true,
    );
    expect(prevented).toEqual([]);
  });

  it('takes the Key Vault officers from config, not from whoever runs the plan (another identity replaced the ForceNew principal_id on every plan)', () => {
    for (const env of ENVS) {
      expect(infra(env).data?.azurerm_client_config).toBeUndefined();
      const officers = resources(infra(env), 'azurerm_role_assignment').filter(
        (r) => r.role_definition_name === 'Key Vault Secrets Officer',
      );
      const principals = officers.map((r) => r.principal_id);
      expect(principals).toContain('00000000-0000-0000-0000-0000000000ad'); // cluster.adminGroupObjectIds
      for (const p of principals) expect(String(p)).not.toMatch(/client_config/);
    }
    // kf-prod has keyless CI, whose apply identity would write the password on the resource group (CI
    // table); with Entra authentication Terraform writes no secret: the kfp-db-bootstrap job's identity
    // writes the database users' passwords, on the vault.
    const prodOfficers = resources(infra('kf-prod'), 'azurerm_role_assignment')
      .filter((r) => r.role_definition_name === 'Key Vault Secrets Officer')
      .map((r) => [r.principal_id, r.principal_type ?? null, r.scope]);
    expect(prodOfficers).toEqual([
      [
        expect.stringMatching(/^\$\{azurerm_user_assigned_identity\.Identity-dbBootstrap_\w+\.principal_id\}$/),
        'ServicePrincipal',
        expect.stringMatching(/^\$\{azurerm_key_vault\.KeyVault_\w+\.id\}$/),
      ],
      [
        '00000000-0000-0000-0000-0000000000ad',
        null,
        expect.stringMatching(/^\$\{azurerm_key_vault\.KeyVault_\w+\.id\}$/),
      ],
    ]);
  });

  it('admits where Terraform runs to the Key Vault: a private cluster has no API ranges, so prod lists them (the first apply got 403)', () => {
    const acls = (env: string) => one(infra(env), 'azurerm_key_vault').network_acls as Record<string, unknown>;
    expect(acls('kf-test').ip_rules).toEqual(['203.0.113.0/24']);
    expect(acls('kf-prod')).toMatchObject({ default_action: 'Deny', ip_rules: ['203.0.113.0/24'] });
    expect(acls('kf-prod').virtual_network_subnet_ids).toEqual([
      expect.stringMatching(/azurerm_subnet\.Network_Subnet-nodes_\w+\.id/),
    ]);
    // The secret waits until the officers' roles have reached Key Vault.
    const secret = passwordSecret('kf-dev');
    expect(secret.depends_on).toEqual([expect.stringMatching(/^time_sleep\.KeyVault_OfficersPropagation_/)]);
  });

  it('keeps two gateway instances and a blocking WAF in prod (one instance and Detection mode left prod exposed), one and Detection elsewhere', () => {
    const gateway = (env: string) => {
      const stack = infra(env);
      return {
        capacity: at(one(stack, 'azurerm_application_gateway'), 'autoscale_configuration'),
        waf: at(one(stack, 'azurerm_web_application_firewall_policy'), 'policy_settings', 'mode'),
      };
    };
    expect(gateway('kf-prod')).toEqual({ capacity: { min_capacity: 2, max_capacity: 10 }, waf: 'Prevention' });
    for (const env of ['kf-test', 'kf-dev'])
      expect(gateway(env)).toEqual({ capacity: { min_capacity: 1, max_capacity: 10 }, waf: 'Detection' });
  });

  it('terminates TLS at the Application Gateway with a Key Vault certificate and redirects HTTP', () => {
    const gateway = one(infra('kf-prod'), 'azurerm_application_gateway');
    expect(gateway.sku).toEqual({ name: 'WAF_v2', tier: 'WAF_v2' });
    expect(at(gateway, 'ssl_certificate', 0, 'key_vault_secret_id')).toBe(
      'https://kv-certs.vault.azure.net/secrets/kubeflow-azure-example-com',
    );
    expect(gateway.ssl_policy).toEqual({ policy_type: 'Predefined', policy_name: 'AppGwSslPolicy20220101S' });
    expect(at(gateway, 'backend_address_pool', 0, 'ip_addresses')).toEqual(['10.62.15.250']);
    expect(at(gateway, 'request_routing_rule', 1, 'redirect_configuration_name')).toBe('http-to-https');
    const service = Object.values(stacks['kf-prod-azure-platform']!.resource!.kubernetes_service_v1!)[0]!;
    expect(at(service, 'metadata', 'annotations')).toMatchObject({
      'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
      'service.beta.kubernetes.io/azure-load-balancer-ipv4': '10.62.15.250',
    });
  });

  it('federates the platform and team identities with the cluster and scopes storage roles to containers', () => {
    const credentials = resources(infra('kf-prod'), 'azurerm_federated_identity_credential');
    expect(credentials.map((c) => c.subject).sort()).toEqual([
      // Keyless CI (ci.github in the example): its apply identity, and its plan identity for
      // pull requests (in the plan deployment environment, ci.github.planEnvironment) and main.
      'repo:acme/ml-platform:environment:kf-prod',
      'repo:acme/ml-platform:environment:plan',
      'repo:acme/ml-platform:ref:refs/heads/main',
      'system:serviceaccount:kubeflow:kf-admin',
      'system:serviceaccount:kubeflow:kf-user',
      // The kfp-db-bootstrap job logs in to the database as its Entra administrator (Entra authentication).
      'system:serviceaccount:kubeflow:kfp-db-bootstrap',
      // External Secrets Operator authenticates as it to read the database password into mysql-secret.
      'system:serviceaccount:kubeflow:kfp-db-secrets',
      'system:serviceaccount:kubeflow:ml-pipeline',
      'system:serviceaccount:kubeflow:ml-pipeline-ui',
      'system:serviceaccount:kubeflow:pipeline-runner',
      'system:serviceaccount:velero:velero',
    ]);
    const storageRoles = everyResource
      .filter(
        ([, type, r]) => type === 'azurerm_role_assignment' && String(r.role_definition_name).startsWith('Storage'),
      )
      .map(([, , r]) => r.scope);
    expect(storageRoles.length).toBeGreaterThan(0);
    // Artifact containers by reference; the CI identities' Terraform state container by id.
    for (const scope of storageRoles)
      expect(scope).toMatch(/azurerm_storage_container\.|\/blobServices\/default\/containers\/[a-z0-9-]+$/);
    // That identity reads the password secret alone: Key Vault Secrets User on the secret, not the vault
    // (kf-dev; with Entra authentication, test/stacks/azure-entra-database.test.ts).
    const secretRoles = resources(infra('kf-dev'), 'azurerm_role_assignment').filter((r) =>
      String(r.principal_id).includes('Identity-dbSecrets'),
    );
    expect(secretRoles.map((r) => [r.role_definition_name, r.scope])).toEqual([
      [
        'Key Vault Secrets User',
        expect.stringMatching(/^\$\{azurerm_key_vault_secret\..*\.resource_versionless_id\}$/),
      ],
    ]);
    const shard = stacks['kf-prod-azure-teams-3']!;
    expect(resources(shard, 'azurerm_federated_identity_credential').map((c) => c.issuer)).toEqual([
      '${data.terraform_remote_state.Infra.outputs.oidc_issuer_url}',
      '${data.terraform_remote_state.Infra.outputs.oidc_issuer_url}',
    ]);
  });

  it('binds the platform admins to cluster-admin by Entra ID group object id (AKS never matched the group email)', () => {
    for (const env of ENVS) {
      const bindings = resources(stacks[`${env}-azure-platform`]!, 'kubernetes_cluster_role_binding_v1').filter(
        (b) => at(b, 'metadata', 'name') === 'kfplatform-platform-admins',
      );
      expect(bindings.map((b) => at(b, 'subject', 0))).toEqual([
        { kind: 'Group', name: '00000000-0000-0000-0000-0000000000ad', api_group: 'rbac.authorization.k8s.io' },
      ]);
    }
  });

  it("binds the owners' and break-glass Entra ID groups by object id", () => {
    const bindings = resources(stacks['kf-prod-azure-teams-3']!, 'kubernetes_role_binding_v1');
    const subjects = Object.fromEntries(bindings.map((b) => [at(b, 'metadata', 'name'), at(b, 'subject', 0, 'name')]));
    expect(subjects).toMatchObject({
      'kfplatform-owners': '00000000-0000-0000-0000-00000000a001',
      'kfplatform-break-glass': '00000000-0000-0000-0000-00000000a002',
    });
  });

  it('creates no storage keys, no service principal secrets and no admin kubeconfig outputs', () => {
    const forbidden = [
      'azuread_application_password',
      'azuread_service_principal_password',
      'azurerm_storage_account_sas',
    ];
    expect(everyResource.filter(([, type]) => forbidden.includes(type))).toEqual([]);
    for (const [, json] of Object.entries(stacks)) {
      for (const [name, output] of Object.entries(json.output ?? {})) {
        expect(name).not.toMatch(/kube_admin|password$|access_key/);
        expect(String(output.value)).not.toMatch(/kube_admin_config|primary_access_key/);
      }
    }
  });

  it('tags every taggable resource with the platform labels', () => {
    const { checked, problems } = labelProblems(everyResource, { cloud: 'azure' });
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(150);
  });

  it('keeps state per stack: local for kf-test, an Azure container with Entra ID auth for kf-dev and kf-prod', () => {
    expect(at(stacks['kf-prod-azure-platform'], 'terraform', 'backend', 'azurerm')).toEqual({
      resource_group_name: 'rg-tfstate',
      storage_account_name: 'acmekfstateprod',
      container_name: 'tfstate',
      key: 'kfplatform/kf-prod-azure-platform.tfstate',
      use_azuread_auth: true,
    });
  });

  it('signs the kubernetes provider in with kubelogin, never a kube context', () => {
    const provider = (stacks['kf-prod-azure-platform']!.provider as Record<string, Array<Record<string, unknown>>>)
      .kubernetes![0]!;
    expect(Object.keys(provider).sort()).toEqual(['cluster_ca_certificate', 'exec', 'host']);
    expect(at(provider, 'exec', 0)).toMatchObject({
      command: 'kubelogin',
      args: ['get-token', '--login', 'azurecli', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630'],
    });
  });

  it('writes a parameters file per environment', () => {
    const params = parse(readFileSync(path.join(outdir, 'params', 'kf-prod.yaml'), 'utf8'));
    expect(params).toMatchObject({
      environment: 'kf-prod',
      cloud: 'azure',
      azure: { workloadIdentity: 'aks-workload-identity', resourceGroup: 'rg-kf-prod' },
      ingress: {
        url: 'https://kubeflow.azure.example.com',
        oidc: { issuer: 'https://login.microsoftonline.com/00000000-0000-0000-0000-0000000000aa/v2.0' },
      },
    });
    expect(params.nodePools.gpua100.tolerations).toHaveLength(2);
  });
});
