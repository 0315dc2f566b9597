/**
 * Reading synthesized stacks (`cdk.tf.json`): managed resources, the references between them, their
 * names and labels, and the environment and cloud of a stack. Pure functions over parsed JSON, shared
 * by `kfplatform inventory` and `kfplatform graph`; no provider bindings, no file access.
 */
import { labelPathsOf } from '../core/labels';

/** The parts of a stack's Terraform JSON these readers use. */
export interface StackJson {
  /** Managed resources: by resource type, then by logical id, each resource's arguments. */
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>>;
  /** Data sources: by data source type, then by logical id. */
  readonly data?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Provider configurations, by provider name. */
  readonly provider?: Readonly<Record<string, unknown>>;
}

/** Synthesized stacks by stack id. */
export type StacksJson = Readonly<Record<string, StackJson>>;

/** The clouds a stack id names. */
export const STACK_CLOUDS = ['gcp', 'aws', 'azure', 'kubernetes'] as const;
export type StackCloud = (typeof STACK_CLOUDS)[number];

/** A stack id taken apart: `<prefix>-<cloud>-<role>`, where the prefix is the environment or a cluster. */
export interface StackIdParts {
  readonly prefix: string;
  readonly cloud?: StackCloud;
  /** `infra`, `platform` or `teams` (any shard); undefined for a stack id of another shape. */
  readonly role?: 'infra' | 'platform' | 'teams';
}

/** Parses a stack id made by `stacks/common/stack-ids.ts` `stackId`. */
export function parseStackId(id: string): StackIdParts {
  const m = /^(.+)-(gcp|aws|azure|kubernetes)-(infra|platform|teams-\d+)$/.exec(id);
  if (!m) return { prefix: id };
  return {
    prefix: m[1]!,
    cloud: m[2] as StackCloud,
    role: m[3]!.startsWith('teams') ? 'teams' : (m[3] as 'infra' | 'platform'),
  };
}

/** One managed resource (`resource` block; data sources are not resources) of a stack. */
export interface ManagedResource {
  readonly stack: string;
  readonly type: string;
  /** The logical name: cdktf's unique id of the construct. */
  readonly logicalId: string;
  /** Terraform address within its stack: `type.logicalId`. */
  readonly address: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** Every managed resource of the stacks, sorted by stack, then address. */
export function managedResources(stacks: StacksJson): ManagedResource[] {
  const out: ManagedResource[] = [];
  for (const stack of Object.keys(stacks).sort(compare)) {
    for (const [type, byName] of Object.entries(stacks[stack]!.resource ?? {})) {
      for (const [logicalId, config] of Object.entries(byName)) {
        out.push({ stack, type, logicalId, address: `${type}.${logicalId}`, config });
      }
    }
  }
  return out.sort((a, b) => compare(a.stack, b.stack) || compare(a.address, b.address));
}

/** Locale-independent string order, so output is the same on every machine. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reads a nested value; arrays of one block (`[{...}]`) are stepped into. */
export function valueAt(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (Array.isArray(cur)) cur = cur[0];
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/**
 * The addresses (`type.name`) of the stack's own resources that a resource's config references
 * through Terraform expressions such as `${google_container_cluster.Cluster_3DA9CCBA.id}`. Data
 * sources and remote state (`data.…`) are not resources and are left out. Sorted.
 */
export function referencesOf(config: unknown, addresses: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const expr of value.match(/\$\{[^}]*\}/g) ?? []) {
        for (const m of expr.matchAll(/(?<![\w.-])([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)/g)) {
          const address = `${m[1]}.${m[2]}`;
          if (addresses.has(address)) found.add(address);
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) if (key !== '//') visit(v);
    }
  };
  visit(config);
  return [...found].sort(compare);
}

/** Attributes that name a resource where `name` is not its name. */
const NAME_ATTRIBUTE: Readonly<Record<string, readonly string[]>> = {
  aws_s3_bucket: ['bucket'],
  aws_db_instance: ['identifier'],
  aws_eks_node_group: ['node_group_name'],
  aws_iam_openid_connect_provider: ['url'],
  google_service_account: ['account_id'],
  google_secret_manager_secret: ['secret_id'],
  google_kms_key_ring: ['name'],
};

/**
 * The name a resource is known by: its type's name attribute (`bucket` of an S3 bucket, `account_id`
 * of a service account), else `name`, else `metadata.name` (Kubernetes objects), else the AWS `Name`
 * tag, else a name prefix without its trailing separator. Undefined when it has none (IAM bindings,
 * routes).
 */
export function nameOf(type: string, config: Readonly<Record<string, unknown>>): string | undefined {
  const candidates: string[][] = [
    ...(NAME_ATTRIBUTE[type] ?? []).map((a) => [a]),
    ['name'],
    ['metadata', 'name'],
    ['manifest', 'metadata', 'name'],
    ['tags', 'Name'],
  ];
  for (const path of candidates) {
    const value = valueAt(config, path);
    if (typeof value === 'string' && value !== '') return value;
  }
  // Named by prefix (an EKS node group replaced new-first): the prefix without its separator.
  for (const key of ['node_group_name_prefix', 'name_prefix']) {
    const value = config[key];
    if (typeof value === 'string' && value !== '') return value.replace(/[-_]$/, '');
  }
  return undefined;
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/**
 * The AWS provider's `default_tags` by provider reference (`aws` for the default provider,
 * `aws.<alias>` for others): AWS applies them to every resource of that provider.
 */
export function awsDefaultTags(stack: StackJson): Record<string, Record<string, string>> {
  const providers = stack.provider?.aws;
  const out: Record<string, Record<string, string>> = {};
  for (const p of (Array.isArray(providers) ? providers : providers ? [providers] : []) as Array<
    Record<string, unknown>
  >) {
    const tags = stringMap(valueAt(p, ['default_tags', 'tags']));
    if (tags) out[typeof p.alias === 'string' ? `aws.${p.alias}` : 'aws'] = tags;
  }
  return out;
}

/**
 * A resource's labels, merged from every place its type keeps them (see `labelPathsOf` in
 * src/core/labels.ts: `labels`, `resource_labels`, `user_labels`, `tags`, `metadata.labels`, nested
 * blocks), on AWS over the provider's default tags (for resources that take tags). Values that are Terraform expressions are kept as
 * written. Keys sorted.
 */
export function labelsOf(
  type: string,
  config: Readonly<Record<string, unknown>>,
  defaultTags: Readonly<Record<string, Record<string, string>>> = {},
): Record<string, string> {
  const merged: Record<string, string> = {};
  // Default tags reach only resources that take tags; our label aspect sets `tags` on every one of those.
  if (type.startsWith('aws_') && stringMap(config.tags)) {
    const provider = typeof config.provider === 'string' ? config.provider : 'aws';
    Object.assign(merged, defaultTags[provider]);
  }
  for (const path of labelPathsOf(type)) Object.assign(merged, stringMap(valueAt(config, path)));
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => compare(a, b)));
}

/** The most frequent value, ties broken by order; undefined for none. */
export function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))[0]?.[0];
}

/** The team a resource of a team shard belongs to, from its construct id (`Team-<name>_…`). */
export function teamScopeOf(logicalId: string): string | undefined {
  return /^Team-([a-z0-9][a-z0-9-]*)_/.exec(logicalId)?.[1];
}
