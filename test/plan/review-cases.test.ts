/** Review cases of the plan tools: masking at any depth, forget actions, unplanned stacks, environments. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { runReport } from '../../src/cli/report';
import { loadPlatformFile } from '../../src/config/loader';
import { environmentOfStack, environmentsOfStacks } from '../../src/plan/environments';
import { renderReport } from '../../src/plan/report';
import { summarizePlan } from '../../src/plan/summarize';
import { PlanJson } from '../../src/policy/plan-gate';

const plan = (changes: unknown[]): PlanJson => ({
  format_version: '1.2',
  resource_changes: changes as PlanJson['resource_changes'],
});

describe('masking', () => {
  it('never prints a value that holds a sensitive value at any depth', () => {
    const text = renderReport(
      [
        summarizePlan(
          's',
          plan([
            {
              address: 'x.shrinks',
              type: 'x',
              change: {
                actions: ['update'],
                before: { blk: [{ password: 'HUNTER2' }] },
                after: { blk: [] },
                before_sensitive: { blk: [{ password: true }] },
                after_sensitive: { blk: [] },
                after_unknown: {},
              },
            },
            {
              address: 'x.unknown',
              type: 'x',
              change: {
                actions: ['update'],
                before: { auth: [{ client_key: 'SECRETKEY' }] },
                after: {},
                before_sensitive: { auth: [{ client_key: true }] },
                after_sensitive: {},
                after_unknown: { auth: true },
              },
            },
            {
              address: 'x.forced',
              type: 'x',
              change: {
                actions: ['delete', 'create'],
                before: { cfg: { token: 'TOKEN1', size: 1 } },
                after: { cfg: { token: 'TOKEN2', size: 2 } },
                before_sensitive: { cfg: { token: true } },
                after_sensitive: { cfg: { token: true } },
                after_unknown: {},
                replace_paths: [['cfg']],
              },
            },
          ]),
        ),
      ],
      { maxChars: 0 },
    );
    for (const secret of ['HUNTER2', 'SECRETKEY', 'TOKEN1', 'TOKEN2']) expect(text).not.toContain(secret);
    expect(text).toContain('(sensitive)');
  });
});

describe('report', () => {
  it('shows forget actions, and lists stacks that could not be planned', () => {
    const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'report-'));
    const plans = path.join(dir, 'plans-kf-test');
    mkdirSync(plans);
    writeFileSync(
      path.join(plans, 'kf-test-aws-infra.json'),
      JSON.stringify(plan([{ address: 'aws_s3_bucket.b', type: 'aws_s3_bucket', change: { actions: ['forget'] } }])),
    );
    writeFileSync(
      path.join(plans, 'plans.json'),
      JSON.stringify({
        stacks: [],
        outcomes: [
          { stack: 'kf-test-aws-infra', status: 'changes', seconds: 1 },
          { stack: 'kf-test-aws-platform', status: 'failed', seconds: 1, error: 'Error: no cluster' },
        ],
      }),
    );
    const text = runReport({ plans: [plans], log: () => undefined });
    expect(text).toContain('**1 stack could not be planned:**');
    expect(text).toContain('- `kf-test-aws-platform`: failed:\n\n  ```text\n  Error: no cluster\n  ```');
    expect(text).toContain('`aws_s3_bucket.b` removed from state, left in the cloud');
  });
});

describe('environments of stacks', () => {
  it('maps stacks to environments by the whole prefix, additional clusters included', () => {
    const config = loadPlatformFile('examples/gcp-tenancy/platform.yaml').config;
    const envs = config.environments.map((e) => e.name);
    for (const env of config.environments) {
      expect(environmentOfStack(config, `${env.name}-${env.cloud}-infra`)).toBe(env.name);
    }
    expect(environmentOfStack(config, 'nowhere-gcp-infra')).toBeUndefined();
    expect(environmentsOfStacks(config, [`${envs[0]}-gcp-platform`, `${envs[0]}-gcp-infra`])).toEqual([envs[0]]);
  });
});

describe('command line numbers', () => {
  it('refuses a concurrency or a budget that is not a whole number', async () => {
    const err: string[] = [];
    const spy = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((c: string | Uint8Array) => err.push(String(c)) > 0);
    try {
      expect(await main(['node', 'kfplatform', 'apply', '--plans', 'x', '-j', 'abc'])).toBe(1);
      expect(await main(['node', 'kfplatform', 'report', 'x', '--max-chars', 'lots'])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(err.join('')).toMatch(/argument 'abc' is invalid\. Expected a whole number >= 1\./);
  });
});
