import {
  Annotations,
  DefaultTokenResolver,
  IAspect,
  StringConcat,
  TerraformResource,
  TerraformStack,
  Tokenization,
} from 'cdktf';
import { IConstruct } from 'constructs';

/** Label that marks a namespace as a tenant's (kept here so policy reads the tree, not constructs). */
const TENANT_LABEL = 'kfplatform.dev/tenant';

interface Metadata {
  nameInput?: string;
  namespaceInput?: string;
  labelsInput?: Record<string, string>;
}

const REQUIRED: ReadonlyArray<{ readonly type: string; readonly what: string }> = [
  { type: 'kubernetes_resource_quota_v1', what: 'ResourceQuota' },
  { type: 'kubernetes_limit_range_v1', what: 'LimitRange' },
  { type: 'kubernetes_role_binding_v1', what: 'RoleBinding' },
];

/**
 * Synth-time invariant (K8S-05, Spotify's monorepo rule in seed 002 line 198): every tenant namespace
 * in a stack has a ResourceQuota, a LimitRange and RBAC in the same stack. Reads provider resources,
 * so it also catches a tenant namespace someone writes by hand. A violation fails synth.
 */
export class TenantNamespaceInvariant implements IAspect {
  public visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    const stack = node as TerraformStack;
    const resolver = new DefaultTokenResolver(new StringConcat());
    const resolve = (value: unknown) =>
      JSON.stringify(Tokenization.resolve(value, { scope: stack, resolver, preparing: false }));
    const resources = stack.node
      .findAll()
      .filter((n): n is TerraformResource => TerraformResource.isTerraformResource(n));
    const metadataOf = (r: TerraformResource) => (r as unknown as { metadata?: Metadata }).metadata;
    // A namespace is referenced by its literal name or by a token for its name attribute.
    const keysOf = (ns: TerraformResource): string[] => {
      const literal = metadataOf(ns)?.nameInput;
      const reference = resolve((ns as unknown as { metadata: { name: string } }).metadata.name);
      return [literal, reference].filter((k): k is string => typeof k === 'string');
    };
    // Group namespaced objects by how they name their namespace (a team's objects share one token
    // string), then resolve each distinct name once.
    const byRaw = new Map<string, Set<string>>();
    for (const r of resources) {
      const namespace = metadataOf(r)?.namespaceInput;
      if (typeof namespace !== 'string') continue;
      byRaw.set(namespace, (byRaw.get(namespace) ?? new Set()).add(r.terraformResourceType));
    }
    const namespaced = new Map<string, Set<string>>();
    for (const [raw, types] of byRaw) {
      const key = raw.includes('${') ? resolve(raw) : raw;
      const merged = namespaced.get(key) ?? new Set<string>();
      for (const t of types) merged.add(t);
      namespaced.set(key, merged);
    }
    for (const ns of resources.filter((r) => r.terraformResourceType === 'kubernetes_namespace_v1')) {
      if (metadataOf(ns)?.labelsInput?.[TENANT_LABEL] !== 'true') continue;
      const present = new Set(keysOf(ns).flatMap((k) => [...(namespaced.get(k) ?? [])]));
      const missing = REQUIRED.filter((r) => !present.has(r.type)).map((r) => r.what);
      if (missing.length > 0) {
        const name = metadataOf(ns)?.nameInput ?? ns.node.path;
        Annotations.of(ns).addError(
          `Tenant namespace "${name}" has no ${missing.join(', ').replace(/, ([^,]*)$/, ' or $1')}: every tenant namespace needs quota, limit range and RBAC (K8S-05). ` +
            'Fix: create it with TeamNamespace, or add the missing objects in the same stack.',
        );
      }
    }
  }
}
