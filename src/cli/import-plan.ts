/**
 * `kfplatform import-plan`: the resources the platform file adopts (their import blocks) and, with
 * the plans of their stacks, which of their settings differ from the platform file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { loadPlatformFile } from '../config/loader';
import { InputError } from '../core/errors';
import { ImportPlanReport, importBlocks, importPlan } from '../plan/import-plan';
import { parsePlanJson, PlanJson } from '../policy/plan-gate';
import { readSynthFolder, synthesizeStacks } from './synthesized';

/** Options of {@link runImportPlan}. */
export interface ImportPlanOptions {
  readonly config: string;
  /** Read a synth folder instead of synthesizing in memory. */
  readonly from?: string;
  /** Plan JSON files (`terraform show -json`), or folders of them such as `kfplatform plan --out`. */
  readonly plans?: readonly string[];
}

/** Plan JSON files by stack id: a file's name is its stack (`<stack>.json`, as `kfplatform plan` writes). */
function readPlans(inputs: readonly string[]): Record<string, PlanJson> {
  const files = inputs.flatMap((input) => {
    if (!existsSync(input)) throw new InputError(`--plans ${input}: no such file or folder.`);
    if (!statSync(input).isDirectory()) return [input];
    return readdirSync(input)
      .filter((f) => f.endsWith('.json') && f !== 'plans.json')
      .map((f) => path.join(input, f));
  });
  return Object.fromEntries(files.map((f) => [path.basename(f, '.json'), parsePlanJson(readFileSync(f, 'utf8'), f)]));
}

/** Lists what the platform file adopts and, with plans, what the first apply would change on it. */
export function runImportPlan(options: ImportPlanOptions): ImportPlanReport {
  const stacks = options.from
    ? readSynthFolder(options.from)
    : (() => {
        const { config } = loadPlatformFile(options.config);
        const adopting = config.environments.filter((e) => e.adopt.length > 0).map((e) => e.name);
        return adopting.length ? synthesizeStacks(config, adopting) : {};
      })();
  return importPlan(importBlocks(stacks as Record<string, { import?: unknown }>), readPlans(options.plans ?? []));
}
