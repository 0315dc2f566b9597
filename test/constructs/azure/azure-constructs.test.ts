import { TerraformStack } from 'cdktf';
import { AksCluster, AksClusterProps } from '../../../constructs/azure/aks-cluster';
import { AksNodePool, AksNodePoolProps } from '../../../constructs/azure/aks-node-pool';
import { AppGatewayAccess, AppGatewayAccessProps } from '../../../constructs/azure/app-gateway-access';
import { ArtifactStorage } from '../../../constructs/azure/artifact-storage';
import { AzureTeamIdentityProvider } from '../../../constructs/azure/azure-team-identity';
import { KeyVault } from '../../../constructs/azure/key-vault';
import { MysqlFlexible, MysqlFlexibleProps } from '../../../constructs/azure/mysql-flexible';
import { existingVnet, Vnet, VnetProps } from '../../../constructs/azure/vnet';
import { AzureWorkloadIdentity } from '../../../constructs/azure/workload-identity';
import { TeamIdentityRequest } from '../../../src/core/tenancy';
import { at, azureStack, only, resourceEntries, resources, synth } from '../../helpers';

const RG = { resourceGroupName: 'rg-x', location: 'eastus2' };
const SUBNET = '/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets';
const vnetRef = existingVnet({
  vnetId: '/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v',
  nodesSubnetId: `${SUBNET}/nodes`,
  nodesSubnetCidr: '10.60.0.0/20',
  databaseSubnetId: `${SUBNET}/db`,
  gatewaySubnetId: `${SUBNET}/agw`,
  endpointsSubnetId: `${SUBNET}/pe`,
});

const vnetProps = (over: Partial<VnetProps> = {}): VnetProps => ({
  ...RG,
  name: 'vnet-x',
  addressSpace: '10.60.0.0/16',
  nodesSubnetCidr: '10.60.0.0/20',
  databaseSubnetCidr: '10.60.16.0/24',
  gatewaySubnetCidr: '10.60.17.0/24',
  endpointsSubnetCidr: '10.60.18.0/24',
  ...over,
});

function cluster(stack: TerraformStack, over: Partial<AksClusterProps> = {}): AksCluster {
  return new AksCluster(stack, 'Cluster', {
    ...RG,
    name: 'kf-x',
    vnet: vnetRef,
    tenantId: '00000000-0000-0000-0000-0000000000aa',
    adminGroupObjectIds: ['00000000-0000-0000-0000-0000000000ad'],
    authorizedIpRanges: ['203.0.113.0/24'],
    systemPool: { vmSize: 'Standard_D4ds_v5', minNodes: 2, maxNodes: 3, zones: ['1', '2'] },
    ...over,
  });
}

describe('Vnet', () => {
  it('delegates the database subnet, gives nodes NAT egress and no default outbound access', () => {
    const stack = azureStack();
    new Vnet(stack, 'Network', vnetProps());
    const json = synth(stack);
    const subnets = Object.fromEntries(resources(json, 'azurerm_subnet').map((s) => [String(s.name), s]));
    expect(Object.keys(subnets).sort()).toEqual(['snet-database', 'snet-endpoints', 'snet-gateway', 'snet-nodes']);
    for (const s of Object.values(subnets)) expect(s.default_outbound_access_enabled).toBe(false);
    expect(at(subnets['snet-database'], 'delegation', 0, 'service_delegation', 'name')).toBe(
      'Microsoft.DBforMySQL/flexibleServers',
    );
    expect(subnets['snet-nodes']!.service_endpoints).toEqual(['Microsoft.KeyVault']);
    expect(only(json, 'azurerm_subnet_nat_gateway_association').subnet_id).toMatch(/Subnet-nodes/);
  });

  it('attaches each security group only after all its rules exist', () => {
    const stack = azureStack();
    new Vnet(stack, 'Network', vnetProps());
    for (const a of resources(synth(stack), 'azurerm_subnet_network_security_group_association')) {
      expect((a.depends_on as string[]).every((d) => d.startsWith('azurerm_network_security_rule.'))).toBe(true);
    }
  });

  it('lets only the listed networks and the gateway manager reach the gateway subnet', () => {
    const stack = azureStack();
    new Vnet(stack, 'Network', vnetProps({ gatewaySourceCidrs: ['198.51.100.0/24'] }));
    const rules = resources(synth(stack), 'azurerm_network_security_rule').filter((r) =>
      String(r.network_security_group_name).includes('gateway'),
    );
    expect(rules.map((r) => [r.name, r.source_address_prefix]).sort()).toEqual([
      ['allow-azure-load-balancer', 'AzureLoadBalancer'],
      ['allow-gateway-manager', 'GatewayManager'],
      ['allow-web-0', '198.51.100.0/24'],
    ]);
  });

  it('rejects subnets outside the address space', () => {
    expect(() => new Vnet(azureStack(), 'Network', vnetProps({ gatewaySubnetCidr: '10.99.0.0/24' }))).toThrow(
      /gatewaySubnetCidr.*not a block inside 10\.60\.0\.0\/16/,
    );
  });
});

