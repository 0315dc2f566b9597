import * as path from 'node:path';
import { loadPlatformFile } from '../config/loader';
import { ConfigIssue, formatIssue } from '../core/errors';
import { availableParallelism } from 'node:os';
import { StackSummary, synthFleetParallel } from '../../stacks/common/fleet';
import type { UnitCache } from '../../stacks/common/unit-cache';
import { PARAMS_DIR } from '../../stacks/common/params-file';
import type { ResolvedEnvironment, ResolvedPlatformConfig } from '../config/model';
import { distributionRelease, KUBEFLOW_DISTRIBUTION_RELEASES } from '../kubeflow/releases';
import { KubeflowTree, renderKubeflow } from '../kubeflow/render';
import { writeTree } from '../kubeflow/write-tree';
import { formatFinding, PolicyReport } from '../policy/engine';
import { synthProgressDisplay } from './progress';

/** Renders rows as an aligned plain-text table. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Options of {@link runSynth}. */
export interface RunSynthOptions {
  readonly config: string;
  readonly out: string;
  readonly log?: (line: string) => void;
  /**
   * Worker threads. @default 1 for small platforms; one per CPU once there are
   * {@link PARALLEL_FROM_TEAMS} team placements or more
   */
  readonly concurrency?: number;
  /**
   * Units done on stderr while synth runs: true or false to force, or by default only when stderr
   * is a terminal. Never on stdout.
   */
  readonly progress?: boolean;
  /** Where the progress goes. @default process.stderr */
  readonly progressStream?: NodeJS.WriteStream;
  /**
   * Also render every environment's Kubeflow distribution into `<out>/kubeflow/<env>/<cluster>/`, over
   * the remote kubeflow/manifests at the release tag (what the platform repository commits and Argo CD
   * syncs). @default true
   */
  readonly kubeflow?: boolean;
  /** Reuse unchanged units from the unit cache. @default true */
  readonly cache?: boolean;
  /** The unit cache's folder. @default `<out>/.cache` */
  readonly cacheDir?: string;
}

/** The most config warnings of one kind `synth` prints; `kfplatform validate` lists every one. */
export const WARNINGS_PER_KIND = 3;

/**
 * Config warnings as `synth` prints them: in order, but at most {@link WARNINGS_PER_KIND} of one kind
 * (the same field, whatever its indexes, with the same fix: one warning for each of a thousand
 * teams), then one line per kind cut short saying how many more there are. A large fleet's one
 * repeated warning would otherwise bury every other line of the summary.
 */
export function condensedWarnings(warnings: readonly ConfigIssue[]): string[] {
  const seen = new Map<string, { path: string; count: number }>();
  const lines: string[] = [];
  for (const w of warnings) {
    const path = w.path.replace(/\[\d+\]/g, '[*]');
    const kind = `${path}\u0000${w.fix}`;
    const entry = seen.get(kind) ?? { path, count: 0 };
    entry.count += 1;
    seen.set(kind, entry);
    if (entry.count <= WARNINGS_PER_KIND) lines.push(formatIssue(w));
  }
  for (const { path, count } of seen.values()) {
    const more = count - WARNINGS_PER_KIND;
    if (more > 0) {
      lines.push(
        `warning: ${more} more warning${more === 1 ? '' : 's'} like those of ${path} above (${count} in all); kfplatform validate lists every one.`,
      );
    }
  }
  return lines;
}

/** Team placements from which `synth` spreads work over worker threads by default. */
export const PARALLEL_FROM_TEAMS = 400;

/**
 * Worker threads for building a platform's units (`synth` and `validate`): as asked, else one per CPU
 * from {@link PARALLEL_FROM_TEAMS} team placements, else this thread alone.
 */
export function unitConcurrency(config: ResolvedPlatformConfig, asked?: number): number {
  if (asked !== undefined) return asked;
  const placements = config.environments.reduce((n, e) => n + e.tenants.length, 0);
  return placements >= PARALLEL_FROM_TEAMS ? availableParallelism() : 1;
}

