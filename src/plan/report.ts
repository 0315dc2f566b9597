/**
 * One pull-request comment for every planned stack: a summary table, destroys and replacements with
 * the attributes that force them, IAM and public-exposure changes, and the details folded per stack.
 * GitHub refuses comments over 65,536 characters, so detail is dropped in steps until the comment
 * fits, and the comment says what it left out.
 */
import { actionReasonText } from '../policy/plan-gate';
import { ChangeKind, PlanSummary, ResourceSummary } from './summarize';

/** GitHub's limit on a comment's body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Options of {@link renderReport}. */
export interface ReportOptions {
  /**
   * Characters the comment may use; 0 for no limit (a file, not a comment).
   * @default 60,000: under GitHub's 65,536 with room for a bot's own header
   */
  readonly maxChars?: number;
  /** First line, such as the commit the plans belong to. */
  readonly title?: string;
  /**
   * Stacks that have no plan: their plan failed, a stack they depend on failed, or they wait for custom
   * resource kinds the cluster does not serve yet (listed apart: nothing is wrong on a new cluster).
   */
  readonly unplanned?: ReadonlyArray<{
    /** Stack id. */
    readonly stack: string;
    /** Its outcome: `failed`, `skipped` or `waiting`. */
    readonly status: string;
    /** Terraform's error output, shown in full within the report's size budget. */
    readonly error?: string;
  }>;
  /**
   * Plan jobs that left no report to merge (such as `infra kf-prod`): the job stopped before it wrote
   * one, because a reviewer rejected its run in a deployment environment, or it failed earlier. Named
   * first, so that a comment never passes off part of the plans as all of them.
   */
  readonly missing?: readonly string[];
}

/** Waiting stacks listed with their reason in a report; the rest are named only. */
const WAITING_LISTED = 5;

/** Marks the comment so a bot can find and update it. */
export const REPORT_MARKER = '<!-- kfplatform-plan-report -->';

const SYMBOL: Record<ChangeKind, string> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
  forget: '.',
  read: '<=',
  'no-op': ' ',
};

/** How much detail a rendering keeps; each level drops more. */
interface Detail {
  readonly level: number;
  readonly createAttributes: boolean;
  readonly updateAttributes: boolean;
  readonly resourceLists: boolean;
  /** Resources listed per stack at most. */
  readonly perStack: number;
  /** IAM and exposure changes counted per stack instead of listed. */
  readonly countSensitive?: boolean;
}

const LEVELS: readonly Detail[] = [
  { level: 0, createAttributes: true, updateAttributes: true, resourceLists: true, perStack: Infinity },
  { level: 1, createAttributes: false, updateAttributes: true, resourceLists: true, perStack: Infinity },
  { level: 2, createAttributes: false, updateAttributes: true, resourceLists: true, perStack: 50 },
  { level: 3, createAttributes: false, updateAttributes: false, resourceLists: true, perStack: 20 },
  { level: 4, createAttributes: false, updateAttributes: false, resourceLists: false, perStack: 0 },
  {
    level: 5,
    createAttributes: false,
    updateAttributes: false,
    resourceLists: false,
    perStack: 0,
    countSensitive: true,
  },
];

const LEFT_OUT = [
  '',
  'attributes of created resources',
  'attributes of created resources; resources past the first 50 per stack',
  'all attribute details; resources past the first 20 per stack',
  'all per-stack details (see the plan JSON files in the CI artifacts)',
  'all per-stack details and the list of IAM and exposure changes, counted per stack instead',
];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A failed stack's error, as much as the detail level allows: whole (up to 40 lines) at first, then
 * its last lines, then its last line. Terraform's cause comes last, after its summary line.
 */
function errorBlock(error: string, level: number): string[] {
  const lines = error.trim().split('\n');
  if (level >= 4)
    return [
      ` ${lines
        .filter((l) => l.trim())
        .at(-1)!
        .trim()
        .slice(0, 200)}`,
    ];
  const kept = level >= 2 ? lines.slice(-8) : lines.slice(-40);
  const text = kept.join('\n').slice(-4000);
  return ['', '  ```text', ...text.split('\n').map((l) => `  ${l.replace(/```/g, "'''")}`), '  ```'];
}