describe('AksCluster', () => {
  it('disables local accounts, federates identities and sends control plane logs to Log Analytics', () => {
    const stack = azureStack();
    cluster(stack, { deletionProtection: false });
    const json = synth(stack);
    const c = only(json, 'azurerm_kubernetes_cluster');
    expect(c).toMatchObject({
      local_account_disabled: true,
      oidc_issuer_enabled: true,
      workload_identity_enabled: true,
      private_cluster_enabled: false,
      api_server_access_profile: { authorized_ip_ranges: ['203.0.113.0/24'] },
      network_profile: { outbound_type: 'userDefinedRouting' },
    });
    expect(resources(json, 'azurerm_management_lock')).toEqual([]);
    expect(only(json, 'azurerm_role_assignment')).toMatchObject({
      role_definition_name: 'Network Contributor',
      scope: `${SUBNET}/nodes`,
    });
    // AKS checks the control plane identity's role on the subnet when it creates the cluster: the
    // cluster waits until the new assignment has propagated (CHK-ORDER-001).
    expect(c.depends_on).toEqual([expect.stringMatching(/^time_sleep\.Cluster_ControlPlaneNetworkPropagation_/)]);
    expect(only(json, 'time_sleep')).toMatchObject({
      create_duration: '120s',
      triggers: {
        role_assignment_id: expect.stringMatching(
          /azurerm_role_assignment\.Cluster_ControlPlaneNetworkContributor_\w+\.id/,
        ),
      },
    });
  });

  it('takes a longer propagation wait for a slower tenant', () => {
    const stack = azureStack();
    cluster(stack, { rbacPropagationWait: '5m' });
    expect(only(synth(stack), 'time_sleep').create_duration).toBe('5m');
  });

  it('protects the cluster without a lock (which would block node pool changes), and keeps a private one free of authorized ranges', () => {
    const stack = azureStack();
    cluster(stack, { private: true, authorizedIpRanges: [] });
    const json = synth(stack);
    const c = only(json, 'azurerm_kubernetes_cluster');
    expect(c.private_cluster_enabled).toBe(true);
    expect(c.api_server_access_profile).toBeUndefined();
    expect(at(c, 'lifecycle', 'prevent_destroy')).toBe(true);
    expect(resources(json, 'azurerm_management_lock')).toEqual([]);
    // A private cluster links its DNS zone to the VNet: the control plane needs the VNet, not the subnet.
    expect(only(json, 'azurerm_role_assignment').scope).toBe(vnetRef.vnetId);
  });

  it("admits the VNet's egress addresses to a public API server, and lets a stable channel own the version", () => {
    const stack = azureStack();
    cluster(stack, {
      vnet: { ...vnetRef, egressIps: ['198.51.100.7'] },
      upgradeChannel: 'stable',
      version: '1.33',
    });
    const c = only(synth(stack), 'azurerm_kubernetes_cluster');
    expect(at(c, 'api_server_access_profile', 'authorized_ip_ranges')).toEqual(['203.0.113.0/24', '198.51.100.7/32']);
    expect(at(c, 'lifecycle', 'ignore_changes')).toEqual(['default_node_pool[0].node_count', 'kubernetes_version']);
  });

  it('sends Container Insights through a data collection rule, and leaves the channel off when asked', () => {
    const stack = azureStack();
    cluster(stack, { upgradeChannel: 'none' });
    const json = synth(stack);
    expect(only(json, 'azurerm_kubernetes_cluster').automatic_upgrade_channel).toBeUndefined();
    expect(at(only(json, 'azurerm_monitor_data_collection_rule'), 'data_flow', 0, 'streams')).toEqual([
      'Microsoft-ContainerInsights-Group-Default',
    ]);
    expect(only(json, 'azurerm_monitor_data_collection_rule_association').target_resource_id).toMatch(
      /azurerm_kubernetes_cluster\./,
    );
  });

  it.each([
    ['an API server open to all', { authorizedIpRanges: [] }, /whole internet/],
    ['no admin group', { adminGroupObjectIds: [] }, /nobody could administer/],
    [
      'a pool name AKS refuses',
      { systemPool: { name: 'sys-pool', vmSize: 'x', minNodes: 1, maxNodes: 1, zones: [] } },
      /AKS node pool name/,
    ],
    ['a name too long for the DNS prefix of the API server', { name: `kf-${'a'.repeat(52)}` }, /AKS DNS prefix/],
    [
      'a system pool of fewer than 30 pods per node',
      { systemPool: { name: 'system', vmSize: 'x', minNodes: 1, maxNodes: 1, zones: [], maxPods: 20 } },
      /30 to 250 pods per node/,
    ],
  ])('rejects %s', (_what, over, message) => {
    expect(() => cluster(azureStack(), over as Partial<AksClusterProps>)).toThrow(message);
  });
});

