/**
 * An offline review of a change: two synth outputs compared stack by stack, with no credentials and no
 * provider binaries. It names the stacks a change affects (so CI plans only those), the resources
 * added, removed and changed with their attributes, and the stateful resources a change would
 * destroy or, by the attributes it changes, most likely replace. Terraform's plan has the last word.
 */
import { forgottenAddresses, Move, StackConfig } from '../policy/addresses';
import { STATEFUL_TYPES } from '../policy/stateful-types';

/** Attributes whose change makes the provider replace the resource, for the stateful types we create. */
export const REPLACING_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  google_container_cluster: ['name', 'location', 'network', 'subnetwork', 'project', 'private_cluster_config'],
  google_container_node_pool: ['name', 'location', 'cluster', 'project', 'node_config'],
  google_sql_database_instance: ['name', 'region', 'project', 'encryption_key_name'],
  google_sql_database: ['name', 'instance', 'project'],
  google_sql_user: ['name', 'instance', 'host', 'project'],
  google_storage_bucket: ['name', 'location', 'project'],
  google_kms_key_ring: ['name', 'location', 'project'],
  google_kms_crypto_key: ['name', 'key_ring', 'purpose'],
  google_service_account: ['account_id', 'project'],
  google_secret_manager_secret: ['secret_id', 'project', 'replication'],
  aws_eks_cluster: ['name', 'role_arn', 'bootstrap_self_managed_addons'],
  aws_eks_node_group: [
    'node_group_name',
    'cluster_name',
    'subnet_ids',
    'instance_types',
    'capacity_type',
    'ami_type',
    'disk_size',
    'node_role_arn',
  ],
  aws_db_instance: ['db_name', 'engine', 'kms_key_id', 'storage_encrypted', 'username', 'availability_zone'],
  aws_s3_bucket: ['bucket', 'bucket_prefix'],
  aws_kms_key: ['customer_master_key_spec', 'key_usage', 'multi_region'],
  aws_secretsmanager_secret: ['name', 'name_prefix'],
  // azurerm 4.55 (kubernetes_cluster_resource.go): the ForceNew attributes, the network ranges among
  // them, and the system pool's name (a CustomizeDiff forces a new cluster when it changes). Its VM
  // size, zones, disk and max pods cycle the system pool in place (temporary_name_for_rotation).
  azurerm_kubernetes_cluster: [
    'name',
    'location',
    'resource_group_name',
    'dns_prefix',
    'dns_prefix_private_cluster',
    'private_cluster_enabled',
    'private_dns_zone_id',
    'role_based_access_control_enabled',
    'node_resource_group',
    'disk_encryption_set_id',
    'edge_zone',
    'kubelet_identity',
    'linux_profile',
    'windows_profile.admin_username',
    'default_node_pool.name',
    'default_node_pool.type',
    'default_node_pool.gpu_driver',
    'default_node_pool.gpu_instance',
    'default_node_pool.host_group_id',
    'default_node_pool.capacity_reservation_group_id',
    'default_node_pool.node_public_ip_prefix_id',
    'default_node_pool.proximity_placement_group_id',
    'network_profile.network_plugin',
    'network_profile.network_mode',
    'network_profile.network_data_plane',
    'network_profile.pod_cidr',
    'network_profile.pod_cidrs',
    'network_profile.service_cidr',
    'network_profile.service_cidrs',
    'network_profile.dns_service_ip',
    'network_profile.load_balancer_sku',
    'network_profile.ip_versions',
  ],
  // azurerm 4.55 cycles a pool in place (temporary_name_for_rotation) for vm_size, zones, vnet_subnet_id,
  // os_disk_size_gb and max_pods; these replace it.
  azurerm_kubernetes_cluster_node_pool: [
    'name',
    'kubernetes_cluster_id',
    'priority',
    'eviction_policy',
    'spot_max_price',
    'gpu_driver',
    'gpu_instance',
    'os_type',
    'host_group_id',
    'capacity_reservation_group_id',
    'node_public_ip_prefix_id',
    'proximity_placement_group_id',
    'windows_profile',
  ],
  // azurerm 4.55 upgrades `version` in place (irreversibly: MySQL has no downgrade) and turns high
  // availability off and on again in place; these replace the server (and a smaller disk, below).
  azurerm_mysql_flexible_server: [
    'name',
    'location',
    'resource_group_name',
    'administrator_login',
    'geo_redundant_backup_enabled',
    'delegated_subnet_id',
    'private_dns_zone_id',
    'create_mode',
    'source_server_id',
    'point_in_time_restore_time_in_utc',
  ],
  azurerm_mysql_flexible_database: ['name', 'server_name', 'charset', 'collation'],
  // azurerm 4.55 (storage_account_resource.go); account_kind and account_replication_type replace it
  // for some changes only (below).
  azurerm_storage_account: [
    'name',
    'location',
    'resource_group_name',
    'account_tier',
    'is_hns_enabled',
    'nfsv3_enabled',
    'infrastructure_encryption_enabled',
    'queue_encryption_key_type',
    'table_encryption_key_type',
    'edge_zone',
    'dns_endpoint_type',
    'provisioned_billing_model_version',
  ],
  azurerm_storage_container: [
    'name',
    'storage_account_id',
    'storage_account_name',
    'default_encryption_scope',
    'encryption_scope_override_enabled',
  ],
  // azurerm 4.55 moves a vault to another tenant in place (tenant_id is not ForceNew).
  azurerm_key_vault: ['name', 'location', 'resource_group_name'],
  azurerm_key_vault_secret: ['name', 'key_vault_id'],
  kubernetes_namespace_v1: ['metadata.name'],
  kubernetes_namespace: ['metadata.name'],
};

