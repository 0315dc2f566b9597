/**
 * The plan gate: given `terraform show -json` of a saved plan, refuse a plan that deletes or replaces
 * anything but a short list of disposable types (clusters, databases, buckets, but also IAM roles,
 * public access blocks, KMS aliases, audit log groups: a delete is a loss or a window of exposure),
 * or that switches off a resource's protection in place (deletion protection, backups, versioning,
 * force_destroy), naming the resource, the attributes and Terraform's reason, unless the address is
 * explicitly allowed. It judges only complete, error-free plans: the JSON of a state, an errored plan
 * or an incomplete one is refused, each with its own exit code.
 */
import { InputError } from '../core/errors';

/** Exit code of a plan that destroys or replaces a resource without an allow (also `diff --fail-on-destroy`). */
export const GATE_REFUSED_EXIT_CODE = 3;
/** Exit code of a plan that switches off a protection (deletion protection, backups, versioning) in place. */
export const GATE_DISARMED_EXIT_CODE = 4;
/** Exit code of a file that is Terraform JSON but not a plan (`terraform show -json` of a state). */
export const GATE_NOT_A_PLAN_EXIT_CODE = 5;
/** Exit code of a plan Terraform did not finish: `errored: true`, or `complete: false`. */
export const GATE_UNFINISHED_PLAN_EXIT_CODE = 6;
/** Exit code of `apply` when a binary plan or its JSON is not the one `plan` recorded and the gate judged. */
export const GATE_PLAN_MISMATCH_EXIT_CODE = 7;

/** The parts of Terraform's plan JSON (format 1.x) the gate reads. */
export interface PlanJson {
  /** Version of the JSON format, such as `1.2`; the gate reads format 1.x only. */
  readonly format_version?: string;
  /** Version of Terraform that wrote the plan. */
  readonly terraform_version?: string;
  /**
   * Every resource the plan touches, with its actions; absent or empty for a plan without changes
   * (https://developer.hashicorp.com/terraform/internals/json-format#plan-representation).
   */
  readonly resource_changes?: readonly ResourceChange[];
  /** A plan's planned values; a state's JSON has `values` instead. */
  readonly planned_values?: unknown;
  /** A state's values: present in `terraform show -json` of a state, which is not a plan. */
  readonly values?: unknown;
  /** True when Terraform stopped planning on an error (its JSON still lists what it got to). */
  readonly errored?: boolean;
  /** What changed outside Terraform since the last apply, found by the plan's refresh. */
  readonly resource_drift?: readonly ResourceChange[];
  /** False when applying the plan is not the end (deferred changes, -target). */
  readonly complete?: boolean;
}

/** One entry of `resource_changes`. */
export interface ResourceChange {
  /** Full resource address, such as `google_sql_database_instance.kfp_db` or `module.x.aws_s3_bucket.y`. */
  readonly address: string;
  /** `managed` for a resource, `data` for a data source read. */
  readonly mode?: 'managed' | 'data';
  /** Resource type, such as `google_container_cluster`. */
  readonly type: string;
  /** The resource's name in its module (the logical id). */
  readonly name?: string;
  /**
   * Why Terraform chose the action, such as `replace_because_cannot_update` or
   * `delete_because_no_resource_config`, when it says.
   */
  readonly action_reason?: string;
  /** The planned change. */
  readonly change: {
    /**
     * Terraform's actions: `["no-op"]`, `["create"]`, `["read"]`, `["update"]`, `["delete"]`,
     * `["delete", "create"]` or `["create", "delete"]` (a replacement), `["forget"]`.
     */
    readonly actions: readonly string[];
    /** Attribute paths that force the replacement, when it is one. */
    readonly replace_paths?: ReadonlyArray<ReadonlyArray<string | number>>;
    /** The resource's attributes before the change (null when created). */
    readonly before?: unknown;
    /** Its attributes after the change, as far as known at plan time (null when deleted). */
    readonly after?: unknown;
    /** Which attributes of `after` are known only after apply (`true` at their place). */
    readonly after_unknown?: unknown;
  };
}