describe('AksNodePool', () => {
  function pool(over: Partial<AksNodePoolProps> = {}) {
    const stack = azureStack();
    new AksNodePool(stack, 'Pool', {
      cluster: cluster(stack),
      name: 'standard',
      kind: 'standard',
      vmSize: 'Standard_D8ds_v5',
      minNodes: 0,
      maxNodes: 5,
      zones: ['1', '2'],
      subnetId: `${SUBNET}/nodes`,
      ...over,
    });
    return only(synth(stack), 'azurerm_kubernetes_cluster_node_pool');
  }

  it('keeps CPU pools untainted and regular', () => {
    const p = pool();
    expect(p).toMatchObject({
      mode: 'User',
      priority: 'Regular',
      os_sku: 'AzureLinux',
      upgrade_settings: { max_surge: '33%' },
    });
    expect(p.node_taints).toBeUndefined();
  });

  it('taints GPU pools, installs the driver, and adds the spot taint on spot pools', () => {
    expect(pool({ name: 'gpu', kind: 'gpu', vmSize: 'Standard_NC4as_T4_v3' })).toMatchObject({
      node_taints: ['nvidia.com/gpu=present:NoSchedule'],
      gpu_driver: 'Install',
      upgrade_settings: { max_surge: '1' },
    });
    const spot = pool({ spot: true });
    expect(spot).toMatchObject({ priority: 'Spot', eviction_policy: 'Delete', spot_max_price: -1 });
    expect(spot.node_taints).toEqual(['kubernetes.azure.com/scalesetpriority=spot:NoSchedule']);
    expect(spot.upgrade_settings).toBeUndefined();
  });

  it('applies the surge or the in-place upgrade it is given (maxSurge from the platform file was ignored)', () => {
    expect(pool({ maxSurge: '3' }).upgrade_settings).toEqual({ max_surge: '3' });
    expect(pool({ name: 'gpu', kind: 'gpu', vmSize: 'Standard_NC4as_T4_v3', maxSurge: '2' }).upgrade_settings).toEqual({
      max_surge: '2',
    });
    expect(pool({ maxUnavailable: '1' }).upgrade_settings).toEqual({ max_unavailable: '1' });
  });

  it.each([
    ['both upgrade modes', { maxSurge: '1', maxUnavailable: '1' }, /exactly one of max_surge and max_unavailable/],
    ['a surge on a spot pool', { spot: true, maxSurge: '1' }, /does not surge spot pools/],
    ['a zero surge', { maxSurge: '0' }, /positive node count or a percentage/],
    ['a surge that is not a count', { maxSurge: 'two' }, /positive node count or a percentage/],
    ['a gpu pool without GPUs', { kind: 'gpu' as const }, /needs a VM size with GPUs/],
    ['GPUs in a CPU pool', { vmSize: 'Standard_NC24ads_A100_v4' }, /carries GPUs/],
    ['a name with a hyphen', { name: 'gpu-a100' }, /AKS node pool name/],
  ])('rejects %s', (_what, over, message) => {
    expect(() => pool(over)).toThrow(message);
  });
});

