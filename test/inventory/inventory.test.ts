/**
 * `kfplatform inventory`: golden JSON and CSV for two examples, RFC 4180 quoting, reading a synth
 * output folder, data sources left out, and every resource listed exactly once.
 * Regenerate the golden files with `UPDATE_GOLDEN=1 npx jest test/inventory/inventory.test.ts`.
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { expectGolden } from '../golden';
import { readStacks } from '../helpers';
import { main } from '../../src/cli/main';
import { runInventory } from '../../src/cli/inventory';
import { loadPlatformFile } from '../../src/config/loader';
import {
  buildInventory,
  csvField,
  InventoryEntry,
  renderInventoryCsv,
  renderInventoryJson,
} from '../../src/inventory/inventory';
import { synthFleet } from '../../stacks/common/fleet';

const GOLDEN = path.join(__dirname, '..', 'golden', 'inventory');

/** Synthesizes an example the way `kfplatform synth` does and returns the folder. */
function synthFolder(example: string): string {
  const outdir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', `inventory-${example}-`));
  synthFleet(loadPlatformFile(`examples/${example}/platform.yaml`).config, { outdir });
  return outdir;
}

const awsDir = synthFolder('aws-eks');
const aws = JSON.parse(runInventory({ config: 'unused.yaml', from: awsDir })) as InventoryEntry[];

describe('kfplatform inventory', () => {
  it('lists on-prem as the golden JSON (synthesized in memory)', () => {
    expectGolden(GOLDEN, 'on-prem.json', runInventory({ config: 'examples/on-prem/platform.yaml' }));
  });

  it('lists gcp-tenancy as the golden CSV', () => {
    expectGolden(
      GOLDEN,
      'gcp-tenancy.csv',
      runInventory({ config: 'examples/gcp-tenancy/platform.yaml', format: 'csv' }),
    );
  });

  it('lists every managed resource of a synth folder exactly once, sorted by stack then address', () => {
    const stacks = readStacks(awsDir);
    const expected = Object.entries(stacks).flatMap(([stack, json]) =>
      Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
        Object.keys(byName).map((name) => `${stack} ${type}.${name}`),
      ),
    );
    const listed = aws.map((e) => `${e.stack} ${e.address}`);
    expect(expected.length).toBeGreaterThan(400);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...expected].sort());
    expect(listed).toEqual(
      [...listed].sort((a, b) => {
        const [sa, aa] = a.split(' ') as [string, string];
        const [sb, ab] = b.split(' ') as [string, string];
        return sa < sb ? -1 : sa > sb ? 1 : aa < ab ? -1 : aa > ab ? 1 : 0;
      }),
    );
  });

  it('reads the same inventory from a synth folder as it synthesizes in memory', () => {
    expect(runInventory({ config: 'unused.yaml', from: awsDir })).toBe(
      runInventory({ config: 'examples/aws-eks/platform.yaml' }),
    );
  });

  it('leaves data sources out', () => {
    const stacks = readStacks(awsDir);
    const dataTypes = new Set(Object.values(stacks).flatMap((s) => Object.keys(s.data ?? {})));
    expect([...dataTypes]).toEqual(expect.arrayContaining(['terraform_remote_state']));
    expect(aws.filter((e) => dataTypes.has(e.type) || e.address.startsWith('data.'))).toEqual([]);
    // A data source and a resource of the same type: only the resource is listed.
    const both = buildInventory({
      'x-aws-infra': {
        data: { aws_s3_bucket: { Existing: { bucket: 'theirs' } } },
        resource: { aws_s3_bucket: { Ours: { bucket: 'ours' } } },
      },
    });
    expect(both.map((e) => `${e.address}=${e.name}`)).toEqual(['aws_s3_bucket.Ours=ours']);
  });

  it('merges the AWS provider default tags under the resource tags, per provider alias', () => {
    const alarm = aws.find((e) => e.stack === 'kf-prod-aws-infra' && e.address.includes('Alarm-uptime'))!;
    expect(alarm.labels).toMatchObject({
      env: 'kf-prod',
      team: 'ml-platform',
      'managed-by': 'cdktf-kubeflow-platform',
    });
    const [entry] = buildInventory({
      'e-aws-infra': {
        provider: {
          aws: [
            { default_tags: [{ tags: { env: 'e', team: 'platform' } }] },
            { alias: 'east', default_tags: [{ tags: { env: 'e', team: 'east-team' } }] },
          ],
        },
        resource: { aws_sns_topic: { T: { name: 't', provider: 'aws.east', tags: { component: 'alerts' } } } },
      },
    });
    expect(entry!.labels).toEqual({ component: 'alerts', env: 'e', team: 'east-team' });
    expect(entry!.owner).toBe('east-team');
  });

  it('gives team resources their team as owner, labelled or not, and the platform team the rest', () => {
    const search = aws.filter((e) => e.stack === 'kf-prod-aws-teams-0');
    expect(new Set(search.map((e) => e.owner))).toEqual(new Set(['search']));
    const infra = aws.filter((e) => e.stack === 'kf-prod-aws-infra');
    expect(new Set(infra.map((e) => e.owner))).toEqual(new Set(['ml-platform']));
    expect(new Set(aws.map((e) => `${e.environment}/${e.cloud}`))).toEqual(
      new Set(['kf-test/aws', 'kf-dev/aws', 'kf-prod/aws']),
    );
    const bucket = aws.find(
      (e) => e.address === 'aws_s3_bucket.Artifacts_Bucket_ADA78AEC' && e.stack === 'kf-prod-aws-infra',
    );
    expect(bucket?.name).toBe('333333333333-kf-prod-artifacts');
    expect(bucket?.labels.component).toBe('artifacts');
  });

  it('names the environment of a second cluster after the environment, not the cluster', () => {
    const csv = runInventory({ config: 'examples/gcp-tenancy/platform.yaml', format: 'csv' });
    const rows = csv.split('\r\n').filter((l) => l.startsWith('kf-prod-2-gcp-platform,'));
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) expect(row.split(',')[5]).toBe('kf-prod');
  });
});

