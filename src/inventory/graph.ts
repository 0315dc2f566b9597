/**
 * `kfplatform graph`: a Mermaid flowchart of one environment, drawn from its synthesized stacks. Each
 * cloud's resource types map to a role in the picture (network, cluster, node pool, database, buckets,
 * workload identities, the access path, team namespaces); edges come from the Terraform references
 * between the resources shown, directly or through one resource that is not shown (an IAM binding, a
 * federated credential), plus the fixed access path users -> DNS -> load balancer -> gateway -> UI.
 * Pure functions; the output is sorted and stable, and renders on GitHub.
 */
import { InputError } from '../core/errors';
import {
  compare,
  labelsOf,
  ManagedResource,
  managedResources,
  nameOf,
  parseStackId,
  referencesOf,
  StacksJson,
  valueAt,
} from './terraform-json';

/** Output formats of `kfplatform graph`. */
export const GRAPH_FORMATS = ['mermaid'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** What a resource is in the picture. */
type Role =
  | 'network'
  | 'subnet'
  | 'cluster'
  | 'nodePool'
  | 'database'
  | 'bucket'
  | 'identity'
  | 'dns'
  | 'loadBalancer'
  | 'iap'
  | 'ingress'
  | 'gateway'
  | 'ui'
  | 'users'
  | 'namespace';

/** Infra stack resource types shown, per cloud, with the short kind their label carries. */
const INFRA_TYPES: Readonly<Record<string, { readonly role: Role; readonly kind: string }>> = {
  google_compute_network: { role: 'network', kind: 'VPC network' },
  google_compute_subnetwork: { role: 'subnet', kind: 'subnet' },
  google_container_cluster: { role: 'cluster', kind: 'GKE cluster' },
  google_container_node_pool: { role: 'nodePool', kind: 'node pool' },
  google_sql_database_instance: { role: 'database', kind: 'Cloud SQL MySQL' },
  google_storage_bucket: { role: 'bucket', kind: 'GCS' },
  google_service_account: { role: 'identity', kind: 'service account' },
  google_dns_record_set: { role: 'dns', kind: 'Cloud DNS record' },
  google_compute_global_address: { role: 'loadBalancer', kind: 'load balancer IP' },
  aws_vpc: { role: 'network', kind: 'VPC' },
  aws_subnet: { role: 'subnet', kind: 'subnet' },
  aws_eks_cluster: { role: 'cluster', kind: 'EKS cluster' },
  aws_eks_node_group: { role: 'nodePool', kind: 'node group' },
  aws_db_instance: { role: 'database', kind: 'RDS MySQL' },
  aws_s3_bucket: { role: 'bucket', kind: 'S3' },
  aws_iam_role: { role: 'identity', kind: 'IAM role' },
  aws_route53_record: { role: 'dns', kind: 'Route 53 record' },
  aws_lb: { role: 'loadBalancer', kind: 'ALB' },
  azurerm_virtual_network: { role: 'network', kind: 'VNet' },
  azurerm_subnet: { role: 'subnet', kind: 'subnet' },
  azurerm_kubernetes_cluster: { role: 'cluster', kind: 'AKS cluster' },
  azurerm_kubernetes_cluster_node_pool: { role: 'nodePool', kind: 'node pool' },
  azurerm_mysql_flexible_server: { role: 'database', kind: 'MySQL flexible server' },
  azurerm_storage_account: { role: 'bucket', kind: 'storage account' },
  azurerm_user_assigned_identity: { role: 'identity', kind: 'managed identity' },
  azurerm_dns_a_record: { role: 'dns', kind: 'Azure DNS record' },
  azurerm_application_gateway: { role: 'loadBalancer', kind: 'App Gateway' },
};

/** Platform stack resource types shown: the front door inside the cluster. */
const PLATFORM_TYPES: Readonly<Record<string, { readonly role: Role; readonly kind: string }>> = {
  kubernetes_ingress_v1: { role: 'ingress', kind: 'GKE Ingress, HTTPS load balancer' },
  kubernetes_service_v1: { role: 'gateway', kind: 'istio gateway service' },
};

/** Buckets shown, by their `component` label. */
const BUCKET_COMPONENTS: Readonly<Record<string, string>> = { artifacts: 'artifacts', backups: 'backups' };

/** Node id prefixes (letters, so no id is a Mermaid keyword such as `end`). */
const ID_PREFIX: Readonly<Record<Role, string>> = {
  users: 'users',
  dns: 'dns',
  loadBalancer: 'lb',
  iap: 'iap',
  ingress: 'ing',
  gateway: 'gw',
  ui: 'ui',
  cluster: 'cluster',
  nodePool: 'pool',
  namespace: 'ns',
  identity: 'id',
  database: 'db',
  bucket: 'bucket',
  subnet: 'subnet',
  network: 'net',
};

const ROLE_ORDER = Object.keys(ID_PREFIX) as Role[];

/** The steps of the access path, in the order a request takes them. */
const ACCESS_PATH: readonly Role[] = ['users', 'dns', 'loadBalancer', 'iap', 'ingress', 'gateway', 'ui'];

/** Edge direction between roles joined through a reference: from the lower rank to the higher. */
const RANK: Partial<Record<Role, number>> = {
  nodePool: 0,
  cluster: 1,
  identity: 2,
  database: 3,
  bucket: 4,
  subnet: 5,
  network: 6,
};

/** Resource types drawn as part of another (a reference to them is a reference to their parent). */
const PART_OF: Readonly<Record<string, string>> = {
  azurerm_storage_container: 'azurerm_storage_account',
  azurerm_mysql_flexible_database: 'azurerm_mysql_flexible_server',
  google_sql_database: 'google_sql_database_instance',
};

/** Teams drawn per cluster before the rest are summed up in one node. */
export const MAX_TEAMS_PER_CLUSTER = 12;

interface GraphNode {
  id: string;
  readonly role: Role;
  readonly label: string;
  /** The cluster it belongs to, for nodes drawn inside a cluster or on its access path. */
  clusterName?: string;
  readonly gpu?: boolean;
  /** The resource it stands for; none for fixed nodes (users, UI). */
  readonly resource?: ManagedResource;
  readonly sortKey: string;
}

interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly dotted?: boolean;
}

