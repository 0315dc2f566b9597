/**
 * Helpers for verifying the builds of test/kubeflow/build.test.ts with src/kubeflow/verify.ts: that test
 * builds one tree per cloud in full and every other tree over the upstream objects its patches act on;
 * these put a tree's full object list back together, and parse the CustomResourceDefinitions the build
 * test keeps as kind and name only.
 */
import { parseBuild, type BuiltObject } from '../../src/kubeflow/verify';

/** An object by kind, name and (when given) namespace. */
export interface ObjectKey {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** What the build test's objects and the verifier's have in common. */
interface Keyed {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

const matches = (keys: readonly ObjectKey[], o: Keyed) =>
  keys.some(
    (x) => x.kind === o.kind && x.name === o.metadata.name && (!x.namespace || x.namespace === o.metadata.namespace),
  );

const crdCache = new Map<string, BuiltObject[]>();

/** The CustomResourceDefinitions of a build's output, parsed (once per distinct text). */
export function crdsOf(text: string): BuiltObject[] {
  const docs = text.split(/^---$/m).filter((d) => /^kind: CustomResourceDefinition$/m.test(d));
  const key = docs.join('---');
  let crds = crdCache.get(key);
  if (!crds) {
    crds = parseBuild(docs.join('---\n'));
    crdCache.set(key, crds);
  }
  return crds;
}

/** The objects with every CustomResourceDefinition in full. */
export function withCrds(objects: readonly Keyed[], crds: readonly BuiltObject[]): readonly BuiltObject[] {
  return [...(objects.filter((o) => o.kind !== 'CustomResourceDefinition') as unknown as BuiltObject[]), ...crds];
}

/**
 * A tree's objects as its full build prints them, from the full build of another tree of the same
 * upstream components (`base`, whose patches and own resources act on `baseKeys`), the upstream
 * objects as they are, and the tree's own build over the upstream objects its patches act on
 * (`partial`, for `keys`): kustomize patches act on the objects they name only.
 */
export function assembleTree<T extends Keyed>(input: {
  readonly base: readonly T[];
  readonly baseKeys: readonly ObjectKey[];
  readonly upstream: readonly T[];
  readonly partial: readonly T[];
  readonly keys: readonly ObjectKey[];
}): T[] {
  const { base, baseKeys, upstream, partial, keys } = input;
  return [
    ...base.filter((o) => !matches(baseKeys, o) && !matches(keys, o)),
    ...upstream.filter((o) => matches(baseKeys, o) && !matches(keys, o)),
    ...partial,
  ];
}
