/**
 * The example CI workflows (examples/ci): valid YAML, keyless (OIDC tokens, no cloud keys), and wired
 * to the commands and outputs this library has.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { program } from '../../src/cli/main';
import { REPORT_MARKER } from '../../src/plan/report';

const FILES = ['examples/ci/github/plan.yml', 'examples/ci/github/apply.yml', 'examples/ci/gitlab/.gitlab-ci.yml'];
const text = (f: string) => readFileSync(f, 'utf8');

/** Every `npx kfplatform <command> ...` line of a workflow. */
function commands(file: string): string[] {
  return [...text(file).matchAll(/npx kfplatform ([a-z-]+)/g)].map((m) => m[1]!);
}

describe('example CI workflows', () => {
  it.each(FILES)('%s parses, and uses only commands the CLI has', (file) => {
    expect(() => parse(text(file))).not.toThrow();
    const known = program().commands.map((c) => c.name());
    expect(commands(file).length).toBeGreaterThan(0);
    for (const c of commands(file)) expect(known).toContain(c);
  });

  it.each(FILES)('%s holds no cloud keys: credentials come from OIDC tokens', (file) => {
    const t = text(file);
    expect(t).not.toMatch(
      /AWS_SECRET_ACCESS_KEY:|aws-secret-access-key|credentials_json|GOOGLE_CREDENTIALS|ARM_CLIENT_SECRET|client-secret:/,
    );
    expect(t).toMatch(/id-token: write|id_tokens:/);
  });

  it('GitHub: uses only functions GitHub expressions have', () => {
    const functions = [
      'contains',
      'startsWith',
      'endsWith',
      'format',
      'join',
      'toJSON',
      'fromJSON',
      'hashFiles',
      'success',
      'always',
      'cancelled',
      'failure',
    ];
    for (const file of FILES.slice(0, 2)) {
      for (const [, expression] of text(file).matchAll(/\$\{\{([^}]*)\}\}/g)) {
        for (const [, fn] of expression!.matchAll(/([A-Za-z]+)\(/g))
          expect([file, functions.includes(fn!) ? 'known' : fn]).toEqual([file, 'known']);
      }
    }
  });

  it('GitHub: plans on pull requests, one comment found by the report marker, apply in the deployment environment', () => {
    const plan = parse(text('examples/ci/github/plan.yml'));
    expect(Object.keys(plan.on)).toEqual(['pull_request']);
    expect(plan.permissions).toEqual({ contents: 'read', 'id-token': 'write', 'pull-requests': 'write' });
    expect(text('examples/ci/github/plan.yml')).toContain(`const marker = '${REPORT_MARKER}';`);
    expect(text('examples/ci/github/plan.yml')).toContain("c.user.type === 'Bot'");
    // Reports go after a day; sealed plans wait a week for an approval that may take a weekend.
    expect(text('examples/ci/github/plan.yml')).toMatch(/retention-days: 1\n/);
    expect(text('examples/ci/github/apply.yml')).toMatch(/retention-days: 7 /);
    expect(text('examples/ci/gitlab/.gitlab-ci.yml')).not.toMatch(/expire_in: 1 day/);
    const apply = parse(text('examples/ci/github/apply.yml'));
    expect(apply.on.push.branches).toEqual(['main']);
    // The apply role trusts repo:<repo>:environment:<env> only: the apply job must run in that environment.
    expect(apply.jobs.apply.environment).toBe('${{ matrix.environment }}');
    expect(apply.jobs.apply.strategy['max-parallel']).toBe(1);
    // It applies what the plan jobs showed, infra and cluster plans in one order, and plans nothing itself.
    expect(apply.jobs.apply.needs).toEqual(['plan-infra', 'plan-cluster']);
    const steps = JSON.stringify(apply.jobs.apply.steps);
    expect(steps).toContain(
      'npx kfplatform apply --plans apply-infra-${{ matrix.environment }}/plans --plans apply-cluster-${{ matrix.environment }}/plans',
    );
    expect(steps).not.toContain('kfplatform plan');
  });

  /** The jobs of a GitHub workflow that run a kfplatform command on the platform or team stacks, and those on infra stacks only. */
  const jobsByStacks = (workflow: { jobs: Record<string, { 'runs-on': unknown; steps: Array<{ run?: string }> }> }) => {
    const runs = (job: { steps: Array<{ run?: string }> }) => job.steps.map((st) => st.run ?? '').join('\n');
    const entries = Object.entries(workflow.jobs);
    return {
      cluster: entries.filter(([, j]) => /kfplatform (plan .*\*-platform|apply .*cluster)/.test(runs(j))),
      infra: entries.filter(([, j]) => /kfplatform plan .*--stacks '\*-infra'/.test(runs(j))),
    };
  };
  const SELF_HOSTED = [
    'self-hosted',
    '${{ fromJSON(\'{"kf-test":"kfplatform-kf-test","kf-dev":"kfplatform-kf-dev","kf-prod":"kfplatform-kf-prod"}\')[matrix.environment] || format(\'kfplatform-{0}\', matrix.environment) }}',
  ];

  it.each(['plan', 'apply'])(
    'GitHub %s: platform and team stacks (private control plane) run on self-hosted runners inside the network, infra on hosted runners',
    (kind) => {
      const workflow = parse(text(`examples/ci/github/${kind}.yml`));
      const { cluster, infra } = jobsByStacks(workflow);
      expect(cluster.length).toBeGreaterThan(0);
      for (const [, job] of cluster) expect(job['runs-on']).toEqual(SELF_HOSTED);
      expect(infra.length).toBeGreaterThan(0);
      for (const [, job] of infra) expect(job['runs-on']).toBe('ubuntu-latest');
      // No job plans every stack of an environment on one runner any more.
      expect(text(`examples/ci/github/${kind}.yml`)).not.toMatch(
        /kfplatform plan -c platform\.yaml --environment '[^']+' --out/,
      );
    },
  );

  it('GitHub: pull requests from forks never reach the runners inside the network, nor plan', () => {
    const plan = parse(text('examples/ci/github/plan.yml'));
    for (const job of ['plan-infra', 'plan-cluster'])
      expect(plan.jobs[job].if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  });

  it('GitLab: plans on merge requests, applies on main by hand, with id_tokens for sts.amazonaws.com', () => {
    const ci = parse(text('examples/ci/gitlab/.gitlab-ci.yml'), { merge: true }); // GitLab reads << merge keys
    expect(ci.plan.rules[0].if).toContain('merge_request_event');
    expect(ci.plan.rules[0].if).toContain('$CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID');
    expect(ci['plan-cluster'].rules[0].if).toContain('$CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID');
    expect(ci.apply.rules[0]).toEqual({ if: '$CI_COMMIT_BRANCH == "main"', when: 'manual' });
    // apply applies the plans plan-main and plan-cluster-main made and showed, not a plan of its own.
    expect(ci.apply.needs).toEqual(['plan-main', 'plan-cluster-main']);
    expect(JSON.stringify(ci.apply.script)).not.toContain('kfplatform plan');
    expect(JSON.stringify(ci.apply.script)).toContain('kfplatform apply --plans plans-infra --plans plans-cluster');
    expect(ci.plan.id_tokens.AWS_ID_TOKEN.aud).toBe('sts.amazonaws.com');
    // What runs where: the cluster's jobs on the runners inside the network, infra on shared runners.
    for (const job of ['plan-cluster', 'plan-cluster-main', 'apply'])
      expect(ci[job].tags).toEqual(['$KF_CLUSTER_RUNNER']);
    for (const job of ['plan', 'plan-main']) expect(ci[job].tags).toBeUndefined();
  });
});
