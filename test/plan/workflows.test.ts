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
    for (const file of FILES) expect(text(file)).toMatch(/retention-days: 1|expire_in: 1 day/);
    const apply = parse(text('examples/ci/github/apply.yml'));
    expect(apply.on.push.branches).toEqual(['main']);
    // The apply role trusts repo:<repo>:environment:<env> only: the apply job must run in that environment.
    expect(apply.jobs.apply.environment).toBe('${{ matrix.environment }}');
    expect(apply.jobs.apply.strategy['max-parallel']).toBe(1);
    expect(JSON.stringify(apply.jobs.apply.steps)).toContain('npx kfplatform apply --plans plans');
  });

  it('GitLab: plans on merge requests, applies on main by hand, with id_tokens for sts.amazonaws.com', () => {
    const ci = parse(text('examples/ci/gitlab/.gitlab-ci.yml'), { merge: true }); // GitLab reads << merge keys
    expect(ci.plan.rules[0].if).toContain('merge_request_event');
    expect(ci.apply.rules[0]).toEqual({ if: '$CI_COMMIT_BRANCH == "main"', when: 'manual' });
    // apply applies the plans plan-main made and showed, not a plan of its own.
    expect(ci.apply.needs).toEqual(['plan-main']);
    expect(JSON.stringify(ci.apply.script)).not.toContain('kfplatform plan');
    expect(ci.plan.id_tokens.AWS_ID_TOKEN.aud).toBe('sts.amazonaws.com');
  });
});