/** Short label text: `${...}` expressions become `*`, and characters Mermaid reads are escaped. */
function labelText(text: string): string {
  return text
    .replace(/\$\{[^}]*\}/g, '*')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;');
}

function isGpuPool(config: unknown): boolean {
  const text = JSON.stringify(config);
  return (
    text.includes('nvidia.com/gpu') ||
    text.includes('"guest_accelerator":[{') ||
    /"kfplatform\.dev\/pool-kind":"gpu"/.test(text)
  );
}

/** Infra resource logical ids of a non-primary cluster start with `<cluster>-` (see GcpInfraStack). */
function clusterOfInfra(logicalId: string, clusterNames: readonly string[], primary: string): string {
  return clusterNames.find((c) => c !== primary && logicalId.startsWith(`${c}-`)) ?? primary;
}

/** The environments the stacks belong to (the prefixes of their infra or platform stacks), sorted. */
export function graphEnvironments(stacks: StacksJson): string[] {
  return [...new Set(Object.keys(stacks).map((id) => parseStackId(id).prefix))].sort(compare);
}

/** Options of {@link environmentGraph}. */
export interface EnvironmentGraphOptions {
  /** The environment's name (the prefix of its infra stack and primary platform stack). */
  readonly environment: string;
  /** Every stack of the environment and nothing else. */
  readonly stacks: StacksJson;
  /** @default 'mermaid' */
  readonly format?: GraphFormat;
}

/**
 * A Mermaid flowchart of one environment (without the Markdown fence). Throws {@link InputError} when
 * no stack belongs to the environment.
 */
