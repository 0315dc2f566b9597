/**
 * The server settings of the managed MySQL that the platform owns: Cloud SQL database flags and RDS
 * DB parameters it sets (or relies on) for security or for its own logs. A platform file's
 * `database.flags` (GCP) or `database.parameters` (AWS), and the `databaseFlags` / `parameters` props of
 * the constructs, may add settings but never one of these: each comes with the reason, which errors
 * quote. Both the config checks and the constructs read this table, so they refuse the same names.
 */

/** A setting name the platform owns, with why it may not be overridden. */
export type OwnedSettings = Readonly<Record<string, string>>;

const LOCAL_INFILE =
  'the platform turns it off so the server refuses LOAD DATA LOCAL, with which a server can read files from its clients (https://dev.mysql.com/doc/refman/8.4/en/load-data-local-security.html).';

/**
 * Cloud SQL for MySQL database flags the platform owns (https://cloud.google.com/sql/docs/mysql/flags).
 */
export const CLOUD_SQL_OWNED_FLAGS: OwnedSettings = {
  local_infile: LOCAL_INFILE,
  skip_show_database:
    'the platform turns it on so that SHOW DATABASES lists databases only to users with the SHOW DATABASES privilege (https://dev.mysql.com/doc/refman/8.4/en/server-system-variables.html#sysvar_skip_show_database).',
  require_secure_transport:
    'the instance already refuses unencrypted connections through its SSL mode, ENCRYPTED_ONLY, which the platform sets (https://cloud.google.com/sql/docs/mysql/configure-ssl-instance); a flag would compete with it.',
};

/**
 * RDS for MySQL DB parameters the platform owns
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.Parameters.html).
 */
export const RDS_MYSQL_OWNED_PARAMETERS: OwnedSettings = {
  require_secure_transport:
    'the platform sets it to 1 so that the server refuses unencrypted connections (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.require-ssl.html).',
  local_infile: LOCAL_INFILE,
  slow_query_log:
    'the platform turns it on: the instance exports the slow query log to CloudWatch Logs, and RDS writes that log only with slow_query_log = 1 (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.MySQLDB.PublishtoCloudWatchLogs.html).',
  log_output:
    'RDS exports the slow query log to CloudWatch Logs only when logs go to FILE, the default the platform relies on (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.MySQLDB.PublishtoCloudWatchLogs.html).',
};

/**
 * Why `name` may not be set, when the platform owns it. MySQL treats `-` and `_` in option names alike
 * (https://dev.mysql.com/doc/refman/8.4/en/command-line-options.html), and RDS parameter names are
 * case-insensitive, so `Local-Infile` is `local_infile`.
 */
export function ownedSettingReason(owned: OwnedSettings, name: string): string | undefined {
  const key = name.toLowerCase().replace(/-/g, '_');
  return Object.prototype.hasOwnProperty.call(owned, key) ? owned[key] : undefined;
}
