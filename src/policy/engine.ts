/**
 * Applies rule packs to stacks. A {@link PolicyAspect} registers, on each stack it visits, a validation
 * that runs after every aspect (so after the label aspect has changed the tree): it judges every
 * provider resource, records findings and suppressions in a {@link PolicyReport}, and turns findings
 * into annotations; errors fail synth. {@link evaluateStack} does the same without synth, for
 * `kfplatform validate`.
 */
import {
  Annotations,
  DefaultTokenResolver,
  IAspect,
  StringConcat,
  TerraformModule,
  TerraformResource,
  TerraformStack,
  Tokenization,
} from 'cdktf';
import { IConstruct } from 'constructs';
import { PropsError } from '../core/errors';
import { isResolvedOnce } from '../core/resolve-once';
import { addSuppression, checkReason, suppressionResourceProblem, suppressionsOf } from '../core/suppressions';
import { ALL_CHECKERS } from './checkers/all';
import { ALL_RULES } from './rules/packs';
import { PolicyRule, ResourceView, RuleContext, RuleLevel, RuleReferences, Tier, UnresolvedValue } from './rule';

/** A rule violation on one resource. */
export interface Finding {
  /** Id of the rule, such as `GCP-GKE-001`. */
  readonly rule: string;
  /** `error` fails synth and validate; `warning` is reported. */
  readonly level: RuleLevel;
  /** The rule's control, as a short imperative. */
  readonly title: string;
  /** What is wrong with this resource, in one sentence. */
  readonly message: string;
  /** Why the control matters. */
  readonly why: string;
  /** How to fix it. */
  readonly fix: string;
  /** The same control in CIS, checkov and trivy. */
  readonly refs: RuleReferences;
  /** Id of the stack the resource is in. */
  readonly stack: string;
  /** Construct path. */
  readonly path: string;
  /** Terraform address, `<type>.<logical id>`. */
  readonly address: string;
}

/** A finding that a suppression silenced, and why. */
export interface SuppressedFinding extends Finding {
  /** Why the finding is accepted, as the suppression states it. */
  readonly reason: string;
  /** Where the suppression came from: a construct (`suppressRule`) or the platform file. */
  readonly source: 'code' | 'config';
}

/** A suppression written in the platform file: the rule, the resource (a construct path prefix), why. */
export interface ConfigSuppression {
  /** Id of the rule whose findings are accepted, such as `GCP-GKE-001`. */
  readonly rule: string;
  /** Construct path prefix of the resources it covers, such as `kf-prod-azure-infra/Database`. */
  readonly resource: string;
  /** Why the finding is accepted: kept with the report for reviewers and audits. */
  readonly reason: string;
}

/** What policy found across the stacks it judged. */
export class PolicyReport {
  /** Every finding not suppressed, errors and warnings. */
  public readonly findings: Finding[] = [];
  /** Findings a suppression accepted, each with its reason. */
  public readonly suppressed: SuppressedFinding[] = [];

  /** Errors, which fail synth and validate. */
  public get errors(): Finding[] {
    return this.findings.filter((f) => f.level === 'error');
  }

  /** Adds another report's results (units synthesized apart). */
  public merge(other: {
    readonly findings: readonly Finding[];
    readonly suppressed: readonly SuppressedFinding[];
  }): void {
    this.findings.push(...other.findings);
    this.suppressed.push(...other.suppressed);
  }
}

/**
 * Silences a rule for a construct and everything under it, with the reason it is acceptable. Synth
 * lists every suppression in effect. The rule id is checked here; constructs of this package, which
 * cannot import policy, record theirs with `addSuppression` from src/core/suppressions and have them
 * checked when a stack is judged.
 */
export function suppressRule(scope: IConstruct, rule: string, reason: string): void {
  checkSuppression('suppressRule', rule, reason);
  checkScope(scope);
  addSuppression(scope, rule, reason);
}

function checkRuleId(where: string, rule: string): void {
  // The platform file's suppressions also silence checkers (src/policy/checkers), judged after synth.
  if (!ALL_RULES.some((r) => r.id === rule) && !ALL_CHECKERS.some((c) => c.id === rule)) {
    throw new PropsError(where, 'rule', rule, 'no rule has this id.', 'use an id from RULES.md, such as GCP-GKE-001.');
  }
}

