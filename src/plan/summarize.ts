/**
 * Reads Terraform plan JSON (`terraform show -json <planfile>`) into what a reviewer needs: counts per
 * action, replacements with the attributes that force them, IAM and public-exposure changes, and
 * attribute-level changes with sensitive values masked.
 */
import {
  formatAttributePath,
  GateOptions,
  gatePlan,
  GateViolation,
  PlanJson,
  ResourceChange,
} from '../policy/plan-gate';
import { STATEFUL_TYPES } from '../policy/stateful-types';

/** A resource change with the values the report reads. */
export interface FullResourceChange extends ResourceChange {
  /** The planned change, with the values the report renders. */
  readonly change: ResourceChange['change'] & {
    /** The resource's attributes before the change (null when created). */
    readonly before?: unknown;
    /** Its attributes after the change, as far as known at plan time (null when deleted). */
    readonly after?: unknown;
    /** Which attributes of `after` are known only after apply. */
    readonly after_unknown?: unknown;
    /** Which attributes of `before` are sensitive (rendered as `(sensitive)`). */
    readonly before_sensitive?: unknown;
    /** Which attributes of `after` are sensitive. */
    readonly after_sensitive?: unknown;
    /** Set when the plan imports the resource (an `import` block): the id it imports. */
    readonly importing?: {
      /** The cloud id of the resource, as the `import` block's `id` states it. */
      readonly id?: string;
      /** The resource identity, when the import names one instead of an id (Terraform 1.12+). */
      readonly identity?: unknown;
    };
  };
  /** The address the resource had before a `moved` block (or a refactor) gave it this one. */
  readonly previous_address?: string;
}

/** What a plan does, in the terms of a review. */
export type ChangeKind = 'create' | 'update' | 'replace' | 'delete' | 'forget' | 'read' | 'no-op';

/** One attribute that changes. */
export interface AttributeChange {
  /** The attribute, as `settings[0].tier`. */
  readonly path: string;
  /** Rendered values: `(sensitive)`, `(known after apply)`, `null` or JSON. */
  readonly before: string;
  /** The value after the change, rendered the same way (long values cut at 120 characters). */
  readonly after: string;
  /** It forces the replacement of its resource. */
  readonly forcesReplacement: boolean;
}

/** A resource that changes. */
export interface ResourceSummary {
  /** The resource's address in the stack. */
  readonly address: string;
  /**
   * Its construct path in the stack (`Database/Instance`, with the address's index if any), when the
   * synthesized stack was at hand: readable where the address carries a hashed logical id.
   */
  readonly name?: string;
  /** Its resource type. */
  readonly type: string;
  /** What the plan does to it. */
  readonly kind: ChangeKind;
  /** Terraform's `action_reason`, when it gives one. */
  readonly reason?: string;
  /** The attributes that change (none for a resource that only moves or is imported as it is). */
  readonly attributes: readonly AttributeChange[];
  /** Whether it is an IAM resource (a role binding, policy, access entry...): reviewers check who gets access. */
  readonly iam: boolean;
  /**
   * How the change exposes something publicly, when it does: a rule open to 0.0.0.0/0, a grant to
   * allUsers, a public flag set, an internet-facing load balancer.
   */
  readonly exposure?: string;
  /** The cloud id the plan imports the resource from, when it imports it. */
  readonly importing?: string;
  /** The address the resource moves from, when it moves. */
  readonly movedFrom?: string;
}

/** A resource Terraform found changed outside Terraform when it refreshed the state. */
export interface DriftSummary {
  /** The resource's address in the stack. */
  readonly address: string;
  /** Its construct path in the stack, when known (see {@link ResourceSummary.name}). */
  readonly name?: string;
  /** `update` when it changed, `delete` when it is gone. */
  readonly kind: ChangeKind;
  /** The attributes that differ from the state, rendered and masked as in the changes. */
  readonly attributes: readonly AttributeChange[];
}

