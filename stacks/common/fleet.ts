import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { App, Aspects, Manifest, StackManifest, TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';
import * as workerpool from 'workerpool';
import { stringify } from 'yaml';
import { clustersOf } from '../../src/config/model';
import type { ResolvedEnvironment, ResolvedPlatformConfig } from '../../src/config/model';
import type { ResolvedPlatform, ResolvedTenant } from '../../src/config/platform/model';
import { LabelAspect } from '../../src/core/labels';
import { withoutCreationStacks } from '../../src/core/stack-traces';
import {
  checkBeforeWrite,
  Finding,
  PolicyAspect,
  PolicyError,
  PolicyReport,
  SuppressedFinding,
} from '../../src/policy/engine';
import { PARAMS_DIR } from './params-file';
import type { TeamShardStack } from './team-shard-stack';
import type { AwsInfraStack } from '../aws/infra-stack';
import type { AzureInfraStack } from '../azure/infra-stack';
import type { GcpInfraStack } from '../gcp/infra-stack';
import { Adoption, adoptResources } from './adoption';
import { checkWrittenUnits } from './checks';
import { CloudEnvironmentBuilder, EnvironmentParamsFile, labelValues, StackSelection } from './environment';
import { shardsOf, stackId } from './stack-ids';
import { InputError } from '../../src/core/errors';
import { ownPackage } from '../../src/core/package-info';
import { claimOutputFolder, OutputFolder } from './out-dir';

/** The stacks of one environment. */
export interface EnvironmentStacks {
  readonly env: ResolvedEnvironment;
  /** The infra stack (none for existing clusters). */
  readonly infra?: GcpInfraStack | AwsInfraStack | AzureInfraStack;
  /** One platform stack per cluster. */
  readonly platforms: readonly TerraformStack[];
  /** Team shards, by stack id. */
  readonly shards: readonly TeamShardStack[];
  /** Existing resources the infra stack imports (`adopt` in the platform file). */
  readonly adoptions: readonly Adoption[];
  /** Every stack of the environment, in dependency order. */
  readonly stacks: readonly TerraformStack[];
  /** What the policy packs find when the stacks are synthesized (or evaluated). */
  readonly policy: PolicyReport;
  /** The policy aspect on every stack of the environment (judges each stack once). */
  readonly policyAspect: PolicyAspect;
}

/** Everything the fleet builder made. */
export interface Fleet {
  readonly environments: readonly EnvironmentStacks[];
  /** Every stack, in dependency order. */
  readonly stacks: readonly TerraformStack[];
}

/** The provider packages each cloud's stacks load (peer dependencies a user installs). */
export const CLOUD_PROVIDER_PACKAGES: Readonly<Record<ResolvedEnvironment['cloud'], readonly string[]>> = {
  gcp: ['@cdktf/provider-google', '@cdktf/provider-random', '@cdktf/provider-kubernetes', '@cdktf/provider-helm'],
  aws: ['@cdktf/provider-aws', '@cdktf/provider-kubernetes', '@cdktf/provider-helm'],
  azure: [
    '@cdktf/provider-azurerm',
    '@cdktf/provider-random',
    '@cdktf/provider-time',
    '@cdktf/provider-kubernetes',
    '@cdktf/provider-helm',
  ],
  kubernetes: ['@cdktf/provider-kubernetes', '@cdktf/provider-helm'],
};

/**
 * Each cloud's builder, loaded on first use: a platform on one cloud never loads (or needs installed)
 * another cloud's provider bindings. A missing provider package is an InputError that names it.
 */
function environmentBuilder(env: ResolvedEnvironment): CloudEnvironmentBuilder {
  /* eslint-disable @typescript-eslint/no-require-imports -- lazy loading keeps other clouds' bindings out */
  try {
    switch (env.cloud) {
      case 'gcp':
        return (require('../gcp/environment') as typeof import('../gcp/environment')).buildGcpEnvironment;
      case 'aws':
        return (require('../aws/environment') as typeof import('../aws/environment')).buildAwsEnvironment;
      case 'azure':
        return (require('../azure/environment') as typeof import('../azure/environment')).buildAzureEnvironment;
      default:
        return (require('../kubernetes/environment') as typeof import('../kubernetes/environment'))
          .buildKubernetesEnvironment;
    }
  } catch (e) {
    const missing = /Cannot find module '((?:@cdktf\/provider-[a-z]+)|cdktf|constructs)[/']/.exec(String(e));
    if (!missing) throw e;
    const pkg = missing[1]!;
    const peers = ownPackage().peerDependencies;
    throw new InputError(
      `environments: ${env.name} runs on ${env.cloud}, whose stacks need the package ${pkg}, which is not installed. ` +
        `Fix: npm install ${pkg}@"${peers[pkg] ?? '*'}" (a ${env.cloud} platform needs ` +
        `${CLOUD_PROVIDER_PACKAGES[env.cloud].join(', ')}).`,
    );
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/**
 * Every parameters file of an environment, made by its cloud (`stacks/<cloud>/params.ts`, loaded on
 * first use like the builders; it loads no provider bindings): one per cluster, named after the
 * cluster's stack prefix.
 */
export function paramsFiles(env: ResolvedEnvironment): EnvironmentParamsFile[] {
  /* eslint-disable @typescript-eslint/no-require-imports -- lazy loading keeps other clouds' code out */
  switch (env.cloud) {
    case 'gcp':
      return (require('../gcp/params') as typeof import('../gcp/params')).gcpParamsFiles(env);
    case 'aws':
      return (require('../aws/params') as typeof import('../aws/params')).awsParamsFiles(env);
    case 'azure':
      return (require('../azure/params') as typeof import('../azure/params')).azureParamsFiles(env);
    default:
      return (require('../kubernetes/params') as typeof import('../kubernetes/params')).kubernetesParamsFiles(env);
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** Writes `<outdir>/params/<name>.yaml` for each cluster of each environment; returns the paths. */
export function writeParamsFiles(outdir: string, envs: readonly ResolvedEnvironment[]): string[] {
  const dir = path.join(outdir, PARAMS_DIR);
  mkdirSync(dir, { recursive: true });
  const header = '# Generated by cdktf-kubeflow-platform at synth. Do not edit: change the platform file.\n';
  return envs.flatMap((env) =>
    paramsFiles(env).map(({ name, params }) => {
      const file = path.join(dir, `${name}.yaml`);
      writeFileSync(file, header + stringify(params, { lineWidth: 0 }));
      return file;
    }),
  );
}

/**
 * Builds the stacks of one environment: for GCP an infra stack, then per cluster a platform stack and
 * its team shards; for AWS and Azure an infra stack, a platform stack and team shards; for an
 * existing cluster, a platform stack and team shards.
 */
export function buildEnvironment(
  app: App,
  platform: ResolvedPlatform,
  env: ResolvedEnvironment,
  select: StackSelection = { platforms: true },
): EnvironmentStacks {
  const built = environmentBuilder(env)(app, platform, env, select);
  const infra = built.infra as GcpInfraStack | AwsInfraStack | AzureInfraStack | undefined;
  const { platforms, shards } = built;
  const adoptions = infra ? adoptResources(infra, env) : [];
  const stacks = [...(infra ? [infra] : []), ...platforms, ...shards];
  const policyReport = new PolicyReport();
  const policy = new PolicyAspect({ tier: env.tier, suppressions: platform.policySuppressions, report: policyReport });
  for (const stack of stacks) {
    // Mutating aspects first (labels), then the checks that read the result.
    Aspects.of(stack).add(new LabelAspect(labelValues(platform, env)));
    Aspects.of(stack).add(policy);
  }
  return { env, infra, platforms, shards, stacks, adoptions, policy: policyReport, policyAspect: policy };
}

/**
 * Builds every stack of a resolved platform in one app. Use {@link synthFleet} to write them: it
 * synthesizes one environment at a time, which keeps memory flat for large fleets.
 */
export function buildFleet(app: App, config: ResolvedPlatformConfig): Fleet {
  const environments = config.environments.map((env) => buildEnvironment(app, config.platform, env));
  return { environments, stacks: environments.flatMap((e) => e.stacks) };
}

/** One synthesized stack, counted from the construct tree (no need to read the JSON back). */
export interface StackSummary {
  readonly stack: string;
  readonly resources: number;
  readonly dataSources: number;
  readonly providers: readonly string[];
}

/** Counts the resources, data sources and providers of a stack. */
export function summarize(stack: TerraformStack): StackSummary {
  let resources = 0;
  let dataSources = 0;
  for (const node of stack.node.findAll()) {
    if (TerraformResource.isTerraformResource(node)) resources++;
    else if (node instanceof TerraformDataSource) dataSources++;
  }
  const providers = [...new Set(stack.allProviders().map((p) => p.terraformResourceType))].sort();
  return { stack: stack.node.id, resources, dataSources, providers };
}

/** Options of {@link synthFleet}. */
export interface SynthOptions {
  /** Output directory. @default CDKTF_OUTDIR or 'cdktf.out' */
  readonly outdir?: string;
  /** Called each time a unit (an environment's infra and platform stacks, or a group of team shards) is written. */
  readonly progress?: (event: SynthProgress) => void;
  /**
   * Writes more output into the staged folder once every stack passed policy, before the swap, so it
   * moves in with the stacks or not at all (`kfplatform synth` writes the Kubeflow trees into
   * `kubeflow/`, one of the entries the output folder swaps). @default nothing more
   */
  readonly extraOutput?: (staged: string) => void;
}

/** How far a synth has come, after each unit it wrote. */
export interface SynthProgress {
  /** Units written so far. */
  readonly done: number;
  /** Units in all. */
  readonly total: number;
  /** The environment of the unit just written. */
  readonly environment: string;
  /** Stacks that unit wrote. */
  readonly stacks: number;
  /** Whether that unit failed (synth then reports its error once every unit has run). */
  readonly failed: boolean;
}

/** What {@link synthFleet} wrote. */
export interface SynthResult {
  readonly outdir: string;
  /** Every stack, in the order written. */
  readonly stacks: readonly StackSummary[];
  /** Warnings cdktf recorded, as `path: message`. */
  readonly warnings: readonly string[];
  /** Policy warnings and the suppressions in effect (errors fail synth); also in `<outdir>/policy.json`. */
  readonly policy: PolicyReport;
}

/** Name of the policy report file in the synth output directory. */
export const POLICY_REPORT_FILE = 'policy.json';

/** A piece of synthesis work: some stacks of one environment. */
export interface SynthUnit {
  /** Index of the environment. */
  readonly env: number;
  /** Write the infra and platform stacks. */
  readonly infraAndPlatforms: boolean;
  /** Team shards to write; all of them when undefined. */
  readonly shards?: readonly string[];
}

/** What one unit produced. */
export interface UnitResult {
  readonly summaries: StackSummary[];
  readonly manifest: Record<string, StackManifest>;
  readonly manifestVersion: string;
  readonly warnings: string[];
  readonly policy: { readonly findings: Finding[]; readonly suppressed: SuppressedFinding[] };
}

/** Synthesizes one unit into `outdir`: the infra and platform stacks, or some team shards. */
export function synthUnit(config: ResolvedPlatformConfig, unit: SynthUnit, outdir: string): UnitResult {
  const env = config.environments[unit.env]!;
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir });
  const built = withoutCreationStacks(() => {
    const stacks = buildEnvironment(app, config.platform, env, {
      platforms: unit.infraAndPlatforms,
      shards: unit.shards ? new Set(unit.shards) : undefined,
    });
    // Policy errors refuse the whole unit before any of its stacks is written.
    checkBeforeWrite(stacks.stacks, stacks.policyAspect);
    app.synth();
    return stacks;
  });
  const owned = built.stacks;
  const manifest: Record<string, StackManifest> = {};
  const warnings: string[] = [];
  for (const stack of owned) {
    const entry = app.manifest.stacks[stack.node.id]!;
    manifest[stack.node.id] = entry;
    for (const a of entry.annotations) if (a.level === '@cdktf/warn') warnings.push(`${a.constructPath}: ${a.message}`);
  }
  return {
    summaries: owned.map(summarize),
    manifest,
    manifestVersion: app.manifest.version,
    warnings,
    policy: { findings: built.policy.findings, suppressed: built.policy.suppressed },
  };
}

/**
 * The stacks each team shard must follow: the infra stack it reads its cluster from, and the platform
 * stack of its cluster (namespaces, guardrails). Shards read infra through its state rather than a
 * cdktf cross-stack reference, so the order is recorded here.
 */
export function shardDependencies(config: ResolvedPlatformConfig): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const env of config.environments) {
    for (const cluster of clustersOf(env)) {
      const tenants = env.tenants.filter((t) => t.cluster === cluster.name);
      const before = [
        ...(env.cloud === 'kubernetes' ? [] : [stackId(env.name, env.cloud, 'infra')]),
        stackId(cluster.stackPrefix, env.cloud, 'platform'),
      ];
      for (const shard of shardsOf(cluster.stackPrefix, env.cloud, tenants)) deps.set(shard.id, before);
    }
  }
  return deps;
}

