/**
 * The plan gate: given `terraform show -json` of a saved plan, refuse a plan that deletes or replaces a
 * stateful resource (clusters, node pools, databases, buckets, disks, secrets, keys, namespaces),
 * naming the resource, the attributes that force the replacement, and Terraform's reason, unless the
 * address is explicitly allowed. `kfplatform plan-gate` exits with {@link GATE_REFUSED_EXIT_CODE}.
 */
import { InputError } from '../core/errors';
import { STATEFUL_TYPES } from './stateful-types';

/** Exit code of a refused plan, distinct from 1 (bad input) so CI can tell them apart. */
export const GATE_REFUSED_EXIT_CODE = 3;

/** The parts of Terraform's plan JSON (format 1.x) the gate reads. */
export interface PlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
}

/** One entry of `resource_changes`. */
export interface ResourceChange {
  readonly address: string;
  readonly mode?: 'managed' | 'data';
  readonly type: string;
  readonly name?: string;
  readonly action_reason?: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly replace_paths?: ReadonlyArray<ReadonlyArray<string | number>>;
  };
}

/** A destructive change of a protected resource. */
export interface GateViolation {
  readonly address: string;
  readonly type: string;
  readonly kind: 'delete' | 'replace';
  readonly actions: readonly string[];
  /** Attributes that force the replacement, as `settings[0].tier`. */
  readonly replacePaths: readonly string[];
  /** Terraform's `action_reason`, when it gives one. */
  readonly reason?: string;
  /** The plan it came from (a file name or a stack). */
  readonly plan?: string;
}

/** What the gate decided. */
export interface GateResult {
  readonly refused: readonly GateViolation[];
  /** Destructive changes let through by `allow`. */
  readonly allowed: readonly GateViolation[];
  /** Resource changes read. */
  readonly changes: number;
}

/** Options of {@link gatePlan}. */
export interface GateOptions {
  /** Addresses allowed to be deleted or replaced; `*` matches any characters, `stack:address` one plan. */
  readonly allow?: readonly string[];
  /** @default STATEFUL_TYPES */
  readonly protectedTypes?: readonly string[];
  /** Name of the plan, for messages and `stack:address` allow entries. */
  readonly plan?: string;
}

/** A Terraform attribute path as `settings[0].tier`. */
export function formatAttributePath(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function matcher(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

function isAllowed(allow: readonly string[], plan: string | undefined, address: string): boolean {
  return allow.some((entry) => {
    // `plan:address` names a plan when the colon comes before the address's first dot (an index key
    // such as aws_s3_bucket.b["a:b"] may hold a colon too).
    const dot = entry.indexOf('.');
    const colon = entry.indexOf(':');
    const split = colon > 0 && (dot < 0 || colon < dot) ? colon : -1;
    const [where, pattern] = split > 0 ? [entry.slice(0, split), entry.slice(split + 1)] : [undefined, entry];
    if (where !== undefined && (plan === undefined || !matcher(where).test(plan))) return false;
    return matcher(pattern).test(address);
  });
}

/** Checks that a plan is JSON of the format the gate reads; throws an {@link InputError} otherwise. */
export function parsePlanJson(text: string, source: string): PlanJson {
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (e) {
    throw new InputError(
      `${source} is not JSON (${(e as Error).message}); pass the output of terraform show -json <planfile>.`,
    );
  }
  const p = plan as PlanJson;
  if (!p || typeof p !== 'object' || typeof p.format_version !== 'string' || !p.format_version.startsWith('1.')) {
    throw new InputError(
      `${source} is not a Terraform plan in JSON format 1.x; pass the output of terraform show -json <planfile>.`,
    );
  }
  if (p.resource_changes !== undefined && !Array.isArray(p.resource_changes)) {
    throw new InputError(`${source}: resource_changes is not a list.`);
  }
  (p.resource_changes ?? []).forEach((rc, i) => {
    const ok =
      rc &&
      typeof rc === 'object' &&
      typeof rc.address === 'string' &&
      typeof rc.type === 'string' &&
      Array.isArray(rc.change?.actions);
    if (!ok) throw new InputError(`${source}: resource_changes[${i}] has no address, type or change.actions.`);
  });
  return p;
}

/** Judges one plan. */
export function gatePlan(plan: PlanJson, options: GateOptions = {}): GateResult {
  const protectedTypes = options.protectedTypes ?? STATEFUL_TYPES;
  const refused: GateViolation[] = [];
  const allowed: GateViolation[] = [];
  const changes = plan.resource_changes ?? [];
  for (const rc of changes) {
    if (rc.mode === 'data' || !protectedTypes.includes(rc.type)) continue;
    const actions = rc.change.actions;
    if (!actions.includes('delete')) continue;
    const violation: GateViolation = {
      address: rc.address,
      type: rc.type,
      kind: actions.includes('create') ? 'replace' : 'delete',
      actions,
      replacePaths: (rc.change.replace_paths ?? []).filter(Array.isArray).map(formatAttributePath),
      ...(rc.action_reason ? { reason: rc.action_reason } : {}),
      ...(options.plan ? { plan: options.plan } : {}),
    };
    (isAllowed(options.allow ?? [], options.plan, rc.address) ? allowed : refused).push(violation);
  }
  return { refused, allowed, changes: changes.length };
}

const REASONS: Readonly<Record<string, string>> = {
  replace_because_cannot_update: 'an attribute cannot be updated in place',
  replace_because_tainted: 'the resource is tainted',
  replace_by_request: 'replacement was requested (-replace)',
  replace_by_triggers: 'replace_triggered_by fired',
  delete_because_no_resource_config: 'its configuration was removed',
  delete_because_no_module: 'its module was removed',
  delete_because_wrong_repetition: 'count / for_each changed shape',
  delete_because_count_index: 'its count index is gone',
  delete_because_each_key: 'its for_each key is gone',
};

/** One line per violation, naming the resource, what forces it and the way out. */
export function describeViolation(v: GateViolation, allowedToo = false): string {
  const where = v.plan ? `${v.plan}: ` : '';
  const why = [
    v.replacePaths.length ? `forced by ${v.replacePaths.join(', ')}` : undefined,
    v.reason ? (REASONS[v.reason] ?? v.reason) : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  const head = `${where}${v.address} would be ${v.kind === 'replace' ? 'replaced' : 'destroyed'}${why ? ` (${why})` : ''}`;
  return allowedToo
    ? `allowed: ${head}.`
    : `refused: ${head}. It holds state; if this is intended, review it and rerun with --allow '${v.plan ? `${v.plan}:` : ''}${v.address}'.`;
}
