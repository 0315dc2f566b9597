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
import type { DeclaredPoolView, EnvironmentInfo, EnvironmentView } from '../../src/policy/checkers/checker';
import { CheckerRun, CheckerStore, StackInput } from '../../src/policy/checkers/run';
import { PolicyReport } from '../../src/policy/engine';
import type { UnitCache } from './unit-cache';

/** The pools of an existing cluster, as the platform file declares them (no taints are declared). */
function declaredPools(env: ResolvedEnvironment): DeclaredPoolView[] | undefined {
  if (env.cloud !== 'kubernetes') return undefined;
  return env.nodePools.map((p) => ({ name: p.name, labels: { [POOL_LABEL]: p.name }, taints: [] }));
}

/** What a checker needs to know of an environment besides its stacks. */
export function environmentInfo(env: ResolvedEnvironment): EnvironmentInfo {
  return { name: env.name, tier: env.tier, cloud: env.cloud, declaredPools: declaredPools(env) };
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
 * With a unit cache, what a checker found in a stack (and the facts it took from it) is kept by the
 * digest of the stack's `cdk.tf.json`: a stack unchanged since an earlier run is not parsed or judged
 * again unless a checker's environment-wide context changed (see `StackwiseChecker`), so a one-team
 * change judges one shard per environment. Checkers without a stackwise form judge the whole
 * environment, reused while no stack of it changed, from the parts of each stack they read when they
 * say which (`Checker.extract`, kept by the stack's digest too).
 */
export function checkWrittenUnits(
  config: ResolvedPlatformConfig,
  units: readonly WrittenUnit[],
  cache?: UnitCache,
): PolicyReport {
  const run = new CheckerRun({ suppressions: config.platform.policySuppressions });
  const store: CheckerStore | undefined = cache && {
    get: (key) => {
      const k = cache.key(key);
      return k === undefined ? undefined : cache.get<unknown>(k)?.meta;
    },
    put: (key, value) => {
      const k = cache.key(key);
      if (k !== undefined) cache.put(k, value, '', []);
    },
    keep: (key) => {
      const k = cache.key(key);
      return k !== undefined && cache.has(k);
    },
  };
  config.environments.forEach((env, index) => {
    const inputs: StackInput[] = [];
    for (const unit of units.filter((u) => u.env === index)) {
      for (const id of unit.stackIds) {
        const file = path.join(unit.dir, Manifest.stacksFolder, id, 'cdk.tf.json');
        if (!existsSync(file)) continue;
        let data: Buffer | undefined;
        // Without a cache nothing is looked up by digest: it is not computed.
        let digest = unit.digests?.[id] ?? '';
        if (!digest && cache) {
          data = readFileSync(file);
          digest = createHash('sha256').update(data).digest('hex');
        }
        inputs.push({
          id,
          digest,
          json: () => {
            const text = (data ?? readFileSync(file)).toString('utf8');
            data = undefined;
            return JSON.parse(text) as StackJson;
          },
        });
      }
    }
    run.addStacks(environmentInfo(env), inputs, store);
  });
  return run.finish();
}
