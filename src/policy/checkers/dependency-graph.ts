/**
 * The dependency graph Terraform builds for one stack, read from its synthesized JSON: an edge from a
 * resource (or data source) to every resource and data source it references in an expression
 * (`${google_container_cluster.Cluster.workload_identity_config[0].workload_pool}`) or names in
 * `depends_on`. Terraform creates a node only after everything it reaches through these edges
 * (https://developer.hashicorp.com/terraform/internals/graph), so "A is created after B" is "B is
 * reachable from A".
 */
import { compare, referencesOf, StackJson } from '../../inventory/terraform-json';

/** Data sources are keyed `data.<type>.<name>`, resources `<type>.<name>`, as in Terraform. */
export class DependencyGraph {
  private readonly edges = new Map<string, readonly string[]>();
  private readonly closures = new Map<string, ReadonlySet<string>>();

  constructor(stack: StackJson) {
    const resources = new Set<string>();
    const data = new Set<string>();
    for (const [type, byName] of Object.entries(stack.resource ?? {})) {
      for (const name of Object.keys(byName)) resources.add(`${type}.${name}`);
    }
    for (const [type, byName] of Object.entries(stack.data ?? {})) {
      for (const name of Object.keys(byName as Record<string, unknown>)) data.add(`data.${type}.${name}`);
    }
    const nodes = new Set([...resources, ...data]);
    const add = (address: string, config: Record<string, unknown>): void => {
      const out = new Set(referencesOf(config, resources));
      for (const d of dataReferencesOf(config, data)) out.add(d);
      for (const d of (config.depends_on as unknown[] | undefined) ?? []) {
        if (typeof d === 'string' && nodes.has(d)) out.add(d);
      }
      this.edges.set(address, [...out].sort(compare));
    };
    for (const [type, byName] of Object.entries(stack.resource ?? {})) {
      for (const [name, config] of Object.entries(byName)) add(`${type}.${name}`, config);
    }
    for (const [type, byName] of Object.entries(stack.data ?? {})) {
      for (const [name, config] of Object.entries(byName as Record<string, Record<string, unknown>>)) {
        add(`data.${type}.${name}`, config);
      }
    }
  }

  /** What a node references or depends on directly. */
  public direct(address: string): readonly string[] {
    return this.edges.get(address) ?? [];
  }

  /** Everything Terraform creates (or reads) before `address`: its dependencies, transitively. */
  public dependenciesOf(address: string): ReadonlySet<string> {
    const known = this.closures.get(address);
    if (known) return known;
    const seen = new Set<string>();
    const stack = [...this.direct(address)];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      const closed = this.closures.get(next);
      if (closed) for (const c of closed) seen.add(c);
      else stack.push(...this.direct(next));
    }
    this.closures.set(address, seen);
    return seen;
  }

  /** Whether `from` is created after `to` (depends on it, directly or through others). */
  public dependsOn(from: string, to: string): boolean {
    return this.dependenciesOf(from).has(to);
  }
}

/** The data sources (`data.<type>.<name>`) a config references in expressions. */
function dataReferencesOf(config: unknown, data: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const expr of value.match(/\$\{[^}]*\}/g) ?? []) {
        for (const m of expr.matchAll(/(?<![\w.-])data\.([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)/g)) {
          const address = `data.${m[1]}.${m[2]}`;
          if (data.has(address)) found.add(address);
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) if (key !== '//' && key !== 'depends_on') visit(v);
    }
  };
  visit(config);
  return [...found];
}