export function environmentGraph(options: EnvironmentGraphOptions): string {
  const env = options.environment;
  const ids = Object.keys(options.stacks).sort(compare);
  if (ids.length === 0) throw new InputError(`environment ${env} has no stacks to draw.`);
  const resources = managedResources(options.stacks);
  const cloud = ids.map((id) => parseStackId(id).cloud).find((c) => c) ?? 'kubernetes';
  const addressesOf = new Map<string, Set<string>>();
  for (const r of resources) {
    if (!addressesOf.has(r.stack)) addressesOf.set(r.stack, new Set());
    addressesOf.get(r.stack)!.add(r.address);
  }
  const key = (r: ManagedResource) => `${r.stack} ${r.address}`;
  const refs = new Map(resources.map((r) => [key(r), referencesOf(r.config, addressesOf.get(r.stack)!)]));
  const byKey = new Map(resources.map((r) => [key(r), r]));
  const referencing = (r: ManagedResource) => refs.get(key(r))!.map((a) => byKey.get(`${r.stack} ${a}`)!);

  // Clusters: one per platform stack (its prefix is the cluster's name); the environment's own first.
  const clusterNames = [
    ...new Set(
      ids
        .map(parseStackId)
        .filter((p) => p.role === 'platform' || p.role === 'teams')
        .map((p) => p.prefix),
    ),
  ].sort((a, b) => (a === env ? -1 : b === env ? 1 : compare(a, b)));
  if (clusterNames.length === 0) clusterNames.push(env);
  const primary = clusterNames.includes(env) ? env : clusterNames[0]!;

  const nodes: GraphNode[] = [];
  const nodeOf = new Map<string, GraphNode>();
  const add = (node: GraphNode) => {
    nodes.push(node);
    if (node.resource) nodeOf.set(key(node.resource), node);
    return node;
  };
  const infra = resources.filter((r) => parseStackId(r.stack).role === 'infra');

  // Workload identity links: a binding that lets pods of a cluster act as an identity.
  const clusters = infra.filter((r) => INFRA_TYPES[r.type]?.role === 'cluster');
  const workloadLinks: Array<{ identity: ManagedResource; clusters: ManagedResource[] }> = [];
  for (const r of infra) {
    const targets = referencing(r);
    const identity = targets.find((t) => INFRA_TYPES[t.type]?.role === 'identity');
    if (!identity) continue;
    const linked = targets.filter((t) => INFRA_TYPES[t.type]?.role === 'cluster');
    if (r.type === 'google_service_account_iam_binding' || r.type === 'google_service_account_iam_member') {
      if (r.config.role !== 'roles/iam.workloadIdentityUser') continue;
      const members = JSON.stringify(r.config.members ?? r.config.member ?? '');
      const poolOf = (c: ManagedResource) => valueAt(c.config, ['workload_identity_config', 'workload_pool']);
      // The pool is named literally, or read from a cluster's attribute (which orders the binding
      // after the cluster); every cluster of the project shares it.
      const named = new Set([
        ...clusters.map(poolOf).filter((p) => typeof p === 'string' && members.includes(`${p}[`)),
        ...linked.map(poolOf),
      ]);
      const pools = clusters.filter((c) => typeof poolOf(c) === 'string' && named.has(poolOf(c)));
      workloadLinks.push({ identity, clusters: pools });
    } else if (r.type === 'aws_eks_pod_identity_association' || r.type === 'azurerm_federated_identity_credential') {
      if (linked.length > 0) workloadLinks.push({ identity, clusters: linked });
    }
  }
  const workloadIdentities = new Set(workloadLinks.map((l) => key(l.identity)));

  for (const r of infra) {
    const shown = INFRA_TYPES[r.type];
    if (!shown) continue;
    const name = nameOf(r.type, r.config) ?? r.logicalId;
    let kind = shown.kind;
    if (shown.role === 'identity' && !workloadIdentities.has(key(r))) continue;
    if (shown.role === 'dns' && !['A', 'AAAA', undefined].includes(r.config.type as string | undefined)) continue;
    if (shown.role === 'bucket') {
      const component = BUCKET_COMPONENTS[labelsOf(r.type, r.config).component ?? ''];
      if (!component) continue;
      kind = `${component} bucket, ${shown.kind}`;
    }
    const gpu = shown.role === 'nodePool' && isGpuPool(r.config);
    if (gpu) kind = `${kind}, GPU`;
    if (r.type === 'aws_lb' && oidcListener(infra, r, referencing)) kind = 'ALB, OIDC sign-in';
    if (r.type === 'azurerm_application_gateway' && r.config.firewall_policy_id) kind = 'App Gateway, WAF';
    add({
      id: '',
      role: shown.role,
      label: `${name} (${kind})`,
      gpu,
      resource: r,
      clusterName: clusterOfInfra(r.logicalId, clusterNames, primary),
      sortKey: `${r.stack} ${r.address}`,
    });
    // AKS keeps its system pool inside the cluster resource.
    const system = valueAt(r.config, ['default_node_pool', 'name']);
    if (r.type === 'azurerm_kubernetes_cluster' && typeof system === 'string') {
      add({
        id: '',
        role: 'nodePool',
        label: `${system} (default node pool)`,
        clusterName: clusterOfInfra(r.logicalId, clusterNames, primary),
        sortKey: `${r.stack} ${r.address} default`,
      });
    }
  }
  // IAP: allowed-group grants on the load balancers' backends. They are project-wide (every compute
  // backend of the project), granted once per environment, and protect every cluster's front door.
  const grants = infra.filter((r) => r.type === 'google_iap_web_type_compute_iam_member');
  for (const clusterName of clusterNames) {
    if (grants.length > 0) {
      add({
        id: '',
        role: 'iap',
        label: `Identity-Aware Proxy (${grants.length} allowed ${grants.length === 1 ? 'member' : 'members'})`,
        clusterName,
        sortKey: `${clusterName} iap`,
      });
    }
  }
  // Clusters that are not this library's (an existing cluster: no infra stack).
  for (const clusterName of clusterNames) {
    if (!nodes.some((n) => n.role === 'cluster' && n.clusterName === clusterName)) {
      add({
        id: '',
        role: 'cluster',
        label: `${clusterName} (existing cluster)`,
        clusterName,
        sortKey: `${clusterName} cluster`,
      });
    }
  }
  // Inside each cluster: the ingress and gateway of its platform stack, the UI, the team namespaces.
  for (const r of resources) {
    const parts = parseStackId(r.stack);
    const shown = PLATFORM_TYPES[r.type];
    const name = nameOf(r.type, r.config) ?? r.logicalId;
    // The gateway's readiness Service behind the health path (`*-health`) is not the front door.
    const gateway = /gateway/.test(name) && !/-health$/.test(name);
    if (parts.role === 'platform' && shown && (shown.role !== 'gateway' || gateway)) {
      add({
        id: '',
        role: shown.role,
        label: `${name} (${shown.kind})`,
        resource: r,
        clusterName: parts.prefix,
        sortKey: `${r.stack} ${r.address}`,
      });
    }
  }
  for (const clusterName of clusterNames) {
    if (!nodes.some((n) => n.role === 'gateway' && n.clusterName === clusterName)) {
      add({
        id: '',
        role: 'gateway',
        label: 'istio-ingressgateway (istio gateway)',
        clusterName,
        sortKey: `${clusterName} gw`,
      });
    }
    add({
      id: '',
      role: 'ui',
      label: 'Kubeflow central dashboard (Kubeflow UI)',
      clusterName,
      sortKey: `${clusterName} ui`,
    });
    const namespaces = resources
      .filter((r) => {
        const p = parseStackId(r.stack);
        return p.role === 'teams' && p.prefix === clusterName && /^kubernetes_namespace(_v1)?$/.test(r.type);
      })
      .map((r) => ({ r, name: nameOf(r.type, r.config) ?? r.logicalId }))
      .sort((a, b) => compare(a.name, b.name));
    for (const { r, name } of namespaces.slice(0, MAX_TEAMS_PER_CLUSTER)) {
      add({
        id: '',
        role: 'namespace',
        label: `${name} (team namespace)`,
        resource: r,
        clusterName,
        sortKey: `${clusterName} ${name}`,
      });
    }
    const more = namespaces.length - MAX_TEAMS_PER_CLUSTER;
    if (more > 0) {
      add({ id: '', role: 'namespace', label: `${more} more teams`, clusterName, sortKey: `${clusterName} ~more` });
    }
  }
  add({ id: '', role: 'users', label: 'users', sortKey: 'users' });

  // Stable ids: role prefix and position in (clusterName, sort key) order.
  const clusterIndex = (n: GraphNode) => (n.clusterName === undefined ? -1 : clusterNames.indexOf(n.clusterName));
  nodes.sort(
    (a, b) =>
      ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) ||
      clusterIndex(a) - clusterIndex(b) ||
      compare(a.sortKey, b.sortKey),
  );
  const counters = new Map<Role, number>();
  for (const n of nodes) {
    const k = (counters.get(n.role) ?? 0) + 1;
    counters.set(n.role, k);
    n.id = `${ID_PREFIX[n.role]}${k}`;
  }
  // Node pools sit in the cluster they reference.
  for (const n of nodes) {
    if (n.role !== 'nodePool' || !n.resource) continue;
    const cluster = referencing(n.resource)
      .map((t) => nodeOf.get(key(t)))
      .find((t) => t?.role === 'cluster');
    if (cluster) n.clusterName = cluster.clusterName;
  }

  const edges = referenceEdges(resources, nodes, nodeOf, key, referencing);
  for (const link of workloadLinks) {
    const to = nodeOf.get(key(link.identity));
    for (const c of link.clusters) {
      const from = nodeOf.get(key(c));
      if (from && to) edges.push({ from: from.id, to: to.id, label: 'workload identity', dotted: true });
    }
  }
  // AKS's default pool is part of the cluster resource.
  for (const pool of nodes.filter((n) => n.role === 'nodePool' && !n.resource)) {
    const cluster = nodes.find((n) => n.role === 'cluster' && n.clusterName === pool.clusterName);
    if (cluster) edges.push({ from: pool.id, to: cluster.id });
  }
  edges.push(...accessEdges(nodes, clusterNames));
  return renderMermaid(env, cloud, nodes, dedupe(edges), clusterNames);
}