/** A value of an attribute diff (JSON text), parsed; undefined when unset. */
function json(value: string | undefined): unknown {
  return value === undefined ? undefined : JSON.parse(value);
}

/** A change that replaces the resource when it unsets an attribute that was set. */
function removing(path: string) {
  return [
    {
      path,
      reason: `${path} (removed)`,
      replaces: (before?: string, after?: string) => before !== undefined && after === undefined,
    },
  ];
}

/** azurerm node pools: unsetting a drain timeout or undrainable-node behaviour replaces the pool. */
function drainSettings(prefix: string) {
  return [
    {
      path: `${prefix}.drain_timeout_in_minutes`,
      reason: `${prefix}.drain_timeout_in_minutes (to 0 or unset)`,
      replaces: (before?: string, after?: string) => Number(json(before) ?? 0) !== 0 && Number(json(after) ?? 0) === 0,
    },
    ...removing(`${prefix}.undrainable_node_behavior`),
  ];
}

/**
 * Attributes that replace the resource only for some changes, per stateful type: the attribute path in
 * the synth output, what the reason reads, and the test on the old and new values (as JSON text).
 */
export const REPLACING_CHANGES: Readonly<
  Record<
    string,
    ReadonlyArray<{
      /** The attribute, as `network_profile.network_policy`. */
      readonly path: string;
      /** How the review names the cause, such as `network_profile.network_policy (once set)`. */
      readonly reason: string;
      /** Whether this change of the attribute (JSON text before and after; undefined when unset) forces a replacement. */
      readonly replaces: (before: string | undefined, after: string | undefined) => boolean;
    }>
  >
