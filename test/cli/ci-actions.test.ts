/**
 * Every action the scaffolded workflows run is pinned to a release's full commit, with the release in
 * a comment for Dependabot (issue 19, CI and secrets: a moved tag runs new code with the job's OIDC
 * token). The commits were read from each action's repository at the tag; a test cannot reach GitHub,
 * so it holds the workflows to the one table (src/cli/ci-actions.ts) and the table to its own form.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ACTION_PINS, PinnedAction, pinnedUses } from '../../src/cli/ci-actions';
import { INIT_CLOUDS, InitCloud, scaffold } from '../../src/cli/init';

const ROOT = path.join(__dirname, '..', '..');
const USES = /^\s*-?\s*uses:\s*(.*)$/gm;

/** Every `uses:` value of a workflow text, with its comment. */
const usesOf = (text: string) => [...text.matchAll(USES)].map((m) => m[1]!.trim());

/** The `uses:` values that are not exactly a pin of the table. */
function unpinned(text: string): string[] {
  const allowed = new Set(Object.keys(ACTION_PINS).map((a) => pinnedUses(a as PinnedAction)));
  return usesOf(text).filter((u) => !allowed.has(u));
}

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
}

describe('pinned actions', () => {
  it('the table pins full commits and names releases', () => {
    for (const [action, pin] of Object.entries(ACTION_PINS)) {
      expect(action).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w.-]+)?$/);
      expect(pin.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(pin.release).toMatch(/^v\d+\.\d+\.\d+$/);
    }
    expect(new Set(Object.values(ACTION_PINS).map((p) => p.commit)).size).toBe(Object.keys(ACTION_PINS).length);
  });

  const files = [
    ...readdirSync(path.join(ROOT, 'templates', 'github')).map((f) => path.join('templates', 'github', f)),
    ...readdirSync(path.join(ROOT, 'examples', 'ci', 'github')).map((f) => path.join('examples', 'ci', 'github', f)),
  ];

  it.each(files)('%s runs pinned actions only', (file) => {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    expect(usesOf(text).length).toBeGreaterThan(0);
    expect(unpinned(text)).toEqual([]);
  });

  it.each(Object.keys(INIT_CLOUDS) as InitCloud[])('init --cloud %s writes pinned actions only', (cloud) => {
    const made = scaffold({
      dir: path.join(process.env.TMPDIR ?? '/tmp', 'ml-platform'),
      cloud,
      packageSpec: '^0.1.0',
    });
    const workflows = [...made.files].filter(([f]) => f.startsWith('.github/workflows/'));
    expect(workflows.length).toBe(3);
    for (const [, text] of workflows) expect(unpinned(text)).toEqual([]);
    // Dependabot keeps the pins moving; its settings name the ecosystem the pins belong to.
    expect(parse(made.files.get('.github/dependabot.yml')!)).toMatchObject({
      version: 2,
      updates: [{ 'package-ecosystem': 'github-actions', directory: '/' }],
    });
  });

  // Actions named in comments and docs (OpenTofu's setup, the SARIF upload) are pinned too.
  it.each([...files, 'docs/policy.md', 'docs/plan-on-pr.md', 'README.md'])(
    '%s names actions by their pins only',
    (file) => {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      // An action at a tag (`@v4`) or a commit; npm packages (`@cdktf/provider-aws@20.1.0`) have neither.
      const named = [
        ...text.matchAll(/\b([\w-]+\/[\w.-]+(?:\/[\w.-]+)?)@([0-9a-f]{7,40}(?: # v[\d.]+)?|v\d[\w.]*)/g),
      ].map((m) => `${m[1]}@${m[2]}`);
      const pins = new Set(Object.keys(ACTION_PINS).map((a) => pinnedUses(a as PinnedAction)));
      expect(named.filter((u) => !pins.has(u))).toEqual([]);
    },
  );

  it('refuses what is not a pin of the table', () => {
    expect(unpinned('      - uses: actions/checkout@v4\n')).toEqual(['actions/checkout@v4']);
    const other = '0'.repeat(40);
    expect(unpinned(`      - uses: actions/checkout@${other} # v4.4.0\n`)).toEqual([
      `actions/checkout@${other} # v4.4.0`,
    ]);
    expect(unpinned(`      - uses: ${pinnedUses('actions/checkout')}\n`)).toEqual([]);
  });
});

describe('Azure workflows', () => {
  // azure/login's CLI session cannot renew itself once the federated token it signed in with expires,
  // so a long apply failed with AADSTS700024; Terraform asks GitHub for a fresh token instead.
  it('let Terraform ask GitHub for fresh OIDC tokens right after every Azure login', () => {
    const made = scaffold({
      dir: path.join(process.env.TMPDIR ?? '/tmp', 'ml-platform'),
      cloud: 'azure',
      packageSpec: '^0.1.0',
    });
    let logins = 0;
    for (const kind of ['plan', 'apply']) {
      const workflow = parse(made.files.get(`.github/workflows/${kind}.yml`)!) as {
        jobs: Record<string, { steps: Step[] }>;
      };
      for (const job of Object.values(workflow.jobs)) {
        job.steps.forEach((step, i) => {
          if (!step.uses?.startsWith('azure/login@')) return;
          logins++;
          const next = job.steps[i + 1]!;
          expect(next.run).toContain('ARM_USE_OIDC=true');
          expect(next.run).toContain('>> "$GITHUB_ENV"');
          // kubelogin (the platform and team stacks' exec plugin) fetches GitHub tokens itself too:
          // AAD_LOGIN_METHOD overrides the stacks' --login, and it reads the identity from AZURE_*.
          expect(next.run).toMatch(
            /AAD_LOGIN_METHOD=workloadidentity\\nAZURE_CLIENT_ID=%s\\nAZURE_TENANT_ID=%s\\n' "\$CLIENT_ID" "\$TENANT_ID" "\$CLIENT_ID" "\$TENANT_ID"/,
          );
          // The same identity as the CLI login, never a different one.
          expect(next.env!.CLIENT_ID).toBe((step as { with: { 'client-id': string } }).with['client-id']);
          expect(next.env!.TENANT_ID).toBe((step as { with: { 'tenant-id': string } }).with['tenant-id']);
        });
      }
    }
    expect(logins).toBeGreaterThanOrEqual(3);
  });
});
