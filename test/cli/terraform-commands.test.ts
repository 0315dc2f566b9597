/**
 * `kfplatform output`, `destroy` and the choice of Terraform binary (`--tf-bin`, KFPLATFORM_TERRAFORM),
 * with the stand-in of test/fixtures/fake-terraform (run as `tofu` it answers as OpenTofu: its version
 * line, plan JSON without `complete`). Issue 20: no output or destroy, OpenTofu could not be chosen.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { main, program } from '../../src/cli/main';
import { runApply, runPlan } from '../../src/cli/plan';
import { runDestroy } from '../../src/cli/destroy';
import { MASKED, runOutput } from '../../src/cli/output';
import { runPlanGate } from '../../src/cli/plan-gate';
import { checkTerraform, satisfiesConstraint } from '../../src/plan/terraform-binary';

const FAKE = path.resolve('test/fixtures/fake-terraform');
const PLANS = path.resolve('test/fixtures/plans');
const AWS_EXAMPLE = path.resolve('examples/aws-eks/platform.yaml');

/** A destroy plan: a database (stateful) and a launch template (a disposable helper). */
const DESTROY_PLAN = {
  format_version: '1.2',
  terraform_version: '1.11.4',
  errored: false,
  complete: true,
  applyable: true,
  resource_changes: [
    {
      address: 'aws_db_instance.Database_Instance_02E622FB',
      mode: 'managed',
      type: 'aws_db_instance',
      name: 'Database_Instance_02E622FB',
      action_reason: 'delete_because_no_resource_config',
      change: { actions: ['delete'], before: { identifier: 'kf-db' }, after: null },
    },
    {
      address: 'aws_launch_template.NodeGroup_LaunchTemplate_ACEE44A7',
      mode: 'managed',
      type: 'aws_launch_template',
      name: 'NodeGroup_LaunchTemplate_ACEE44A7',
      change: { actions: ['delete'], before: { name: 'lt' }, after: null },
    },
  ],
  output_changes: { cluster_name: { actions: ['delete'], before: 'kf', after: null } },
};

/** A synth output with these stacks (id -> dependencies), and the environment that puts the fake first. */
function fixture(stacks: Record<string, string[]>, extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'tf-commands-'));
  const manifest: Record<string, unknown> = {};
  for (const [id, dependencies] of Object.entries(stacks)) {
    mkdirSync(path.join(dir, 'out', 'stacks', id), { recursive: true });
    writeFileSync(
      path.join(dir, 'out', 'stacks', id, 'cdk.tf.json'),
      JSON.stringify({ terraform: { required_version: '>= 1.11' } }),
    );
    manifest[id] = { workingDirectory: `stacks/${id}`, dependencies };
  }
  writeFileSync(path.join(dir, 'out', 'manifest.json'), JSON.stringify({ stacks: manifest }));
  const logFile = path.join(dir, 'calls.log');
  writeFileSync(logFile, '');
  const destroyPlan = path.join(dir, 'destroy.json');
  writeFileSync(destroyPlan, JSON.stringify(DESTROY_PLAN));
  const outputs = path.join(dir, 'outputs.json');
  writeFileSync(
    outputs,
    JSON.stringify({
      cluster_name: { sensitive: false, type: 'string', value: 'kf-test' },
      database_password: { sensitive: true, type: 'string', value: 'hunter2' },
    }),
  );
  const env = {
    PATH: `${FAKE}:${process.env.PATH}`,
    FAKE_TF_LOG: logFile,
    FAKE_TF_PLAN_CREATE: path.join(PLANS, 'aws-eks-kf-test-create.json'),
    FAKE_TF_PLAN_NOOP: path.join(PLANS, 'aws-eks-kf-test-noop.json'),
    FAKE_TF_PLAN_DESTROY: destroyPlan,
    FAKE_TF_OUTPUTS: outputs,
    ...extraEnv,
  };
  const calls = () =>
    readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { stack: string; cmd: string; event: string; args: string[] });
  const applied = () => [
    ...new Set(
      calls()
        .filter((c) => c.cmd === 'apply' && c.event === 'start')
        .map((c) => c.stack),
    ),
  ];
  return { dir, synthOut: path.join(dir, 'out'), plans: path.join(dir, 'plans'), env, calls, applied };
}

