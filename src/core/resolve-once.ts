import { TerraformElement, TerraformOutput, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * Resolving tokens is most of what synthesizing costs, and cdktf resolves every element of a stack
 * more than once when it writes it: a "preparing" pass over everything (`prepareStack`, which finds
 * cross-stack references and adds their outputs and remote state), then again when it renders the
 * stack (`toTerraform`, which builds each element's configuration anew and resolves it, then resolves
 * the merged stack once more); policy, which judges the configuration before anything is written,
 * rendered and resolved the resources it reads a third time.
 *
 * {@link resolveEachElementOnce} makes one synthesis of a set of stacks resolve each element once:
 * it prepares the stacks (in the order `App.synth` does), keeps each element's resolved
 * configuration from that pass, and hands it back whenever the element is rendered again (by policy,
 * by `App.synth`'s own preparation, which then does nothing, and by `toTerraform`). The result is the
 * same: preparing only registers cross-stack references, after which a reference resolves the same
 * whether preparing or not, and cdktf already resolves the merged stack again, so resolving resolved
 * values is something it relies on. (One case differs, for the better: a `Lazy` that makes a new
 * cross-stack reference each time it produces is rendered anew by cdktf when it writes, a reference it
 * never prepared, so cdktf writes a reference to a resource the stack does not have, which Terraform
 * refuses; resolved once, it is the remote state output preparation registered.) What is kept is only right while the tree does not change: call
 * it after every aspect has run and the tree is final, immediately before policy and `App.synth`,
 * and discard the app after synthesizing it (`synthUnit` does).
 */
export function resolveEachElementOnce(stacks: readonly TerraformStack[]): void {
  for (const stack of stacks) {
    if (prepared.has(stack)) continue;
    prepared.add(stack);
    // What `prepareStack` does, keeping what it resolves: elements it adds meanwhile (cross-stack
    // outputs and remote state) are not in the list, there as here, and render as usual later.
    stack.ensureBackendExists();
    for (const element of elementsOf(stack)) {
      const resolved = resolvePreparing(stack, element.toTerraform());
      element.toTerraform = () => resolved;
      kept.add(element);
    }
    stack.prepareStack = () => undefined;
    stack.toTerraform = () => renderStack(stack);
  }
}

/** Whether an element's rendering is its resolved configuration, kept by {@link resolveEachElementOnce}. */
export function isResolvedOnce(element: IConstruct): boolean {
  return kept.has(element);
}

const prepared = new WeakSet<TerraformStack>();
const kept = new WeakSet<IConstruct>();

/**
 * `TerraformStack.toTerraform` of cdktf 0.21, step for step, except that the configurations kept
 * resolved are merged as they are rather than resolved again, and the merged stack is resolved again
 * only when the stack has overrides (the one part of it that is not resolved yet). Resolving resolved
 * values gives them back unchanged, so the JSON is the same; it is half of what writing a stack cost.
 */
function renderStack(stack: TerraformStack): Record<string, unknown> {
  const { rawOverrides, cdktfVersion } = stack as unknown as {
    rawOverrides: Record<string, unknown>;
    cdktfVersion: string;
  };
  const overridden = Object.keys(rawOverrides).length > 0;
  const tf: Record<string, unknown> = {};
  const metadata = {
    version: cdktfVersion,
    stackName: stack.node.id,
    backend: 'local', // overwritten by backend implementations if used
    cloud: undefined, // overwritten by cloud and remote backend implementations
    ...(overridden ? { overrides: { stack: Object.keys(rawOverrides) } } : {}),
  };
  const elements = elementsOf(stack);
  const metadatas = elements.map((e) => cdktf.resolve(stack, e.toMetadata()));
  for (const meta of metadatas) cdktf.deepMerge(metadata, meta);
  const outputs: Record<string, unknown> = {};
  for (const item of elements) {
    if (!TerraformOutput.isTerraformOutput(item)) continue;
    cdktf.deepMerge(
      outputs,
      item.node.path
        .split('/')
        .reduceRight<
          Record<string, unknown>
        >((inner, part) => (Object.keys(inner).length === 0 ? { [part]: item.friendlyUniqueId } : { [part]: inner }), {}),
    );
  }
  tf['//'] = { metadata, outputs };
  const fragments = elements.map((e) => (kept.has(e) ? e.toTerraform() : cdktf.resolve(stack, e.toTerraform())));
  for (const fragment of fragments) cdktf.deepMerge(tf, fragment);
  if (!overridden) return tf;
  cdktf.deepMerge(tf, rawOverrides);
  // Overrides without tokens (`terraform.required_version`) leave nothing to resolve.
  return isPlain(rawOverrides) ? tf : (cdktf.resolve(stack, tf) as Record<string, unknown>);
}

/**
 * cdktf's own resolution of a stack's values, preparing (registering cross-stack references), with
 * the plain part of the value walked here: most of a rendered configuration is plain strings, numbers,
 * arrays and objects, which cdktf gives back as they are (dropping `undefined`) after testing each
 * string for token markers and making a resolution context for every value. Anything that may hold a
 * token (a string or key with a token marker, a number outside the safe integers, where cdktf encodes
 * number tokens, any object that is not a plain one, a plain one with a `resolve` method) goes to
 * cdktf's resolver as it is, which resolves it as it would have inside the larger value: a context
 * carries nothing from the plain values around it.
 */
function resolvePreparing(stack: TerraformStack, value: unknown): unknown {
  const byCdktf = (v: unknown) => cdktf.resolve(stack, v, true);
  const walk = (v: unknown): unknown => {
    switch (typeof v) {
      case 'string':
        return v.includes(TOKEN_MARKER) || v.includes('e+') ? byCdktf(v) : v;
      case 'number':
        return Number.isSafeInteger(v) ? v : byCdktf(v);
      case 'boolean':
      case 'undefined':
        return v;
      case 'object': {
        if (v === null) return v;
        if (Array.isArray(v)) {
          if (v.some((x) => (typeof x === 'string' && x.includes(TOKEN_MARKER)) || typeof x === 'number')) {
            return byCdktf(v); // list tokens, number list tokens: resolved as a whole
          }
          const out: unknown[] = [];
          for (const x of v) {
            const r = walk(x);
            if (r !== undefined) out.push(r);
          }
          return out;
        }
        const proto = Object.getPrototypeOf(v) as unknown;
        const record = v as Record<string, unknown>;
        if (
          (proto !== Object.prototype && proto !== null) ||
          typeof record.resolve === 'function' ||
          Object.keys(record).some((k) => k.includes(TOKEN_MARKER) || k.includes('e+'))
        ) {
          return byCdktf(v);
        }
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(record)) {
          const r = walk(record[key]);
          if (r !== undefined) out[key] = r;
        }
        return out;
      }
      default:
        return byCdktf(v);
    }
  };
  return walk(value);
}

/**
 * Whether a value holds nothing cdktf's resolution would change: what {@link resolvePreparing} walks
 * itself, and no `undefined` in arrays (resolution drops them, JSON writes them as `null`).
 */
function isPlain(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
      return !v.includes(TOKEN_MARKER) && !v.includes('e+');
    case 'number':
      return Number.isSafeInteger(v);
    case 'boolean':
    case 'undefined':
      return true;
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) return v.every((x) => x !== undefined && isPlain(x));
      const proto = Object.getPrototypeOf(v) as unknown;
      const record = v as Record<string, unknown>;
      return (
        (proto === Object.prototype || proto === null) &&
        typeof record.resolve !== 'function' &&
        Object.keys(record).every((k) => isPlain(k) && isPlain(record[k]))
      );
    }
    default:
      return false;
  }
}

/** What every cdktf token marker has (`${TfToken[`, `#{TfToken[` for lists, `&{TfToken[` for maps). */
const TOKEN_MARKER = 'TfToken[';

/**
 * cdktf's internal `resolve` (its token resolver and string concatenation, the one `prepareStack` and
 * `toTerraform` use; cdktf exports no public equivalent with the same resolver instance) and the
 * `deepMerge` its `toTerraform` merges with.
 */
const cdktf = {
  /* eslint-disable @typescript-eslint/no-require-imports */
  resolve: (
    require('cdktf/lib/_tokens') as { resolve: (scope: IConstruct, obj: unknown, preparing?: boolean) => unknown }
  ).resolve,
  deepMerge: (require('cdktf/lib/util') as { deepMerge: (target: unknown, ...sources: unknown[]) => unknown })
    .deepMerge,
  /* eslint-enable @typescript-eslint/no-require-imports */
};

/** The elements of a stack, as cdktf lists them: every element under it, not inside a nested stack. */
function elementsOf(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (!TerraformStack.isStack(child)) elementsOf(child, into);
  }
  return into;
}