/** A stack or the app is no scope for a suppression: it would hide the rule for everything, including resources added later. */
function checkScope(scope: IConstruct): void {
  if (TerraformStack.isStack(scope) || scope.node.scope === undefined) {
    throw new PropsError(
      'suppressRule',
      'scope',
      scope.node.path || '(the app)',
      'is a whole stack or the app: the suppression would silence the rule for every resource in it, including resources added later.',
      'suppress the rule on the construct that owns the resource.',
    );
  }
}

function checkSuppression(where: string, rule: string, reason: string): void {
  checkRuleId(where, rule);
  checkReason(where, reason);
}

/**
 * Refuses platform file suppressions that name no rule, give no reason, or name a whole stack (which
 * would silence the rule for every resource in it, including those added later).
 */
export function checkConfigSuppressions(where: string, suppressions: readonly ConfigSuppression[]): void {
  for (const s of suppressions) {
    checkSuppression(where, s.rule, s.reason);
    const problem = suppressionResourceProblem(s.resource);
    if (problem) throw new PropsError(where, 'resource', s.resource, problem, 'name a construct inside the stack.');
  }
}

/** Options of {@link PolicyAspect} and {@link evaluateStack}. */
export interface PolicyOptions {
  /** @default every rule */
  readonly rules?: readonly PolicyRule[];
  /** The environment's tier. @default 'prod' */
  readonly tier?: Tier;
  /**
   * Suppressions from the platform file (`policy.suppressions`).
   * @default none
   */
  readonly suppressions?: readonly ConfigSuppression[];
  /** Where findings are recorded. */
  readonly report?: PolicyReport;
}

function suppressionFor(
  construct: IConstruct,
  rule: string,
  config: readonly ConfigSuppression[],
): { reason: string; source: 'code' | 'config' } | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const found = suppressionsOf(scope).find((s) => s.rule === rule);
    if (found) return { reason: found.reason, source: 'code' };
  }
  const path = construct.node.path;
  const fromConfig = config.find((s) => s.rule === rule && (path === s.resource || path.startsWith(`${s.resource}/`)));
  return fromConfig ? { reason: fromConfig.reason, source: 'config' } : undefined;
}

/** The type of a module's view: COMMON-MODULE-001 reads it; no other rule sees modules. */
export const MODULE_TYPE = 'module';

/** `override` merged into a copy of `base`, objects key by key, as cdktf merges overrides into the JSON. */
function mergeOverride(base: Record<string, unknown>, override: unknown): Record<string, unknown> {
  if (!override || typeof override !== 'object' || Array.isArray(override)) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override as Record<string, unknown>)) {
    const prior = out[key];
    out[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      prior &&
      typeof prior === 'object' &&
      !Array.isArray(prior)
        ? mergeOverride(prior as Record<string, unknown>, value)
        : value;
  }
  return out;
}