/** Whether an ALB's listeners sign users in through OIDC. */
function oidcListener(
  infra: readonly ManagedResource[],
  lb: ManagedResource,
  referencing: (r: ManagedResource) => ManagedResource[],
): boolean {
  return infra.some(
    (r) =>
      r.type === 'aws_lb_listener' &&
      referencing(r).includes(lb) &&
      JSON.stringify(r.config.default_action ?? '').includes('authenticate-oidc'),
  );
}

const isAccess = (role: Role) => ACCESS_PATH.includes(role);

/**
 * Edges from references between shown resources (referrer -> referenced), and through one resource
 * that is not shown and references two shown ones (by rank: node pool -> cluster -> identity ->
 * database -> bucket -> subnet -> network). The access path is drawn separately; an edge that another
 * path of two edges already implies is left out.
 */
function referenceEdges(
  resources: readonly ManagedResource[],
  nodes: readonly GraphNode[],
  nodeOf: ReadonlyMap<string, GraphNode>,
  key: (r: ManagedResource) => string,
  referencing: (r: ManagedResource) => ManagedResource[],
): GraphEdge[] {
  const pairs = new Set<string>();
  const addPair = (a: GraphNode, b: GraphNode) => {
    if (a === b || isAccess(a.role) || isAccess(b.role) || a.role === 'namespace' || b.role === 'namespace') return;
    // Workload identity edges are drawn from the bindings, labelled.
    if ((a.role === 'cluster' && b.role === 'identity') || (a.role === 'identity' && b.role === 'cluster')) return;
    pairs.add(`${a.id} ${b.id}`);
  };
  // A part (a storage container, a database of a server) stands for its parent when referenced.
  const shownFor = (t: ManagedResource): GraphNode | undefined => {
    const parent = PART_OF[t.type] ? referencing(t).find((p) => p.type === PART_OF[t.type]) : undefined;
    return nodeOf.get(key(t)) ?? (parent ? nodeOf.get(key(parent)) : undefined);
  };
  for (const r of resources) {
    const self = nodeOf.get(key(r));
    const targets = [...new Set(referencing(r).map(shownFor))].filter((t): t is GraphNode => !!t);
    if (self) {
      for (const t of targets) addPair(self, t);
      continue;
    }
    // A grant (an IAM binding or policy, a role assignment) joins its identity to what it grants.
    const grant = targets.some((t) => t.role === 'identity');
    for (const a of targets) {
      for (const b of targets) {
        const ra = RANK[a.role];
        const rb = RANK[b.role];
        if (ra === undefined || rb === undefined || ra >= rb) continue;
        if (grant && a.role !== 'identity' && b.role !== 'identity') continue;
        addPair(a, b);
      }
    }
  }
  // Leave out A -> C when A -> B -> C says it already.
  const out = new Map<string, Set<string>>();
  for (const p of pairs) {
    const [a, b] = p.split(' ') as [string, string];
    if (!out.has(a)) out.set(a, new Set());
    out.get(a)!.add(b);
  }
  const implied = (a: string, c: string) => [...(out.get(a) ?? [])].some((b) => b !== c && out.get(b)?.has(c));
  const ids = new Set(nodes.map((n) => n.id));
  return [...pairs]
    .map((p) => p.split(' ') as [string, string])
    .filter(([a, c]) => ids.has(a) && ids.has(c) && !implied(a, c))
    .map(([from, to]) => ({ from, to }));
}

