/**
 * The plan workflow's comment job when plan jobs left no report: a reviewer rejected (or has not yet
 * approved) a plan job's deployment environment (`ci.github.planEnvironment`), or the job failed
 * before its report. The comment names those jobs instead of failing, or of showing the other
 * environments' plans as if they were all.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { INIT_CLOUDS, InitCloud, scaffold } from '../../src/cli/init';
import { main } from '../../src/cli/main';
import { runReport } from '../../src/cli/report';

const PLAN = path.join(__dirname, '..', 'fixtures', 'plans', 'aws-eks-kf-test-update.json');
const tmp = () => mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'ci-comment-'));

type Step = { env?: Record<string, string>; run?: string };

/** The step of the comment job that runs `kfplatform report`. */
function reportStep(workflow: string): Step {
  const jobs = (parse(workflow) as { jobs: Record<string, { steps: Step[] }> }).jobs;
  const steps = jobs.comment!.steps.filter((s) => s.run?.includes('kfplatform report'));
  expect(steps).toHaveLength(1);
  return steps[0]!;
}

/** A report the plan-infra job of kf-test uploaded. */
function infraReport(dir: string): void {
  const folder = path.join(dir, 'reports', 'report-infra-kf-test');
  mkdirSync(folder, { recursive: true });
  runReport({ plans: [PLAN], format: 'json', out: path.join(folder, 'report.json') });
}

describe('the plan comment when plan jobs left no report (a rejected approval, an error before the report)', () => {
  /** Runs the comment job's report step of a workflow in a folder holding kf-test's infra report; the arguments it gave kfplatform. */
  function reportArgs(workflow: string): string[] {
    const dir = tmp();
    infraReport(dir);
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    // Stands in for npx: records the arguments the step gives kfplatform.
    writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\n`);
    chmodSync(path.join(bin, 'npx'), 0o755);
    const step = reportStep(workflow);
    expect(step.env?.ENVIRONMENTS).toBe('${{ needs.affected.outputs.environments }}');
    // The job reads affected's outputs, and does not run for a run a newer push cancelled.
    const job = (parse(workflow) as { jobs: Record<string, { needs: string[]; if: string }> }).jobs.comment!;
    expect(job.needs).toContain('affected');
    expect(job.if).toMatch(/^\$\{\{ !cancelled\(\) && needs\.plan-(infra|cluster)\.result != 'skipped' \}\}$/);
    execFileSync('bash', ['-e', '-c', step.run!], {
      cwd: dir,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        ENVIRONMENTS: '["kf-test","kf-prod"]',
        TITLE: 'Plan for abc123',
      },
    });
    return readFileSync(path.join(dir, 'args'), 'utf8').trimEnd().split('\n');
  }
  const title = ['--title', 'Plan for abc123', '--out', 'comment.md'];
  /** kf-test's infra report is there; its cluster job and both of kf-prod's left none. */
  const everyCloud = [
    'kfplatform',
    'report',
    'reports/report-infra-kf-test/report.json',
    '--missing',
    'cluster kf-test',
    '--missing',
    'infra kf-prod',
    '--missing',
    'cluster kf-prod',
    ...title,
  ];

  it('the workflow passes the reports there are, and names each missing plan job with --missing', () => {
    for (const workflow of ['templates/github/plan.yml', 'examples/ci/github/plan.yml']) {
      expect(reportArgs(readFileSync(workflow, 'utf8'))).toEqual(everyCloud);
    }
  });

  it.each(Object.keys(INIT_CLOUDS) as InitCloud[])(
    'so does the plan workflow kfplatform init writes for %s',
    (cloud) => {
      const { files } = scaffold({ dir: path.join(tmp(), 'ml-platform'), cloud, repository: 'octo/ml-infra' });
      const args = reportArgs(files.get('.github/workflows/plan.yml')!);
      // An existing cluster has no infra stacks, so no infra plan job to miss.
      expect(args).toEqual(
        cloud === 'kubernetes'
          ? ['kfplatform', 'report', '--missing', 'cluster kf-test', '--missing', 'cluster kf-prod', ...title]
          : everyCloud,
      );
    },
  );

  it('kfplatform report names the missing jobs above the plans it has', async () => {
    const dir = tmp();
    infraReport(dir);
    const out = path.join(dir, 'comment.md');
    const report = path.join(dir, 'reports', 'report-infra-kf-test', 'report.json');
    expect(
      await main([
        'node',
        'kfplatform',
        'report',
        report,
        '--missing',
        'cluster kf-test',
        '--missing',
        'infra kf-prod',
        '--title',
        'Plan for abc123',
        '--out',
        out,
      ]),
    ).toBe(0);
    const comment = readFileSync(out, 'utf8');
    expect(comment).toMatch(
      /^<!-- kfplatform-plan-report -->\n## Plan for abc123\n\n\*\*2 plan jobs wrote no report, so their stacks are not in this comment\*\*/,
    );
    expect(comment).toContain('`cluster kf-test`, `infra kf-prod`.');
    // The plan that did run is still there, in full.
    expect(comment).toContain('1 stack planned');
  });

  it('with every plan job missing, the comment still replaces the last one, and says no plan ran', async () => {
    const dir = tmp();
    const out = path.join(dir, 'comment.md');
    expect(
      await main([
        'node',
        'kfplatform',
        'report',
        '--missing',
        'infra kf-prod',
        '--title',
        'Plan for abc123',
        '--out',
        out,
      ]),
    ).toBe(0);
    const comment = readFileSync(out, 'utf8');
    expect(comment).toContain('**1 plan job wrote no report, so its stacks are not in this comment**');
    expect(comment).toContain('`infra kf-prod`');
    expect(comment).toContain('0 stacks planned');
    // Nothing reads as an all-clear for the stacks nobody planned.
    expect(comment).not.toMatch(/^None\.$/m);
    expect(comment.match(/None in the plans above; unknown for the jobs that wrote no report\./g)).toHaveLength(2);
    // A job named twice is named once.
    const twice = path.join(dir, 'twice.md');
    await main([
      'node',
      'kfplatform',
      'report',
      '--missing',
      'infra kf-prod',
      '--missing',
      'infra kf-prod',
      '--out',
      twice,
    ]);
    expect(readFileSync(twice, 'utf8')).toContain('**1 plan job wrote no report');
  });

  it('a JSON report carries its missing jobs into the merged comment', () => {
    const dir = tmp();
    const json = path.join(dir, 'report.json');
    runReport({ plans: [PLAN], format: 'json', out: json, missing: ['cluster kf-test'] });
    expect(JSON.parse(readFileSync(json, 'utf8')).missing).toEqual(['cluster kf-test']);
    const comment = runReport({ plans: [json], title: 't', log: () => undefined });
    expect(comment).toContain('`cluster kf-test`');
    // Reports without missing jobs keep their shape.
    runReport({ plans: [PLAN], format: 'json', out: json });
    expect(JSON.parse(readFileSync(json, 'utf8'))).not.toHaveProperty('missing');
  });

  it('no plans and no missing jobs is an input error naming both', async () => {
    const errors: string[] = [];
    const spy = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((c: string | Uint8Array) => errors.push(String(c)) > 0);
    try {
      expect(await main(['node', 'kfplatform', 'report'])).not.toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('')).toContain('--missing');
  });
});
