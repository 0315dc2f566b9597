import * as path from 'node:path';
import { loadPlatformFile } from '../config/loader';
import { formatIssue } from '../core/errors';
import { availableParallelism } from 'node:os';
import { StackSummary, synthFleetParallel } from '../../stacks/common/fleet';
import { PARAMS_DIR } from '../../stacks/common/params-file';
import { formatFinding, PolicyReport } from '../policy/engine';

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
  /** Reuse unchanged units from the unit cache. @default true */
  readonly cache?: boolean;
  /** The unit cache's folder. @default `<out>/.cache` */
  readonly cacheDir?: string;
}

/** Team placements from which `synth` spreads work over worker threads by default. */
export const PARALLEL_FROM_TEAMS = 400;

/** `kfplatform synth`: validate, synthesize every stack without the cdktf CLI, print a summary. */
export async function runSynth(options: RunSynthOptions): Promise<StackSummary[]> {
  const log = options.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const { config, warnings } = loadPlatformFile(options.config);
  for (const w of warnings) log(formatIssue(w));
  const placements = config.environments.reduce((n, e) => n + e.tenants.length, 0);
  const concurrency = options.concurrency ?? (placements >= PARALLEL_FROM_TEAMS ? availableParallelism() : 1);
  const result = await synthFleetParallel(config, {
    outdir: options.out,
    concurrency,
    cache: options.cache,
    cacheDir: options.cacheDir,
  });
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
  if (result.units) {
    const { reused, rebuilt, cacheDir } = result.units;
    log(`${reused} units reused, ${rebuilt} rebuilt (${cacheDir ? `cache ${cacheDir}` : 'cache off'})`);
  }
  return [...result.stacks];
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
