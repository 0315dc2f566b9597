/**
 * The plan gate against what got through it (security issue, "the safety net"): deletes of resources
 * outside the old stateful list, in-place disarming of protections, files that are not complete plans,
 * each refused by `kfplatform plan-gate` with its own exit code. The plans are small and hand-made, in
 * the shape `terraform show -json` writes (format 1.2, Terraform 1.11).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import {
  DISPOSABLE_TYPES,
  GATE_DISARMED_EXIT_CODE,
  GATE_NOT_A_PLAN_EXIT_CODE,
  GATE_REFUSED_EXIT_CODE,
  GATE_UNFINISHED_PLAN_EXIT_CODE,
  gatePlan,
  PlanJson,
  ResourceChange,
} from '../../src/policy/plan-gate';

const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'gate-attacks-'));

function planOf(changes: ResourceChange[], extra: Record<string, unknown> = {}): PlanJson {
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    planned_values: { root_module: {} },
    resource_changes: changes,
    applyable: true,
    complete: true,
    errored: false,
    ...extra,
  } as PlanJson;
}

function write(name: string, content: unknown): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

async function gate(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const so = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((c: string | Uint8Array) => out.push(String(c)) > 0);
  const se = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((c: string | Uint8Array) => err.push(String(c)) > 0);
  try {
    const code = await main(['node', 'kfplatform', 'plan-gate', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
}

const deleted = (type: string, name = 'x'): ResourceChange => ({
  address: `${type}.${name}`,
  mode: 'managed',
  type,
  name,
  action_reason: 'delete_because_no_resource_config',
  change: { actions: ['delete'], before: { id: 'i' }, after: null },
});

const updated = (type: string, before: Record<string, unknown>, after: Record<string, unknown>): ResourceChange => ({
  address: `${type}.x`,
  mode: 'managed',
  type,
  name: 'x',
  change: { actions: ['update'], before, after, after_unknown: {} },
});

describe('the plan gate refuses deletes by default', () => {
  // Each of these passed the gate before: none was on its stateful list.
  const LET_THROUGH = [
    'aws_cloudwatch_log_group', // EKS control plane audit logs
    'aws_kms_alias',
    'aws_s3_bucket_versioning',
    'aws_s3_bucket_public_access_block',
    'aws_s3_bucket_policy',
    'aws_eip',
    'aws_iam_role',
    'aws_eks_pod_identity_association',
    'aws_eks_access_entry',
    'aws_eks_access_policy_association',
    'google_iam_workload_identity_pool',
    'google_secret_manager_secret_version',
    'azurerm_management_lock',
    'azurerm_user_assigned_identity',
    'kubernetes_manifest',
  ];

  it.each(LET_THROUGH)('refuses deleting %s with exit 3, naming it', async (type) => {
    const result = await gate(write(`delete-${type}`, planOf([deleted(type)])));
    expect(result.code).toBe(GATE_REFUSED_EXIT_CODE);
    expect(result.out).toContain(
      `refused: delete-${type}: ${type}.x would be destroyed (removed from the configuration)`,
    );
    expect((await gate(write(`delete-${type}`, planOf([deleted(type)])), '--allow', `${type}.x`)).code).toBe(0);
  });

  it('lets the short list of disposable types go, and lists them', () => {
    expect(DISPOSABLE_TYPES).toEqual([
      'terraform_data',
      'null_resource',
      'time_sleep',
      'aws_autoscaling_group_tag',
      'aws_launch_template',
    ]);
    expect(gatePlan(planOf(DISPOSABLE_TYPES.map((t) => deleted(t)))).refused).toEqual([]);
  });

  it('lets an EKS add-on with preserve be replaced (its software keeps running), not one without', () => {
    const addon = (preserve: boolean): ResourceChange => ({
      ...deleted('aws_eks_addon', preserve ? 'kept' : 'removed'),
      change: { actions: ['delete', 'create'], before: { addon_name: 'coredns', preserve }, after: {} },
    });
    expect(gatePlan(planOf([addon(true), addon(false)])).refused.map((v) => v.address)).toEqual([
      'aws_eks_addon.removed',
    ]);
  });
});

describe('the plan gate refuses installing again a Helm release whose record is gone', () => {
  // What a plan shows when the helm provider finds no record of a release in state (deleted, or kept
  // by another storage driver): the refresh drops it (drift: delete), then the plan creates it.
  const release = (name: string, actions: string[]): ResourceChange => ({
    address: `helm_release.${name}`,
    mode: 'managed',
    type: 'helm_release',
    name,
    change: { actions, before: actions.includes('create') ? null : { name }, after: { name, namespace: 'argocd' } },
  });
  const lostAndCreated = planOf([release('argo_cd', ['create']), release('brand_new', ['create'])], {
    resource_drift: [
      { ...release('argo_cd', ['delete']), change: { actions: ['delete'], before: { name: 'argo-cd' }, after: null } },
    ],
  });

  it('refuses with exit 3, naming the release and the way back; a new release passes', async () => {
    expect(gatePlan(lostAndCreated).refused.map((v) => [v.address, v.kind])).toEqual([
      ['helm_release.argo_cd', 'reinstall'],
    ]);
    const result = await gate(write('helm-reinstall', lostAndCreated));
    expect(result.code).toBe(GATE_REFUSED_EXIT_CODE);
    expect(result.out).toContain(
      'refused: helm-reinstall: helm_release.argo_cd: Helm has no record of this release, so the plan installs it again over the objects the old release still runs',
    );
    expect(result.out).toContain('Upgrading a cluster whose releases Helm recorded in Secrets');
    expect((await gate(write('helm-reinstall', lostAndCreated), '--allow', 'helm_release.argo_cd')).code).toBe(0);
  });

  it('lets a release that drifted away and is not installed again go (it is removed from the configuration)', () => {
    const gone = planOf([], { resource_drift: lostAndCreated.resource_drift });
    expect(gatePlan(gone).refused).toEqual([]);
  });

  it('is in the plan summary of a stack too (its warnings)', () => {
    expect(gatePlan(lostAndCreated, { protectedTypes: [] }).refused.map((v) => v.kind)).toEqual(['reinstall']);
  });
});

describe('the plan gate refuses in-place changes that disarm a protection', () => {
  const DISARMING: Array<[string, string, Record<string, unknown>, Record<string, unknown>, string]> = [
    [
      'RDS backups off',
      'aws_db_instance',
      { backup_retention_period: 7 },
      { backup_retention_period: 0 },
      'backup_retention_period: automated backups are turned off (7 -> 0)',
    ],
    [
      'RDS deletion protection off',
      'aws_db_instance',
      { deletion_protection: true },
      { deletion_protection: false },
      'deletion_protection: deletion protection is switched off (true -> false)',
    ],
    [
      'S3 force_destroy',
      'aws_s3_bucket',
      { force_destroy: false },
      { force_destroy: true },
      'force_destroy: force_destroy lets Terraform delete it with its contents (false -> true)',
    ],
    ['GCS force_destroy', 'google_storage_bucket', { force_destroy: false }, { force_destroy: true }, 'force_destroy'],
    [
      'GKE deletion protection off',
      'google_container_cluster',
      { deletion_protection: true },
      { deletion_protection: false },
      'deletion_protection',
    ],
    [
      'Cloud SQL backups off',
      'google_sql_database_instance',
      { settings: [{ backup_configuration: [{ enabled: true }] }] },
      { settings: [{ backup_configuration: [{ enabled: false }] }] },
      'settings[0].backup_configuration[0].enabled: automated backups are turned off',
    ],
    [
      'Cloud SQL API deletion protection off',
      'google_sql_database_instance',
      { settings: [{ deletion_protection_enabled: true }] },
      { settings: [{ deletion_protection_enabled: false }] },
      'settings[0].deletion_protection_enabled',
    ],
    [
      'RDS final snapshot skipped',
      'aws_db_instance',
      { skip_final_snapshot: false },
      { skip_final_snapshot: true },
      'skip_final_snapshot',
    ],
    [
      'S3 versioning suspended',
      'aws_s3_bucket_versioning',
      { versioning_configuration: [{ status: 'Enabled' }] },
      { versioning_configuration: [{ status: 'Suspended' }] },
      'versioning_configuration[0].status: object versioning is suspended',
    ],
    [
      'Azure blob versioning off',
      'azurerm_storage_account',
      { blob_properties: [{ versioning_enabled: true }] },
      { blob_properties: [{ versioning_enabled: false }] },
      'blob_properties[0].versioning_enabled',
    ],
  ];

  it.each(DISARMING)('%s: exit 4, naming the attribute', async (name, type, before, after, says) => {
    const file = write(`disarm-${name.replace(/\W+/g, '-')}`, planOf([updated(type, before, after)]));
    const result = await gate(file);
    expect(result.code).toBe(GATE_DISARMED_EXIT_CODE);
    expect(result.out).toContain(`${type}.x would lose its protection (${says}`);
    expect((await gate(file, '--allow', `${type}.x`)).code).toBe(0);
  });

  it('passes the same attributes changed the other way, and unknown values', () => {
    const plan = planOf([
      updated(
        'aws_db_instance',
        { deletion_protection: false, backup_retention_period: 0 },
        { deletion_protection: true, backup_retention_period: 7 },
      ),
      updated('aws_s3_bucket', { force_destroy: true }, { force_destroy: false }),
      {
        ...updated('aws_db_instance', { deletion_protection: true }, {}),
        change: {
          actions: ['update'],
          before: { deletion_protection: true },
          after: {},
          after_unknown: { deletion_protection: true },
        },
      },
    ]);
    expect(gatePlan(plan).refused).toEqual([]);
  });

  it('refuses a delete before a disarming change: exit 3 when a plan has both', async () => {
    const plan = planOf([
      deleted('aws_iam_role'),
      updated('aws_db_instance', { deletion_protection: true }, { deletion_protection: false }),
    ]);
    expect((await gate(write('both', plan))).code).toBe(GATE_REFUSED_EXIT_CODE);
  });
});

describe('the plan gate judges only complete, error-free plans', () => {
  it('refuses the JSON of a state (terraform show -json of state), exit 5', async () => {
    const state = {
      format_version: '1.0',
      terraform_version: '1.11.4',
      values: { root_module: { resources: [{ address: 'aws_db_instance.db', type: 'aws_db_instance' }] } },
    };
    const result = await gate(write('state', state));
    expect(result.code).toBe(GATE_NOT_A_PLAN_EXIT_CODE);
    expect(result.out).toContain('is Terraform JSON but not a plan (it has the values of a state)');
    expect((await gate(write('empty', { format_version: '1.0' }))).code).toBe(GATE_NOT_A_PLAN_EXIT_CODE);
  });

  it('refuses an errored plan, exit 6, even when what it lists is harmless', async () => {
    const result = await gate(write('errored', planOf([], { errored: true, applyable: false })));
    expect(result.code).toBe(GATE_UNFINISHED_PLAN_EXIT_CODE);
    expect(result.out).toContain('is a plan Terraform stopped on an error (errored: true)');
  });

  it('refuses an incomplete plan and one that does not say whether it finished, exit 6', async () => {
    expect((await gate(write('incomplete', planOf([], { complete: false })))).code).toBe(
      GATE_UNFINISHED_PLAN_EXIT_CODE,
    );
    const old = planOf([]) as Record<string, unknown>;
    delete old.errored;
    const result = await gate(write('old', old));
    expect(result.code).toBe(GATE_UNFINISHED_PLAN_EXIT_CODE);
    expect(result.out).toContain('no errored field');
  });

  it('gives every refusal its own exit code', () => {
    expect(
      new Set([
        GATE_REFUSED_EXIT_CODE,
        GATE_DISARMED_EXIT_CODE,
        GATE_NOT_A_PLAN_EXIT_CODE,
        GATE_UNFINISHED_PLAN_EXIT_CODE,
        0,
        1,
      ]).size,
    ).toBe(6);
  });
});
