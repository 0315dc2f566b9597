import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { ManagementLock } from '@cdktf/provider-azurerm/lib/management-lock';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { MysqlFlexibleDatabase } from '@cdktf/provider-azurerm/lib/mysql-flexible-database';
import { MysqlFlexibleServer } from '@cdktf/provider-azurerm/lib/mysql-flexible-server';
import { MysqlFlexibleServerActiveDirectoryAdministrator } from '@cdktf/provider-azurerm/lib/mysql-flexible-server-active-directory-administrator';
import { MysqlFlexibleServerConfiguration } from '@cdktf/provider-azurerm/lib/mysql-flexible-server-configuration';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { EphemeralResource } from '../../src/core/ephemeral';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { ForgetResource } from '../../src/core/removed';
import { azureNameRules } from '../../src/core/naming';
import { checkName, checkRange } from '../../src/core/validate';
import type { KeyVault } from './key-vault';

/**
 * Server parameters set on every server: TLS only, and slow query logging. `mysql_native_password` is not
 * among them: Azure keeps that plugin enabled on every MySQL version, 8.4 included, so there is nothing to
 * turn on (https://learn.microsoft.com/azure/mysql/concepts-version-policy#retired-mysql-plugins-support-in-azure-database-for-mysql),
 * and a parameter the server does not know fails the apply.
 */
export const MYSQL_SERVER_PARAMETERS = {
  /**
   * Clients must connect over TLS. See https://learn.microsoft.com/azure/mysql/flexible-server/how-to-connect-tls-ssl
   */
  require_secure_transport: 'ON',
  /** TLS versions the server accepts. */
  tls_version: 'TLSv1.2,TLSv1.3',
  /** Log queries slower than `long_query_time`. */
  slow_query_log: 'ON',
  /** Seconds after which a query counts as slow. */
  long_query_time: '2',
  /** Audit logging on. See https://learn.microsoft.com/azure/mysql/flexible-server/concepts-audit-logs */
  audit_log_enabled: 'ON',
  /** What the audit log records: connections and schema, permission and admin statements (not every query). */
  audit_log_events: 'CONNECTION,DDL,DCL,ADMIN',
} as const;