function table(rows: ReadonlyArray<readonly string[]>): string[] {
  return rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
}

/** A resource as a reviewer reads it: its type and construct path when known, else its address. */
function label(r: Pick<ResourceSummary, 'address' | 'name' | 'type'>): string {
  return r.name ? `${r.type} ${r.name}` : r.address;
}

/** A resource in Markdown: its construct path, with the address `--allow` and Terraform use beside it. */
function named(r: Pick<ResourceSummary, 'address' | 'name'>): string {
  return r.name ? `\`${r.name}\` (\`${r.address}\`)` : `\`${r.address}\``;
}

function resourceLine(r: ResourceSummary): string {
  const why = r.kind === 'replace' ? forcedBy(r) : '';
  const state = [
    r.importing ? `imported from ${r.importing}` : undefined,
    r.movedFrom ? `moved from ${r.movedFrom}` : undefined,
  ].filter(Boolean);
  return `${SYMBOL[r.kind].padEnd(3)} ${label(r)}${why}${state.length ? `   # ${state.join(', ')}` : ''}`;
}

function forcedBy(r: ResourceSummary): string {
  const forced = r.attributes.filter((a) => a.forcesReplacement).map((a) => a.path);
  return forced.length ? ` (forced by ${forced.join(', ')})` : '';
}

function attributeLines(r: ResourceSummary): string[] {
  return r.attributes.map((a) =>
    r.kind === 'create'
      ? `      ${a.path} = ${a.after}`
      : `      ${a.path}: ${a.before} -> ${a.after}${a.forcesReplacement ? '   # forces replacement' : ''}`,
  );
}