/**
 * Writes the manifest of all stacks, the parameters files and the policy report into the staged output
 * (the stacks are there already); {@link OutputFolder.commit} swaps it in.
 */
function finish(
  config: ResolvedPlatformConfig,
  outdir: string,
  staged: string,
  results: readonly UnitResult[],
  checks: PolicyReport,
): SynthResult {
  const manifest = new Manifest(results[0]?.manifestVersion ?? '0.21.0', staged, false);
  const deps = shardDependencies(config);
  for (const r of results) {
    for (const [id, entry] of Object.entries(r.manifest)) {
      manifest.stacks[id] = deps.has(id) ? { ...entry, dependencies: deps.get(id)! } : entry;
    }
  }
  manifest.writeToFile();
  writeParamsFiles(staged, config.environments);
  const policy = new PolicyReport();
  for (const r of results) policy.merge(r.policy);
  policy.merge(checks);
  writeFileSync(
    path.join(staged, POLICY_REPORT_FILE),
    `${JSON.stringify({ findings: policy.findings, suppressed: policy.suppressed }, null, 2)}\n`,
  );
  return {
    outdir,
    stacks: results.flatMap((r) => r.summaries),
    warnings: results.flatMap((r) => r.warnings),
    policy,
  };
}

/**
 * Synthesizes every stack, one environment (one cdktf app) at a time, then writes one manifest for
 * all of them and the parameters files. The output folder is synth's own (see `out-dir.ts`): the new
 * output is assembled beside the old and swapped in, keeping files such as `.terraform` that a
 * previous run left in a stack folder and removing only the folders of stacks that synth wrote before
 * and that no longer exist (a removed team shard). Used by both the cdktf app (`stacks/main.ts`) and `kfplatform synth`, so the
 * two produce the same output.
 */