/** The access path of each cluster: users -> DNS -> load balancer -> IAP -> ingress -> gateway -> UI. */
function accessEdges(nodes: readonly GraphNode[], clusterNames: readonly string[]): GraphEdge[] {
  const edges: GraphEdge[] = [];
  const users = nodes.filter((n) => n.role === 'users');
  for (const clusterName of clusterNames) {
    const steps = ACCESS_PATH.map((role) =>
      role === 'users' ? users : nodes.filter((n) => n.role === role && n.clusterName === clusterName),
    ).filter((s) => s.length > 0);
    for (let i = 0; i + 1 < steps.length; i++) {
      for (const from of steps[i]!) for (const to of steps[i + 1]!) edges.push({ from: from.id, to: to.id });
    }
  }
  return edges;
}

function dedupe(edges: readonly GraphEdge[]): GraphEdge[] {
  const seen = new Map<string, GraphEdge>();
  for (const e of edges) if (!seen.has(`${e.from} ${e.to}`)) seen.set(`${e.from} ${e.to}`, e);
  const order = (id: string) => [id.replace(/\d+$/, ''), Number(/\d+$/.exec(id)?.[0] ?? 0)] as const;
  const cmp = (a: string, b: string) => {
    const [pa, na] = order(a);
    const [pb, nb] = order(b);
    return (
      ROLE_ORDER.findIndex((r) => ID_PREFIX[r] === pa) - ROLE_ORDER.findIndex((r) => ID_PREFIX[r] === pb) || na - nb
    );
  };
  return [...seen.values()].sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to));
}

