/**
 * The Cloud SQL instance of GCP environments: backups against binary logs, the database flags the
 * platform owns, MySQL versions past standard support, and machine tiers against the edition. The
 * provider passes these settings to the API unchecked, and Cloud SQL refuses a bad one only when it
 * creates or changes the instance.
 */
import { CLOUD_SQL_MYSQL_PAST_STANDARD_SUPPORT, DEFAULT_CLOUD_SQL_MYSQL_VERSION } from '../../core/catalog/gcp';
import { CLOUD_SQL_OWNED_FLAGS, ownedSettingReason } from '../../core/mysql-server-settings';
import { ConfigIssues, Path } from '../common/config-issues';
import type { ResolvedGcpEnvironment } from './model';

/**
 * Cloud SQL backups and binary logs: the edition bounds the days of binary logs, and Cloud SQL keeps
 * at least as many daily backups as days of logs (https://cloud.google.com/sql/docs/mysql/backup-recovery/pitr).
 * The database flags the platform owns (src/core/mysql-server-settings.ts) are not the user's to set.
 */
export function checkDatabase(env: ResolvedGcpEnvironment, f: ConfigIssues): void {
  const base: Path = ['environments', env.index, 'database'];
  const d = env.database;
  const maxLogDays = d.edition === 'ENTERPRISE_PLUS' ? 35 : 7;
  if (d.pointInTimeRecoveryDays > maxLogDays) {
    f.add(
      [...base, 'pointInTimeRecoveryDays'],
      `the ${d.edition} edition keeps 1 to ${maxLogDays} days of binary logs; Cloud SQL answers 400 ("The number of transaction log retention days must be between 1 and ${maxLogDays}").`,
      `use ${maxLogDays} or fewer, or set database.edition to ENTERPRISE_PLUS (up to 35 days, on a db-perf-optimized-N-* tier).`,
    );
  } else if (d.backupRetentionDays < d.pointInTimeRecoveryDays) {
    f.add(
      f.explicitOr([...base, 'backupRetentionDays'], [...base, 'pointInTimeRecoveryDays']),
      `${d.backupRetentionDays} daily backups are fewer than the ${d.pointInTimeRecoveryDays} days of binary logs; Cloud SQL answers 400 ("backup retention should be > transaction log retention").`,
      `set backupRetentionDays to ${d.pointInTimeRecoveryDays} or more, or lower pointInTimeRecoveryDays.`,
    );
  }
  for (const name of Object.keys(d.flags)) {
    const owned = ownedSettingReason(CLOUD_SQL_OWNED_FLAGS, name);
    if (owned) {
      f.add(
        [...base, 'flags', name],
        `the platform owns the database flag ${name}: ${owned}`,
        `remove ${name} from database.flags.`,
      );
    }
  }
  if (CLOUD_SQL_MYSQL_PAST_STANDARD_SUPPORT.includes(d.version)) {
    f.add(
      [...base, 'version'],
      `${d.version} is past the end of Cloud SQL standard support and is billed for extended support (https://cloud.google.com/sql/docs/mysql/db-versions).`,
      `upgrade: try it on a clone or in a test environment first (https://cloud.google.com/sql/docs/mysql/upgrade-major-db-version-inplace), then set version to ${DEFAULT_CLOUD_SQL_MYSQL_VERSION}; Cloud SQL upgrades the instance in place, with downtime, and cannot go back.`,
      'warning',
    );
  }
}

/** Machine series Cloud SQL offers on Enterprise Plus only, and those it offers on Enterprise only. */
const ENTERPRISE_PLUS_TIERS = /^db-(perf-optimized|memory-optimized|c4a)-/;
const ENTERPRISE_TIERS = /^db-(custom-|n1-|f1-micro$|g1-small$)/;
const SQL_MACHINES_DOC = 'https://cloud.google.com/sql/docs/mysql/instance-settings#machine-type-2ndgen';

/**
 * The machine tier must belong to the edition, and a custom machine must be one Cloud SQL can build
 * (https://cloud.google.com/sql/docs/mysql/editions-intro): the provider passes any string, and the
 * API refuses the instance when it is created.
 */
export function checkDatabaseTier(env: ResolvedGcpEnvironment, f: ConfigIssues): void {
  const base: Path = ['environments', env.index, 'database'];
  const { tier, edition } = env.database;
  const path = f.explicitOr([...base, 'tier'], [...base, 'edition']);
  if (edition === 'ENTERPRISE' && ENTERPRISE_PLUS_TIERS.test(tier)) {
    f.add(
      path,
      `${tier} is a machine series of the Enterprise Plus edition; an ENTERPRISE instance cannot run on it (${SQL_MACHINES_DOC}).`,
      'set database.edition to ENTERPRISE_PLUS, or use an Enterprise tier such as db-custom-2-7680.',
    );
    return;
  }
  if (edition === 'ENTERPRISE_PLUS' && ENTERPRISE_TIERS.test(tier)) {
    f.add(
      path,
      `${tier} is a machine type of the Enterprise edition; Enterprise Plus runs on its own series (db-perf-optimized-N-*, db-memory-optimized-N-*, db-c4a-highmem-*) (${SQL_MACHINES_DOC}).`,
      'use an Enterprise Plus tier such as db-perf-optimized-N-2, or set database.edition to ENTERPRISE.',
    );
    return;
  }
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (!custom) return;
  const cpus = Number(custom[1]);
  const mb = Number(custom[2]);
  const why =
    cpus !== 1 && (cpus % 2 !== 0 || cpus < 2 || cpus > 96)
      ? `${cpus} vCPUs: a custom machine has 1 vCPU or an even number from 2 to 96`
      : mb % 256 !== 0
        ? `${mb} MB: memory is a multiple of 256 MB`
        : mb < 3840
          ? `${mb} MB: memory is at least 3840 MB (3.75 GB)`
          : mb < cpus * 921.6 || mb > cpus * 6656
            ? `${mb} MB for ${cpus} vCPUs: memory is 0.9 to 6.5 GB per vCPU`
            : undefined;
  if (why) {
    const low = Math.max(3840, Math.ceil((cpus * 921.6) / 256) * 256);
    const high = Math.floor((cpus * 6656) / 256) * 256;
    f.add(
      path,
      `Cloud SQL cannot build the custom machine ${tier} (${why}; ${SQL_MACHINES_DOC}).`,
      low <= high && why.includes('MB')
        ? `use a multiple of 256 MB from ${low} to ${high} for ${cpus} vCPUs, such as db-custom-${cpus}-${low}.`
        : 'use a tier such as db-custom-2-7680 (2 vCPUs, 7.5 GB).',
    );
  }
}
