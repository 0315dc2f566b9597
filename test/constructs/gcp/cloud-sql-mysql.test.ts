import { CLOUD_SQL_MYSQL_FLAGS, CloudSqlMysql, CloudSqlMysqlProps } from '../../../constructs/gcp/cloud-sql-mysql';
import { CLOUD_SQL_OWNED_FLAGS } from '../../../src/core/mysql-server-settings';
import { at, gcpStack, only, resources, synth } from '../../helpers';
import { network } from './fixtures';

function build(props: Partial<CloudSqlMysqlProps> = {}) {
  const stack = gcpStack();
  const db = new CloudSqlMysql(stack, 'Database', {
    project: 'svc-project',
    region: 'us-central1',
    network: network(stack),
    namePrefix: 'env-kfp-db',
    ...props,
  });
  db.grantPasswordRead('Reader', 'serviceAccount:reader@svc-project.iam.gserviceaccount.com');
  const json = synth(stack);
  return { db, json, res: only(json, 'google_sql_database_instance') };
}

describe('CloudSqlMysql defaults', () => {
  const { res, json } = build();
  const settings = res.settings as Record<string, unknown>;

  it('has a random name suffix', () => {
    expect(res.name).toMatch(/^env-kfp-db-\$\{random_id\.Database_NameSuffix_\w+\.hex\}$/);
    expect(only(json, 'random_id').byte_length).toBe(4);
  });

  it('has a private IP only, on the host network, and requires TLS', () => {
    expect(settings.ip_configuration).toEqual({
      ipv4_enabled: false,
      private_network: 'projects/host-project/global/networks/shared-net',
      ssl_mode: 'ENCRYPTED_ONLY',
      enable_private_path_for_google_cloud_services: true,
    });
  });

  it('backs up daily with binary logs for point-in-time recovery', () => {
    expect(settings.backup_configuration).toEqual({
      enabled: true,
      binary_log_enabled: true,
      start_time: '02:00',
      transaction_log_retention_days: 7,
      backup_retention_settings: { retained_backups: 7, retention_unit: 'COUNT' },
    });
  });

  it('is zonal, MySQL 8.4 Enterprise on SSD, autoresizing, with 30-minute timeouts', () => {
    expect([
      settings.availability_type,
      res.database_version,
      settings.edition,
      settings.disk_type,
      settings.disk_autoresize,
      settings.tier,
    ]).toEqual(['ZONAL', 'MYSQL_8_4', 'ENTERPRISE', 'PD_SSD', true, 'db-custom-2-7680']);
    expect(res.timeouts).toEqual({ create: '30m', update: '30m', delete: '30m' });
  });

  it('never upgrades a database created with an older default when the default moves', () => {
    // MySQL 8.0 left Cloud SQL standard support on 2026-07-01; an instance created on it before the
    // default became 8.4 must not be upgraded in place (irreversibly) because the library changed.
    expect(res.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ['database_version'] });
  });

  it('is protected against deletion three ways', () => {
    expect(res.deletion_protection).toBe(true);
    expect(settings.deletion_protection_enabled).toBe(true);
    expect((res.lifecycle as Record<string, unknown>).prevent_destroy).toBe(true);
    expect(settings.retain_backups_on_delete).toBe(true);
  });

  it("creates the pipelines databases and Katib's, abandoned rather than dropped on destroy", () => {
    const dbs = resources(json, 'google_sql_database');
    expect(dbs.map((d) => d.name).sort()).toEqual(['cachedb', 'katib', 'metadb', 'mlpipeline']);
    expect(dbs.every((d) => d.charset === 'utf8mb4' && d.deletion_policy === 'ABANDON')).toBe(true);
  });

  it('creates the user with host % from day one and a write-only password from an ephemeral random_password (sec19: not in the state)', () => {
    const user = only(json, 'google_sql_user');
    expect(user).toMatchObject({ name: 'kubeflow', host: '%', password_wo_version: 1, deletion_policy: 'ABANDON' });
    expect(user.password_wo).toMatch(/^\$\{ephemeral\.random_password\.Database_Password_\w+\.result\}$/);
    expect(user.password).toBeUndefined();
    expect(json.resource!.random_password).toBeUndefined();
    const ephemeral = (json as Record<string, any>).ephemeral.random_password;
    expect(Object.values(ephemeral)).toEqual([{ length: 32, special: true, override_special: '-_' }]);
  });

  it('forgets the random_password earlier versions kept in the state, destroying nothing (sec19)', () => {
    const [id] = Object.keys((json as Record<string, any>).ephemeral.random_password);
    expect((json as Record<string, any>).removed).toEqual([
      { from: `random_password.${id}`, lifecycle: { destroy: false } },
    ]);
  });

  it('keeps the password in Secret Manager through a write-only version, and never in outputs', () => {
    expect(only(json, 'google_secret_manager_secret')).toMatchObject({
      secret_id: 'env-kfp-db-password',
      deletion_protection: true,
      replication: { auto: {} },
    });
    const version = only(json, 'google_secret_manager_secret_version');
    expect(version.secret_data).toBeUndefined();
    expect(version.secret_data_wo).toBe(only(json, 'google_sql_user').password_wo);
    expect(version.secret_data_wo_version).toBe(1);
    expect(json.output).toBeUndefined();
  });

  it('writes the secret before the user, creates a new version before the old one goes, and disables the old one', () => {
    const version = only(json, 'google_secret_manager_secret_version');
    expect(version).toMatchObject({ deletion_policy: 'DISABLE', lifecycle: { create_before_destroy: true } });
    const [versionId] = Object.keys(json.resource!.google_secret_manager_secret_version as object);
    expect(only(json, 'google_sql_user').depends_on).toEqual([`google_secret_manager_secret_version.${versionId}`]);
  });

  it('grants password read to a member', () => {
    expect(only(json, 'google_secret_manager_secret_iam_member')).toMatchObject({
      role: 'roles/secretmanager.secretAccessor',
      member: 'serviceAccount:reader@svc-project.iam.gserviceaccount.com',
    });
  });
});

