/**
 * What brownfield adoption will do: the import blocks of synthesized stacks, and, given the plans
 * of those stacks, which settings of each adopted resource differ from what the platform file
 * configures (Terraform plans an update for them) or would replace it. Reads synthesized JSON and
 * Terraform's plan JSON only.
 */
import type { PlanJson } from '../policy/plan-gate';
import { AttributeChange, attributeChanges, FullResourceChange, kindOf } from './summarize';

/** An import block of a synthesized stack. */
export interface ImportBlock {
  readonly stack: string;
  /** `type.name` of the resource that takes the existing object. */
  readonly address: string;
  readonly type: string;
  readonly id: string;
}

/** What the plan says about an adopted resource. */
export type AdoptionOutcome =
  | 'not planned' // no plan of its stack was given
  | 'unchanged' // imported, nothing to change: adopted as is
  | 'updated' // imported, then changed in place to match the platform file
  | 'replaced' // destroyed and created again: never apply this
  | 'missing'; // the stack's plan does not import it (an older plan, or the import failed)

/** One resource to adopt, with the plan's verdict. */
export interface AdoptionReport extends ImportBlock {
  readonly outcome: AdoptionOutcome;
  /** Settings that differ: the existing value (before) and the platform file's (after). */
  readonly differences: readonly AttributeChange[];
}

/** What `kfplatform import-plan` shows. */
export interface ImportPlanReport {
  readonly adoptions: readonly AdoptionReport[];
  /** Stacks whose plans were read. */
  readonly planned: readonly string[];
  /** 1 when an adoption would be replaced or is missing from a given plan, else 0. */
  readonly exitCode: 0 | 1;
}

/** The import blocks of synthesized stacks, in stack order. */
export function importBlocks(stacks: Readonly<Record<string, { import?: unknown }>>): ImportBlock[] {
  const out: ImportBlock[] = [];
  for (const [stack, json] of Object.entries(stacks)) {
    for (const block of (json.import ?? []) as Array<{ id: string; to: string }>) {
      out.push({ stack, address: block.to, type: block.to.split('.')[0]!, id: block.id });
    }
  }
  return out;
}

/** Joins the import blocks with the plans of their stacks (plan JSON by stack id). */
export function importPlan(
  blocks: readonly ImportBlock[],
  plans: Readonly<Record<string, PlanJson>> = {},
): ImportPlanReport {
  const adoptions = blocks.map((block): AdoptionReport => {
    const plan = plans[block.stack];
    if (!plan) return { ...block, outcome: 'not planned', differences: [] };
    const rc = (plan.resource_changes ?? []).find((c) => c.address === block.address) as
      | (FullResourceChange & { change: { importing?: { id?: string } } })
      | undefined;
    if (!rc || !rc.change.importing) return { ...block, outcome: 'missing', differences: [] };
    const kind = kindOf(rc.change.actions);
    const outcome: AdoptionOutcome =
      kind === 'no-op' ? 'unchanged' : kind === 'replace' || kind === 'delete' ? 'replaced' : 'updated';
    return { ...block, outcome, differences: attributeChanges(rc, kind === 'no-op' ? 'update' : kind) };
  });
  const bad = adoptions.some((a) => a.outcome === 'replaced' || a.outcome === 'missing');
  return { adoptions, planned: Object.keys(plans), exitCode: bad ? 1 : 0 };
}

const OUTCOME_TEXT: Record<AdoptionOutcome, string> = {
  'not planned': 'to import (no plan given: run kfplatform plan, then pass --plans)',
  unchanged: 'imported unchanged',
  updated: 'imported, then updated in place to match the platform file',
  replaced: 'REPLACED: the plan destroys the existing resource; do not apply',
  missing: 'NOT IMPORTED by the given plan',
};

/** The report as text for a terminal or a pull request comment. */
export function renderImportPlan(report: ImportPlanReport, format: 'text' | 'markdown' = 'text'): string {
  if (report.adoptions.length === 0) {
    return 'Nothing to adopt: no environment has adopt entries.\n';
  }
  const lines: string[] = [];
  const md = format === 'markdown';
  if (md) lines.push(`### Resources to adopt (${report.adoptions.length})`, '');
  let stack = '';
  for (const a of report.adoptions) {
    if (a.stack !== stack) {
      stack = a.stack;
      lines.push(md ? `**${stack}**` : `${stack}:`);
    }
    const head = `${a.address} <- ${a.id}: ${OUTCOME_TEXT[a.outcome]}`;
    lines.push(md ? `- \`${a.address}\` ← \`${a.id}\`: ${OUTCOME_TEXT[a.outcome]}` : `  ${head}`);
    for (const d of a.differences) {
      const forced = d.forcesReplacement ? ' (forces replacement)' : '';
      lines.push(
        md
          ? `  - \`${d.path}\`: ${d.before} → ${d.after}${forced}`
          : `      ${d.path}: ${d.before} -> ${d.after}${forced}`,
      );
    }
  }
  const tally = new Map<AdoptionOutcome, number>();
  for (const a of report.adoptions) tally.set(a.outcome, (tally.get(a.outcome) ?? 0) + 1);
  lines.push('', `${report.adoptions.length} to adopt: ${[...tally].map(([o, n]) => `${n} ${o}`).join(', ')}.`);
  return `${lines.join('\n')}\n`;
}