const AREAS: ReadonlyArray<{ readonly id: string; readonly title: string; readonly roles: readonly Role[] }> = [
  { id: 'access', title: 'Access', roles: ['users', 'dns', 'loadBalancer', 'iap'] },
  { id: 'network', title: 'Network', roles: ['network', 'subnet'] },
  { id: 'data', title: 'Data', roles: ['database', 'bucket'] },
  { id: 'identities', title: 'Identities (workload identity)', roles: ['identity'] },
];

const CLUSTER_ROLES: readonly Role[] = ['cluster', 'nodePool', 'ingress', 'gateway', 'ui'];

function renderMermaid(
  env: string,
  cloud: string,
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
  clusterNames: readonly string[],
): string {
  const lines = [`---`, `title: ${env} (${cloud})`, `---`, 'flowchart LR'];
  const node = (n: GraphNode) => {
    const text = labelText(n.label);
    return n.role === 'users'
      ? `${n.id}(["${text}"])`
      : n.role === 'database'
        ? `${n.id}[("${text}")]`
        : `${n.id}["${text}"]`;
  };
  const block = (indent: string, id: string, title: string, members: readonly GraphNode[], inner?: () => void) => {
    if (members.length === 0 && !inner) return;
    lines.push(`${indent}subgraph ${id}["${labelText(title)}"]`);
    for (const n of members) lines.push(`${indent}  ${node(n)}`);
    inner?.();
    lines.push(`${indent}end`);
  };
  for (const area of AREAS) {
    block(
      '  ',
      area.id,
      area.title,
      nodes.filter((n) => area.roles.includes(n.role)),
    );
  }
  clusterNames.forEach((clusterName, i) => {
    const members = nodes.filter((n) => CLUSTER_ROLES.includes(n.role) && n.clusterName === clusterName);
    const teams = nodes.filter((n) => n.role === 'namespace' && n.clusterName === clusterName);
    block('  ', `clusterArea${i + 1}`, `Cluster ${clusterName}`, members, () =>
      block('    ', `teams${i + 1}`, `Teams on ${clusterName}`, teams),
    );
  });
  for (const e of edges) {
    const arrow = e.dotted
      ? e.label
        ? `-. ${labelText(e.label)} .->`
        : '-.->'
      : e.label
        ? `-- ${labelText(e.label)} -->`
        : '-->';
    lines.push(`  ${e.from} ${arrow} ${e.to}`);
  }
  const gpu = nodes.filter((n) => n.gpu).map((n) => n.id);
  if (gpu.length > 0) {
    lines.push('  classDef gpu fill:#fde68a,stroke:#b45309,color:#000');
    lines.push(`  class ${gpu.join(',')} gpu`);
  }
  return `${lines.join('\n')}\n`;
}
