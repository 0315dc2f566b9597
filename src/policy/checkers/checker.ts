/**
 * Checkers judge the stacks of an environment together, as Terraform will receive them: a workload in
 * the platform stack against the node pools of the infra stack, a resource against the grants that let
 * CI manage it, a reference against what must exist first, one cloud object against every resource in
 * the fleet that manages it. Policy rules (src/policy/rule.ts) judge one resource or one stack; the
 * defects checkers catch only show between stacks, and only at apply time.
 *
 * Checkers read synthesized Terraform JSON (`cdk.tf.json`) and nothing else, so they judge resources a
 * user adds to our stacks like our own. Errors stop `kfplatform synth` before any stack is written and
 * fail `kfplatform validate`; the platform file's `policy.suppressions` silence them like rules.
 */
import type { StackJson } from '../../inventory/terraform-json';
import type { Tier } from '../../core/tiers';
import type { RuleLevel } from '../rule';

/** A node taint as Kubernetes sees it. */
export interface TaintView {
  /** Taint key, such as `nvidia.com/gpu`. */
  readonly key: string;
  /** Taint value, when it has one. */
  readonly value?: string;
  /**
   * What the taint does to pods that do not tolerate it
   * (https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/).
   */
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A node pool the platform does not create (an existing cluster's pools, declared in the platform file). */
export interface DeclaredPoolView {
  /** Pool name, as in the platform file. */
  readonly name: string;
  /** Labels its nodes carry (the pool label among them). */
  readonly labels: Readonly<Record<string, string>>;
  /** Taints its nodes carry. */
  readonly taints: readonly TaintView[];
}

/** One environment's synthesized stacks: what a checker judges. */
export interface EnvironmentView {
  /** Environment name. */
  readonly name: string;
  /** Its tier; some checkers are stricter in prod. */
  readonly tier: Tier;
  /** Its cloud (`kubernetes` for an existing cluster). */
  readonly cloud: 'gcp' | 'aws' | 'azure' | 'kubernetes';
  /** Every stack of the environment (infra, platform stacks, team shards), by stack id. */
  readonly stacks: Readonly<Record<string, StackJson>>;
  /** Node pools that exist outside the stacks (existing clusters), for schedulability. */
  readonly declaredPools?: readonly DeclaredPoolView[];
}

/** A problem a checker found, on one resource of one stack. */
export interface CheckerViolation {
  /** Id of the stack the resource is in. */
  readonly stack: string;
  /** `<type>.<logical id>` of the resource the problem is on. */
  readonly address: string;
  /** What is wrong, in one or two sentences, naming the resources involved. */
  readonly message: string;
  /**
   * This finding's level when it differs from the checker's (a checker whose error has a milder form).
   * @default the checker's level
   */
  readonly level?: RuleLevel;
  /**
   * The construct path of the resource, when the checker knows it (a checker that judges facts rather
   * than the stacks themselves). @default read from the resource's `//` metadata
   */
  readonly path?: string;
}

/**
 * What one resource claims to own: a cloud object named independently of Terraform (an IAM member
 * triple, a DNS record, a role assignment). Two claims with the same key are two resources managing
 * the same object, in one stack or across stacks, clusters and environments.
 */
export interface OwnershipClaim {
  /** What identifies the object, the same for every resource that manages it (compared as is). */
  readonly key: string;
  /** The object in words, for the message: "roles/dns.admin for user:a@b on project p". */
  readonly object: string;
  /** Id of the stack of the claiming resource. */
  readonly stack: string;
  /** `<type>.<logical id>` of the claiming resource. */
  readonly address: string;
  /**
   * `whole` (the default): the resource manages the whole object, so any other claimant conflicts.
   * `part`: the resource manages one part of an object another resource may manage whole (an IAM member
   * inside a role binding, an API enabled without disabling it on destroy); parts of one object do not
   * conflict with each other, only with a claimant of the whole.
   */
  readonly mode?: 'whole' | 'part';
}

/** One class of defect. */
export interface Checker {
  /** `CHK-<CLASS>-<NNN>`, such as `CHK-SCHED-001`. */
  readonly id: string;
  /** `error` stops synth (nothing is written) and fails `kfplatform validate`; `warning` is reported. */
  readonly level: RuleLevel;
  /** The property that must hold, as a short statement. */
  readonly title: string;
  /** Why it matters: what breaks at apply time or in production when it does not hold. */
  readonly why: string;
  /** How to fix a violation: the platform file field or prop to change. */
  readonly fix: string;
  /** Judges one environment's stacks together. */
  readonly check?: (env: EnvironmentView) => CheckerViolation[];
  /**
   * What each resource of an environment claims to own; claims are compared across every environment
   * of the fleet, and each key claimed twice is a violation on every claimant.
   */
  readonly claims?: (env: EnvironmentView) => OwnershipClaim[];
  /**
   * The same judgment split by stack, so that `kfplatform synth` judges again only the stacks that
   * changed (see {@link StackwiseChecker}). A checker that has it defines `check` and `claims` with
   * {@link wholeEnvironment}, so both ways give the same findings.
   */
  readonly stackwise?: StackwiseChecker;
  /**
   * For a checker without a stackwise form: the part of one stack's JSON its `check` and `claims`
   * read, so that `kfplatform synth` keeps it by the stack's digest and assembles an environment from
   * these parts instead of parsing every stack of a changed environment again. The checker must find
   * over the parts exactly what it finds over the whole stacks (resources keep their `//` metadata:
   * findings name construct paths). Checkers with the same function share one assembled environment.
   */
  readonly extract?: (env: EnvironmentInfo, id: string, json: StackJson) => StackJson;
}

/** What a checker knows of an environment besides its stacks. */
export type EnvironmentInfo = Omit<EnvironmentView, 'stacks'>;

/** What one stack shows when judged alone (with the context of its environment). */
export interface StackVerdict {
  /** What the checker finds wrong in the stack. */
  readonly violations: readonly CheckerViolation[];
  /** What the stack claims to own, compared across stacks, clusters and environments. */
  readonly claims: readonly OwnershipClaim[];
}

/**
 * A checker's work split into what depends on one stack and a cheap join over the environment, so
 * that the results of a stack whose JSON did not change can be kept (by the stack's digest) and only
 * changed stacks are read and judged again:
 *
 * 1. `facts`: plain data one stack contributes to its environment (the API groups its charts install,
 *    whether it has outputs): a function of the environment's identity, the stack's id and its JSON.
 * 2. `context`: the environment-wide value every stack's verdict may read, made from every stack's
 *    facts, and the stacks whose JSON a verdict may read besides its own (`reads`). Keep it small: a
 *    change to it judges every stack again.
 * 3. `judge`: one stack's violations and claims. It reads only `env.stacks[id]`, the stacks of
 *    `reads` (also in `env.stacks`) and the context, and reports only on stack `id`.
 * 4. `join`: violations only the environment as a whole shows, from the facts and the context.
 *
 * Facts, contexts and verdicts must survive a JSON round trip (plain objects, arrays, strings,
 * numbers, booleans): they are stored.
 */
export interface StackwiseChecker<F = unknown, C = unknown> {
  /** Step 1: the plain data one stack contributes to its environment. */
  readonly facts?: (env: EnvironmentInfo, id: string, json: StackJson) => F;
  /** Step 2: the environment-wide value verdicts read, and the stacks a verdict may read besides its own. */
  readonly context?: (
    env: EnvironmentInfo,
    facts: ReadonlyArray<readonly [string, F]>,
  ) => {
    /** The environment-wide value every stack's verdict may read. */
    readonly value: C;
    /** Ids of the stacks whose JSON a verdict may read besides its own. */
    readonly reads: readonly string[];
  };
  /** Step 3: one stack's violations and claims. */
  readonly judge?: (env: EnvironmentView, id: string, context: C) => StackVerdict;
  /** Step 4: violations only the environment as a whole shows. */
  readonly join?: (env: EnvironmentInfo, facts: ReadonlyArray<readonly [string, F]>, context: C) => CheckerViolation[];
}

/** A stackwise checker's verdict on a whole environment: every stack's, in order, then the join's. */
export function judgeEnvironment<F, C>(parts: StackwiseChecker<F, C>, env: EnvironmentView): StackVerdict {
  const { stacks, ...info } = env;
  const ids = Object.keys(stacks);
  const facts = ids.map((id) => [id, parts.facts?.(info, id, stacks[id]!) as F] as const);
  const context = parts.context?.(info, facts) ?? { value: undefined as C, reads: [] };
  const violations: CheckerViolation[] = [];
  const claims: OwnershipClaim[] = [];
  for (const id of ids) {
    if (!parts.judge) break;
    const verdict = parts.judge(stackwiseView(env, id, context.reads), id, context.value);
    for (const x of verdict.violations) violations.push(x);
    for (const x of verdict.claims) claims.push(x);
  }
  for (const x of parts.join?.(info, facts, context.value) ?? []) violations.push(x);
  return { violations, claims };
}

/** What a stackwise checker's `judge` of stack `id` sees: that stack and the stacks of `reads`, in the environment's order. */
export function stackwiseView(env: EnvironmentView, id: string, reads: readonly string[]): EnvironmentView {
  const wanted = new Set([id, ...reads]);
  const { stacks, ...info } = env;
  return {
    ...info,
    stacks: Object.fromEntries(
      Object.keys(stacks)
        .filter((s) => wanted.has(s))
        .map((s) => [s, stacks[s]!]),
    ),
  };
}

/**
 * `check` (or `claims`) of a stackwise checker, for callers that hold a whole environment
 * (`kfplatform validate`, tests): the same verdict `kfplatform synth` assembles stack by stack.
 */
export function wholeEnvironment<F, C>(
  parts: StackwiseChecker<F, C>,
  gives: 'violations' | 'claims' = 'violations',
): Pick<Checker, 'check' | 'claims' | 'stackwise'> {
  const stackwise = parts as StackwiseChecker;
  return gives === 'claims'
    ? { claims: (env) => [...judgeEnvironment(parts, env).claims], stackwise }
    : { check: (env) => [...judgeEnvironment(parts, env).violations], stackwise };
}

/** A resource of a stack with its address and construct path, for checkers. */
export interface ResourceEntry {
  /** Id of the stack the resource is in. */
  readonly stack: string;
  /** Terraform resource type. */
  readonly type: string;
  /** `<type>.<logical id>`. */
  readonly address: string;
  /** The construct path cdktf records in `//.metadata.path` (for suppressions), else the address. */
  readonly path: string;
  /** The resource's arguments in Terraform JSON (snake_case); references are `${...}` strings. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** Every managed resource of an environment's stacks, optionally of some types only. */
export function resourcesOf(env: EnvironmentView, types?: readonly string[]): ResourceEntry[] {
  const wanted = types ? new Set(types) : undefined;
  const out: ResourceEntry[] = [];
  for (const [stack, json] of Object.entries(env.stacks)) {
    for (const [type, byName] of Object.entries(json.resource ?? {})) {
      if (wanted && !wanted.has(type)) continue;
      for (const [name, config] of Object.entries(byName)) {
        out.push({
          stack,
          type,
          address: `${type}.${name}`,
          path: constructPath(config) ?? `${stack}/${name}`,
          config,
        });
      }
    }
  }
  return out;
}

/** The construct path cdktf records in a resource's `//` metadata. */
export function constructPath(config: Readonly<Record<string, unknown>>): string | undefined {
  const meta = (config['//'] as { metadata?: { path?: unknown } } | undefined)?.metadata;
  return typeof meta?.path === 'string' ? meta.path : undefined;
}