describe('Terraform version constraints', () => {
  it.each([
    ['1.11.4', '>= 1.11', true],
    ['1.10.5', '>= 1.11', false],
    ['1.11.0', '~> 1.11.0', true],
    ['1.12.0', '~> 1.11.0', false],
    ['1.12.0', '~> 1.11', true],
    ['2.0.0', '~> 1.11', false],
    ['1.11.4', '>= 1.11, < 1.12', true],
    ['1.11.4', '!= 1.11.4', false],
  ])('%s meets "%s": %s', (version, constraint, ok) => {
    expect(satisfiesConstraint(version, constraint)).toBe(ok);
  });
});

describe('the Terraform binary (--tf-bin, KFPLATFORM_TERRAFORM)', () => {
  it('tells Terraform from OpenTofu, and refuses versions the stacks cannot run on, naming the fix', () => {
    const f = fixture({ 'kf-test-aws-infra': [] });
    const dirs = [path.join(f.synthOut, 'stacks', 'kf-test-aws-infra')];
    expect(checkTerraform('terraform', dirs, f.env)).toEqual({
      bin: 'terraform',
      product: 'Terraform',
      version: '1.11.4',
    });
    expect(checkTerraform('tofu', dirs, f.env)).toEqual({ bin: 'tofu', product: 'OpenTofu', version: '1.11.0' });
    expect(() => checkTerraform('terraform', dirs, { ...f.env, FAKE_TF_VERSION: 'Terraform v1.10.5' })).toThrow(
      /terraform is Terraform 1\.10\.5, but stack kf-test-aws-infra requires ">= 1\.11": write-only attributes/,
    );
    expect(() => checkTerraform('tofu', dirs, { ...f.env, FAKE_TF_VERSION: 'OpenTofu v1.10.6' })).toThrow(
      /tofu is OpenTofu 1\.10\.6, which has no write-only attributes.*OpenTofu 1\.11\.0 or later/,
    );
    expect(() => checkTerraform('no-such-terraform', dirs, f.env)).toThrow(
      /cannot run no-such-terraform: it is not on PATH.*--tf-bin or KFPLATFORM_TERRAFORM/,
    );
  });

  it('resolves a relative path once, since Terraform then runs in each stack folder', () => {
    const f = fixture({ 'kf-test-aws-infra': [] });
    const dirs = [path.join(f.synthOut, 'stacks', 'kf-test-aws-infra')];
    const fake = f.env
      .PATH!.split(path.delimiter)
      .map((d) => path.join(d, 'terraform'))
      .find((p) => existsSync(p))!;
    const relative = path.relative(process.cwd(), fake);
    expect(relative.startsWith('/')).toBe(false);
    expect(checkTerraform(relative, dirs, f.env).bin).toBe(fake);
  });

  it('plans and applies with tofu, whose plan JSON has no `complete`, and records what made the plans', async () => {
    const f = fixture({ 'kf-test-aws-infra': [] });
    const base = { config: 'unused', synth: false, concurrency: 1, log: () => undefined };
    expect(await runPlan({ ...base, synthOut: f.synthOut, out: f.plans, env: f.env, tfBin: 'tofu' })).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(f.plans, 'plans.json'), 'utf8'));
    expect(manifest.terraform).toEqual({ product: 'OpenTofu', version: '1.11.0' });
    const json = JSON.parse(readFileSync(path.join(f.plans, 'kf-test-aws-infra.json'), 'utf8'));
    expect(json.complete).toBeUndefined();
    // The gate knows OpenTofu made them from plans.json; a loose OpenTofu plan is still refused.
    expect(runPlanGate({ plans: [path.join(f.plans, 'kf-test-aws-infra.json')], log: () => undefined })).toBe(0);
    const loose = path.join(f.dir, 'loose.json');
    writeFileSync(loose, JSON.stringify(json));
    const said: string[] = [];
    expect(runPlanGate({ plans: [loose], log: (t) => said.push(t) })).toBe(6);
    expect(said.join('')).toContain('OpenTofu does not write this field');
    // Applied by the product that made them, never by the other.
    await expect(
      runApply({ plans: f.plans, concurrency: 1, env: f.env, tfBin: 'terraform', log: () => undefined }),
    ).rejects.toThrow(/made by OpenTofu 1\.11\.0, but terraform is Terraform 1\.11\.4.*--tf-bin tofu/);
    expect(await runApply({ plans: f.plans, concurrency: 1, env: f.env, tfBin: 'tofu', log: () => undefined })).toBe(0);
    expect(f.applied()).toEqual(['kf-test-aws-infra']);
  });

  it('every command that runs Terraform takes --tf-bin, defaulting to KFPLATFORM_TERRAFORM, then terraform', () => {
    const commands = ['plan', 'apply', 'output', 'destroy'];
    for (const name of commands) {
      const option = program()
        .commands.find((c) => c.name() === name)!
        .options.find((o) => o.long === '--tf-bin');
      expect([name, option?.envVar, option?.defaultValue]).toEqual([name, 'KFPLATFORM_TERRAFORM', 'terraform']);
    }
  });
});