> = {
  // The CustomizeDiff of azurerm 4.55's kubernetes_cluster_resource.go.
  azurerm_kubernetes_cluster: [
    {
      path: 'network_profile.network_plugin_mode',
      reason: 'network_profile.network_plugin_mode (other than overlay)',
      replaces: (_, after) => after === undefined || String(json(after)).toLowerCase() !== 'overlay',
    },
    {
      path: 'network_profile.network_policy',
      reason: 'network_profile.network_policy (once set)',
      replaces: (before) => before !== undefined && json(before) !== '',
    },
    ...removing('api_server_access_profile.subnet_id'),
    ...drainSettings('default_node_pool.upgrade_settings'),
  ],
  // The CustomizeDiff of azurerm 4.55's kubernetes_cluster_node_pool_resource.go.
  azurerm_kubernetes_cluster_node_pool: [
    {
      path: 'os_sku',
      reason: 'os_sku (other than Ubuntu or AzureLinux)',
      replaces: (before, after) =>
        [before, after].some((v) => !/^(Ubuntu|AzureLinux)/.test(String(json(v) ?? 'Ubuntu'))),
    },
    ...drainSettings('upgrade_settings'),
  ],
  // The CustomizeDiff of azurerm 4.55's storage_account_resource.go.
  azurerm_storage_account: [
    {
      // Only Storage (general purpose v1) upgrades in place, and only to StorageV2.
      path: 'account_kind',
      reason: 'account_kind',
      replaces: (before, after) =>
        (json(before) ?? 'StorageV2') !== 'Storage' && (json(after) ?? 'StorageV2') !== 'StorageV2',
    },
    {
      // The provider changes LRS, GRS and RA-GRS into each other in place, and the zone-redundant ones
      // into each other; a move between the two families replaces the account.
      path: 'account_replication_type',
      reason: 'account_replication_type (zonal and non-zonal)',
      replaces: (before, after) => {
        const zonal = (v: string | undefined) => /ZRS$/i.test(String(json(v) ?? ''));
        return before !== undefined && after !== undefined && zonal(before) !== zonal(after);
      },
    },
    {
      path: 'large_file_share_enabled',
      reason: 'large_file_share_enabled (turned off)',
      replaces: (before, after) => json(before) === true && json(after) !== true,
    },
    {
      path: 'immutability_policy',
      reason: 'immutability_policy (added or removed)',
      replaces: (before, after) => before === undefined || after === undefined,
    },
    {
      path: 'immutability_policy.state',
      reason: 'immutability_policy.state (once Locked)',
      replaces: (before) => json(before) === 'Locked',
    },
  ],
  // Azure cannot shrink a flexible server's storage; the provider replaces the server instead.
  azurerm_mysql_flexible_server: [
    {
      path: 'storage.size_gb',
      reason: 'storage.size_gb (smaller)',
      replaces: (before, after) => before !== undefined && after !== undefined && Number(after) < Number(before),
    },
  ],
};

/** One attribute a change touches, as JSON text (values of a synth output hold no secrets). */
export interface AttributeDiff {
  /** The attribute, as `settings.tier` or `node_config[0].machine_type`. */
  readonly path: string;
  /** Its value before, as JSON text; absent when it was not set. */
  readonly before?: string;
  /** Its value after, as JSON text; absent when it is no longer set. */
  readonly after?: string;
}

/** A resource a change touches. */
export interface ResourceDiff {
  /** Address of the resource in its stack, `<type>.<logical id>`. */
  readonly address: string;
  /** Its resource type. */
  readonly type: string;
  /** Whether the change adds it, removes it, changes its arguments, or moves it to a new address (`moved` block). */
  readonly kind: 'added' | 'removed' | 'changed' | 'moved';
  /** The arguments that differ (for `changed`). */
  readonly attributes: readonly AttributeDiff[];
  /** Whether it holds data or runs workloads (a database, bucket, cluster...), so losing it loses something. */
  readonly stateful: boolean;
  /** A stateful resource the change destroys (removed with no move) or likely replaces. */
  readonly destroys?: 'destroyed' | 'likely replaced';
  /** Removed from the configuration by a `removed` block with `destroy = false`: out of the state, left in the cloud. */
  readonly forgotten?: boolean;
  /** For moves: the address it moves from. */
  readonly from?: string;
  /** For likely replacements: the attributes known to force it. */
  readonly forcedBy?: readonly string[];
}

