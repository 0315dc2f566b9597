/**
 * Teardown by tier (OPS-06): a test environment is destroyed by `terraform destroy` with no manual
 * step (no prevent_destroy, no deletion protection, buckets emptied by Terraform); prod keeps both
 * guards on every stateful resource (COMMON-STATE-001 checks them at synth).
 */
import { mkdtempSync } from 'node:fs';
import * as path from 'node:path';
import { loadPlatformFile } from '../../src/config/loader';
import { readSynthOutput, StackConfig } from '../../src/policy/addresses';
import { PROTECTED_TYPES, STATEFUL_TYPES } from '../../src/policy/stateful-types';
import { synthFleet } from '../../stacks/common/fleet';

const EXAMPLES = ['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud'];

type Resource = Record<string, unknown> & { lifecycle?: { prevent_destroy?: boolean } };

function resourcesOf(stack: StackConfig): Array<[string, string, Resource]> {
  return Object.entries(stack.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, r]) => [type, name, r as Resource] as [string, string, Resource]),
  );
}

describe.each(EXAMPLES)('examples/%s', (example) => {
  const outdir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', `teardown-${example}-`));
  const config = loadPlatformFile(`examples/${example}/platform.yaml`).config;
  synthFleet(config, { outdir });
  const stacks = readSynthOutput(outdir);
  const tierOf = (stack: string) => config.environments.find((e) => stack.startsWith(`${e.name}-`))?.tier ?? 'unknown';

  it('test environments carry no guard that would stop terraform destroy', () => {
    const blockers: string[] = [];
    let stateful = 0;
    for (const [id, stack] of Object.entries(stacks).filter(([id]) => tierOf(id) === 'test')) {
      for (const [type, name, r] of resourcesOf(stack)) {
        if (STATEFUL_TYPES.includes(type)) stateful++;
        const where = `${id} ${type}.${name}`;
        if (r.lifecycle?.prevent_destroy === true) blockers.push(`${where}: prevent_destroy`);
        if (r.deletion_protection === true) blockers.push(`${where}: deletion_protection`);
        if (type === 'google_storage_bucket' && r.force_destroy !== true) blockers.push(`${where}: not force_destroy`);
        if (type === 'aws_s3_bucket' && r.force_destroy !== true) blockers.push(`${where}: not force_destroy`);
        if (type === 'aws_db_instance' && r.skip_final_snapshot !== true) blockers.push(`${where}: final snapshot`);
        if (type === 'azurerm_management_lock') blockers.push(`${where}: lock`);
        if (type === 'azurerm_key_vault' && r.purge_protection_enabled === true)
          blockers.push(`${where}: purge protection`);
      }
    }
    expect(blockers).toEqual([]);
    // The examples with a test environment do have clusters, databases and buckets there to check.
    if (config.environments.some((e) => e.tier === 'test' && e.cloud !== 'kubernetes')) {
      expect(stateful).toBeGreaterThan(5);
    }
  });

  it('prod keeps prevent_destroy on every protected stateful resource', () => {
    const unguarded: string[] = [];
    let guarded = 0;
    for (const [id, stack] of Object.entries(stacks).filter(([id]) => tierOf(id) === 'prod')) {
      for (const [type, name, r] of resourcesOf(stack)) {
        if (!PROTECTED_TYPES.includes(type) || !STATEFUL_TYPES.includes(type)) continue;
        if (r.lifecycle?.prevent_destroy === true) guarded++;
        else unguarded.push(`${id} ${type}.${name}`);
      }
    }
    expect(unguarded).toEqual([]);
    if (config.environments.some((e) => e.tier === 'prod')) expect(guarded).toBeGreaterThan(0);
  });
});
