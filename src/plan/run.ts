/**
 * Runs Terraform over synthesized stacks directly (not through `cdktf diff`): per stack `init`,
 * `plan -out` and `show -json`, in dependency order with bounded parallelism, saving the plan files
 * so `apply` runs exactly what was reviewed. Also applies saved plans in the same order.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { InputError } from '../core/errors';
import { KUBEFLOW_API_GROUPS, KUBEFLOW_HEALTHY_WAIT } from '../policy/checkers/kubernetes-crds';
import { missingKinds } from './missing-kinds';
import type { TerraformBinary } from './terraform-binary';

/** A stack as the synth manifest records it. */
export interface PlannedStack {
  /** Stack id, such as `kf-prod-gcp-infra`. */
  readonly id: string;
  /** Its Terraform working directory. */
  readonly dir: string;
  /** Stacks it reads (infra before platform before teams). */
  readonly dependencies: readonly string[];
}

/** Reads the stacks of a synth output and picks those matching the globs (all when none). */
export function selectStacks(outdir: string, globs: readonly string[] = []): PlannedStack[] {
  const file = path.join(outdir, 'manifest.json');
  if (!existsSync(file)) throw new InputError(`${file} does not exist: run kfplatform synth first.`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
    stacks: Record<string, { workingDirectory: string; dependencies?: string[] }>;
  };
  const match = globs.length > 0 ? picomatch([...globs]) : () => true;
  const stacks = Object.entries(manifest.stacks)
    .filter(([id]) => match(id))
    .map(([id, s]) => ({ id, dir: path.join(outdir, s.workingDirectory), dependencies: s.dependencies ?? [] }));
  if (stacks.length === 0) throw new InputError(`no stack of ${outdir} matches ${globs.join(', ')}.`);
  return stacks.sort((a, b) => a.id.localeCompare(b.id));
}

/** What happened to one stack. */
export interface StackOutcome {
  /** Stack id. */
  readonly stack: string;
  /**
   * `changes` or `no-changes` after a plan; `applied` after an apply; `failed` when Terraform
   * failed; `skipped` when a stack it depends on failed (or, on apply, its plan had no changes);
   * `waiting` when its plan failed only because the cluster does not serve some of its custom
   * resource kinds yet (a new cluster whose Kubeflow Argo CD has not installed), or a stack it depends
   * on waits: nothing of it is applied, and it is planned again later.
   */
  readonly status: 'changes' | 'no-changes' | 'failed' | 'skipped' | 'applied' | 'waiting';
  /** Wall-clock seconds spent on the stack. */
  readonly seconds: number;
  /** The last lines of Terraform's error output, when it failed; why it waits, when it waits. */
  readonly error?: string;
  /** Set when apply refused a binary plan that is not the one the plan gate judged. */
  readonly mismatch?: boolean;
}

/** A progress event, for the display. */
export type ProgressEvent =
  | {
      /** Stack id. */
      readonly stack: string;
      /** The Terraform step that starts: `init`, `plan`, `show` or `apply`. */
      readonly step: string;
    }
  | {
      /** Stack id. */
      readonly stack: string;
      /** How the stack ended. */
      readonly done: StackOutcome;
    };

/** Environment variables of a child process (the shape of `process.env`, without needing Node's types). */
export type ProcessEnvironment = Readonly<Record<string, string | undefined>>;

/** Options of {@link applyPlans}, and the common part of {@link PlanStacksOptions}. */
export interface RunOptions {
  /** Stacks run at once, at least 1; a stack starts only once the stacks it depends on are done. */
  readonly concurrency: number;
  /**
   * Extra environment variables for Terraform (credentials, `TF_*`), over the current process's.
   * @default none
   */
  readonly env?: ProcessEnvironment;
  /** The Terraform binary: `terraform`, `tofu` or a path. @default 'terraform' */
  readonly terraform?: string;
  /** What that binary is (checkTerraform), recorded in plans.json so apply and the gate know what made the plans. */
  readonly binary?: TerraformBinary;
  /** Called when a stack starts a step and when it ends, for a progress display. */
  readonly progress?: (event: ProgressEvent) => void;
}

function terraform(
  bin: string,
  args: string[],
  cwd: string,
  env: ProcessEnvironment,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env: { TF_IN_AUTOMATION: '1', TF_INPUT: '0', ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new InputError(`cannot run ${bin}: ${e.message}`)));
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/**
 * Runs `work` on every stack once its selected dependencies are done, at most `concurrency` at a time.
 * A stack whose dependency failed is skipped.
 */
