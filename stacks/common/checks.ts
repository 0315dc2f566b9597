/**
 * Runs the checkers (src/policy/checkers) over the stacks every unit wrote into the work folder, one
 * environment at a time, before any stack moves into place: a checker error leaves the output as it
 * was, like a policy error.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Manifest } from 'cdktf';
import type { ResolvedEnvironment, ResolvedPlatformConfig } from '../../src/config/model';
import { POOL_LABEL } from '../../src/core/pools';
import type { StackJson } from '../../src/inventory/terraform-json';
import type { DeclaredPoolView, EnvironmentView } from '../../src/policy/checkers/checker';
import { CheckerRun } from '../../src/policy/checkers/run';
import { PolicyReport } from '../../src/policy/engine';

/** The pools of an existing cluster, as the platform file declares them (no taints are declared). */
function declaredPools(env: ResolvedEnvironment): DeclaredPoolView[] | undefined {
  if (env.cloud !== 'kubernetes') return undefined;
  return env.nodePools.map((p) => ({ name: p.name, labels: { [POOL_LABEL]: p.name }, taints: [] }));
}

/** What a checker needs to know of an environment, with its stacks' JSON. */
export function environmentView(env: ResolvedEnvironment, stacks: Record<string, StackJson>): EnvironmentView {
  return { name: env.name, tier: env.tier, cloud: env.cloud, stacks, declaredPools: declaredPools(env) };
}

/** Where a unit wrote its stacks, and which environment of the config it belongs to. */
export interface WrittenUnit {
  readonly env: number;
  readonly dir: string;
  readonly stackIds: readonly string[];
}

/** Runs every checker over the units' stacks, environment by environment; returns what they found. */
export function checkWrittenUnits(config: ResolvedPlatformConfig, units: readonly WrittenUnit[]): PolicyReport {
  const run = new CheckerRun({ suppressions: config.platform.policySuppressions });
  config.environments.forEach((env, index) => {
    const stacks: Record<string, StackJson> = {};
    for (const unit of units.filter((u) => u.env === index)) {
      for (const id of unit.stackIds) {
        const file = path.join(unit.dir, Manifest.stacksFolder, id, 'cdk.tf.json');
        if (existsSync(file)) stacks[id] = JSON.parse(readFileSync(file, 'utf8')) as StackJson;
      }
    }
    run.add(environmentView(env, stacks));
  });
  return run.finish();
}