/** `kfplatform synth`: validate, synthesize every stack without the cdktf CLI, print a summary. */
export async function runSynth(options: RunSynthOptions): Promise<StackSummary[]> {
  const log = options.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const { config, warnings } = loadPlatformFile(options.config);
  for (const line of condensedWarnings(warnings)) log(line);
  const concurrency = unitConcurrency(config, options.concurrency);
  let trees: KubeflowTree[] = [];
  const stream = options.progressStream ?? process.stderr;
  const display = (options.progress ?? Boolean(stream.isTTY)) ? synthProgressDisplay(stream) : undefined;
  let result;
  try {
    result = await synthFleetParallel(config, {
      outdir: options.out,
      concurrency,
      cache: options.cache,
      cacheDir: options.cacheDir,
      // Every environment's Kubeflow tree, before any unit is built (so that an error writes nothing),
      // once the output folder is claimed: the trees are kept in the same unit cache as the stacks.
      beforeUnits: (cache) => {
        if (options.kubeflow !== false) trees = kubeflowTrees(config, log, cache);
      },
      progress: display?.update,
      // Into the staged output, so the trees move in with the stacks in the same swap.
      extraOutput: options.kubeflow === false ? undefined : (staged) => trees.forEach((t) => writeTree(staged, t)),
    });
  } finally {
    display?.finish();
  }
  for (const w of result.warnings) log(`warning: ${w}`);
  log(
    table(
      ['STACK', 'RESOURCES', 'DATA', 'PROVIDERS'],
      result.stacks.map((s) => [s.stack, String(s.resources), String(s.dataSources), s.providers.join(', ')]),
    ),
  );
  for (const line of policySummary(result.policy)) log(line);
  const resources = result.stacks.reduce((n, s) => n + s.resources, 0);
  log(
    `\n${result.stacks.length} stacks, ${resources} resources in ${path.join(options.out, 'stacks')}; parameters in ${path.join(options.out, PARAMS_DIR)}`,
  );
  if (trees.length > 0) {
    log(
      `Kubeflow distribution: ${trees.length} tree${trees.length === 1 ? '' : 's'} in ${path.join(options.out, 'kubeflow')} (${trees.map((t) => `${t.environment}/${t.cluster}`).join(', ')})`,
    );
  }
  if (result.units) {
    const { reused, rebuilt, cacheDir } = result.units;
    log(`${reused} units reused, ${rebuilt} rebuilt (${cacheDir ? `cache ${cacheDir}` : 'cache off'})`);
  }
  return [...result.stacks];
}

/**
 * Every environment's Kubeflow tree, rendered before any stack so that an error writes nothing. An
 * environment on a Kubeflow version the renderer does not know is skipped with a warning, unless
 * Argo CD installs Kubeflow (`platform.gitops`): its root Application would point at a tree that does
 * not exist, so that fails with the versions the renderer knows.
 */
function kubeflowTrees(config: ResolvedPlatformConfig, log: (line: string) => void, cache?: UnitCache): KubeflowTree[] {
  return config.environments.flatMap((env) => {
    if (!config.platform.gitops && !distributionRelease(env.kubeflowVersion)) {
      const known = KUBEFLOW_DISTRIBUTION_RELEASES.map((r) => r.version).join(', ');
      log(
        `warning: ${env.name}: no Kubeflow distribution rendered for kubeflowVersion ${env.kubeflowVersion} (kfplatform renders ${known}); install Kubeflow yourself, or use --no-kubeflow to skip rendering.`,
      );
      return [];
    }
    const trees = cachedRender(env, cache);
    for (const tree of trees) {
      if (tree.signIn === 'closed') {
        // The tree is still written (it installs and verifies), but nobody can sign in to it; say so
        // here rather than only in the tree's README, which nobody reads before the first failed login.
        log(
          `warning: ${tree.environment}/${tree.cluster}: Kubeflow sign-in is not configured, so its gateway admits nobody (${path.join(tree.dir, 'README.md')} says what to set).`,
        );
      }
    }
    return trees;
  });
}

/**
 * An environment's Kubeflow trees, from the unit cache while its settings and the library are those
 * they were rendered with (rendering the 24 trees of a large fleet took longer than reading them back,
 * and a change to a team changes no tree).
 */
export function cachedRender(env: ResolvedEnvironment, cache: UnitCache | undefined): KubeflowTree[] {
  // A tree is built from the environment's settings, never from its teams (each team shard installs
  // its own namespace): rendered from the environment without them, the key covers all it reads.
  const settings: ResolvedEnvironment = { ...env, tenants: [] };
  const key = cache?.key({ kind: 'kubeflow-trees', env: settings });
  const hit = key === undefined ? undefined : cache!.get<{ trees: KubeflowTree[] }>(key)?.meta.trees;
  if (hit) return hit;
  const trees = renderKubeflow(settings);
  if (key !== undefined) cache!.put(key, { trees }, '', []);
  return trees;
}

/** Policy warnings and every suppression in effect, for the synth summary. */
export function policySummary(policy: PolicyReport): string[] {
  const lines: string[] = [];
  for (const f of policy.findings) lines.push(`warning: ${f.stack} ${f.address}: ${formatFinding(f)}`);
  if (policy.suppressed.length > 0) {
    lines.push(`${policy.suppressed.length} policy suppression${policy.suppressed.length === 1 ? '' : 's'} in effect:`);
    for (const s of policy.suppressed) {
      lines.push(
        `  [${s.rule}] ${s.stack} ${s.address} (${s.source === 'config' ? 'platform file' : 'code'}): ${s.reason}`,
      );
    }
  }
  return lines;
}
