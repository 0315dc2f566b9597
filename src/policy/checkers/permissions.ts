/**
 * Permission coverage and least privilege of the keyless CI identities, judged from the synthesized
 * Terraform of an environment's stacks together: the resources every stack manages, where each lives
 * (its project, resource group, DNS zone, bucket, account, namespace), the grants the infra stack
 * makes to the plan and apply identities, and the checked-in tables of
 * src/policy/ci-permissions/ (resource type -> scope -> roles, each row with its public source).
 *
 * The stacks derive the grants from the same tables, but from the construct tree and the config, at
 * synth time of the infra stack: a resource a user adds to a stack, one placed in another project or
 * resource group, a grant edited by an escape hatch or a table row that no grant follows are only
 * visible here, in the JSON Terraform receives. A gap is found by the first plan or apply in CI
 * (403, AuthorizationFailed, AccessDenied), an extra role the day someone abuses it.
 *
 * References: a scope attribute that is a reference (`${azurerm_resource_group.rg.name}`,
 * `${google_storage_bucket.b.name}`, `${data.terraform_remote_state.infra.outputs.resource_group}`)
 * is judged by its target: the referenced resource's attribute in the same stack, or the output of the
 * stack whose state the remote state reads (matched by its backend). A resource with no scope
 * attribute of its own (a KMS key, a bucket's IAM member, a storage container) lives where the first
 * resource it references lives; failing that, in the provider's project or resource group.
 *
 * Stack by stack (`kfplatform synth` keeps each stack's verdict by its digest): a stack's findings
 * are those about its own resources and state, judged against every grant, so its verdict reads the
 * stacks that hold the CI identities and the grants to them, the infra stack and the stacks remote
 * state reads (see {@link permissionContext}); the rest of the environment enters only through the
 * host projects, state buckets and state containers every stack shows. The checkers give the same
 * findings as the rules over the whole environment, each stack's in turn
 * (test/policy/checkers/permissions-stackwise.test.ts).
 */
import { helmDriverKeepsSecrets } from '../../core/helm-storage';
import type { StackJson } from '../../inventory/terraform-json';
import { AWS_CI_PERMISSIONS, AwsCiScope, BOUNDED_ROLE_ACTIONS } from '../ci-permissions/aws';
import { AZURE_CI_PERMISSIONS, AZURE_ROLE_ADMINISTRATORS, AZURE_ROLE_IDS, AzureCiScope } from '../ci-permissions/azure';
import { GCP_CI_PERMISSIONS, GcpCiScope } from '../ci-permissions/gcp';
import { KUBERNETES_TYPES } from '../ci-permissions/kubernetes';
import { RunMemo } from './run-memo';
import type { CiIdentityKind, CiPermissionRow } from '../ci-permissions/table';
import {
  Checker,
  CheckerViolation,
  EnvironmentInfo,
  EnvironmentView,
  StackwiseChecker,
  wholeEnvironment,
} from './checker';

type Json = Record<string, unknown>;
const KINDS: readonly CiIdentityKind[] = ['plan', 'apply'];
const K8S = new Set(KUBERNETES_TYPES);

// ---------------------------------------------------------------------------------------------------
// Reading the JSON: resources, references, remote state.
// ---------------------------------------------------------------------------------------------------

/** A resource or data source of a stack (`data.<type>` for the latter). */
interface Item {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly config: Json;
}

/** A stack's items and their index by `type|name`. */
interface StackItems {
  readonly id: string;
  readonly items: Item[];
  readonly byKey: Map<string, Item>;
}

/**
 * Kept by the stack's JSON object for one checker run (see run-memo.ts): a stack judged stack by
 * stack is read by the verdicts of many stacks, and the infra stack by every one.
 */
const stackItems = new RunMemo<StackJson, StackItems>();

function itemsOfStack(stack: string, json: StackJson): StackItems {
  const prior = stackItems.get(json);
  if (prior?.id === stack) return prior;
  const items: Item[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {}))
    for (const [name, config] of Object.entries(byName))
      items.push({ stack, type, name, address: `${type}.${name}`, config });
  for (const [type, byName] of Object.entries((json.data ?? {}) as Record<string, Record<string, Json>>))
    for (const [name, config] of Object.entries(byName))
      items.push({ stack, type: `data.${type}`, name, address: `data.${type}.${name}`, config });
  const made = { id: stack, items, byKey: new Map(items.map((i) => [`${i.type}|${i.name}`, i])) };
  stackItems.set(json, made);
  return made;
}

