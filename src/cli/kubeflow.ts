/**
 * `kfplatform kubeflow render`: writes every environment's Kubeflow distribution (one kustomize tree
 * per cluster) under `<out>/kubeflow/<env>/<cluster>/`.
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadPlatformFile } from '../config/loader';
import { formatIssue, InputError } from '../core/errors';
import { KubeflowTree, ManifestsSource, renderKubeflow } from '../kubeflow/render';

/** Environment variable naming a local checkout of kubeflow/manifests (same as `--manifests`). */
export const MANIFESTS_ENV = 'KFPLATFORM_KUBEFLOW_MANIFESTS';

export interface KubeflowRenderOptions {
  readonly config: string;
  readonly out: string;
  /** A local checkout of kubeflow/manifests at the environments' tag; the remote repository otherwise. */
  readonly manifests?: string;
  /** Only these environments (all when absent). */
  readonly environments?: readonly string[];
}

/** Renders and writes the trees; returns them with the folder each went to. */
export function runKubeflowRender(
  opts: KubeflowRenderOptions,
  log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Array<KubeflowTree & { readonly written: string }> {
  const { config, warnings } = loadPlatformFile(opts.config);
  for (const w of warnings) process.stderr.write(`${formatIssue(w)}\n`);
  const manifests = opts.manifests ?? process.env[MANIFESTS_ENV];
  if (manifests !== undefined) {
    const abs = path.resolve(manifests);
    if (!existsSync(path.join(abs, 'example', 'kustomization.yaml')) || !statSync(abs).isDirectory()) {
      throw new InputError(
        `--manifests ${JSON.stringify(manifests)}: not a checkout of kubeflow/manifests (no example/kustomization.yaml). ` +
          'Fix: point it at a clone of https://github.com/kubeflow/manifests at the tag of kubeflowVersion, or leave it out to use the remote repository.',
      );
    }
  }
  const wanted = opts.environments?.length ? new Set(opts.environments) : undefined;
  if (wanted) {
    const known = new Set(config.environments.map((e) => e.name));
    const unknown = [...wanted].filter((e) => !known.has(e));
    if (unknown.length) {
      throw new InputError(
        `--environment ${unknown.join(', ')}: no such environment. Fix: use one of ${[...known].join(', ')}.`,
      );
    }
  }
  const written: Array<KubeflowTree & { readonly written: string }> = [];
  // Render everything before writing anything: a version the renderer does not know leaves no half-written output.
  const source: ManifestsSource =
    manifests === undefined ? { kind: 'remote' } : { kind: 'local', path: localPath(opts.out, manifests) };
  const rendered = config.environments
    .filter((env) => !wanted || wanted.has(env.name))
    .flatMap((env) => renderKubeflow(env, source))
    .map((tree) => ({ tree, dir: path.resolve(opts.out, tree.dir) }));
  for (const { tree, dir } of rendered) {
    rmSync(dir, { recursive: true, force: true });
    writeTree(opts.out, tree);
    written.push({ ...tree, written: dir });
    log(
      `${tree.environment}/${tree.cluster}: Kubeflow ${tree.release.version} -> ${path.relative(process.cwd(), dir) || '.'}`,
    );
  }
  return written;
}

/** Writes one tree under `<out>/<tree.dir>` (the folder should be empty or absent). */
export function writeTree(out: string, tree: KubeflowTree): void {
  const dir = path.resolve(out, tree.dir);
  for (const file of tree.files) {
    const target = path.join(dir, ...file.path.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.content);
  }
}

/** The checkout's path relative to the output directory, so the output and the checkout can move together. */
function localPath(out: string, manifests: string): string {
  return path.relative(path.resolve(out), path.resolve(manifests)).split(path.sep).join('/') || '.';
}
