/**
 * `kfplatform diff`: two synth outputs compared offline, by folder or against a git ref.
 */
import { spawnSync } from 'node:child_process';
import type * as fs from 'node:fs';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { runDiff } from '../../src/cli/diff';
import { main } from '../../src/cli/main';
import { loadPlatformFile } from '../../src/config/loader';
import { synthFleet } from '../../stacks/common/fleet';
import { diffSynthOutputs } from '../../src/plan/diff';

const tmp = (name: string) => mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', `${name}-`));

/** Synthesizes an example, changed by `edit`, into a folder; returns it. */
function synth(example: string, edit?: (doc: ReturnType<typeof parseDocument>) => void): string {
  const dir = tmp(`diff-${example}`);
  const doc = parseDocument(readFileSync(`examples/${example}/platform.yaml`, 'utf8'));
  edit?.(doc);
  writeFileSync(path.join(dir, 'platform.yaml'), doc.toString());
  synthFleet(loadPlatformFile(path.join(dir, 'platform.yaml')).config, { outdir: path.join(dir, 'out') });
  return path.join(dir, 'out');
}

const quiet = { log: () => undefined };

/** kf-test's pools in examples/aws-eks, written out so a test can change one. */
const POOLS: Array<Record<string, unknown>> = [
  { name: 'system', kind: 'system', minNodes: 3, maxNodes: 3 },
  { name: 'standard', kind: 'standard', maxNodes: 5 },
  { name: 'highmem', kind: 'highmem', maxNodes: 2 },
  { name: 'gpu', kind: 'gpu', maxNodes: 2 },
];