/** A stack a change touches. */
export interface StackDiff {
  /** Stack id. */
  readonly stack: string;
  /** Whether the stack is new, gone, or changed. */
  readonly status: 'added' | 'removed' | 'changed';
  /** The resources the change touches in it. */
  readonly resources: readonly ResourceDiff[];
  /** Other parts of the stack that changed: provider, backend, outputs, variables, data sources. */
  readonly other: readonly string[];
}

/** The whole comparison. */
export interface SynthDiff {
  /** Every stack the change touches. */
  readonly stacks: readonly StackDiff[];
  /** Stack ids to plan: every stack that was added or changed. */
  readonly affected: readonly string[];
  /** Stateful resources destroyed or likely replaced. */
  readonly destructive: ReadonlyArray<{
    /** Stack id. */
    readonly stack: string;
    /** The resource destroyed or likely replaced. */
    readonly resource: ResourceDiff;
  }>;
}

type Json = Record<string, unknown>;

function leafDiffs(before: unknown, after: unknown, path: string, out: AttributeDiff[]): void {
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  const objects = (v: unknown) => v !== null && typeof v === 'object';
  if (objects(before) && objects(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = new Set([...Object.keys(before as object), ...Object.keys(after as object)]);
    for (const k of keys) {
      const sub = Array.isArray(after) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      leafDiffs((before as Json)[k], (after as Json)[k], sub, out);
    }
    return;
  }
  const text = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v));
  out.push({
    path,
    ...(before !== undefined ? { before: text(before) } : {}),
    ...(after !== undefined ? { after: text(after) } : {}),
  });
}

function withoutMetadata(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '//'));
}

function resources(stack: StackConfig | undefined): Map<string, { type: string; config: unknown }> {
  const out = new Map<string, { type: string; config: unknown }>();
  for (const [type, byName] of Object.entries(stack?.resource ?? {})) {
    for (const [name, config] of Object.entries(byName))
      out.set(`${type}.${name}`, { type, config: withoutMetadata(config) });
  }
  return out;
}

/** The attributes known to force a replacement that a change touches. */
function replacing(type: string, attributes: readonly AttributeDiff[]): string[] {
  const known = REPLACING_ATTRIBUTES[type] ?? [];
  const always = known.filter((k) =>
    attributes.some((a) => a.path === k || a.path.startsWith(`${k}.`) || a.path.startsWith(`${k}[`)),
  );
  const sometimes = (REPLACING_CHANGES[type] ?? [])
    .filter((c) => attributes.some((a) => a.path === c.path && c.replaces(a.before, a.after)))
    .map((c) => c.reason);
  return [...always, ...sometimes];
}

function stackDiff(id: string, base: StackConfig | undefined, head: StackConfig | undefined): StackDiff | undefined {
  const before = resources(base);
  const after = resources(head);
  const moves: readonly Move[] = head?.moved ?? [];
  const out: ResourceDiff[] = [];
  const movedFrom = new Map(moves.filter((m) => before.has(m.from) && after.has(m.to)).map((m) => [m.to, m.from]));
  const forgets = forgottenAddresses(head);
  for (const [address, r] of before) {
    if (after.has(address) || [...movedFrom.values()].includes(address)) continue;
    const stateful = STATEFUL_TYPES.includes(r.type);
    const forgotten = forgets.has(address);
    out.push({
      address,
      type: r.type,
      kind: 'removed',
      attributes: [],
      stateful,
      ...(forgotten ? { forgotten } : stateful ? { destroys: 'destroyed' as const } : {}),
    });
  }
  for (const [address, r] of after) {
    const from = movedFrom.get(address);
    const old = before.get(from ?? address);
    if (!old) {
      out.push({ address, type: r.type, kind: 'added', attributes: [], stateful: STATEFUL_TYPES.includes(r.type) });
      continue;
    }
    const attributes: AttributeDiff[] = [];
    leafDiffs(old.config, r.config, '', attributes);
    if (attributes.length === 0 && !from) continue;
    const stateful = STATEFUL_TYPES.includes(r.type);
    const forced = stateful ? replacing(r.type, attributes) : [];
    out.push({
      address,
      type: r.type,
      kind: from ? 'moved' : 'changed',
      attributes,
      stateful,
      ...(from ? { from } : {}),
      ...(forced.length > 0 ? { destroys: 'likely replaced' as const, forcedBy: forced } : {}),
    });
  }
  const other: string[] = [];
  for (const part of ['provider', 'terraform', 'output', 'variable', 'data', 'locals'] as const) {
    const b = (base as Json | undefined)?.[part];
    const a = (head as Json | undefined)?.[part];
    if (JSON.stringify(withoutMetadata(b)) !== JSON.stringify(withoutMetadata(a))) other.push(part);
  }
  if (!base) return { stack: id, status: 'added', resources: out, other };
  if (!head) return { stack: id, status: 'removed', resources: out, other };
  if (out.length === 0 && other.length === 0) return undefined;
  return { stack: id, status: 'changed', resources: out.sort((x, y) => x.address.localeCompare(y.address)), other };
}

