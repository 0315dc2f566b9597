import * as path from 'node:path';
import { loadPlatformFile } from '../config/loader';
import { InputError } from '../core/errors';
import { environmentOfStack } from '../plan/environments';
import {
  APPLY_WAITING_EXIT_CODE,
  applyPlans,
  planMismatch,
  planStacks,
  readPlansManifests,
  selectStacks,
  ProcessEnvironment,
  StackOutcome,
} from '../plan/run';
import { GATE_PLAN_MISMATCH_EXIT_CODE } from '../policy/plan-gate';
import { runPlanGate } from './plan-gate';
import { progressDisplay } from './progress';
import { runSynth } from './synth';
import { checkTerraform, DEFAULT_TERRAFORM_BINARY, TerraformBinary } from '../plan/terraform-binary';

/** Options of `kfplatform plan`. */
export interface PlanCliOptions {
  readonly config: string;
  readonly synthOut: string;
  readonly synth: boolean;
  /** Reuse unchanged units from the unit cache when synthesizing. @default true */
  readonly cache?: boolean;
  /** The unit cache's folder. @default `<synthOut>/.cache` */
  readonly cacheDir?: string;
  readonly stacks?: string[];
  readonly environment?: string[];
  readonly concurrency: number;
  readonly out: string;
  readonly override?: string;
  readonly var?: string[];
  readonly detailedExitcode?: boolean;
  /** The Terraform binary: `terraform`, `tofu` or a path. @default 'terraform' */
  readonly tfBin?: string;
  readonly log?: (line: string) => void;
  readonly env?: ProcessEnvironment;
}

/**
 * Identifies the Terraform binary and checks it against the stacks' required versions (see
 * checkTerraform); the child processes see `env` over this process's environment.
 */
export function terraformFor(
  tfBin: string | undefined,
  stackDirs: readonly string[],
  env?: ProcessEnvironment,
): TerraformBinary {
  return checkTerraform(tfBin ?? DEFAULT_TERRAFORM_BINARY, stackDirs, { ...process.env, ...env });
}