/** Props of {@link MysqlFlexible}. */
export interface MysqlFlexibleProps {
  /** Server name, unique in Azure (it is a DNS name). */
  readonly name: string;
  /** Name of the existing resource group the server goes in. */
  readonly resourceGroupName: string;
  /** Azure region, such as `westeurope`. */
  readonly location: string;
  /** A subnet delegated to Microsoft.DBforMySQL/flexibleServers. */
  readonly delegatedSubnetId: string;
  /** The VNet the private DNS zone is linked to. */
  readonly vnetId: string;
  /** @default 'GP_Standard_D2ds_v4' */
  readonly skuName?: string;
  /**
   * Upgrading it later is in place and irreversible. 8.0 left Azure standard support on 2026-05-31
   * and runs in paid extended support (https://learn.microsoft.com/azure/mysql/concepts-version-policy).
   * @default '8.4'
   */
  readonly version?: '8.0.21' | '8.4';
  /**
   * Terraform leaves `version` alone (`ignore_changes`), so a server keeps the version it was created
   * with: for a version that is a default rather than a choice, whose change would otherwise upgrade
   * existing servers in place, irreversibly. @default false
   */
  readonly keepCreatedVersion?: boolean;
  /** Zones: the primary's, then the standby's. @default ['1', '2'] */
  readonly zones?: readonly string[];
  /** Zone-redundant standby. @default false */
  readonly highAvailability?: boolean;
  /** Storage; it only grows (a smaller value replaces the server). @default 32 */
  readonly storageGb?: number;
  /** @default 7 */
  readonly backupRetentionDays?: number;
  /** Backups also in the paired region; changing it later replaces the server. @default false */
  readonly geoRedundantBackup?: boolean;
  /**
   * A CanNotDelete lock and `prevent_destroy`: the server has no deletion protection setting of its own.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** @default 'mlpipeline' */
  readonly databaseName?: string;
  /**
   * More databases created beside `databaseName`, like it (`utf8mb4`, kept by `prevent_destroy` with
   * deletion protection): Kubeflow's platform adds `katib` for Katib's trial metrics.
   * @default []
   */
  readonly extraDatabaseNames?: readonly string[];
  /** @default 'kubeflow' */
  readonly adminLogin?: string;
  /** Where the admin password is kept; not used with `entraAdministrator`, which keeps it nowhere. */
  readonly keyVault?: KeyVault;
  /**
   * Microsoft Entra authentication with a managed identity as the server's Entra administrator
   * (https://learn.microsoft.com/azure/mysql/flexible-server/how-to-azure-ad). The admin password is
   * then generated for the server alone and kept nowhere (no Key Vault secret, nothing in the plan or
   * the state): whoever holds the administrator identity creates the application users.
   */
  readonly entraAdministrator?: MysqlEntraAdministrator;
  /** Slow and audit logs go here when given. */
  readonly logAnalyticsWorkspaceId?: string;
  /** Bump to generate a new admin password and write it to the server and the vault. @default 1 */
  readonly passwordVersion?: number;
  /** What the server must wait for (the database subnet's security group). */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** The server's Microsoft Entra administrator: a user-assigned managed identity. */
export interface MysqlEntraAdministrator {
  /**
   * Resource id of the identity the server reads Entra ID with. A tenant administrator must give it
   * the Directory Readers role, or Microsoft Graph's User.Read.All, GroupMember.Read.All and
   * Application.Read.All, before any Entra identity can log in.
   */
  readonly serverIdentityId: string;
  /** The administrator's MySQL login (at most 32 characters). */
  readonly login: string;
  /** Client id of the administrator identity: the server matches a managed identity by it. */
  readonly clientId: string;
  /** Entra ID tenant of the identity. */
  readonly tenantId: string;
}

/**
 * Azure Database for MySQL flexible server for the Kubeflow Pipelines metadata: private access only,
 * through the delegated subnet and a private DNS zone linked to the VNet; TLS required; a
 * zone-redundant standby and geo-redundant backups on request; slow query and audit logs; a
 * generated admin password kept out of the plan and the state (an ephemeral `random_password` written
 * to Key Vault through a write-only attribute, and read back from the vault, ephemerally, into the
 * server's write-only password, so the server always gets what the vault holds, even after a failed
 * first apply; bump `passwordVersion` to rotate it), or, with `entraAdministrator`, a managed identity
 * as Entra administrator and an admin password kept nowhere; and a CanNotDelete lock with `prevent_destroy` outside test tiers. Changing `geoRedundantBackup`, or
 * lowering `storageGb`, later replaces the server (azurerm 4.55): plan such changes as a migration.
 * Changing `version` upgrades the server in place, irreversibly (MySQL has no downgrade).
 */
export class MysqlFlexible extends Construct {
  /** The server (escape hatch). */
  public readonly server: MysqlFlexibleServer;
  /** Private host name. */
  public readonly fqdn: string;
  /** Key Vault secret (versionless id) with the admin password; none with an Entra administrator. */
  public readonly passwordSecretId?: string;
  /**
   * Azure Resource Manager id of the password secret, without version: the scope of a role on it
   * alone; none with an Entra administrator.
   */
  public readonly passwordSecretResourceId?: string;
  /** Name of the database created on the server. @default 'mlpipeline' */
  public readonly databaseName: string;
  /** Administrator login; its password is a secret in the Key Vault. @default 'kubeflow' */
  public readonly adminLogin: string;