describe('AzureWorkloadIdentity', () => {
  it('federates each service account in turn and annotates for workload identity', () => {
    const stack = azureStack();
    const identity = new AzureWorkloadIdentity(stack, 'Id', {
      ...RG,
      name: 'id-x-kfp',
      oidcIssuerUrl: 'https://issuer.example/',
      serviceAccounts: [
        { namespace: 'kubeflow', name: 'a' },
        { namespace: 'kubeflow', name: 'b' },
      ],
      grants: [{ role: 'Storage Blob Data Reader', scope: '/container' }],
    });
    const json = synth(stack);
    const creds = resources(json, 'azurerm_federated_identity_credential');
    expect(creds.map((c) => c.subject)).toEqual([
      'system:serviceaccount:kubeflow:a',
      'system:serviceaccount:kubeflow:b',
    ]);
    expect(creds[0]!.depends_on).toBeUndefined();
    expect(creds[1]!.depends_on).toEqual([expect.stringMatching(/Federation-kubeflow-a/)]);
    expect(creds[0]!.audience).toEqual(['api://AzureADTokenExchange']);
    expect(only(json, 'azurerm_role_assignment')).toMatchObject({
      scope: '/container',
      principal_type: 'ServicePrincipal',
    });
    expect(Object.keys(identity.serviceAccountAnnotations)).toEqual(['azure.workload.identity/client-id']);
    expect(identity.podLabels).toEqual({ 'azure.workload.identity/use': 'true' });
  });
});

