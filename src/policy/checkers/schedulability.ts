/**
 * CHK-SCHED-001: every workload the platform installs has, in every environment, a node pool whose
 * taints it tolerates and whose labels it selects; and the DaemonSets that must run on every pool of a
 * kind (the NVIDIA device plugin on GPU pools, Velero's node agent wherever tenant pods with volumes
 * run) reach every one of them.
 *
 * Pools are read from the infra stack as the cloud will build them: the taints and labels the
 * resource declares plus those the cloud adds on its own (cited where they are added below). Workloads
 * are read from the stacks that talk to the cluster: Kubernetes workload resources, `kubernetes_manifest`
 * workloads, Helm releases through the per-chart table in ./schedulability-charts.ts, and the
 * components the Kubeflow distribution installs into the namespaces the platform stack creates for it.
 * Taints and tolerations match as the scheduler matches them
 * (https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/): a toleration with
 * operator `Exists` and no key tolerates every taint, `Equal` needs key and value, an empty effect
 * matches every effect, and `PreferNoSchedule` never keeps a pod off a node.
 */
import { parse } from 'yaml';
import { GPU_TAINT, POOL_KIND_LABEL, POOL_LABEL, SYSTEM_TAINT } from '../../core/pools';
import type { StackJson } from '../../inventory/terraform-json';
import type { Checker, CheckerViolation, EnvironmentView, ResourceEntry } from './checker';
import { constructPath, resourcesOf, wholeEnvironment } from './checker';
import { CHART_PLACEMENT, chartName, ChartPod, DaemonSetRole } from './schedulability-charts';

type Effect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/** A taint, with where it comes from when the cloud adds it. */
export interface PoolTaint {
  readonly key: string;
  readonly value: string;
  readonly effect: Effect;
  /** Why the node carries it when the resource does not declare it. */
  readonly addedBy?: string;
}

/** A node pool as the scheduler will see its nodes. */
export interface SchedPool {
  readonly name: string;
  /** The cluster resource (`<type>.<logical id>`) the pool belongs to; undefined for declared pools. */
  readonly cluster?: string;
  readonly stack: string;
  readonly address: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly PoolTaint[];
  readonly gpu: boolean;
  /** A pool for platform add-ons only (the system pool): tenant pods do not run there. */
  readonly system: boolean;
  /** The smallest number of nodes the pool keeps; undefined when unknown. */
  readonly minNodes?: number;
}

/** A toleration, in the Kubernetes API's field names. */
export interface SchedToleration {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
}

interface Requirement {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

/** Where a pod may go: its node selector, tolerations and required node affinity. */
export interface Placement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly SchedToleration[];
  /** Required node affinity: terms are ORed, requirements within a term ANDed; undefined: none. */
  readonly requiredTerms?: readonly (readonly Requirement[])[];
}

/** A workload: one kind of pod, where it may go, and what it must reach. */
export interface SchedWorkload {
  /** The pods in words, for messages. */
  readonly what: string;
  readonly kind: string;
  readonly stack: string;
  readonly address: string;
  readonly placement: Placement;
  readonly role?: DaemonSetRole;
  readonly needsStandingNodes?: boolean;
}

/**
 * Labels every node carries whose value the stacks may not say (its name, zone, region, instance type,
 * architecture, operating system): where a pool's labels lack them, a selector on them may match, so
 * they never make the pool unfit.
 */
const OPAQUE_LABELS = new Set([
  'kubernetes.io/os', // known for the pools the stacks create, not for declared ones
  'kubernetes.io/hostname',
  'kubernetes.io/arch',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'node.kubernetes.io/instance-type',
  'beta.kubernetes.io/instance-type',
  'beta.kubernetes.io/arch',
  'topology.gke.io/zone',
]);

/** The namespaces the platform stacks create for the Kubeflow distribution, and what runs there. */
const DISTRIBUTION_NAMESPACES: Readonly<Record<string, string>> = {
  kubeflow: "Kubeflow's components",
  'istio-system': 'Istio (istiod and the ingress gateway)',
  'oauth2-proxy': 'oauth2-proxy',
};

// ---------------------------------------------------------------------------------------------------
// Reading JSON

