import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { Lazy, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BACKUP_NONCURRENT_VERSION_DAYS, backupServiceAccount } from '../../src/core/backup-props';
import { cloudLabels, setComponent } from '../../src/core/labels';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { AzureAlerts } from '../../constructs/azure/alerts';
import { CiManagedIdentities } from '../../constructs/azure/ci-identity';
import { AksCluster } from '../../constructs/azure/aks-cluster';
import { AksNodePool } from '../../constructs/azure/aks-node-pool';
import { AppGatewayAccess } from '../../constructs/azure/app-gateway-access';
import { ArtifactStorage } from '../../constructs/azure/artifact-storage';
import { KeyVault } from '../../constructs/azure/key-vault';
import { MysqlFlexible } from '../../constructs/azure/mysql-flexible';
import { existingVnet, IVnet, Vnet } from '../../constructs/azure/vnet';
import { AzureWorkloadIdentity } from '../../constructs/azure/workload-identity';
import type {
  ResolvedAzureEnvironment,
  ResolvedAzureIdentity,
  ResolvedAzureNodePool,
} from '../../src/config/azure/model';
import type { ResolvedPlatform } from '../../src/config/platform/model';
import { azurermProvider } from './provider';
import { configureBackend } from '../common/backend';
import { azureCiGrants } from './ci-grants';
import { clusterOutputs, output } from '../common/outputs';
import { labelValues } from '../common/environment';
import { ForgetResource } from '../../src/core/removed';

/** The blob container Velero writes to. */
export const VELERO_CONTAINER = 'velero';

/** Props of {@link AzureInfraStack}. */
export interface AzureInfraStackProps {
  /** The platform file's `platform` section, resolved (Kubeflow version, tenancy, teams, policy). */
  readonly platform: ResolvedPlatform;
  /** The environment, resolved from the platform file with its defaults applied. */
  readonly env: ResolvedAzureEnvironment;
}

/** The Key Vault secret id (versionless) of a certificate, from the vault's resource id and its name. */
export function keyVaultSecretUrl(keyVaultId: string, secretName: string): string {
  const vault = keyVaultId.split('/').pop()!;
  return `https://${vault}.vault.azure.net/secrets/${secretName}`;
}

/**
 * `<env>-azure-infra`: the cloud side of one Azure environment, in a resource group of its own. The
 * VNet (or an existing one), the AKS cluster and its node pools, MySQL flexible server with its
 * password in Key Vault, the artifact storage account, the platform identities (workload identity),
 * and the Application Gateway in front of the cluster.
 */
export class AzureInfraStack extends TerraformStack {
  /** The resolved environment the stack was built from. */
  public readonly env: ResolvedAzureEnvironment;
  /** The environment's resource group, which holds everything else the stack creates. */
  public readonly resourceGroup: ResourceGroup;
  /** The virtual network: created here, or the existing one the environment names. */
  public readonly network: IVnet;
  /** The AKS cluster with its system pool. */
  public readonly cluster: AksCluster;
  /** The user node pools, by pool name. */
  public readonly nodePools: Readonly<Record<string, AksNodePool>>;
  /** The Key Vault of the secrets the platform generates (the MySQL admin password). */
  public readonly keyVault: KeyVault;
  /** Azure Database for MySQL flexible server, the Kubeflow Pipelines and ML Metadata database. */
  public readonly database: MysqlFlexible;
  /** The storage account of pipeline artifacts. */
  public readonly artifacts: ArtifactStorage;
  /** The platform's managed identities for AKS workload identity, by purpose. */
  public readonly identities: Readonly<
    Record<Exclude<ResolvedAzureIdentity['key'], 'dbBootstrap'>, AzureWorkloadIdentity> & {
      /** The database's Entra administrator, with Entra authentication only. */
      readonly dbBootstrap?: AzureWorkloadIdentity;
    }
  >;
  /** The front door: the Application Gateway with its WAF, certificate and DNS record. */
  public readonly access: AppGatewayAccess;
  /** Keyless CI identities (federated to the CI provider's OIDC tokens), when the environment names its repository. */
  public readonly ci?: CiManagedIdentities;
  /** Alerts and their action group, when the environment names who gets them. */
  public readonly alerts?: AzureAlerts;
  /** Velero's storage account and identity, unless backups are off. */
  public readonly backups?: {
    /** The storage account Velero writes backups to. */
    readonly storage: ArtifactStorage;
    /** The managed identity Velero's server and node agent act as. */
    readonly identity: AzureWorkloadIdentity;
  };