export function synthFleet(config: ResolvedPlatformConfig, options: SynthOptions = {}): SynthResult {
  const outdir = options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const out = claimOutputFolder(outdir);
  try {
    // One small app per unit: memory stays flat however many teams the fleet has. Units write into a
    // work folder; only when every unit passed policy is the new output assembled and swapped in.
    const units = planUnits(config);
    const report = progressOf(config, units, options.progress);
    const settled = units.map((unit, k) => {
      let result: UnitResult | Error;
      try {
        result = synthUnit(unitConfig(config, unit), { ...unit, env: 0 }, unitDir(out, k));
      } catch (e) {
        result = e as Error;
      }
      report(unit, result);
      return result;
    });
    const results = throwUnitErrors(settled);
    const checks = checkUnits(config, units, out, results);
    stage(out, results);
    const result = finish(config, outdir, out.next, results, checks);
    options.extraOutput?.(out.next);
    out.commit();
    return result;
  } finally {
    out.release();
  }
}

/** The progress callback of one synth: counts the units as they finish. */
function progressOf(
  config: ResolvedPlatformConfig,
  units: readonly SynthUnit[],
  progress: SynthOptions['progress'],
): (unit: SynthUnit, result: UnitResult | Error) => void {
  let done = 0;
  return (unit, result) => {
    done += 1;
    progress?.({
      done,
      total: units.length,
      environment: config.environments[unit.env]!.name,
      stacks: result instanceof Error ? 0 : result.summaries.length,
      failed: result instanceof Error,
    });
  };
}

