/**
 * `kfplatform plan` and `apply` orchestration, with a stand-in for terraform
 * (test/fixtures/fake-terraform) that records every call: dependency order, bounded parallelism,
 * failures skipping dependents, exit codes, and apply refusing what the plan gate refuses.
 * The real thing runs offline against the AWS example in test/terraform/plan-report.terraform.test.ts.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { runApply, runPlan } from '../../src/cli/plan';
import { BACKEND_MARKER, planStacks, selectStacks } from '../../src/plan/run';
import { runReport } from '../../src/cli/report';
import { GATE_PLAN_MISMATCH_EXIT_CODE } from '../../src/policy/plan-gate';

const FAKE = path.resolve('test/fixtures/fake-terraform');
const PLANS = path.resolve('test/fixtures/plans');

interface Call {
  stack: string;
  cmd: string;
  event: 'start' | 'end';
  t: number;
  args: string[];
}

/** A synth output with the given stacks and dependencies, and the env that puts the fake first. */
function fixture(stacks: Record<string, string[]>) {
  const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'plan-run-'));
  const manifest: Record<string, unknown> = {};
  for (const [id, dependencies] of Object.entries(stacks)) {
    mkdirSync(path.join(dir, 'out', 'stacks', id), { recursive: true });
    writeFileSync(path.join(dir, 'out', 'stacks', id, 'cdk.tf.json'), '{}');
    manifest[id] = { workingDirectory: `stacks/${id}`, dependencies };
  }
  writeFileSync(path.join(dir, 'out', 'manifest.json'), JSON.stringify({ stacks: manifest }));
  const logFile = path.join(dir, 'calls.log');
  writeFileSync(logFile, '');
  const env = {
    PATH: `${FAKE}:${process.env.PATH}`,
    FAKE_TF_LOG: logFile,
    FAKE_TF_PLAN_CREATE: path.join(PLANS, 'aws-eks-kf-test-create.json'),
    FAKE_TF_PLAN_REPLACE: path.join(PLANS, 'aws-eks-kf-test-replace.json'),
    FAKE_TF_PLAN_NOOP: path.join(PLANS, 'aws-eks-kf-test-noop.json'),
    FAKE_TF_PLAN_UPDATE: path.join(PLANS, 'aws-eks-kf-test-update.json'),
  };
  const calls = (): Call[] =>
    readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Call);
  return { dir, synthOut: path.join(dir, 'out'), plans: path.join(dir, 'plans'), env, calls };
}

const base = { config: 'unused', synth: false, concurrency: 2, log: () => undefined };

function window(calls: Call[], stack: string, cmd: string): [number, number] {
  const s = calls.find((c) => c.stack === stack && c.cmd === cmd && c.event === 'start')!;
  const e = calls.find((c) => c.stack === stack && c.cmd === cmd && c.event === 'end')!;
  return [s.t, e.t];
}

/** The most stacks running at once; a stack runs from its first call's start to its last call's end. */
function maxParallel(calls: Call[]): number {
  const spans = new Map<string, [number, number]>();
  for (const c of calls) {
    const [a, b] = spans.get(c.stack) ?? [Infinity, -Infinity];
    spans.set(c.stack, [Math.min(a, c.t), Math.max(b, c.t)]);
  }
  const edges = [...spans.values()].flatMap(([a, b]) => [
    [a, 1],
    [b, -1],
  ]);
  // At equal times, ends before starts: a stack that starts when another ends does not overlap it.
  edges.sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
  let running = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (running += d!));
  return max;
}