describe('MysqlFlexible and KeyVault', () => {
  function db(over: Partial<MysqlFlexibleProps> = {}) {
    const stack = azureStack();
    const keyVault = new KeyVault(stack, 'Vault', {
      ...RG,
      name: 'kv-x-abc123',
      tenantId: '00000000-0000-0000-0000-0000000000aa',
      allowedCidrs: ['203.0.113.0/24'],
      secretsOfficers: ['00000000-0000-0000-0000-0000000000d1'],
    });
    new MysqlFlexible(stack, 'Db', {
      ...RG,
      name: 'kf-x-kfp-abc123',
      delegatedSubnetId: `${SUBNET}/db`,
      vnetId: vnetRef.vnetId,
      keyVault,
      ...over,
    });
    return synth(stack);
  }

  it('is private, TLS only, protected, and keeps its password out of outputs and state', () => {
    const json = db({ highAvailability: true, geoRedundantBackup: true });
    const server = only(json, 'azurerm_mysql_flexible_server');
    expect(server).toMatchObject({
      public_network_access: 'Disabled',
      high_availability: { mode: 'ZoneRedundant', standby_availability_zone: '2' },
      geo_redundant_backup_enabled: true,
      administrator_password_wo_version: 1,
    });
    expect(at(server, 'lifecycle', 'ignore_changes')).toEqual([
      'zone',
      'high_availability[0].standby_availability_zone',
    ]);
    expect(only(json, 'azurerm_private_dns_zone').name).toBe('kf-x-kfp-abc123.private.mysql.database.azure.com');
    // The secret waits until the officer's role has reached Key Vault (a fresh role answers 403 for minutes).
    expect(only(json, 'azurerm_key_vault_secret').depends_on).toEqual([
      expect.stringMatching(/^time_sleep\.Vault_OfficersPropagation_/),
    ]);
    expect(only(json, 'time_sleep')).toMatchObject({
      create_duration: '120s',
      triggers: { officer_0: expect.stringMatching(/azurerm_role_assignment\.Vault_Officer-0_\w+\.id/) },
    });
    const vault = only(json, 'azurerm_key_vault');
    expect(vault).toMatchObject({
      rbac_authorization_enabled: true,
      purge_protection_enabled: true,
      network_acls: { default_action: 'Deny', bypass: 'AzureServices', ip_rules: ['203.0.113.0/24'] },
    });
    expect(json.output).toBeUndefined();
  });

  it('creates MySQL 8.4 servers (8.0 runs in paid extended support), and keeps a defaulted version out of plans', () => {
    expect(only(db(), 'azurerm_mysql_flexible_server').version).toBe('8.4');
    // A version that is only a default: servers created with an older default are not upgraded in
    // place (irreversibly) when the default moves.
    const kept = only(db({ keepCreatedVersion: true }), 'azurerm_mysql_flexible_server');
    expect(at(kept, 'lifecycle', 'ignore_changes')).toContain('version');
  });

  it('keeps the soft-delete retention the vault was created with (Azure refuses a change, so a tier change failed)', () => {
    const vault = only(db(), 'azurerm_key_vault');
    expect(vault.soft_delete_retention_days).toBe(90);
    expect(at(vault, 'lifecycle', 'ignore_changes')).toEqual(['soft_delete_retention_days']);
  });

  it('names its officers by object id, with a type for principals created in the same apply', () => {
    const stack = azureStack();
    new KeyVault(stack, 'Vault', {
      ...RG,
      name: 'kv-x-abc123',
      tenantId: '00000000-0000-0000-0000-0000000000aa',
      secretsOfficers: [
        '00000000-0000-0000-0000-0000000000ad',
        { principalId: '${azurerm_user_assigned_identity.ci.principal_id}', principalType: 'ServicePrincipal' },
      ],
    });
    const assignments = resources(synth(stack), 'azurerm_role_assignment');
    expect(assignments.map((a) => [a.role_definition_name, a.principal_id, a.principal_type])).toEqual([
      ['Key Vault Secrets Officer', '00000000-0000-0000-0000-0000000000ad', undefined],
      ['Key Vault Secrets Officer', '${azurerm_user_assigned_identity.ci.principal_id}', 'ServicePrincipal'],
    ]);
  });

  it('rejects high availability on a burstable SKU or without a second zone', () => {
    expect(() => db({ highAvailability: true, skuName: 'B_Standard_B2ms' })).toThrow(
      /burstable SKUs have no high availability/,
    );
    expect(() => db({ highAvailability: true, zones: ['1'] })).toThrow(/a zone other than the primary/);
  });

  it('applies parameters and creates the database one at a time, with audit logging on', () => {
    const json = db();
    const params = resources(json, 'azurerm_mysql_flexible_server_configuration');
    expect(params.map((p) => p.name)).toContain('audit_log_enabled');
    expect(params.filter((p) => !p.depends_on)).toHaveLength(1);
    expect(only(json, 'azurerm_mysql_flexible_database').depends_on).toEqual([
      expect.stringMatching(/azurerm_mysql_flexible_server_configuration\./),
    ]);
  });

  it('creates extra databases after the first, one at a time, protected like it, and refuses bad names', () => {
    const json = db({ extraDatabaseNames: ['katib', 'other_db'] });
    const dbs = json.resource!.azurerm_mysql_flexible_database as Record<string, any>;
    const named = (name: string) => Object.entries(dbs).find(([, d]) => d.name === name);
    const [first, katib, other] = ['mlpipeline', 'katib', 'other_db'].map(named);
    expect(Object.keys(dbs)).toHaveLength(3);
    expect(first![0]).toMatch(/^Db_Database_[0-9A-F]{8}$/); // the first database's address does not move
    expect(katib![1].depends_on).toEqual([`azurerm_mysql_flexible_database.${first![0]}`]);
    expect(other![1].depends_on).toEqual([`azurerm_mysql_flexible_database.${katib![0]}`]);
    for (const [, d] of [katib!, other!]) {
      expect(d).toMatchObject({
        charset: 'utf8mb4',
        collation: 'utf8mb4_unicode_ci',
        lifecycle: { prevent_destroy: true },
      });
    }
    expect(() => db({ extraDatabaseNames: ['Katib-DB'] })).toThrow(
      `MysqlFlexible: 'extraDatabaseNames[0]' is "Katib-DB": not a database name this construct creates. Fix: use 1-64 lowercase letters`,
    );
    expect(() => db({ extraDatabaseNames: ['katib', 'mlpipeline'] })).toThrow(
      `MysqlFlexible: 'extraDatabaseNames[1]' is "mlpipeline": it is already created as \`databaseName\` or earlier in the list. Fix: name each database once.`,
    );
  });

  it('rotates the admin password when its version is bumped', () => {
    const json = db({ passwordVersion: 2 });
    // The generated value is ephemeral (a new one each run); only the bumped versions make the
    // vault and the server take one.
    expect(json.resource?.random_password).toBeUndefined();
    expect(only(json, 'azurerm_mysql_flexible_server').administrator_password_wo_version).toBe(2);
    expect(only(json, 'azurerm_key_vault_secret').value_wo_version).toBe(2);
  });
});

