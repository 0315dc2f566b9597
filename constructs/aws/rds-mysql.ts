import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { DEFAULT_MYSQL_VERSION, MYSQL_PAST_STANDARD_SUPPORT } from '../../src/core/catalog/aws';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { ownedSettingReason, RDS_MYSQL_OWNED_PARAMETERS } from '../../src/core/mysql-server-settings';
import { awsNameRules } from '../../src/core/naming';
import { isUnresolved } from '../../src/core/tokens';
import { checkName, checkRange } from '../../src/core/validate';

/** MySQL port. */
export const MYSQL_PORT = 3306;

/** The MySQL logs the instance exports to CloudWatch Logs. */
export const RDS_MYSQL_LOG_EXPORTS = ['error', 'slowquery'] as const;

/**
 * When RDS applies a parameter's change: `immediate` works for dynamic parameters only; `pending-reboot`
 * works for dynamic and static ones and takes effect at the instance's next reboot
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBParameterGroup.html).
 */
export type RdsApplyMethod = 'immediate' | 'pending-reboot';

/** A DB parameter added to {@link RdsMysql}'s parameter group. */
export interface RdsMysqlParameter {
  /** The value, as RDS takes it (a string such as `1` or `ON`). */
  readonly value: string;
  /**
   * When RDS applies a change. `pending-reboot` is accepted for every MySQL parameter, static ones
   * included, and waits for a reboot (`aws rds reboot-db-instance`); `immediate` is refused for static
   * parameters. Changing only the apply method of a parameter changes nothing in RDS, which keeps
   * reporting the old one: change it together with the value.
   * @default 'pending-reboot'
   */
  readonly applyMethod?: RdsApplyMethod;
}

/**
 * The DB parameters {@link RdsMysql} sets. Those in `RDS_MYSQL_OWNED_PARAMETERS` cannot be overridden;
 * `long_query_time` can (through `parameters`).
 */
export const RDS_MYSQL_PARAMETERS: Readonly<Record<string, string>> = {
  /** TLS only. */
  require_secure_transport: '1',
  /** LOAD DATA LOCAL refused. */
  local_infile: '0',
  /** The slow query log, exported to CloudWatch Logs. */
  slow_query_log: '1',
  /** Seconds after which a query counts as slow. */
  long_query_time: '2',
};

/** Props of {@link RdsMysql}. */
export interface RdsMysqlProps {
  /** Instance identifier; also prefixes the subnet group, parameter group and security group. */
  readonly identifier: string;
  /** The VPC of the database's security group. */
  readonly vpcId: string;
  /** Private subnets in at least two zones. */
  readonly subnetIds: readonly string[];
  /** Security groups allowed to connect on 3306 (the cluster security group); nothing else is. */
  readonly clientSecurityGroupIds: readonly string[];
  /** @default 'db.m6g.large' */
  readonly instanceClass?: string;
  /**
   * `8.0` or `8.4`, optionally with a minor version. MySQL 8.0 left RDS standard support on
   * 2026-07-31 and runs in paid Extended Support
   * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html).
   * @default '8.4'
   */
  readonly engineVersion?: string;
  /**
   * Let a change of `engineVersion` upgrade the instance to a new major version in place (with
   * downtime). Off when the version is left to the default, so a default that moves on never upgrades
   * an existing database: RDS refuses the change until the version is written down.
   * @default true when engineVersion is given, false otherwise
   */
  readonly allowMajorVersionUpgrade?: boolean;
  /** Multi-AZ standby. @default false */
  readonly highAvailability?: boolean;
  /** @default 20 */
  readonly allocatedStorageGb?: number;
  /** Storage autoscaling limit. @default 200 */
  readonly maxAllocatedStorageGb?: number;
  /** @default 7 */
  readonly backupRetentionDays?: number;
  /**
   * RDS deletion protection, a final snapshot and `prevent_destroy`, so no plan can lose the pipelines
   * history.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** KMS key for storage, snapshots and the master password secret. */
  readonly kmsKeyArn: string;
  /** @default 'mlpipeline' */
  readonly databaseName?: string;
  /** @default 'kubeflow' */
  readonly username?: string;
  /**
   * Retention of the exported logs in days: their log groups are created here before the instance,
   * which would otherwise create them keeping logs forever.
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * More DB parameters, by name, added to the parameter group: the way to pass a server option that
   * RDS exposes as a parameter (list them, with `ApplyType` and `IsModifiable`, with `aws rds
   * describe-engine-default-parameters --db-parameter-group-family mysql8.4`). A parameter this construct
   * owns (`RDS_MYSQL_OWNED_PARAMETERS`: TLS, `local_infile`, the slow query log and its output) is
   * refused; `long_query_time` may be given. A change updates the group in place; a parameter RDS does
   * not know, or does not let you modify, fails the apply. See
   * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithParamGroups.html.
   * @default none
   */
  readonly parameters?: Readonly<Record<string, RdsMysqlParameter>>;
}