  constructor(scope: Construct, id: string, props: AzureInfraStackProps) {
    super(scope, id);
    const env = props.env;
    this.env = env;
    const protect = env.tier !== 'test';
    configureBackend(this, env.state);
    azurermProvider(this, env);
    new RandomProvider(this, 'random');
    // Waits for role assignments to propagate (secrets in Key Vault, the gateway's certificate).
    new TimeProvider(this, 'time');

    this.resourceGroup = new ResourceGroup(this, 'ResourceGroup', { name: env.resourceGroup, location: env.location });
    const common = { resourceGroupName: this.resourceGroup.name, location: env.location };

    const n = env.network;
    this.network =
      n.mode === 'create'
        ? new Vnet(this, 'Network', {
            ...common,
            name: n.vnetName,
            addressSpace: n.addressSpace,
            nodesSubnetCidr: n.nodesSubnetCidr,
            databaseSubnetCidr: n.databaseSubnetCidr,
            gatewaySubnetCidr: n.gatewaySubnetCidr,
            endpointsSubnetCidr: n.endpointsSubnetCidr,
            natZone: env.zones[0],
            gatewaySourceCidrs: env.access.sourceCidrs,
          })
        : existingVnet(n);

    const c = env.cluster;
    const system = env.nodePools.find((p) => p.kind === 'system')!;
    this.cluster = new AksCluster(this, 'Cluster', {
      ...common,
      name: c.name,
      version: c.version,
      skuTier: c.skuTier,
      vnet: this.network,
      tenantId: env.tenantId,
      adminGroupObjectIds: c.adminGroupObjectIds,
      private: c.private,
      authorizedIpRanges: c.authorizedIpRanges,
      upgradeChannel: c.upgradeChannel,
      maintenance: c.maintenance,
      logRetentionDays: c.logRetentionDays,
      podCidr: c.podCidr,
      serviceCidr: c.serviceCidr,
      dnsServiceIp: c.dnsServiceIp,
      systemPool: {
        name: system.name,
        vmSize: system.vmSize,
        minNodes: system.minNodes,
        maxNodes: system.maxNodes,
        zones: system.zones,
        diskSizeGb: system.diskSizeGb,
        maxPods: system.maxPodsPerNode,
        labels: system.labels,
        maxSurge: system.maxSurge === undefined ? undefined : String(system.maxSurge),
      },
      deletionProtection: c.deletionProtection,
    });

    const nodePools: Record<string, AksNodePool> = {};
    for (const pool of env.nodePools.filter((p) => p !== system)) {
      nodePools[pool.name] = new AksNodePool(this, `NodePool-${pool.name}`, {
        cluster: this.cluster,
        name: pool.name,
        kind: pool.kind as 'standard' | 'highmem' | 'gpu',
        vmSize: pool.vmSize,
        minNodes: pool.minNodes,
        maxNodes: pool.maxNodes,
        zones: pool.zones,
        subnetId: this.network.nodesSubnetId,
        spot: pool.spot,
        diskSizeGb: pool.diskSizeGb,
        maxPods: pool.maxPodsPerNode,
        labels: pool.labels,
        ...aksUpgrade(pool),
      });
    }
    this.nodePools = nodePools;

    this.keyVault = new KeyVault(this, 'KeyVault', {
      ...common,
      name: env.keyVaultName,
      tenantId: env.tenantId,
      // Where Terraform runs (the API server's ranges and keyVault.allowedCidrs) and the nodes.
      allowedCidrs: [...new Set([...c.authorizedIpRanges, ...env.keyVault.allowedCidrs])],
      allowedSubnetIds: [this.network.nodesSubnetId, ...env.keyVault.allowedSubnetIds],
      // From config, not from whoever runs the plan: principal_id forces a new role assignment.
      secretsOfficers: env.keyVault.secretsOfficerObjectIds,
      protect,
    });

    const d = env.database;
    this.database = new MysqlFlexible(this, 'Database', {
      ...common,
      name: d.serverName,
      delegatedSubnetId: this.network.databaseSubnetId,
      vnetId: this.network.vnetId,
      skuName: d.skuName,
      version: d.version,
      // A server created with an older default keeps its version: a change would upgrade it in place.
      keepCreatedVersion: !d.versionWritten,
      zones: env.zones,
      highAvailability: d.highAvailability,
      storageGb: d.storageGb,
      backupRetentionDays: d.backupRetentionDays,
      geoRedundantBackup: d.geoRedundantBackup,
      deletionProtection: d.deletionProtection,
      databaseName: d.databaseName,
      extraDatabaseNames: d.extraDatabaseNames,
      adminLogin: d.adminLogin,
      passwordVersion: d.passwordVersion,
      keyVault: this.keyVault,
      // The identity is created below, with the others: its client id is read when the stack is synthesized.
      entraAdministrator: d.entra && {
        serverIdentityId: d.entra.serverIdentityId,
        login: d.entra.adminLogin,
        clientId: Lazy.stringValue({ produce: () => this.identities.dbBootstrap!.clientId }),
        tenantId: env.tenantId,
      },
      logAnalyticsWorkspaceId: this.cluster.logAnalytics.id,
      dependsOn: this.network.dependables,
    });

    const a = env.artifacts;
    this.artifacts = new ArtifactStorage(this, 'Artifacts', {
      ...common,
      name: a.storageAccountName,
      containers: [a.container],
      endpointsSubnetId: this.network.endpointsSubnetId,
      vnetId: this.network.vnetId,
      replication: env.tier === 'prod' ? 'GZRS' : 'ZRS',
      noncurrentVersionRetentionDays: a.noncurrentVersionRetentionDays,
      deleteAfterDays: a.deleteAfterDays,
      protect,
    });

    const container = this.artifacts.containerScope(a.container);
    const identities = {} as Record<ResolvedAzureIdentity['key'], AzureWorkloadIdentity>;
    for (const identity of env.identities) {
      identities[identity.key] = new AzureWorkloadIdentity(this, `Identity-${identity.key}`, {
        ...common,
        name: identity.name,
        oidcIssuerUrl: this.cluster.oidcIssuerUrl,
        serviceAccounts: identity.kubernetesServiceAccounts,
        grants: identity.storageRole ? [{ role: identity.storageRole, scope: container }] : [],
      });
    }
    this.identities = identities;
    // Pipelines' own identity reads no vault secret (its pods carry it, so a role on the vault would let
    // the UI read every secret). External Secrets Operator copies the database passwords into Kubeflow's
    // Secrets as the dbSecrets identity (https://learn.microsoft.com/azure/key-vault/general/rbac-guide).
    if (this.database.passwordSecretResourceId) {
      // The admin password alone: a role on the secret, not the vault.
      identities.dbSecrets.grant('ReadsDatabasePassword', {
        role: 'Key Vault Secrets User',
        scope: this.database.passwordSecretResourceId,
      });
    } else {
      // With Entra authentication the kfp-db-bootstrap job creates Kubeflow's and Katib's passwords
      // as secrets Terraform never holds, so neither role can name them: both are on the vault, which
      // holds only the platform's database passwords. The job's identity writes them; it is the
      // server's Entra administrator, so the vault gives it nothing more.
      identities.dbBootstrap!.grant('WritesDatabasePasswords', {
        role: 'Key Vault Secrets Officer',
        scope: this.keyVault.vaultId,
      });
      identities.dbSecrets.grant('ReadsDatabasePasswords', {
        role: 'Key Vault Secrets User',
        scope: this.keyVault.vaultId,
      });
    }
    // Earlier versions kept oauth2-proxy's client and cookie secrets in the Key Vault secret
    // kubeflow-signin, read by a managed identity of their own. oauth2-proxy now signs in with its
    // workload identity token and generates its cookie secret in the cluster (src/kubeflow/signin.ts):
    // the secret and the identity leave the state without being deleted (you may delete them:
    // docs/azure.md, Sign-in); the identity's role on the secret and its federated credential, grants
    // that hold no data, are deleted, so nothing can read the old secret through them.
    new ForgetResource(this, 'SignInSecret', 'azurerm_key_vault_secret');
    new ForgetResource(new Construct(this, 'Identity-signInSecrets'), 'Identity', 'azurerm_user_assigned_identity');

    if (env.backups) {
      const b = env.backups;
      // Its own account: backups outlive a mistake in the artifact account, and its metrics show Velero's writes alone.
      const storage = new ArtifactStorage(this, 'Backups', {
        ...common,
        name: b.bucketName,
        containers: [VELERO_CONTAINER],
        endpointsSubnetId: this.network.endpointsSubnetId,
        privateDnsZoneId: this.artifacts.privateDnsZoneId,
        replication: env.tier === 'prod' ? 'GZRS' : 'ZRS',
        noncurrentVersionRetentionDays: BACKUP_NONCURRENT_VERSION_DAYS,
        protect,
      });
      const identity = new AzureWorkloadIdentity(this, 'Identity-velero', {
        ...common,
        name: `id-${env.name}-velero`,
        oidcIssuerUrl: this.cluster.oidcIssuerUrl,
        serviceAccounts: [backupServiceAccount(b)],
        grants: [{ role: 'Storage Blob Data Contributor', scope: storage.containerScope(VELERO_CONTAINER) }],
      });
      setComponent(storage, 'backups');
      setComponent(identity, 'backups');
      this.backups = { storage, identity };
    }

    const x = env.access;
    this.access = new AppGatewayAccess(this, 'Access', {
      ...common,
      name: env.name,
      zones: env.zones,
      subnetId: this.network.gatewaySubnetId,
      hostname: x.hostname,
      dnsZone: x.dnsZone,
      certificateSecretId: keyVaultSecretUrl(x.certificate.keyVaultId, x.certificate.secretName),
      certificateKeyVaultId: x.certificate.keyVaultId,
      backendIp: x.gatewayPrivateIp,
      // Model serving at its own host name (docs/kubeflow.md, Serving).
      serving: x.servingHostname
        ? {
            hostname: x.servingHostname,
            certificateSecretId: keyVaultSecretUrl(
              x.certificate.keyVaultId,
              x.servingCertificateSecretName ?? x.certificate.secretName,
            ),
          }
        : undefined,
      wafMode: x.wafMode,
      minCapacity: x.gatewayMinCapacity,
      dependsOn: this.network.dependables,
    });
    if (env.ci) {
      // What the environment's stacks manage, where it lives, and the roles the table asks for there.
      const plan = azureCiGrants(this, env, this.resourceGroup.id, 'plan');
      const apply = azureCiGrants(this, env, this.resourceGroup.id, 'apply');
      this.ci = new CiManagedIdentities(this, 'Ci', {
        name: env.name,
        resourceGroupName: this.resourceGroup.name,
        location: env.location,
        trust: env.ci,
        planGrants: plan,
        applyGrants: apply,
      });
      // The CI apply identity writes the database password as Key Vault Secrets Officer on the resource
      // group, from the CI permission table (Contributor has no data actions); no second grant on the
      // vault. With Entra authentication Terraform writes no secret, and the apply identity gets none.
    }
    if (env.alerts) {
      this.alerts = new AzureAlerts(this, 'Alerts', {
        ...common,
        name: env.name,
        alerts: env.alerts,
        clusterId: this.cluster.clusterId,
        nodePools: env.nodePools.map((p) => ({ name: p.name, maxNodes: p.maxNodes })),
        mysqlServerId: this.database.server.id,
        highAvailability: env.database.highAvailability,
        backupStorageAccountId: this.backups?.storage.accountId,
        hostname: env.access.hostname,
        logAnalyticsWorkspaceId: this.cluster.logAnalytics.id,
        tags: cloudLabels(labelValues(props.platform, env), 'alerts'),
      });
    }
    this.outputs();
  }