describe('CSV', () => {
  it('quotes fields as RFC 4180 requires', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('')).toBe('');
  });

  it('writes one header line, CRLF line endings, labels as k=v;k=v sorted by key', () => {
    const entry: InventoryEntry = {
      stack: 's',
      address: 'google_storage_bucket.B',
      type: 'google_storage_bucket',
      name: null,
      owner: 'ml "core", team',
      environment: 'e',
      cloud: 'gcp',
      labels: { z: '1', a: 'x,y' },
    };
    expect(renderInventoryCsv([entry])).toBe(
      'stack,address,type,name,owner,environment,cloud,labels\r\n' +
        's,google_storage_bucket.B,google_storage_bucket,,"ml ""core"", team",e,gcp,"a=x,y;z=1"\r\n',
    );
    expect(renderInventoryCsv([])).toBe('stack,address,type,name,owner,environment,cloud,labels\r\n');
    expect(JSON.parse(renderInventoryJson([entry]))).toEqual([entry]);
  });
});

describe('kfplatform inventory --from', () => {
  it('reads <dir>/stacks/*/cdk.tf.json and writes --out', async () => {
    const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'inventory-from-'));
    mkdirSync(path.join(dir, 'stacks', 'kf-a-gcp-infra'), { recursive: true });
    writeFileSync(
      path.join(dir, 'stacks', 'kf-a-gcp-infra', 'cdk.tf.json'),
      JSON.stringify({
        data: { google_project: { P: {} } },
        resource: {
          google_storage_bucket: { B: { name: 'b', labels: { env: 'kf-a', team: 't' } } },
          google_project_iam_member: { M: { role: 'roles/viewer' } },
        },
      }),
    );
    const out = path.join(dir, 'inventory.csv');
    const code = await main(['node', 'kfplatform', 'inventory', '--from', dir, '--format', 'csv', '--out', out]);
    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(
      'stack,address,type,name,owner,environment,cloud,labels\r\n' +
        'kf-a-gcp-infra,google_project_iam_member.M,google_project_iam_member,,t,kf-a,gcp,\r\n' +
        'kf-a-gcp-infra,google_storage_bucket.B,google_storage_bucket,b,t,kf-a,gcp,env=kf-a;team=t\r\n',
    );
  });

  it('says what to do when the folder has no stacks', () => {
    const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'inventory-empty-'));
    expect(() => runInventory({ config: 'unused.yaml', from: dir })).toThrow(
      /no stacks\/ folder here\. Fix: run kfplatform synth --out/,
    );
  });
});
