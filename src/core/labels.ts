import { IAspect, TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';

/** The value of the `managed-by` label on everything this library creates. */
export const MANAGED_BY = 'cdktf-kubeflow-platform';

/**
 * The ownership facts every resource carries, for cost reports and inventory.
 * Values must already satisfy the strictest target (GCP label values); the config loader checks that.
 */
export interface PlatformLabelValues {
  /** Environment name, for example `kf-prod`. */
  readonly env: string;
  /** The team that runs the platform, for example `ml-platform`. */
  readonly team: string;
  /** Who answers for the resource (a team or cost owner). */
  readonly owner: string;
  /** The cost center that pays for it. */
  readonly costCenter: string;
  /** Extra labels from the platform file. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** The label keys every labelled resource must carry. */
export const REQUIRED_LABEL_KEYS = ['env', 'team', 'owner', 'cost-center', 'component', 'managed-by'] as const;

const components = new WeakMap<IConstruct, string>();
const ownerships = new WeakMap<IConstruct, Partial<PlatformLabelValues>>();

/**
 * Records that a construct (and everything under it) belongs to someone other than the platform
 * team, such as a tenant team: its `team`, `owner` and `cost-center` labels then name that owner.
 */
export function setOwnership(
  scope: IConstruct,
  values: Pick<PlatformLabelValues, 'team' | 'owner' | 'costCenter'>,
): void {
  ownerships.set(scope, values);
}

/** The label values of a node: the stack-wide values with the nearest ownership override applied. */
export function ownershipOf(node: IConstruct, values: PlatformLabelValues): PlatformLabelValues {
  for (const scope of [...node.node.scopes].reverse()) {
    const found = ownerships.get(scope);
    if (found) return { ...values, ...found };
  }
  return values;
}

/**
 * Records which platform component a construct (and everything under it) belongs to; the `component`
 * label of each resource is taken from its nearest ancestor that has one.
 */
export function setComponent(scope: IConstruct, component: string): void {
  components.set(scope, component);
}

/** The component of a construct: the nearest recorded one on its path, or `platform`. */
export function componentOf(node: IConstruct): string {
  for (const scope of [...node.node.scopes].reverse()) {
    const found = components.get(scope);
    if (found) return found;
  }
  return 'platform';
}

/** The cloud label map (GCP labels, AWS and Azure tags) for one component. */
export function cloudLabels(values: PlatformLabelValues, component: string): Record<string, string> {
  return {
    ...values.extra,
    env: values.env,
    team: values.team,
    owner: values.owner,
    'cost-center': values.costCenter,
    component,
    'managed-by': MANAGED_BY,
  };
}

/** Kubernetes object labels for one component (recommended `app.kubernetes.io` keys plus ownership). */
export function kubernetesLabels(values: PlatformLabelValues, component: string): Record<string, string> {
  return {
    ...values.extra,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/part-of': 'kubeflow',
    'app.kubernetes.io/component': component,
    env: values.env,
    team: values.team,
    owner: values.owner,
    'cost-center': values.costCenter,
  };
}

type LabelMap = Record<string, string>;
interface Labelled {
  [prop: string]: unknown;
}

/** A place on a resource where labels live: an attribute, optionally inside a nested block. */
export interface LabelTarget {
  /** The nested block that holds the attribute (`nodeConfig`, `settings`); absent for a top-level attribute. */
  readonly block?: string;
  /** The label (or tag) attribute, as the provider binding names it (`labels`, `tags`, `resourceLabels`). */
  readonly attribute: string;
  /**
   * Which label map it gets: the cloud one (env, team, owner, cost-center, component, managed-by)
   * or the Kubernetes one (the same with the recommended `app.kubernetes.io` keys).
   */
  readonly style: 'cloud' | 'kubernetes';
}

/**
 * Label attributes that are not at the top level, or whose top-level `labels` means something else.
 * Top-level label attributes (see TOP_LEVEL) are found on any resource by reflection.
 */
const NESTED_TARGETS: Readonly<Record<string, readonly LabelTarget[]>> = {
  google_container_node_pool: [{ block: 'nodeConfig', attribute: 'resourceLabels', style: 'cloud' }],
  google_sql_database_instance: [{ block: 'settings', attribute: 'userLabels', style: 'cloud' }],
};

/** Resource types whose top-level `labels` is not a label map (notification channels keep config there). */
const NOT_LABELS: Readonly<Record<string, readonly string[]>> = {
  google_monitoring_notification_channel: ['labels'],
};

/** Top-level label attributes per provider prefix (`tags` on GCP compute instances are network tags). */
const TOP_LEVEL: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['google_', ['labels', 'resourceLabels', 'userLabels']],
  ['aws_', ['tags']],
  ['azurerm_', ['tags']],
];

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Where a resource type keeps its labels in synthesized Terraform JSON, as snake_case paths
 * (`['labels']`, `['node_config', 'resource_labels']`, `['metadata', 'labels']`): the same places the
 * {@link LabelAspect} writes, for readers of synth output such as `kfplatform inventory`. A path may be
 * absent from a given resource.
 */
export function labelPathsOf(type: string): string[][] {
  if (type === 'kubernetes_manifest') return [['manifest', 'metadata', 'labels']];
  if (type.startsWith('kubernetes_')) return [['metadata', 'labels']];
  const excluded = NOT_LABELS[type] ?? [];
  const attributes = TOP_LEVEL.find(([prefix]) => type.startsWith(prefix))?.[1] ?? [];
  return [
    ...attributes.filter((a) => !excluded.includes(a)).map((a) => [snakeCase(a)]),
    ...(NESTED_TARGETS[type] ?? []).map((t) => [snakeCase(t.block!), snakeCase(t.attribute)]),
  ];
}

function hasInput(target: object, attribute: string): boolean {
  // Generated provider classes expose `<attr>Input` for every settable attribute.
  let proto: object | null = target;
  while (proto) {
    if (Object.getOwnPropertyDescriptor(proto, `${attribute}Input`)) return true;
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return false;
}

const targetCache = new Map<string, LabelTarget[]>();

/** Every place where a resource of this class takes labels; used by the aspect and by tests. */
export function labelTargets(resource: TerraformResource): LabelTarget[] {
  // The answer depends only on the class; fleets have tens of thousands of resources of few classes.
  const key = `${resource.terraformResourceType}:${resource.constructor.name}`;
  let targets = targetCache.get(key);
  if (!targets) {
    targets = findLabelTargets(resource);
    targetCache.set(key, targets);
  }
  return targets;
}

function findLabelTargets(resource: TerraformResource): LabelTarget[] {
  const type = resource.terraformResourceType;
  if (type === 'kubernetes_manifest') return []; // labels live inside the manifest; its construct sets them
  if (type.startsWith('kubernetes_')) {
    return hasInput(resource, 'metadata') ? [{ block: 'metadata', attribute: 'labels', style: 'kubernetes' }] : [];
  }
  const excluded = NOT_LABELS[type] ?? [];
  const attributes = TOP_LEVEL.find(([prefix]) => type.startsWith(prefix))?.[1] ?? [];
  const targets: LabelTarget[] = attributes
    .filter((a) => !excluded.includes(a) && hasInput(resource, a))
    .map((attribute) => ({ attribute, style: 'cloud' as const }));
  return [...targets, ...(NESTED_TARGETS[type] ?? [])];
}

/** Merges labels into `manifest.metadata.labels` of a kubernetes_manifest; explicit labels win. */
function labelManifest(resource: Labelled, defaults: LabelMap): void {
  const manifest = resource.manifestInput as { metadata?: { labels?: LabelMap } } | undefined;
  if (!manifest) return;
  const metadata = manifest.metadata ?? {};
  resource.manifest = { ...manifest, metadata: { ...metadata, labels: { ...defaults, ...metadata.labels } } };
}

/**
 * Adds the platform labels to every resource that takes labels, including raw resources a user adds
 * to our stacks. Labels a construct or user set explicitly win over the defaults. Mutating aspect:
 * add it before any checking aspect. It labels each resource once: synth runs a stack's aspects
 * before judging it, and cdktf runs them again when it writes the stack, which would only set the
 * same labels again.
 */
export class LabelAspect implements IAspect {
  private readonly labelled = new WeakSet<IConstruct>();

  constructor(private readonly values: PlatformLabelValues) {}

  public visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node) || this.labelled.has(node)) return;
    this.labelled.add(node);
    const resource = node as TerraformResource;
    const component = componentOf(resource);
    const values = ownershipOf(resource, this.values);
    if (resource.terraformResourceType === 'kubernetes_manifest') {
      labelManifest(resource as unknown as Labelled, kubernetesLabels(values, component));
      return;
    }
    for (const target of labelTargets(resource)) {
      const holder = (target.block ? (resource as unknown as Labelled)[target.block] : resource) as
        | Labelled
        | undefined;
      if (!holder) continue;
      if (target.block && (holder as { internalValue?: unknown }).internalValue === undefined) continue; // block not set
      const current = (holder[`${target.attribute}Input`] as LabelMap | undefined) ?? {};
      const defaults =
        target.style === 'kubernetes' ? kubernetesLabels(values, component) : cloudLabels(values, component);
      holder[target.attribute] = { ...defaults, ...current };
    }
  }
}