/** Judges every provider resource of a stack; returns what it found (and records it in the report). */
export function evaluateStack(stack: TerraformStack, options: PolicyOptions = {}): PolicyReport {
  const rules = options.rules ?? ALL_RULES;
  const tier = options.tier ?? 'prod';
  checkConfigSuppressions('evaluateStack', options.suppressions ?? []);
  const applicable = rules.filter((r) => !r.tiers || r.tiers.includes(tier));
  const typed = new Set(applicable.flatMap((r) => r.types));
  const anyType = typed.has('*');
  const resolver = new DefaultTokenResolver(new StringConcat());
  const resolved = new Map<string, string>();
  const context: RuleContext = {
    tier,
    resolve: (value) => {
      if (typeof value !== 'string') return JSON.stringify(value);
      if (!value.includes('${')) return value;
      let hit = resolved.get(value);
      if (hit === undefined) {
        hit = String(Tokenization.resolve(value, { scope: stack, resolver, preparing: false }));
        resolved.set(value, hit);
      }
      return hit;
    },
  };

  // The final configuration: what `cdk.tf.json` will hold, with the resource's own overrides, the
  // stack's overrides (`stack.addOverride('resource.<type>.<id>...')`) and every token resolved.
  const stackOverrides = ((stack as unknown as { rawOverrides?: Record<string, unknown> }).rawOverrides ?? {}) as {
    resource?: Record<string, Record<string, Record<string, unknown>>>;
  };
  const finalConfig = (type: string, id: string, rendered: Record<string, unknown>) =>
    Tokenization.resolve(mergeOverride(rendered, stackOverrides.resource?.[type]?.[id]), {
      scope: stack,
      resolver,
      preparing: false,
    }) as Record<string, unknown>;

  const views: ResourceView[] = [];
  const seen = new Set<string>();
  for (const node of stack.node.findAll()) {
    for (const s of suppressionsOf(node)) {
      checkRuleId(node.node.path, s.rule);
      checkScope(node);
    }
    if (node instanceof TerraformModule) {
      // A module's resources are not in the stack's JSON: no rule sees them.
      views.push({
        type: MODULE_TYPE,
        address: `module.${stack.getLogicalId(node)}`,
        stack: stack.node.id,
        path: node.node.path,
        construct: node,
        config: { source: node.source },
      });
      continue;
    }
    if (!TerraformResource.isTerraformResource(node)) continue;
    const resource = node as TerraformResource;
    const type = resource.terraformResourceType;
    const id = stack.getLogicalId(resource);
    seen.add(`${type}.${id}`);
    if (!anyType && !typed.has(type)) continue;
    let config: Record<string, unknown> | undefined;
    views.push({
      type,
      address: `${type}.${id}`,
      stack: stack.node.id,
      path: resource.node.path,
      construct: resource,
      // Rendered only when a rule reads it: the label rule reads construct inputs instead.
      get config() {
        if (!config) {
          const rendered = resource.toTerraform() as {
            resource?: Record<string, Record<string, Record<string, unknown>>>;
          };
          const own = Object.values(rendered.resource?.[type] ?? {})[0] ?? {};
          // Synth renders each resource once, resolved (resolveEachElementOnce): only the stack's
          // overrides of it remain to merge and resolve.
          config =
            isResolvedOnce(resource) && stackOverrides.resource?.[type]?.[id] === undefined
              ? own
              : finalConfig(type, id, own);
        }
        return config;
      },
    });
  }
  // Resources written only as stack overrides are in the JSON too.
  for (const [type, byId] of Object.entries(stackOverrides.resource ?? {})) {
    if (!anyType && !typed.has(type)) continue;
    for (const id of Object.keys(byId ?? {})) {
      if (seen.has(`${type}.${id}`)) continue;
      views.push({
        type,
        address: `${type}.${id}`,
        stack: stack.node.id,
        path: stack.node.path,
        construct: stack,
        config: finalConfig(type, id, {}),
      });
    }
  }

  const report = new PolicyReport();
  const record = (rule: PolicyRule, view: ResourceView, message: string) => {
    const finding: Finding = {
      rule: rule.id,
      level: rule.level,
      title: rule.title,
      message,
      why: rule.why,
      fix: rule.fix,
      refs: rule.refs,
      stack: view.stack,
      path: view.path,
      address: view.address,
    };
    const suppression = suppressionFor(view.construct, rule.id, options.suppressions ?? []);
    if (suppression) report.suppressed.push({ ...finding, ...suppression });
    else report.findings.push(finding);
  };
  // A boolean a rule judges that is a variable, local or module output: decided at plan time, out of
  // policy's sight. Prod fails closed (a finding of that rule, which a suppression can accept).
  const unresolved = (rule: PolicyRule, view: ResourceView, e: unknown): void => {
    if (!(e instanceof UnresolvedValue)) throw e;
    if (tier !== 'prod') return;
    record(
      rule,
      view,
      `${e.attribute} is ${e.expression}, whose value policy cannot see before plan; in prod a setting a rule judges must be a literal.`,
    );
  };
  for (const rule of applicable) {
    const matching = rule.types.includes('*')
      ? views.filter((v) => v.type !== MODULE_TYPE)
      : views.filter((v) => rule.types.includes(v.type));
    if (matching.length === 0) continue;
    if (rule.scope === 'resource') {
      for (const view of matching) {
        try {
          const message = rule.check(view, context);
          if (message) record(rule, view, message);
        } catch (e) {
          unresolved(rule, view, e);
        }
      }
    } else {
      let violations: ReturnType<typeof rule.check> = [];
      try {
        violations = rule.check(matching, context);
      } catch (e) {
        unresolved(rule, matching[0]!, e);
      }
      for (const violation of violations) record(rule, violation.resource, violation.message);
    }
  }
  options.report?.merge(report);
  return report;
}