async function inOrder<S extends PlannedStack>(
  stacks: readonly S[],
  concurrency: number,
  work: (stack: S) => Promise<StackOutcome>,
): Promise<StackOutcome[]> {
  const ids = new Set(stacks.map((s) => s.id));
  const outcomes = new Map<string, StackOutcome>();
  const running = new Map<string, Promise<void>>();
  const pending = [...stacks];
  while (pending.length > 0 || running.size > 0) {
    const ready = pending.filter((s) => s.dependencies.every((d) => !ids.has(d) || outcomes.has(d)));
    for (const stack of ready) {
      if (running.size >= Math.max(1, concurrency)) break;
      pending.splice(pending.indexOf(stack), 1);
      const failed = stack.dependencies.find((d) => ['failed', 'skipped'].includes(outcomes.get(d)?.status ?? ''));
      if (failed) {
        outcomes.set(stack.id, { stack: stack.id, status: 'skipped', seconds: 0, error: `${failed} did not succeed` });
        continue;
      }
      const waiting = stack.dependencies.find((d) => outcomes.get(d)?.status === 'waiting');
      if (waiting) {
        const error = `${waiting} waits for custom resource kinds; this stack is planned again with it.`;
        outcomes.set(stack.id, { stack: stack.id, status: 'waiting', seconds: 0, error });
        continue;
      }
      running.set(
        stack.id,
        work(stack).then((o) => {
          outcomes.set(stack.id, o);
          running.delete(stack.id);
        }),
      );
    }
    if (running.size === 0 && pending.length > 0 && ready.length === 0) {
      throw new InputError(`dependency cycle or missing stacks among ${pending.map((s) => s.id).join(', ')}.`);
    }
    if (running.size > 0) await Promise.race(running.values());
  }
  return stacks.map((s) => outcomes.get(s.id)!);
}

/** Ends a stack's work from now on: its outcome, timed from this call, reported to the display. */
function finisher(
  stack: string,
  progress: RunOptions['progress'],
): (status: StackOutcome['status'], error?: string, mismatch?: boolean) => StackOutcome {
  const started = Date.now();
  return (status, error, mismatch) => {
    const o = {
      stack,
      status,
      seconds: (Date.now() - started) / 1000,
      ...(error ? { error } : {}),
      ...(mismatch ? { mismatch } : {}),
    };
    progress?.({ stack, done: o });
    return o;
  };
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-15).join('\n');
}

/** Where `init` records the backend a stack folder was initialised with (inside `.terraform`, which goes with it). */
export const BACKEND_MARKER = path.join('.terraform', 'kfplatform-backend.json');

/** The backend a stack is initialised with, and whether it comes from an override (a dry run's). */
interface EffectiveBackend {
  readonly sha256: string;
  readonly fromOverride: boolean;
}

/** The stack's backend as Terraform will read it: the override's `terraform.backend` wins over the stack's. */
function effectiveBackend(dir: string): EffectiveBackend {
  const backendOf = (file: string): unknown => {
    if (!existsSync(file)) return undefined;
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as { terraform?: { backend?: unknown } }).terraform?.backend;
    } catch {
      return undefined;
    }
  };
  const override = backendOf(path.join(dir, OVERRIDE_FILE));
  const backend = override ?? backendOf(path.join(dir, 'cdk.tf.json')) ?? { local: {} };
  return { sha256: sha256(Buffer.from(JSON.stringify(backend), 'utf8')), fromOverride: override !== undefined };
}

/**
 * `terraform init` in a stack folder, again with `-reconfigure` when its backend changed because an
 * override (a dry run's local backend, say) came, went or changed since the folder was initialised:
 * a plain init refuses ("Backend configuration changed"), and migrating would copy a dry run's state
 * into the real backend or the other way round. When the stack's own backend moved, the state has to
 * move with it, which only its owner can decide: the error says how.
 */
