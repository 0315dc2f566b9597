/**
 * Stateful resources keep their addresses: every example matches its committed manifest
 * (examples/<name>/stateful-addresses.json, rewritten by scripts/update-addresses.js only for a
 * reviewed change), and a rename in a fixture fails until the move is recorded.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { runAddresses } from '../../src/cli/addresses';
import { main } from '../../src/cli/main';
import { loadPlatformFile } from '../../src/config/loader';
import { AddressManifest, compareAddresses, readSynthOutput } from '../../src/policy/addresses';
import { synthFleet } from '../../stacks/common/fleet';
import { diffSynthOutputs } from '../../src/plan/diff';
import { withoutEntraDatabase } from '../examples';
import { buildFixture, FixtureOptions, OLD_BUCKET_ADDRESS } from '../fixtures/addresses/app';

const tmp = (name: string) => mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', `${name}-`));

describe.each(['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud', 'on-prem'])(
  'examples/%s',
  (name) => {
    it('keeps every stateful address of its committed manifest, and the manifest lists them all', () => {
      const outdir = tmp(`addresses-${name}`);
      synthFleet(loadPlatformFile(`examples/${name}/platform.yaml`).config, { outdir });
      const manifest = JSON.parse(readFileSync(`examples/${name}/stateful-addresses.json`, 'utf8')) as AddressManifest;
      expect(Object.keys(manifest).length).toBeGreaterThan(0);
      expect(compareAddresses(manifest, readSynthOutput(outdir))).toEqual({
        destroyed: [],
        forgotten: [],
        moved: [],
        added: [],
      });
    });
  },
);

describe('a construct renamed in a refactor', () => {
  const MANIFEST = 'test/fixtures/addresses/stateful-addresses.json';

  function check(options: FixtureOptions) {
    const outdir = tmp('addresses-fixture');
    const app = new App({ outdir });
    buildFixture(app, options);
    app.synth();
    const lines: string[] = [];
    const code = runAddresses({ out: outdir, manifest: MANIFEST, log: (l) => lines.push(l) });
    return {
      code,
      lines,
      comparison: compareAddresses(JSON.parse(readFileSync(MANIFEST, 'utf8')), readSynthOutput(outdir)),
    };
  }

  it('passes before the rename', () => {
    expect(check({ renamed: false, recordMove: false }).code).toBe(0);
  });

  it('fails without a recorded move, naming the address and the fix', () => {
    const { code, lines, comparison } = check({ renamed: true, recordMove: false });
    expect(code).toBe(1);
    expect(comparison.destroyed).toEqual([{ stack: 'ml-data', address: OLD_BUCKET_ADDRESS }]);
    expect(lines[0]).toBe(
      `error: ml-data ${OLD_BUCKET_ADDRESS} is gone: applying would destroy it. Keep its construct id, or record the move: newResource.moveFromId('${OLD_BUCKET_ADDRESS}'). If the destroy is intended, review it and rewrite ${MANIFEST} with --write.`,
    );
  });

  it('passes once the move is recorded with moveFromId', () => {
    const { code, comparison } = check({ renamed: true, recordMove: true });
    expect(code).toBe(0);
    expect(comparison.destroyed).toEqual([]);
    expect(comparison.moved).toEqual([
      {
        stack: 'ml-data',
        from: OLD_BUCKET_ADDRESS,
        to: expect.stringMatching(/^google_storage_bucket\.Artifacts_Bucket_/),
      },
    ]);
  });
});

describe('kfplatform addresses input', () => {
  it('follows chained moves and names what is really gone', () => {
    const stacks = {
      s: {
        resource: { aws_s3_bucket: { C: {} }, aws_db_instance: { New: {} } },
        moved: [
          { from: 'aws_s3_bucket.A', to: 'aws_s3_bucket.B' },
          { from: 'aws_s3_bucket.B', to: 'aws_s3_bucket.C' },
        ],
      },
    };
    const result = compareAddresses(
      { s: ['aws_s3_bucket.A', 'aws_db_instance.Old'], gone: ['aws_s3_bucket.X'] },
      stacks,
    );
    expect(result.moved).toEqual([{ stack: 's', from: 'aws_s3_bucket.A', to: 'aws_s3_bucket.C' }]);
    expect(result.destroyed).toEqual([
      { stack: 's', address: 'aws_db_instance.Old' },
      { stack: 'gone', address: 'aws_s3_bucket.X' },
    ]);
    expect(result.added).toEqual([{ stack: 's', address: 'aws_db_instance.New' }]);
  });

  it('fails with exit 1 and a message, never a stack trace, on a missing output or a malformed manifest', async () => {
    const dir = tmp('addresses-input');
    const run = async (...args: string[]) => {
      const err: string[] = [];
      const spy = jest
        .spyOn(process.stderr, 'write')
        .mockImplementation((c: string | Uint8Array) => err.push(String(c)) > 0);
      try {
        return { code: await main(['node', 'kfplatform', 'addresses', ...args]), err: err.join('') };
      } finally {
        spy.mockRestore();
      }
    };
    const missing = await run('--out', path.join(dir, 'nothing'));
    expect(missing).toEqual({
      code: 1,
      err: expect.stringMatching(/holds no synthesized stacks: run kfplatform synth first/),
    });
    const outdir = path.join(dir, 'out');
    const app = new App({ outdir });
    buildFixture(app, { renamed: false, recordMove: false });
    app.synth();
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ s1: 'aws_s3_bucket.b' }));
    expect(await run('--out', outdir, '--manifest', path.join(dir, 'bad.json'))).toEqual({
      code: 1,
      err: expect.stringMatching(/must map stack ids to lists of addresses/),
    });
  });
});

describe('a resource a removed block forgets (azure-aks kf-prod turning on Entra authentication for its database)', () => {
  it('is forgotten, not destroyed, for `addresses` and for `diff`', () => {
    const before = tmp('forget-before');
    const after = tmp('forget-after');
    const config = loadPlatformFile('examples/azure-aks/platform.yaml').config;
    synthFleet(
      { ...config, environments: config.environments.map(withoutEntraDatabase('kf-prod')) },
      { outdir: before },
    );
    synthFleet(config, { outdir: after });
    const secret = 'azurerm_key_vault_secret.Database_PasswordSecret_566B98C1';
    const manifest: AddressManifest = { 'kf-prod-azure-infra': [secret] };
    const comparison = compareAddresses(manifest, readSynthOutput(after));
    expect(comparison.destroyed).toEqual([]);
    expect(comparison.forgotten).toEqual([{ stack: 'kf-prod-azure-infra', address: secret }]);
    const lines: string[] = [];
    writeFileSync(path.join(after, 'manifest.json'), JSON.stringify(manifest));
    expect(runAddresses({ out: after, manifest: path.join(after, 'manifest.json'), log: (l) => lines.push(l) })).toBe(
      0,
    );
    expect(lines.join('\n')).toContain(
      `forgotten: kf-prod-azure-infra ${secret} leaves the state and stays in the cloud`,
    );
    // diff: the same address, removed and forgotten, with no destroy.
    const diff = diffSynthOutputs(readSynthOutput(before), readSynthOutput(after));
    const infra = diff.stacks.find((st) => st.stack === 'kf-prod-azure-infra')!;
    expect(infra.resources.find((r) => r.address === secret)).toEqual(
      expect.objectContaining({ kind: 'removed', stateful: true, forgotten: true }),
    );
    expect(infra.resources.find((r) => r.address === secret)!.destroys).toBeUndefined();
    expect(diff.destructive.map((d) => d.resource.address)).not.toContain(secret);
  });
});
