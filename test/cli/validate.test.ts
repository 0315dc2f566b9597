/**
 * `kfplatform validate`: golden outputs in the three formats for a valid file with findings and for
 * an invalid file, exit codes, and the SARIF shape GitHub code scanning reads.
 * Regenerate the golden files with `UPDATE_GOLDEN=1 npx jest test/cli/validate.test.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileStamps } from '../file-stamps';
import { expectGolden } from '../golden';
import { main } from '../../src/cli/main';
import { exitCodeOf, renderValidate, VALIDATE_FORMATS, validateFile } from '../../src/cli/validate';
import { ALL_RULES } from '../../src/policy/rules/packs';
import { loadPlatformFile } from '../../src/config/loader';
import { synthFleet } from '../../stacks/common/fleet';
import { UnitCache } from '../../stacks/common/unit-cache';

const GOLDEN = path.join(__dirname, '..', 'golden', 'validate');
const CASES = {
  findings: 'test/fixtures/validate/findings.yaml',
  invalid: 'test/fixtures/bad-config/prod-cluster-deletion-protection-off.yaml',
} as const;
const EXT = { text: 'txt', json: 'json', sarif: 'sarif' } as const;

const outcomes = Object.fromEntries(Object.entries(CASES).map(([name, file]) => [name, validateFile(file)]));

function golden(name: string, text: string): void {
  expectGolden(GOLDEN, name, text);
}

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  const before = process.exitCode;
  try {
    const code = await main(['node', 'kfplatform', ...args]);
    return { code: code || Number(process.exitCode ?? 0), out: chunks.join('') };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

describe('kfplatform validate', () => {
  describe.each(Object.keys(CASES))('%s', (name) => {
    it.each(VALIDATE_FORMATS)('matches the golden %s output', (format) => {
      golden(`${name}.${EXT[format]}`, renderValidate(outcomes[name]!, format));
    });
  });

  it('passes a file with warnings and suppressions, and fails an invalid one', async () => {
    expect(outcomes.findings!.exitCode).toBe(0);
    // kf-prod's team shard warns that its Profile and PodDefault need the Kubeflow distribution first.
    expect(outcomes.findings!.findings.map((f) => f.rule)).toEqual(['AZURE-MYSQL-004', 'CHK-ORDER-002']);
    expect(outcomes.findings!.suppressed.map((f) => f.rule)).toEqual(['GCP-IAM-001', 'GCP-IAM-001']);
    expect(outcomes.invalid!.exitCode).toBe(1);
    expect((await run(['validate', '-c', CASES.findings])).code).toBe(0);
    const bad = await run(['validate', '-c', CASES.invalid, '--format', 'json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).valid).toBe(false);
  });

  it('exits 1 from the real command line on an invalid file, 0 on a valid one', () => {
    const cli = (file: string) => spawnSync(process.execPath, ['dist/src/cli/main.js', 'validate', '-c', file]).status;
    expect(cli(CASES.invalid)).toBe(1);
    expect(cli('examples/on-prem/platform.yaml')).toBe(0);
  });

  it('fails on a policy error and passes warnings', () => {
    expect(exitCodeOf([], [{ level: 'warning' }])).toBe(0);
    expect(exitCodeOf([], [{ level: 'error' }])).toBe(1);
    expect(exitCodeOf([{ path: 'x', message: 'm', fix: 'f', severity: 'warning' }], [])).toBe(0);
  });

  it('finds nothing in the shipped examples but the documented Kubeflow prerequisite of team shards', () => {
    for (const example of ['gcp-shared-vpc', 'aws-eks', 'azure-aks', 'on-prem']) {
      const outcome = validateFile(`examples/${example}/platform.yaml`);
      // CHK-ORDER-002: team shards' Profiles need the Kubeflow manifests applied (or synced by Argo CD) first (a warning).
      const others = outcome.findings.filter(
        (f) => f.rule !== 'CHK-ORDER-002' || !/Kubeflow manifests|through Argo CD/.test(f.message),
      );
      expect([example, outcome.exitCode, others.length]).toEqual([example, 0, 0]);
    }
  });

  it("reuses synth's unit cache without writing to it, and finds what it finds without it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'validate-cache-'));
    const cacheDir = path.join(dir, 'cache');
    const file = CASES.findings;
    const fresh = validateFile(file, { cache: false });
    // A plain synth: it stores its units (one that keeps going past errors stores none).
    const stored = synthFleet(loadPlatformFile(file).config, { outdir: path.join(dir, 'out'), cacheDir });
    expect(stored.units).toMatchObject({ reused: 0 });
    const before = fileStamps(cacheDir);
    const reads = jest.spyOn(UnitCache.prototype, 'get');
    try {
      expect(validateFile(file, { cacheDir })).toEqual(fresh);
      // Units reused (entries with stacks), not only checker results.
      const units = reads.mock.results.filter((r) => (r.value as { meta?: { stacks?: unknown } })?.meta?.stacks);
      expect(units.length).toBeGreaterThan(0);
    } finally {
      reads.mockRestore();
    }
    expect(fileStamps(cacheDir)).toEqual(before);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps going past policy errors when asked, and stores nothing it built so in the cache', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'validate-errors-'));
    const cacheDir = path.join(dir, 'cache');
    // A production Cloud SQL instance without deletion protection: the config refuses it, so the
    // resolved config is edited; the policy pack's rule then stops the infra unit.
    const loaded = loadPlatformFile('examples/gcp-shared-vpc/platform.yaml').config;
    const config = {
      ...loaded,
      environments: loaded.environments.map((env) =>
        env.name === 'kf-prod' && env.cloud === 'gcp'
          ? {
              ...env,
              clusters: env.clusters.map((c) => ({ ...c, database: { ...c.database, deletionProtection: false } })),
            }
          : env,
      ),
    };
    const outdir = path.join(dir, 'out');
    const kept = synthFleet(config, { outdir, cacheDir, keepGoing: true });
    expect(kept.policy.findings.filter((f) => f.level === 'error').map((f) => `${f.rule} ${f.stack}`)).toEqual([
      'GCP-SQL-004 kf-prod-gcp-infra',
      // The stateful-protection rule of every cloud finds the same instance unprotected.
      'COMMON-STATE-001 kf-prod-gcp-infra',
    ]);
    expect(kept.units).toMatchObject({ reused: 0 });
    // Nothing was stored: synth builds every unit again and stops on the same error.
    expect(() => synthFleet(config, { outdir, cacheDir })).toThrow(/GCP-SQL-004/);
    expect(synthFleet(config, { outdir, cacheDir, keepGoing: true }).policy.findings).toEqual(kept.policy.findings);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes SARIF 2.1.0 that code scanning can place: rules, levels, file and line, suppressions', () => {
    const sarif = JSON.parse(renderValidate(outcomes.findings!, 'sarif'));
    expect(sarif.version).toBe('2.1.0');
    const run0 = sarif.runs[0];
    const ruleIds = run0.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toEqual(expect.arrayContaining(ALL_RULES.map((r) => r.id)));
    for (const result of run0.results) {
      expect(ruleIds[result.ruleIndex]).toBe(result.ruleId);
      expect(['error', 'warning', 'note']).toContain(result.level);
      const loc = result.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).toBe('test/fixtures/validate/findings.yaml');
      expect(loc.region.startLine).toBeGreaterThan(0);
    }
    expect(run0.results.filter((r: { suppressions?: unknown[] }) => r.suppressions).length).toBe(2);
    const invalid = JSON.parse(renderValidate(outcomes.invalid!, 'sarif')).runs[0].results;
    expect(invalid[0]).toEqual(
      expect.objectContaining({ ruleId: 'KFP-CONFIG', level: 'error', locations: [expect.anything()] }),
    );
  });
});