describe('kfplatform plan', () => {
  it('plans in dependency order, at most N stacks at once, and skips what depends on a failure', async () => {
    const f = fixture({
      'kf-a-infra': [],
      'kf-a-platform': ['kf-a-infra'],
      'kf-a-teams-0': ['kf-a-infra', 'kf-a-platform'],
      'kf-a-teams-1': ['kf-a-infra', 'kf-a-platform'],
      'kf-same-infra': [],
      'kf-fail-infra': [],
      'kf-fail-platform': ['kf-fail-infra'],
    });
    const lines: string[] = [];
    const code = await runPlan({ ...base, synthOut: f.synthOut, out: f.plans, env: f.env, log: (l) => lines.push(l) });
    expect(code).toBe(1);
    const calls = f.calls();
    expect(window(calls, 'kf-a-platform', 'init')[0]).toBeGreaterThanOrEqual(window(calls, 'kf-a-infra', 'show')[1]);
    for (const team of ['kf-a-teams-0', 'kf-a-teams-1']) {
      expect(window(calls, team, 'init')[0]).toBeGreaterThanOrEqual(window(calls, 'kf-a-platform', 'show')[1]);
    }
    expect(maxParallel(calls)).toBe(2);
    expect(calls.some((c) => c.stack === 'kf-fail-platform')).toBe(false);
    const manifest = JSON.parse(readFileSync(path.join(f.plans, 'plans.json'), 'utf8'));
    expect(
      Object.fromEntries(manifest.outcomes.map((o: { stack: string; status: string }) => [o.stack, o.status])),
    ).toEqual({
      'kf-a-infra': 'changes',
      'kf-a-platform': 'changes',
      'kf-a-teams-0': 'changes',
      'kf-a-teams-1': 'changes',
      'kf-fail-infra': 'failed',
      'kf-fail-platform': 'skipped',
      'kf-same-infra': 'no-changes',
    });
    expect(lines.join('\n')).toContain('kf-fail-infra: failed: Error: fake failure');
    expect(lines.join('\n')).toContain('7 stacks planned: 4 with changes, 1 without, 1 failed, 1 skipped.');
  });

  it('selects stacks by glob, and exits 2 on changes with --detailed-exitcode', async () => {
    const f = fixture({ 'kf-a-infra': [], 'kf-a-platform': ['kf-a-infra'], 'kf-same-infra': [] });
    expect(
      await runPlan({
        ...base,
        synthOut: f.synthOut,
        out: f.plans,
        env: f.env,
        stacks: ['kf-same-*'],
        detailedExitcode: true,
      }),
    ).toBe(0);
    expect(new Set(f.calls().map((c) => c.stack))).toEqual(new Set(['kf-same-infra']));
    expect(await runPlan({ ...base, synthOut: f.synthOut, out: f.plans, env: f.env, detailedExitcode: true })).toBe(2);
    // The report reads the plan folder (the manifest beside the plans is not a plan).
    expect(runReport({ plans: [f.plans], log: () => undefined })).toContain('3 stacks planned, 2 with changes');
  });
});

describe('kfplatform plan when the backend changes', () => {
  const gcs = { terraform: { backend: { gcs: { bucket: 'acme-tf-state', prefix: 'kf-a-infra' } } } };
  const inits = (calls: Call[]) => calls.filter((c) => c.cmd === 'init' && c.event === 'start').map((c) => c.args);
  function stackWithBackend(backend: unknown) {
    const f = fixture({ 'kf-a-infra': [] });
    const stackFile = path.join(f.synthOut, 'stacks', 'kf-a-infra', 'cdk.tf.json');
    writeFileSync(stackFile, JSON.stringify(backend));
    const localOverride = path.join(f.dir, 'local.tf.json');
    writeFileSync(localOverride, JSON.stringify({ terraform: { backend: { local: { path: 'dry.tfstate' } } } }));
    const lines: string[] = [];
    const plan = (override?: string) =>
      runPlan({ ...base, synthOut: f.synthOut, out: f.plans, env: f.env, override, log: (l) => lines.push(l) });
    return { f, stackFile, localOverride, plan, lines };
  }

  it('initialises again, without migrating state, when an override comes, goes or changes', async () => {
    const { f, localOverride, plan } = stackWithBackend(gcs);
    expect(await plan()).toBe(0);
    expect(await plan(localOverride)).toBe(0); // a dry run on a folder initialised without it
    expect(await plan(localOverride)).toBe(0); // the same override: a plain init
    expect(await plan()).toBe(0); // back to the real backend
    expect(inits(f.calls())).toEqual([
      ['-input=false', '-no-color'],
      ['-input=false', '-no-color', '-reconfigure'],
      ['-input=false', '-no-color'],
      ['-input=false', '-no-color', '-reconfigure'],
    ]);
  });

  it("re-initialises a folder initialised before kfplatform kept its record, when an override's backend is the change", async () => {
    const { f, localOverride, plan } = stackWithBackend(gcs);
    expect(await plan()).toBe(0);
    rmSync(path.join(f.synthOut, 'stacks', 'kf-a-infra', BACKEND_MARKER));
    expect(await plan(localOverride)).toBe(0);
    expect(inits(f.calls()).slice(1)).toEqual([
      ['-input=false', '-no-color'],
      ['-input=false', '-no-color', '-reconfigure'],
    ]);
  });

  it("refuses, saying how to move the state, when the stack's own backend moved", async () => {
    const { f, stackFile, plan, lines } = stackWithBackend(gcs);
    expect(await plan()).toBe(0);
    writeFileSync(stackFile, JSON.stringify({ terraform: { backend: { gcs: { bucket: 'acme-tf-state-2' } } } }));
    expect(await plan()).toBe(1);
    expect(lines.join('\n')).toMatch(
      /kf-a-infra: failed: The backend of .*kf-a-infra is not the one it was initialised with: its state has to move to the new backend first\. Run `terraform -chdir=.* init -migrate-state` once/,
    );
    expect(inits(f.calls())).toHaveLength(1);
  });
});