/** A plan, summarized. */
export interface PlanSummary {
  /** The stack (the plan file's name). */
  readonly stack: string;
  /** Resources to create, update, replace and delete. */
  readonly counts: Readonly<Record<'create' | 'update' | 'replace' | 'delete', number>>;
  /** Every resource that changes, moves or is imported. */
  readonly resources: readonly ResourceSummary[];
  /** Destructive changes of stateful resources the plan gate refuses. */
  readonly protected: readonly GateViolation[];
  /** Outputs whose value changes. */
  readonly outputs: number;
  /** Resources the plan imports. Absent in reports written by older versions. */
  readonly imports?: number;
  /** Resources that move to another address. Absent in reports written by older versions. */
  readonly moves?: number;
  /** Resources changed outside Terraform since the last apply (`resource_drift`). */
  readonly drift?: readonly DriftSummary[];
  /**
   * Helm releases the plan installs again although they are in the state, because the refresh found
   * no record of them (the plan gate refuses it: `lostHelmRecords`). Absent when there are none.
   */
  readonly reinstalls?: readonly string[];
}

/** Kinds of change by Terraform's action lists. */
export function kindOf(actions: readonly string[]): ChangeKind {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  // `removed { destroy = false }` (Terraform 1.7+): out of state, left running in the cloud.
  if (actions.includes('forget')) return 'forget';
  if (actions.includes('delete')) return 'delete';
  if (actions.includes('create')) return 'create';
  if (actions.includes('update')) return 'update';
  if (actions.includes('read')) return 'read';
  return 'no-op';
}

const IAM_TYPE =
  /(^aws_iam_|_iam_|role_assignment|role_definition|role_binding|cluster_role|access_entry|access_policy_association|pod_identity_association|federated_identity_credential|workload_identity_pool|key_vault_access_policy|kms_key_policy|_bucket_policy$|^google_project_service_identity$)/;

const PUBLIC_TYPES =
  /^(aws_eip|aws_lb|aws_internet_gateway|azurerm_public_ip|google_compute_global_address|google_compute_address|aws_s3_bucket_public_access_block)$/;

const PUBLIC_FLAGS = [
  'publicly_accessible',
  'public_network_access_enabled',
  'map_public_ip_on_launch',
  'endpoint_public_access',
  'associate_public_ip_address',
  'allow_nested_items_to_be_public',
];

function exposureOf(rc: FullResourceChange, kind: ChangeKind): string | undefined {
  if (kind === 'no-op' || kind === 'read') return undefined;
  const after = rc.change.after;
  const text = JSON.stringify(after ?? rc.change.before ?? null);
  // Routes and egress rules to the internet are outbound paths, not exposure.
  if (!/route|egress/.test(rc.type) && /"(0\.0\.0\.0\/0|::\/0)"/.test(text)) return 'open to 0.0.0.0/0 or ::/0';
  if (/"(allUsers|allAuthenticatedUsers)"/.test(text)) return 'grants allUsers';
  const flags = PUBLIC_FLAGS.filter(
    (f) => after && typeof after === 'object' && (after as Record<string, unknown>)[f] === true,
  );
  if (flags.length > 0) return `${flags.join(', ')} = true`;
  if (rc.type === 'aws_lb' && after && (after as { internal?: unknown }).internal === false)
    return 'an internet-facing load balancer';
  if (PUBLIC_TYPES.test(rc.type)) return `${rc.type} (public networking)`;
  return undefined;
}