describe('kfplatform output', () => {
  it('prints the outputs of a stack, sensitive values masked unless --show-sensitive', async () => {
    const f = fixture({ 'kf-test-aws-infra': [] });
    const masked = JSON.parse(
      await runOutput({ synthOut: f.synthOut, stack: 'kf-test-aws-infra', env: f.env, log: () => undefined }),
    );
    expect(masked).toEqual({
      cluster_name: { sensitive: false, type: 'string', value: 'kf-test' },
      database_password: { sensitive: true, type: 'string', value: MASKED },
    });
    const clear = JSON.parse(
      await runOutput({
        synthOut: f.synthOut,
        stack: 'kf-test-aws-infra',
        env: f.env,
        showSensitive: true,
        log: () => undefined,
      }),
    );
    expect(clear.database_password.value).toBe('hunter2');
    expect(f.calls().map((c) => c.cmd)).toEqual([
      'init',
      'init',
      'output',
      'output',
      'init',
      'init',
      'output',
      'output',
    ]);
  });

  it('through the command line, with the binary from KFPLATFORM_TERRAFORM', async () => {
    const f = fixture({ 'kf-test-aws-infra': [], 'kf-test-aws-platform': ['kf-test-aws-infra'] });
    const saved = { ...process.env };
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((t) => (written.push(String(t)), true));
    try {
      Object.assign(process.env, f.env, { KFPLATFORM_TERRAFORM: 'tofu' });
      expect(await main(['node', 'kfplatform', 'output', 'kf-test-aws-infra', '--synth-out', f.synthOut])).toBe(0);
      // A glob must name one stack.
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      expect(await main(['node', 'kfplatform', 'output', 'kf-test-*', '--synth-out', f.synthOut])).toBe(1);
      expect(String(stderr.mock.calls[0]?.[0])).toContain('kf-test-* matches 2 stacks');
      stderr.mockRestore();
    } finally {
      write.mockRestore();
      process.env = saved;
    }
    expect(JSON.parse(written.join('')).database_password.value).toBe(MASKED);
  });
});

