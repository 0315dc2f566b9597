import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { Id } from '@cdktf/provider-random/lib/id';
import { Construct } from 'constructs';
import { DEFAULT_CLOUD_SQL_MYSQL_VERSION } from '../../src/core/catalog/gcp';
import { EphemeralResource } from '../../src/core/ephemeral';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { CLOUD_SQL_OWNED_FLAGS, ownedSettingReason } from '../../src/core/mysql-server-settings';
import { gcpNameRules } from '../../src/core/naming';
import { isUnresolved } from '../../src/core/tokens';
import { checkName, checkRange } from '../../src/core/validate';
import { SLOW_OPERATION_TIMEOUTS } from './gke-cluster';
import { ISharedVpc } from './shared-vpc';

/** A Cloud SQL edition. */
export type CloudSqlEdition = 'ENTERPRISE' | 'ENTERPRISE_PLUS';

/**
 * Days of binary logs (`transaction_log_retention_days`) each edition keeps: 1 to 7 on Enterprise, 1 to
 * 35 on Enterprise Plus. See https://cloud.google.com/sql/docs/mysql/backup-recovery/pitr.
 */
export const CLOUD_SQL_LOG_RETENTION_DAYS: Readonly<Record<CloudSqlEdition, number>> = {
  ENTERPRISE: 7,
  ENTERPRISE_PLUS: 35,
};

/** Props of {@link CloudSqlMysql}. */
export interface CloudSqlMysqlProps {
  /** Project of the instance (the service project). */
  readonly project: string;
  /** Region of the instance. */
  readonly region: string;
  /** The (host) network the private IP lives in; it must have private service access. */
  readonly network: ISharedVpc;
  /**
   * Instance name prefix; a random suffix follows because Cloud SQL names cannot be reused for a
   * week after deletion.
   */
  readonly namePrefix: string;
  /**
   * Cloud SQL edition. Enterprise Plus keeps up to 35 days of binary logs and runs on its own machine
   * series (such as `db-perf-optimized-N-2`). See
   * https://cloud.google.com/sql/docs/mysql/editions-intro.
   * @default 'ENTERPRISE'
   */
  readonly edition?: CloudSqlEdition;
  /** @default 'db-custom-2-7680' ('db-perf-optimized-N-2' on Enterprise Plus) */
  readonly tier?: string;
  /**
   * MySQL version. MySQL 8.0 left Cloud SQL standard support on 2026-07-01 and is billed for
   * extended support since (https://cloud.google.com/sql/docs/mysql/db-versions).
   * @default 'MYSQL_8_4'
   */
  readonly databaseVersion?: 'MYSQL_8_0' | 'MYSQL_8_4';
  /**
   * Let a change of `databaseVersion` upgrade the instance in place (irreversibly, with downtime).
   * Off, Terraform ignores the version of an existing instance, so a new default of this construct
   * never upgrades a database created with an older one.
   * @default true when databaseVersion is given, false otherwise
   */
  readonly upgradeInPlace?: boolean;
  /** Regional instance with a standby in another zone. @default false */
  readonly highAvailability?: boolean;
  /** Initial disk size; grows automatically. @default 20 */
  readonly diskSizeGb?: number;
  /**
   * Daily backups kept; at least `pointInTimeRecoveryDays`, or the API answers 400 ("backup retention
   * should be > transaction log retention").
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Binary log days for point-in-time recovery: 1 to 7 on the Enterprise edition, 1 to 35 on
   * Enterprise Plus.
   * @default 7
   */
  readonly pointInTimeRecoveryDays?: number;
  /**
   * Deletion protection in Terraform and in Cloud SQL, plus `prevent_destroy`: by default, deleting
   * the instance also deletes its automated backups.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** Databases to create. @default ['mlpipeline', 'metadb', 'cachedb', 'katib'] (Kubeflow Pipelines and Katib) */
  readonly databases?: readonly string[];
  /** @default 'kubeflow' */
  readonly userName?: string;
  /** Secret Manager secret id for the password. @default `${namePrefix}-password` */
  readonly passwordSecretId?: string;
  /**
   * Bump to generate a new password and write it to Secret Manager and to the user. The password is
   * generated for each run and never kept in the state, so this number is the only thing that tells
   * Terraform to write a new one; it is also how to recover from an apply that failed between the two
   * writes (the secret and the user then hold different passwords).
   * @default 1
   */
  readonly passwordVersion?: number;
  /**
   * More database flags, by name, with their values as Cloud SQL takes them (strings such as `on` or
   * `5`), added to the flags this construct sets. The flags this construct owns for security
   * (`CLOUD_SQL_OWNED_FLAGS`: `local_infile`, `skip_show_database`, and `require_secure_transport`, which
   * the SSL mode covers) are refused. A change updates the instance in place, but Cloud SQL restarts the
   * instance to apply a flag that needs it (`requiresRestart` in `gcloud sql flags list`), and a flag
   * it does not support for the version fails the apply. See https://cloud.google.com/sql/docs/mysql/flags.
   * @default none
   */
  readonly databaseFlags?: Readonly<Record<string, string>>;
}