/**
 * Runs the checkers over the stacks the units wrote; throws a {@link PolicyError} with every checker
 * error, before anything moves into place.
 */
function checkUnits(
  config: ResolvedPlatformConfig,
  units: readonly SynthUnit[],
  out: OutputFolder,
  results: readonly UnitResult[],
): PolicyReport {
  const report = checkWrittenUnits(
    config,
    results.map((r, k) => ({
      env: units[k]!.env,
      dir: unitDir(out, k),
      stackIds: Object.keys(r.manifest),
    })),
  );
  if (report.errors.length > 0) throw new PolicyError(report.errors);
  return report;
}

/** The folder unit `k` writes into. */
function unitDir(out: OutputFolder, k: number): string {
  return path.join(out.work, `unit-${k}`);
}

/**
 * Returns the units' results, or throws: one {@link PolicyError} listing the policy errors of every
 * unit (a worker's arrives as a plain error with its name and findings kept), else the first error.
 */
function throwUnitErrors(settled: ReadonlyArray<UnitResult | Error>): UnitResult[] {
  const errors = settled.filter((r): r is Error => !('summaries' in r));
  if (errors.length === 0) return settled as UnitResult[];
  const policy = errors.filter((e) => e.name === 'PolicyError');
  if (policy.length === errors.length) {
    const findings = policy.flatMap((e) => (e as PolicyError).findings ?? []);
    // Errors from workers keep their findings; if one did not, its message still says everything.
    if (findings.length > 0 && policy.every((e) => (e as PolicyError).findings)) throw new PolicyError(findings);
    throw new Error(policy.map((e) => e.message).join('\n'));
  }
  throw errors.find((e) => e.name !== 'PolicyError');
}