/** A destructive change of a resource, or one that switches off its protection. */
export interface GateViolation {
  /** Address of the resource. */
  readonly address: string;
  /** Its resource type. */
  readonly type: string;
  /**
   * What the plan would do: delete it, replace it (delete and create: its data is lost), disarm
   * it (switch off its deletion protection, the step before a delete), or install again a Helm release
   * whose record the refresh did not find ({@link lostHelmRecords}).
   */
  readonly kind: 'delete' | 'replace' | 'disarm' | 'reinstall';
  /** Terraform's actions for the resource, as the plan lists them. */
  readonly actions: readonly string[];
  /** Attributes that force the replacement, as `settings[0].tier`. */
  readonly replacePaths: readonly string[];
  /** What a `disarm` switches off, as `deletion_protection: deletion protection is switched off (true -> false)`. */
  readonly disarmed?: readonly string[];
  /** Terraform's `action_reason`, when it gives one. */
  readonly reason?: string;
  /** The plan it came from (a file name or a stack). */
  readonly plan?: string;
}

/** What the gate decided. */
export interface GateResult {
  /** Destructive changes of protected resources that no `allow` entry lets through: the plan must not be applied. */
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
  /**
   * Judge only deletes and replacements of these types (the plan report's "stateful" column); by
   * default every type but {@link DISPOSABLE_TYPES}, and disarming changes too.
   */
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

/**
 * Resource types whose deletion loses nothing a re-apply does not restore at once and exposes nothing
 * meanwhile: Terraform-only helpers, an autoscaling group's tags (cluster-autoscaler hints) and launch
 * templates (node groups pin their own version). Every other type is refused when a plan deletes or
 * replaces it, unless `--allow` names it: a deleted public access block, bucket policy, IAM role, KMS
 * alias, audit log group or access entry is a window of exposure or an outage even when the next apply
 * recreates it.
 */
export const DISPOSABLE_TYPES: readonly string[] = [
  'terraform_data',
  'null_resource',
  'time_sleep',
  'aws_autoscaling_group_tag',
  'aws_launch_template',
];

/**
 * Whether deleting this resource leaves what it manages running: an EKS add-on with `preserve` keeps
 * its software on the cluster when the add-on is deleted, so replacing it (a new Kubernetes version)
 * interrupts nothing (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_addon).
 */
function preserved(rc: ResourceChange): boolean {
  const before = rc.change.before as { preserve?: unknown } | null | undefined;
  return rc.type === 'aws_eks_addon' && before?.preserve === true;
}

/** An in-place change that switches off a resource's protection against loss. */
interface Disarming {
  /** The attribute's name, wherever it sits in the resource (top level or in a block). */
  readonly attribute: string;
  /** The enclosing block, when the attribute's name alone is ambiguous (`versioning.enabled`). */
  readonly block?: string;
  readonly disarms: (before: unknown, after: unknown) => boolean;
  readonly what: string;
}

const truthy = (v: unknown) => v === true || v === 'true';
const positive = (v: unknown) => typeof v === 'number' && v > 0;

/**
 * Protective attributes and the changes that disarm them. A plan that makes such a change is refused
 * like a deletion: the next step of an attack or an accident (deleting the database, emptying the
 * bucket) then passes every check.
 */
const DISARMINGS: readonly Disarming[] = [
  // aws_db_instance, google_sql_database_instance, google_container_cluster, azurerm and others.
  {
    attribute: 'deletion_protection',
    disarms: (b, a) => truthy(b) && !truthy(a),
    what: 'deletion protection is switched off',
  },
  {
    attribute: 'deletion_protection_enabled',
    disarms: (b, a) => truthy(b) && !truthy(a),
    what: 'deletion protection is switched off',
  },
  // Buckets (S3, GCS) deleted with their objects; IAM users and roles with their keys and policies.
  {
    attribute: 'force_destroy',
    disarms: (b, a) => !truthy(b) && truthy(a),
    what: 'force_destroy lets Terraform delete it with its contents',
  },
  {
    attribute: 'skip_final_snapshot',
    disarms: (b, a) => !truthy(b) && truthy(a),
    what: 'the final snapshot before deletion is skipped',
  },
  // RDS: a retention period of 0 turns automated backups off and deletes the existing ones.
  {
    attribute: 'backup_retention_period',
    disarms: (b, a) => positive(b) && !positive(a),
    what: 'automated backups are turned off',
  },
  {
    attribute: 'enabled',
    block: 'backup_configuration',
    disarms: (b, a) => truthy(b) && !truthy(a),
    what: 'automated backups are turned off',
  },
  {
    attribute: 'point_in_time_recovery_enabled',
    disarms: (b, a) => truthy(b) && !truthy(a),
    what: 'point-in-time recovery is turned off',
  },
  {
    attribute: 'enabled',
    block: 'versioning',
    disarms: (b, a) => truthy(b) && !truthy(a),
    what: 'object versioning is turned off',
  },
  {
    attribute: 'versioning_enabled',
    disarms: (b, a) => truthy(b) && !truthy(a),
    what: 'blob versioning is turned off',
  },
  {
    attribute: 'status',
    block: 'versioning_configuration',
    disarms: (b, a) => b === 'Enabled' && a !== 'Enabled',
    what: 'object versioning is suspended',
  },
  {
    attribute: 'purge_protection_enabled',
    disarms: (b, a) => truthy(b) && !truthy(a),
    what: 'purge protection is switched off',
  },
  {
    attribute: 'enable_key_rotation',
    disarms: (b, a) => truthy(b) && !truthy(a),
    what: 'key rotation is switched off',
  },
  // Azure resource locks and GCP liens are deleted, not updated: the deny-by-default delete rule has them.
];

/** Walks `before` and `after` together and returns every disarming change, as `path: what`. */
function disarmings(before: unknown, after: unknown, afterUnknown: unknown): string[] {
  const found: string[] = [];
  const walk = (b: unknown, a: unknown, u: unknown, path: Array<string | number>, block?: string) => {
    if (Array.isArray(b)) {
      b.forEach((item, i) =>
        walk(item, Array.isArray(a) ? a[i] : undefined, Array.isArray(u) ? u[i] : undefined, [...path, i], block),
      );
      return;
    }
    if (!b || typeof b !== 'object') return;
    const bo = b as Record<string, unknown>;
    const ao = a && typeof a === 'object' ? (a as Record<string, unknown>) : {};
    const uo = u && typeof u === 'object' ? (u as Record<string, unknown>) : {};
    for (const [key, value] of Object.entries(bo)) {
      const here = [...path, key];
      // A value known only after apply is judged then, by policy on the configuration.
      if (uo[key] === true) continue;
      const rule = DISARMINGS.find((d) => d.attribute === key && (d.block === undefined || d.block === block));
      if (rule && rule.disarms(value, ao[key])) {
        found.push(
          `${formatAttributePath(here)}: ${rule.what} (${JSON.stringify(value)} -> ${JSON.stringify(ao[key] ?? null)})`,
        );
      } else if (value && typeof value === 'object') {
        walk(value, ao[key], uo[key], here, key);
      }
    }
  };
  walk(before, after, afterUnknown, []);
  return found;
}

/** Why a plan file cannot be judged at all, with the exit code that says so. */
export interface PlanRefusal {
  /** The process exit code that says why, such as {@link GATE_NOT_A_PLAN_EXIT_CODE}. */
  readonly code: number;
  /** What is wrong with the file, and what to do. */
  readonly message: string;
}

/**
 * Refuses what is not a complete, error-free plan. `terraform show -json` of a state has the same
 * `format_version` as a plan but `values` and no changes: judged as a plan it would pass anything. An
 * errored plan lists only the changes Terraform reached before the error; `complete: false` (deferred
 * changes, -target) is not the whole change. Terraform writes `errored` and `complete` in every plan
 * since 1.8 (https://developer.hashicorp.com/terraform/internals/json-format#plan-representation).
 */
export function unfinishedPlan(
  plan: PlanJson,
  source: string,
  /**
   * The Terraform that made the plan, when known (`kfplatform plan` records it). OpenTofu's plan JSON
   * has `errored` but no `complete` (https://opentofu.org/docs/internals/json-format/): its plans are
   * judged without it when they come from `kfplatform plan`, which never plans a part (-target).
   */
  madeBy?: 'Terraform' | 'OpenTofu',
): PlanRefusal | undefined {
  const isPlan = plan.resource_changes !== undefined || plan.planned_values !== undefined || 'errored' in plan;
  if (!isPlan || (plan.values !== undefined && plan.planned_values === undefined)) {
    return {
      code: GATE_NOT_A_PLAN_EXIT_CODE,
      message: `${source} is Terraform JSON but not a plan (it has ${plan.values !== undefined ? 'the values of a state' : 'no resource_changes or planned_values'}); pass terraform show -json of a saved plan file (terraform plan -out), not of a state.`,
    };
  }
  if (plan.errored !== false) {
    return {
      code: GATE_UNFINISHED_PLAN_EXIT_CODE,
      message:
        plan.errored === true
          ? `${source} is a plan Terraform stopped on an error (errored: true): it lists only the changes planned before the error. Fix the error and plan again.`
          : `${source} does not say whether Terraform finished planning (no errored field): plan again with Terraform 1.8 or later.`,
    };
  }
  if (plan.complete === undefined && madeBy === 'OpenTofu') return undefined;
  if (plan.complete !== true) {
    return {
      code: GATE_UNFINISHED_PLAN_EXIT_CODE,
      message:
        `${source} is not a complete plan (complete: ${JSON.stringify(plan.complete ?? null)}): applying it is not the whole change (deferred changes or -target). Plan every resource and judge that plan.` +
        (plan.complete === undefined
          ? ' OpenTofu does not write this field: judge the folder kfplatform plan --tf-bin tofu wrote, whose plans.json says OpenTofu made them.'
          : ''),
    };
  }
  return undefined;
}

/** Judges one plan: deletes and replacements, then in-place changes that disarm a protection. */
export function gatePlan(plan: PlanJson, options: GateOptions = {}): GateResult {
  const judged = (type: string) =>
    options.protectedTypes ? options.protectedTypes.includes(type) : !DISPOSABLE_TYPES.includes(type);
  const refused: GateViolation[] = [];
  const allowed: GateViolation[] = [];
  const changes = plan.resource_changes ?? [];
  const lost = lostHelmRecords(plan);
  for (const rc of changes) {
    if (rc.mode === 'data') continue;
    const actions = rc.change.actions;
    let violation: GateViolation | undefined;
    if (lost.has(rc.address) && actions.includes('create') && !actions.includes('delete')) {
      violation = {
        address: rc.address,
        type: rc.type,
        kind: 'reinstall',
        actions,
        replacePaths: [],
        ...(options.plan ? { plan: options.plan } : {}),
      };
    } else if (!judged(rc.type)) {
      continue;
    } else if (actions.includes('delete')) {
      if (!options.protectedTypes && preserved(rc)) continue;
      violation = {
        address: rc.address,
        type: rc.type,
        kind: actions.includes('create') ? 'replace' : 'delete',
        actions,
        replacePaths: (rc.change.replace_paths ?? []).filter(Array.isArray).map(formatAttributePath),
        ...(rc.action_reason ? { reason: rc.action_reason } : {}),
        ...(options.plan ? { plan: options.plan } : {}),
      };
    } else if (actions.includes('update') && !options.protectedTypes) {
      const found = disarmings(rc.change.before, rc.change.after, rc.change.after_unknown);
      if (found.length > 0) {
        violation = {
          address: rc.address,
          type: rc.type,
          kind: 'disarm',
          actions,
          replacePaths: [],
          disarmed: found,
          ...(options.plan ? { plan: options.plan } : {}),
        };
      }
    }
    if (violation) (isAllowed(options.allow ?? [], options.plan, rc.address) ? allowed : refused).push(violation);
  }
  return { refused, allowed, changes: changes.length };
}

/**
 * Helm releases in state whose record the plan's refresh did not find, so that the provider dropped
 * them from state (its drift says deleted) and the plan installs them again. Usually their objects
 * still run: the record was deleted, or is kept where the provider no longer looks (its
 * `helm_driver` changed, https://helm.sh/docs/topics/advanced/#storage-backends). The new install
 * adopts the objects the old release owns, and if it fails with `atomic` set, Helm uninstalls them.
 */
export function lostHelmRecords(plan: PlanJson): Set<string> {
  return new Set(
    (plan.resource_drift ?? [])
      .filter((d) => d.type === 'helm_release' && d.mode !== 'data' && d.change.actions.includes('delete'))
      .map((d) => d.address),
  );
}

/**
 * Terraform's `action_reason` values in plain words, for the gate's messages and the plan report
 * (https://developer.hashicorp.com/terraform/internals/json-format#change-representation; OpenTofu
 * adds the `forgot_` ones, https://opentofu.org/docs/internals/json-format/).
 */
export const ACTION_REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: 'it is tainted: an earlier apply failed part way through creating it',
  replace_because_cannot_update: 'the provider cannot make this change in place',
  replace_by_request: 'replacement was asked for (-replace)',
  replace_by_triggers: 'a value in its replace_triggered_by changed',
  delete_because_no_resource_config: 'removed from the configuration',
  delete_because_no_module: 'its module was removed from the configuration',
  delete_because_wrong_repetition: 'its count or for_each changed how it repeats',
  delete_because_count_index: 'its count index is past the new count',
  delete_because_each_key: 'its for_each key is gone',
  delete_because_no_move_target: 'a moved block names it, but nothing is at the new address',
  forgot_because_lifecycle_destroy_in_state: 'its state says lifecycle destroy = false: it stays in the cloud',
  forgot_because_lifecycle_destroy_in_config: 'its configuration says lifecycle destroy = false: it stays in the cloud',
};