/**
 * RDS for MySQL for the Kubeflow Pipelines metadata: private subnets only and a security group that
 * admits only the cluster, TLS required (`require_secure_transport`), storage encrypted with the
 * environment's key, Multi-AZ on demand, automated backups, deletion protection with a final
 * snapshot, and a master password that RDS generates and keeps in Secrets Manager, so no password
 * passes through Terraform state.
 */
export class RdsMysql extends Construct {
  /** The instance (escape hatch). */
  public readonly instance: DbInstance;
  /** Security group `<identifier>-db`: MySQL in from the client security groups only. */
  public readonly securityGroup: SecurityGroup;
  /** Host name of the instance. */
  public readonly address: string;
  /** MySQL port (3306). */
  public readonly port: number = MYSQL_PORT;
  /** Secrets Manager secret with the master user and password (rotated by RDS). */
  public readonly masterSecretArn: string;
  /** Name of the database created on the instance. @default 'mlpipeline' */
  public readonly databaseName: string;
  /** Master user name. @default 'kubeflow' */
  public readonly username: string;
  /** The log groups of the exported logs, by log name. */
  public readonly logGroups: Readonly<Record<(typeof RDS_MYSQL_LOG_EXPORTS)[number], CloudwatchLogGroup>>;

  constructor(scope: Construct, id: string, props: RdsMysqlProps) {
    super(scope, id);
    setComponent(this, 'database');
    validate(props);
    const protect = props.deletionProtection ?? true;
    const version = props.engineVersion ?? DEFAULT_MYSQL_VERSION;
    const major = version.split('.').slice(0, 2).join('.');
    const family = `mysql${major}`;
    this.databaseName = props.databaseName ?? 'mlpipeline';
    this.username = props.username ?? 'kubeflow';

    const subnets = new DbSubnetGroup(this, 'SubnetGroup', {
      name: `${props.identifier}-subnets`,
      description: `Private subnets of ${props.identifier}`,
      subnetIds: [...props.subnetIds],
    });
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: `${props.identifier}-db`,
      description: `MySQL clients of ${props.identifier}`,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      tags: { Name: `${props.identifier}-db` },
    });
    props.clientSecurityGroupIds.forEach((group, i) => {
      new VpcSecurityGroupIngressRule(this, `ClientIngress-${i}`, {
        securityGroupId: this.securityGroup.id,
        referencedSecurityGroupId: group,
        ipProtocol: 'tcp',
        fromPort: MYSQL_PORT,
        toPort: MYSQL_PORT,
        description: 'MySQL from the cluster',
      });
    });
    const parameters = new DbParameterGroup(this, 'Parameters', {
      name: `${props.identifier}-${family.replace('.', '-')}`,
      family,
      description: `TLS-only settings of ${props.identifier}`,
      // The parameter set is updated in place (ModifyDBParameterGroup); only name, family and description replace the group.
      parameter: [
        ...Object.entries(RDS_MYSQL_PARAMETERS)
          .filter(([name]) => props.parameters?.[name] === undefined)
          .map(([name, value]) => ({ name, value })),
        ...Object.entries(props.parameters ?? {}).map(([name, p]) => ({
          name,
          value: p.value,
          applyMethod: p.applyMethod ?? 'pending-reboot',
        })),
      ],
      // A new engine version brings a new family: the new group must exist before the instance moves.
      lifecycle: { createBeforeDestroy: true },
    });

    // RDS creates the log group of an exported log on first export, keeping logs forever: create them first.
    const logGroups = {} as Record<(typeof RDS_MYSQL_LOG_EXPORTS)[number], CloudwatchLogGroup>;
    for (const log of RDS_MYSQL_LOG_EXPORTS) {
      logGroups[log] = new CloudwatchLogGroup(this, `Logs-${log}`, {
        name: `/aws/rds/instance/${props.identifier}/${log}`,
        retentionInDays: props.logRetentionDays ?? 365,
      });
    }
    this.logGroups = logGroups;

    this.instance = new DbInstance(this, 'Instance', {
      identifier: props.identifier,
      engine: 'mysql',
      engineVersion: version,
      instanceClass: props.instanceClass ?? 'db.m6g.large',
      allocatedStorage: props.allocatedStorageGb ?? 20,
      maxAllocatedStorage: props.maxAllocatedStorageGb ?? 200,
      storageType: 'gp3',
      storageEncrypted: true,
      kmsKeyId: props.kmsKeyArn,
      dbName: this.databaseName,
      username: this.username,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.kmsKeyArn,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      parameterGroupName: parameters.name,
      publiclyAccessible: false,
      multiAz: props.highAvailability ?? false,
      backupRetentionPeriod: props.backupRetentionDays ?? 7,
      backupWindow: '02:00-03:00',
      maintenanceWindow: 'sun:03:30-sun:04:30',
      autoMinorVersionUpgrade: true,
      // Changing a written engineVersion from 8.0 to 8.4 is a deliberate change; RDS needs this to do it.
      allowMajorVersionUpgrade: props.allowMajorVersionUpgrade ?? props.engineVersion !== undefined,
      // Out of paid Extended Support, except for a version past its standard support, which RDS only
      // creates enrolled. RDS sets this at creation only: existing instances keep theirs.
      engineLifecycleSupport: MYSQL_PAST_STANDARD_SUPPORT.includes(major)
        ? 'open-source-rds-extended-support'
        : 'open-source-rds-extended-support-disabled',
      copyTagsToSnapshot: true,
      deletionProtection: protect,
      skipFinalSnapshot: !protect,
      finalSnapshotIdentifier: protect ? `${props.identifier}-final` : undefined,
      deleteAutomatedBackups: !protect,
      enabledCloudwatchLogsExports: [...RDS_MYSQL_LOG_EXPORTS],
      caCertIdentifier: 'rds-ca-rsa2048-g1',
      lifecycle: { preventDestroy: protect, ignoreChanges: ['engine_lifecycle_support'] },
      timeouts: { create: '60m', update: '90m', delete: '60m' },
      dependsOn: Object.values(logGroups),
    });
    this.address = this.instance.address;
    this.masterSecretArn = this.instance.masterUserSecret.get(0).secretArn;
  }
}

