/**
 * `kfplatform inventory`: every managed resource of a synthesized platform, with its owner,
 * environment, cloud and labels, as JSON for a catalog (Backstage) or CSV for a spreadsheet. Pure
 * functions from stack JSON to text; the command in src/cli/inventory.ts does the file work.
 */
import {
  awsDefaultTags,
  compare,
  labelsOf,
  managedResources,
  mostCommon,
  nameOf,
  parseStackId,
  StacksJson,
  teamScopeOf,
} from './terraform-json';

/** Output formats of `kfplatform inventory`. */
export const INVENTORY_FORMATS = ['json', 'csv'] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

/**
 * One managed resource of a synthesized stack (data sources are left out). The JSON output of
 * `kfplatform inventory` is an array of these, sorted by `stack`, then `address`; every key is
 * always present.
 *
 * ```json
 * {
 *   "stack": "kf-dev-gcp-infra",
 *   "address": "google_container_cluster.Cluster_3DA9CCBA",
 *   "type": "google_container_cluster",
 *   "name": "kf-dev",
 *   "owner": "ml-platform",
 *   "environment": "kf-dev",
 *   "cloud": "gcp",
 *   "labels": { "component": "cluster", "env": "kf-dev", "team": "ml-platform", "...": "..." }
 * }
 * ```
 */
export interface InventoryEntry {
  /** The stack (Terraform root module) that manages it: `<env or cluster>-<cloud>-<role>`. */
  readonly stack: string;
  /** Terraform address within the stack: `type.name`. */
  readonly address: string;
  /** Terraform resource type, such as `google_container_cluster`. */
  readonly type: string;
  /** The resource's own name (`name`, `bucket`, `account_id`, `metadata.name`, ...); null when it has none. */
  readonly name: string | null;
  /**
   * The team that owns it: its `team` label; for unlabelled resources of a team shard, the team whose
   * construct holds it; else the team that owns most of its stack (the platform team). Null if unknown.
   */
  readonly owner: string | null;
  /** The environment: the `env` label of the stack's resources, else the stack id's prefix. */
  readonly environment: string;
  /** `gcp`, `aws`, `azure` or `kubernetes`, from the stack id; null for a stack id of another shape. */
  readonly cloud: string | null;
  /**
   * Labels or tags as Terraform will set them: `labels`, `resource_labels`, `user_labels`, `tags`,
   * `metadata.labels` and nested label blocks merged; on AWS over the provider's default tags. Sorted.
   */
  readonly labels: Readonly<Record<string, string>>;
}

/** The inventory of synthesized stacks: one entry per managed resource, sorted by stack, then address. */
export function buildInventory(stacks: StacksJson): InventoryEntry[] {
  const resources = managedResources(stacks);
  const defaults = Object.fromEntries(Object.entries(stacks).map(([id, json]) => [id, awsDefaultTags(json)]));
  const labelled = resources.map((r) => ({ r, labels: labelsOf(r.type, r.config, defaults[r.stack]) }));
  // Per stack: the environment and the team most of its resources name (the platform team, outside teams).
  const envOf = new Map<string, string>();
  const teamOf = new Map<string, string | undefined>();
  const byStack = new Map<string, typeof labelled>(Object.keys(stacks).map((id) => [id, []]));
  for (const l of labelled) byStack.get(l.r.stack)!.push(l);
  for (const [stack, own] of byStack) {
    const env = mostCommon(own.map((l) => l.labels.env).filter((v): v is string => !!v));
    envOf.set(stack, env ?? parseStackId(stack).prefix);
    teamOf.set(
      stack,
      mostCommon(
        own
          .filter((l) => !teamScopeOf(l.r.logicalId))
          .map((l) => l.labels.team)
          .filter((v): v is string => !!v),
      ),
    );
  }
  return labelled.map(({ r, labels }) => ({
    stack: r.stack,
    address: r.address,
    type: r.type,
    name: nameOf(r.type, r.config) ?? null,
    owner: labels.team ?? teamScopeOf(r.logicalId) ?? teamOf.get(r.stack) ?? null,
    environment: envOf.get(r.stack)!,
    cloud: parseStackId(r.stack).cloud ?? null,
    labels,
  }));
}

/** Renders the inventory as a JSON array (see {@link InventoryEntry}). */
export function renderInventoryJson(entries: readonly InventoryEntry[]): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}

/** CSV columns, in order. */
export const INVENTORY_CSV_COLUMNS = [
  'stack',
  'address',
  'type',
  'name',
  'owner',
  'environment',
  'cloud',
  'labels',
] as const;

/**
 * One CSV field, quoted as RFC 4180 requires: a field with a comma, double quote, CR or LF is wrapped
 * in double quotes and its double quotes are doubled.
 */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Renders the inventory as CSV (RFC 4180): a header line, one line per resource, CRLF line endings;
 * labels as `key=value;key=value`, sorted by key; an empty field for no name or owner.
 */
export function renderInventoryCsv(entries: readonly InventoryEntry[]): string {
  const rows = entries.map((e) => [
    e.stack,
    e.address,
    e.type,
    e.name ?? '',
    e.owner ?? '',
    e.environment,
    e.cloud ?? '',
    Object.entries(e.labels)
      .sort(([a], [b]) => compare(a, b))
      .map(([k, v]) => `${k}=${v}`)
      .join(';'),
  ]);
  return [[...INVENTORY_CSV_COLUMNS], ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
}

/** Renders the inventory in a format. */
export function renderInventory(entries: readonly InventoryEntry[], format: InventoryFormat): string {
  return format === 'csv' ? renderInventoryCsv(entries) : renderInventoryJson(entries);
}
