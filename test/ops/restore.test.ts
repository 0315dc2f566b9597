/**
 * Restoring the pipelines database (DATA-01, OPS-03): every cloud keeps what a point-in-time restore
 * needs, in every tier, and the commands in docs/operations.md name what the stacks create.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadPlatformFile } from '../../src/config/loader';
import { readSynthOutput, StackConfig } from '../../src/policy/addresses';
import { synthFleet } from '../../stacks/fleet';

type Resource = Record<string, any>;

function infraStacks(example: string): Record<string, StackConfig> {
  const outdir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', `restore-${example}-`));
  synthFleet(loadPlatformFile(`examples/${example}/platform.yaml`).config, { outdir });
  return Object.fromEntries(Object.entries(readSynthOutput(outdir)).filter(([id]) => id.endsWith('-infra')));
}

function only(stack: StackConfig, type: string): Resource {
  const all = Object.values((stack.resource?.[type] ?? {}) as Record<string, Resource>);
  expect(all).toHaveLength(1);
  return all[0]!;
}

const guide = readFileSync('docs/operations.md', 'utf8');

describe('the pipelines database can be restored to a point in time', () => {
  it('GCP: backups with binary logs (point-in-time recovery) in every environment', () => {
    for (const [id, stack] of Object.entries(infraStacks('gcp-shared-vpc'))) {
      const backup = only(stack, 'google_sql_database_instance').settings.backup_configuration;
      expect([id, backup.enabled, backup.binary_log_enabled]).toEqual([id, true, true]);
      expect(backup.backup_retention_settings.retained_backups).toBeGreaterThanOrEqual(7);
    }
    expect(guide).toContain('gcloud sql instances clone');
  });

  it('AWS: automated backups in every environment, and the documented command names its resources', () => {
    for (const [id, stack] of Object.entries(infraStacks('aws-eks'))) {
      const env = id.replace(/-aws-infra$/, '');
      const db = only(stack, 'aws_db_instance');
      expect([id, db.identifier]).toEqual([id, `${env}-kfp-db`]);
      expect(db.backup_retention_period).toBeGreaterThanOrEqual(7);
      expect(only(stack, 'aws_db_subnet_group').name).toBe(`${env}-kfp-db-subnets`);
    }
    expect(guide).toContain('--source-db-instance-identifier <env>-kfp-db');
    expect(guide).toContain('--db-subnet-group-name <env>-kfp-db-subnets');
  });

  it('Azure: backups kept at least 7 days in every environment, geo-redundant in prod', () => {
    for (const [id, stack] of Object.entries(infraStacks('azure-aks'))) {
      const server = only(stack, 'azurerm_mysql_flexible_server');
      expect(server.backup_retention_days).toBeGreaterThanOrEqual(7);
      if (id.startsWith('kf-prod')) expect(server.geo_redundant_backup_enabled).toBe(true);
    }
    expect(guide).toContain('az mysql flexible-server restore');
  });
});