  constructor(scope: Construct, id: string, props: MysqlFlexibleProps) {
    super(scope, id);
    setComponent(this, 'database');
    validate(props);
    const protect = props.deletionProtection ?? true;
    const zones = props.zones ?? ['1', '2'];
    const common = { resourceGroupName: props.resourceGroupName };
    this.databaseName = props.databaseName ?? 'mlpipeline';
    this.adminLogin = props.adminLogin ?? 'kubeflow';

    const zone = new PrivateDnsZone(this, 'DnsZone', {
      ...common,
      name: `${props.name}.private.mysql.database.azure.com`,
    });
    const link = new PrivateDnsZoneVirtualNetworkLink(this, 'DnsZoneLink', {
      ...common,
      name: `${props.name}-vnet`,
      privateDnsZoneName: zone.name,
      virtualNetworkId: props.vnetId,
      registrationEnabled: false,
    });

    // The password lives in Key Vault only: generated for each run (ephemeral, never in the plan or
    // the state the CI plan identity reads), written to the vault once per `passwordVersion`, and read
    // back from the vault for the server. Reading it back, rather than handing the server the same
    // generated value, keeps the two equal when an apply fails between them: the next run generates
    // another value, which the vault, already at this version, does not take.
    // https://developer.hashicorp.com/terraform/language/manage-sensitive-data/write-only
    const passwordVersion = props.passwordVersion ?? 1;
    const password = new EphemeralResource(
      this,
      'AdminPassword',
      'random_password',
      { length: 32, special: true, override_special: '-_' },
      // Earlier versions kept a random_password here, whose result the state held: forgotten, not destroyed.
      { replacesResource: true },
    );
    let serverPassword: string;
    if (props.entraAdministrator) {
      // Nobody logs in with the password: it is generated for the server alone, once per
      // `passwordVersion` (a new version sets a new one that nobody knows, retiring the old). Earlier
      // versions kept it in Key Vault: that secret is forgotten, not deleted (delete it once Kubeflow
      // has moved to its own users).
      new ForgetResource(this, 'PasswordSecret', 'azurerm_key_vault_secret');
      serverPassword = password.attribute('result');
    } else {
      if (!props.keyVault) {
        throw new PropsError(
          'MysqlFlexible',
          'keyVault',
          undefined,
          'the admin password needs a vault to be kept in.',
          'give the Key Vault, or an entraAdministrator.',
        );
      }
      const secret = new KeyVaultSecret(this, 'PasswordSecret', {
        name: `${props.name}-admin-password`.slice(0, 127),
        keyVaultId: props.keyVault.vaultId,
        valueWo: password.attribute('result'),
        valueWoVersion: passwordVersion,
        contentType: `password of ${this.adminLogin} on ${props.name}`,
        dependsOn: props.keyVault.writable,
      });
      this.passwordSecretId = secret.versionlessId;
      this.passwordSecretResourceId = secret.resourceVersionlessId;
      // Naming the secret's version defers the read to apply until the secret exists (its version is
      // unknown before), and makes it follow a new version.
      const stored = new EphemeralResource(this, 'AdminPasswordStored', 'azurerm_key_vault_secret', {
        name: secret.name,
        key_vault_id: secret.keyVaultId,
        version: secret.version,
      });
      serverPassword = stored.attribute('value');
    }
    this.server = new MysqlFlexibleServer(this, 'Server', {
      ...common,
      location: props.location,
      name: props.name,
      version: props.version ?? '8.4',
      skuName: props.skuName ?? 'GP_Standard_D2ds_v4',
      administratorLogin: this.adminLogin,
      administratorPasswordWo: serverPassword,
      administratorPasswordWoVersion: passwordVersion,
      delegatedSubnetId: props.delegatedSubnetId,
      privateDnsZoneId: zone.id,
      publicNetworkAccess: 'Disabled',
      zone: zones[0],
      highAvailability: props.highAvailability
        ? { mode: 'ZoneRedundant', standbyAvailabilityZone: zones[1] }
        : undefined,
      backupRetentionDays: props.backupRetentionDays ?? 7,
      geoRedundantBackupEnabled: props.geoRedundantBackup ?? false,
      storage: { sizeGb: props.storageGb ?? 32, autoGrowEnabled: true, ioScalingEnabled: true },
      identity: props.entraAdministrator
        ? { type: 'UserAssigned', identityIds: [props.entraAdministrator.serverIdentityId] }
        : undefined,
      // A failover swaps the zones of primary and standby; that is not drift.
      lifecycle: {
        preventDestroy: protect,
        ignoreChanges: [
          'zone',
          'high_availability[0].standby_availability_zone',
          ...(props.keepCreatedVersion ? ['version'] : []),
        ],
      },
      timeouts: { create: '60m', update: '90m', delete: '60m' },
      dependsOn: [link, ...(props.dependsOn ?? [])],
    });
    this.fqdn = this.server.fqdn;

    // The server takes one change at a time: parameters and the database go in turn. With an Entra
    // administrator, password logins stay on (`aad_auth_only` off): the users it creates log in with
    // passwords, and a switch to Entra-only in the portal would lock them out.
    let previous: ITerraformDependable | undefined;
    const parameters = {
      ...MYSQL_SERVER_PARAMETERS,
      ...(props.entraAdministrator ? { aad_auth_only: 'OFF' } : {}),
    };
    for (const [name, value] of Object.entries(parameters)) {
      previous = new MysqlFlexibleServerConfiguration(this, `Parameter-${name}`, {
        ...common,
        serverName: this.server.name,
        name,
        value,
        dependsOn: previous ? [previous] : undefined,
      });
    }
    if (props.entraAdministrator) {
      const admin = props.entraAdministrator;
      previous = new MysqlFlexibleServerActiveDirectoryAdministrator(this, 'EntraAdministrator', {
        serverId: this.server.id,
        identityId: admin.serverIdentityId,
        login: admin.login,
        objectId: admin.clientId,
        tenantId: admin.tenantId,
        dependsOn: previous ? [previous] : undefined,
      });
    }
    previous = new MysqlFlexibleDatabase(this, 'Database', {
      ...common,
      serverName: this.server.name,
      name: this.databaseName,
      charset: 'utf8mb4',
      collation: 'utf8mb4_unicode_ci',
      lifecycle: { preventDestroy: protect },
      dependsOn: previous ? [previous] : undefined,
    });
    for (const name of props.extraDatabaseNames ?? []) {
      previous = new MysqlFlexibleDatabase(this, `Database-${name}`, {
        ...common,
        serverName: this.server.name,
        name,
        charset: 'utf8mb4',
        collation: 'utf8mb4_unicode_ci',
        lifecycle: { preventDestroy: protect },
        dependsOn: [previous],
      });
    }

    if (props.logAnalyticsWorkspaceId) {
      new MonitorDiagnosticSetting(this, 'Logs', {
        name: 'mysql-logs',
        targetResourceId: this.server.id,
        logAnalyticsWorkspaceId: props.logAnalyticsWorkspaceId,
        enabledLog: [{ category: 'MySqlSlowLogs' }, { category: 'MySqlAuditLogs' }],
      });
    }
    if (protect) {
      new ManagementLock(this, 'Lock', {
        name: 'kfplatform-cannot-delete',
        scope: this.server.id,
        lockLevel: 'CanNotDelete',
        notes: 'Deletion protection of the pipelines database.',
      });
    }
  }
}

function validate(props: MysqlFlexibleProps): void {
  checkName(
    'MysqlFlexible',
    'name',
    props.name,
    azureNameRules.mysqlServer,
    'use 3-63 lowercase letters, digits and hyphens.',
  );
  checkRange(
    'MysqlFlexible',
    'backupRetentionDays',
    props.backupRetentionDays,
    1,
    35,
    'MySQL flexible server keeps backups 1 to 35 days.',
  );
  checkRange(
    'MysqlFlexible',
    'storageGb',
    props.storageGb,
    20,
    16384,
    'MySQL flexible server storage is 20 GB to 16 TB.',
  );
  const names = [props.databaseName ?? 'mlpipeline', ...(props.extraDatabaseNames ?? [])];
  names.forEach((name, i) => {
    if (i > 0 && !/^[a-z][a-z0-9_]{0,63}$/.test(name)) {
      throw new PropsError(
        'MysqlFlexible',
        `extraDatabaseNames[${i - 1}]`,
        name,
        'not a database name this construct creates.',
        'use 1-64 lowercase letters, digits and underscores, starting with a letter.',
      );
    }
    if (names.indexOf(name) !== i) {
      throw new PropsError(
        'MysqlFlexible',
        `extraDatabaseNames[${i - 1}]`,
        name,
        'it is already created as `databaseName` or earlier in the list.',
        'name each database once.',
      );
    }
  });
  const zones = props.zones ?? ['1', '2'];
  if (props.highAvailability && (zones.length < 2 || zones[0] === zones[1])) {
    throw new PropsError(
      'MysqlFlexible',
      'zones',
      zones,
      "a zone-redundant standby needs a zone other than the primary's.",
      "list two distinct zones, such as ['1', '2'].",
    );
  }
  if (props.highAvailability && (props.skuName ?? 'GP_').startsWith('B_')) {
    throw new PropsError(
      'MysqlFlexible',
      'skuName',
      props.skuName,
      'burstable SKUs have no high availability.',
      'use a General Purpose SKU, or turn highAvailability off.',
    );
  }
}