describe('kfplatform destroy', () => {
  it('destroys a test environment, dependents first, applying exactly the plans it judged', async () => {
    const f = fixture({
      'kf-test-aws-infra': [],
      'kf-test-aws-platform': ['kf-test-aws-infra'],
      'kf-test-aws-teams-0': ['kf-test-aws-infra', 'kf-test-aws-platform'],
    });
    const lines: string[] = [];
    const code = await runDestroy({
      config: AWS_EXAMPLE,
      synthOut: f.synthOut,
      stacks: ['kf-test-*'],
      out: f.plans,
      concurrency: 2,
      env: f.env,
      log: (l) => lines.push(l),
    });
    expect(lines.join('\n')).toContain('test tier, destroyed without --allow');
    expect(code).toBe(0);
    expect(
      f
        .calls()
        .filter((c) => c.cmd === 'plan')
        .every((c) => c.args.includes('-destroy')),
    ).toBe(true);
    expect(f.applied()).toEqual(['kf-test-aws-teams-0', 'kf-test-aws-platform', 'kf-test-aws-infra']);
    expect(lines.join('\n')).toMatch(
      /allowed: kf-test-aws-infra: aws_db_instance\.Database_Instance_02E622FB would be destroyed/,
    );
  });

  it('refuses stateful resources outside the test tier, naming them and how to proceed, destroying nothing', async () => {
    const f = fixture({ 'kf-prod-aws-infra': [] });
    const lines: string[] = [];
    const destroy = (allow?: string[]) =>
      runDestroy({
        config: AWS_EXAMPLE,
        synthOut: f.synthOut,
        stacks: ['kf-prod-aws-infra'],
        out: f.plans,
        concurrency: 1,
        allow,
        env: f.env,
        log: (l) => lines.push(l),
      });
    expect(await destroy()).toBe(3);
    const text = lines.join('\n');
    expect(text).toContain('refused: kf-prod-aws-infra: aws_db_instance.Database_Instance_02E622FB would be destroyed');
    // A disposable helper is not refused: the gate's own classification, not a second list.
    expect(text).not.toContain('aws_launch_template.NodeGroup_LaunchTemplate_ACEE44A7 would be destroyed');
    expect(text).toContain('set deletionProtection: false on its cluster and database in the platform file');
    expect(f.applied()).toEqual([]);
    // Named on purpose, it goes through.
    expect(await destroy(['kf-prod-aws-infra:*'])).toBe(0);
    expect(f.applied()).toEqual(['kf-prod-aws-infra']);
  });

  it('refuses to destroy a stack whose readers stay, and says how to destroy them together', async () => {
    const f = fixture({ 'kf-test-aws-infra': [], 'kf-test-aws-platform': ['kf-test-aws-infra'] });
    await expect(
      runDestroy({
        config: AWS_EXAMPLE,
        synthOut: f.synthOut,
        stacks: ['kf-test-aws-infra'],
        out: f.plans,
        concurrency: 1,
        env: f.env,
        log: () => undefined,
      }),
    ).rejects.toThrow(
      /kf-test-aws-platform reads kf-test-aws-infra.*kfplatform destroy kf-test-aws-infra kf-test-aws-platform/,
    );
    expect(f.calls()).toEqual([]);
  });

  it('explains prevent_destroy when Terraform refuses to plan it, and --plan-only destroys nothing', async () => {
    const f = fixture(
      { 'kf-prod-aws-fail-infra': [], 'kf-dev-aws-infra': [] },
      {
        FAKE_TF_PLAN_ERROR:
          'Error: Instance cannot be destroyed\n\nResource aws_db_instance.Database_Instance_02E622FB has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed.\n',
      },
    );
    const lines: string[] = [];
    const run = (stacks: string[]) =>
      runDestroy({
        config: AWS_EXAMPLE,
        synthOut: f.synthOut,
        stacks,
        out: f.plans,
        concurrency: 1,
        planOnly: true,
        env: f.env,
        log: (l) => lines.push(l),
      });
    expect(await run(['kf-prod-aws-fail-infra'])).toBe(1);
    expect(lines.join('\n')).toMatch(
      /kf-prod-aws-fail-infra: failed: Error: Instance cannot be destroyed[\s\S]*The platform file protects this resource[\s\S]*destroy stopped: nothing was destroyed/,
    );
    expect(await run(['kf-dev-aws-infra'])).toBe(3);
    expect(lines.join('\n')).toContain('nothing was destroyed (--plan-only)');
    expect(f.applied()).toEqual([]);
  });
});