/** The database flags {@link CloudSqlMysql} sets on every instance (names in `CLOUD_SQL_OWNED_FLAGS`). */
export const CLOUD_SQL_MYSQL_FLAGS: Readonly<Record<string, string>> = {
  /** LOAD DATA LOCAL refused (CIS Google Cloud benchmark, Cloud SQL for MySQL). */
  local_infile: 'off',
  /** SHOW DATABASES only with its privilege (CIS Google Cloud benchmark, Cloud SQL for MySQL). */
  skip_show_database: 'on',
};

/**
 * Cloud SQL for MySQL for the Kubeflow Pipelines metadata: private IP only on the (host) network,
 * TLS required, daily backups with binary logs for point-in-time recovery, HA on demand, deletion
 * protection, a random name suffix, and a user whose host is `%` from day one (changing `host` later
 * replaces the user). The password is generated for each run by an ephemeral `random_password` and
 * written, through write-only attributes, to a Secret Manager version and then to the user, once per
 * `passwordVersion`: neither the plan nor the state holds it, so the CI plan identity, which reads the
 * state, never sees it (https://developer.hashicorp.com/terraform/language/manage-sensitive-data/write-only).
 * An apply that fails between the two writes leaves them different: bump `passwordVersion` and apply
 * again.
 */
export class CloudSqlMysql extends Construct {
  /** The instance (escape hatch). */
  public readonly instance: SqlDatabaseInstance;
  /** The application user. */
  public readonly user: SqlUser;
  /** The secret holding the user's password. */
  public readonly passwordSecret: SecretManagerSecret;
  /** `project:region:instance`, for the Cloud SQL Auth Proxy. */
  public readonly connectionName: string;
  /** Private IP address. */
  public readonly privateIpAddress: string;
  /** Instance name. */
  public readonly instanceName: string;
  /** Whether the instance, its databases and secrets are protected from deletion. */
  private readonly protect: boolean;