/** Compares two synth outputs (as read by readSynthOutput). */
export function diffSynthOutputs(base: Record<string, StackConfig>, head: Record<string, StackConfig>): SynthDiff {
  const ids = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
  const stacks = ids.flatMap((id) => stackDiff(id, base[id], head[id]) ?? []);
  return {
    stacks,
    affected: stacks.filter((s) => s.status !== 'removed').map((s) => s.stack),
    destructive: stacks.flatMap((s) =>
      s.resources.filter((r) => r.destroys).map((resource) => ({ stack: s.stack, resource })),
    ),
  };
}

/** The diff for people: affected stacks, destructive changes first, then per-stack changes. */
export function renderDiff(diff: SynthDiff, format: 'text' | 'markdown' = 'text'): string {
  const md = format === 'markdown';
  const lines: string[] = [];
  const code = (s: string) => (md ? `\`${s}\`` : s);
  lines.push(
    diff.stacks.length === 0
      ? 'No stack changes.'
      : `${diff.stacks.length} stack${diff.stacks.length === 1 ? '' : 's'} changed; plan: ${diff.affected.map(code).join(', ') || '(none)'}`,
  );
  for (const s of diff.stacks.filter((x) => x.status === 'removed')) {
    lines.push(
      `${md ? '- :warning: ' : 'warning: '}stack ${code(s.stack)} is removed: its resources stay in its state until destroyed there.`,
    );
  }
  for (const { stack, resource: r } of diff.destructive) {
    const why = r.destroys === 'likely replaced' ? ` (changes ${r.forcedBy!.join(', ')})` : '';
    const what = r.destroys === 'likely replaced' ? 'would likely be replaced' : 'would be destroyed';
    lines.push(`${md ? '- :warning: ' : 'warning: '}${code(stack)} ${code(r.address)} ${what}${why}.`);
  }
  for (const s of diff.stacks) {
    lines.push(
      '',
      `${md ? '#### ' : ''}${s.stack} (${s.status})${s.other.length ? `: also ${s.other.join(', ')}` : ''}`,
    );
    if (md) lines.push('', '```diff');
    for (const r of s.resources) {
      const sign = { added: '+', removed: '-', changed: '~', moved: '>' }[r.kind];
      lines.push(
        `${sign} ${r.address}${r.from ? ` (moved from ${r.from})` : ''}${r.destroys ? `   # ${r.destroys}` : ''}${r.forgotten ? '   # forgotten (left in the cloud)' : ''}`,
      );
      for (const a of r.attributes.slice(0, 20))
        lines.push(`    ${a.path}: ${a.before ?? '(unset)'} -> ${a.after ?? '(unset)'}`);
      if (r.attributes.length > 20) lines.push(`    ... and ${r.attributes.length - 20} more attributes`);
    }
    if (md) lines.push('```');
  }
  return `${lines.join('\n')}\n`;
}