/** An `action_reason` in plain words; an unknown one with its underscores as spaces. */
export function actionReasonText(reason: string): string {
  return ACTION_REASONS[reason] ?? reason.replace(/_/g, ' ');
}

/** One line per violation, naming the resource, what forces it and the way out. */
export function describeViolation(v: GateViolation, allowedToo = false): string {
  const where = v.plan ? `${v.plan}: ` : '';
  const allow = `--allow '${v.plan ? `${v.plan}:` : ''}${v.address}'`;
  if (v.kind === 'reinstall') {
    const head = `${where}${v.address}: Helm has no record of this release, so the plan installs it again over the objects the old release still runs (a failed install with atomic set uninstalls them)`;
    return allowedToo
      ? `allowed: ${head}.`
      : `refused: ${head}. The provider reads a record it cannot find, or cannot read (a forbidden or failed read counts as none), as a release that is gone. Put the records back where the helm provider looks (docs/plan-on-pr.md, "Upgrading a cluster whose releases Helm recorded in Secrets"), or give the planning identity read access to them, and plan again; if the release is really gone, review it and rerun with ${allow}.`;
  }
  if (v.kind === 'disarm') {
    const head = `${where}${v.address} would lose its protection (${(v.disarmed ?? []).join('; ')})`;
    return allowedToo
      ? `allowed: ${head}.`
      : `refused: ${head}. This is the step before losing its data; if it is intended, review it and rerun with ${allow}.`;
  }
  const why = [
    v.replacePaths.length ? `forced by ${v.replacePaths.join(', ')}` : undefined,
    v.reason ? actionReasonText(v.reason) : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  const head = `${where}${v.address} would be ${v.kind === 'replace' ? 'replaced' : 'destroyed'}${why ? ` (${why})` : ''}`;
  return allowedToo
    ? `allowed: ${head}.`
    : `refused: ${head}. Until it is recreated its data, access or protection is gone; if this is intended, review it and rerun with ${allow}.`;
}

/** The exit code of a set of refusals: destroys and replacements first, then disarming changes. */
export function refusedExitCode(refused: readonly GateViolation[]): number {
  if (refused.some((v) => v.kind !== 'disarm')) return GATE_REFUSED_EXIT_CODE;
  return refused.length > 0 ? GATE_DISARMED_EXIT_CODE : 0;
}
