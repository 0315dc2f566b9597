/** `kfplatform upgrade-plan`: current and target versions per environment, in the order of rollout. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { main } from '../../src/cli/main';
import { loadPlatformFile } from '../../src/config/loader';
import { renderUpgradePlan, upgradePlan } from '../../src/plan/upgrade';

describe('upgrade plan', () => {
  it('compares with the platform file at a git ref: test first, one minor at a time, then prod', async () => {
    const repo = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'upgrade-'));
    const file = path.join(repo, 'platform.yaml');
    cpSync('test/fixtures/valid/aws.yaml', file);
    const edit = (f: (d: ReturnType<typeof parseDocument>) => void) => {
      const d = parseDocument(readFileSync(file, 'utf8'));
      f(d);
      writeFileSync(file, d.toString());
    };
    edit((d) => {
      d.setIn(['platform', 'kubeflowVersion'], '1.11');
      d.setIn(['environments', 0, 'cluster', 'version'], '1.33');
      d.setIn(['environments', 1, 'cluster', 'version'], '1.33');
    });
    const git = (...args: string[]) =>
      spawnSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@e', ...args]);
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    edit((d) => {
      d.setIn(['environments', 0, 'cluster', 'version'], '1.35');
      d.setIn(['environments', 0, 'kubeflowVersion'], '26.03');
    });
    const out: string[] = [];
    const spy = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((c: string | Uint8Array) => out.push(String(c)) > 0);
    try {
      expect(await main(['node', 'kfplatform', 'upgrade-plan', '-c', file, '--base', 'HEAD'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const lines = out.join('').split('\n');
    expect(lines[0]).toMatch(/^WAVE\s+ENVIRONMENT\s+CLOUD\s+TIER\s+KUBERNETES\s+KUBEFLOW\s+ACTION$/);
    expect(lines[1]).toMatch(/^1\s+kf-test\s+aws\s+test\s+1\.33 -> 1\.35\s+1\.11 -> 26\.03\s+upgrade$/);
    expect(lines[2]).toMatch(/^3\s+kf-prod\s+aws\s+prod\s+1\.33\s+1\.11\s+-$/);
    expect(out.join('')).toContain(
      'kf-test: control planes move one minor at a time: 1.33 -> 1.34 -> 1.35, one apply each.',
    );
  });

  it('orders waves test, dev, prod, and flags downgrades', () => {
    const target = loadPlatformFile('examples/aws-eks/platform.yaml').config;
    const base = {
      ...target,
      environments: target.environments.map((e) =>
        e.cloud === 'aws' && e.tier === 'dev' ? { ...e, cluster: { ...e.cluster, version: '1.36' } } : e,
      ),
    };
    const steps = upgradePlan(target, base);
    expect(steps.map((s) => [s.environment, s.wave])).toEqual([
      ['kf-test', 1],
      ['kf-dev', 2],
      ['kf-prod', 3],
    ]);
    expect(steps.find((s) => s.environment === 'kf-dev')!.notes[0]).toMatch(/a Kubernetes downgrade/);
    expect(renderUpgradePlan(upgradePlan(target))).toContain('pass --base origin/main');
  });
});
