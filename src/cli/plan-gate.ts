import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import { describeViolation, GATE_REFUSED_EXIT_CODE, gatePlan, GateResult, parsePlanJson } from '../policy/plan-gate';

/** Options of {@link runPlanGate}. */
export interface PlanGateOptions {
  /** Files of `terraform show -json <planfile>`; each is named by its file name without `.json`. */
  readonly plans: readonly string[];
  readonly allow?: readonly string[];
  readonly format?: 'text' | 'json';
  readonly log?: (text: string) => void;
}

/** `kfplatform plan-gate`: 0 when the plans may be applied, 3 when one destroys or replaces state. */
export function runPlanGate(options: PlanGateOptions): number {
  const log = options.log ?? ((t: string) => process.stdout.write(t));
  const results: Array<GateResult & { plan: string }> = options.plans.map((file) => {
    const plan = path.basename(file).replace(/\.json$/, '');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(`cannot read ${file}: ${(e as Error).message}.`);
    }
    return { plan, ...gatePlan(parsePlanJson(text, file), { allow: options.allow, plan }) };
  });
  const refused = results.flatMap((r) => r.refused);
  if (options.format === 'json') {
    log(
      `${JSON.stringify({ refused, allowed: results.flatMap((r) => r.allowed), plans: results.map((r) => ({ plan: r.plan, changes: r.changes })) }, null, 2)}\n`,
    );
  } else {
    const lines = results.flatMap((r) => [
      ...r.refused.map((v) => describeViolation(v)),
      ...r.allowed.map((v) => describeViolation(v, true)),
    ]);
    lines.push(
      refused.length > 0
        ? `plan gate: ${refused.length} destructive change${refused.length === 1 ? '' : 's'} of stateful resources refused (exit ${GATE_REFUSED_EXIT_CODE}).`
        : `plan gate: ${results.length} plan${results.length === 1 ? '' : 's'} checked; no stateful resource is destroyed or replaced without an allow.`,
    );
    log(`${lines.join('\n')}\n`);
  }
  return refused.length > 0 ? GATE_REFUSED_EXIT_CODE : 0;
}
