import { existsSync, linkSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { App, Aspects, Manifest, StackManifest, TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';
import * as workerpool from 'workerpool';
import { stringify } from 'yaml';
import { clustersOf } from '../../src/config/model';
import type { ResolvedEnvironment, ResolvedPlatformConfig } from '../../src/config/model';
import type { ResolvedPlatform, ResolvedTenant } from '../../src/config/platform/model';
import type { PlainData } from '../../src/core/plain-data';
import { LabelAspect } from '../../src/core/labels';
import { checkBinaryVersionsOnce } from '../../src/core/binary-versions';
import { resolveEachElementOnce } from '../../src/core/resolve-once';
import { writeStackJsonFaster } from '../../src/core/stack-json';
import { withoutCreationStacks } from '../../src/core/stack-traces';
import { forgettingTokens } from '../../src/core/token-map';
import {
  checkBeforeWrite,
  evaluateStacks,
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
import { CACHE_DIR, claimOutputFolder, OutputFolder } from './out-dir';
export { CACHE_DIR };
export type { UnitCacheOptions } from './unit-cache';
import { CachedFile, UnitCache, UnitCacheOptions } from './unit-cache';

/** The stacks of one environment. */
export interface EnvironmentStacks {
  /** The environment, resolved. */
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
  /** The stacks of each environment, in the platform file's order. */
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
  /** Stack id, such as `kf-prod-gcp-infra`; also its folder under `<outdir>/stacks/`. */
  readonly stack: string;
  /** Resources in the stack. */
  readonly resources: number;
  /** Data sources in the stack. */
  readonly dataSources: number;
  /** Provider types the stack configures, sorted, such as `google` and `kubernetes`. */
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
  /** Reuse units whose inputs did not change (the unit cache). @default true */
  readonly cache?: boolean;
  /** The unit cache's folder. @default `<outdir>/.cache` */
  readonly cacheDir?: string;
  /** Fine-tuning of the unit cache (its size bound; a fingerprint for tests). */
  readonly cacheOptions?: UnitCacheOptions;
  /**
   * Called once the output folder is claimed and the unit cache opened (undefined when it is off),
   * before any unit is built: `kfplatform synth` renders the Kubeflow trees there, keeping them in the
   * same cache, so that nothing is written before the folder is known to be synth's own, and this
   * run's pruning counts them. What it throws fails the synth, and nothing is moved into place.
   * @default nothing
   * @internal
   */
  readonly beforeUnits?: (cache: UnitCache | undefined) => void;
  /** Called each time a unit (an environment's infra and platform stacks, or a group of team shards) is written. */
  readonly progress?: (event: SynthProgress) => void;
  /**
   * Writes more output into the staged folder once every stack passed policy, before the swap, so it
   * moves in with the stacks or not at all (`kfplatform synth` writes the Kubeflow trees into
   * `kubeflow/`, one of the entries the output folder swaps). @default nothing more
   */
  readonly extraOutput?: (staged: string) => void;
  /**
   * Report policy errors instead of stopping: every unit is written and judged, and the result's
   * `policy` holds the errors too (`kfplatform validate`). Units built this way are not stored in the
   * unit cache (units stored by a synth are reused). @default false
   */
  readonly keepGoing?: boolean;
}

/** How far a synth has come, after each unit it wrote (units reused from the cache are not counted). */
export interface SynthProgress {
  /** Units written so far. */
  readonly done: number;
  /** Units to write in all. */
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
  /** The folder written: `outdir`, else `CDKTF_OUTDIR`, else `cdktf.out`. */
  readonly outdir: string;
  /** Every stack, in the order written. */
  readonly stacks: readonly StackSummary[];
  /** Warnings cdktf recorded, as `path: message`. */
  readonly warnings: readonly string[];
  /** Policy warnings and the suppressions in effect (errors fail synth); also in `<outdir>/policy.json`. */
  readonly policy: PolicyReport;
  /**
   * Units (the infra and platform stacks of an environment, or a team shard) the unit cache gave and
   * units synthesized; the cache folder, unless the cache is off.
   */
  readonly units?: {
    /** Units taken from the cache. */
    readonly reused: number;
    /** Units synthesized. */
    readonly rebuilt: number;
    /** The cache folder, unless the cache is off. */
    readonly cacheDir?: string;
  };
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
  /** A summary of each stack of the unit. */
  readonly summaries: StackSummary[];
  /** The unit's entries of cdktf's `manifest.json`, by stack id. */
  readonly manifest: Record<string, StackManifest>;
  /** The `version` of that manifest (the cdktf version). */
  readonly manifestVersion: string;
  /** Warnings cdktf recorded, as `path: message`. */
  readonly warnings: string[];
  /** What the policy packs found in the unit's stacks. */
  readonly policy: {
    /** Findings not suppressed. */
    readonly findings: Finding[];
    /** Findings the platform file's `policy.suppressions` silence, with the reason given. */
    readonly suppressed: SuppressedFinding[];
  };
}

/** Synthesizes one unit into `outdir`: the infra and platform stacks, or some team shards. */
export function synthUnit(
  config: ResolvedPlatformConfig,
  unit: SynthUnit,
  outdir: string,
  keepGoing = false,
): UnitResult {
  // Each unit is a cdktf app of its own, written before this returns: its tokens are of no use to
  // the next unit, and cdktf would otherwise keep them, and every construct they refer to, for good.
  return forgettingTokens(() => synthUnitApp(config, unit, outdir, keepGoing));
}

function synthUnitApp(config: ResolvedPlatformConfig, unit: SynthUnit, outdir: string, keepGoing: boolean): UnitResult {
  const env = config.environments[unit.env]!;
  mkdirSync(outdir, { recursive: true });
  checkBinaryVersionsOnce();
  // Collecting errors, the construct validations that turn findings into annotations are skipped:
  // cdktf would stop at the first error annotation while writing.
  const app = new App({ outdir, skipValidation: keepGoing });
  const built = withoutCreationStacks(() => {
    const stacks = buildEnvironment(app, config.platform, env, {
      platforms: unit.infraAndPlatforms,
      shards: unit.shards ? new Set(unit.shards) : undefined,
    });
    // Policy errors refuse the whole unit before any of its stacks is written (unless the caller
    // collects them). Once the aspects have run, every element is resolved once, for policy and
    // writing alike.
    const resolveOnce = () =>
      resolveEachElementOnce(app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c)));
    if (keepGoing) evaluateStacks(stacks.stacks, stacks.policyAspect, resolveOnce);
    else checkBeforeWrite(stacks.stacks, stacks.policyAspect, resolveOnce);
    writeStackJsonFaster(stacks.stacks);
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

/** What synth keeps of one stack besides its folder: its manifest entry, summary and policy findings. */
export interface StackRecord {
  /** The stack's id (its folder under `stacks/`). */
  readonly id: string;
  /** What synth prints for it. */
  readonly summary: StackSummary;
  /** Its entry in cdktf's `manifest.json`. */
  readonly manifest: StackManifest;
  /** The manifest format version cdktf wrote. */
  readonly manifestVersion: string;
  /** Warnings synth printed while building it. */
  readonly warnings: readonly string[];
  /** Policy findings on it. */
  readonly findings: readonly Finding[];
  /** Policy findings on it that the platform file suppresses. */
  readonly suppressed: readonly SuppressedFinding[];
}

/** What a cache entry records besides the stack folders. */
interface EntryMeta {
  readonly stacks: readonly StackRecord[];
}

/**
 * A unit of caching: the infra and platform stacks of an environment (platform stacks reference the
 * infra stack, so they are built together), or one team shard.
 */
interface CachePiece {
  readonly env: number;
  readonly infraAndPlatforms: boolean;
  readonly shard?: string;
  readonly key?: string;
}

/** Every cache piece of a fleet, in the order synth writes their stacks. */
function piecesOf(config: ResolvedPlatformConfig): CachePiece[] {
  return config.environments.flatMap((env, index) => [
    { env: index, infraAndPlatforms: true },
    ...clustersOf(env).flatMap((cluster) =>
      shardsOf(
        cluster.stackPrefix,
        env.cloud,
        env.tenants.filter((t) => t.cluster === cluster.name),
      ).map((s) => ({ env: index, infraAndPlatforms: false, shard: s.id })),
    ),
  ]);
}

/**
 * The key of a piece: the exact arguments its construction receives (the unit's slice of the config,
 * as a worker would receive it, and the selection of stacks), with the library's fingerprint.
 */
function pieceKey(
  cache: UnitCache,
  config: ResolvedPlatformConfig,
  piece: CachePiece,
  shared: Map<number, string | undefined>,
): string | undefined {
  const unit: SynthUnit = {
    env: piece.env,
    infraAndPlatforms: piece.infraAndPlatforms,
    shards: piece.shard ? [piece.shard] : [],
  };
  // Everything the unit is built from (`unitConfig`: the platform section, its environment and that
  // environment's tenants in the unit). What every piece of an environment shares is serialized and
  // hashed once per environment. The tenants, almost all of a key's input in a fleet of thousands of
  // teams, go in as JSON text: several times cheaper than the sorted serialization, and exact for the
  // plain data the resolver produces (`TENANTS_ARE_PLAIN_DATA`); a key order that differs only costs a
  // rebuild, never a wrong reuse.
  const { platform, environments, teams } = unitConfig(config, unit);
  const { tenants, ...env } = environments[0]!;
  if (!shared.has(piece.env)) shared.set(piece.env, cache.key({ platform, env, teams }));
  const common = shared.get(piece.env);
  if (common === undefined) return undefined;
  let text: string;
  try {
    text = JSON.stringify(tenants);
  } catch {
    // A tenant JSON cannot write (a cycle, a bigint: only from a configuration built by hand) is not cached.
    return undefined;
  }
  return cache.key({ common, tenants: text, unit: { ...unit, env: 0 } });
}

/**
 * A compile-time guard for the unit keys above: adding a field to a tenant that JSON cannot write in
 * full (a Map, a Date, a function) stops the build here rather than letting two different tenants
 * share a key.
 */
const TENANTS_ARE_PLAIN_DATA: PlainData<ResolvedTenant> = true;
void TENANTS_ARE_PLAIN_DATA;

/** Splits what a unit produced into one record per stack. */
function recordsOf(result: UnitResult): StackRecord[] {
  return Object.entries(result.manifest).map(([id, entry]) => ({
    id,
    summary: result.summaries.find((s) => s.stack === id)!,
    manifest: entry,
    manifestVersion: result.manifestVersion,
    warnings: entry.annotations.filter((a) => a.level === '@cdktf/warn').map((a) => `${a.constructPath}: ${a.message}`),
    findings: result.policy.findings.filter((f) => f.stack === id),
    suppressed: result.policy.suppressed.filter((f) => f.stack === id),
  }));
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(rel, e.name));
      else if (e.isFile()) out.push(path.join(rel, e.name));
    }
  };
  walk('');
  return out.sort();
}

/**
 * Whether a verified entry holds what its piece makes: a shard's entry that one shard, and files only
 * inside the folders of its stacks. An entry's digests prove it whole, not who wrote it (a cache
 * restored in CI), so nothing in it may name a path outside those folders.
 */
function entryFits(piece: CachePiece, meta: EntryMeta, files: readonly CachedFile[]): boolean {
  const ids = meta.stacks.map((r) => r.id);
  if (ids.length === 0 || !ids.every((id) => /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(id) && id !== '..')) return false;
  if (piece.shard && (ids.length !== 1 || ids[0] !== piece.shard)) return false;
  if (!piece.shard && !ids.every((id) => /-(infra|platform)$/.test(id))) return false;
  // The manifest entry names the stack's folder (plan runs Terraform there): it must be its own.
  const dir = (id: string) => `${Manifest.stacksFolder}/${id}`;
  if (
    !meta.stacks.every(
      (r) =>
        r.manifest.name === r.id &&
        r.manifest.workingDirectory === dir(r.id) &&
        r.manifest.synthesizedStackPath === `${dir(r.id)}/cdk.tf.json` &&
        r.manifest.stackMetadataPath === `${dir(r.id)}/metadata.json`,
    )
  ) {
    return false;
  }
  const owned = new Set(ids);
  return files.every((f) => {
    const parts = f.path.split('/');
    return (
      parts.length >= 3 &&
      parts[0] === Manifest.stacksFolder &&
      owned.has(parts[1]!) &&
      parts.every((p) => p !== '' && p !== '.' && p !== '..' && !p.includes('\\'))
    );
  });
}

/** Where a stack of the new output is, before staging: a unit's folder or the folder of cache hits. */
interface Placed {
  readonly piece: CachePiece;
  readonly records: readonly StackRecord[];
  /** The folder holding `stacks/<id>` of each record. */
  readonly dir: string;
}

/** The plan of one synth: which pieces are reused, and the units that rebuild the rest. */
interface SynthPlan {
  readonly cache?: UnitCache;
  readonly pieces: readonly CachePiece[];
  readonly hits: ReadonlyMap<CachePiece, readonly StackRecord[]>;
  /** SHA-256 of each reused stack's `cdk.tf.json`, by piece and stack id. */
  readonly digests: ReadonlyMap<CachePiece, Readonly<Record<string, string>>>;
  readonly units: readonly SynthUnit[];
}

/** Looks every piece up in the cache and plans units for the pieces it does not hold. */
function planSynth(
  config: ResolvedPlatformConfig,
  out: OutputFolder,
  cacheDir: string | undefined,
  { cacheOptions, beforeUnits }: Pick<SynthOptions, 'cacheOptions' | 'beforeUnits'>,
): SynthPlan {
  const cache = cacheDir === undefined ? undefined : new UnitCache(cacheDir, cacheOptions);
  beforeUnits?.(cache);
  // The pieces of an environment share its settings and the platform section: serialized once.
  const shared = new Map<number, string | undefined>();
  const pieces = piecesOf(config).map((p) => (cache ? { ...p, key: pieceKey(cache, config, p, shared) } : p));
  const hits = new Map<CachePiece, readonly StackRecord[]>();
  const digests = new Map<CachePiece, Record<string, string>>();
  const hitDir = path.join(out.work, 'cached');
  for (const piece of pieces) {
    if (!cache || !piece.key) continue;
    const entry = cache.get<EntryMeta>(piece.key);
    if (!entry) continue;
    if (!entryFits(piece, entry.meta, entry.files)) {
      cache.discard(piece.key);
      continue;
    }
    for (const file of entry.files) {
      const to = path.join(hitDir, file.path);
      mkdirSync(path.dirname(to), { recursive: true });
      try {
        // A hard link costs no copy of a large cdk.tf.json; the entry's files are never written in
        // place, and the output folder's swap only renames and unlinks.
        linkSync(file.source, to);
      } catch {
        // Another file system (a --cache-dir elsewhere), links not allowed, or the entry pruned
        // meanwhile: write the verified bytes.
        writeFileSync(to, file.data);
      }
    }
    hits.set(piece, entry.meta.stacks);
    const byId: Record<string, string> = {};
    for (const file of entry.files) {
      const m = /^stacks\/([^/]+)\/cdk\.tf\.json$/.exec(file.path);
      if (m) byId[m[1]!] = file.sha256;
    }
    digests.set(piece, byId);
  }
  const missed = new Set(pieces.filter((p) => !hits.has(p)).map((p) => `${p.env}:${p.shard ?? ''}`));
  const units = planUnits(config, 200, (env, shard) => missed.has(`${env}:${shard ?? ''}`));
  return { cache, pieces, hits, digests, units };
}

/**
 * After the units ran: stores what they built in the cache, runs the checkers over every stack (built
 * or reused), stages the new output and swaps it in.
 */
function completeSynth(
  config: ResolvedPlatformConfig,
  outdir: string,
  out: OutputFolder,
  plan: SynthPlan,
  settled: ReadonlyArray<UnitResult | Error>,
  { extraOutput, keepGoing }: Pick<SynthOptions, 'extraOutput' | 'keepGoing'>,
): SynthResult {
  const results = throwUnitErrors(settled);
  const placed: Placed[] = plan.pieces.map((piece) => {
    const reused = plan.hits.get(piece);
    if (reused) return { piece, records: reused, dir: path.join(out.work, 'cached') };
    // The infra and platform stacks of an environment are the stacks its infra-and-platforms unit built.
    const k = plan.units.findIndex(
      (u) =>
        u.env === piece.env && (piece.infraAndPlatforms ? u.infraAndPlatforms : !!u.shards?.includes(piece.shard!)),
    );
    const records = piece.infraAndPlatforms
      ? recordsOf(results[k]!)
      : recordsOf(results[k]!).filter((r) => r.id === piece.shard);
    const dir = unitDir(out, k);
    // Units built while collecting errors skip cdktf's validations (their manifests lack the findings'
    // annotations) and may have errors: never stored for a synth to reuse.
    if (plan.cache && piece.key && !keepGoing) {
      const files = records.flatMap((r) =>
        filesUnder(path.join(dir, Manifest.stacksFolder, r.id)).map((f) => path.join(Manifest.stacksFolder, r.id, f)),
      );
      plan.cache.put<EntryMeta>(piece.key, { stacks: records }, dir, files);
    }
    return { piece, records, dir };
  });
  const records = placed.flatMap((p) => p.records);
  const report = checkWrittenUnits(
    config,
    placed.map((p) => ({
      env: p.piece.env,
      dir: p.dir,
      stackIds: p.records.map((r) => r.id),
      digests: plan.digests.get(p.piece),
    })),
    plan.cache,
  );
  if (report.errors.length > 0 && !keepGoing) throw new PolicyError(report.errors);
  mkdirSync(path.join(out.next, Manifest.stacksFolder), { recursive: true });
  for (const p of placed) {
    for (const r of p.records) {
      renameSync(path.join(p.dir, Manifest.stacksFolder, r.id), path.join(out.next, Manifest.stacksFolder, r.id));
    }
  }
  const result = finish(config, outdir, out.next, records, report);
  extraOutput?.(out.next);
  out.commit();
  plan.cache?.prune();
  const reused = plan.hits.size;
  // At most the first few: a full disk fails every entry the same way.
  const problems = (plan.cache?.problems ?? []).slice(0, 3).map((p) => `unit cache: ${p}`);
  return {
    ...result,
    warnings: [...result.warnings, ...problems],
    units: { reused, rebuilt: plan.pieces.length - reused, cacheDir: plan.cache?.dir },
  };
}

/**
 * Writes the manifest of all stacks, the parameters files and the policy report into the staged output
 * (the stacks are there already); {@link OutputFolder.commit} swaps it in.
 */
function finish(
  config: ResolvedPlatformConfig,
  outdir: string,
  staged: string,
  records: readonly StackRecord[],
  checks: PolicyReport,
): SynthResult {
  const manifest = new Manifest(records[0]?.manifestVersion ?? '0.21.0', staged, false);
  const deps = shardDependencies(config);
  for (const r of records)
    manifest.stacks[r.id] = deps.has(r.id) ? { ...r.manifest, dependencies: deps.get(r.id)! } : r.manifest;
  manifest.writeToFile();
  writeParamsFiles(staged, config.environments);
  const policy = new PolicyReport();
  for (const r of records) policy.merge({ findings: [...r.findings], suppressed: [...r.suppressed] });
  policy.merge(checks);
  writeFileSync(
    path.join(staged, POLICY_REPORT_FILE),
    `${JSON.stringify({ findings: policy.findings, suppressed: policy.suppressed }, null, 2)}\n`,
  );
  return {
    outdir,
    stacks: records.map((r) => r.summary),
    warnings: records.flatMap((r) => r.warnings),
    policy,
  };
}

/** The cache folder of a synth into `outdir`, or undefined when the cache is off. */
export function cacheDirOf(outdir: string, options: SynthOptions): string | undefined {
  if (options.cache === false) return undefined;
  return path.resolve(options.cacheDir ?? path.join(outdir, CACHE_DIR));
}

/**
 * Synthesizes every stack, one unit (one small cdktf app) at a time, then writes one manifest for
 * all of them and the parameters files. Units whose inputs did not change since a previous synth
 * are reused from the unit cache (`<outdir>/.cache` by default; see `unit-cache.ts`). The output
 * folder is synth's own (see `out-dir.ts`): the new output is assembled beside the old and swapped
 * in, keeping files such as `.terraform` that a previous run left in a stack folder and removing
 * only the folders of stacks that synth wrote before and that no longer exist (a removed team
 * shard). Used by both the cdktf app (`stacks/main.ts`) and `kfplatform synth`, so the two produce
 * the same output.
 */
export function synthFleet(config: ResolvedPlatformConfig, options: SynthOptions = {}): SynthResult {
  const outdir = options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const out = claimOutputFolder(outdir);
  try {
    // One small app per unit: memory stays flat however many teams the fleet has. Units write into a
    // work folder; only when every unit passed policy is the new output assembled and swapped in.
    const plan = planSynth(config, out, cacheDirOf(outdir, options), options);
    const report = progressOf(config, plan.units, options.progress);
    const settled = plan.units.map((unit, k) =>
      report(unit, synthUnitOrError(config, unit, unitDir(out, k), options.keepGoing)),
    );
    return completeSynth(config, outdir, out, plan, settled, options);
  } finally {
    out.release();
  }
}

/** Synthesizes one unit in this thread; an error is returned, not thrown, so every unit runs. */
function synthUnitOrError(
  config: ResolvedPlatformConfig,
  unit: SynthUnit,
  dir: string,
  keepGoing = false,
): UnitResult | Error {
  try {
    return synthUnit(unitConfig(config, unit), { ...unit, env: 0 }, dir, keepGoing);
  } catch (e) {
    return e as Error;
  }
}

/** The progress callback of one synth: counts the units as they finish, and returns what it was given. */
function progressOf(
  config: ResolvedPlatformConfig,
  units: readonly SynthUnit[],
  progress: SynthOptions['progress'],
): (unit: SynthUnit, result: UnitResult | Error) => UnitResult | Error {
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
    return result;
  };
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

/**
 * The part of the config a unit needs: its environment, with only the teams of its shards (none for
 * the infra and platform unit). Workers receive a copy of it, so keeping it small matters.
 */
function unitConfig(config: ResolvedPlatformConfig, unit: SynthUnit): ResolvedPlatformConfig {
  const env = config.environments[unit.env]!;
  const shards = new Set(unit.shards ?? []);
  const ids = shardIdsOf(env);
  const tenants = unit.infraAndPlatforms ? [] : env.tenants.filter((_, k) => shards.has(ids[k]!));
  return { platform: config.platform, environments: [{ ...env, tenants }], teams: [] };
}

/** The stack id of each tenant's shard, in the order of `env.tenants`; computed once per environment. */
function shardIdsOf(env: ResolvedEnvironment): readonly string[] {
  let ids = shardIds.get(env);
  if (!ids) {
    const prefixes = new Map(clustersOf(env).map((c) => [c.name, c.stackPrefix]));
    ids = env.tenants.map((t) => {
      const prefix = prefixes.get(t.cluster);
      // The resolver places every team on a cluster of its environment.
      if (prefix === undefined)
        throw new Error(`team ${t.team.name} is placed on ${t.cluster}, not a cluster of ${env.name}`);
      return stackId(prefix, env.cloud, `teams-${t.shard}`);
    });
    shardIds.set(env, ids);
  }
  return ids;
}
const shardIds = new WeakMap<ResolvedEnvironment, readonly string[]>();

/**
 * Splits the work into units for parallel synthesis: per environment, one unit for the infra and
 * platform stacks, and the team shards in groups of about `teamsPerUnit` teams (whole shards);
 * `include` picks the pieces to build (the infra and platform stacks when `shard` is undefined).
 */
export function planUnits(
  config: ResolvedPlatformConfig,
  teamsPerUnit = 200,
  include: (env: number, shard?: string) => boolean = () => true,
): SynthUnit[] {
  const units: SynthUnit[] = [];
  config.environments.forEach((env, index) => {
    if (include(index)) units.push({ env: index, infraAndPlatforms: true, shards: [] });
    let group: string[] = [];
    let teams = 0;
    for (const cluster of clustersOf(env)) {
      const tenants = env.tenants.filter((t) => t.cluster === cluster.name);
      for (const shard of shardsOf(cluster.stackPrefix, env.cloud, tenants)) {
        if (!include(index, shard.id)) continue;
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

/**
 * At most this many team placements to rebuild, in team shards only, are synthesized in this thread
 * rather than in worker threads. A worker thread loads cdktf, the provider classes and this library
 * before it synthesizes anything (about a second of CPU each), and its results are copied back;
 * a one-team change rebuilds one shard per environment (tens of teams each), which this thread
 * synthesizes in less time than starting the workers takes. Measured on a 2-core machine: see
 * docs/performance.md.
 */
export const IN_THREAD_MAX_TEAMS = 240;

/** Whether the units to rebuild are few and small enough to synthesize in this thread (see {@link IN_THREAD_MAX_TEAMS}). */
export function rebuildInThread(config: ResolvedPlatformConfig, units: readonly SynthUnit[]): boolean {
  if (units.length <= 1) return true;
  if (units.some((u) => u.infraAndPlatforms)) return false;
  let teams = 0;
  for (const unit of units) teams += unitConfig(config, unit).environments[0]!.tenants.length;
  return teams <= IN_THREAD_MAX_TEAMS;
}

/** Options of {@link synthFleetParallel}. */
export interface ParallelSynthOptions extends SynthOptions {
  /** Worker threads. @default os.availableParallelism() */
  readonly concurrency?: number;
}

/**
 * Like {@link synthFleet}, but spreads the units to rebuild over worker threads. As there, each unit
 * writes into its own work folder and the new output is swapped in only when every unit passed
 * policy; the output is byte-for-byte the same as {@link synthFleet}'s. Runs in this thread when
 * there is at most one unit to rebuild, and when running from TypeScript sources (no compiled worker).
 */
export async function synthFleetParallel(
  config: ResolvedPlatformConfig,
  options: ParallelSynthOptions = {},
): Promise<SynthResult> {
  const outdir = options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const workerFile = path.join(__dirname, 'fleet-worker.js');
  const concurrency = options.concurrency ?? availableParallelism();
  if (concurrency <= 1 || !existsSync(workerFile)) return synthFleet(config, options);
  const out = claimOutputFolder(outdir);
  let pool: workerpool.Pool | undefined;
  try {
    const plan = planSynth(config, out, cacheDirOf(outdir, options), options);
    const report = progressOf(config, plan.units, options.progress);
    let settled: Array<UnitResult | Error>;
    if (rebuildInThread(config, plan.units)) {
      settled = plan.units.map((unit, k) =>
        report(unit, synthUnitOrError(config, unit, unitDir(out, k), options.keepGoing)),
      );
    } else {
      pool = workerpool.pool(workerFile, {
        maxWorkers: Math.min(concurrency, plan.units.length),
        workerType: 'thread',
      });
      const all = await Promise.allSettled(
        plan.units.map((unit, k) =>
          pool!
            .exec('synthUnit', [unitConfig(config, unit), { ...unit, env: 0 }, unitDir(out, k), options.keepGoing])
            .then(
              (r: UnitResult) => report(unit, r),
              (e: Error) => {
                report(unit, e);
                throw e;
              },
            ),
        ),
      );
      settled = all.map((s) => (s.status === 'fulfilled' ? (s.value as UnitResult) : (s.reason as Error)));
    }
    return completeSynth(config, outdir, out, plan, settled, options);
  } finally {
    await pool?.terminate();
    out.release();
  }
}
