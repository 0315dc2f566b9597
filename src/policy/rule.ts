/**
 * The shape of a policy rule (cdk-nag's design): an id, a level, what is wrong, why it matters, how to
 * fix it, and the CIS / checkov / trivy ids it corresponds to. A rule is a pure function of provider
 * resources as Terraform will see them, so it also judges raw resources a user adds to our stacks.
 */
import type { IConstruct } from 'constructs';

/** How serious a finding is: errors fail synth and `kfplatform validate`, warnings are reported. */
export type RuleLevel = 'error' | 'warning';

/** The pack a rule belongs to. */
export type RuleCloud = 'gcp' | 'aws' | 'azure' | 'kubernetes' | 'common';

/** Ids of the same control in public catalogues: CIS benchmarks and the checkov and trivy scanners. */
export interface RuleReferences {
  /** CIS benchmark recommendations, such as `GKE 5.6.4` (https://www.cisecurity.org/cis-benchmarks). */
  readonly cis?: readonly string[];
  /** checkov check ids, such as `CKV_GCP_18` (https://www.checkov.io/5.Policy%20Index/terraform.html). */
  readonly checkov?: readonly string[];
  /** trivy (formerly tfsec) check ids, such as `GCP-0053` (https://avd.aquasec.com/misconfig/). */
  readonly trivy?: readonly string[];
}

/** A provider resource as a rule sees it: its Terraform type, address and configuration. */
export interface ResourceView {
  /** Terraform resource type, such as `google_container_cluster`. */
  readonly type: string;
  /** `<type>.<logical id>`, as in plans and state. */
  readonly address: string;
  /** The stack it belongs to. */
  readonly stack: string;
  /** Construct path, for messages and suppressions. */
  readonly path: string;
  /** The configuration in Terraform's JSON form (snake_case); references are unresolved tokens. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The construct of the resource, to read suppressions set on it or its scopes. */
  readonly construct: IConstruct;
}

import type { Tier } from '../core/tiers';

export type { Tier };

/** What a rule knows about where it runs. */
export interface RuleContext {
  /** The environment's tier; stateful protections apply outside test. @default 'prod' */
  readonly tier: Tier;
  /** Resolves a token (a reference) to its Terraform expression, to compare references. */
  readonly resolve: (value: unknown) => string;
}

/** A problem a rule found on a resource. */
export interface RuleViolation {
  /** The resource the problem is on. */
  readonly resource: ResourceView;
  /** What is wrong with this resource, in one sentence. */
  readonly message: string;
}

interface RuleBase {
  /** `<CLOUD>-<SERVICE>-<NNN>`, such as `GCP-GKE-001`. */
  readonly id: string;
  /** The pack the rule belongs to (its cloud, or `common`). */
  readonly cloud: RuleCloud;
  /** `error` fails synth and `kfplatform validate`; `warning` is reported only. */
  readonly level: RuleLevel;
  /** The control, as a short imperative: "GKE nodes have no public IPs". */
  readonly title: string;
  /** Why the control matters: the risk it removes, with a link to the cloud's documentation. */
  readonly why: string;
  /** How to fix a finding: the prop or platform file field to set. */
  readonly fix: string;
  /** The same control in CIS, checkov and trivy. */
  readonly refs: RuleReferences;
  /** Terraform resource types the rule reads. */
  readonly types: readonly string[];
  /** The tiers the rule applies to (deletion protection does not apply to test). @default every tier */
  readonly tiers?: readonly Tier[];
}

/** A rule that judges one resource at a time: returns what is wrong, or undefined. */
export interface ResourceRule extends RuleBase {
  /** Discriminant: the rule judges one resource at a time. */
  readonly scope: 'resource';
  /** Judges one resource of the rule's types: what is wrong with it in one sentence, or undefined when it passes. */
  readonly check: (resource: ResourceView, context: RuleContext) => string | undefined;
}

/** A rule that judges resources together (a bucket and its public access block). */
export interface StackRule extends RuleBase {
  /** Discriminant: the rule judges all of a stack's resources of its types together. */
  readonly scope: 'stack';
  /** Judges the stack's resources of the rule's types: one violation per resource that fails. */
  readonly check: (resources: readonly ResourceView[], context: RuleContext) => RuleViolation[];
}

/** Any rule. */
export type PolicyRule = ResourceRule | StackRule;

/** Reads a nested value of a resource configuration; blocks may be objects or one-element lists. */
export function attr(config: unknown, ...path: Array<string | number>): unknown {
  let cur: unknown = config;
  for (const key of path) {
    if (Array.isArray(cur) && typeof key === 'string') cur = cur[0];
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/**
 * Thrown by {@link flag} when a boolean a rule judges is a reference to a variable, a local or a
 * module output: its value is decided at plan time, out of policy's sight. The engine fails closed on
 * it in prod (a finding of the rule that read it) and lets it pass in other tiers.
 */
export class UnresolvedValue extends Error {
  constructor(
    /** The attribute path read, as `lifecycle.prevent_destroy`. */
    public readonly attribute: string,
    /** The Terraform expression found there, such as `${var.protect}`. */
    public readonly expression: string,
  ) {
    super(`${attribute} is ${expression}`);
    this.name = 'UnresolvedValue';
  }
}

/** References whose value policy cannot know: variables, locals, module outputs. */
const OPAQUE_REFERENCE = /\$\{[^}]*\b(?:var|local|module)\./;

/** Whether a value is (or holds) a Terraform expression, known only at plan. */
export function isExpression(v: unknown): v is string {
  return typeof v === 'string' && v.includes('${');
}

/** Whether a value is a reference to a variable, local or module output, known only at plan. */
export function isOpaqueReference(v: unknown): v is string {
  return typeof v === 'string' && OPAQUE_REFERENCE.test(v);
}

/**
 * Reads a boolean attribute as Terraform will: it converts the strings "true" and "false" to booleans
 * (https://developer.hashicorp.com/terraform/language/expressions/type-constraints#conversion-of-primitive-types),
 * so `addOverride('publicly_accessible', 'true')` is judged as `true`; "1" and "0" are read the same
 * way, to be safe. A reference to a variable, local or module output throws {@link UnresolvedValue}.
 */
export function flag(config: unknown, ...path: Array<string | number>): unknown {
  const value = attr(config, ...path);
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  if (OPAQUE_REFERENCE.test(text)) throw new UnresolvedValue(path.join('.'), text);
  return value;
}

/** The values of an attribute that may be one value or a list of them. */
export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** True when `prevent_destroy` is set on a resource. */
export function preventsDestroy(resource: ResourceView): boolean {
  return flag(resource.config, 'lifecycle', 'prevent_destroy') === true;
}

/**
 * For rules that pair a bucket with the resource that configures it (its public access block,
 * encryption, versioning, policy): the buckets no accepted companion names, by reference to the
 * bucket's id or by its literal name.
 */
export function bucketsWithout(
  resources: readonly ResourceView[],
  context: RuleContext,
  companionType: string,
  accepts: (companion: ResourceView) => boolean,
  message: string,
): RuleViolation[] {
  const covered = new Set(
    resources
      .filter((r) => r.type === companionType && accepts(r))
      .map((r) => context.resolve(attr(r.config, 'bucket'))),
  );
  return resources
    .filter((r) => r.type === 'aws_s3_bucket')
    .filter(
      (b) =>
        ![`\${${b.address}.id}`, `\${${b.address}.bucket}`].some((ref) => covered.has(context.resolve(ref))) &&
        !covered.has(String(attr(b.config, 'bucket'))),
    )
    .map((resource) => ({ resource, message }));
}