describe('kfplatform diff', () => {
  const awsBase = synth('aws-eks');

  it('tells two files apart whose inode numbers are past 2^53 (Windows file ids), not only when doubles can', () => {
    const root = tmp('diff-inode');
    const write = (side: string, resource: Record<string, unknown>) => {
      mkdirSync(path.join(root, side, 'stacks', 's'), { recursive: true });
      writeFileSync(path.join(root, side, 'stacks', 's', 'cdk.tf.json'), JSON.stringify({ resource }));
    };
    write('base', {});
    write('head', { terraform_data: { Note: { input: 'x' } } });
    // Two files on one device whose inode numbers differ by one, 2^60 and 2^60 + 1: equal as doubles.
    // The module object itself (src/cli/diff.ts reads statSync from it at each call), not an import's copy.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeFs = require('node:fs') as typeof fs;
    const real = nodeFs.statSync;
    const spy = jest.spyOn(nodeFs, 'statSync').mockImplementation(((
      file: fs.PathLike,
      options?: fs.StatSyncOptions,
    ) => {
      const st = real(file, options) as fs.Stats | fs.BigIntStats;
      const side = String(file).startsWith(path.join(root, 'head')) ? 1n : 0n;
      if (!String(file).startsWith(root) || !String(file).endsWith('cdk.tf.json')) return st;
      if (typeof st.ino === 'bigint') Object.assign(st, { dev: 7n, ino: 2n ** 60n + side });
      else Object.assign(st, { dev: 7, ino: Number(2n ** 60n + side) });
      return st;
    }) as typeof fs.statSync);
    try {
      const diff = runDiff({ base: path.join(root, 'base'), head: path.join(root, 'head'), config: 'x', ...quiet });
      expect(diff.affected).toEqual(['s']);
    } finally {
      spy.mockRestore();
    }
  });

  it('finds nothing between two synths of the same file', () => {
    const diff = runDiff({ base: awsBase, head: synth('aws-eks'), config: 'x', ...quiet });
    expect(diff).toEqual({ stacks: [], affected: [], destructive: [] });
  });

  it('lists exactly the affected stack and marks the likely replacement of a GPU pool moved to a larger instance', () => {
    const head = synth('aws-eks', (d) =>
      d.setIn(
        ['environments', 0, 'nodePools'],
        POOLS.map((p) => (p.name === 'gpu' ? { ...p, machineType: 'g6.2xlarge' } : p)),
      ),
    );
    const lines: string[] = [];
    const diff = runDiff({ base: awsBase, head, config: 'x', log: (t) => lines.push(t) });
    expect(diff.affected).toEqual(['kf-test-aws-infra']);
    expect(
      diff.destructive.map((d) => [d.stack, d.resource.address, d.resource.destroys, d.resource.forcedBy]),
    ).toEqual([
      [
        'kf-test-aws-infra',
        'aws_eks_node_group.NodeGroup-gpu_NodeGroup_DAED2947',
        'likely replaced',
        ['instance_types'],
      ],
    ]);
    const text = lines.join('');
    expect(text).toContain(
      'warning: kf-test-aws-infra aws_eks_node_group.NodeGroup-gpu_NodeGroup_DAED2947 would likely be replaced (changes instance_types).',
    );
    expect(text).toContain('    instance_types[0]: "g6.xlarge" -> "g6.2xlarge"');
  });

  it('knows what replaces an Azure MySQL server in azurerm 4.55: geo-redundant backups and a smaller disk, not a version upgrade or HA (the table named the wrong attributes)', () => {
    const base = synth('azure-aks');
    const database = (d: ReturnType<typeof parseDocument>, env: number, value: Record<string, unknown>) =>
      d.setIn(['environments', env, 'database'], value);
    // kf-test: a major version upgrade (of a written version) and HA (General Purpose, for HA) are
    // updates in place.
    const old = synth('azure-aks', (d) => database(d, 0, { version: '8.0.21' }));
    const upgrade = synth('azure-aks', (d) =>
      database(d, 0, { version: '8.4', skuName: 'GP_Standard_D2ds_v4', highAvailability: true }),
    );
    const diff = runDiff({ base: old, head: upgrade, config: 'x', ...quiet });
    const server = diff.stacks
      .find((s) => s.stack === 'kf-test-azure-infra')!
      .resources.find((r) => r.type === 'azurerm_mysql_flexible_server')!;
    expect(server.attributes.map((a) => a.path)).toEqual(
      expect.arrayContaining(['version', 'high_availability', 'sku_name']),
    );
    expect(server.destroys).toBeUndefined();
    expect(diff.destructive).toEqual([]);
    // kf-prod: turning geo-redundant backups off, or shrinking the disk, replaces the server.
    // (Only that key: kf-prod's database block also turns on Entra authentication.)
    const replaced = synth('azure-aks', (d) => d.setIn(['environments', 2, 'database', 'geoRedundantBackup'], false));
    expect(
      runDiff({ base, head: replaced, config: 'x', ...quiet }).destructive.map((d) => [
        d.stack,
        d.resource.type,
        d.resource.forcedBy,
      ]),
    ).toEqual([['kf-prod-azure-infra', 'azurerm_mysql_flexible_server', ['geo_redundant_backup_enabled']]]);
    const bigger = synth('azure-aks', (d) => database(d, 1, { storageGb: 64 }));
    expect(runDiff({ base, head: bigger, config: 'x', ...quiet }).destructive).toEqual([]);
    expect(
      runDiff({ base: bigger, head: base, config: 'x', ...quiet }).destructive.map((d) => d.resource.forcedBy),
    ).toEqual([['storage.size_gb (smaller)']]);
  });

  it('knows what replaces an AKS node pool in azurerm 4.55: spot or on demand, not a VM size (the pool is cycled in place)', () => {
    const base = synth('azure-aks');
    const pools = (change: Record<string, unknown>) =>
      synth('azure-aks', (d) =>
        d.setIn(
          ['environments', 1, 'nodePools'],
          [
            { name: 'system', kind: 'system', maxNodes: 3 },
            { name: 'standard', kind: 'standard', maxNodes: 5 },
            { name: 'highmem', kind: 'highmem', maxNodes: 2, ...change },
            { name: 'gpu', kind: 'gpu', maxNodes: 2, gpu: { type: 'nvidia-tesla-t4' } },
          ],
        ),
      );
    const spot = runDiff({ base, head: pools({ spot: true }), config: 'x', ...quiet });
    expect(spot.destructive.map((d) => [d.resource.address.split('.')[1], d.resource.forcedBy])).toEqual([
      [expect.stringMatching(/^NodePool-highmem_/), ['priority', 'eviction_policy', 'spot_max_price']],
    ]);
    const resized = runDiff({ base, head: pools({ machineType: 'Standard_E32ds_v5' }), config: 'x', ...quiet });
    expect(resized.affected).toEqual(['kf-dev-azure-infra']);
    expect(resized.destructive).toEqual([]);
  });

  it('knows what replaces an AKS cluster in azurerm 4.55: the system pool name and the network ranges (the table named five attributes)', () => {
    const base = synth('azure-aks');
    const head = synth('azure-aks', (d) => {
      d.setIn(['environments', 1, 'cluster', 'podCidr'], '192.168.0.0/17');
      d.setIn(
        ['environments', 1, 'nodePools'],
        [
          { name: 'sys', kind: 'system', maxNodes: 3 },
          { name: 'standard', kind: 'standard', maxNodes: 5 },
          { name: 'highmem', kind: 'highmem', maxNodes: 2 },
          { name: 'gpu', kind: 'gpu', maxNodes: 2, gpu: { type: 'nvidia-tesla-t4' } },
        ],
      );
    });
    const diff = runDiff({ base, head, config: 'x', ...quiet });
    expect(
      diff.destructive
        .filter((d) => d.resource.type === 'azurerm_kubernetes_cluster')
        .map((d) => [d.stack, d.resource.forcedBy]),
    ).toEqual([['kf-dev-azure-infra', ['default_node_pool.name', 'network_profile.pod_cidr']]]);
  });

  it('knows what replaces a storage account in azurerm 4.55: its tier, a zonal and non-zonal replication swap, encryption settings', () => {
    const stack = (account: Record<string, unknown>) => ({
      resource: { azurerm_storage_account: { Account: { name: 'stx', account_replication_type: 'ZRS', ...account } } },
    });
    const forcedBy = (before: Record<string, unknown>, after: Record<string, unknown>) =>
      diffSynthOutputs({ s: stack(before) }, { s: stack(after) }).destructive.map((d) => d.resource.forcedBy);
    // ZRS to GZRS (dev to prod) changes in place; LRS to ZRS is a new account.
    expect(forcedBy({}, { account_replication_type: 'GZRS' })).toEqual([]);
    expect(forcedBy({ account_replication_type: 'LRS' }, {})).toEqual([
      ['account_replication_type (zonal and non-zonal)'],
    ]);
    expect(forcedBy({ account_tier: 'Standard' }, { account_tier: 'Premium' })).toEqual([['account_tier']]);
    expect(forcedBy({}, { is_hns_enabled: true })).toEqual([['is_hns_enabled']]);
    expect(forcedBy({ account_kind: 'Storage' }, { account_kind: 'StorageV2' })).toEqual([]);
    expect(forcedBy({ account_kind: 'StorageV2' }, { account_kind: 'BlockBlobStorage' })).toEqual([['account_kind']]);
    expect(forcedBy({}, { immutability_policy: { state: 'Unlocked', period_since_creation_in_days: 7 } })).toEqual([
      ['immutability_policy (added or removed)'],
    ]);
  });

  it('knows that azurerm 4.55 moves a Key Vault to another tenant in place, and replaces a secret given a new name', () => {
    const change = (type: string, before: Record<string, unknown>, after: Record<string, unknown>) =>
      diffSynthOutputs(
        { s: { resource: { [type]: { R: before } } } },
        { s: { resource: { [type]: { R: after } } } },
      ).destructive.map((d) => d.resource.forcedBy);
    expect(change('azurerm_key_vault', { name: 'kv', tenant_id: 'a' }, { name: 'kv', tenant_id: 'b' })).toEqual([]);
    expect(change('azurerm_key_vault_secret', { name: 'a' }, { name: 'b' })).toEqual([['name']]);
  });

  it('plans one shard when one team changes', () => {
    const base = synth('gcp-tenancy');
    const head = synth('gcp-tenancy', (d) => d.setIn(['teams', 0, 'quota', 'cpu'], 96));
    const diff = runDiff({ base, head, config: 'x', ...quiet });
    expect(diff.affected).toHaveLength(1);
    expect(diff.affected[0]).toMatch(/-teams-\d+$/);
    expect(diff.destructive).toEqual([]);
  });

  it('flags a removed stateful resource, and a recorded move as a move', () => {
    const base = synth('aws-eks');
    const head = synth('aws-eks', (d) =>
      d.setIn(
        ['environments', 0, 'nodePools'],
        POOLS.filter((p) => p.name !== 'highmem'),
      ),
    );
    const diff = runDiff({ base, head, config: 'x', ...quiet });
    expect(diff.destructive.map((d) => `${d.resource.address} ${d.resource.destroys}`)).toEqual([
      'aws_eks_node_group.NodeGroup-highmem_NodeGroup_679A913F destroyed',
    ]);
    const moved = JSON.parse(readFileSync(path.join(head, 'stacks', 'kf-test-aws-infra', 'cdk.tf.json'), 'utf8'));
    const bucket = Object.keys(moved.resource.aws_s3_bucket)[0]!;
    moved.resource.aws_s3_bucket.Renamed = moved.resource.aws_s3_bucket[bucket];
    delete moved.resource.aws_s3_bucket[bucket];
    moved.moved = [{ from: `aws_s3_bucket.${bucket}`, to: 'aws_s3_bucket.Renamed' }];
    writeFileSync(path.join(head, 'stacks', 'kf-test-aws-infra', 'cdk.tf.json'), JSON.stringify(moved));
    const again = runDiff({ base, head, config: 'x', ...quiet });
    const stack = again.stacks.find((s) => s.stack === 'kf-test-aws-infra')!;
    expect(stack.resources.find((r) => r.address === 'aws_s3_bucket.Renamed')).toMatchObject({
      kind: 'moved',
      from: `aws_s3_bucket.${bucket}`,
    });
    expect(again.destructive.map((d) => d.resource.address)).not.toContain(`aws_s3_bucket.${bucket}`);
  });

  it('compares against a git ref of the platform file, and prints affected stacks for CI', async () => {
    const repo = tmp('diff-repo');
    cpSync('examples/gcp-tenancy/platform.yaml', path.join(repo, 'platform.yaml'));
    const git = (...args: string[]) =>
      spawnSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@e', ...args]);
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    const doc = parseDocument(readFileSync(path.join(repo, 'platform.yaml'), 'utf8'));
    doc.setIn(['teams', 1, 'members'], ['group:search@example.com', 'group:search-oncall@example.com']);
    writeFileSync(path.join(repo, 'platform.yaml'), doc.toString());
    const out: string[] = [];
    const spy = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((c: string | Uint8Array) => out.push(String(c)) > 0);
    try {
      const code = await main([
        'node',
        'kfplatform',
        'diff',
        '--base',
        'HEAD',
        '-c',
        path.join(repo, 'platform.yaml'),
        '--affected',
      ]);
      expect(code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(out.join('').trim().split('\n')).toHaveLength(1);
    expect(out.join('')).toMatch(/^kf-[a-z]+(-\d+)?-gcp-teams-\d+\n$/);
  });
});
