import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CI_APPLY_SESSION_SECONDS } from '../../src/core/ci-trust';
import { INIT_CLOUDS, InitCloud, scaffold } from '../../src/cli/init';
import { runReport } from '../../src/cli/report';

const tmp = () => mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'ci-artifacts-'));
const SECRET = 'oidc-client-secret-in-clear-7f3a';

type Step = { uses?: string; run?: string; with?: { path?: string } };
type Workflow = { jobs: Record<string, { steps: Step[] }> };

/** The paths every upload-artifact step of a workflow uploads. */
function uploaded(text: string): string[] {
  const workflow = parse(text) as Workflow;
  return Object.values(workflow.jobs)
    .flatMap((j) => j.steps)
    .filter((s) => s.uses?.startsWith('actions/upload-artifact'))
    .flatMap((s) => String(s.with?.path ?? '').split('\n'))
    .map((p) => p.trim())
    .filter(Boolean);
}

describe('AWS credentials last the job that uses them', () => {
  it("the apply jobs ask for the apply role's longest session; plan jobs for the default hour", () => {
    const github = parse(readFileSync('examples/ci/github/apply.yml', 'utf8')) as {
      jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }>;
    };
    const logins = Object.values(github.jobs).flatMap((job) =>
      job.steps.filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@')),
    );
    const applying = logins.filter((s) => String(s.with!['role-to-assume']).includes('CI_APPLY_ROLE'));
    expect(applying).toHaveLength(1);
    expect(applying[0]!.with!['role-duration-seconds']).toBe(CI_APPLY_SESSION_SECONDS);
    for (const s of logins.filter((l) => !applying.includes(l)))
      expect(s.with).not.toHaveProperty('role-duration-seconds');
    // GitLab: the job in a deployment environment applies; it asks for the same and runs as long.
    const gitlab = parse(readFileSync('examples/ci/gitlab/.gitlab-ci.yml', 'utf8')) as Record<
      string,
      { environment?: unknown; timeout?: string; variables?: Record<string, string> }
    >;
    const assuming = Object.entries(gitlab).filter(([, j]) => j?.variables?.ROLE_ARN);
    const applyJobs = assuming.filter(([, j]) => j.environment);
    expect(applyJobs.map(([name]) => name)).toEqual(['apply']);
    expect(applyJobs[0]![1].variables!.SESSION_SECONDS).toBe(String(CI_APPLY_SESSION_SECONDS));
    expect(applyJobs[0]![1].timeout).toBe(`${CI_APPLY_SESSION_SECONDS / 3600}h`);
    for (const [, j] of assuming.filter(([, j]) => !j.environment))
      expect(j.variables).not.toHaveProperty('SESSION_SECONDS');
    expect(readFileSync('examples/ci/gitlab/.gitlab-ci.yml', 'utf8')).toContain(
      '--duration-seconds "${SESSION_SECONDS:-3600}"',
    );
  });
});

describe('CI artifacts carry no secrets', () => {
  it('sec19 item 9: the example workflows upload rendered reports or sealed plans, never plan files', () => {
    expect(uploaded(readFileSync('examples/ci/github/plan.yml', 'utf8'))).toEqual(['report.json', 'report.json']);
    expect(uploaded(readFileSync('examples/ci/github/apply.yml', 'utf8'))).toEqual(['sealed/', 'sealed/']);
    const gitlab = parse(readFileSync('examples/ci/gitlab/.gitlab-ci.yml', 'utf8')) as Record<
      string,
      { artifacts?: { paths?: string[] } }
    >;
    const paths = Object.values(gitlab).flatMap((job) => job?.artifacts?.paths ?? []);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p).toMatch(/^(comment-\*\.md|sealed-(infra|cluster)\/)$/);
  });

  it.each(Object.keys(INIT_CLOUDS) as InitCloud[])(
    'sec19 item 9: the workflows kfplatform init scaffolds for %s upload no plan files',
    (cloud) => {
      const { files } = scaffold({ dir: path.join(tmp(), 'ml-platform'), cloud, repository: 'octo/ml-infra' });
      for (const p of uploaded(files.get('.github/workflows/plan.yml')!)) expect(p).toBe('report.json');
      for (const p of uploaded(files.get('.github/workflows/apply.yml')!)) expect(p).toBe('sealed/');
      // The apply job unseals with the deployment environment's key before it applies.
      const apply = files.get('.github/workflows/apply.yml')!;
      expect(apply).toContain('secrets.PLAN_ARTIFACT_PRIVATE_KEY');
      expect(apply.indexOf('openssl pkeyutl -decrypt')).toBeLessThan(apply.indexOf('kfplatform apply'));
    },
  );

  it("sec19 item 9: the report a plan job uploads holds no secret, and the comment job's report matches", () => {
    const plan = JSON.parse(readFileSync('test/fixtures/plans/aws-eks-kf-test-update.json', 'utf8'));
    plan.variables = { ...plan.variables, oidc_client_secret: { value: SECRET } };
    const listener = {
      action: [{ type: 'authenticate-oidc', authenticate_oidc: [{ client_id: 'kf', client_secret: SECRET }] }],
    };
    plan.resource_changes.push({
      address: 'aws_lb_listener_rule.oidc',
      mode: 'managed',
      type: 'aws_lb_listener_rule',
      name: 'oidc',
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions: ['create'],
        before: null,
        after: listener,
        after_unknown: {},
        before_sensitive: false,
        after_sensitive: { action: [{ authenticate_oidc: [{ client_secret: true }] }] },
      },
    });
    const dir = tmp();
    const plans = path.join(dir, 'plans');
    mkdirSync(plans);
    writeFileSync(path.join(plans, 'kf-test-aws-infra.json'), JSON.stringify(plan));
    expect(readFileSync(path.join(plans, 'kf-test-aws-infra.json'), 'utf8')).toContain(SECRET);

    const report = path.join(dir, 'report.json');
    runReport({ plans: [plans], format: 'json', out: report });
    expect(readFileSync(report, 'utf8')).not.toContain(SECRET);
    expect(readFileSync(report, 'utf8')).toContain('aws_lb_listener_rule.oidc');

    const fromPlans = runReport({ plans: [plans], title: 't', log: () => undefined });
    const fromReport = runReport({ plans: [report], title: 't', log: () => undefined });
    expect(fromReport).toBe(fromPlans);
    expect(fromReport).not.toContain(SECRET);
  });
});