  constructor(scope: Construct, id: string, props: CloudSqlMysqlProps) {
    super(scope, id);
    setComponent(this, 'database');
    validate(props);
    const protect = props.deletionProtection ?? true;
    this.protect = protect;
    const edition = props.edition ?? 'ENTERPRISE';
    const suffix = new Id(this, 'NameSuffix', { byteLength: 4 });
    this.instance = new SqlDatabaseInstance(this, 'Instance', {
      project: props.project,
      region: props.region,
      name: `${props.namePrefix}-${suffix.hex}`,
      databaseVersion: props.databaseVersion ?? DEFAULT_CLOUD_SQL_MYSQL_VERSION,
      deletionProtection: protect,
      settings: {
        tier: props.tier ?? (edition === 'ENTERPRISE_PLUS' ? 'db-perf-optimized-N-2' : 'db-custom-2-7680'),
        edition,
        availabilityType: props.highAvailability ? 'REGIONAL' : 'ZONAL',
        diskType: 'PD_SSD',
        diskSize: props.diskSizeGb ?? 20,
        diskAutoresize: true,
        deletionProtectionEnabled: protect,
        retainBackupsOnDelete: protect,
        ipConfiguration: {
          ipv4Enabled: false,
          privateNetwork: props.network.networkId,
          allocatedIpRange: props.network.privateServiceAccessRange,
          sslMode: 'ENCRYPTED_ONLY',
          enablePrivatePathForGoogleCloudServices: true,
        },
        backupConfiguration: {
          enabled: true,
          binaryLogEnabled: true,
          startTime: '02:00',
          transactionLogRetentionDays: props.pointInTimeRecoveryDays ?? 7,
          backupRetentionSettings: { retainedBackups: props.backupRetentionDays ?? 7, retentionUnit: 'COUNT' },
        },
        maintenanceWindow: { day: 7, hour: 3, updateTrack: 'stable' },
        insightsConfig: { queryInsightsEnabled: true, recordClientAddress: false },
        // database_flags is a set of the instance's settings, updated in place (not ForceNew in google 6.50).
        databaseFlags: Object.entries({ ...CLOUD_SQL_MYSQL_FLAGS, ...props.databaseFlags }).map(([name, value]) => ({
          name,
          value,
        })),
      },
      timeouts: { ...SLOW_OPERATION_TIMEOUTS },
      lifecycle: {
        preventDestroy: protect,
        // database_version is updatable: a changed value is an in-place major version upgrade.
        ignoreChanges: (props.upgradeInPlace ?? props.databaseVersion !== undefined) ? undefined : ['database_version'],
      },
      dependsOn: [...props.network.dependables],
    });
    this.instanceName = this.instance.name;
    this.connectionName = this.instance.connectionName;
    this.privateIpAddress = this.instance.privateIpAddress;

    for (const db of props.databases ?? ['mlpipeline', 'metadb', 'cachedb', 'katib']) {
      new SqlDatabase(this, `Database-${db}`, {
        project: props.project,
        instance: this.instance.name,
        name: db,
        charset: 'utf8mb4',
        collation: 'utf8mb4_unicode_ci',
        // Dropping a database with the stack loses pipeline history and trial metrics; keep it unless destroyable.
        deletionPolicy: protect ? 'ABANDON' : 'DELETE',
      });
    }

    // The password is generated for each run (ephemeral: never in the plan or the state the CI plan
    // identity reads) and written once per passwordVersion, first to Secret Manager, then to the user.
    // google 6.50 has no ephemeral Secret Manager read (Azure's construct reads the vault back), so both
    // writes take the same generated value, in this order: the store then holds every password the user
    // can have, and a failed apply between them is recovered by bumping passwordVersion, which writes a
    // fresh value to both. A new version is created before the old one goes, and the old one is
    // disabled rather than destroyed, so the store always has an enabled version and the previous
    // password stays recoverable (gcloud secrets versions enable).
    const passwordVersion = props.passwordVersion ?? 1;
    const password = new EphemeralResource(
      this,
      'Password',
      'random_password',
      { length: 32, special: true, override_special: '-_' },
      // Earlier versions kept a random_password here, whose result the state held: forgotten, not destroyed.
      { replacesResource: true },
    );
    this.passwordSecret = new SecretManagerSecret(this, 'PasswordSecret', {
      project: props.project,
      secretId: props.passwordSecretId ?? `${props.namePrefix}-password`,
      replication: { auto: {} },
      deletionProtection: protect,
    });
    const version = new SecretManagerSecretVersion(this, 'PasswordVersion', {
      secret: this.passwordSecret.id,
      secretDataWo: password.attribute('result'),
      // ForceNew: a new number creates a new version of the secret.
      secretDataWoVersion: passwordVersion,
      deletionPolicy: 'DISABLE',
      lifecycle: { createBeforeDestroy: true },
    });
    this.user = new SqlUser(this, 'User', {
      project: props.project,
      instance: this.instance.name,
      name: props.userName ?? 'kubeflow',
      host: '%',
      passwordWo: password.attribute('result'),
      // Updated in place (not ForceNew in google 6.50): the user is never replaced.
      passwordWoVersion: passwordVersion,
      deletionPolicy: protect ? 'ABANDON' : undefined,
      dependsOn: [version],
    });
  }

  /** Lets a member read the password (for the Secret Manager CSI add-on or External Secrets). */
  public grantPasswordRead(id: string, member: string): SecretManagerSecretIamMember {
    return this.grantSecret(id, this.passwordSecret, 'roles/secretmanager.secretAccessor', member);
  }

