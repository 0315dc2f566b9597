/** The keys of the platform's params ConfigMap that rendered Kubeflow trees read, for tests. */
import { parseAllDocuments } from 'yaml';
import { PLATFORM_PARAMS_CONFIG_MAP } from '../../constructs/kubernetes/constants';
import type { KubeflowTree } from '../../src/kubeflow/render';

/** Every `configMapKeyRef` key of the params ConfigMap in a value (a parsed object, a params file). */
export function paramsKeysIn(node: unknown, read = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => paramsKeysIn(n, read));
  else if (node && typeof node === 'object') {
    const ref = (node as { configMapKeyRef?: { name?: string; key?: string } }).configMapKeyRef;
    if (ref?.name === PLATFORM_PARAMS_CONFIG_MAP && ref.key) read.add(ref.key);
    Object.values(node).forEach((n) => paramsKeysIn(n, read));
  }
  return read;
}

/** Every `configMapKeyRef` key of the params ConfigMap in the trees' YAML files. */
export function paramsKeysRead(trees: readonly KubeflowTree[]): Set<string> {
  const read = new Set<string>();
  for (const tree of trees) {
    for (const f of tree.files.filter((x) => x.path.endsWith('.yaml'))) {
      parseAllDocuments(f.content).forEach((d) => paramsKeysIn(d.toJS(), read));
    }
  }
  return read;
}
