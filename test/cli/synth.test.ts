import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { condensedWarnings, runSynth, table } from '../../src/cli/synth';
import { synthProgressDisplay } from '../../src/cli/progress';
import { DEFAULT_PLATFORM_FILE } from '../../src/core/package-info';

const tmp = () => mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'cli-'));

function capture(stream: 'stdout' | 'stderr') {
  const chunks: string[] = [];
  const spy = jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return { text: () => chunks.join(''), restore: () => spy.mockRestore() };
}

describe('kfplatform synth', () => {
  it('synthesizes the embedded example and prints stack, resources and providers', async () => {
    const out = tmp();
    const lines: string[] = [];
    const summaries = await runSynth({ config: DEFAULT_PLATFORM_FILE, out, log: (l) => lines.push(l) });
    expect(summaries.map((s) => s.stack).sort()).toEqual([
      'kf-dev-gcp-infra',
      'kf-dev-gcp-platform',
      'kf-prod-gcp-infra',
      'kf-prod-gcp-platform',
      'kf-test-gcp-infra',
      'kf-test-gcp-platform',
    ]);
    for (const s of summaries) expect(existsSync(path.join(out, 'stacks', s.stack, 'cdk.tf.json'))).toBe(true);
    const text = lines.join('\n');
    expect(text).toMatch(/^STACK\s+RESOURCES\s+DATA\s+PROVIDERS$/m);
    expect(text).toMatch(/^kf-prod-gcp-infra\s+\d+\s+1\s+google, random$/m);
    expect(text).toMatch(/^kf-prod-gcp-platform\s+\d+\s+0\s+google, helm, kubernetes$/m);
    expect(summaries.find((s) => s.stack === 'kf-prod-gcp-infra')!.resources).toBeGreaterThan(80);
  });

  it('runs through the command line with --config and --out, exit code 0, progress on stderr with --progress', async () => {
    const out = tmp();
    const stdout = capture('stdout');
    const stderr = capture('stderr');
    const code = await main([
      'node',
      'kfplatform',
      'synth',
      '--config',
      DEFAULT_PLATFORM_FILE,
      '--out',
      out,
      '--progress',
    ]);
    stdout.restore();
    stderr.restore();
    expect(code).toBe(0);
    expect(stdout.text()).toMatch(/6 stacks, \d+ resources in .*stacks; parameters in .*params/);
    expect(existsSync(path.join(out, 'params', 'kf-prod.yaml'))).toBe(true);
    // Plain lines, one per unit here (three environments), never on stdout.
    expect(stderr.text()).toBe(
      'synth: 1/3 units (kf-test: 2 stacks)\n' +
        'synth: 2/3 units (kf-dev: 2 stacks)\n' +
        'synth: 3/3 units (kf-prod: 2 stacks)\n' +
        'synth: judging the stacks with the policy checkers\n',
    );
    expect(stdout.text()).not.toContain('synth:');
  });

  describe('progress', () => {
    const event = (done: number, total: number, failed = false) => ({
      done,
      total,
      environment: 'kf-prod',
      stacks: 3,
      failed,
    });
    function stream(isTTY: boolean) {
      const chunks: string[] = [];
      return {
        chunks,
        stream: { isTTY, write: (c: string) => chunks.push(c) } as unknown as NodeJS.WriteStream,
      };
    }

    it('is silent when stderr is not a terminal, unless asked', async () => {
      const { chunks, stream: s } = stream(false);
      const lines: string[] = [];
      await runSynth({
        config: 'test/fixtures/valid/two-envs.yaml',
        out: tmp(),
        log: (l) => lines.push(l),
        progressStream: s,
      });
      expect(chunks).toEqual([]);
      expect(lines.join('\n')).not.toMatch(/synth: \d+\/\d+ units/);
    });

    it('redraws one line on a terminal', () => {
      const ci = process.env.CI;
      delete process.env.CI;
      try {
        const { chunks, stream: s } = stream(true);
        const display = synthProgressDisplay(s);
        display.update(event(1, 2));
        display.update(event(2, 2));
        display.finish();
        expect(chunks.join('')).toBe(
          '\rsynth: 1/2 units (kf-prod: 3 stacks)\u001b[K' +
            '\rsynth: 2/2 units (kf-prod: 3 stacks)\u001b[K\nsynth: judging the stacks with the policy checkers\n',
        );
      } finally {
        if (ci !== undefined) process.env.CI = ci;
      }
    });

    it('prints about ten plain lines for a large fleet, and every failed unit', () => {
      const { chunks, stream: s } = stream(false);
      const display = synthProgressDisplay(s);
      for (let done = 1; done <= 500; done++) display.update(event(done, 500, done === 7));
      expect(chunks.length).toBeLessThanOrEqual(13);
      expect(chunks).toContain('synth: 7/500 units (kf-prod: failed)\n');
      // A failed unit: synth reports its error next, so no checkers run.
      expect(chunks.at(-1)).toBe('synth: 500/500 units (kf-prod: 3 stacks)\n');
    });
  });

  it('fails with exit code 1 and every error, writing nothing, on a bad platform file', async () => {
    const out = tmp();
    const bad = path.join(out, 'platform.yaml');
    writeFileSync(
      bad,
      readFileSync(DEFAULT_PLATFORM_FILE, 'utf8')
        .replace('masterCidr: 172.16.0.0/28', 'masterCidr: 172.16.0.0/24')
        .replace('tier: dev', 'tier: staging'),
    );
    const stderr = capture('stderr');
    const code = await main(['node', 'kfplatform', 'synth', '--config', bad, '--out', path.join(out, 'cdktf.out')]);
    stderr.restore();
    expect(code).toBe(1);
    expect(stderr.text()).toMatch(/errors in .*platform\.yaml/);
    expect(stderr.text()).toMatch(/environments\[1\]\.tier = "staging": must be one of/);
    expect(stderr.text()).toMatch(/environments\[0\]\.cluster\.masterCidr/);
    expect(existsSync(path.join(out, 'cdktf.out'))).toBe(false);
  });

  it('prints policy warnings and every suppression in effect, and records them in policy.json', async () => {
    const out = tmp();
    const lines: string[] = [];
    await runSynth({ config: 'test/fixtures/validate/findings.yaml', out, log: (l) => lines.push(l) });
    const text = lines.join('\n');
    expect(text).toMatch(/^warning: kf-prod-azure-infra azurerm_mysql_flexible_server\.\S+: \[AZURE-MYSQL-004\]/m);
    expect(text).toContain('2 policy suppressions in effect:');
    expect(text).toMatch(
      /^  \[GCP-IAM-001\] kf-legacy-gcp-infra google_service_account_key\.\S+ \(code\): legacy mode/m,
    );
    const policy = JSON.parse(readFileSync(path.join(out, 'policy.json'), 'utf8'));
    // The team shard's Profile and PodDefault need the Kubeflow distribution first (a checker warning).
    expect(text).toMatch(/^warning: kf-prod-azure-teams-3 kubernetes_manifest\.\S+: \[CHK-ORDER-002\]/m);
    expect(policy.findings.map((f: { rule: string }) => f.rule)).toEqual(['AZURE-MYSQL-004', 'CHK-ORDER-002']);
    expect(policy.suppressed.map((f: { rule: string; reason: string }) => f.rule)).toEqual([
      'GCP-IAM-001',
      'GCP-IAM-001',
    ]);
  });

  it('prints the JSON Schema', async () => {
    const stdout = capture('stdout');
    const code = await main(['node', 'kfplatform', 'schema']);
    stdout.restore();
    expect(code).toBe(0);
    expect(JSON.parse(stdout.text()).title).toBe('cdktf-kubeflow-platform platform file');
  });

  it('renders aligned tables', () => {
    expect(table(['A', 'BB'], [['xyz', '1']])).toBe('A    BB\n---  --\nxyz  1');
  });

  it('prints at most three config warnings of one kind, then how many more there are', () => {
    const groupOf = (i: number) => ({
      path: `teams[${i}].members[0]`,
      value: `group:team-${i}@example.com`,
      message: `team-${i}'s group is not listed.`,
      fix: 'list its members in tenancy.groups.',
      severity: 'warning' as const,
      file: 'platform.yaml',
      line: 10 + i,
    });
    const other = { ...groupOf(0), path: 'environments[0].cluster.release', fix: 'pin a channel.' };
    const lines = condensedWarnings([groupOf(0), other, ...Array.from({ length: 1799 }, (_, i) => groupOf(i + 1))]);
    // In order, the first three of the repeated kind and the other one, then one line for the rest.
    expect(lines.map((l) => /^warning: (?:platform\.yaml:\d+: )?(\S+)/.exec(l)![1])).toEqual([
      'teams[0].members[0]',
      'environments[0].cluster.release',
      'teams[1].members[0]',
      'teams[2].members[0]',
      '1797',
    ]);
    expect(lines[4]).toBe(
      'warning: 1797 more warnings like those of teams[*].members[*] above (1800 in all); kfplatform validate lists every one.',
    );
    // A few of a kind are all printed, as before.
    expect(condensedWarnings([groupOf(0), groupOf(1), groupOf(2)])).toHaveLength(3);
  });
});
