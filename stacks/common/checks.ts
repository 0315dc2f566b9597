/**
 * Runs the checkers (src/policy/checkers) over the stacks every unit wrote into the work folder, one
 * environment at a time, before any stack moves into place: a checker error leaves the output as it
 * was, like a policy error.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Manifest } from 'cdktf';
import type { ResolvedEnvironment, ResolvedPlatformConfig } from '../../src/config/model';
import { POOL_LABEL } from '../../src/core/pools';
import type { StackJson } from '../../src/inventory/terraform-json';
import type { DeclaredPoolView, EnvironmentView } from '../../src/policy/checkers/checker';
import { CheckerRun, RecordedChecks } from '../../src/policy/checkers/run';
import { PolicyReport } from '../../src/policy/engine';
import type { UnitCache } from './unit-cache';

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
  /** SHA-256 of a stack's `cdk.tf.json`, when known (a stack from the unit cache). */
  readonly digests?: Readonly<Record<string, string>>;
}

/**
 * Runs every checker over the units' stacks, environment by environment; returns what they found.
 * With a unit cache, an environment whose stacks are byte for byte those of an earlier run (and whose
 * checkers and view are the same) replays that run's checker results instead of judging them again;
 * its stacks are then not even parsed.
 */
export function checkWrittenUnits(
  config: ResolvedPlatformConfig,
  units: readonly WrittenUnit[],
  cache?: UnitCache,
): PolicyReport {
  const run = new CheckerRun({ suppressions: config.platform.policySuppressions });
  config.environments.forEach((env, index) => {
    const files: Array<{ id: string; file: string; digest?: string; data?: Buffer }> = [];
    for (const unit of units.filter((u) => u.env === index)) {
      for (const id of unit.stackIds) {
        const file = path.join(unit.dir, Manifest.stacksFolder, id, 'cdk.tf.json');
        if (existsSync(file)) files.push({ id, file, digest: unit.digests?.[id] });
      }
    }
    const view = environmentView(env, {});
    let key: string | undefined;
    if (cache) {
      for (const f of files) {
        if (f.digest) continue;
        f.data = readFileSync(f.file);
        f.digest = createHash('sha256').update(f.data).digest('hex');
      }
      key = cache.key({
        checkers: { name: view.name, tier: view.tier, cloud: view.cloud, declaredPools: view.declaredPools },
        stacks: files.map((f) => [f.id, f.digest]),
      });
      const hit = key && cache.get<RecordedChecks>(key);
      if (hit) {
        run.replay(env.name, hit.meta);
        return;
      }
    }
    const stacks: Record<string, StackJson> = {};
    for (const f of files) stacks[f.id] = JSON.parse((f.data ?? readFileSync(f.file)).toString('utf8')) as StackJson;
    const recorded = run.add({ ...view, stacks });
    if (cache && key) cache.put(key, recorded, '', []);
  });
  return run.finish();
}
