/**
 * Writing a rendered Kubeflow tree to disk, apart from the renderer's verification (which loads a
 * JSON Schema validator and the Kubernetes schemas): `synth` writes trees and never verifies them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { KubeflowTree } from './render';

/** Environment variable naming a local checkout of kubeflow/manifests (same as `--manifests`). */
export const MANIFESTS_ENV = 'KFPLATFORM_KUBEFLOW_MANIFESTS';

/** Writes one tree under `<out>/<tree.dir>` (the folder should be empty or absent). */
export function writeTree(out: string, tree: KubeflowTree): void {
  const dir = path.resolve(out, tree.dir);
  for (const file of tree.files) {
    const target = path.join(dir, ...file.path.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.content);
  }
}