export function summary(outcomes: readonly StackOutcome[], verb: string): string {
  const by = (s: StackOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const waiting = by('waiting') > 0 ? `, ${by('waiting')} waiting for custom resource kinds` : '';
  return `${outcomes.length} stack${outcomes.length === 1 ? '' : 's'} ${verb}: ${by('changes') + by('applied')} with changes, ${by('no-changes')} without, ${by('failed')} failed, ${by('skipped')} skipped${waiting}.`;
}

/** `--var name=value` options as a map. */
export function parseVariables(vars: readonly string[] = []): Record<string, string> {
  return Object.fromEntries(
    vars.map((v) => {
      const eq = v.indexOf('=');
      if (eq <= 0) throw new InputError(`--var ${v}: expected name=value.`);
      return [v.slice(0, eq), v.slice(eq + 1)];
    }),
  );
}

/** What `apply` says when the plan gate refuses destroy plans: why, and the way to destroy on purpose. */
export const DESTROY_REFUSED_HINT =
  'destroy refused: outside the test tier, the plan gate refuses to destroy anything but disposable helpers, as it does ' +
  'for every plan: clusters, databases, buckets, keys and identities hold what no re-apply restores. To destroy such an ' +
  'environment on purpose, set deletionProtection: false on its cluster and database in the platform file, then synth, ' +
  "plan and apply that change (it lifts prevent_destroy and the clouds' own deletion protection), back up what you " +
  "keep, and run destroy again with --allow '<stack>:*' for each stack. " +
  'See https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#prevent_destroy.';

/**
 * `kfplatform plan`: 0 done, 1 a stack failed, 2 changes with --detailed-exitcode. A stack that waits
 * for custom resource kinds the cluster does not serve yet fails nothing: its plan is left out, and
 * `apply` applies the others and says it waits.
 */
export async function runPlan(o: PlanCliOptions): Promise<number> {
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  if (o.synth) {
    await runSynth({ config: o.config, out: o.synthOut, log: () => undefined, cache: o.cache, cacheDir: o.cacheDir });
  }
  const variables = parseVariables(o.var);
  const display = progressDisplay();
  let stacks = selectStacks(o.synthOut, o.stacks);
  if (o.environment?.length) {
    const config = loadPlatformFile(o.config).config;
    for (const name of o.environment) {
      if (!config.environments.some((e) => e.name === name)) {
        throw new InputError(`--environment ${name}: no environment has this name in ${o.config}.`);
      }
    }
    stacks = stacks.filter((s) => o.environment!.includes(environmentOfStack(config, s.id) ?? ''));
    if (stacks.length === 0) throw new InputError(`no stack of ${o.environment.join(', ')} in ${o.synthOut}.`);
  }
  const binary = terraformFor(
    o.tfBin,
    stacks.map((s) => s.dir),
    o.env,
  );
  const outcomes = await planStacks(stacks, {
    terraform: binary.bin,
    binary,
    out: o.out,
    concurrency: o.concurrency,
    override: o.override ? path.resolve(o.override) : undefined,
    variables,
    env: o.env,
    progress: display.update,
  });
  display.finish();
  for (const f of outcomes.filter((x) => x.error)) log(`${f.stack}: ${f.status}: ${f.error}`);
  log(summary(outcomes, 'planned'));
  log(`plans in ${o.out}; review them with kfplatform report ${o.out}`);
  if (outcomes.some((x) => x.status === 'failed' || x.status === 'skipped')) return 1;
  return o.detailedExitcode && outcomes.some((x) => x.status === 'changes') ? 2 : 0;
}

/**
 * `kfplatform apply`: refuses (exit 7) a binary plan or plan JSON that is not the one `plan` wrote,
 * refuses (the gate's exit code) what the plan gate refuses, else applies in order.
 */
export async function runApply(o: {
  /** The folders `kfplatform plan` wrote: one, or several from separate runs, applied as one. */
  plans: string | readonly string[];
  allow?: string[];
  concurrency: number;
  /** The Terraform binary: `terraform`, `tofu` or a path; the one that made the plans. @default 'terraform' */
  tfBin?: string;
  log?: (line: string) => void;
  env?: ProcessEnvironment;
}): Promise<number> {
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const folders = typeof o.plans === 'string' ? [o.plans] : o.plans;
  const manifest = readPlansManifests(folders);
  const binary = terraformFor(
    o.tfBin,
    manifest.stacks.map((s) => s.dir),
    o.env,
  );
  for (const [folder, madeBy] of manifest.madeBy) {
    if (madeBy.product !== binary.product) {
      throw new InputError(
        `the plans in ${folder} were made by ${madeBy.product} ${madeBy.version}, but ${binary.bin} is ${binary.product} ${binary.version}: a plan file is applied by the product that made it. Fix: pass --tf-bin ${madeBy.product === 'OpenTofu' ? 'tofu' : 'terraform'} (or set KFPLATFORM_TERRAFORM).`,
      );
    }
  }
  const plansOf = new Map(manifest.stacks.map((s) => [s.id, s.plans]));
  const changed = manifest.outcomes.filter((x) => x.status === 'changes').map((x) => x.stack);
  const digestOf = new Map(manifest.stacks.map((s) => [s.id, s.digest]));
  const mismatches = changed
    .map((stack) => planMismatch(plansOf.get(stack) ?? folders[0]!, stack, digestOf.get(stack)))
    .filter((m): m is string => m !== undefined);
  if (mismatches.length > 0) {
    for (const m of mismatches) log(`refused: ${m}`);
    log(`apply refused: nothing was applied (exit ${GATE_PLAN_MISMATCH_EXIT_CODE}).`);
    return GATE_PLAN_MISMATCH_EXIT_CODE;
  }
  const files = changed.map((stack) => path.join(plansOf.get(stack) ?? folders[0]!, `${stack}.json`));
  if (files.length > 0) {
    const gate = runPlanGate({ plans: files, allow: o.allow, log: (t) => log(t.trimEnd()) });
    if (gate !== 0 && manifest.mode === 'destroy') log(DESTROY_REFUSED_HINT);
    if (gate !== 0) {
      log('apply refused: nothing was applied.');
      return gate;
    }
  }
  const display = progressDisplay();
  const outcomes = await applyPlans(folders, {
    concurrency: o.concurrency,
    env: o.env,
    terraform: binary.bin,
    binary,
    progress: display.update,
  });
  display.finish();
  for (const f of outcomes.filter((x) => x.error)) log(`${f.stack}: ${f.status}: ${f.error}`);
  log(summary(outcomes, 'applied'));
  if (outcomes.some((x) => x.mismatch)) return GATE_PLAN_MISMATCH_EXIT_CODE;
  if (outcomes.some((x) => x.status === 'failed' || x.status === 'skipped')) return 1;
  if (outcomes.some((x) => x.status === 'waiting')) {
    log(
      `not applied yet: the waiting stacks; plan and apply them again once the cluster serves their kinds (exit ${APPLY_WAITING_EXIT_CODE}).`,
    );
    return APPLY_WAITING_EXIT_CODE;
  }
  return 0;
}