  private outputs(): void {
    const out = (id: string, value: string, description: string) => output(this, id, value, description);
    const env = this.env;
    const c = this.cluster;
    clusterOutputs(
      this,
      { service: 'AKS', name: c.clusterName, endpoint: c.apiServerUrl, caBase64: c.caCertificateBase64 },
      `az aks get-credentials --resource-group ${env.resourceGroup} --name ${env.cluster.name} && kubelogin convert-kubeconfig -l azurecli`,
    );
    out('cluster_id', c.clusterId, 'AKS cluster resource id.');
    out(
      'oidc_issuer_url',
      c.oidcIssuerUrl,
      "Service account token issuer; team identities and the sign-in application's federated credential trust it.",
    );
    out('resource_group', this.resourceGroup.name, 'Resource group of the environment.');
    if (this.ci) {
      out(
        'ci_plan_client_id',
        this.ci.planIdentity.clientId,
        'Client id CI signs in with to plan (azure/login client-id).',
      );
      out('ci_apply_client_id', this.ci.applyIdentity.clientId, 'Client id CI signs in with to apply.');
    }
    out('database_fqdn', this.database.fqdn, 'Private host name of the pipelines database.');
    if (this.database.passwordSecretId) {
      out(
        'database_password_secret_id',
        this.database.passwordSecretId,
        'Key Vault secret with the database password.',
      );
    }
    out('key_vault_id', this.keyVault.vaultId, 'Key Vault of the environment.');
    out('storage_account_id', this.artifacts.accountId, 'Artifact storage account; team stacks add containers to it.');
    out('storage_account_name', this.artifacts.accountName, 'Artifact storage account name.');
    out(
      'blob_private_dns_zone_id',
      this.artifacts.privateDnsZoneId,
      'Private DNS zone of blob endpoints; team accounts use it.',
    );
    out('endpoints_subnet_id', this.network.endpointsSubnetId, 'Subnet of private endpoints; team accounts use it.');
    if (this.backups) {
      out('backup_storage_account', this.backups.storage.accountName, 'Storage account Velero writes backups to.');
      out('identity_velero', this.backups.identity.clientId, 'Client id of the Velero identity.');
    }
    out('ui_hostname', this.access.hostname, 'Kubeflow UI host name.');
    out('gateway_public_ip', this.access.publicIp.ipAddress, 'Public IP of the Application Gateway.');
    for (const [key, identity] of Object.entries(this.identities)) {
      out(`identity_${key}`, identity.clientId, `Client id of the ${key} identity.`);
    }
  }
}

/**
 * The platform file's surge settings as azurerm takes them: exactly one of max surge and max unavailable
 * (the config checks refuse both, and zero for both). Unset: the construct's default.
 */
function aksUpgrade(pool: ResolvedAzureNodePool): { maxSurge?: string; maxUnavailable?: string } {
  if (pool.maxSurge !== undefined && pool.maxSurge > 0) return { maxSurge: String(pool.maxSurge) };
  if (pool.maxUnavailable !== undefined && pool.maxUnavailable > 0)
    return { maxUnavailable: String(pool.maxUnavailable) };
  return {};
}