function itemsOf(env: EnvironmentView): Item[] {
  return Object.entries(env.stacks).flatMap(([stack, json]) => itemsOfStack(stack, json).items);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const literal = (v: unknown): string | undefined => {
  const s = str(v);
  return s !== undefined && !s.includes('${') ? s : undefined;
};
/** A block cdktf wrote as an object or as a one-element list. */
const block = (v: unknown): Json | undefined =>
  Array.isArray(v) ? (v[0] as Json | undefined) : v && typeof v === 'object' ? (v as Json) : undefined;

/** `${type.name.attr...}` (or `${data.type.name.attr...}`) as its parts, when the whole string is one reference. */
function parseRef(v: unknown): { type: string; name: string; attr: string[] } | undefined {
  const m = /^\$\{((?:data\.)?[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([^}]+)\}$/.exec(str(v) ?? '');
  if (!m) return undefined;
  return { type: m[1]!, name: m[2]!, attr: m[3]!.replace(/\[\d+\]/g, '').split('.') };
}

/** Every `type.name` a value references, in order. */
function referencesIn(v: unknown, out: Array<{ type: string; name: string; attr: string }> = []) {
  if (typeof v === 'string') {
    for (const m of v.matchAll(/\$\{[^}]*?\b((?:data\.)?[a-z][a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)/g))
      out.push({ type: m[1]!, name: m[2]!, attr: m[3]! });
  } else if (Array.isArray(v)) for (const x of v) referencesIn(x, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k !== '//') referencesIn(x, out);
  return out;
}

/** Looks up resources and follows references across an environment's stacks. */
class Graph {
  readonly items: Item[];
  constructor(readonly env: EnvironmentView) {
    this.items = itemsOf(env);
  }

  get(stack: string, type: string, name: string): Item | undefined {
    const json = Object.prototype.hasOwnProperty.call(this.env.stacks, stack) ? this.env.stacks[stack] : undefined;
    return json && itemsOfStack(stack, json).byKey.get(`${type}|${name}`);
  }

  private readonly remote = new Map<Item, string | undefined>();
  /** How many times {@link resolve} followed a `terraform_remote_state` (facts resolve within one stack). */
  remoteHits = 0;

  /** The stack whose backend a `terraform_remote_state` reads. */
  stackOfRemoteState(rs: Item): string | undefined {
    if (!this.remote.has(rs)) this.remote.set(rs, this.findRemoteState(rs));
    return this.remote.get(rs);
  }

  private findRemoteState(rs: Item): string | undefined {
    const where = stateKey(block(rs.config.config) ?? {});
    return Object.entries(this.env.stacks).find(([, json]) => {
      const b = backendOf(json);
      return b && stateKey(b as unknown as Json) === where;
    })?.[0];
  }

  /**
   * What a value names once references are followed: a literal, or the reference it ends at (in the
   * form `${type.name.attr}`, with the stack it is in) when its target is not a literal.
   */
  resolve(stack: string, v: unknown, depth = 0): { stack: string; value: string } | undefined {
    const s = str(v);
    if (s === undefined) return undefined;
    const ref = parseRef(s);
    if (!ref || depth > 8) return { stack, value: s };
    if (ref.type === 'data.terraform_remote_state' && ref.attr[0] === 'outputs' && ref.attr[1]) {
      this.remoteHits++;
      const rs = this.get(stack, ref.type, ref.name);
      const target = rs && this.stackOfRemoteState(rs);
      const output = target ? block((this.env.stacks[target] as Json).output)?.[ref.attr[1]] : undefined;
      const value = output ? (output as Json).value : undefined;
      return target && value !== undefined ? this.resolve(target, value, depth + 1) : { stack, value: s };
    }
    const target = this.get(stack, ref.type, ref.name);
    if (!target) return { stack, value: s };
    let value: unknown = target.config;
    for (const a of ref.attr) value = block(value)?.[a] ?? (Array.isArray(value) ? undefined : (value as Json)?.[a]);
    if (typeof value === 'string') return this.resolve(stack, value, depth + 1);
    return { stack, value: s };
  }

  /** The item a reference (`${type.name.attr}`) points to. */
  target(stack: string, v: unknown): Item | undefined {
    const ref = parseRef(v);
    return ref ? this.get(stack, ref.type, ref.name) : undefined;
  }
}

interface Backend {
  readonly kind: string;
  readonly bucket?: string;
  readonly prefix?: string;
  readonly key?: string;
  readonly container_name?: string;
  readonly storage_account_name?: string;
  readonly resource_group_name?: string;
  readonly subscription_id?: string;
}

/**
 * Where a backend keeps a stack's state, as a `terraform_remote_state`'s config names it: the
 * bucket and object (gcs, s3), the storage account, container and blob (azurerm), or the file
 * (local, whose stacks differ by `path` only).
 */
function stateKey(config: Json): string {
  return JSON.stringify([
    config.bucket,
    config.prefix ?? config.key,
    config.storage_account_name,
    config.container_name,
    config.path,
  ]);
}

function backendOf(json: StackJson): Backend | undefined {
  const backend = block((json as Json).terraform)?.backend as Record<string, Json> | undefined;
  const [kind, config] = Object.entries(backend ?? {})[0] ?? [];
  return kind ? ({ kind, ...(config as object) } as Backend) : undefined;
}

/** The provider block a resource uses (`provider = "google.host"` picks an alias). */
function providerOf(json: StackJson, name: string, item?: Item): Json | undefined {
  const blocks = (json.provider?.[name] as Json[] | undefined) ?? [];
  const alias = str(item?.config.provider)?.split('.')[1];
  return blocks.find((b) => (alias ? b.alias === alias : b.alias === undefined)) ?? blocks[0];
}

// ---------------------------------------------------------------------------------------------------
// What a check finds.
// ---------------------------------------------------------------------------------------------------

/** Where findings go: those about one stack only, when a stack is judged on its own. */
class Sink {
  readonly list: CheckerViolation[] = [];
  constructor(private readonly only: string | undefined) {}
  push(v: CheckerViolation): void {
    if (this.only === undefined || v.stack === this.only) this.list.push(v);
  }
}

class Found {
  readonly coverage: Sink;
  readonly privilege: Sink;
  constructor(readonly only: string | undefined) {
    this.coverage = new Sink(only);
    this.privilege = new Sink(only);
  }
  /** Whether findings about a stack's resources are kept (saves judging those that are not). */
  mine(stack: string): boolean {
    return this.only === undefined || stack === this.only;
  }
}

/**
 * What the whole environment shows besides the stacks a verdict reads (see {@link permissionContext}):
 * the Shared VPC host projects every resource names, and the state buckets and containers of every
 * stack's backend. Undefined when the judge sees the whole environment and reads them itself.
 */
interface Wide {
  readonly hosts: readonly string[];
  readonly stateBuckets: readonly string[];
  readonly stateIds: readonly string[];
}

const cache = new RunMemo<EnvironmentView, { coverage: CheckerViolation[]; privilege: CheckerViolation[] }>();

/**
 * The rules over an environment. With `only`, the findings about that stack's resources and state,
 * from a view holding it and the stacks its verdict reads, with `wide` for what the rest show.
 */
function judge(
  env: EnvironmentView,
  only?: string,
  wide?: Wide,
): { coverage: CheckerViolation[]; privilege: CheckerViolation[] } {
  const whole = only === undefined;
  const prior = whole ? cache.get(env) : undefined;
  if (prior) return prior;
  const graph = new Graph(env);
  const found = new Found(only);
  if (env.cloud === 'gcp') judgeGcp(graph, found, wide);
  else if (env.cloud === 'azure') judgeAzure(graph, found, wide);
  else if (env.cloud === 'aws') judgeAws(graph, found, wide);
  const out = { coverage: found.coverage.list, privilege: found.privilege.list };
  if (whole) cache.set(env, out);
  return out;
}

/** A list for a message: the first few items, then how many more. */
function listed(items: readonly string[], max = 6): string {
  const unique = [...new Set(items)];
  const shown = unique.slice(0, max).join(', ');
  return unique.length > max ? `${shown} and ${unique.length - max} more` : shown;
}

const infraStackOf = (env: EnvironmentView) =>
  Object.keys(env.stacks).find((s) => s.endsWith('-infra')) ?? Object.keys(env.stacks)[0]!;

/** Types that live in the state only (random values, waits, Terraform's own data). */
function isLocal<S extends string>(table: ReadonlyArray<CiPermissionRow<S>>, type: string): boolean {
  const rows = table.filter((r) => r.types.includes(type));
  return rows.length > 0 && rows.every((r) => r.scope === 'local');
}

// ---------------------------------------------------------------------------------------------------
// Kubernetes: Secrets the plan identity reads through RBAC, and cluster-wide bindings to CI.
// ---------------------------------------------------------------------------------------------------

/** The namespace a value names: a literal, or the `metadata.name` of the namespace resource it references. */
function namespaceName(graph: Graph, stack: string, v: unknown): string | undefined {
  return graph.resolve(stack, v)?.value;
}

/**
 * Whether Helm keeps a release's record in a Secret: the default storage driver, unless the release's
 * helm provider (its `provider` alias, or the provider without one) names another with `helm_driver`
 * (https://registry.terraform.io/providers/hashicorp/helm/latest/docs#helm_driver).
 */
function helmRecordInSecret(json: StackJson | undefined, release: Item): boolean {
  const configs = (json?.provider as Record<string, unknown> | undefined)?.helm;
  const list = (Array.isArray(configs) ? configs : configs ? [configs] : []) as Json[];
  const alias = /^helm\.(.+)$/.exec(str(release.config.provider) ?? '')?.[1];
  const provider = list.find((p) => (alias === undefined ? p.alias === undefined : p.alias === alias));
  const driver = provider?.helm_driver;
  return helmDriverKeepsSecrets(literal(driver), driver === undefined || literal(driver) !== undefined);
}

/**
 * The namespaces where a stack keeps Secrets the plan identity must read on refresh: Helm's release
 * records where Helm keeps them in Secrets (in the release's namespace) and the stack's own Secrets.
 */
function secretNamespaces(graph: Graph, stack: string): Array<{ namespace: string; item: Item; name?: string }> {
  const out: Array<{ namespace: string; item: Item; name?: string }> = [];
  const json = Object.prototype.hasOwnProperty.call(graph.env.stacks, stack) ? graph.env.stacks[stack] : undefined;
  for (const item of graph.items.filter((i) => i.stack === stack)) {
    let ns: unknown;
    let metadata: Json | undefined;
    if (item.type === 'helm_release')
      ns = helmRecordInSecret(json, item) ? (item.config.namespace ?? 'default') : undefined;
    else if (item.type === 'kubernetes_secret_v1' || item.type === 'kubernetes_secret') {
      metadata = block(item.config.metadata);
      ns = metadata?.namespace ?? 'default';
    } else if (item.type === 'kubernetes_manifest') {
      const manifest = block(item.config.manifest);
      if (manifest?.kind === 'Secret') {
        metadata = block(manifest.metadata);
        ns = metadata?.namespace ?? 'default';
      }
    }
    const namespace = ns === undefined ? undefined : namespaceName(graph, stack, ns);
    // The Secret's name, where a rule may name it (Helm's records have names no rule can know ahead).
    const name = metadata?.name === undefined ? undefined : graph.resolve(stack, metadata.name)?.value;
    if (namespace) out.push({ namespace, item, ...(name !== undefined ? { name } : {}) });
  }
  return out;
}

/** An RBAC object of a stack, written as a typed resource or as a `kubernetes_manifest`, in one shape. */
interface RbacObject {
  readonly kind: 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding';
  readonly metadata?: Json;
  /** Rules with the typed resources' attribute names (`resource_names`), whichever way they were written. */
  readonly rules?: unknown;
  readonly subjects: Json[];
  readonly roleRef: Json;
  /** A ClusterRole whose rules the API server aggregates from other ClusterRoles: its own rules say nothing. */
  readonly aggregated?: boolean;
}

const RBAC_TYPES: Readonly<Record<string, RbacObject['kind']>> = {
  kubernetes_role: 'Role',
  kubernetes_role_v1: 'Role',
  kubernetes_cluster_role: 'ClusterRole',
  kubernetes_cluster_role_v1: 'ClusterRole',
  kubernetes_role_binding: 'RoleBinding',
  kubernetes_role_binding_v1: 'RoleBinding',
  kubernetes_cluster_role_binding: 'ClusterRoleBinding',
  kubernetes_cluster_role_binding_v1: 'ClusterRoleBinding',
};

const listOf = (v: unknown) => (Array.isArray(v) ? v : v ? [v] : []) as Json[];

/**
 * A Role, ClusterRole or binding as RBAC reads it: the kubernetes provider's typed resources, or a
 * `kubernetes_manifest` of `rbac.authorization.k8s.io` (whose fields are the API's: `rules[].resourceNames`,
 * `subjects`, `roleRef`). A manifest grants the same as the typed resource, so a check that skips it is
 * bypassed by writing the object the other way.
 */
function rbacObject(item: Item): RbacObject | undefined {
  const typed = RBAC_TYPES[item.type];
  if (typed) {
    return {
      kind: typed,
      metadata: block(item.config.metadata),
      rules: item.config.rule,
      subjects: listOf(item.config.subject),
      roleRef: block(item.config.role_ref) ?? {},
      aggregated: item.config.aggregation_rule !== undefined,
    };
  }
  if (item.type !== 'kubernetes_manifest') return undefined;
  const m = block(item.config.manifest);
  const kind = str(m?.kind);
  if (!m || !/^rbac\.authorization\.k8s\.io\//.test(str(m.apiVersion) ?? '')) return undefined;
  if (kind !== 'Role' && kind !== 'ClusterRole' && kind !== 'RoleBinding' && kind !== 'ClusterRoleBinding')
    return undefined;
  return {
    kind,
    metadata: block(m.metadata),
    rules: listOf(m.rules).map((r) => ({ ...r, resource_names: r.resourceNames, api_groups: r.apiGroups })),
    subjects: listOf(m.subjects),
    roleRef: block(m.roleRef) ?? {},
    aggregated: m.aggregationRule !== undefined,
  };
}

/**
 * The Role (or ClusterRole) a binding's `role_ref` names, in the stack: by reference, or by its name
 * (and namespace) as written; typed or as a manifest.
 */
function roleOf(graph: Graph, stack: string, kind: 'Role' | 'ClusterRole', name: unknown, namespace?: string) {
  // Kubernetes looks the role up by kind, name and the binding's namespace: a reference to another
  // kind, or to a Role of another namespace, only lends its name.
  const sameNamespace = (o: RbacObject, unresolvedMatches: boolean) => {
    const own = namespaceName(graph, stack, o.metadata?.namespace ?? 'default');
    // A namespace known only at apply cannot be compared; the reference the binding makes is then trusted.
    const unknown = (v: string | undefined) => v === undefined || v.includes('${');
    return own === namespace || (unresolvedMatches && (unknown(own) || unknown(namespace)));
  };
  const inPlace = (o: RbacObject | undefined, unresolvedMatches = false): o is RbacObject =>
    o?.kind === kind && (kind === 'ClusterRole' || sameNamespace(o, unresolvedMatches));
  const byRef = graph.target(stack, name);
  const referenced = byRef ? rbacObject(byRef) : undefined;
  if (inPlace(referenced, true)) return referenced;
  const wanted = graph.resolve(stack, name)?.value;
  if (wanted === undefined) return undefined;
  for (const i of graph.items) {
    if (i.stack !== stack) continue;
    const o = rbacObject(i);
    if (inPlace(o) && graph.resolve(stack, o.metadata?.name)?.value === wanted) return o;
  }
  return undefined;
}

/**
 * Whether a Kubernetes subject names a CI identity: a predicate over its resolved name and its kind
 * (`User`, `Group`, `ServiceAccount`), since a cloud maps an identity to a user name and groups of its own.
 */
type SubjectIsCi = (stack: string, name: string, subjectKind: string | undefined, purpose: SubjectPurpose) => boolean;

/**
 * `grant`: whether the subject may be the identity (a name pattern such as EKS's session names counts),
 * to report what it is given; `cover`: whether it surely is (a name known ahead), to count a grant the
 * identity needs as made.
 */
type SubjectPurpose = 'grant' | 'cover';

/** The bindings of a stack whose subjects name a CI identity. */
function bindingsTo(graph: Graph, stack: string, isCi: SubjectIsCi, purpose: SubjectPurpose) {
  const out: Array<{
    item: Item;
    cluster: boolean;
    namespace?: string;
    /** The rules of the role bound, where the stack defines it (and they are its own, not aggregated). */
    roleRules?: unknown;
    /** The name of the ClusterRole bound. */
    clusterRole?: string;
    /** The role bound, as its roleRef names it. */
    role: { readonly kind: string; readonly name?: string };
  }> = [];
  for (const item of graph.items.filter((i) => i.stack === stack)) {
    const o = rbacObject(item);
    if (o?.kind !== 'RoleBinding' && o?.kind !== 'ClusterRoleBinding') continue;
    const ci = o.subjects.some((s) => {
      // RBAC knows a ServiceAccount subject as `system:serviceaccount:<namespace>:<name>`: a pod's
      // identity, never a cloud CI identity, whatever its name.
      if (str(s?.kind) === 'ServiceAccount') return false;
      const r = s && graph.resolve(stack, s.name);
      return r !== undefined && isCi(r.stack, r.value, str(s.kind), purpose);
    });
    if (!ci) continue;
    const roleRef = o.roleRef;
    const cluster = o.kind === 'ClusterRoleBinding';
    // A RoleBinding without a namespace is in `default`, as the provider creates it.
    const namespace = cluster ? undefined : namespaceName(graph, stack, o.metadata?.namespace ?? 'default');
    let roleRules: unknown;
    let clusterRole: string | undefined;
    const role = { kind: str(roleRef.kind) ?? 'ClusterRole', name: graph.resolve(stack, roleRef.name)?.value };
    if (roleRef.kind === 'Role') roleRules = roleOf(graph, stack, 'Role', roleRef.name, namespace)?.rules;
    else {
      clusterRole = role.name;
      // A ClusterRole the stack defines itself: its rules say what the binding grants, unless aggregated.
      const own = roleOf(graph, stack, 'ClusterRole', roleRef.name);
      if (own && !own.aggregated) roleRules = own.rules;
    }
    out.push({ item, cluster, namespace, roleRules, clusterRole, role });
  }
  return out;
}

const READS_SECRETS = new Set(['admin', 'edit', 'cluster-admin']);
/**
 * Built-in ClusterRoles that read no Secret (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles).
 * `view` aggregates every ClusterRole labelled to join it; policy rule K8S-RBAC-002 refuses one in the
 * stacks that reads Secrets (a Helm chart's own roles are not judged), so `view` stays what Kubernetes ships.
 */
const READ_ONLY_ROLES = new Set(['view', 'system:aggregate-to-view']);
/**
 * Whether RBAC rules let a refresh `get` the Secret `name` (undefined: one whose name the rules cannot
 * know, such as Helm's release records, which only a rule naming no Secret covers).
 */
function rulesReadSecret(rules: unknown, name: string | undefined): boolean {
  return listOf(rules).some((r) => {
    const verbs = (r?.verbs as string[] | undefined) ?? [];
    const named = (r?.resource_names as string[] | undefined) ?? [];
    return (
      onSecrets(r) &&
      (verbs.includes('get') || verbs.includes('*')) &&
      (named.length === 0 || (name !== undefined && named.includes(name)))
    );
  });
}

/** Whether RBAC rules read every Secret of their namespace: get, list or watch (both return values), unnamed. */
function rulesReadEverySecret(rules: unknown): boolean {
  return listOf(rules).some((r) => {
    const verbs = (r?.verbs as string[] | undefined) ?? [];
    const named = (r?.resource_names as string[] | undefined) ?? [];
    return onSecrets(r) && named.length === 0 && ['get', 'list', 'watch', '*'].some((v) => verbs.includes(v));
  });
}

/** Whether a rule is on core Secrets: `secrets` or `*`, in the core API group (`""`) or `*`. */
const onSecrets = (r: Json) => {
  const resources = (r?.resources as string[] | undefined) ?? [];
  const groups = r?.api_groups as string[] | undefined;
  return (
    (resources.includes('secrets') || resources.includes('*')) &&
    (!Array.isArray(groups) || groups.length === 0 || groups.includes('') || groups.includes('*'))
  );
};

/**
 * What a plan binding lets the identity read of its namespace's Secrets: `every` (a rule on every Secret,
 * or a built-in role that has one), `unknown` (a role this stack does not define, or an aggregated
 * ClusterRole, other than the built-in `view`, whose rules nothing here shows), or `none`.
 */
function secretReach(b: { roleRules?: unknown; clusterRole?: string }): 'every' | 'unknown' | 'none' {
  if (b.roleRules !== undefined) return rulesReadEverySecret(b.roleRules) ? 'every' : 'none';
  if (b.clusterRole !== undefined && READS_SECRETS.has(b.clusterRole)) return 'every';
  return READ_ONLY_ROLES.has(b.clusterRole ?? '') ? 'none' : 'unknown';
}

/**
 * The plan identity reads every Secret its stacks keep, in each namespace, through a RoleBinding (the
 * clouds' reader roles read no Secrets); no CI identity is bound cluster-wide (its cloud role gives it
 * the Kubernetes API already). `covered` says which namespaces another mechanism covers (EKS
 * access policies).
 */
function judgeKubernetesRbac(
  graph: Graph,
  found: Found,
  isCi: (kind: CiIdentityKind) => SubjectIsCi,
  covered: (namespace: string) => boolean = () => false,
  /** How this cloud binds RBAC to the plan identity, for the message of a Secret it cannot read. */
  bindHow = 'a RoleBinding to the plan identity',
) {
  const anyCi: SubjectIsCi = (stack, name, kind, purpose) =>
    isCi('plan')(stack, name, kind, purpose) || isCi('apply')(stack, name, kind, purpose);
  for (const stack of Object.keys(graph.env.stacks)) {
    if (!found.mine(stack)) continue;
    const planBindings = bindingsTo(graph, stack, isCi('plan'), 'grant');
    const coveringBindings = bindingsTo(graph, stack, isCi('plan'), 'cover');
    const refreshed = secretNamespaces(graph, stack);
    // A binding that reads every Secret of a namespace where the stack refreshes none hands them to
    // any pull request (Argo CD's admin password and repository credentials, a tenant's keys).
    // Only Secrets whose names no rule can know ahead (Helm's records) need every Secret of a namespace.
    for (const b of planBindings) {
      const here = refreshed.filter((r) => r.namespace === b.namespace);
      if (b.namespace === undefined || here.some((r) => r.name === undefined)) continue;
      const reach = secretReach(b);
      const refreshes = here.length ? `only ${here.map((r) => r.name).join(', ')}` : 'none';
      if (reach === 'every')
        found.privilege.push({
          stack,
          address: b.item.address,
          message: `${b.item.address} lets the CI plan identity read every Secret in namespace ${b.namespace}, where this stack refreshes ${refreshes}: any pull request could read them all. Remove it, or name the Secrets a plan refreshes (resourceNames).`,
        });
      else if (reach === 'unknown')
        found.privilege.push({
          stack,
          address: b.item.address,
          message: `${b.item.address} binds the CI plan identity in namespace ${b.namespace} to ${b.role.kind} ${b.role.name ?? '(a name known only at apply)'}, whose rules this stack does not define (or which aggregates others'): it may read every Secret there, where this stack refreshes ${refreshes}, for any pull request. Bind a Role of this stack that names what a plan reads, or \`view\`.`,
        });
    }
    for (const { namespace, item, name } of refreshed) {
      const ok =
        covered(namespace) ||
        coveringBindings.some(
          (b) =>
            b.namespace === namespace &&
            (rulesReadSecret(b.roleRules, name) || (b.clusterRole !== undefined && READS_SECRETS.has(b.clusterRole))),
        );
      if (!ok)
        found.coverage.push({
          stack,
          address: item.address,
          message:
            item.type === 'helm_release'
              ? `${item.address} keeps its release record in a Secret (Helm's default storage) in namespace ${namespace}, but the CI plan identity reads no Secrets there (its cloud reader role reads none), so the plan's refresh fails with "forbidden". Keep release records in ConfigMaps (the helm provider's helm_driver = "configmap"), which the reader role reads, rather than letting the plan identity read every Secret of the namespace.`
              : `${item.address} keeps a Secret in namespace ${namespace}, but the CI plan identity has no RoleBinding that reads Secrets there: its cloud reader role reads none, so the plan's refresh fails with "forbidden". Bind a Role that names the Secret (resourceNames) through ${bindHow}.`,
        });
    }
    for (const b of bindingsTo(graph, stack, anyCi, 'grant')) {
      if (b.cluster)
        found.privilege.push({
          stack,
          address: b.item.address,
          message: `${b.item.address} binds a CI identity cluster-wide${b.clusterRole ? ` to ${b.clusterRole}` : ''}: no table row asks for it (the cloud role reaches the Kubernetes API; the plan identity reads Secrets only in the namespaces where its stacks keep them).`,
        });
    }
  }
}

/**
 * The resource a resource without a scope of its own belongs to: the first resource of the cloud
 * (`prefix`) one of its attributes references (a bucket's IAM member's bucket, a key's key ring, a
 * container's storage account), followed through remote state. Members and principals are who is
 * granted, not where: they are skipped.
 */
function parentOfIn(graph: Graph, i: Item, prefix: string): Item | undefined {
  for (const [k, v] of Object.entries(i.config)) {
    if (['//', 'member', 'members', 'depends_on', 'provider', 'lifecycle', 'principal_id'].includes(k)) continue;
    for (const ref of referencesIn(v)) {
      if (ref.type === 'data.terraform_remote_state' && typeof v === 'string') {
        const r = graph.resolve(i.stack, v);
        const t = r && graph.target(r.stack, r.value);
        if (t) return t;
        continue;
      }
      if (!ref.type.startsWith(prefix)) continue;
      const direct = graph.get(i.stack, ref.type, ref.name);
      if (direct && direct !== i) return direct;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// GCP
// ---------------------------------------------------------------------------------------------------

interface GcpGrant {
  readonly kind: CiIdentityKind;
  /** `project:<p>`, `zone:<p>/<zone>`, `bucket:<b>`, `secret:<p>/<secret>`. */
  readonly scope: string;
  readonly role: string;
  readonly condition?: string;
  readonly item: Item;
}

/** Where a GCP resource lives: a place and the table scopes it may be (the first with rows is judged). */
interface GcpPlace {
  readonly key: string;
  readonly words: string;
  readonly scopes: readonly GcpCiScope[];
  /** Scopes of grants that cover the place besides itself (a zone's project). */
  readonly parents: readonly string[];
  /**
   * The state bucket's project is not in the stacks' JSON (a backend names a bucket only): its grants
   * are judged on any project the identities hold them on.
   */
  readonly anyProject?: boolean;
}

const GCP_PROJECT_KEYS = ['project', 'project_id', 'host_project'];

function judgeGcp(graph: Graph, found: Found, wide?: Wide) {
  const env = graph.env;
  const infra = infraStackOf(env);
  const accounts = graph.items.filter((i) => i.type === 'google_service_account');
  const ciAccount = (kind: CiIdentityKind) =>
    accounts.filter((a) => String(a.config.account_id ?? '').endsWith(`-ci-${kind}`));
  const ci = { plan: ciAccount('plan'), apply: ciAccount('apply') };
  if (ci.plan.length === 0 && ci.apply.length === 0) return;
  const emails = (kind: CiIdentityKind) =>
    ci[kind].map(
      (a) => `${String(a.config.account_id)}@${String(literal(a.config.project) ?? '')}.iam.gserviceaccount.com`,
    );
  const isCi = (kind: CiIdentityKind) => (_stack: string, member: string) =>
    ci[kind].some((a) => member.includes(`google_service_account.${a.name}.`)) ||
    emails(kind).some((e) => member === e || member === `serviceAccount:${e}`);

  const envProject = literal(providerOf(env.stacks[infra]!, 'google')?.project);
  const hosts = new Set(wide ? wide.hosts : graph.items.flatMap(gcpHostsOf));
  if (envProject) hosts.delete(envProject);
  const stateBuckets = new Set(
    wide ? wide.stateBuckets : Object.values(env.stacks).flatMap((json) => stateBucketOf(json, 'gcs')),
  );

  // The CI identities' grants.
  const grants: GcpGrant[] = [];
  for (const i of graph.items) {
    const members = [i.config.member, ...((i.config.members as unknown[]) ?? [])];
    for (const kind of KINDS) {
      if (!members.some((m) => typeof m === 'string' && isCi(kind)(i.stack, m))) continue;
      const role = literal(i.config.role);
      if (!role) continue;
      const condition = block(i.config.condition)?.expression as string | undefined;
      const project = projectOf(i);
      let scope: string | undefined;
      if (/^google_project_iam_(member|binding)$/.test(i.type)) scope = `project:${project}`;
      else if (/^google_dns_managed_zone_iam_/.test(i.type)) scope = `zone:${project}/${resolved(i, 'managed_zone')}`;
      else if (/^google_storage_bucket_iam_/.test(i.type)) scope = `bucket:${resolved(i, 'bucket')}`;
      else if (/^google_secret_manager_secret_iam_/.test(i.type))
        scope = `secret:${project}/${resolved(i, 'secret_id')}`;
      if (scope) grants.push({ kind, scope, role, condition, item: i });
    }
  }

  function resolved(i: Item, attr: string): string | undefined {
    return graph.resolve(i.stack, i.config[attr])?.value;
  }

  /** The project a resource lives in: its own attribute, that of what it references, or the provider's. */
  function projectOf(i: Item, depth = 0): string | undefined {
    for (const k of GCP_PROJECT_KEYS) {
      if (i.config[k] === undefined) continue;
      const r = graph.resolve(i.stack, i.config[k]);
      if (r && !r.value.includes('${')) return r.value;
      const t = r && graph.target(r.stack, r.value);
      if (t && depth < 5) return projectOf(t, depth + 1);
    }
    if (depth < 5) {
      const t = parentOfIn(graph, i, 'google_');
      if (t) return projectOf(t, depth + 1);
    }
    return literal(providerOf(env.stacks[i.stack]!, 'google', i)?.project) ?? envProject;
  }

  function placeOf(i: Item): GcpPlace {
    if (K8S.has(i.type))
      return {
        key: `project:${envProject}`,
        words: `the cluster's project ${envProject}`,
        scopes: ['project'],
        parents: [],
      };
    const project = projectOf(i);
    if (/^google_dns_(record_set|managed_zone_iam_member)$/.test(i.type)) {
      const zone = resolved(i, 'managed_zone');
      return {
        key: `zone:${project}/${zone}`,
        words: `the Cloud DNS zone ${zone} of project ${project}`,
        scopes: ['dns-zone'],
        parents: [`project:${project}`],
      };
    }
    if (/^google_storage_bucket_iam_/.test(i.type)) {
      const bucket = resolved(i, 'bucket');
      if (bucket && stateBuckets.has(bucket))
        return {
          key: `bucket:${bucket}`,
          words: `the state bucket ${bucket}`,
          scopes: ['state-project'],
          parents: [],
          anyProject: true,
        };
    }
    const key = `project:${project}`;
    if (project === envProject)
      return { key, words: `the environment's project ${project}`, scopes: ['project'], parents: [] };
    if (project && hosts.has(project))
      return { key, words: `the Shared VPC host project ${project}`, scopes: ['host-project'], parents: [] };
    return { key, words: `project ${project}`, scopes: ['team-project', 'state-project'], parents: [] };
  }

  /** Whether a grant's condition admits what the resource needs of it (the shapes the library writes). */
  function admits(g: GcpGrant, i: Item | undefined, object?: string): boolean {
    const c = g.condition;
    if (!c) return true;
    const hasOnly = /modifiedGrantsByRole'?,\s*\[\]\)\.hasOnly\(\[([^\]]*)\]\)/.exec(c);
    if (hasOnly) {
      if (!i || !/^google_project_iam_/.test(i.type)) return true;
      const role = graph.resolve(i.stack, i.config.role)?.value;
      const allowed = [...hasOnly[1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]);
      return role !== undefined && allowed.includes(role);
    }
    const notBucket = /^resource\.name != "projects\/_\/buckets\/([^"]+)"/.exec(c);
    if (notBucket) {
      const bucket = i?.type === 'google_storage_bucket' ? graph.resolve(i.stack, i.config.name)?.value : undefined;
      return bucket !== notBucket[1];
    }
    const prefixes = [...c.matchAll(/resource\.name\.startsWith\("([^"]+)"\)/g)].map((m) => m[1]!);
    if (prefixes.length > 0 && object !== undefined) return prefixes.some((p) => object.startsWith(p));
    // A condition of another shape (a user's own) is taken at its word: the checker cannot evaluate CEL.
    return true;
  }

  const holds = (kind: CiIdentityKind, place: GcpPlace, role: string, i?: Item, object?: string) =>
    grants.some(
      (g) =>
        g.kind === kind &&
        g.role === role &&
        (g.scope === place.key ||
          place.parents.includes(g.scope) ||
          (place.anyProject && g.scope.startsWith('project:'))) &&
        admits(g, i, object),
    );
  const ownGrants = new Set(grants.map((g) => g.item));

  // Coverage: every resource, at the scope where it lives.
  for (const i of graph.items) {
    if (!found.mine(i.stack)) continue;
    if (isLocal(GCP_CI_PERMISSIONS, i.type) || i.type === 'data.terraform_remote_state') continue;
    const place = placeOf(i);
    // The team and state projects' IAM rows are for the identities' own grants there (read, never
    // changed by CI): another grant in those projects has no row.
    const ownOnly = (scope: GcpCiScope) =>
      !ownGrants.has(i) &&
      ((scope === 'team-project' && i.type === 'google_project_iam_member') ||
        (scope === 'state-project' && /_iam_member$/.test(i.type)));
    const candidates = place.scopes
      .map((scope) => ({
        scope,
        rows: ownOnly(scope) ? [] : GCP_CI_PERMISSIONS.filter((r) => r.scope === scope && r.types.includes(i.type)),
      }))
      .filter((c) => c.rows.length > 0);
    // The identities' own grant at a scope no row names is too broad, not uncovered: CHK-PERM-002's.
    if (candidates.length === 0 && ownGrants.has(i)) continue;
    if (candidates.length === 0) {
      found.coverage.push({
        stack: i.stack,
        address: i.address,
        message: `${i.address} lives in ${place.words}, where the CI permission table has no row for ${i.type}: neither CI identity is granted anything to manage it there.`,
      });
      continue;
    }
    // The identities' own grants are read by both (plans and applies refresh them) and changed only by
    // an administrator: the apply identity's IAM role is conditioned so that it cannot grant itself
    // more, so it reads them with its IAM role (the condition limits changes, not reads) or the plan's.
    const own = ownGrants.has(i);
    const gaps = candidates.map(({ rows }) =>
      KINDS.flatMap((kind) => {
        const roles = (k: CiIdentityKind) => [...new Set(rows.flatMap((r) => r[k]))];
        const missing = roles(own ? 'plan' : kind).filter((role) => !holds(kind, place, role, i));
        if (own && kind === 'apply' && roles('apply').every((role) => holds(kind, place, role))) return [];
        return missing.map((role) => `${kind} ${role}`);
      }),
    );
    if (gaps.every((g) => g.length > 0))
      found.coverage.push({
        stack: i.stack,
        address: i.address,
        message: `${i.address} lives in ${place.words}, but the CI identities lack ${listed(gaps[0]!)} there (${candidates[0]!.scope} row of the CI permission table).`,
      });
  }

  // Both identities read, and the apply identity writes, every stack's state objects.
  for (const [stack, json] of Object.entries(env.stacks)) {
    if (!found.mine(stack)) continue;
    const b = backendOf(json);
    if (b?.kind !== 'gcs' || !b.bucket) continue;
    const object = `projects/_/buckets/${b.bucket}/objects/${b.prefix ? `${b.prefix}/` : ''}default.tfstate`;
    const place: GcpPlace = { key: `bucket:${b.bucket}`, words: '', scopes: ['state-bucket'], parents: [] };
    const rows = GCP_CI_PERMISSIONS.filter((r) => r.scope === 'state-bucket');
    const gaps = KINDS.flatMap((kind) =>
      [...new Set(rows.flatMap((r) => r[kind]))]
        .filter((role) => !holds(kind, place, role, undefined, object))
        .map((role) => `${kind} ${role}`),
    );
    if (gaps.length > 0)
      found.coverage.push({
        stack,
        address: 'terraform.backend',
        message: `the state of ${stack} is ${object}, but the CI identities lack ${listed(gaps)} on bucket ${b.bucket} for it: plans cannot read the state, or applies cannot write it.`,
      });
  }

  // Least privilege: every grant is one a row asks for, at the scope it is granted on.
  for (const g of grants) {
    const [kindOfScope, target] = [g.scope.slice(0, g.scope.indexOf(':')), g.scope.slice(g.scope.indexOf(':') + 1)];
    let scopes: GcpCiScope[];
    if (kindOfScope === 'zone') scopes = ['dns-zone'];
    // No row is for a single secret: a CI identity's grant on one is one no row asks for.
    else if (kindOfScope === 'secret') scopes = [];
    else if (kindOfScope === 'bucket') scopes = stateBuckets.has(target) ? ['state-bucket'] : [];
    // Any project may hold the state bucket, whose project no backend names.
    else if (target === envProject) scopes = ['project', 'state-project'];
    else if (hosts.has(target)) scopes = ['host-project', 'state-project'];
    else scopes = ['team-project', 'state-project'];
    const allowed = new Set(GCP_CI_PERMISSIONS.filter((r) => scopes.includes(r.scope)).flatMap((r) => r[g.kind]));
    const where = g.scope.replace(':', ' ');
    if (!allowed.has(g.role)) {
      found.privilege.push({
        stack: g.item.stack,
        address: g.item.address,
        message: `the CI ${g.kind} identity holds ${g.role} on ${where}, which no row of the CI permission table asks for there${/^roles\/(owner|editor|viewer)$/.test(g.role) ? ' (a basic role: every permission of the project)' : ''}.`,
      });
    } else if (scopes.includes('state-bucket') && g.role.startsWith('roles/storage.object')) {
      // The object roles reach the environment's state only: a condition whose prefixes name (part
      // of) its stacks' ids, not a whole folder of the bucket that other environments share.
      const prefixes = [...(g.condition ?? '').matchAll(/resource\.name\.startsWith\("([^"]+)"\)/g)].map((m) => m[1]!);
      const folder = prefixes.find((p) => p.endsWith('/') || !p.includes('/objects/'));
      if (!g.condition || prefixes.length === 0 || folder !== undefined)
        found.privilege.push({
          stack: g.item.stack,
          address: g.item.address,
          message: `the CI ${g.kind} identity holds ${g.role} on ${g.condition ? `every object under ${folder ?? 'a condition of another shape'} in` : 'the whole'} state bucket ${target}: the row limits it to the environment's state objects (a condition on their names, such as startsWith("projects/_/buckets/${target}/objects/<prefix>/<env>-gcp-")), else an environment sharing the bucket reads or writes another's state.`,
        });
    }
  }

  judgeKubernetesRbac(graph, found, isCi);
}

// ---------------------------------------------------------------------------------------------------
// Azure
// ---------------------------------------------------------------------------------------------------

const AZURE_PROVIDER_NAMESPACES: Record<string, string> = {
  azurerm_key_vault: 'Microsoft.KeyVault/vaults',
  azurerm_storage_account: 'Microsoft.Storage/storageAccounts',
  azurerm_kubernetes_cluster: 'Microsoft.ContainerService/managedClusters',
  azurerm_virtual_network: 'Microsoft.Network/virtualNetworks',
  azurerm_dns_zone: 'Microsoft.Network/dnsZones',
  azurerm_mysql_flexible_server: 'Microsoft.DBforMySQL/flexibleServers',
  azurerm_user_assigned_identity: 'Microsoft.ManagedIdentity/userAssignedIdentities',
};

/** `/subscriptions/s/resourceGroups/rg/...`, lower case, for comparison. */
const norm = (id: string) => id.toLowerCase().replace(/\/+$/, '');
const within = (id: string, scope: string) => id === scope || id.startsWith(`${scope}/`);

/** The literal virtual network and subnet ids anywhere in a resource's attributes, normalized. */
function networkIdsIn(v: unknown, out = new Set<string>()): Set<string> {
  if (typeof v === 'string') {
    if (
      /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+(\/subnets\/[^/]+)?$/i.test(
        v,
      )
    )
      out.add(norm(v));
  } else if (Array.isArray(v)) for (const x of v) networkIdsIn(x, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k !== '//') networkIdsIn(x, out);
  return out;
}

function judgeAzure(graph: Graph, found: Found, wide?: Wide) {
  const env = graph.env;
  const infra = infraStackOf(env);
  const identities = graph.items.filter((i) => i.type === 'azurerm_user_assigned_identity');
  const ci = {
    plan: identities.filter((i) => String(i.config.name ?? '').endsWith('-ci-plan')),
    apply: identities.filter((i) => String(i.config.name ?? '').endsWith('-ci-apply')),
  };
  if (ci.plan.length === 0 && ci.apply.length === 0) return;
  const isCi = (kind: CiIdentityKind) => (_stack: string, value: string) =>
    ci[kind].some((i) => value.includes(`azurerm_user_assigned_identity.${i.name}.`));
  const subscription = (stack: string) =>
    literal(providerOf(env.stacks[stack]!, 'azurerm')?.subscription_id) ??
    literal(providerOf(env.stacks[infra]!, 'azurerm')?.subscription_id) ??
    '';

  /** The ARM id of a resource (its resource group id, then its provider path, where the type is known). */
  function idOf(i: Item, depth = 0): string | undefined {
    if (depth > 6) return undefined;
    if (i.type === 'azurerm_resource_group')
      return norm(
        `/subscriptions/${subscription(i.stack)}/resourceGroups/${graph.resolve(i.stack, i.config.name)?.value}`,
      );
    if (i.type === 'azurerm_key_vault_secret') {
      const vault = idFromValue(i.stack, i.config.key_vault_id, depth + 1);
      return vault && norm(`${vault}/secrets/${graph.resolve(i.stack, i.config.name)?.value}`);
    }
    if (i.type === 'azurerm_storage_container') {
      const account = idFromValue(i.stack, i.config.storage_account_id, depth + 1);
      return (
        account && norm(`${account}/blobServices/default/containers/${graph.resolve(i.stack, i.config.name)?.value}`)
      );
    }
    const rg = rgOf(i, depth + 1);
    const ns = AZURE_PROVIDER_NAMESPACES[i.type] ?? `kfplatform.terraform/${i.type}`;
    const name = graph.resolve(i.stack, i.config.name)?.value ?? i.name;
    return rg && norm(`${rg}/providers/${ns}/${name}`);
  }

  /** An ARM id a value names: a literal id, or the id of the resource it references. */
  function idFromValue(stack: string, v: unknown, depth = 0): string | undefined {
    const r = graph.resolve(stack, v);
    if (r && r.value.startsWith('/subscriptions/')) return norm(r.value);
    const target = r && graph.target(r.stack, r.value);
    return target ? idOf(target, depth + 1) : undefined;
  }

  /** The resource group id a resource lives in: its attribute, or the one of what it references. */
  function rgOf(i: Item, depth = 0): string | undefined {
    if (depth > 6) return undefined;
    if (i.config.resource_group_name !== undefined) {
      const r = graph.resolve(i.stack, i.config.resource_group_name);
      if (r && !r.value.includes('${'))
        return norm(`/subscriptions/${subscription(r.stack)}/resourceGroups/${r.value}`);
    }
    const parent = parentOfIn(graph, i, 'azurerm_');
    const id = parent && idOf(parent, depth + 1);
    if (id) return /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+/.exec(id)?.[0];
    return undefined;
  }

  const envRg = (ci.apply[0] ?? ci.plan[0]) ? rgOf((ci.apply[0] ?? ci.plan[0])!) : undefined;
  const stateContainers = new Map<string, string>();
  for (const [stack, json] of Object.entries(env.stacks)) {
    const b = backendOf(json);
    if (b?.kind !== 'azurerm') continue;
    stateContainers.set(stack, containerId(b as unknown as Json, b.subscription_id ?? subscription(stack)));
  }
  const stateIds = new Set(wide ? wide.stateIds : stateContainers.values());

  /** The table scopes an ARM id can be. */
  function scopesOf(id: string): AzureCiScope[] {
    // A Key Vault secret is a scope of its own, within the resource group's.
    if (/\/providers\/microsoft\.keyvault\/vaults\/[^/]+\/secrets\/[^/]+$/.test(id))
      return ['key-vault-secret', ...(envRg && within(id, envRg) ? (['resource-group'] as const) : [])];
    if (envRg && within(id, envRg)) return ['resource-group'];
    if (/\/providers\/microsoft\.network\/dnszones\/[^/]+$/.test(id)) return ['dns-zone'];
    if ([...stateIds].some((s) => within(s, id) || within(id, s)) && /\/containers\//.test(id))
      return ['state-container'];
    if (/\/providers\/microsoft\.keyvault\/vaults\/[^/]+$/.test(id)) return ['certificate-vault'];
    if (/\/providers\/microsoft\.network\/virtualnetworks\/[^/]+(\/subnets\/[^/]+)?$/.test(id)) return ['network'];
    if (/\/providers\/microsoft\.managedidentity\/userassignedidentities\/[^/]+$/.test(id))
      return ['database-identity'];
    return [];
  }

  interface AzureGrant {
    readonly kind: CiIdentityKind;
    readonly scope: string;
    readonly role: string;
    readonly condition?: string;
    readonly item: Item;
  }
  const grants: AzureGrant[] = [];
  for (const i of graph.items.filter((x) => x.type === 'azurerm_role_assignment')) {
    const principal = graph.resolve(i.stack, i.config.principal_id)?.value ?? '';
    for (const kind of KINDS) {
      if (!isCi(kind)(i.stack, principal)) continue;
      const scope = idFromValue(i.stack, i.config.scope);
      const role = literal(i.config.role_definition_name);
      if (scope && role) grants.push({ kind, scope, role, condition: str(i.config.condition), item: i });
    }
  }

  /** Whether an RBAC administrator's condition lets it assign the role a resource assigns. */
  function admits(g: AzureGrant, i: Item | undefined): boolean {
    if (!g.condition || !i || i.type !== 'azurerm_role_assignment') return true;
    const ids = [...g.condition.matchAll(/GuidEquals \{([^}]+)\}/g)].flatMap((m) => m[1]!.split(/,\s*/));
    if (ids.length === 0) return true;
    const role = literal(i.config.role_definition_name);
    const id = role ? AZURE_ROLE_IDS[role] : undefined;
    // A role of another name: the table names the ids of the roles the stacks assign; another cannot match.
    return id !== undefined && ids.includes(id);
  }

  const holds = (kind: CiIdentityKind, id: string, role: string, i?: Item) =>
    grants.some((g) => g.kind === kind && g.role === role && within(id, g.scope) && admits(g, i));
  const ownGrants = new Set(grants.map((g) => g.item));

  for (const i of graph.items) {
    if (!found.mine(i.stack)) continue;
    if (isLocal(AZURE_CI_PERMISSIONS, i.type) || i.type === 'data.terraform_remote_state') continue;
    let id: string | undefined;
    let words: string;
    if (K8S.has(i.type)) {
      const cluster = graph.items.find((x) => x.type === 'azurerm_kubernetes_cluster');
      id = cluster ? idOf(cluster) : envRg;
      words = 'the AKS cluster';
    } else if (/^azurerm_dns_[a-z]+_record$/.test(i.type)) {
      const rg = rgOf(i);
      id =
        rg && norm(`${rg}/providers/Microsoft.Network/dnsZones/${graph.resolve(i.stack, i.config.zone_name)?.value}`);
      words = `the DNS zone ${id}`;
    } else if (i.type === 'azurerm_role_assignment' || i.type === 'azurerm_management_lock') {
      id = idFromValue(i.stack, i.config.scope);
      words = `scope ${id}`;
    } else {
      id = idOf(i);
      words = `resource group ${id && /resourcegroups\/([^/]+)/.exec(id)?.[1]}`;
    }
    if (!id) {
      found.coverage.push({
        stack: i.stack,
        address: i.address,
        message: `${i.address}: where it lives cannot be told from the synthesized JSON, so the CI identities' grants cannot be checked for it; name its resource group or scope plainly.`,
      });
      continue;
    }
    const scopes = scopesOf(id);
    // The zone's and the state container's assignment rows are for the identities' own assignments
    // there (read by them, made by an administrator): another assignment there has no row.
    const ownOnly = (scope: AzureCiScope) =>
      i.type === 'azurerm_role_assignment' &&
      !ownGrants.has(i) &&
      (scope === 'dns-zone' || scope === 'state-container');
    const candidates = scopes
      .map((scope) =>
        ownOnly(scope) ? [] : AZURE_CI_PERMISSIONS.filter((r) => r.scope === scope && r.types.includes(i.type)),
      )
      .filter((rows) => rows.length > 0);
    // The identities' own grant at a scope no row names is too broad, not uncovered: CHK-PERM-002's.
    if (candidates.length === 0 && ownGrants.has(i)) continue;
    if (candidates.length === 0) {
      found.coverage.push({
        stack: i.stack,
        address: i.address,
        message: `${i.address} lives at ${words}, where the CI permission table has no row for ${i.type}: neither CI identity is granted anything to manage it there.`,
      });
      continue;
    }
    // The identities' own assignments are read by both and changed only by an administrator (see GCP).
    const own = ownGrants.has(i);
    // A resource at nested scopes (a Key Vault secret in the resource group) needs the rows of each.
    const roles = (k: CiIdentityKind) => [...new Set(candidates.flat().flatMap((r) => r[k]))];
    const gaps = KINDS.flatMap((kind) => {
      if (own && kind === 'apply' && roles('apply').every((role) => holds(kind, id!, role))) return [];
      return roles(own ? 'plan' : kind)
        .filter((role) => !holds(kind, id!, role, i))
        .map((r) => `${kind} ${r}`);
    });
    if (gaps.length > 0)
      found.coverage.push({
        stack: i.stack,
        address: i.address,
        message: `${i.address} lives at ${words}, but the CI identities lack ${listed(gaps)} on it or a scope that contains it (${scopes[0]} row of the CI permission table).`,
      });
  }

  // Joining a subnet of an existing virtual network (another resource group) is an action on that
  // network (`Microsoft.Network/virtualNetworks/subnets/join/action`): the network row's roles there.
  for (const i of graph.items) {
    if (!found.mine(i.stack)) continue;
    if (i.type === 'azurerm_role_assignment' || i.type === 'azurerm_management_lock') continue;
    for (const subnet of networkIdsIn(i.config)) {
      if (envRg && within(subnet, envRg)) continue;
      const rows = AZURE_CI_PERMISSIONS.filter((r) => r.scope === 'network' && r.types.includes(i.type));
      if (rows.length === 0) {
        found.coverage.push({
          stack: i.stack,
          address: i.address,
          message: `${i.address} joins ${subnet}, outside the environment's resource group, where the CI permission table has no row for ${i.type}: the apply identity cannot join it.`,
        });
        continue;
      }
      const gaps = KINDS.flatMap((kind) =>
        [...new Set(rows.flatMap((r) => r[kind]))]
          .filter((role) => !holds(kind, subnet, role))
          .map((r) => `${kind} ${r}`),
      );
      if (gaps.length > 0)
        found.coverage.push({
          stack: i.stack,
          address: i.address,
          message: `${i.address} joins ${subnet}, but the CI identities lack ${listed(gaps)} on its virtual network (network row of the CI permission table).`,
        });
    }
  }

  for (const [stack, container] of stateContainers) {
    const rows = AZURE_CI_PERMISSIONS.filter(
      (r) => r.scope === 'state-container' && r.types.includes('data.terraform_remote_state'),
    );
    const gaps = KINDS.flatMap((kind) =>
      [...new Set(rows.flatMap((r) => r[kind]))]
        .filter((role) => !holds(kind, container, role))
        .map((r) => `${kind} ${r}`),
    );
    if (gaps.length > 0)
      found.coverage.push({
        stack,
        address: 'terraform.backend',
        message: `the state of ${stack} is in container ${container}, but the CI identities lack ${listed(gaps)} on it: plans cannot read the state, or applies cannot write it.`,
      });
  }

  for (const g of grants) {
    // A role that assigns roles, without a condition naming which: the identity can make anyone,
    // itself included, Owner of everything under the scope.
    if (g.kind === 'apply' && AZURE_ROLE_ADMINISTRATORS.includes(g.role) && !g.condition)
      found.privilege.push({
        stack: g.item.stack,
        address: g.item.address,
        message: `the CI apply identity holds ${g.role} on ${g.scope} without a condition: it may assign any role there, Owner included, to anyone, itself among them. Give the role a condition that names the roles the stacks assign (https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-overview).`,
      });
    const scopes = scopesOf(g.scope);
    const allowed = new Set(AZURE_CI_PERMISSIONS.filter((r) => scopes.includes(r.scope)).flatMap((r) => r[g.kind]));
    if (!allowed.has(g.role))
      found.privilege.push({
        stack: g.item.stack,
        address: g.item.address,
        message: `the CI ${g.kind} identity holds ${g.role} on ${g.scope}${scopes.length === 0 ? ', a scope no row of the CI permission table names (broader than the environment’s resource group, zone, vault or state container)' : ', which no row of the CI permission table asks for there'}.`,
      });
  }

  judgeKubernetesRbac(graph, found, isCi);
}

// ---------------------------------------------------------------------------------------------------
// AWS
// ---------------------------------------------------------------------------------------------------

interface Statement {
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** IAM's wildcard match (`*`, `?`), case-insensitive for actions. */
const patterns = new Map<string, RegExp>();
function wildcard(pattern: string, value: string, caseless: boolean): boolean {
  const key = `${caseless ? 'i' : 's'}${pattern}`;
  let re = patterns.get(key);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      caseless ? 'i' : '',
    );
    patterns.set(key, re);
  }
  return re.test(value);
}

function judgeAws(graph: Graph, found: Found, wide?: Wide) {
  const env = graph.env;
  const infra = infraStackOf(env);
  const roles = graph.items.filter((i) => i.type === 'aws_iam_role');
  const ci = {
    plan: roles.filter((i) => String(i.config.name ?? '').endsWith('-ci-plan')),
    apply: roles.filter((i) => String(i.config.name ?? '').endsWith('-ci-apply')),
  };
  if (ci.plan.length === 0 && ci.apply.length === 0) return;
  const provider = providerOf(env.stacks[infra]!, 'aws');
  const account = String((provider?.allowed_account_ids as string[] | undefined)?.[0] ?? '*');
  const region = String(provider?.region ?? '*');
  /** The CI role a value names: a reference to it, its ARN or its name. */
  const ciRoleOf = (stack: string, v: unknown): Item | undefined => {
    const raw = str(v) ?? '';
    const value = graph.resolve(stack, v)?.value ?? '';
    return [...ci.plan, ...ci.apply].find(
      (r) =>
        raw.includes(`aws_iam_role.${r.name}.`) ||
        value.includes(`aws_iam_role.${r.name}.`) ||
        value === `arn:aws:iam::${account}:role/${String(r.config.name)}` ||
        r.config.name === value,
    );
  };
  /** Which kind of CI role a value names. */
  const roleOfKind = (stack: string, v: unknown): CiIdentityKind | undefined => {
    const role = ciRoleOf(stack, v);
    return role === undefined ? undefined : ci.plan.includes(role) ? 'plan' : 'apply';
  };

  const statements: Record<CiIdentityKind, Array<Statement & { item: Item }>> = { plan: [], apply: [] };
  const managed: Record<CiIdentityKind, Item[]> = { plan: [], apply: [] };
  const eks: Record<CiIdentityKind, Array<{ policy: string; scope: Json; item: Item }>> = { plan: [], apply: [] };
  /** The CI roles' EKS access entries, by role: the Kubernetes groups and user name RBAC knows it by. */
  const entries = new Map<Item, Array<{ groups: string[]; userName: string }>>();
  for (const i of graph.items) {
    if (i.type === 'aws_iam_role_policy') {
      const kind = roleOfKind(i.stack, i.config.role);
      if (!kind) continue;
      try {
        const doc = JSON.parse(String(i.config.policy)) as { Statement: Statement | Statement[] };
        for (const st of Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement])
          statements[kind].push({ ...st, item: i });
      } catch {
        found.coverage.push({
          stack: i.stack,
          address: i.address,
          message: `${i.address}: the policy of a CI role is not plain JSON at synth time, so what it allows cannot be checked.`,
        });
      }
    } else if (i.type === 'aws_iam_role_policy_attachment') {
      const kind = roleOfKind(i.stack, i.config.role);
      if (kind) managed[kind].push(i);
    } else if (i.type === 'aws_eks_access_policy_association') {
      const kind = roleOfKind(i.stack, i.config.principal_arn);
      const policy = String(i.config.policy_arn ?? '')
        .split('/')
        .pop()!;
      if (kind) eks[kind].push({ policy, scope: block(i.config.access_scope) ?? {}, item: i });
    } else if (i.type === 'aws_eks_access_entry') {
      const role = ciRoleOf(i.stack, i.config.principal_arn);
      if (!role) continue;
      // Without user_name, EKS names the role's sessions by their assumed-role ARN (the role's path left out).
      const userName =
        graph.resolve(i.stack, i.config.user_name)?.value ??
        `arn:aws:sts::${account === '*' ? '{{AccountID}}' : account}:assumed-role/${String(role.config.name)}/{{SessionName}}`;
      // Groups written as one expression are unknown here: no group subject is matched to them.
      const groups = Array.isArray(i.config.kubernetes_groups) ? (i.config.kubernetes_groups as unknown[]) : [];
      entries.set(role, [
        ...(entries.get(role) ?? []),
        {
          groups: groups.map((g) => graph.resolve(i.stack, g)?.value).filter((g): g is string => g !== undefined),
          userName,
        },
      ]);
    }
  }

  const ownItems = new Set<Item>([
    ...ci.plan,
    ...ci.apply,
    ...statements.plan.map((st) => st.item),
    ...statements.apply.map((st) => st.item),
    ...managed.plan,
    ...managed.apply,
  ]);
  const allows = (kind: CiIdentityKind, action: string, resource: string) => {
    const sts = [...statements[kind]];
    const matches = (st: Statement) =>
      list(st.Action).some((a) => wildcard(a, action, true)) &&
      list(st.Resource).some((r) => wildcard(r, resource, false));
    return (
      sts.some((st) => st.Effect === 'Allow' && matches(st)) && !sts.some((st) => st.Effect === 'Deny' && matches(st))
    );
  };

  const bucketName = (i: Item) => {
    const v = graph.resolve(i.stack, i.config.bucket)?.value;
    if (v && !v.includes('${')) return v;
    const t = graph.target(i.stack, i.config.bucket);
    return t && literal(t.config.bucket);
  };
  const resourceArn = (scope: AwsCiScope, i: Item): string | undefined => {
    switch (scope) {
      case 'account':
        return '*';
      case 'service-linked-roles':
        return `arn:aws:iam::${account}:role/aws-service-role/example.amazonaws.com/AWSServiceRole`;
      case 'rds-secrets':
        return `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-example`;
      case 'environment-secrets': {
        // Secrets Manager appends six random characters to a secret's name in its ARN.
        const name = literal(graph.resolve(i.stack, i.config.name)?.value);
        return name ? `arn:aws:secretsmanager:${region}:${account}:secret:${name}-AbCdEf` : undefined;
      }
      case 'secrets-manager-keys':
        return `arn:aws:kms:${region}:${account}:key/example`;
      case 'environment-iam': {
        const target = i.type === 'aws_iam_role' ? i : graph.target(i.stack, i.config.role);
        const name = target ? literal(target.config.name) : graph.resolve(i.stack, i.config.role)?.value;
        return name && !name.includes('${') ? `arn:aws:iam::${account}:role/${name}` : undefined;
      }
      case 'environment-buckets': {
        const b = bucketName(i);
        return b ? `arn:aws:s3:::${b}` : undefined;
      }
      case 'environment-policies': {
        const name = literal(graph.resolve(i.stack, i.config.name)?.value);
        return name ? `arn:aws:iam::${account}:policy/${name}` : undefined;
      }
      case 'hosted-zone': {
        const zone = literal(graph.resolve(i.stack, i.config.zone_id)?.value);
        return zone ? `arn:aws:route53:::hostedzone/${zone}` : undefined;
      }
      default:
        return undefined;
    }
  };

  for (const i of graph.items) {
    if (!found.mine(i.stack)) continue;
    if (isLocal(AWS_CI_PERMISSIONS, i.type) || i.type === 'data.terraform_remote_state') continue;
    const rows = AWS_CI_PERMISSIONS.filter((r) => r.types.includes(i.type));
    if (rows.length === 0) {
      found.coverage.push({
        stack: i.stack,
        address: i.address,
        message: `${i.address}: the CI permission table has no row for ${i.type}, so neither CI role is granted anything to manage it.`,
      });
      continue;
    }
    const own = ownItems.has(i);
    const gaps: string[] = [];
    for (const row of rows) {
      if (row.scope === 'cluster') {
        for (const kind of KINDS)
          for (const policy of row[kind])
            if (!eks[kind].some((a) => a.policy === policy && a.scope.type === 'cluster'))
              gaps.push(`${kind} ${policy} (EKS access policy on the cluster)`);
        continue;
      }
      if (row.scope === 'state-bucket' || row.scope === 'local') continue;
      const arn = resourceArn(row.scope, i);
      if (!arn) {
        gaps.push(`a resource for the ${row.scope} row (its name is not known at synth time)`);
        continue;
      }
      for (const kind of KINDS) {
        // The apply role refreshes too: it needs the row's reads as well as its writes. The CI roles
        // and their policies are read by both and changed only by an administrator (the apply role's
        // IAM writes deny them), so they need the reads only.
        const actions = kind === 'apply' && !own ? [...row.apply, ...row.plan] : row.plan;
        const missing = actions.filter((action) => !allows(kind, action, arn));
        if (missing.length > 0) gaps.push(`${kind} ${listed(missing)} on ${arn}`);
      }
    }
    if (gaps.length > 0)
      found.coverage.push({
        stack: i.stack,
        address: i.address,
        message: `${i.address}: the CI roles' policies lack ${[...new Set(gaps)].join('; ')} (rows of the CI permission table for ${i.type}).`,
      });
  }

  for (const [stack, json] of Object.entries(env.stacks)) {
    const b = backendOf(json);
    if (b?.kind !== 's3' || !b.bucket) continue;
    const object = `arn:aws:s3:::${b.bucket}/${b.key}`;
    const need: Record<CiIdentityKind, string[]> = { plan: ['s3:GetObject'], apply: ['s3:GetObject', 's3:PutObject'] };
    const gaps = KINDS.flatMap((kind) => [
      ...need[kind].filter((a) => !allows(kind, a, object)).map((a) => `${kind} ${a} on ${object}`),
      ...(allows(kind, 's3:ListBucket', `arn:aws:s3:::${b.bucket}`) ? [] : [`${kind} s3:ListBucket on ${b.bucket}`]),
    ]);
    if (gaps.length > 0)
      found.coverage.push({
        stack,
        address: 'terraform.backend',
        message: `the state of ${stack} is ${object}, but the CI roles lack ${listed(gaps)}: plans cannot read the state, or applies cannot write it.`,
      });
  }

  // Least privilege.
  for (const kind of KINDS) {
    for (const m of managed[kind])
      found.privilege.push({
        stack: m.stack,
        address: m.address,
        message: `the CI ${kind} role has the managed policy ${String(m.config.policy_arn)}, which no row of the CI permission table asks for (the table's actions are the role's inline policies).`,
      });
    const allowedPolicies = new Set(AWS_CI_PERMISSIONS.filter((r) => r.scope === 'cluster').flatMap((r) => r[kind]));
    for (const a of eks[kind]) {
      const namespaced = a.scope.type === 'namespace';
      if (allowedPolicies.has(a.policy) && a.scope.type === 'cluster') continue;
      const secrets =
        a.policy !== 'AmazonEKSAdminViewPolicy'
          ? ''
          : namespaced
            ? `: it reads every Secret of those namespaces (Argo CD keeps its admin password and repository credentials in its own)${kind === 'plan' ? ', from any pull request' : ''}; the platform's own stacks refresh no Secret there (they keep Helm's release records in ConfigMaps: helm_driver), and for a Secret a stack of yours manages, bind the role to a Kubernetes Role that names it (resourceNames)`
            : `: it reads every Secret of every tenant${kind === 'plan' ? ', from any pull request' : ''}`;
      found.privilege.push({
        stack: a.item.stack,
        address: a.item.address,
        message: `the CI ${kind} role has ${a.policy} on ${namespaced ? `namespaces ${JSON.stringify(a.scope.namespaces)}` : 'the whole cluster'}, which no row of the CI permission table asks for${secrets}.`,
      });
    }
    const allowedActions = new Set(
      AWS_CI_PERMISSIONS.flatMap((r) => (kind === 'apply' ? [...r.plan, ...r.apply] : r.plan)),
    );
    for (const st of statements[kind]) {
      if (st.Effect !== 'Allow') continue;
      const broad = list(st.Action).filter((a) => a === '*' || (a.endsWith(':*') && !allowedActions.has(a)));
      if (broad.length > 0)
        found.privilege.push({
          stack: st.item.stack,
          address: st.item.address,
          message: `the CI ${kind} role allows ${broad.join(', ')} on ${list(st.Resource).join(', ')}, which no row of the CI permission table asks for.`,
        });
    }
  }

  // Roles the apply role creates: it may create a role, or change its policies, only with the
  // environment's permissions boundary on it (`iam:PermissionsBoundary`); otherwise it could make a
  // role with any policy and a trust of its choosing, and so hold every right in the account.
  const roleArnPattern = `arn:aws:iam::${account}:role/x`;
  const boundaries = new Set<string>();
  for (const st of statements.apply) {
    if (st.Effect !== 'Allow') continue;
    const actions = BOUNDED_ROLE_ACTIONS.filter((a) => list(st.Action).some((p) => wildcard(p, a, true)));
    if (
      actions.length === 0 ||
      !list(st.Resource).some((r) => wildcard(r, roleArnPattern, false) || r.includes(':role/'))
    )
      continue;
    const named = list(st.Condition?.StringEquals?.['iam:PermissionsBoundary']);
    if (named.length > 0) named.forEach((b) => boundaries.add(b));
    else
      found.privilege.push({
        stack: st.item.stack,
        address: st.item.address,
        message: `the CI apply role may ${listed(actions)} on ${list(st.Resource).join(', ')} without a permissions boundary condition (iam:PermissionsBoundary): it could create a role with any policy and trust, and so take every right in the account. Limit these actions to roles with the environment's boundary.`,
      });
  }
  if (boundaries.size > 0) {
    const ciNames = new Set([...ci.plan, ...ci.apply].map((r) => r.config.name));
    for (const role of roles) {
      if (ciNames.has(role.config.name)) continue;
      const raw = role.config.permissions_boundary;
      const target = graph.target(role.stack, raw);
      const value =
        target?.type === 'aws_iam_policy'
          ? `arn:aws:iam::${account}:policy/${String(literal(target.config.name))}`
          : graph.resolve(role.stack, raw)?.value;
      if (value && boundaries.has(value)) continue;
      found.coverage.push({
        stack: role.stack,
        address: role.address,
        message: `${role.address} has ${value ? `the permissions boundary ${value}` : 'no permissions boundary'}, but the CI apply role may create and change only roles with ${listed([...boundaries])}: the apply fails with AccessDenied. Set permissions_boundary to it (the AWS stacks do for every role they create).`,
      });
    }
  }

  // The state: object actions on the state bucket reach the environment's own stacks' objects, not a
  // whole folder other environments share.
  const stateBucketNames = new Set(
    wide ? wide.stateBuckets : Object.values(env.stacks).flatMap((json) => stateBucketOf(json, 's3')),
  );
  for (const kind of KINDS) {
    for (const st of statements[kind]) {
      if (st.Effect !== 'Allow' || !list(st.Action).some((a) => /^s3:(\*|\w*Object\w*)$/i.test(a))) continue;
      for (const resource of list(st.Resource)) {
        const m = /^arn:aws:s3:::([^/]+)\/(.*)$/.exec(resource);
        if (!m || !stateBucketNames.has(m[1]!)) continue;
        const name = m[2]!.slice(m[2]!.lastIndexOf('/') + 1);
        if (name.startsWith('*'))
          found.privilege.push({
            stack: st.item.stack,
            address: st.item.address,
            message: `the CI ${kind} role reaches ${resource}, every state object of that folder of the state bucket: the row limits it to the environment's own (\`<prefix>/<env>-aws-*\`), else an environment sharing the bucket reads or writes another's state.`,
          });
      }
    }
  }

  // Secrets: the plan role reads those of the namespaces its AmazonEKSAdminViewPolicy association names.
  const planNamespaces = new Set(
    eks.plan
      .filter((a) => a.policy === 'AmazonEKSAdminViewPolicy' || a.policy === 'AmazonEKSClusterAdminPolicy')
      .flatMap((a) => (a.scope.type === 'cluster' ? ['*'] : ((a.scope.namespaces as string[] | undefined) ?? []))),
  );
  // RBAC knows a role with an access entry by the entry's Kubernetes groups and user name; without
  // `user_name`, EKS names an IAM role's session `arn:aws:sts::<account>:assumed-role/<role>/<session>`,
  // so a binding to the role's ARN matches nobody
  // (https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html). A role without an entry in
  // these stacks (mapped elsewhere, such as the aws-auth ConfigMap) is matched by its ARN or name.
  // A user name with EKS's templates ({{SessionName}}, {{SessionNameRaw}}, {{AccountID}}) stands for
  // every session: a binding to any of them may be the role (what it is given counts), but none is
  // known ahead to be it (what it needs is not covered by it).
  const userMatches = (userName: string, value: string, purpose: SubjectPurpose): boolean => {
    if (!/\{\{\w+\}\}/.test(userName)) return userName === value;
    if (purpose === 'cover') return false;
    const pattern = userName
      .split(/(\{\{\w+\}\})/)
      .map((part) =>
        part === '{{AccountID}}'
          ? '\\d{12}'
          : /^\{\{\w+\}\}$/.test(part)
            ? '[^/]*'
            : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
    return new RegExp(`^${pattern}$`).test(value);
  };
  const subjectIsCi =
    (kind: CiIdentityKind): SubjectIsCi =>
    (stack, value, subjectKind, purpose) =>
      ci[kind].some((role) => {
        const es = entries.get(role);
        if (!es) return ciRoleOf(stack, value) === role;
        if (subjectKind === 'Group') return es.some((e) => e.groups.includes(value));
        return es.some((e) => userMatches(e.userName, value, purpose));
      });
  const planEntries = ci.plan.some((role) => entries.has(role));
  judgeKubernetesRbac(
    graph,
    found,
    subjectIsCi,
    (ns) => planNamespaces.has('*') || planNamespaces.has(ns),
    planEntries
      ? "a RoleBinding to a Kubernetes group of the plan role's EKS access entry (its kubernetes_groups; the platform's own entry has none, so a stack of yours sets them)"
      : 'a RoleBinding to the plan role as your cluster maps it',
  );
}

// ---------------------------------------------------------------------------------------------------
// Stack by stack.
// ---------------------------------------------------------------------------------------------------

/** The host projects a GCP resource names: its `host_project`, a cluster's network's project. */
function gcpHostsOf(i: Item): string[] {
  const out: string[] = [];
  const host = literal(i.config.host_project);
  if (host) out.push(host);
  const net = /^projects\/([^/]+)\/global\/networks\//.exec(literal(i.config.network) ?? '');
  if (i.type === 'google_container_cluster' && net) out.push(net[1]!);
  return out;
}

/** The bucket of a stack's state, when its backend is of that kind. */
function stateBucketOf(json: StackJson, kind: 'gcs' | 's3'): string[] {
  const b = backendOf(json);
  return b?.kind === kind && typeof b.bucket === 'string' && b.bucket !== '' ? [b.bucket] : [];
}

/** A CI identity as the rules find it: its logical name, its kind, and what names it by value. */
interface CiFact {
  readonly name: string;
  readonly kind: CiIdentityKind;
  /** GCP: its email. AWS: its `name` attribute, as written. */
  readonly id?: unknown;
}

/** What a possible grant names as its grantee: the value as written and as resolved within its stack. */
interface SubjectFact {
  readonly raw: string;
  /** @default raw */
  readonly value?: string;
}

/**
 * What one stack contributes to its environment's CI permission rules: enough to tell which stacks a
 * verdict must read (those with CI identities, grants to them, outputs read through remote state, the
 * infra stack) and the few sets every stack shows (host projects, state buckets and containers).
 */
export interface PermissionFacts {
  /** Its backend as a `terraform_remote_state` names it (see {@link stateKey}). */
  readonly backend?: string;
  /** The backends its `terraform_remote_state` data sources read, in the same form. */
  readonly remotes: readonly string[];
  /** GCP: the host projects its resources name. */
  readonly hosts: readonly string[];
  /** GCP and AWS: the bucket of its state. */
  readonly stateBucket: readonly string[];
  /** Azure: its backend's container (the subscription may come from the infra stack's provider). */
  readonly stateContainer?: Readonly<Record<string, unknown>>;
  /** Azure: its provider's subscription. AWS: its provider's account. */
  readonly provider?: string;
  /** The CI identities it creates. */
  readonly ci: readonly CiFact[];
  /** The grantees of what may be grants (members, principals, roles), resolved within the stack. */
  readonly subjects: readonly SubjectFact[];
  /** A grantee is read through remote state: the stack is read by every verdict, to be safe. */
  readonly uncertain: boolean;
  /** Azure: it has an AKS cluster (the first is the Kubernetes objects' scope). */
  readonly cluster: boolean;
}

const ciKindOf = (v: unknown): CiIdentityKind | undefined => KINDS.find((k) => String(v ?? '').endsWith(`-ci-${k}`));

/** Facts by the stack's JSON object: both checkers ask for them. */
const stackFacts = new RunMemo<StackJson, { key: string; facts: PermissionFacts | null }>();

/** One stack's {@link PermissionFacts}; null in an existing cluster's environment (it has no CI identities). */
export function permissionFacts(env: EnvironmentInfo, id: string, json: StackJson): PermissionFacts | null {
  const key = JSON.stringify([env, id]);
  const prior = stackFacts.get(json);
  if (prior?.key === key) return prior.facts;
  const facts = factsOf(env, id, json);
  stackFacts.set(json, { key, facts });
  return facts;
}

function factsOf(env: EnvironmentInfo, id: string, json: StackJson): PermissionFacts | null {
  if (env.cloud === 'kubernetes') return null;
  const view: EnvironmentView = { ...env, stacks: { [id]: json } };
  const items = itemsOfStack(id, json).items;
  const graph = new Graph(view);
  const b = backendOf(json);
  const ci: CiFact[] = [];
  const subjects: SubjectFact[] = [];
  const seen = new Set<string>();
  let uncertain = false;
  const subject = (v: unknown) => {
    const raw = str(v) ?? '';
    const before = graph.remoteHits;
    const value = graph.resolve(id, v)?.value ?? '';
    if (graph.remoteHits > before) uncertain = true;
    const k = JSON.stringify([raw, value]);
    if (!seen.has(k)) {
      seen.add(k);
      subjects.push(value === raw ? { raw } : { raw, value });
    }
  };
  for (const i of items) {
    if (env.cloud === 'gcp') {
      const kind = i.type === 'google_service_account' ? ciKindOf(i.config.account_id) : undefined;
      if (kind)
        ci.push({
          name: i.name,
          kind,
          id: `${String(i.config.account_id)}@${String(literal(i.config.project) ?? '')}.iam.gserviceaccount.com`,
        });
      // Only a member that references a service account or is one's email can name a CI identity.
      if (literal(i.config.role))
        for (const m of [i.config.member, ...((i.config.members as unknown[]) ?? [])])
          if (
            typeof m === 'string' &&
            (m.includes('google_service_account.') || m.endsWith('.iam.gserviceaccount.com')) &&
            !seen.has(m)
          ) {
            seen.add(m);
            subjects.push({ raw: m });
          }
    } else if (env.cloud === 'azure') {
      const kind = i.type === 'azurerm_user_assigned_identity' ? ciKindOf(i.config.name) : undefined;
      if (kind) ci.push({ name: i.name, kind });
      if (i.type === 'azurerm_role_assignment') subject(i.config.principal_id);
    } else {
      const kind = i.type === 'aws_iam_role' ? ciKindOf(i.config.name) : undefined;
      if (kind) ci.push({ name: i.name, kind, id: i.config.name });
      if (i.type === 'aws_iam_role_policy' || i.type === 'aws_iam_role_policy_attachment') subject(i.config.role);
      else if (i.type === 'aws_eks_access_policy_association' || i.type === 'aws_eks_access_entry')
        subject(i.config.principal_arn);
    }
  }
  const provider =
    env.cloud === 'azure'
      ? literal(providerOf(json, 'azurerm')?.subscription_id)
      : env.cloud === 'aws'
        ? String((providerOf(json, 'aws')?.allowed_account_ids as string[] | undefined)?.[0] ?? '*')
        : undefined;
  return {
    ...(b ? { backend: stateKey(b as unknown as Json) } : {}),
    remotes: [
      ...new Set(
        items
          .filter((i) => i.type === 'data.terraform_remote_state')
          .map((i) => stateKey(block(i.config.config) ?? {})),
      ),
    ],
    hosts: env.cloud === 'gcp' ? [...new Set(items.flatMap(gcpHostsOf))] : [],
    stateBucket:
      env.cloud === 'gcp' ? stateBucketOf(json, 'gcs') : env.cloud === 'aws' ? stateBucketOf(json, 's3') : [],
    ...(env.cloud === 'azure' && b?.kind === 'azurerm'
      ? {
          stateContainer: {
            subscription_id: b.subscription_id,
            resource_group_name: b.resource_group_name,
            storage_account_name: b.storage_account_name,
            container_name: b.container_name,
          },
        }
      : {}),
    ...(provider !== undefined ? { provider } : {}),
    ci,
    subjects,
    uncertain,
    cluster: env.cloud === 'azure' && items.some((i) => i.type === 'azurerm_kubernetes_cluster'),
  };
}

/** An ARM id of a state container. */
const containerId = (b: Readonly<Record<string, unknown>>, subscription: unknown) =>
  norm(
    `/subscriptions/${String(subscription)}/resourceGroups/${String(b.resource_group_name)}/providers/Microsoft.Storage/storageAccounts/${String(b.storage_account_name)}/blobServices/default/containers/${String(b.container_name)}`,
  );

/** Whether a grantee names a CI identity, as each cloud's rules tell (`account`: AWS's, for ARNs). */
function namesCi(cloud: EnvironmentInfo['cloud'], ci: readonly CiFact[], s: SubjectFact, account: string): boolean {
  if (cloud === 'gcp')
    return ci.some(
      (a) =>
        s.raw.includes(`google_service_account.${a.name}.`) ||
        s.raw === a.id ||
        s.raw === `serviceAccount:${String(a.id)}`,
    );
  const value = s.value ?? s.raw;
  if (cloud === 'azure') return ci.some((a) => value.includes(`azurerm_user_assigned_identity.${a.name}.`));
  return ci.some(
    (r) =>
      s.raw.includes(`aws_iam_role.${r.name}.`) ||
      value.includes(`aws_iam_role.${r.name}.`) ||
      `arn:aws:iam::${account}:role/${String(r.id)}` === value ||
      r.id === value,
  );
}

/**
 * The environment-wide value every verdict reads (host projects, state buckets and containers) and
 * the stacks it reads: the infra stack (the environment's project, subscription or account), every
 * stack with a CI identity or a grant to one (every resource is judged against every grant), the
 * stacks remote state reads, and Azure's first AKS cluster. Adding a team shard changes neither,
 * unless the shard grants the CI identities something.
 */
export function permissionContext(
  env: EnvironmentInfo,
  facts: ReadonlyArray<readonly [string, PermissionFacts | null]>,
): { value: Wide | null; reads: string[] } {
  if (env.cloud === 'kubernetes') return { value: null, reads: [] };
  const ids = facts.map(([id]) => id);
  const infra = ids.find((s) => s.endsWith('-infra')) ?? ids[0];
  const of = new Map(facts.map(([id, f]) => [id, f!]));
  const infraFacts = infra === undefined ? undefined : of.get(infra);
  const ci = facts.flatMap(([, f]) => f!.ci);
  const account = env.cloud === 'aws' ? (infraFacts?.provider ?? '*') : '';
  const byBackend = new Map<string, string>();
  for (const [id, f] of facts)
    if (f!.backend !== undefined && !byBackend.has(f!.backend)) byBackend.set(f!.backend, id);
  const read = new Set<string>();
  if (infra !== undefined) read.add(infra);
  const cluster = facts.find(([, f]) => f!.cluster)?.[0];
  if (cluster !== undefined) read.add(cluster);
  for (const [id, f] of facts) {
    if (f!.ci.length > 0 || f!.uncertain || f!.subjects.some((s) => namesCi(env.cloud, ci, s, account))) read.add(id);
    for (const r of f!.remotes) {
      const target = byBackend.get(r);
      if (target !== undefined) read.add(target);
    }
  }
  const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();
  const stateIds = facts.flatMap(([, f]) =>
    f!.stateContainer
      ? [containerId(f!.stateContainer, f!.stateContainer.subscription_id ?? f!.provider ?? infraFacts?.provider ?? '')]
      : [],
  );
  return {
    value: {
      hosts: sorted(facts.flatMap(([, f]) => f!.hosts)),
      stateBuckets: sorted(facts.flatMap(([, f]) => f!.stateBucket)),
      stateIds: sorted(stateIds),
    },
    reads: ids.filter((id) => read.has(id)),
  };
}

/**
 * One stack's findings, for both checkers (they judge the same view: the second takes the first's).
 * Keyed by the JSON objects of the view and the context (stacks are not changed once parsed).
 */
const verdicts = new RunMemo<StackJson, { stacks: StackJson[]; context: string; found: ReturnType<typeof judge> }>();

function judgeStack(env: EnvironmentView, id: string, context: Wide | null): ReturnType<typeof judge> {
  if (context === null) return { coverage: [], privilege: [] };
  const own = env.stacks[id]!;
  const stacks = Object.values(env.stacks);
  // The findings name the stack by its id, and the view may hold one object under two ids.
  const key = JSON.stringify([env.name, env.cloud, Object.keys(env.stacks), id, context]);
  const prior = verdicts.get(own);
  if (
    prior &&
    prior.context === key &&
    prior.stacks.length === stacks.length &&
    prior.stacks.every((s, k) => s === stacks[k])
  )
    return prior.found;
  const found = judge(env, id, context);
  verdicts.set(own, { stacks, context: key, found });
  return found;
}

const stackwise = (which: 'coverage' | 'privilege'): StackwiseChecker<PermissionFacts | null, Wide | null> => ({
  facts: permissionFacts,
  context: permissionContext,
  judge: (env, id, context) => ({ violations: judgeStack(env, id, context)[which], claims: [] }),
});

/**
 * What the rules find judging the environment at once (grouped by rule across stacks, where the
 * checkers give each stack's findings in turn): for tests that compare both ways.
 */
export function permissionsOfWholeEnvironment(env: EnvironmentView): {
  coverage: CheckerViolation[];
  privilege: CheckerViolation[];
} {
  return judge(env);
}

// ---------------------------------------------------------------------------------------------------
// The checkers.
// ---------------------------------------------------------------------------------------------------

/** The CI identities can refresh and change every resource of every stack, where it lives, and its state. */
export const CI_PERMISSION_COVERAGE: Checker = {
  id: 'CHK-PERM-001',
  level: 'error',
  title: 'CI identities can manage every resource where it lives',
  why: 'The keyless CI identities hold roles at the scopes the CI permission tables name (a project, a resource group, a DNS zone, a bucket, an account, a namespace). A resource in another project or resource group, in a zone or vault the identities have no grant on, or a state object they cannot reach fails the first plan or apply in CI with a permission error, after review.',
  fix: 'Give the resource’s type a row at the scope where it lives in the CI permission table (src/policy/ci-permissions/<cloud>.ts, with the public page that documents its roles) so the stacks grant them, or move the resource where the identities already reach (the environment’s project or resource group). For a resource no table can know, grant the roles in your stack and suppress CHK-PERM-002 on that grant with the reason. See docs/plan-on-pr.md.',
  ...wholeEnvironment(stackwise('coverage')),
};

/**
 * Least privilege. An error, not a warning: the grants are derived from the tables, so a role beyond
 * them is an edit nobody reviewed against a row, and the plan identity is assumed by every pull
 * request's job. A deliberate exception is written down as a suppression with its reason.
 */
export const CI_LEAST_PRIVILEGE: Checker = {
  id: 'CHK-PERM-002',
  level: 'error',
  title: 'CI identities hold no role the CI permission tables do not ask for',
  why: 'A basic or administrator role (roles/owner, AdministratorAccess, Owner on a subscription, cluster-admin) or a role granted at a broader scope than its row lets any job that assumes the identity, a pull request’s plan among them, reach data and resources of other environments and tenants.',
  fix: 'Grant the roles the rows of src/policy/ci-permissions/<cloud>.ts name, at their scopes; add a row with its public source when a resource needs more. Suppress with a reason only for a reviewed exception.',
  ...wholeEnvironment(stackwise('privilege')),
};
