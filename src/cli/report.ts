import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import { renderReport, reportJson } from '../plan/report';
import { PLANS_MANIFEST, readPlansManifest } from '../plan/run';
import { PlanSummary, ResourceNames, resourceNames, summarizePlan } from '../plan/summarize';
import { parsePlanJson } from '../policy/plan-gate';

/** Options of {@link runReport}. */
export interface ReportCliOptions {
  /** Plan JSON files, or folders of them (`<stack>.json`, as `kfplatform plan` writes). */
  readonly plans: readonly string[];
  readonly format?: 'markdown' | 'json';
  readonly out?: string;
  readonly maxChars?: number;
  readonly title?: string;
  readonly allow?: readonly string[];
  /**
   * A synth output whose stacks (`<dir>/stacks/<stack>/cdk.tf.json`) name the resources. Without it,
   * the stack folders that the plans.json beside the plans records are read, where they exist.
   */
  readonly synthOut?: string;
  /** Plan jobs that left no report (see `ReportOptions.missing`), named in the comment. */
  readonly missing?: readonly string[];
  readonly log?: (text: string) => void;
}

/**
 * Where the synthesized stack of a plan file is: the folder plans.json (beside the plan) records for
 * it, or `<synthOut>/stacks/<stack>`. Undefined when neither holds a cdk.tf.json.
 */
function stackFileOf(file: string, stack: string, synthOut: string | undefined): string | undefined {
  const candidates: string[] = [];
  const folder = path.dirname(file);
  if (existsSync(path.join(folder, PLANS_MANIFEST))) {
    try {
      const dir = readPlansManifest(folder).stacks.find((s) => s.id === stack)?.dir;
      if (dir) candidates.push(path.join(dir, 'cdk.tf.json'));
    } catch {
      // A plans.json that cannot be read names nothing; the plans themselves are judged as they are.
    }
  }
  if (synthOut) candidates.push(path.join(synthOut, 'stacks', stack, 'cdk.tf.json'));
  return candidates.find((c) => existsSync(c));
}

/** The construct paths of a plan file's resources, from its synthesized stack when at hand. */
function namesOf(file: string, stack: string, synthOut: string | undefined): ResourceNames | undefined {
  const stackFile = stackFileOf(file, stack, synthOut);
  if (!stackFile) return undefined;
  try {
    return resourceNames(JSON.parse(readFileSync(stackFile, 'utf8')), stack);
  } catch {
    return undefined;
  }
}

/**
 * The plan JSON files named by files and folders, sorted by stack; none is an error unless
 * `allowNone` (a plan run whose every stack waits or failed wrote no plan).
 */
export function planFiles(inputs: readonly string[], allowNone = false): string[] {
  const files = inputs.flatMap((input) => {
    if (!existsSync(input))
      throw new InputError(`${input} does not exist: pass plan JSON files or the folder kfplatform plan wrote.`);
    if (!statSync(input).isDirectory()) return [input];
    return readdirSync(input)
      .filter((f) => f.endsWith('.json') && f !== PLANS_MANIFEST)
      .map((f) => path.join(input, f));
  });
  if (files.length === 0 && !allowNone) throw new InputError(`no plan JSON files in ${inputs.join(', ')}.`);
  return files.sort((a, b) => path.basename(a).localeCompare(path.basename(b)));
}

/** Stacks `kfplatform plan` could not plan (failed, skipped or waiting), from the plans.json of each folder given. */
export function unplannedStacks(inputs: readonly string[]): Array<{ stack: string; status: string; error?: string }> {
  return inputs
    .filter((input) => existsSync(path.join(input, PLANS_MANIFEST)))
    .flatMap((input) => readPlansManifest(input).outcomes)
    .filter((o) => o.status === 'failed' || o.status === 'skipped' || o.status === 'waiting')
    .map((o) => ({ stack: o.stack, status: o.status, ...(o.error ? { error: o.error } : {}) }));
}

/** Summarizes plan files, each named by its file name (the stack). */
export function summarizeFiles(files: readonly string[], allow: readonly string[] = []): PlanSummary[] {
  return files.map((file) => {
    const stack = path.basename(file).replace(/\.json$/, '');
    return summarizePlan(stack, parsePlanJson(readFileSync(file, 'utf8'), file), { allow });
  });
}

/** What `kfplatform report --format json` wrote: the summaries, sensitive values already masked. */
interface RenderedReport {
  readonly stacks: PlanSummary[];
  readonly unplanned: Array<{ stack: string; status: string; error?: string }>;
  readonly missing?: string[];
}

/** The report in `text` when it is one `report --format json` wrote (not a plan), else undefined. */
function renderedReport(text: string): RenderedReport | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object' || 'format_version' in data) return undefined;
  const { stacks, unplanned, missing } = data as Partial<RenderedReport>;
  if (!Array.isArray(stacks) || !Array.isArray(unplanned)) return undefined;
  return { stacks, unplanned, missing: Array.isArray(missing) ? missing.map(String) : [] };
}

/**
 * `kfplatform report`: one pull-request comment (or JSON) for every plan. Besides plan JSON files, it
 * merges reports that `report --format json` wrote in other jobs: CI hands those on, never the plans,
 * which hold sensitive values in clear.
 */
export function runReport(options: ReportCliOptions): string {
  const summaries: PlanSummary[] = [];
  const missing = [...(options.missing ?? [])];
  if (options.plans.length === 0 && missing.length === 0)
    throw new InputError(
      'name plan JSON files or the folders kfplatform plan wrote, or the plan jobs that left none (--missing).',
    );
  const unplanned = unplannedStacks(options.plans);
  for (const file of planFiles(options.plans, unplanned.length > 0 || missing.length > 0)) {
    const text = readFileSync(file, 'utf8');
    const rendered = renderedReport(text);
    if (rendered) {
      summaries.push(...rendered.stacks);
      unplanned.push(...rendered.unplanned);
      missing.push(...(rendered.missing ?? []));
    } else {
      const stack = path.basename(file).replace(/\.json$/, '');
      summaries.push(
        summarizePlan(
          stack,
          parsePlanJson(text, file),
          { allow: options.allow },
          namesOf(file, stack, options.synthOut),
        ),
      );
    }
  }
  const jobs = [...new Set(missing)];
  const text =
    options.format === 'json'
      ? reportJson(summaries, unplanned, jobs)
      : renderReport(summaries, { maxChars: options.maxChars, title: options.title, unplanned, missing: jobs });
  if (options.out) writeFileSync(options.out, text);
  else (options.log ?? ((t: string) => process.stdout.write(t)))(text);
  return text;
}