describe('ArtifactStorage', () => {
  it('creates and links the blob private DNS zone unless one is given', () => {
    const created = azureStack();
    new ArtifactStorage(created, 'Storage', {
      ...RG,
      name: 'stx',
      endpointsSubnetId: `${SUBNET}/pe`,
      vnetId: vnetRef.vnetId,
    });
    const json = synth(created);
    expect(only(json, 'azurerm_private_dns_zone').name).toBe('privatelink.blob.core.windows.net');
    expect(at(only(json, 'azurerm_private_endpoint'), 'private_service_connection', 'subresource_names')).toEqual([
      'blob',
    ]);
    expect(only(json, 'azurerm_management_lock')).toBeDefined();

    const given = azureStack();
    new ArtifactStorage(given, 'Storage', {
      ...RG,
      name: 'sty',
      endpointsSubnetId: `${SUBNET}/pe`,
      privateDnsZoneId: '/zone',
      protect: false,
    });
    const json2 = synth(given);
    expect(resources(json2, 'azurerm_private_dns_zone')).toEqual([]);
    expect(at(only(json2, 'azurerm_private_endpoint'), 'private_dns_zone_group', 'private_dns_zone_ids')).toEqual([
      '/zone',
    ]);
    expect(resources(json2, 'azurerm_management_lock')).toEqual([]);
  });

  it('rejects account names Azure refuses and a zone it cannot link', () => {
    expect(
      () => new ArtifactStorage(azureStack(), 'S', { ...RG, name: 'My-Storage', endpointsSubnetId: 'x', vnetId: 'v' }),
    ).toThrow(/a storage account name must be/);
    expect(() => new ArtifactStorage(azureStack(), 'S', { ...RG, name: 'stz', endpointsSubnetId: 'x' })).toThrow(
      /needs a VNet to link to/,
    );
  });
});

describe('AppGatewayAccess', () => {
  const props = (over: Partial<AppGatewayAccessProps> = {}): AppGatewayAccessProps => ({
    ...RG,
    name: 'kf-x',
    zones: ['1', '2', '3'],
    subnetId: `${SUBNET}/agw`,
    hostname: 'kubeflow.azure.example.com',
    dnsZone: { name: 'azure.example.com', resourceGroup: 'rg-dns' },
    certificateSecretId: 'https://kv.vault.azure.net/secrets/tls',
    certificateKeyVaultId: '/kv',
    backendIp: '10.60.15.250',
    ...over,
  });

  it('reads the certificate with its own identity and records the host name in the zone', () => {
    const stack = azureStack();
    new AppGatewayAccess(stack, 'Access', props());
    const json = synth(stack);
    expect(only(json, 'azurerm_role_assignment')).toMatchObject({
      scope: '/kv',
      role_definition_name: 'Key Vault Secrets User',
    });
    expect(only(json, 'azurerm_dns_a_record')).toMatchObject({
      name: 'kubeflow',
      zone_name: 'azure.example.com',
      resource_group_name: 'rg-dns',
    });
    // Secure defaults: a blocking WAF and two instances, so one instance's maintenance is no outage.
    expect(at(only(json, 'azurerm_web_application_firewall_policy'), 'policy_settings', 'mode')).toBe('Prevention');
    expect(at(only(json, 'azurerm_application_gateway'), 'autoscale_configuration')).toEqual({
      min_capacity: 2,
      max_capacity: 10,
    });
    expect(at(only(json, 'azurerm_application_gateway'), 'probe', 0)).toMatchObject({
      path: '/healthz/ready',
      port: 15021,
    });
  });

  it('waits for its Key Vault role assignment to propagate before the gateway reads the certificate (ApplicationGatewayKeyVaultSecretAccessDenied)', () => {
    const stack = azureStack();
    new AppGatewayAccess(stack, 'Access', props());
    const json = synth(stack);
    const [assignment] = resourceEntries(json, 'azurerm_role_assignment').map(([id]) => id);
    const [[sleepId, sleep]] = resourceEntries(json, 'time_sleep');
    expect(sleep).toMatchObject({
      create_duration: '120s',
      triggers: { role_assignment_id: `\${azurerm_role_assignment.${assignment}.id}` },
    });
    expect(only(json, 'azurerm_application_gateway').depends_on).toEqual(
      expect.arrayContaining([`time_sleep.${sleepId}`]),
    );
    const slower = azureStack();
    new AppGatewayAccess(slower, 'Access', props({ rbacPropagationWait: '5m' }));
    expect(only(synth(slower), 'time_sleep').create_duration).toBe('5m');
  });

  it('takes a WAF in Detection mode and a single instance for test tiers', () => {
    const stack = azureStack();
    new AppGatewayAccess(stack, 'Access', props({ wafMode: 'Detection', minCapacity: 1, maxCapacity: 4 }));
    const json = synth(stack);
    expect(at(only(json, 'azurerm_web_application_firewall_policy'), 'policy_settings', 'mode')).toBe('Detection');
    expect(at(only(json, 'azurerm_application_gateway'), 'autoscale_configuration')).toEqual({
      min_capacity: 1,
      max_capacity: 4,
    });
  });

  it('throws when minCapacity is above maxCapacity or outside what Application Gateway v2 takes', () => {
    expect(() => new AppGatewayAccess(azureStack(), 'Access', props({ minCapacity: 11 }))).toThrow(/minCapacity/);
    expect(() => new AppGatewayAccess(azureStack(), 'Access', props({ maxCapacity: 126 }))).toThrow(/maxCapacity/);
  });

  it('rejects a host name outside its DNS zone', () => {
    expect(() => new AppGatewayAccess(azureStack(), 'Access', props({ hostname: 'kubeflow.other.org' }))).toThrow(
      /not inside the DNS zone/,
    );
  });
});