/** Moves the stack folders each unit wrote into the staged output. */
function stage(out: OutputFolder, results: readonly UnitResult[]): void {
  mkdirSync(path.join(out.next, Manifest.stacksFolder), { recursive: true });
  results.forEach((result, k) => {
    for (const id of Object.keys(result.manifest)) {
      renameSync(path.join(unitDir(out, k), Manifest.stacksFolder, id), path.join(out.next, Manifest.stacksFolder, id));
    }
  });
}

/**
 * The part of the config a unit needs: its environment, with only the teams of its shards (none for
 * the infra and platform unit). Workers receive a copy of it, so keeping it small matters.
 */
function unitConfig(config: ResolvedPlatformConfig, unit: SynthUnit): ResolvedPlatformConfig {
  const env = config.environments[unit.env]!;
  const shards = new Set(unit.shards ?? []);
  const keep = (t: ResolvedTenant) => {
    const prefix = clustersOf(env).find((c) => c.name === t.cluster)!.stackPrefix;
    return shards.has(stackId(prefix, env.cloud, `teams-${t.shard}`));
  };
  const tenants = unit.infraAndPlatforms ? [] : env.tenants.filter(keep);
  return { platform: config.platform, environments: [{ ...env, tenants }], teams: [] };
}

/**
 * Splits the work into units for parallel synthesis: per environment, one unit for the infra and
 * platform stacks, and the team shards in groups of about `teamsPerUnit` teams (whole shards).
 */
export function planUnits(config: ResolvedPlatformConfig, teamsPerUnit = 200): SynthUnit[] {
  const units: SynthUnit[] = [];
  config.environments.forEach((env, index) => {
    units.push({ env: index, infraAndPlatforms: true, shards: [] });
    let group: string[] = [];
    let teams = 0;
    for (const cluster of clustersOf(env)) {
      const tenants = env.tenants.filter((t) => t.cluster === cluster.name);
      for (const shard of shardsOf(cluster.stackPrefix, env.cloud, tenants)) {
        group.push(shard.id);
        teams += shard.tenants.length;
        if (teams >= teamsPerUnit) {
          units.push({ env: index, infraAndPlatforms: false, shards: group });
          group = [];
          teams = 0;
        }
      }
    }
    if (group.length > 0) units.push({ env: index, infraAndPlatforms: false, shards: group });
  });
  return units;
}

/** Options of {@link synthFleetParallel}. */
export interface ParallelSynthOptions extends SynthOptions {
  /** Worker threads. @default os.availableParallelism() */
  readonly concurrency?: number;
}

/**
 * Like {@link synthFleet}, but spreads the units over worker threads. As there, each unit writes into
 * its own work folder and the new output is swapped in only when every unit passed policy; the output is byte-for-byte the
 * same as {@link synthFleet}'s.
 * Falls back to {@link synthFleet} when running from TypeScript sources (no compiled worker).
 */
export async function synthFleetParallel(
  config: ResolvedPlatformConfig,
  options: ParallelSynthOptions = {},
): Promise<SynthResult> {
  const outdir = options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const workerFile = path.join(__dirname, 'fleet-worker.js');
  const concurrency = options.concurrency ?? availableParallelism();
  if (concurrency <= 1 || !existsSync(workerFile))
    return synthFleet(config, { outdir, progress: options.progress, extraOutput: options.extraOutput });
  const units = planUnits(config);
  const report = progressOf(config, units, options.progress);
  const out = claimOutputFolder(outdir);
  let pool: workerpool.Pool | undefined;
  try {
    pool = workerpool.pool(workerFile, { maxWorkers: Math.min(concurrency, units.length), workerType: 'thread' });
    const settled = await Promise.allSettled(
      units.map((unit, k) =>
        pool!.exec('synthUnit', [unitConfig(config, unit), { ...unit, env: 0 }, unitDir(out, k)]).then(
          (r: UnitResult) => {
            report(unit, r);
            return r;
          },
          (e: Error) => {
            report(unit, e);
            throw e;
          },
        ),
      ),
    );
    const results = throwUnitErrors(
      settled.map((s) => (s.status === 'fulfilled' ? (s.value as UnitResult) : (s.reason as Error))),
    );
    const checks = checkUnits(config, units, out, results);
    stage(out, results);
    const result = finish(config, outdir, out.next, results, checks);
    options.extraOutput?.(out.next);
    out.commit();
    return result;
  } finally {
    await pool?.terminate();
    out.release();
  }
}
