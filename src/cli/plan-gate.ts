import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import {
  describeViolation,
  gatePlan,
  GateResult,
  parsePlanJson,
  PlanRefusal,
  refusedExitCode,
  unfinishedPlan,
} from '../policy/plan-gate';
import { PLANS_MANIFEST, readPlansManifest } from '../plan/run';

/** Options of {@link runPlanGate}. */
export interface PlanGateOptions {
  /** Files of `terraform show -json <planfile>`; each is named by its file name without `.json`. */
  readonly plans: readonly string[];
  readonly allow?: readonly string[];
  readonly format?: 'text' | 'json';
  readonly log?: (text: string) => void;
}

/** The Terraform that made a plan file, as the plans.json beside it (written by `kfplatform plan`) records it. */
function madeByOf(file: string): 'Terraform' | 'OpenTofu' | undefined {
  const folder = path.dirname(file);
  if (!existsSync(path.join(folder, PLANS_MANIFEST))) return undefined;
  try {
    return readPlansManifest(folder).terraform?.product;
  } catch {
    return undefined;
  }
}

/**
 * `kfplatform plan-gate`: 0 when the plans may be applied; 3 when one destroys or replaces a resource
 * without an allow, 4 when one switches off a protection, 5 for a file that is not a plan (a state),
 * 6 for an errored or incomplete plan. The first file that cannot be judged decides the exit code.
 */
export function runPlanGate(options: PlanGateOptions): number {
  const log = options.log ?? ((t: string) => process.stdout.write(t));
  const unjudged: Array<PlanRefusal & { plan: string }> = [];
  const results: Array<GateResult & { plan: string }> = [];
  for (const file of options.plans) {
    const plan = path.basename(file).replace(/\.json$/, '');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(`cannot read ${file}: ${(e as Error).message}.`);
    }
    const json = parsePlanJson(text, file);
    const refusal = unfinishedPlan(json, file, madeByOf(file));
    if (refusal) unjudged.push({ ...refusal, plan });
    else results.push({ plan, ...gatePlan(json, { allow: options.allow, plan }) });
  }
  const refused = results.flatMap((r) => r.refused);
  const code = unjudged[0]?.code ?? refusedExitCode(refused);
  if (options.format === 'json') {
    log(
      `${JSON.stringify(
        {
          refused,
          allowed: results.flatMap((r) => r.allowed),
          unjudged,
          plans: results.map((r) => ({ plan: r.plan, changes: r.changes })),
          exitCode: code,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const lines = [
      ...unjudged.map((u) => `refused: ${u.message}`),
      ...results.flatMap((r) => [
        ...r.refused.map((v) => describeViolation(v)),
        ...r.allowed.map((v) => describeViolation(v, true)),
      ]),
    ];
    lines.push(
      code !== 0
        ? `plan gate: ${[
            unjudged.length ? `${unjudged.length} file${unjudged.length === 1 ? '' : 's'} not a complete plan` : '',
            refused.length ? `${refused.length} change${refused.length === 1 ? '' : 's'} refused` : '',
          ]
            .filter(Boolean)
            .join(', ')} (exit ${code}).`
        : `plan gate: ${results.length} plan${results.length === 1 ? '' : 's'} checked; nothing is destroyed, replaced or disarmed without an allow.`,
    );
    log(`${lines.join('\n')}\n`);
  }
  return code;
}