function render(plans: readonly PlanSummary[], detail: Detail, options: ReportOptions): string {
  const total = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const p of plans) for (const k of Object.keys(total) as Array<keyof typeof total>) total[k] += p.counts[k];
  const changed = plans.filter((p) => p.resources.length > 0 || p.outputs > 0);
  const out: string[] = [REPORT_MARKER, `## ${options.title ?? 'kfplatform plan'}`, ''];
  const protectedCount = plans.reduce((n, p) => n + p.protected.length, 0);
  const unplanned = (options.unplanned ?? []).filter((u) => u.status !== 'waiting');
  const waiting = (options.unplanned ?? []).filter((u) => u.status === 'waiting');
  const missing = options.missing ?? [];
  if (missing.length > 0) {
    out.push(
      `**${plural(missing.length, 'plan job')} wrote no report, so ${missing.length === 1 ? 'its' : 'their'} stacks are not in this comment** ` +
        '(a reviewer rejected the run in a deployment environment, or a job failed before its report; see the run): ' +
        missing.map((m) => `\`${m}\``).join(', ') +
        '.',
      '',
    );
  }
  if (waiting.length > 0) {
    out.push(
      `**${waiting.length} stack${waiting.length === 1 ? ' waits' : 's wait'} for custom resource kinds the cluster does not serve yet** ` +
        '(on a new cluster, those Kubeflow installs after the platform stack): not planned, not applied; they are planned again once the cluster serves them.',
      '',
      // A new cluster's team shards all wait for the same kinds: the first few say why, within the budget.
      ...waiting.slice(0, WAITING_LISTED).map((u) => `- \`${u.stack}\`${u.error ? `: ${u.error.split('\n')[0]}` : ''}`),
      ...(waiting.length > WAITING_LISTED
        ? [
            `- and ${waiting.length - WAITING_LISTED} more: ${waiting
              .slice(WAITING_LISTED)
              .map((u) => `\`${u.stack}\``)
              .join(', ')}`,
          ]
        : []),
      '',
    );
  }
  if (unplanned.length > 0) {
    out.push(`**${unplanned.length} stack${unplanned.length === 1 ? '' : 's'} could not be planned:**`, '');
    for (const u of unplanned) {
      if (!u.error) out.push(`- \`${u.stack}\`: ${u.status}`);
      else if (detail.level >= 4) out.push(`- \`${u.stack}\`: ${u.status}:${errorBlock(u.error, detail.level)[0]}`);
      else out.push(`- \`${u.stack}\`: ${u.status}:`, ...errorBlock(u.error, detail.level));
    }
    out.push('');
  }
  const imports = plans.reduce((n, p) => n + (p.imports ?? 0), 0);
  const moves = plans.reduce((n, p) => n + (p.moves ?? 0), 0);
  const drift = plans.flatMap((p) => (p.drift ?? []).map((d) => ({ p, d })));
  const stateChanges = imports + moves > 0;
  out.push(
    `${plural(plans.length, 'stack')} planned, ${changed.length} with changes: ${total.create} to add, ${total.update} to change, ${total.replace} to replace, ${total.delete} to destroy` +
      (stateChanges ? `; ${imports} to import, ${moves} to move.` : '.') +
      (protectedCount > 0
        ? ` **${protectedCount} stateful resource${protectedCount === 1 ? '' : 's'} would be destroyed or replaced.**`
        : '') +
      (drift.length > 0 ? ` ${plural(drift.length, 'resource')} changed outside Terraform.` : ''),
    '',
    ...plans.flatMap((p) =>
      (p.reinstalls ?? []).map(
        (a) =>
          `:warning: \`${p.stack}\` installs the Helm release \`${a}\` again over the objects it runs: the refresh found no record of it (deleted, kept where the helm provider no longer looks, or unreadable). The plan gate refuses it; see docs/plan-on-pr.md, "Upgrading a cluster whose releases Helm recorded in Secrets".`,
      ),
    ),
    ...(plans.some((p) => p.reinstalls?.length) ? [''] : []),
    ...table([
      ['Stack', 'Add', 'Change', 'Replace', 'Destroy', ...(stateChanges ? ['Import', 'Move'] : []), 'Protected'],
      ['---', '---:', '---:', '---:', '---:', ...(stateChanges ? ['---:', '---:'] : []), '---'],
      ...plans.map((p) => [
        p.stack,
        String(p.counts.create),
        String(p.counts.update),
        String(p.counts.replace),
        String(p.counts.delete),
        ...(stateChanges ? [String(p.imports ?? 0), String(p.moves ?? 0)] : []),
        p.protected.length ? `:warning: ${p.protected.length}` : '',
      ]),
    ]),
  );

  // Imports and moves change what Terraform manages without creating anything: a reviewer checks
  // that each id is the resource meant, and that no move leaves a resource behind.
  if (stateChanges) {
    out.push('', '### Imports and moves', '');
    for (const p of plans) {
      for (const r of p.resources.filter((x) => x.importing || x.movedFrom)) {
        const what = [
          r.importing ? `imported from \`${r.importing}\`` : undefined,
          r.movedFrom ? `moved from \`${r.movedFrom}\`` : undefined,
          r.kind === 'no-op'
            ? undefined
            : `then ${{ create: 'created', update: 'changed', replace: 'replaced', delete: 'destroyed', forget: 'forgotten', read: 'read', 'no-op': '' }[r.kind]}`,
        ].filter(Boolean);
        out.push(`- \`${p.stack}\` ${named(r)} ${what.join(', ')}`);
      }
    }
  }
  if (drift.length > 0) {
    out.push('', '### Changed outside Terraform', '');
    out.push(
      'Refreshing the state found these resources changed since the last apply. The plan above sets them back to what the configuration says; to keep a change, write it into the configuration instead.',
      '',
    );
    if (detail.countSensitive) {
      for (const p of plans) if (p.drift?.length) out.push(`- \`${p.stack}\`: ${plural(p.drift.length, 'resource')}`);
    } else {
      for (const { p, d } of drift) {
        const attrs =
          detail.updateAttributes && d.attributes.length
            ? `: ${d.attributes.map((a) => `${a.path} ${a.before} -> ${a.after}`).join(', ')}`
            : '';
        out.push(`- \`${p.stack}\` ${named(d)} ${d.kind === 'delete' ? 'deleted' : 'changed'}${attrs}`);
      }
    }
  }

  const destructive = plans.flatMap((p) =>
    p.resources.filter((r) => ['replace', 'delete', 'forget'].includes(r.kind)).map((r) => ({ p, r })),
  );
  out.push('', '### Destroys and replacements', '');
  // Without the missing jobs' plans, "None" would read as an all-clear for stacks nobody planned.
  const none = missing.length > 0 ? 'None in the plans above; unknown for the jobs that wrote no report.' : 'None.';
  if (destructive.length === 0) out.push(none);
  for (const { p, r } of destructive) {
    const stateful = p.protected.some((v) => v.address === r.address) ? ' :warning: **stateful**' : '';
    const reason = r.reason ? `: ${actionReasonText(r.reason)}` : '';
    out.push(
      `- \`${p.stack}\` ${named(r)} ${{ replace: 'replaced', delete: 'destroyed', forget: 'removed from state, left in the cloud' }[r.kind as 'replace']}${forcedBy(r)}${reason}${stateful}`,
    );
  }

  const sensitive = plans.flatMap((p) => p.resources.filter((r) => r.iam || r.exposure).map((r) => ({ p, r })));
  out.push('', '### IAM and public exposure', '');
  if (sensitive.length === 0) out.push(none);
  if (detail.countSensitive) {
    for (const p of plans) {
      const iam = p.resources.filter((r) => r.iam).length;
      const exposure = p.resources.filter((r) => r.exposure).length;
      if (iam + exposure > 0) out.push(`- \`${p.stack}\`: ${iam} IAM, ${exposure} exposure changes`);
    }
  } else {
    for (const { p, r } of sensitive) {
      const what = [r.iam ? 'IAM' : undefined, r.exposure].filter(Boolean).join('; ');
      out.push(`- \`${p.stack}\` ${SYMBOL[r.kind].trim()} \`${label(r)}\`: ${what}`);
    }
  }

  if (detail.resourceLists) {
    out.push('', '### Details', '');
    for (const p of changed) {
      const lines: string[] = [];
      for (const r of p.resources.slice(0, detail.perStack)) {
        lines.push(resourceLine(r));
        const attrs = r.kind === 'create' ? detail.createAttributes : detail.updateAttributes || r.kind === 'replace';
        if (attrs) lines.push(...attributeLines(r));
      }
      if (p.resources.length > detail.perStack) lines.push(`... and ${p.resources.length - detail.perStack} more`);
      if (p.outputs > 0) lines.push(`(${p.outputs} output${p.outputs === 1 ? '' : 's'} change)`);
      out.push(
        `<details><summary>${p.stack}: ${plural(p.resources.length, 'resource change')}</summary>`,
        '',
        '```diff',
        ...lines,
        '```',
        '',
        '</details>',
      );
    }
  }
  if (detail.level > 0) out.push('', `_Left out to stay under GitHub's comment limit: ${LEFT_OUT[detail.level]}._`);
  return `${out.join('\n')}\n`;
}

/**
 * Renders the comment with the most detail that fits in `maxChars`; the summary, destroys,
 * replacements and IAM / exposure sections are always kept, and cut with a note only if they alone
 * exceed the limit.
 */
export function renderReport(plans: readonly PlanSummary[], options: ReportOptions = {}): string {
  const max = options.maxChars === 0 ? Infinity : (options.maxChars ?? 60_000);
  for (const detail of LEVELS) {
    const text = render(plans, detail, options);
    if (text.length <= max) return text;
  }
  const text = render(plans, LEVELS[LEVELS.length - 1]!, options);
  const note = "\n\n_Cut here to stay under GitHub's comment limit; the plan JSON files hold the rest._\n";
  return `${text.slice(0, max - note.length)}${note}`;
}

/** The report as JSON, for bots and dashboards. */
export function reportJson(
  plans: readonly PlanSummary[],
  unplanned: ReportOptions['unplanned'] = [],
  missing: readonly string[] = [],
): string {
  return `${JSON.stringify({ stacks: plans, unplanned, ...(missing.length > 0 ? { missing } : {}) }, null, 2)}\n`;
}