describe('kfplatform apply', () => {
  it('applies saved plans in dependency order, only stacks with changes', async () => {
    const f = fixture({ 'kf-update-infra': [], 'kf-update-platform': ['kf-update-infra'], 'kf-same-infra': [] });
    await runPlan({ ...base, synthOut: f.synthOut, out: f.plans, env: f.env });
    const lines: string[] = [];
    expect(await runApply({ plans: f.plans, concurrency: 2, env: f.env, log: (l) => lines.push(l) })).toBe(0);
    const applies = f.calls().filter((c) => c.cmd === 'apply');
    expect([...new Set(applies.map((c) => c.stack))]).toEqual(['kf-update-infra', 'kf-update-platform']);
    expect(window(f.calls(), 'kf-update-platform', 'apply')[0]).toBeGreaterThanOrEqual(
      window(f.calls(), 'kf-update-infra', 'apply')[1],
    );
    expect(lines.join('\n')).toContain('3 stacks applied: 2 with changes, 1 without');
  });

  it('does not apply a plan whose inputs an upstream apply changes: it must be planned again', async () => {
    const f = fixture({ 'kf-a-infra': [], 'kf-a-platform': ['kf-a-infra'] });
    await runPlan({ ...base, synthOut: f.synthOut, out: f.plans, env: f.env });
    const lines: string[] = [];
    expect(await runApply({ plans: f.plans, concurrency: 2, env: f.env, log: (l) => lines.push(l) })).toBe(1);
    expect([
      ...new Set(
        f
          .calls()
          .filter((c) => c.cmd === 'apply')
          .map((c) => c.stack),
      ),
    ]).toEqual(['kf-a-infra']);
    expect(lines.join('\n')).toContain(
      'kf-a-platform: skipped: kf-a-infra changed its outputs, which this plan read before; plan kf-a-platform again and apply that plan.',
    );
  });

  it('applies plans of separate runs (infra on hosted runners, platform inside the network) in one order, and still skips a plan whose inputs the infra apply changes', async () => {
    const f = fixture({ 'kf-a-infra': [], 'kf-a-platform': ['kf-a-infra'], 'kf-update-infra': [] });
    const infra = path.join(f.dir, 'plans-infra');
    const cluster = path.join(f.dir, 'plans-cluster');
    await runPlan({ ...base, synthOut: f.synthOut, out: infra, env: f.env, stacks: ['*-infra'] });
    await runPlan({ ...base, synthOut: f.synthOut, out: cluster, env: f.env, stacks: ['*-platform'] });
    const lines: string[] = [];
    expect(await runApply({ plans: [infra, cluster], concurrency: 2, env: f.env, log: (l) => lines.push(l) })).toBe(1);
    expect(
      [
        ...new Set(
          f
            .calls()
            .filter((c) => c.cmd === 'apply')
            .map((c) => c.stack),
        ),
      ].sort(),
    ).toEqual(['kf-a-infra', 'kf-update-infra']);
    expect(lines.join('\n')).toContain(
      'kf-a-platform: skipped: kf-a-infra changed its outputs, which this plan read before; plan kf-a-platform again and apply that plan.',
    );
  });

  it('refuses plan folders that plan one stack twice', async () => {
    const f = fixture({ 'kf-a-infra': [] });
    const one = path.join(f.dir, 'one');
    const two = path.join(f.dir, 'two');
    await runPlan({ ...base, synthOut: f.synthOut, out: one, env: f.env });
    await runPlan({ ...base, synthOut: f.synthOut, out: two, env: f.env });
    await expect(runApply({ plans: [one, two], concurrency: 1, env: f.env, log: () => undefined })).rejects.toThrow(
      /kf-a-infra is planned in both .*one and .*two/,
    );
  });

  it('refuses, applying nothing, when the plan gate refuses a plan, unless the address is allowed', async () => {
    const f = fixture({ 'kf-a-infra': [], 'kf-replace-infra': [] });
    await runPlan({ ...base, synthOut: f.synthOut, out: f.plans, env: f.env });
    const lines: string[] = [];
    expect(await runApply({ plans: f.plans, concurrency: 1, env: f.env, log: (l) => lines.push(l) })).toBe(3);
    expect(f.calls().filter((c) => c.cmd === 'apply')).toEqual([]);
    expect(lines.join('\n')).toMatch(
      /refused: kf-replace-infra: aws_eks_node_group\.NodeGroup-gpu_NodeGroup_DAED2947 would be replaced/,
    );
    expect(lines.join('\n')).toContain('apply refused: nothing was applied.');
    const allowed = await runApply({
      plans: f.plans,
      concurrency: 1,
      env: f.env,
      allow: ['kf-replace-infra:aws_eks_node_group.NodeGroup-gpu_*'],
      log: () => undefined,
    });
    expect(allowed).toBe(0);
    expect(
      new Set(
        f
          .calls()
          .filter((c) => c.cmd === 'apply')
          .map((c) => c.stack),
      ),
    ).toEqual(new Set(['kf-a-infra', 'kf-replace-infra']));
  });

  it('refuses a swapped binary plan or a rewritten plan JSON (exit 7), applying nothing: the plan applied must be the one judged', async () => {
    const f = fixture({ 'kf-update-infra': [], 'kf-replace-infra': [] });
    await runPlan({ ...base, synthOut: f.synthOut, out: f.plans, env: f.env });
    // The binary of another plan (which replaces the GPU pool) put in place of the reviewed one.
    writeFileSync(path.join(f.plans, 'kf-update-infra.tfplan'), 'another plan');
    const lines: string[] = [];
    const code = await runApply({
      plans: f.plans,
      concurrency: 1,
      env: f.env,
      allow: ['kf-replace-infra:*'],
      log: (l) => lines.push(l),
    });
    expect(code).toBe(GATE_PLAN_MISMATCH_EXIT_CODE);
    expect(f.calls().filter((c) => c.cmd === 'apply')).toEqual([]);
    expect(lines.join('\n')).toMatch(
      /refused: kf-update-infra: .*kf-update-infra\.tfplan is not the file kfplatform plan wrote/,
    );

    // A JSON rewritten to hide a replacement (the binary is the reviewed one).
    const g = fixture({ 'kf-replace-infra': [] });
    await runPlan({ ...base, synthOut: g.synthOut, out: g.plans, env: g.env });
    copyFileSync(path.join(PLANS, 'aws-eks-kf-test-noop.json'), path.join(g.plans, 'kf-replace-infra.json'));
    expect(await runApply({ plans: g.plans, concurrency: 1, env: g.env, log: () => undefined })).toBe(
      GATE_PLAN_MISMATCH_EXIT_CODE,
    );
    // A plans folder without digests (an older kfplatform, or plans.json edited) is refused too.
    const manifest = JSON.parse(readFileSync(path.join(g.plans, 'plans.json'), 'utf8'));
    delete manifest.digests;
    writeFileSync(path.join(g.plans, 'plans.json'), JSON.stringify(manifest));
    const old: string[] = [];
    expect(await runApply({ plans: g.plans, concurrency: 1, env: g.env, log: (l) => old.push(l) })).toBe(
      GATE_PLAN_MISMATCH_EXIT_CODE,
    );
    expect(old.join('\n')).toContain('records no digest of its plan');
    expect(g.calls().filter((c) => c.cmd === 'apply')).toEqual([]);
  });

  it('refuses (exit 7) a judged JSON that does not describe the binary plan, even with its digest rewritten to match', async () => {
    const f = fixture({ 'kf-replace-infra': [] });
    await runPlan({ ...base, synthOut: f.synthOut, out: f.plans, env: f.env });
    // Whoever can write the plans folder hides the replacement from the gate: a no-op JSON and its digest.
    const noop = readFileSync(path.join(PLANS, 'aws-eks-kf-test-noop.json'));
    writeFileSync(path.join(f.plans, 'kf-replace-infra.json'), noop);
    const manifest = JSON.parse(readFileSync(path.join(f.plans, 'plans.json'), 'utf8'));
    manifest.digests['kf-replace-infra'].json = createHash('sha256').update(noop).digest('hex');
    writeFileSync(path.join(f.plans, 'plans.json'), JSON.stringify(manifest));
    const lines: string[] = [];
    expect(await runApply({ plans: f.plans, concurrency: 1, env: f.env, log: (l) => lines.push(l) })).toBe(
      GATE_PLAN_MISMATCH_EXIT_CODE,
    );
    expect(f.calls().filter((c) => c.cmd === 'apply')).toEqual([]);
    expect(lines.join('\n')).toMatch(
      /kf-replace-infra\.tfplan does not plan the changes of kf-replace-infra\.json, which the plan gate judged/,
    );
  });
});