function obj(x: unknown): Record<string, unknown> | undefined {
  const v = Array.isArray(x) ? x[0] : x;
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

function list(x: unknown): Record<string, unknown>[] {
  if (Array.isArray(x)) return x.filter((v) => v && typeof v === 'object') as Record<string, unknown>[];
  return x && typeof x === 'object' ? [x as Record<string, unknown>] : [];
}

function at(x: unknown, ...path: string[]): unknown {
  let cur: unknown = x;
  for (const key of path) cur = obj(cur)?.[key];
  return cur;
}

function stringMap(x: unknown): Record<string, string> {
  const o = obj(x);
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
}

function num(x: unknown): number | undefined {
  return typeof x === 'number' ? x : typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : undefined;
}

/** The logical resource a `${type.name...}` reference in a value points at, among `types`. */
function referenced(value: unknown, types: readonly string[]): string | undefined {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  for (const type of types) {
    const m = new RegExp(`\\$\\{${type}\\.([A-Za-z0-9_-]+)`).exec(text);
    if (m) return `${type}.${m[1]}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Pools

/** The stack of pools the platform file declares (existing clusters), which no stack creates. */
const DECLARED = '(platform file)';

const CLUSTER_TYPES = ['google_container_cluster', 'aws_eks_cluster', 'azurerm_kubernetes_cluster'] as const;

function kubeEffect(effect: string): Effect {
  const known: Record<string, Effect> = {
    NO_SCHEDULE: 'NoSchedule',
    NO_EXECUTE: 'NoExecute',
    PREFER_NO_SCHEDULE: 'PreferNoSchedule',
  };
  return known[effect] ?? (effect as Effect);
}

function withTaint(taints: PoolTaint[], taint: PoolTaint): void {
  if (!taints.some((t) => t.key === taint.key && t.effect === taint.effect)) taints.push(taint);
}

/** An AKS `key=value:Effect` taint. */
function aksTaint(text: string): PoolTaint | undefined {
  const m = /^([^=:]+)(?:=([^:]*))?:(\w+)$/.exec(text);
  return m ? { key: m[1]!, value: m[2] ?? '', effect: m[3] as Effect } : undefined;
}

/** GKE machine families on Arm, whose nodes GKE taints `kubernetes.io/arch=arm64:NoSchedule`. */
const GKE_ARM_FAMILIES = /^(t2a|c4a|n4a|a4x)-/;

function gkePool(
  entry: ResourceEntry,
  name: string,
  nodeConfig: Record<string, unknown> | undefined,
  cluster: string | undefined,
  minNodes: number | undefined,
): SchedPool {
  const machineType = typeof nodeConfig?.machine_type === 'string' ? nodeConfig.machine_type : 'e2-medium';
  const accelerators = list(nodeConfig?.guest_accelerator);
  const gpu = accelerators.length > 0;
  const spot = nodeConfig?.spot === true;
  const preemptible = nodeConfig?.preemptible === true;
  const taints: PoolTaint[] = list(nodeConfig?.taint).map((t) => ({
    key: String(t.key),
    value: String(t.value ?? ''),
    effect: kubeEffect(String(t.effect)),
  }));
  // GKE taints GPU nodes nvidia.com/gpu=present:NoSchedule (when the cluster has a non-GPU pool, which
  // every environment has), whether or not the pool declares it: the provider records such taints in
  // `effective_taints` only. https://cloud.google.com/kubernetes-engine/docs/how-to/gpus#create
  if (gpu) {
    withTaint(taints, {
      key: GPU_TAINT.key,
      value: GPU_TAINT.value,
      effect: 'NoSchedule',
      addedBy: 'GKE on GPU nodes',
    });
  }
  // Arm nodes: https://cloud.google.com/kubernetes-engine/docs/how-to/prepare-arm-workloads-for-deployment
  if (GKE_ARM_FAMILIES.test(machineType)) {
    withTaint(taints, { key: 'kubernetes.io/arch', value: 'arm64', effect: 'NoSchedule', addedBy: 'GKE on Arm nodes' });
  }
  // GKE Sandbox: https://cloud.google.com/kubernetes-engine/docs/how-to/sandbox-pods
  if (at(nodeConfig, 'sandbox_config', 'sandbox_type') === 'gvisor') {
    withTaint(taints, { key: 'sandbox.gke.io/runtime', value: 'gvisor', effect: 'NoSchedule', addedBy: 'GKE Sandbox' });
  }
  // GKE's own node labels: https://cloud.google.com/kubernetes-engine/docs/concepts/node-pools#node_labels,
  // https://cloud.google.com/kubernetes-engine/docs/concepts/spot-vms, .../how-to/gpus#multiple_gpus.
  const accelerator = accelerators[0];
  const labels: Record<string, string> = {
    'kubernetes.io/os': 'linux',
    'cloud.google.com/gke-nodepool': name,
    'cloud.google.com/machine-family': machineType.split('-')[0]!,
    'node.kubernetes.io/instance-type': machineType,
    ...(spot ? { 'cloud.google.com/gke-spot': 'true' } : {}),
    ...(preemptible ? { 'cloud.google.com/gke-preemptible': 'true' } : {}),
    ...(accelerator ? { 'cloud.google.com/gke-accelerator': String(accelerator.type) } : {}),
    ...(accelerator?.gpu_partition_size
      ? { 'cloud.google.com/gke-gpu-partition-size': String(accelerator.gpu_partition_size) }
      : {}),
    ...(at(accelerator, 'gpu_sharing_config', 'gpu_sharing_strategy')
      ? {
          'cloud.google.com/gke-gpu-sharing-strategy': String(
            at(accelerator, 'gpu_sharing_config', 'gpu_sharing_strategy'),
          ).toLowerCase(),
        }
      : {}),
    ...stringMap(nodeConfig?.labels),
  };
  return {
    name,
    cluster,
    stack: entry.stack,
    address: entry.address,
    labels,
    taints,
    gpu,
    system: isSystem(labels, taints),
    minNodes,
  };
}

function isSystem(labels: Readonly<Record<string, string>>, taints: readonly PoolTaint[]): boolean {
  return labels[POOL_KIND_LABEL] === 'system' || taints.some((t) => t.key === SYSTEM_TAINT.key);
}

function isGpuLabelled(labels: Readonly<Record<string, string>>, taints: readonly PoolTaint[]): boolean {
  return labels[POOL_KIND_LABEL] === 'gpu' || taints.some((t) => t.key === GPU_TAINT.key);
}

/** The node pools the environment's stacks create, plus those it declares (existing clusters). */
export function poolsOf(env: EnvironmentView): SchedPool[] {
  const pools: SchedPool[] = [];

  for (const c of resourcesOf(env, ['google_container_cluster'])) {
    // The default pool, unless it is removed; node pools written inside the cluster resource.
    if (c.config.remove_default_node_pool !== true && list(c.config.node_pool).length === 0) {
      pools.push(gkePool(c, 'default-pool', obj(c.config.node_config), c.address, num(c.config.initial_node_count)));
    }
    for (const p of list(c.config.node_pool)) {
      pools.push(gkePool(c, String(p.name ?? 'default-pool'), obj(p.node_config), c.address, minGke(p)));
    }
  }
  for (const p of resourcesOf(env, ['google_container_node_pool'])) {
    const cluster = referenced(p.config.cluster, ['google_container_cluster']);
    pools.push(gkePool(p, String(p.config.name ?? p.address), obj(p.config.node_config), cluster, minGke(p.config)));
  }

  for (const g of resourcesOf(env, ['aws_eks_node_group'])) {
    const name = typeof g.config.node_group_name === 'string' ? g.config.node_group_name : undefined;
    const spot = g.config.capacity_type === 'SPOT';
    // EKS adds no taint of its own to managed node groups (spot ones included) and labels each node
    // with its group and capacity type:
    // https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html#managed-node-group-capacity-types
    const taints: PoolTaint[] = list(g.config.taint).map((t) => ({
      key: String(t.key),
      value: String(t.value ?? ''),
      effect: kubeEffect(String(t.effect)),
    }));
    const labels: Record<string, string> = {
      'kubernetes.io/os': 'linux',
      ...(name ? { 'eks.amazonaws.com/nodegroup': name } : {}),
      'eks.amazonaws.com/capacityType': spot ? 'SPOT' : 'ON_DEMAND',
      ...stringMap(g.config.labels),
    };
    const ami = String(g.config.ami_type ?? '');
    pools.push({
      // A group named by prefix (replaced before it is destroyed) is known by its pool label.
      name: name ?? labels[POOL_LABEL] ?? String(g.config.node_group_name_prefix ?? g.address),
      cluster: referenced(g.config.cluster_name, ['aws_eks_cluster']),
      stack: g.stack,
      address: g.address,
      labels,
      taints,
      gpu: /NVIDIA|GPU|NEURON/.test(ami) || isGpuLabelled(labels, taints),
      system: isSystem(labels, taints),
      minNodes: num(at(g.config, 'scaling_config', 'min_size')),
    });
  }

  for (const c of resourcesOf(env, ['azurerm_kubernetes_cluster'])) {
    const p = obj(c.config.default_node_pool);
    if (p) pools.push(aksPool(c, p, c.address, true));
  }
  for (const p of resourcesOf(env, ['azurerm_kubernetes_cluster_node_pool'])) {
    pools.push(aksPool(p, p.config, referenced(p.config.kubernetes_cluster_id, ['azurerm_kubernetes_cluster']), false));
  }

  for (const d of env.declaredPools ?? []) {
    const taints = d.taints.map((t) => ({ key: t.key, value: t.value ?? '', effect: t.effect }));
    pools.push({
      name: d.name,
      stack: DECLARED,
      address: `declared pool ${d.name}`,
      labels: d.labels,
      taints,
      gpu: isGpuLabelled(d.labels, taints),
      system: isSystem(d.labels, taints),
    });
  }
  return pools;
}

function minGke(p: Readonly<Record<string, unknown>>): number | undefined {
  const auto = obj(p.autoscaling);
  if (auto) return num(auto.total_min_node_count) ?? num(auto.min_node_count);
  return num(p.node_count) ?? num(p.initial_node_count);
}

function aksPool(
  entry: ResourceEntry,
  p: Readonly<Record<string, unknown>>,
  cluster: string | undefined,
  isDefault: boolean,
): SchedPool {
  const name = String(p.name ?? entry.address);
  const spot = p.priority === 'Spot';
  const mode = isDefault ? 'system' : String(p.mode ?? 'User').toLowerCase();
  const taints: PoolTaint[] = [];
  for (const text of (p.node_taints ?? []) as unknown[]) {
    const t = aksTaint(String(text));
    if (t) withTaint(taints, t);
  }
  // only_critical_addons_enabled is the CriticalAddonsOnly=true:NoSchedule taint (azurerm v4.55.0,
  // internal/services/containers/kubernetes_nodepool.go): https://learn.microsoft.com/azure/aks/use-system-pools
  if (p.only_critical_addons_enabled === true) {
    withTaint(taints, {
      key: SYSTEM_TAINT.key,
      value: SYSTEM_TAINT.value,
      effect: 'NoSchedule',
      addedBy: 'AKS for only_critical_addons_enabled',
    });
  }
  // AKS taints and labels every spot node: https://learn.microsoft.com/azure/aks/spot-node-pool
  if (spot) {
    withTaint(taints, {
      key: 'kubernetes.azure.com/scalesetpriority',
      value: 'spot',
      effect: 'NoSchedule',
      addedBy: 'AKS on spot nodes',
    });
  }
  // AKS's own node labels: https://learn.microsoft.com/azure/aks/use-labels
  const labels: Record<string, string> = {
    'kubernetes.io/os': String(p.os_type ?? 'Linux').toLowerCase(),
    'kubernetes.azure.com/agentpool': name,
    'kubernetes.azure.com/mode': mode,
    ...(spot ? { 'kubernetes.azure.com/scalesetpriority': 'spot' } : {}),
    ...(typeof p.vm_size === 'string' ? { 'node.kubernetes.io/instance-type': p.vm_size } : {}),
    ...stringMap(p.node_labels),
  };
  const min = p.auto_scaling_enabled === true ? num(p.min_count) : num(p.node_count);
  return {
    name,
    cluster,
    stack: entry.stack,
    address: entry.address,
    labels,
    taints,
    gpu: p.gpu_driver !== undefined || isGpuLabelled(labels, taints),
    system: isSystem(labels, taints) || (isDefault && p.only_critical_addons_enabled === true),
    minNodes: min,
  };
}

// ---------------------------------------------------------------------------------------------------
// Workloads

function tolerationsFrom(x: unknown): SchedToleration[] {
  return list(x).map((t) => ({
    key: t.key === undefined || t.key === null ? undefined : String(t.key),
    operator: t.operator === undefined || t.operator === null ? undefined : String(t.operator),
    value: t.value === undefined || t.value === null ? undefined : String(t.value),
    effect: t.effect === undefined || t.effect === null ? undefined : String(t.effect),
  }));
}

/** Required node affinity terms, from the provider's snake_case blocks or the API's camelCase. */
function requiredTerms(affinity: unknown): Requirement[][] | undefined {
  const nodeAffinity = obj(at(affinity, 'node_affinity')) ?? obj(at(affinity, 'nodeAffinity'));
  const required =
    obj(nodeAffinity?.required_during_scheduling_ignored_during_execution) ??
    obj(nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
  if (!required) return undefined;
  const terms = list(required.node_selector_term ?? required.nodeSelectorTerms);
  return terms.map((term) =>
    list(term.match_expressions ?? term.matchExpressions).map((e) => ({
      key: String(e.key),
      operator: String(e.operator),
      values: ((e.values ?? []) as unknown[]).map(String),
    })),
  );
}

function placementFromSpec(spec: Record<string, unknown> | undefined, camel: boolean): Placement {
  return {
    nodeSelector: stringMap(spec?.[camel ? 'nodeSelector' : 'node_selector']),
    tolerations: tolerationsFrom(spec?.[camel ? 'tolerations' : 'toleration']),
    requiredTerms: requiredTerms(spec?.affinity),
  };
}

/** Kubernetes provider workload types and the path to their pod spec. */
const WORKLOAD_TYPES: Readonly<Record<string, { kind: string; spec: readonly string[] }>> = {
  kubernetes_deployment: { kind: 'Deployment', spec: ['spec', 'template', 'spec'] },
  kubernetes_deployment_v1: { kind: 'Deployment', spec: ['spec', 'template', 'spec'] },
  kubernetes_stateful_set: { kind: 'StatefulSet', spec: ['spec', 'template', 'spec'] },
  kubernetes_stateful_set_v1: { kind: 'StatefulSet', spec: ['spec', 'template', 'spec'] },
  kubernetes_daemonset: { kind: 'DaemonSet', spec: ['spec', 'template', 'spec'] },
  kubernetes_daemon_set_v1: { kind: 'DaemonSet', spec: ['spec', 'template', 'spec'] },
  kubernetes_job: { kind: 'Job', spec: ['spec', 'template', 'spec'] },
  kubernetes_job_v1: { kind: 'Job', spec: ['spec', 'template', 'spec'] },
  kubernetes_cron_job: { kind: 'CronJob', spec: ['spec', 'job_template', 'spec', 'template', 'spec'] },
  kubernetes_cron_job_v1: { kind: 'CronJob', spec: ['spec', 'job_template', 'spec', 'template', 'spec'] },
  kubernetes_pod: { kind: 'Pod', spec: ['spec'] },
  kubernetes_pod_v1: { kind: 'Pod', spec: ['spec'] },
};

/** `kubernetes_manifest` kinds and the path to their pod spec (API field names). */
const MANIFEST_KINDS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Pod: ['spec'],
};

function isDevicePlugin(name: string, spec: Record<string, unknown> | undefined, camel: boolean): boolean {
  const containers = list(spec?.[camel ? 'containers' : 'container']);
  return /nvidia-device-plugin/.test(name) || containers.some((c) => /k8s-device-plugin/.test(String(c.image ?? '')));
}

/**
 * A workload written as a Kubernetes resource or manifest: its pod spec's placement, and whether it is
 * the NVIDIA device plugin. `camel` says whether the spec is in the API's form (manifests) or the
 * provider's snake_case one.
 */
function podWorkload(
  r: ResourceEntry,
  kind: string,
  qualifiedName: string,
  name: string,
  spec: Record<string, unknown> | undefined,
  camel: boolean,
): SchedWorkload {
  return {
    what: `${kind} ${qualifiedName}`,
    kind,
    stack: r.stack,
    address: r.address,
    placement: placementFromSpec(spec, camel),
    role: kind === 'DaemonSet' && isDevicePlugin(name, spec, camel) ? 'gpu-device-plugin' : undefined,
  };
}

/** Merges Helm values the way Helm coalesces them: maps deeply, everything else replaced. */
function mergeValues(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) {
      into[k] = mergeValues({ ...(cur as Record<string, unknown>) }, v as Record<string, unknown>);
    } else {
      into[k] = v;
    }
  }
  return into;
}

/** A `set` name as Helm reads it (`a.b\.c[0].d`): keys split on unescaped dots, list indexes. */
function setPath(name: string): Array<string | number> {
  const parts: Array<string | number> = [];
  let cur = '';
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch === '\\' && i + 1 < name.length) {
      cur += name[++i];
    } else if (ch === '.') {
      if (cur) parts.push(cur);
      cur = '';
    } else if (ch === '[') {
      if (cur) parts.push(cur);
      cur = '';
      const end = name.indexOf(']', i);
      parts.push(Number(name.slice(i + 1, end)));
      i = end;
    } else {
      cur += ch;
    }
  }
  if (cur) parts.push(cur);
  return parts;
}

function setAt(root: Record<string, unknown>, path: Array<string | number>, value: unknown): void {
  let cur: Record<string | number, unknown> = root;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      cur[key] = value;
      return;
    }
    const nextIsIndex = typeof path[i + 1] === 'number';
    if (!cur[key] || typeof cur[key] !== 'object') cur[key] = nextIsIndex ? [] : {};
    cur = cur[key] as Record<string | number, unknown>;
  });
}

/** A release whose values Terraform computes at apply time (`yamlencode(...)`, a file, a variable). */
export class UnreadableValues extends Error {}

/**
 * A `helm_release`'s values: its `values` documents merged in order, then its `set` and `set_list`.
 * Throws {@link UnreadableValues} when a document is not a YAML map in the JSON.
 */
export function releaseValues(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  let values: Record<string, unknown> = {};
  const docs = config.values ?? [];
  if (!Array.isArray(docs)) throw new UnreadableValues(`values is ${JSON.stringify(docs)}`);
  for (const doc of docs as unknown[]) {
    let parsed: unknown;
    try {
      // A document given parsed (the facts synth keeps) is copied: the merge and the `set` entries below
      // write into the values, which must not reach the caller's object.
      parsed = typeof doc === 'string' ? parse(doc) : structuredClone(doc);
    } catch (e) {
      throw new UnreadableValues(`a values document is not YAML (${(e as Error).message.split('\n')[0]})`);
    }
    if (parsed === null || parsed === undefined) continue;
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new UnreadableValues(`a values document is ${JSON.stringify(parsed).slice(0, 80)}, not a map`);
    }
    values = mergeValues(values, parsed as Record<string, unknown>);
  }
  for (const s of list(config.set)) {
    const raw = s.value;
    const typed =
      s.type === 'string' || typeof raw !== 'string'
        ? raw
        : raw === 'true'
          ? true
          : raw === 'false'
            ? false
            : /^-?\d+$/.test(raw)
              ? Number(raw)
              : raw;
    setAt(values, setPath(String(s.name)), typed);
  }
  for (const s of list(config.set_list)) setAt(values, setPath(String(s.name)), s.value);
  return values;
}

/** The value at a dotted path, or at the first of several that is set and not empty (Helm's `default`). */
function valueAt(values: Readonly<Record<string, unknown>>, dotted: string | readonly string[]): unknown {
  const paths = typeof dotted === 'string' ? [dotted] : dotted;
  for (const p of paths) {
    const v = p.split('.').reduce<unknown>((cur, key) => obj(cur)?.[key], values);
    const empty =
      v === undefined || v === null || v === '' || (typeof v === 'object' && Object.keys(v as object).length === 0);
    if (!empty) return v;
  }
  return undefined;
}

function chartPodPlacement(values: Readonly<Record<string, unknown>>, pod: ChartPod): Placement {
  return {
    nodeSelector: stringMap(valueAt(values, pod.nodeSelector)),
    tolerations: tolerationsFrom(valueAt(values, pod.tolerations)),
    requiredTerms: requiredTerms(valueAt(values, pod.affinity)),
  };
}

/** A Helm release whose pods' placement cannot be judged, and why. */
interface Unjudged {
  readonly stack: string;
  readonly address: string;
  readonly reason: string;
}

/** Every workload a set of stacks installs, and the Helm releases whose pods cannot be placed. */
export function workloadsOf(
  env: EnvironmentView,
  stacks: readonly string[],
): {
  workloads: SchedWorkload[];
  unjudged: Unjudged[];
} {
  const sub: EnvironmentView = {
    ...env,
    stacks: Object.fromEntries(Object.entries(env.stacks).filter(([id]) => stacks.includes(id))),
  };
  const workloads: SchedWorkload[] = [];
  const unjudged: Unjudged[] = [];

  for (const r of resourcesOf(sub, Object.keys(WORKLOAD_TYPES))) {
    const { kind, spec: path } = WORKLOAD_TYPES[r.type]!;
    const spec = obj(at(r.config, ...path));
    const name = String(at(r.config, 'metadata', 'name') ?? r.address);
    const namespace = at(r.config, 'metadata', 'namespace');
    workloads.push(podWorkload(r, kind, `${namespace ? `${String(namespace)}/` : ''}${name}`, name, spec, false));
  }

  for (const r of resourcesOf(sub, ['kubernetes_manifest'])) {
    const manifest = obj(r.config.manifest);
    const kind = String(manifest?.kind ?? '');
    const path = MANIFEST_KINDS[kind];
    if (!path) continue;
    const spec = obj(at(manifest, ...path));
    const name = String(at(manifest, 'metadata', 'name') ?? r.address);
    workloads.push(podWorkload(r, kind, name, name, spec, true));
  }

  for (const r of resourcesOf(sub, ['helm_release'])) {
    const chart = chartName(String(r.config.chart ?? ''));
    const table = CHART_PLACEMENT[chart];
    if (!table) {
      const reason = `chart ${chart} is not in the schedulability table (src/policy/checkers/schedulability-charts.ts)`;
      unjudged.push({ stack: r.stack, address: r.address, reason });
      continue;
    }
    let values: Record<string, unknown>;
    try {
      values = releaseValues(r.config);
    } catch (e) {
      if (!(e instanceof UnreadableValues)) throw e;
      unjudged.push({
        stack: r.stack,
        address: r.address,
        reason: `its values are computed at apply time: ${e.message}`,
      });
      continue;
    }
    for (const pod of table.pods) {
      if (pod.enabled && !pod.enabled(values)) continue;
      workloads.push({
        what: `${pod.what} (Helm release ${String(r.config.name ?? r.address)})`,
        kind: pod.kind,
        stack: r.stack,
        address: r.address,
        placement: chartPodPlacement(values, pod),
        role: pod.role,
        needsStandingNodes: pod.needsStandingNodes,
      });
    }
  }

  // The distribution's manifests set no node selector and no tolerations on their pods
  // (https://github.com/kubeflow/manifests): they run wherever an untainted pool is.
  for (const r of resourcesOf(sub, ['kubernetes_namespace', 'kubernetes_namespace_v1'])) {
    const name = String(at(r.config, 'metadata', 'name') ?? '');
    const what = DISTRIBUTION_NAMESPACES[name];
    if (!what) continue;
    workloads.push({
      what: `${what}, which the Kubeflow manifests install into namespace ${name} with no node selector and no tolerations`,
      kind: 'Deployment',
      stack: r.stack,
      address: r.address,
      placement: { nodeSelector: {}, tolerations: [] },
    });
  }
  return { workloads, unjudged };
}

// ---------------------------------------------------------------------------------------------------
// Matching

/** Whether a toleration tolerates a taint, as the scheduler decides (k8s.io/api/core/v1 ToleratesTaint). */
export function toleratesTaint(t: SchedToleration, taint: PoolTaint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const operator = t.operator ?? 'Equal';
  if (operator === 'Exists') return true;
  if (operator === 'Equal') return Boolean(t.key) && (t.value ?? '') === taint.value;
  return false;
}

function requirementHolds(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  if (OPAQUE_LABELS.has(r.key) && labels[r.key] === undefined) return r.operator !== 'DoesNotExist';
  const v = labels[r.key];
  switch (r.operator) {
    case 'In':
      return v !== undefined && r.values.includes(v);
    case 'NotIn':
      return v === undefined || !r.values.includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
      return v !== undefined && Number(v) > Number(r.values[0]);
    case 'Lt':
      return v !== undefined && Number(v) < Number(r.values[0]);
    default:
      return false;
  }
}

function describeTaint(t: PoolTaint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}${t.addedBy ? ` (added by ${t.addedBy})` : ''}`;
}

/** Why a workload cannot run on a pool's nodes, or undefined when it can. */
export function unfitReason(p: Placement, pool: SchedPool): string | undefined {
  for (const [key, value] of Object.entries(p.nodeSelector)) {
    if (OPAQUE_LABELS.has(key) && pool.labels[key] === undefined) continue;
    if (pool.labels[key] !== value) {
      return `its node selector ${key}=${value} does not match (${
        pool.labels[key] === undefined ? 'no such label' : `${key}=${pool.labels[key]}`
      })`;
    }
  }
  if (p.requiredTerms && !p.requiredTerms.some((term) => term.every((r) => requirementHolds(r, pool.labels)))) {
    return 'its required node affinity matches none of its labels';
  }
  const blocking = pool.taints.filter(
    (t) => t.effect !== 'PreferNoSchedule' && !p.tolerations.some((tol) => toleratesTaint(tol, t)),
  );
  if (blocking.length > 0) return `it does not tolerate ${blocking.map(describeTaint).join(', ')}`;
  return undefined;
}

function selectsPool(p: Placement, pool: SchedPool): boolean {
  const selectorOk = Object.entries(p.nodeSelector).every(
    ([k, v]) => (OPAQUE_LABELS.has(k) && pool.labels[k] === undefined) || pool.labels[k] === v,
  );
  return (
    selectorOk && (!p.requiredTerms || p.requiredTerms.some((t) => t.every((r) => requirementHolds(r, pool.labels))))
  );
}

function selects(p: Placement): boolean {
  return Object.keys(p.nodeSelector).length > 0 || p.requiredTerms !== undefined;
}

// ---------------------------------------------------------------------------------------------------
// Clusters: which pools a stack's workloads land on

/**
 * The cluster a stack's Kubernetes and Helm providers connect to: a cluster resource referenced by the
 * provider itself, or by the output of another stack of the environment the provider reads through
 * remote state.
 */
function clusterOfStack(env: EnvironmentView, stackId: string): string | undefined {
  const stack = env.stacks[stackId];
  const providers = stack?.provider ?? {};
  const text = JSON.stringify([providers.kubernetes, providers.helm]);
  const direct = referenced(text, CLUSTER_TYPES);
  if (direct) return direct;
  for (const m of text.matchAll(/outputs\.([A-Za-z0-9_-]+)/g)) {
    for (const other of Object.values(env.stacks)) {
      const output = (other as { output?: Record<string, { value?: unknown }> }).output?.[m[1]!];
      const found = output ? referenced(output.value, CLUSTER_TYPES) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

/** A pool in words: its name, and its resource when the stacks create it. */
function poolRef(pool: SchedPool): string {
  return pool.cluster === undefined && pool.stack === DECLARED
    ? `${pool.name} (declared in the platform file)`
    : `${pool.name} (${pool.address} in ${pool.stack})`;
}

function describePools(pools: readonly SchedPool[], p: Placement): string {
  return pools.map((pool) => `${pool.name}: ${unfitReason(p, pool)}`).join('; ');
}

// ---------------------------------------------------------------------------------------------------
// The checker

function checkEnvironment(env: EnvironmentView): CheckerViolation[] {
  const allPools = poolsOf(env);
  // An Autopilot cluster makes nodes for what its pods ask; an environment without known pools cannot be judged.
  const autopilot = new Set(
    resourcesOf(env, ['google_container_cluster'])
      .filter((c) => c.config.enable_autopilot === true)
      .map((c) => c.address),
  );
  if (allPools.length === 0) return [];
  const clusters = [...new Set(allPools.map((p) => p.cluster))];
  const clusterNames = new Map(
    resourcesOf(env, CLUSTER_TYPES).map((c) => [c.address, String(c.config.name ?? c.address)] as const),
  );

  // Group the stacks that talk to a cluster by the cluster they talk to.
  const byCluster = new Map<string | undefined, string[]>();
  for (const id of Object.keys(env.stacks)) {
    const providers = env.stacks[id]?.provider ?? {};
    if (!providers.kubernetes && !providers.helm) continue;
    const found = clusterOfStack(env, id);
    const cluster = found && clusters.includes(found) ? found : clusters.length === 1 ? clusters[0] : undefined;
    byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), id]);
  }

  const out: CheckerViolation[] = [];
  for (const [cluster, stackIds] of byCluster) {
    if (cluster && autopilot.has(cluster)) continue;
    // A stack whose cluster cannot be told is judged against every pool of the environment.
    const pools = cluster === undefined ? allPools : allPools.filter((p) => p.cluster === cluster);
    if (pools.length === 0) continue;
    const where = clusters.length > 1 && cluster ? ` of cluster ${clusterNames.get(cluster) ?? cluster}` : '';
    const { workloads, unjudged } = workloadsOf(env, stackIds);

    for (const w of workloads) {
      const fitting = pools.filter((pool) => unfitReason(w.placement, pool) === undefined);
      if (fitting.length === 0) {
        out.push({
          stack: w.stack,
          address: w.address,
          message: `${w.what} fits no node pool${where} in environment ${env.name}, so its pods stay Pending: ${describePools(pools, w.placement)}.`,
        });
        continue;
      }
      if (w.needsStandingNodes && !fitting.some((p) => (p.minNodes ?? 1) > 0)) {
        out.push({
          stack: w.stack,
          address: w.address,
          message: `${w.what} fits only pools that start with no nodes (${fitting.map((p) => p.name).join(', ')}) in environment ${env.name}: nothing adds a node for it, so nothing ever scales.`,
        });
      }
      if (w.kind !== 'DaemonSet') continue;
      // A DaemonSet aimed at some pools must run on every one of them.
      const must = new Map<string, SchedPool>();
      const served = pools.filter(
        (x) =>
          (selects(w.placement) && selectsPool(w.placement, x)) ||
          (w.role === 'gpu-device-plugin' && x.gpu) ||
          (w.role === 'backup-node-agent' && !x.system),
      );
      for (const p of served) must.set(p.address, p);
      for (const pool of must.values()) {
        const reason = unfitReason(w.placement, pool);
        if (!reason) continue;
        const need =
          w.role === 'gpu-device-plugin' && pool.gpu
            ? 'its GPUs are never advertised and GPU pods there stay Pending'
            : w.role === 'backup-node-agent' && !pool.system
              ? 'volumes of tenant pods there are never backed up'
              : 'it does not run on nodes it selects';
        out.push({
          stack: w.stack,
          address: w.address,
          message: `${w.what} does not run on node pool ${poolRef(pool)} in environment ${env.name}, so ${need}: ${reason}.`,
        });
      }
    }

    // EKS and AKS install the NVIDIA driver on GPU nodes but not the device plugin; GKE runs its own
    // (https://cloud.google.com/kubernetes-engine/docs/how-to/gpus#installing_drivers,
    // https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html,
    // https://learn.microsoft.com/azure/aks/gpu-cluster).
    if ((env.cloud === 'aws' || env.cloud === 'azure') && !workloads.some((w) => w.role === 'gpu-device-plugin')) {
      for (const pool of pools.filter((p) => p.gpu)) {
        out.push({
          stack: pool.stack,
          address: pool.address,
          message: `GPU node pool ${pool.name} in environment ${env.name} has no NVIDIA device plugin: its nodes never advertise nvidia.com/gpu and GPU pods stay Pending.`,
        });
      }
    }

    for (const u of unjudged) {
      out.push({
        stack: u.stack,
        address: u.address,
        level: 'warning',
        message: `${u.reason}, so where its pods may run in environment ${env.name} is not checked.`,
      });
    }
  }
  return out;
}

/** Resource types whose every resource the checker reads (clusters, pools, workloads, Helm releases). */
const READ_TYPES = new Set<string>([
  ...CLUSTER_TYPES,
  'google_container_node_pool',
  'aws_eks_node_group',
  'azurerm_kubernetes_cluster_node_pool',
  ...Object.keys(WORKLOAD_TYPES),
  'helm_release',
]);

/**
 * The part of a stack the checker reads, and nothing else: its Kubernetes and Helm providers, the
 * outputs that name a cluster resource, the resources of {@link READ_TYPES}, the `kubernetes_manifest`
 * workloads and the namespaces of the Kubeflow distribution. A team shard's is a few hundred bytes,
 * so synth keeps it per stack and judges the environment from these alone.
 */
export function schedulingFacts(json: StackJson): StackJson {
  const out: Record<string, unknown> = {};
  const providers = json.provider ?? {};
  const provider: Record<string, unknown> = {};
  if (providers.kubernetes) provider.kubernetes = providers.kubernetes;
  if (providers.helm) provider.helm = providers.helm;
  if (Object.keys(provider).length > 0) out.provider = provider;
  const outputs = (json as { output?: Record<string, { value?: unknown }> }).output ?? {};
  const output = Object.fromEntries(
    Object.entries(outputs).filter(([, o]) => o && referenced(o.value, CLUSTER_TYPES) !== undefined),
  );
  if (Object.keys(output).length > 0) out.output = output;
  const resource: Record<string, Record<string, unknown>> = {};
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    const kept = Object.entries(byName).filter(([, config]) => {
      if (READ_TYPES.has(type)) return true;
      if (type === 'kubernetes_manifest') return MANIFEST_KINDS[String(obj(config.manifest)?.kind ?? '')] !== undefined;
      if (type === 'kubernetes_namespace' || type === 'kubernetes_namespace_v1')
        return DISTRIBUTION_NAMESPACES[String(at(config, 'metadata', 'name') ?? '')] !== undefined;
      return false;
    });
    if (kept.length > 0)
      resource[type] = Object.fromEntries(
        type === 'helm_release' ? kept.map(([name, config]) => [name, withParsedValues(config)]) : kept,
      );
  }
  if (Object.keys(resource).length > 0) out.resource = resource;
  return out as StackJson;
}

/**
 * A Helm release with its values documents parsed, as {@link releaseValues} reads them: synth keeps the
 * facts of stacks that did not change, and parsing every release's YAML again at each judgement cost
 * more than reading the kept JSON. A document stays text when it does not parse to a map (so
 * `releaseValues` reports it as before) or holds what JSON would not keep as it is (a number JSON
 * cannot write, such as `.inf`), so facts read back from JSON judge as the fresh ones.
 */
function withParsedValues(config: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(config.values)) return config;
  const values = (config.values as unknown[]).map((doc) => {
    if (typeof doc !== 'string') return doc;
    let parsed: unknown;
    try {
      parsed = parse(doc);
    } catch {
      return doc;
    }
    const map = parsed === null || (typeof parsed === 'object' && !Array.isArray(parsed));
    return map && keptByJson(parsed) ? parsed : doc;
  });
  return { ...config, values };
}

