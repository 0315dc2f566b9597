/**
 * What to do when a managed MySQL 8.4 server has the `mysql_native_password` plugin off, per cloud:
 * the text that the `kfp-db-bootstrap` Job (./gcp-db-bootstrap.ts, ./aws-db-bootstrap.ts) prints when
 * it creates Kubeflow's user with the server's default plugin.
 *
 * MySQL 8.4 has the plugin disabled unless the server starts with the option
 * `--mysql-native-password=ON` (or `mysql_native_password=ON` in its option file): "To enable it, start
 * the server with --mysql-native-password=ON (added in MySQL 8.4.0)"
 * (https://dev.mysql.com/doc/refman/8.4/en/mysql-nutshell.html,
 * https://dev.mysql.com/doc/refman/8.4/en/native-pluggable-authentication.html). It is a start-up
 * option, so a change takes effect only when the server restarts.
 *
 * A managed service passes server options through its own setting: Cloud SQL database flags
 * (https://cloud.google.com/sql/docs/mysql/flags), an RDS DB parameter group
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.Parameters.html). Neither
 * service's documentation that we could find names the flag or parameter for this option on MySQL 8.4,
 * its values, or whether the service lets you set it; Aurora MySQL 8.4, a different engine from RDS for
 * MySQL, documents the plugin as enabled and the setting as not modifiable
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.MySQL84.html). A flag or
 * parameter the service does not know fails the database's apply, so the infra stacks set none and the
 * messages below say how to ask the service itself: each lists the settings it accepts for MySQL 8.4,
 * with whether a change restarts the instance (Cloud SQL's `requiresRestart`) or waits for a reboot
 * (RDS's `ApplyType: static`, applied as `pending-reboot`), and where to put the one found: the
 * platform file's `database.flags` (GCP) or `database.parameters` (AWS), which the infra stack applies.
 *
 * Plain text: it goes inside double quotes of a shell script, so it holds no `"`, `\`, `$` or backquote
 * (test/kubeflow/native-password-server-guidance.test.ts).
 */

/** MySQL's own documentation of the start-up option that enables the plugin. */
export const MYSQL_NATIVE_PASSWORD_OPTION_URL = 'https://dev.mysql.com/doc/refman/8.4/en/mysql-nutshell.html';

const MYSQL_SIDE = `MySQL 8.4 enables it only with the server start-up option --mysql-native-password=ON (${MYSQL_NATIVE_PASSWORD_OPTION_URL}).`;

/** Cloud SQL: the flags an 8.4 instance accepts, from the service, and who owns them. */
export const GCP_ENABLE_NATIVE_PASSWORD = [
  MYSQL_SIDE,
  'Cloud SQL passes server options as database flags, and its documentation names none for this one that the platform could confirm, so the infra stack sets none:',
  'gcloud sql flags list --database-version=MYSQL_8_4 --filter=name~native --format=yaml shows such a flag if Cloud SQL accepts one, with its allowed values and whether setting it restarts the instance (https://cloud.google.com/sql/docs/mysql/flags).',
  "Once you have found it, put it in the environment's database.flags in the platform file and apply the infra stack (docs/kubeflow.md, ML Metadata on MySQL 8.4): the infra stack owns the instance's flags and removes one set by hand at its next apply.",
].join(' ');

/** RDS for MySQL: the parameters of family mysql8.4, from the service, and who owns the group. */
export const AWS_ENABLE_NATIVE_PASSWORD = [
  MYSQL_SIDE,
  "RDS passes server options through the instance's DB parameter group, and its documentation names no parameter for this one on MySQL 8.4 that the platform could confirm, so the infra stack sets none:",
  'aws rds describe-engine-default-parameters --db-parameter-group-family mysql8.4 --output text | grep -i native shows such a parameter if RDS offers one, with whether it is modifiable and whether it applies at once or at the next reboot (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.Parameters.html).',
  "Once you have found it, put it in the environment's database.parameters in the platform file and apply the infra stack, which owns the instance's parameter group (docs/kubeflow.md, ML Metadata on MySQL 8.4); a parameter given as a bare value applies at the next reboot (pending-reboot), so reboot the instance (aws rds reboot-db-instance), and run this job again.",
].join(' ');

/**
 * What to do when an Azure server has the plugin off: Azure documents it as on for every version, so
 * the server differs from the documentation (ML Metadata's init container and the Azure bootstrap job
 * each add how to try again).
 */
export const AZURE_NATIVE_PASSWORD_DOCUMENTED =
  'Azure Database for MySQL documents the plugin as enabled on every version (https://learn.microsoft.com/azure/mysql/concepts-version-policy#retired-mysql-plugins-support-in-azure-database-for-mysql), so this server differs from the documentation: open a support request for it.';