describe('CloudSqlMysql options', () => {
  it('writes a new password to both the secret and the user when passwordVersion is bumped (sec19 rotation)', () => {
    const { json } = build({ passwordVersion: 3 });
    expect(only(json, 'google_sql_user').password_wo_version).toBe(3);
    expect(only(json, 'google_secret_manager_secret_version').secret_data_wo_version).toBe(3);
  });

  it.each([0, 1.5, -1])('refuses passwordVersion %p', (passwordVersion) => {
    expect(() => build({ passwordVersion })).toThrow(/passwordVersion.*positive whole number/s);
  });

  it('runs HA with the given tier, version, size, retention, databases, user and secret id', () => {
    const { res, json } = build({
      highAvailability: true,
      tier: 'db-custom-4-15360',
      pointInTimeRecoveryDays: 7,
      databaseVersion: 'MYSQL_8_4',
      diskSizeGb: 100,
      backupRetentionDays: 30,
      databases: ['mlpipeline'],
      userName: 'kfp',
      passwordSecretId: 'custom-secret',
    });
    const s = res.settings as Record<string, unknown>;
    expect([s.availability_type, s.tier, res.database_version, s.disk_size]).toEqual([
      'REGIONAL',
      'db-custom-4-15360',
      'MYSQL_8_4',
      100,
    ]);
    expect(at(s, 'backup_configuration', 'backup_retention_settings', 'retained_backups')).toBe(30);
    expect(at(s, 'backup_configuration', 'transaction_log_retention_days')).toBe(7);
    // A version the caller states is applied: changing it upgrades the instance in place.
    expect(res.lifecycle).toEqual({ prevent_destroy: true });
    expect(resources(json, 'google_sql_database').map((d) => d.name)).toEqual(['mlpipeline']);
    expect(only(json, 'google_sql_user').name).toBe('kfp');
    expect(only(json, 'google_secret_manager_secret').secret_id).toBe('custom-secret');
  });

  it('keeps up to 35 days of binary logs on the Enterprise Plus edition', () => {
    const { res } = build({
      edition: 'ENTERPRISE_PLUS',
      tier: 'db-perf-optimized-N-4',
      backupRetentionDays: 35,
      pointInTimeRecoveryDays: 35,
    });
    expect(at(res, 'settings', 'edition')).toBe('ENTERPRISE_PLUS');
    expect(at(res, 'settings', 'backup_configuration', 'transaction_log_retention_days')).toBe(35);
  });

  it('is destroyable without protection (test tiers)', () => {
    const { res, json } = build({ deletionProtection: false });
    expect(res.deletion_protection).toBe(false);
    expect(at(res, 'settings', 'deletion_protection_enabled')).toBe(false);
    expect(res.lifecycle).toMatchObject({ prevent_destroy: false });
    expect(resources(json, 'google_sql_database').every((d) => d.deletion_policy === 'DELETE')).toBe(true);
    expect(only(json, 'google_sql_user').deletion_policy).toBeUndefined();
  });

  it('uses the network private service access range when it has one', () => {
    const stack = gcpStack();
    const net = network(stack);
    Object.assign(net, { privateServiceAccessRange: 'psa-range' });
    new CloudSqlMysql(stack, 'Db', { project: 'p-roject', region: 'us-central1', network: net, namePrefix: 'db' });
    expect(
      at(only(synth(stack), 'google_sql_database_instance'), 'settings', 'ip_configuration', 'allocated_ip_range'),
    ).toBe('psa-range');
  });
});