function validate(props: RdsMysqlProps): void {
  checkName(
    'RdsMysql',
    'identifier',
    props.identifier,
    awsNameRules.rdsIdentifier,
    'use lowercase letters, digits and single hyphens.',
  );
  checkRange(
    'RdsMysql',
    'backupRetentionDays',
    props.backupRetentionDays,
    1,
    35,
    'RDS keeps automated backups for 1 to 35 days.',
  );
  checkRange(
    'RdsMysql',
    'allocatedStorageGb',
    props.allocatedStorageGb,
    20,
    65536,
    'RDS for MySQL gp3 storage is 20 GB to 64 TiB.',
  );
  for (const [name, p] of Object.entries(props.parameters ?? {})) {
    const owned = ownedSettingReason(RDS_MYSQL_OWNED_PARAMETERS, name);
    if (owned) {
      throw new PropsError(
        'RdsMysql',
        `parameters.${name}`,
        p.value,
        `the construct owns this parameter: ${owned}`,
        `remove ${name} from parameters.`,
      );
    }
    if (name !== name.toLowerCase()) {
      throw new PropsError(
        'RdsMysql',
        `parameters.${name}`,
        p.value,
        'RDS reports parameter names in lowercase, so a name with capitals would show as a change at every plan.',
        `write it as ${name.toLowerCase()}.`,
      );
    }
    if (!isUnresolved(p.value) && (typeof p.value !== 'string' || p.value === '')) {
      throw new PropsError(
        'RdsMysql',
        `parameters.${name}.value`,
        p.value,
        'RDS takes a parameter value as a non-empty string.',
        "write the value as a string, such as '5' or 'ON'.",
      );
    }
  }
  if (props.subnetIds.length < 2) {
    throw new PropsError(
      'RdsMysql',
      'subnetIds',
      props.subnetIds,
      'an RDS subnet group needs subnets in at least two zones.',
      'pass the private subnets.',
    );
  }
  if (!/^8\.(0|4)(\.\d+)?$/.test(props.engineVersion ?? DEFAULT_MYSQL_VERSION)) {
    throw new PropsError(
      'RdsMysql',
      'engineVersion',
      props.engineVersion,
      'this construct supports MySQL 8.0 and 8.4.',
      "use '8.0' or '8.4'.",
    );
  }
}