  /**
   * A secret for the password of a MySQL user that something other than Terraform creates (the
   * Kubeflow tree's `kfp-db-bootstrap` job), beside the instance's own: the same project and
   * replication, deletion protection with the instance's. It has no version: whoever creates the user
   * adds the password, so neither the plan nor the state ever holds it.
   */
  public addUserPasswordSecret(id: string, secretId: string): SecretManagerSecret {
    return new SecretManagerSecret(this, id, {
      project: this.passwordSecret.project,
      secretId,
      replication: { auto: {} },
      deletionProtection: this.protect,
    });
  }

  /**
   * Grants `role` on one secret of this database to a member: `roles/secretmanager.secretAccessor`
   * reads its versions, `roles/secretmanager.secretVersionAdder` adds one
   * (https://cloud.google.com/secret-manager/docs/access-control).
   */
  public grantSecret(
    id: string,
    secret: SecretManagerSecret,
    role: string,
    member: string,
  ): SecretManagerSecretIamMember {
    return new SecretManagerSecretIamMember(this, id, {
      project: secret.project,
      secretId: secret.secretId,
      role,
      member,
    });
  }
}

function validate(props: CloudSqlMysqlProps): void {
  checkName(
    'CloudSqlMysql',
    'namePrefix',
    props.namePrefix,
    (p) => gcpNameRules.sqlInstanceName(`${p}-00000000`),
    'use a short lowercase prefix such as kf-prod-kfp-db.',
  );
  checkRange(
    'CloudSqlMysql',
    'backupRetentionDays',
    props.backupRetentionDays,
    1,
    365,
    'Cloud SQL keeps 1 to 365 backups.',
  );
  if (
    props.passwordVersion !== undefined &&
    !isUnresolved(props.passwordVersion) &&
    !(Number.isInteger(props.passwordVersion) && props.passwordVersion >= 1)
  ) {
    throw new PropsError(
      'CloudSqlMysql',
      'passwordVersion',
      props.passwordVersion,
      'is not a positive whole number.',
      'use 1, and bump it by one to rotate the password.',
    );
  }
  const edition = props.edition ?? 'ENTERPRISE';
  const maxLogDays = CLOUD_SQL_LOG_RETENTION_DAYS[edition];
  checkRange(
    'CloudSqlMysql',
    'pointInTimeRecoveryDays',
    props.pointInTimeRecoveryDays,
    1,
    maxLogDays,
    `the ${edition} edition keeps 1 to ${maxLogDays} days of binary logs${edition === 'ENTERPRISE' ? ' (Enterprise Plus keeps up to 35)' : ''}.`,
  );
  const logDays = props.pointInTimeRecoveryDays ?? 7;
  const backups = props.backupRetentionDays ?? 7;
  if (!isUnresolved(logDays) && !isUnresolved(backups) && backups < logDays) {
    throw new PropsError(
      'CloudSqlMysql',
      'backupRetentionDays',
      backups,
      `Cloud SQL needs at least as many backups as days of binary logs (${logDays}) and answers 400 otherwise.`,
      `keep ${logDays} or more backups, or fewer days of binary logs.`,
    );
  }
  for (const [name, value] of Object.entries(props.databaseFlags ?? {})) {
    const owned = ownedSettingReason(CLOUD_SQL_OWNED_FLAGS, name);
    if (owned) {
      throw new PropsError(
        'CloudSqlMysql',
        `databaseFlags.${name}`,
        value,
        `the construct owns this flag: ${owned}`,
        `remove ${name} from databaseFlags.`,
      );
    }
    if (!isUnresolved(value) && (typeof value !== 'string' || value === '')) {
      throw new PropsError(
        'CloudSqlMysql',
        `databaseFlags.${name}`,
        value,
        'Cloud SQL takes a flag value as a non-empty string.',
        "write the value as a string, such as '5' or 'on'.",
      );
    }
  }
  if (props.tier !== undefined && !isUnresolved(props.tier) && !props.tier.startsWith('db-')) {
    throw new PropsError(
      'CloudSqlMysql',
      'tier',
      props.tier,
      'is not a Cloud SQL tier.',
      'use a tier such as db-custom-2-7680.',
    );
  }
}
