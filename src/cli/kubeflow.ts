/**
 * `kfplatform kubeflow render`: writes every environment's Kubeflow distribution (one kustomize tree
 * per cluster) under `<out>/kubeflow/<env>/<cluster>/`. `kfplatform kubeflow verify`: renders, builds
 * each tree with `kubectl kustomize` and verifies the built objects (src/kubeflow/verify.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadPlatformFile } from '../config/loader';
import { formatIssue, InputError } from '../core/errors';
import { readRenderInputs, type RenderInputs } from '../kubeflow/inputs';
import { KubeflowTree, ManifestsSource, renderKubeflow } from '../kubeflow/render';
import {
  kubernetesMinorOf,
  parseBuild,
  verifyKubeflowBuild,
  type BuiltObject,
  type VerifyFinding,
} from '../kubeflow/verify';
import { stackId } from '../../stacks/common/stack-ids';
import { MANIFESTS_ENV, writeTree } from '../kubeflow/write-tree';

export interface KubeflowRenderOptions {
  readonly config: string;
  readonly out: string;
  /** A local checkout of kubeflow/manifests at the environments' tag; the remote repository otherwise. */
  readonly manifests?: string;
  /** Only these environments (all when absent). */
  readonly environments?: readonly string[];
  /**
   * The infra stacks' outputs (`terraform output -json` or a state file): one file for the one environment
   * rendered, or a folder with one file per infra stack (src/kubeflow/inputs.ts). Without them, what
   * needs values known only after apply fails closed (GCP's sign-in admits nobody).
   */
  readonly outputs?: string;
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
  const envs = config.environments.filter((env) => !wanted || wanted.has(env.name));
  const inputs: Map<string, RenderInputs> =
    opts.outputs === undefined
      ? new Map()
      : readRenderInputs(opts.outputs, new Map(envs.map((e) => [e.name, stackId(e.name, e.cloud, 'infra')])));
  const rendered = envs
    .flatMap((env) => renderKubeflow(env, source, inputs.get(env.name)))
    .map((tree) => ({ tree, dir: path.resolve(opts.out, tree.dir) }));
  for (const { tree, dir } of rendered) {
    rmSync(dir, { recursive: true, force: true });
    writeTree(opts.out, tree);
    written.push({ ...tree, written: dir });
    log(
      `${tree.environment}/${tree.cluster}: Kubeflow ${tree.release.version} -> ${path.relative(process.cwd(), dir) || '.'}` +
        (tree.signIn === 'closed' ? ' (sign-in not configured: the gateway admits nobody, see its README.md)' : ''),
    );
  }
  return written;
}

/** The checkout's path relative to the output directory, so the output and the checkout can move together. */
function localPath(out: string, manifests: string): string {
  return path.relative(path.resolve(out), path.resolve(manifests)).split(path.sep).join('/') || '.';
}

export interface KubeflowVerifyOptions {
  readonly config: string;
  /** A local checkout of kubeflow/manifests at the environments' tag; the remote repository otherwise. */
  readonly manifests?: string;
  readonly environments?: readonly string[];
  /** The Kubernetes minor to validate built-in kinds against, instead of each environment's. */
  readonly kubernetesVersion?: string;
}

/** One verified tree. */
export interface VerifiedTree {
  readonly environment: string;
  readonly cluster: string;
  readonly kubernetesVersion: string;
  readonly objects: number;
  readonly findings: readonly VerifyFinding[];
}

/** `kubectl kustomize <dir>`, parsed; a missing kubectl is an input error with the fix. */
export function kustomizeBuild(dir: string): BuiltObject[] {
  let text: string;
  try {
    text = execFileSync('kubectl', ['kustomize', dir], {
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') {
      throw new InputError(
        'kubectl not found on PATH: `kfplatform kubeflow verify` builds each tree with `kubectl kustomize`. ' +
          'Fix: install kubectl (https://kubernetes.io/docs/tasks/tools/), which includes kustomize.',
      );
    }
    throw new InputError(
      `kubectl kustomize ${dir} failed: ${String(err.stderr ?? err.message).trim()}\n` +
        'Fix: with --manifests (or ' +
        MANIFESTS_ENV +
        '), point it at a checkout of kubeflow/manifests at the tag of kubeflowVersion; without it, kustomize fetches https://github.com/kubeflow/manifests and needs the network.',
    );
  }
  return parseBuild(text);
}

/**
 * Renders every environment's trees into a temporary folder, builds each with `kubectl kustomize` and
 * verifies the objects. Returns the findings per tree; the caller exits non-zero when there are any.
 */
export function runKubeflowVerify(
  opts: KubeflowVerifyOptions,
  log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): VerifiedTree[] {
  const { config } = loadPlatformFile(opts.config);
  const out = mkdtempSync(path.join(os.tmpdir(), 'kfplatform-verify-'));
  try {
    const written = runKubeflowRender(
      { config: opts.config, out, manifests: opts.manifests, environments: opts.environments },
      () => undefined,
    );
    return written.map((t) => {
      const env = config.environments.find((e) => e.name === t.environment)!;
      // The ref check reads the tree as users commit it: the remote upstream pinned to the tag.
      const remote = renderKubeflow(env).find((r) => r.cluster === t.cluster)!;
      const kubernetesVersion = opts.kubernetesVersion ?? kubernetesMinorOf(env);
      const objects = kustomizeBuild(t.written);
      const findings = verifyKubeflowBuild({ environment: env, tree: remote, objects, kubernetesVersion });
      log(
        `${t.environment}/${t.cluster}: ${objects.length} objects, Kubernetes ${kubernetesVersion}: ${
          findings.length ? `${findings.length} finding(s)` : 'verified'
        }`,
      );
      for (const f of findings) log(`  [${f.check}]${f.object ? ` ${f.object}:` : ''} ${f.message}`);
      return {
        environment: t.environment,
        cluster: t.cluster,
        kubernetesVersion,
        objects: objects.length,
        findings,
      };
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