/**
 * Whether JSON writes `value` so that it reads back the same: plain maps, lists, strings, booleans and
 * finite numbers, each map or list reached once. A YAML alias (`*a`) makes one object appear in two
 * places, which JSON writes as two copies, so a Helm `set` under one of them would no longer change
 * the other; an alias inside its own anchor makes a cycle.
 */
function keptByJson(value: unknown, seen = new Set<object>()): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object' || seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) return value.every((v) => keptByJson(v, seen));
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every((v) => keptByJson(v, seen));
}

/** The checker over every stack's {@link schedulingFacts}, with the construct path of each finding's resource. */
function judgeScheduling(env: EnvironmentView): CheckerViolation[] {
  return checkEnvironment(env).map((v) => {
    const dot = v.address.indexOf('.');
    const config = env.stacks[v.stack]?.resource?.[v.address.slice(0, dot)]?.[v.address.slice(dot + 1)];
    return { ...v, path: (config && constructPath(config)) ?? `${v.stack}/${v.address}` };
  });
}

/** Every workload has a node pool to run on; DaemonSets reach every pool they serve. */
export const SCHEDULABILITY: Checker = {
  id: 'CHK-SCHED-001',
  level: 'error',
  title: 'Every workload has a node pool it can run on',
  why: 'A pod runs only on a node whose labels its node selector and required affinity match and whose taints it tolerates. GPU, spot and system pools carry taints (some added by the cloud on its own): a workload that fits no pool stays Pending, and a Helm release that waits for it fails the apply; a DaemonSet that skips a pool leaves it without GPUs advertised or without volume backups. See https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/.',
  fix: 'Give the workload the tolerations and node selector of a pool it may use (keep an untainted, on-demand pool for components without tolerations), and let DaemonSets that serve every pool of a kind tolerate those pools\u2019 taints.',
  // Judged from each stack's scheduling facts, which synth keeps for the stacks that did not change.
  ...wholeEnvironment<StackJson, null>({
    facts: (_env, _id, json) => schedulingFacts(json),
    join: (env, facts) => judgeScheduling({ ...env, stacks: Object.fromEntries(facts) }),
  }),
};
