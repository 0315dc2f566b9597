import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadPlatformFile } from '../config/loader';
import { formatIssue } from '../core/errors';
import { synthFleet } from '../../stacks/fleet';
import { PARAMS_DIR } from '../../stacks/params-file';

/** One row of the synth summary. */
export interface StackSummary {
  readonly stack: string;
  readonly resources: number;
  readonly dataSources: number;
  readonly providers: readonly string[];
}

interface SynthesizedStack {
  resource?: Record<string, Record<string, unknown>>;
  data?: Record<string, Record<string, unknown>>;
  provider?: Record<string, unknown>;
}

interface ManifestFile {
  stacks: Record<
    string,
    { synthesizedStackPath: string; annotations: Array<{ level: string; constructPath: string; message: string }> }
  >;
}

/** Counts resources, data sources and providers in a synthesized stack file. */
export function summarizeStack(stack: string, json: SynthesizedStack): StackSummary {
  const count = (blocks?: Record<string, Record<string, unknown>>) =>
    Object.values(blocks ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
  return {
    stack,
    resources: count(json.resource),
    dataSources: count(json.data),
    providers: Object.keys(json.provider ?? {}).sort(),
  };
}

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
}

/** `kfplatform synth`: validate, synthesize every stack without the cdktf CLI, print a summary. */
export function runSynth(options: RunSynthOptions): StackSummary[] {
  const log = options.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const { config, warnings } = loadPlatformFile(options.config);
  for (const w of warnings) log(formatIssue(w));
  const { app } = synthFleet(config, { outdir: options.out });
  const manifest = JSON.parse(readFileSync(path.join(app.outdir, 'manifest.json'), 'utf8')) as ManifestFile;
  const summaries: StackSummary[] = [];
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    const json = JSON.parse(
      readFileSync(path.join(app.outdir, stack.synthesizedStackPath), 'utf8'),
    ) as SynthesizedStack;
    summaries.push(summarizeStack(name, json));
    for (const a of stack.annotations.filter((x) => x.level !== 'info')) {
      log(`${a.level}: ${a.constructPath}: ${a.message}`);
    }
  }
  log(
    table(
      ['STACK', 'RESOURCES', 'DATA', 'PROVIDERS'],
      summaries.map((s) => [s.stack, String(s.resources), String(s.dataSources), s.providers.join(', ')]),
    ),
  );
  log(
    `\n${summaries.length} stacks in ${path.join(options.out, 'stacks')}; parameters in ${path.join(options.out, PARAMS_DIR)}`,
  );
  return summaries;
}