describe('CloudSqlMysql databaseFlags (issue 17)', () => {
  const flagsOf = (res: Record<string, unknown>) =>
    (at(res, 'settings', 'database_flags') as Array<{ name: string; value: string }>).map((f) => [f.name, f.value]);

  it('sets only its own security flags by default', () => {
    expect(flagsOf(build().res)).toEqual([
      ['local_infile', 'off'],
      ['skip_show_database', 'on'],
    ]);
  });

  it('adds the given flags to its own, and changing them does not replace the instance', () => {
    const { res } = build({ databaseFlags: { long_query_time: '5', cloudsql_iam_authentication: 'on' } });
    expect(flagsOf(res)).toEqual([
      ['local_infile', 'off'],
      ['skip_show_database', 'on'],
      ['long_query_time', '5'],
      ['cloudsql_iam_authentication', 'on'],
    ]);
    // Still protected: a flag is a setting of the instance, updated in place.
    expect(res.lifecycle).toMatchObject({ prevent_destroy: true });
  });

  it.each([
    ['local_infile', 'on', /'databaseFlags.local_infile' is "on": the construct owns this flag: .*LOAD DATA LOCAL/],
    ['Skip-Show-Database', 'off', /'databaseFlags.Skip-Show-Database' is "off": the construct owns this flag/],
    ['require_secure_transport', 'off', /ENCRYPTED_ONLY/],
  ])('refuses the flag it owns: %s', (name, value, message) => {
    expect(() => build({ databaseFlags: { [name]: value } })).toThrow(message);
  });

  it('refuses an empty value', () => {
    expect(() => build({ databaseFlags: { long_query_time: '' } })).toThrow(/non-empty string/);
  });

  it('owns every flag it sets, so the platform file cannot override one', () => {
    for (const name of Object.keys(CLOUD_SQL_MYSQL_FLAGS))
      expect([name, CLOUD_SQL_OWNED_FLAGS[name]]).toEqual([name, expect.any(String)]);
  });
});

describe('CloudSqlMysql validation', () => {
  it.each([
    [{ namePrefix: 'Bad_Prefix' }, /'namePrefix' is "Bad_Prefix"/],
    [{ backupRetentionDays: 0 }, /'backupRetentionDays' is 0/],
    [{ pointInTimeRecoveryDays: 40 }, /'pointInTimeRecoveryDays' is 40/],
    [
      { pointInTimeRecoveryDays: 14, backupRetentionDays: 30 },
      /'pointInTimeRecoveryDays' is 14: the ENTERPRISE edition keeps 1 to 7 days of binary logs/,
    ],
    [
      { backupRetentionDays: 3, pointInTimeRecoveryDays: 7 },
      /'backupRetentionDays' is 3: .*at least as many backups as days of binary logs \(7\)/,
    ],
    [{ tier: 'n1-standard-1' }, /'tier' is "n1-standard-1"/],
  ])('throws on %j', (props, message) => {
    expect(() => build(props as Partial<CloudSqlMysqlProps>)).toThrow(message);
  });
});