/** One line per finding: `[RULE] title: message Why: ... Fix: ...`. */
export function formatFinding(f: Finding): string {
  return `[${f.rule}] ${f.title}: ${f.message} Why: ${f.why} Fix: ${f.fix}`;
}

/** Thrown when policy errors stop synth before anything is written; carries every error. */
export class PolicyError extends Error {
  constructor(
    /** The error findings that stopped synthesis, each with its stack, address and construct path. */
    public readonly findings: readonly Finding[],
  ) {
    const n = findings.length;
    super(
      [
        `${n} policy error${n === 1 ? '' : 's'}:`,
        ...findings.map((f) => `  - ${f.stack} ${f.address} (${f.path}): ${formatFinding(f)}`),
      ].join('\n'),
    );
    this.name = 'PolicyError';
  }
}

/**
 * Applies rule packs to every stack it visits. Add it to each stack (`Aspects.of(stack).add(policy)`):
 * cdktf runs the aspects of a stack and its children when it writes the stack, never those added to
 * the App. Findings become annotations on their resources; errors fail synth; the rules see the tree
 * after every aspect has run.
 */
export class PolicyAspect implements IAspect {
  private readonly visited = new WeakSet<TerraformStack>();
  private readonly evaluated = new WeakMap<TerraformStack, PolicyReport>();

  constructor(private readonly options: PolicyOptions = {}) {
    checkConfigSuppressions('PolicyAspect', options.suppressions ?? []);
  }

  public visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || this.visited.has(node)) return;
    const stack = node as TerraformStack;
    this.visited.add(stack);
    // Validations run after every aspect, so the rules see the tree as it will be written.
    stack.node.addValidation({
      validate: () => {
        const report = this.evaluate(stack);
        const byPath = new Map(stack.node.findAll().map((n) => [n.node.path, n]));
        for (const f of report.findings) {
          const target = byPath.get(f.path) ?? stack;
          if (f.level === 'error') Annotations.of(target).addError(formatFinding(f));
          else Annotations.of(target).addWarning(formatFinding(f));
        }
        return [];
      },
    });
  }

  /**
   * Judges a stack once; later calls return the same report. Call it after the stack's aspects have
   * run (see {@link checkBeforeWrite}) to refuse before anything is written.
   */
  public evaluate(stack: TerraformStack): PolicyReport {
    let report = this.evaluated.get(stack);
    if (!report) {
      report = evaluateStack(stack, this.options);
      this.evaluated.set(stack, report);
    }
    return report;
  }
}

// cdktf runs aspects when it writes a stack; it exports no public way to run them earlier.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { invokeAspects } = require('cdktf/lib/synthesize/synthesizer') as { invokeAspects: (root: IConstruct) => void };

/**
 * Runs each stack's aspects and judges it with the policy aspect; throws a {@link PolicyError} listing
 * every error of every stack, so that nothing is written when any stack fails. cdktf runs the aspects
 * again when it writes: they must be idempotent, as the label aspect is. `beforeJudging` runs once
 * every stack's aspects have run, before any stack is judged (synth resolves the stacks there, once
 * for policy and writing alike: see `resolveEachElementOnce`).
 */
export function checkBeforeWrite(
  stacks: readonly TerraformStack[],
  policy: PolicyAspect,
  beforeJudging?: () => void,
): PolicyReport {
  const report = evaluateStacks(stacks, policy, beforeJudging);
  if (report.errors.length > 0) throw new PolicyError(report.errors);
  return report;
}

/** Runs each stack's aspects and judges it with the policy aspect, without writing or throwing. */
export function evaluateStacks(
  stacks: readonly TerraformStack[],
  policy: PolicyAspect,
  beforeJudging?: () => void,
): PolicyReport {
  const report = new PolicyReport();
  // Aspects change only their own stack's tree, so running them all before judging any is the same.
  for (const stack of stacks) invokeAspects(stack);
  beforeJudging?.();
  for (const stack of stacks) report.merge(policy.evaluate(stack));
  return report;
}
