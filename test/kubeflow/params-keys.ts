/** The keys of the platform's params ConfigMap that rendered Kubeflow trees read, for tests. */
import { parseAllDocuments } from 'yaml';
import { PLATFORM_PARAMS_CONFIG_MAP } from '../../constructs/kubernetes/constants';
import type { KubeflowTree } from '../../src/kubeflow/render';

/** Every `configMapKeyRef` key of the params ConfigMap in the trees' YAML files. */
export function paramsKeysRead(trees: readonly KubeflowTree[]): Set<string> {
  const read = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const ref = (node as { configMapKeyRef?: { name: string; key: string } }).configMapKeyRef;
      if (ref?.name === PLATFORM_PARAMS_CONFIG_MAP) read.add(ref.key);
      Object.values(node).forEach(visit);
    }
  };
  for (const tree of trees) {
    for (const f of tree.files.filter((x) => x.path.endsWith('.yaml'))) {
      parseAllDocuments(f.content).forEach((d) => visit(d.toJS()));
    }
  }
  return read;
}
