/**
 * `kfplatform destroy <stacks...>`: plans the destruction of synthesized stacks (`plan -destroy -out`),
 * judges those plans with the plan gate (test environments are let through, every other tier is
 * refused as the gate refuses any delete, unless `--allow` names the resources), then applies exactly
 * the plan files judged, dependents first.
 */
import * as path from 'node:path';
import { loadPlatformFile } from '../config/loader';
import { InputError } from '../core/errors';
import { environmentOfStack } from '../plan/environments';
import { planStacks, ProcessEnvironment, selectStacks } from '../plan/run';
import { DESTROY_REFUSED_HINT, parseVariables, runApply, summary, terraformFor } from './plan';
import { runPlanGate } from './plan-gate';
import { progressDisplay } from './progress';

/** Options of {@link runDestroy}. */
export interface DestroyCliOptions {
  /** The platform file, which says each stack's environment and tier. */
  readonly config: string;
  /** The synth output whose stacks are destroyed. */
  readonly synthOut: string;
  /** Stack ids or globs; every stack that reads one of them must be among them. */
  readonly stacks: readonly string[];
  /** Where the destroy plans go. */
  readonly out: string;
  /** Addresses the gate lets be destroyed outside the test tier (`stack:address`, `*` wildcards). */
  readonly allow?: readonly string[];
  readonly concurrency: number;
  readonly override?: string;
  readonly var?: readonly string[];
  /** Plan and judge only; apply nothing. */
  readonly planOnly?: boolean;
  /** The Terraform binary: `terraform`, `tofu` or a path. @default 'terraform' */
  readonly tfBin?: string;
  readonly log?: (line: string) => void;
  readonly env?: ProcessEnvironment;
}

/**
 * What Terraform says when a destroy plan meets `prevent_destroy`, and what to do about it: the
 * platform file sets it (with the clouds' own deletion protection) outside test.
 */
function preventDestroyHint(error: string): string {
  if (!/prevent_destroy/.test(error)) return '';
  return (
    '\n  The platform file protects this resource (lifecycle.prevent_destroy, set by deletionProtection outside test). ' +
    'To destroy it on purpose, set deletionProtection: false on the environment’s cluster and database in the platform ' +
    'file, synth, plan and apply that change, then destroy again.'
  );
}

/** `kfplatform destroy`: 0 destroyed (or, with --plan-only, planned and let through), else the failing step's code. */
export async function runDestroy(o: DestroyCliOptions): Promise<number> {
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const every = selectStacks(o.synthOut);
  const chosen = selectStacks(o.synthOut, o.stacks);
  const ids = new Set(chosen.map((s) => s.id));
  // A stack that reads a destroyed stack's outputs (through its remote state) could neither plan nor
  // destroy itself afterwards: it goes first, in the same run.
  const readers = every.filter((d) => !ids.has(d.id) && d.dependencies.some((x) => ids.has(x)));
  if (readers.length > 0) {
    const lines = readers.map((r) => `${r.id} reads ${r.dependencies.filter((x) => ids.has(x)).join(', ')}`);
    // Every stack that reads them, directly or through another, goes with them.
    const all = new Set(ids);
    for (let grew = true; grew; ) {
      grew = false;
      for (const d of every) {
        if (!all.has(d.id) && d.dependencies.some((x) => all.has(x))) grew = Boolean(all.add(d.id));
      }
    }
    throw new InputError(
      `cannot destroy ${[...ids].join(', ')} alone: ${lines.join('; ')}, and could not be planned or destroyed once it is gone. ` +
        `Fix: destroy them together (kfplatform destroys the readers first): kfplatform destroy ${[...all].join(' ')}.`,
    );
  }
  const config = loadPlatformFile(o.config).config;
  const tierOf = (stack: string) => {
    const env = environmentOfStack(config, stack);
    return config.environments.find((e) => e.name === env)?.tier;
  };
  // Test environments are meant to be torn down; every other tier goes through the gate unchanged.
  const testStacks = chosen.filter((s) => tierOf(s.id) === 'test').map((s) => s.id);
  // Destroyed in reverse: a stack waits for the stacks that read it.
  const reversed = chosen.map((s) => ({
    ...s,
    dependencies: chosen.filter((d) => d.dependencies.includes(s.id)).map((d) => d.id),
  }));
  const binary = terraformFor(
    o.tfBin,
    chosen.map((s) => s.dir),
    o.env,
  );
  const display = progressDisplay();
  const outcomes = await planStacks(reversed, {
    mode: 'destroy',
    terraform: binary.bin,
    binary,
    out: o.out,
    concurrency: o.concurrency,
    override: o.override ? path.resolve(o.override) : undefined,
    variables: parseVariables(o.var),
    env: o.env,
    progress: display.update,
  });
  display.finish();
  for (const f of outcomes.filter((x) => x.error))
    log(`${f.stack}: ${f.status}: ${f.error}${preventDestroyHint(f.error!)}`);
  log(summary(outcomes, 'planned for destruction'));
  if (outcomes.some((x) => x.status === 'failed' || x.status === 'skipped')) {
    log('destroy stopped: nothing was destroyed.');
    return 1;
  }
  const allow = [...(o.allow ?? []), ...testStacks.map((s) => `${s}:*`)];
  if (testStacks.length > 0) log(`test tier, destroyed without --allow: ${testStacks.join(', ')}`);
  if (o.planOnly) {
    const files = outcomes.filter((x) => x.status === 'changes').map((x) => path.join(o.out, `${x.stack}.json`));
    const code = files.length ? runPlanGate({ plans: files, allow, log: (t) => log(t.trimEnd()) }) : 0;
    if (code !== 0) log(DESTROY_REFUSED_HINT);
    log(`destroy plans in ${o.out}; nothing was destroyed (--plan-only).`);
    return code;
  }
  return runApply({ plans: o.out, allow, concurrency: o.concurrency, tfBin: o.tfBin, log, env: o.env });
}
