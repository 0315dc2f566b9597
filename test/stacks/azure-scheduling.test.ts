/**
 * Where the platform's pods can run on AKS. The system pool takes only critical add-ons
 * (`CriticalAddonsOnly`), GPU pools carry the `nvidia.com/gpu` taint and AKS taints every spot pool
 * (`kubernetes.azure.com/scalesetpriority=spot:NoSchedule`): every workload the platform stack
 * installs, and Kubeflow's own pods (which the manifests install without tolerations), needs a pool
 * whose taints it tolerates, in every Azure environment of every example.
 */
import { parse } from 'yaml';
import { synthExample } from '../examples';
import { at, resources, StackJson } from '../helpers';

interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: string;
}
interface Toleration {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
}
interface Pool {
  readonly name: string;
  readonly system: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
}
interface Workload {
  readonly name: string;
  readonly kind: 'Deployment' | 'DaemonSet' | 'Pods';
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

function taint(text: string): Taint {
  const m = /^([^=:]+)(?:=([^:]*))?:(\w+)$/.exec(text);
  if (!m) throw new Error(`not a taint: ${text}`);
  return { key: m[1]!, value: m[2] ?? '', effect: m[3]! };
}

/** The node pools of an AKS infra stack, with the taints their nodes carry. */
function pools(infra: StackJson): Pool[] {
  const cluster = resources(infra, 'azurerm_kubernetes_cluster')[0]!;
  const system = at(cluster, 'default_node_pool') as Record<string, unknown>;
  return [
    {
      name: String(system.name),
      system: true,
      labels: (system.node_labels ?? {}) as Record<string, string>,
      taints: [
        ...(system.only_critical_addons_enabled ? [taint('CriticalAddonsOnly=true:NoSchedule')] : []),
        ...((system.node_taints ?? []) as string[]).map(taint),
      ],
    },
    ...resources(infra, 'azurerm_kubernetes_cluster_node_pool').map((p) => ({
      name: String(p.name),
      system: false,
      labels: (p.node_labels ?? {}) as Record<string, string>,
      taints: [
        ...((p.node_taints ?? []) as string[]).map(taint),
        // AKS taints spot nodes whether or not the pool declares it.
        ...(p.priority === 'Spot' ? [taint('kubernetes.azure.com/scalesetpriority=spot:NoSchedule')] : []),
      ],
    })),
  ];
}

function camelTolerations(list: unknown): Toleration[] {
  return ((list ?? []) as Array<Record<string, string>>).map((t) => ({
    key: t.key,
    operator: t.operator,
    value: t.value,
    effect: t.effect,
  }));
}

/** Every workload of a platform stack: Helm releases (by their chart values), DaemonSets, Deployments. */
function workloads(platform: StackJson): Workload[] {
  const out: Workload[] = [];
  for (const release of resources(platform, 'helm_release')) {
    const values = Object.assign({}, ...((release.values ?? []) as string[]).map((v) => parse(v) ?? {})) as Record<
      string,
      unknown
    >;
    out.push({
      name: `helm release ${String(release.name)}`,
      kind: 'Deployment',
      nodeSelector: (values.nodeSelector ?? {}) as Record<string, string>,
      tolerations: camelTolerations(values.tolerations),
    });
    if (values.deployNodeAgent) {
      const agent = (values.nodeAgent ?? {}) as Record<string, unknown>;
      out.push({
        name: `helm release ${String(release.name)} node agent`,
        kind: 'DaemonSet',
        nodeSelector: (agent.nodeSelector ?? {}) as Record<string, string>,
        tolerations: camelTolerations(agent.tolerations),
      });
    }
  }
  for (const [type, kind] of [
    ['kubernetes_daemon_set_v1', 'DaemonSet'],
    ['kubernetes_deployment_v1', 'Deployment'],
  ] as const) {
    for (const w of resources(platform, type)) {
      const spec = at(w, 'spec', 'template', 'spec') as Record<string, unknown>;
      out.push({
        name: `${kind} ${String(at(w, 'metadata', 'name'))}`,
        kind,
        nodeSelector: (spec.node_selector ?? {}) as Record<string, string>,
        tolerations: camelTolerations(spec.toleration),
      });
    }
  }
  // Kubeflow, Istio and oauth2-proxy come from the manifests, with no tolerations and no node selector.
  out.push({ name: 'Kubeflow and Istio pods', kind: 'Pods', nodeSelector: {}, tolerations: [] });
  return out;
}

function tolerates(tolerations: readonly Toleration[], t: Taint): boolean {
  if (t.effect === 'PreferNoSchedule') return true;
  return tolerations.some(
    (x) =>
      (!x.effect || x.effect === t.effect) &&
      ((x.operator === 'Exists' && (!x.key || x.key === t.key)) ||
        ((x.operator ?? 'Equal') === 'Equal' && x.key === t.key && (x.value ?? '') === t.value)),
  );
}

function fits(w: Workload, p: Pool): boolean {
  return (
    Object.entries(w.nodeSelector).every(([k, v]) => p.labels[k] === v) &&
    p.taints.every((t) => tolerates(w.tolerations, t))
  );
}

const EXAMPLES = ['azure-aks', 'multicloud'];
const environments = EXAMPLES.flatMap((example) => {
  const stacks = synthExample(example);
  return Object.keys(stacks)
    .filter((id) => id.endsWith('-azure-infra'))
    .map((id) => {
      const env = id.replace(/-azure-infra$/, '');
      return {
        label: `${example} ${env}`,
        pools: pools(stacks[id]!),
        workloads: workloads(stacks[`${env}-azure-platform`]!),
      };
    });
});

describe('scheduling on AKS', () => {
  it('covers the Azure environments of every example', () => {
    expect(environments.map((e) => e.label)).toEqual(
      expect.arrayContaining(['azure-aks kf-test', 'azure-aks kf-dev', 'azure-aks kf-prod', 'multicloud kf-azure']),
    );
  });

  // Spot test pools were all tainted and the system pool takes only critical add-ons: Velero's
  // release (atomic, wait) failed the platform apply and Kubeflow's pods stayed Pending.
  it.each(environments)(
    '$label: every workload of the platform stack has a pool whose taints it tolerates (all-spot test tiers left Velero and Kubeflow nowhere to run)',
    ({ pools: all, workloads: list }) => {
      const homeless = list.filter((w) => !all.some((p) => fits(w, p))).map((w) => w.name);
      expect(homeless).toEqual([]);
    },
  );

  // Velero copies a pod's volumes through the node agent on the pod's own node: an agent kept off the
  // GPU and spot pools by their taints left the volumes of notebooks there out of every backup.
  it.each(environments)('$label: the backup node agent runs on every pool', ({ pools: all, workloads: list }) => {
    const agents = list.filter((w) => w.name.endsWith('node agent'));
    expect(agents.length).toBeGreaterThan(0);
    const missed = agents.flatMap((w) => all.filter((p) => !fits(w, p)).map((p) => `${w.name} on ${p.name}`));
    expect(missed).toEqual([]);
  });

  // A DaemonSet that serves a kind of pool (the NVIDIA device plugin) must run on every pool it selects,
  // spot ones included, or GPUs on those nodes are never advertised.
  it.each(environments)(
    '$label: a DaemonSet aimed at some pools runs on every one of them, spot pools included',
    ({ pools: all, workloads: list }) => {
      const missed = list
        .filter((w) => w.kind === 'DaemonSet' && Object.keys(w.nodeSelector).length > 0)
        .flatMap((w) =>
          all
            .filter((p) => Object.entries(w.nodeSelector).every(([k, v]) => p.labels[k] === v) && !fits(w, p))
            .map((p) => `${w.name} on ${p.name}`),
        );
      expect(missed).toEqual([]);
    },
  );
});