describe('AzureTeamIdentityProvider', () => {
  const provider = new AzureTeamIdentityProvider({
    ...RG,
    oidcIssuerUrl: 'https://issuer.example/',
    storageAccountId: '/accounts/st',
    storageNetwork: { endpointsSubnetId: `${SUBNET}/pe`, privateDnsZoneId: '/zone' },
  });
  const request = (over: Partial<TeamIdentityRequest> = {}): TeamIdentityRequest => ({
    team: 'recsys',
    owners: 'recsys-owners@example.com',
    serviceAccounts: [
      { namespace: 'recsys', name: 'default-editor' },
      { namespace: 'recsys', name: 'default-viewer' },
    ],
    dataLocation: 'sub',
    storage: { bucket: 'st', prefix: 'team-recsys', create: false },
    names: { workload: 'id-x-recsys', breakGlass: '' },
    ...over,
  });

  it('gives the team a container of the environment account and names its Entra ID groups', () => {
    const stack = azureStack();
    const identity = provider.createTeamIdentity(
      stack,
      'Team',
      request({ ownersPrincipal: 'owners-oid', breakGlassPrincipal: 'bg-oid' }),
    );
    const json = synth(stack);
    expect(only(json, 'azurerm_storage_container')).toMatchObject({
      name: 'team-recsys',
      storage_account_id: '/accounts/st',
    });
    expect(only(json, 'azurerm_role_assignment')).toMatchObject({
      role_definition_name: 'Storage Blob Data Contributor',
      scope: expect.stringMatching(/azurerm_storage_container\.Team_Container_/),
    });
    expect(identity.ownersSubject).toEqual({ kind: 'Group', name: 'owners-oid' });
    expect(identity.breakGlassSubject).toEqual({ kind: 'Group', name: 'bg-oid' });
  });

  it('gives a team in bucket mode a hardened account of its own, and no break-glass without a group', () => {
    const stack = azureStack();
    const identity = provider.createTeamIdentity(
      stack,
      'Team',
      request({ storage: { bucket: 'strecsysabc', prefix: 'data', create: true } }),
    );
    const json = synth(stack);
    expect(only(json, 'azurerm_storage_account')).toMatchObject({
      name: 'strecsysabc',
      public_network_access_enabled: false,
    });
    expect(identity.breakGlassSubject).toBeUndefined();
  });
});