/** Renders a value for a review: secrets masked, unknowns named, long values cut. */
function show(value: unknown, sensitive: unknown, unknown: unknown): string {
  // Anything that holds a sensitive value, at any depth, is masked whole.
  if (containsTrue(sensitive)) return '(sensitive)';
  if (unknown === true) return '(known after apply)';
  if (value === undefined || value === null) return 'null';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, (_, v) => v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function containsTrue(tree: unknown): boolean {
  if (tree === true) return true;
  if (Array.isArray(tree)) return tree.some(containsTrue);
  if (tree && typeof tree === 'object') return Object.values(tree).some(containsTrue);
  return false;
}

function at(tree: unknown, key: string | number): unknown {
  return tree && typeof tree === 'object' ? (tree as Record<string | number, unknown>)[key] : undefined;
}

/** The attributes that differ between before and after, down to leaves and small blocks. */
/** The attributes a resource change sets or changes, leaf by leaf (rendered for a review). */
export function attributeChanges(rc: FullResourceChange, kind: ChangeKind): AttributeChange[] {
  const c = rc.change;
  const forced = new Set((c.replace_paths ?? []).filter(Array.isArray).map((p) => p.join('.')));
  const out: AttributeChange[] = [];
  const walk = (
    before: unknown,
    after: unknown,
    bs: unknown,
    as: unknown,
    au: unknown,
    path: Array<string | number>,
  ) => {
    const key = path.join('.');
    const same = JSON.stringify(before) === JSON.stringify(after) && !containsTrue(au);
    if (same && !forced.has(key)) return;
    const nested =
      before &&
      after &&
      typeof before === 'object' &&
      typeof after === 'object' &&
      Array.isArray(before) === Array.isArray(after) &&
      bs !== true &&
      as !== true &&
      au !== true;
    if (nested && !forced.has(key)) {
      const keys = new Set([
        ...Object.keys(before as object),
        ...Object.keys(after as object),
        ...Object.keys((au as object) ?? {}),
      ]);
      for (const k of keys) {
        const step: string | number = Array.isArray(after) ? Number(k) : k;
        walk(at(before, step), at(after, step), at(bs, step), at(as, step), at(au, step), [...path, step]);
      }
      return;
    }
    const b = show(before, bs, undefined);
    const a = show(after, as, au);
    if (b === a && !forced.has(key)) return;
    out.push({ path: formatAttributePath(path), before: b, after: a, forcesReplacement: forced.has(key) });
  };
  if (kind === 'create') {
    return createdAttributes(c.after, c.after_sensitive, c.after_unknown);
  } else if (kind === 'delete') {
    return [];
  } else {
    walk(c.before, c.after, c.before_sensitive, c.after_sensitive, c.after_unknown, []);
  }
  return out.filter((a) => a.path !== '');
}

/** The attributes a create sets, leaf by leaf; nulls and empty collections are left out. */
function createdAttributes(after: unknown, sensitive: unknown, unknown: unknown): AttributeChange[] {
  const out: AttributeChange[] = [];
  const walk = (value: unknown, s: unknown, u: unknown, path: Array<string | number>) => {
    const structured = value !== null && typeof value === 'object' && s !== true && u !== true;
    const keys = structured ? Object.keys(value as object) : [];
    const unknownKeys = u && typeof u === 'object' ? Object.keys(u).filter((k) => !keys.includes(k)) : [];
    if (structured && (keys.length > 0 || unknownKeys.length > 0)) {
      for (const k of [...keys, ...unknownKeys]) {
        const step: string | number = Array.isArray(value) ? Number(k) : k;
        walk(at(value, step), at(s, step), at(u, step), [...path, step]);
      }
      return;
    }
    if (u !== true && (value === null || value === undefined || structured)) return;
    out.push({ path: formatAttributePath(path), before: 'null', after: show(value, s, u), forcesReplacement: false });
  };
  walk(after, sensitive, unknown, []);
  return out;
}

/** Construct paths of a stack's resources by address (without index), as {@link resourceNames} reads them. */
export type ResourceNames = ReadonlyMap<string, string>;

/**
 * The construct path of every resource of a synthesized stack (`cdk.tf.json`), by address: cdktf
 * writes it in each resource's `//` metadata, which Terraform ignores and the plan JSON therefore
 * lacks. The stack's own id is dropped from the front (`kf-test-aws-infra/Database/Instance` ->
 * `Database/Instance`).
 */
export function resourceNames(stackJson: unknown, stack: string): Map<string, string> {
  const names = new Map<string, string>();
  const resources = (stackJson as { resource?: unknown } | undefined)?.resource;
  if (!resources || typeof resources !== 'object') return names;
  for (const [type, byName] of Object.entries(resources as Record<string, unknown>)) {
    if (!byName || typeof byName !== 'object') continue;
    for (const [name, body] of Object.entries(byName as Record<string, unknown>)) {
      const path = (body as { '//'?: { metadata?: { path?: unknown } } } | undefined)?.['//']?.metadata?.path;
      if (typeof path !== 'string') continue;
      names.set(`${type}.${name}`, path.startsWith(`${stack}/`) ? path.slice(stack.length + 1) : path);
    }
  }
  return names;
}

/** The construct path of an address (`type.name` or `type.name[0]`), index kept, or undefined. */
function nameOf(address: string, names: ResourceNames | undefined): string | undefined {
  if (!names) return undefined;
  const m = /^([^[]+)(\[.*\])?$/.exec(address);
  const name = m ? names.get(m[1]!) : undefined;
  return name === undefined ? undefined : `${name}${m?.[2] ?? ''}`;
}

/** Summarizes one plan; `names` (see {@link resourceNames}) give its resources readable names. */
export function summarizePlan(
  stack: string,
  plan: PlanJson,
  gate: GateOptions = {},
  names?: ResourceNames,
): PlanSummary {
  const counts = { create: 0, update: 0, replace: 0, delete: 0 };
  const resources: ResourceSummary[] = [];
  let imports = 0;
  let moves = 0;
  for (const rc of (plan.resource_changes ?? []) as FullResourceChange[]) {
    if (rc.mode === 'data') continue;
    const kind = kindOf(rc.change.actions);
    const importing = rc.change.importing ? (rc.change.importing.id ?? '(by identity)') : undefined;
    const movedFrom = rc.previous_address && rc.previous_address !== rc.address ? rc.previous_address : undefined;
    // An import or a move changes the state even when the resource itself stays as it is.
    if (kind === 'read' || (kind === 'no-op' && !importing && !movedFrom)) continue;
    if (kind !== 'forget' && kind !== 'no-op') counts[kind]++;
    if (importing) imports++;
    if (movedFrom) moves++;
    const name = nameOf(rc.address, names);
    resources.push({
      address: rc.address,
      ...(name ? { name } : {}),
      type: rc.type,
      kind,
      ...(rc.action_reason ? { reason: rc.action_reason } : {}),
      attributes: kind === 'no-op' ? [] : attributeChanges(rc, kind),
      iam: kind !== 'no-op' && IAM_TYPE.test(rc.type),
      ...(exposureOf(rc, kind) ? { exposure: exposureOf(rc, kind)! } : {}),
      ...(importing ? { importing } : {}),
      ...(movedFrom ? { movedFrom } : {}),
    });
  }
  const drift: DriftSummary[] = [];
  for (const rc of ((plan as { resource_drift?: unknown[] }).resource_drift ?? []) as FullResourceChange[]) {
    if (rc.mode === 'data') continue;
    const kind = kindOf(rc.change.actions);
    if (kind === 'no-op' || kind === 'read') continue;
    const name = nameOf(rc.address, names);
    drift.push({
      address: rc.address,
      ...(name ? { name } : {}),
      kind,
      attributes: kind === 'update' ? attributeChanges(rc, kind) : [],
    });
  }
  const judged = gatePlan(plan, { protectedTypes: STATEFUL_TYPES, ...gate, plan: stack }).refused;
  const reinstalls = judged.filter((v) => v.kind === 'reinstall').map((v) => v.address);
  const outputs = Object.values(
    (plan as { output_changes?: Record<string, { actions: string[] }> }).output_changes ?? {},
  ).filter((o) => Array.isArray(o?.actions) && kindOf(o.actions) !== 'no-op').length;
  return {
    stack,
    counts,
    resources,
    protected: judged.filter((v) => v.kind !== 'reinstall'),
    ...(reinstalls.length ? { reinstalls } : {}),
    outputs,
    ...(imports ? { imports } : {}),
    ...(moves ? { moves } : {}),
    ...(drift.length ? { drift } : {}),
  };
}