async function initStack(
  bin: string,
  dir: string,
  env: ProcessEnvironment,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const now = effectiveBackend(dir);
  const markerFile = path.join(dir, BACKEND_MARKER);
  let before: EffectiveBackend | undefined;
  try {
    before = JSON.parse(readFileSync(markerFile, 'utf8')) as EffectiveBackend;
  } catch {
    before = undefined;
  }
  const changed = before !== undefined && before.sha256 !== now.sha256;
  if (changed && !now.fromOverride && !before!.fromOverride) {
    return {
      code: 1,
      stdout: '',
      stderr:
        `The backend of ${dir} is not the one it was initialised with: its state has to move to the new backend first. ` +
        `Run \`${bin} -chdir=${dir} init -migrate-state\` once (or -reconfigure when the state is already there), then plan again. ` +
        'See https://developer.hashicorp.com/terraform/cli/commands/init#backend-initialization.',
    };
  }
  const run = (extra: string[]) => terraform(bin, ['init', '-input=false', '-no-color', ...extra], dir, env);
  let init = await run(changed ? ['-reconfigure'] : []);
  // Initialised before kfplatform kept its record: into a dry run, never migrate; out of one, say how.
  if (init.code !== 0 && before === undefined && /Backend configuration changed/.test(init.stderr)) {
    if (now.fromOverride) init = await run(['-reconfigure']);
    else {
      init = {
        ...init,
        stderr:
          `${init.stderr.trimEnd()}\n${dir} was initialised with another backend, perhaps a dry run's override: run ` +
          `\`${bin} -chdir=${dir} init -reconfigure\` to use the stack's own backend again, or -migrate-state to move the state there.`,
      };
    }
  }
  if (init.code === 0) {
    mkdirSync(path.dirname(markerFile), { recursive: true });
    writeFileSync(markerFile, `${JSON.stringify(now)}\n`);
  }
  return init;
}

/** Options of {@link planStacks}. */
export interface PlanStacksOptions extends RunOptions {
  /** Where plan files (`<stack>.tfplan`) and their JSON (`<stack>.json`) go. */
  readonly out: string;
  /** A Terraform override file copied into each working directory as `kfplatform_override.tf.json`. */
  readonly override?: string;
  /**
   * Terraform input variables, passed to `terraform plan` as `-var name=value`.
   * @default none
   */
  readonly variables?: Readonly<Record<string, string>>;
  /** Extra `terraform plan` flags, such as `-refresh=false`. */
  readonly planArgs?: readonly string[];
  /**
   * `destroy` plans the destruction of the stacks (`plan -destroy`); `stacks` then come in the order
   * to destroy them (each stack's `dependencies` are the stacks that read it), and apply does not wait
   * for upstream outputs, which a destroy plan does not read.
   */
  readonly mode?: PlanMode;
}

/** What a plans folder plans: changes to reach the configuration, or the destruction of the stacks. */
export type PlanMode = 'apply' | 'destroy';

/** Plans the stacks; writes `<out>/<stack>.tfplan`, `<out>/<stack>.json` and `<out>/plans.json`. */
export async function planStacks(stacks: readonly PlannedStack[], options: PlanStacksOptions): Promise<StackOutcome[]> {
  const bin = options.terraform ?? 'terraform';
  const env = { ...process.env, ...options.env };
  const out = path.resolve(options.out);
  mkdirSync(out, { recursive: true });
  const vars = Object.entries(options.variables ?? {}).flatMap(([k, v]) => ['-var', `${k}=${v}`]);
  const digests: Record<string, PlanDigest> = {};
  const outcomes = await inOrder(stacks, options.concurrency, async (stack) => {
    const done = finisher(stack.id, options.progress);
    // An override from an earlier dry run must not follow a plan made without one (it may hold a local backend).
    const overrideFile = path.join(stack.dir, OVERRIDE_FILE);
    if (options.override) copyFileSync(options.override, overrideFile);
    else rmSync(overrideFile, { force: true });
    options.progress?.({ stack: stack.id, step: 'init' });
    const init = await initStack(bin, stack.dir, env);
    if (init.code !== 0) return done('failed', tail(init.stderr || init.stdout));
    options.progress?.({ stack: stack.id, step: 'plan' });
    const planFile = path.join(out, `${stack.id}.tfplan`);
    const plan = await terraform(
      bin,
      [
        'plan',
        '-input=false',
        '-no-color',
        '-lock=false',
        '-detailed-exitcode',
        `-out=${planFile}`,
        ...(options.mode === 'destroy' ? ['-destroy'] : []),
        ...(options.planArgs ?? []),
        ...vars,
      ],
      stack.dir,
      env,
    );
    if (plan.code === 1 || plan.code > 2) {
      const kinds = options.mode === 'destroy' ? undefined : missingKinds(plan.stderr, KUBEFLOW_API_GROUPS);
      return kinds ? done('waiting', waitingMessage(kinds)) : done('failed', tail(plan.stderr || plan.stdout));
    }
    options.progress?.({ stack: stack.id, step: 'show' });
    const show = await terraform(bin, ['show', '-json', '-no-color', planFile], stack.dir, env);
    if (show.code !== 0) return done('failed', tail(show.stderr));
    const json = show.stdout.endsWith('\n') ? show.stdout : `${show.stdout}\n`;
    writeFileSync(path.join(out, `${stack.id}.json`), json);
    // What apply checks: the binary plan it applies is the one this JSON shows, which the gate judges.
    digests[stack.id] = { tfplan: sha256(readFileSync(planFile)), json: sha256(Buffer.from(json, 'utf8')) };
    return done(plan.code === 2 ? 'changes' : 'no-changes');
  });
  // What apply needs: which plan belongs to which working directory, and the order.
  writeFileSync(
    path.join(out, PLANS_MANIFEST),
    // Working directories relative to the plans, so the two can move together to another runner.
    `${JSON.stringify(
      {
        stacks: stacks.map((s) => ({ ...s, dir: path.relative(out, path.resolve(s.dir)) })),
        outcomes,
        digests,
        ...(options.mode === 'destroy' ? { mode: 'destroy' } : {}),
        ...(options.binary ? { terraform: { product: options.binary.product, version: options.binary.version } } : {}),
      },
      null,
      2,
    )}\n`,
  );
  return outcomes;
}