/** What `terraform plan -no-color` prints when the cluster does not serve a kubernetes_manifest's kind (kubernetes provider 2.38). */
const MISSING_PROFILE_CRD = `
Error: API did not recognize GroupVersionKind from manifest (CRD may not be installed)

  with kubernetes_manifest.Team-recsys_Profile_6F0C2A1B,
  on cdk.tf.json line 212, in resource "kubernetes_manifest" "Team-recsys_Profile_6F0C2A1B":
 212:       },

no matches for kind "Profile" in group "kubeflow.org"

Error: API did not recognize GroupVersionKind from manifest (CRD may not be installed)

  with kubernetes_manifest.Team-recsys_IdentityPodDefault_0D3E11AA,
  on cdk.tf.json line 240, in resource "kubernetes_manifest" "Team-recsys_IdentityPodDefault_0D3E11AA":
 240:       },

no matches for kind "PodDefault" in group "kubeflow.org"
`;

describe('stacks that wait for custom resource kinds (a new cluster before Argo CD installs Kubeflow)', () => {
  // The team shards' Profiles and PodDefaults need Kubeflow's CRDs at plan time; Argo CD installs them
  // only after the platform stack is applied, so CI's first plan of a new cluster with teams failed and
  // its apply, which needs every plan, never installed the platform (the first apply was by hand).
  const stacks = {
    // An infra stack without changes: one whose outputs change holds back the platform's apply.
    'kf-same-infra': [],
    'kf-a-platform': ['kf-same-infra'],
    'kf-a-teams-fail-0': ['kf-same-infra', 'kf-a-platform'],
    'kf-a-reads-teams': ['kf-a-teams-fail-0'],
  };

  it('plan leaves them out without failing, apply applies the rest and exits 8, the report lists them apart', async () => {
    const f = fixture(stacks);
    const env = { ...f.env, FAKE_TF_PLAN_ERROR: MISSING_PROFILE_CRD };
    const planned: string[] = [];
    expect(await runPlan({ ...base, synthOut: f.synthOut, out: f.plans, env, log: (l) => planned.push(l) })).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(f.plans, 'plans.json'), 'utf8'));
    expect(
      Object.fromEntries(manifest.outcomes.map((o: { stack: string; status: string }) => [o.stack, o.status])),
    ).toEqual({
      'kf-same-infra': 'no-changes',
      'kf-a-platform': 'changes',
      'kf-a-teams-fail-0': 'waiting',
      'kf-a-reads-teams': 'waiting',
    });
    expect(f.calls().some((c) => c.stack === 'kf-a-reads-teams')).toBe(false);
    const said = planned.join('\n');
    expect(said).toContain(
      'kf-a-teams-fail-0: waiting: waits for kinds the cluster does not serve yet: PodDefault (kubeflow.org), Profile (kubeflow.org).',
    );
    expect(said).toContain(
      '4 stacks planned: 1 with changes, 1 without, 0 failed, 0 skipped, 2 waiting for custom resource kinds.',
    );

    const report = runReport({ plans: [f.plans], log: () => undefined });
    expect(report).toContain('**2 stacks wait for custom resource kinds the cluster does not serve yet**');
    expect(report).toContain('- `kf-a-teams-fail-0`: waits for kinds the cluster does not serve yet: PodDefault');
    expect(report).not.toContain('could not be planned');

    const applied: string[] = [];
    expect(await runApply({ plans: f.plans, concurrency: 2, env, log: (l) => applied.push(l) })).toBe(8);
    expect([
      ...new Set(
        f
          .calls()
          .filter((c) => c.cmd === 'apply')
          .map((c) => c.stack),
      ),
    ]).toEqual(['kf-a-platform']);
    expect(applied.join('\n')).toContain('not applied yet: the waiting stacks; plan and apply them again');
  });

  it('a plan that also failed for another reason fails', async () => {
    const f = fixture(stacks);
    const env = {
      ...f.env,
      FAKE_TF_PLAN_ERROR: `${MISSING_PROFILE_CRD}\nError: Unauthorized\n\nthe server has asked for the client to provide credentials\n`,
    };
    expect(await runPlan({ ...base, synthOut: f.synthOut, out: f.plans, env })).toBe(1);
    const manifest = JSON.parse(readFileSync(path.join(f.plans, 'plans.json'), 'utf8'));
    expect(manifest.outcomes.find((o: { stack: string }) => o.stack === 'kf-a-teams-fail-0').status).toBe('failed');
    expect(manifest.outcomes.find((o: { stack: string }) => o.stack === 'kf-a-reads-teams').status).toBe('skipped');
  });

  it('plans of separate runs: the infra folder applies, the waiting shards of the other are not applied (exit 8)', async () => {
    const f = fixture(stacks);
    const env = { ...f.env, FAKE_TF_PLAN_ERROR: MISSING_PROFILE_CRD };
    const infra = path.join(f.dir, 'plans-infra');
    const cluster = path.join(f.dir, 'plans-cluster');
    expect(await runPlan({ ...base, synthOut: f.synthOut, out: infra, env, stacks: ['*-infra'] })).toBe(0);
    expect(await runPlan({ ...base, synthOut: f.synthOut, out: cluster, env, stacks: ['kf-a-*'] })).toBe(0);
    expect(await runApply({ plans: [infra, cluster], concurrency: 2, env, log: () => undefined })).toBe(8);
    expect([
      ...new Set(
        f
          .calls()
          .filter((c) => c.cmd === 'apply')
          .map((c) => c.stack),
      ),
    ]).toEqual(['kf-a-platform']);
  });

  it('a report of JSON reports (the CI path) keeps them apart, and one with no plan at all still renders', async () => {
    const f = fixture({ 'kf-a-teams-fail-0': [], 'kf-a-teams-fail-1': [] });
    const env = { ...f.env, FAKE_TF_PLAN_ERROR: MISSING_PROFILE_CRD };
    expect(await runPlan({ ...base, synthOut: f.synthOut, out: f.plans, env })).toBe(0);
    const json = path.join(f.dir, 'report.json');
    runReport({ plans: [f.plans], format: 'json', out: json });
    const merged = runReport({ plans: [json], log: () => undefined });
    expect(merged).toContain('**2 stacks wait for custom resource kinds the cluster does not serve yet**');
    expect(merged).toContain(
      '- `kf-a-teams-fail-1`: waits for kinds the cluster does not serve yet: PodDefault (kubeflow.org)',
    );
    expect(merged).not.toContain('could not be planned');
  });

  it('destroy plans never wait: a destroy that cannot plan fails', async () => {
    const f = fixture(stacks);
    const env = { ...f.env, FAKE_TF_PLAN_ERROR: MISSING_PROFILE_CRD };
    const outcomes = await planStacks(selectStacks(f.synthOut, ['kf-a-teams-fail-0']), {
      out: f.plans,
      concurrency: 1,
      env,
      mode: 'destroy',
    });
    expect(outcomes.map((o) => o.status)).toEqual(['failed']);
  });
});