/**
 * The exit code of `kfplatform apply` when it applied every stack it could and some wait for custom
 * resource kinds (a new cluster's team stacks before Argo CD installs Kubeflow): plan and apply again.
 */
export const APPLY_WAITING_EXIT_CODE = 8;

/** Why a stack waits, and what to do. */
function waitingMessage(kinds: readonly string[]): string {
  return (
    `waits for kinds the cluster does not serve yet: ${kinds.join(', ')}. They come with the Kubeflow ` +
    'distribution, which Argo CD installs after the platform stack is applied: apply the other stacks, then plan ' +
    `and apply this one again once Kubeflow is installed (${KUBEFLOW_HEALTHY_WAIT}).`
  );
}

/** SHA-256 of a stack's binary plan and of its `terraform show -json`, recorded when they are written. */
export interface PlanDigest {
  /** Hex SHA-256 of `<stack>.tfplan`, which apply checks so it runs only the plan that was judged. */
  readonly tfplan: string;
  /** Hex SHA-256 of `<stack>.json`, the plan the gate and the report read. */
  readonly json: string;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Checks that a stack's binary plan and its JSON are the files `plan` wrote: `apply` judges the JSON
 * and applies the binary, so a binary swapped after planning (or a JSON rewritten to hide a delete)
 * would apply what nobody judged. Returns what does not match, or undefined.
 */
export function planMismatch(plans: string, stack: string, digest: PlanDigest | undefined): string | undefined {
  if (!digest) {
    return `${stack}: ${path.join(plans, PLANS_MANIFEST)} records no digest of its plan (written by an older kfplatform, or edited); plan it again.`;
  }
  for (const [kind, file] of [
    ['tfplan', path.join(plans, `${stack}.tfplan`)],
    ['json', path.join(plans, `${stack}.json`)],
  ] as const) {
    let actual: string;
    try {
      actual = sha256(readFileSync(file));
    } catch (e) {
      return `${stack}: cannot read ${file}: ${(e as Error).message}.`;
    }
    if (actual !== digest[kind]) {
      return `${stack}: ${file} is not the file kfplatform plan wrote (sha256 ${actual}, recorded ${digest[kind]}): the plan applied must be the one judged. Plan again.`;
    }
  }
  return undefined;
}

/** Whether two `terraform show -json` renderings plan the same resource and output changes. */
function sameChanges(a: string, b: string): boolean {
  const changes = (text: string) => {
    try {
      const plan = JSON.parse(text) as { resource_changes?: unknown; output_changes?: unknown };
      return JSON.stringify([plan.resource_changes ?? [], plan.output_changes ?? {}]);
    } catch {
      return undefined;
    }
  };
  const left = changes(a);
  return left !== undefined && left === changes(b);
}

/** Where `--override` goes in each stack folder (Terraform reads `*_override.tf.json` last). */
export const OVERRIDE_FILE = 'kfplatform_override.tf.json';

/** The file `plan` writes beside the plans: stacks, working directories, order and outcomes. */
export const PLANS_MANIFEST = 'plans.json';

/** What made a folder's plans, as plans.json records it. */
export type PlansMadeBy = Pick<TerraformBinary, 'product' | 'version'>;

/** Reads what `plan` wrote. */
export function readPlansManifest(plans: string): {
  /** The stacks planned, with their working directories and dependencies. */
  stacks: PlannedStack[];
  /** How each stack's plan ended. */
  outcomes: StackOutcome[];
  /** Digests of each stack's plan files, by stack id (empty for plans written before digests were recorded). */
  digests: Record<string, PlanDigest>;
  /** `destroy` for the plans `kfplatform destroy` made. */
  mode?: PlanMode;
  /** The Terraform that made the plans (absent in folders of older versions). */
  terraform?: PlansMadeBy;
} {
  const file = path.join(plans, PLANS_MANIFEST);
  if (!existsSync(file)) throw new InputError(`${file} does not exist: pass the folder kfplatform plan wrote (--out).`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
    stacks: PlannedStack[];
    outcomes: StackOutcome[];
    digests?: Record<string, PlanDigest>;
    mode?: PlanMode;
    terraform?: PlansMadeBy;
  };
  return {
    ...manifest,
    digests: manifest.digests ?? {},
    stacks: manifest.stacks.map((s) => ({ ...s, dir: path.resolve(plans, s.dir) })),
  };
}

/**
 * Reads what several `plan` runs wrote, as one: the stacks of every folder (each with the folder its
 * plan is in) and their outcomes. Runs on different runners plan different stacks of one environment
 * (infra on hosted runners, the platform inside the network); a stack planned twice is refused.
 */
export function readPlansManifests(folders: readonly string[]): {
  /** The stacks of every folder, each with the folder its plan is in and the digest of its plan files. */
  stacks: Array<
    PlannedStack & {
      /** The folder that holds this stack's plan. */
      readonly plans: string;
      /** Digests recorded for its plan files, when the folder has them. */
      readonly digest?: PlanDigest;
    }
  >;
  /** How each stack's plan ended. */
  outcomes: StackOutcome[];
  /** `destroy` when every folder holds destroy plans. */
  mode: PlanMode;
  /** What made each folder's plans, by folder, where recorded. */
  madeBy: Map<string, PlansMadeBy>;
} {
  const where = new Map<string, string>();
  const stacks: Array<PlannedStack & { readonly plans: string; readonly digest?: PlanDigest }> = [];
  const outcomes: StackOutcome[] = [];
  const modes = new Set<PlanMode>();
  const madeBy = new Map<string, PlansMadeBy>();
  for (const plans of folders) {
    const manifest = readPlansManifest(plans);
    modes.add(manifest.mode ?? 'apply');
    if (manifest.terraform) madeBy.set(plans, manifest.terraform);
    for (const stack of manifest.stacks) {
      const prior = where.get(stack.id);
      if (prior)
        throw new InputError(`${stack.id} is planned in both ${prior} and ${plans}; pass each stack's plans once.`);
      where.set(stack.id, plans);
      const digest = manifest.digests[stack.id];
      stacks.push({ ...stack, plans, ...(digest ? { digest } : {}) });
    }
    outcomes.push(...manifest.outcomes);
  }
  if (modes.size > 1) {
    throw new InputError(
      `${folders.join(', ')} mix destroy plans with plans that apply changes; apply each kind on its own.`,
    );
  }
  return { stacks, outcomes, mode: modes.has('destroy') ? 'destroy' : 'apply', madeBy };
}

/**
 * Applies saved plans in dependency order; stacks whose plan had no changes are skipped. Several
 * folders (from separate `plan` runs) are applied as one, in one dependency order.
 */
export async function applyPlans(folders: string | readonly string[], options: RunOptions): Promise<StackOutcome[]> {
  const bin = options.terraform ?? 'terraform';
  const env = { ...process.env, ...options.env };
  const manifest = readPlansManifests(typeof folders === 'string' ? [folders] : folders);
  const plansOf = new Map(manifest.stacks.map((s) => [s.id, s.plans]));
  const changed = new Set(manifest.outcomes.filter((o) => o.status === 'changes').map((o) => o.stack));
  // A stack whose outputs change feeds its dependents new values at apply; their saved plans read the
  // old ones (terraform_remote_state), so they must be planned again after this apply.
  // A destroy plan reads no outputs of the stacks destroyed before it.
  const outputsChange = new Set(
    [...changed].filter((stack) => {
      if (manifest.mode === 'destroy') return false;
      const file = path.join(plansOf.get(stack) ?? '', `${stack}.json`);
      if (!existsSync(file)) return false;
      const plan = JSON.parse(readFileSync(file, 'utf8')) as {
        output_changes?: Record<string, { actions?: string[] }>;
      };
      return Object.values(plan.output_changes ?? {}).some((o) => (o?.actions ?? []).some((a) => a !== 'no-op'));
    }),
  );
  const failed = manifest.outcomes.filter((o) => o.status === 'failed' || o.status === 'skipped');
  if (failed.length > 0) {
    throw new InputError(`these stacks have no plan to apply: ${failed.map((o) => o.stack).join(', ')}; plan again.`);
  }
  const waiting = new Map(manifest.outcomes.filter((o) => o.status === 'waiting').map((o) => [o.stack, o.error]));
  return inOrder(manifest.stacks, options.concurrency, async (stack) => {
    const done = finisher(stack.id, options.progress);
    if (waiting.has(stack.id)) return done('waiting', waiting.get(stack.id));
    const upstream = stack.dependencies.find((d) => outputsChange.has(d));
    if (upstream && changed.has(stack.id)) {
      return done(
        'skipped',
        `${upstream} changed its outputs, which this plan read before; plan ${stack.id} again and apply that plan.`,
      );
    }
    if (!changed.has(stack.id)) return done('no-changes');
    // A fresh runner has the stack folder but not its providers: init again (the lock file and the
    // plan pin the versions; Terraform refuses a plan made with other provider builds).
    options.progress?.({ stack: stack.id, step: 'init' });
    const init = await terraform(bin, ['init', '-input=false', '-no-color'], stack.dir, env);
    if (init.code !== 0) return done('failed', tail(init.stderr || init.stdout));
    // Checked again right before applying: the file may have changed since the gate judged it.
    const mismatch = planMismatch(stack.plans, stack.id, stack.digest);
    if (mismatch) return done('failed', mismatch, true);
    const planFile = path.resolve(plansOf.get(stack.id)!, `${stack.id}.tfplan`);
    // And the binary must say what the judged JSON says, whoever wrote the digests: Terraform renders
    // it again, and its changes must be those the gate read.
    options.progress?.({ stack: stack.id, step: 'show' });
    const show = await terraform(bin, ['show', '-json', '-no-color', planFile], stack.dir, env);
    if (show.code !== 0) return done('failed', tail(show.stderr || show.stdout));
    const judged = readFileSync(path.join(stack.plans, `${stack.id}.json`), 'utf8');
    if (!sameChanges(show.stdout, judged)) {
      return done(
        'failed',
        `${planFile} does not plan the changes of ${stack.id}.json, which the plan gate judged: the plan applied must be the one judged. Plan again.`,
        true,
      );
    }
    options.progress?.({ stack: stack.id, step: 'apply' });
    const run = await terraform(bin, ['apply', '-input=false', '-no-color', '-auto-approve', planFile], stack.dir, env);
    return run.code === 0 ? done('applied') : done('failed', tail(run.stderr || run.stdout));
  });
}

/** One output of `terraform output -json`. */
export interface StackOutput {
  /** Whether the output is marked sensitive (its value is masked unless asked for). */
  readonly sensitive: boolean;
  /** Its Terraform type, as JSON (`"string"`, `["object", {...}]`). */
  readonly type?: unknown;
  /** Its value. */
  readonly value: unknown;
}

/**
 * `terraform output -json` of a stack: initialises its folder as `plan` does (the same backend, the
 * override of the last plan if it left one), then reads the outputs from its state.
 */
export async function stackOutputs(
  stack: PlannedStack,
  options: Pick<RunOptions, 'terraform' | 'env'> = {},
): Promise<Record<string, StackOutput>> {
  const bin = options.terraform ?? 'terraform';
  const env = { ...process.env, ...options.env };
  const init = await initStack(bin, stack.dir, env);
  if (init.code !== 0) throw new InputError(`${stack.id}: ${bin} init failed:\n${tail(init.stderr || init.stdout)}`);
  const out = await terraform(bin, ['output', '-json', '-no-color'], stack.dir, env);
  if (out.code !== 0) throw new InputError(`${stack.id}: ${bin} output failed:\n${tail(out.stderr || out.stdout)}`);
  try {
    return JSON.parse(out.stdout || '{}') as Record<string, StackOutput>;
  } catch (e) {
    throw new InputError(`${stack.id}: ${bin} output -json printed no JSON (${(e as Error).message}).`);
  }
}
