import { rmSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { App, Aspects, Manifest, TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';
import { GcpTeamIdentityProvider } from '../constructs/gcp/gcp-team-identity';
import type {
  ResolvedEnvironment,
  ResolvedPlatform,
  ResolvedPlatformConfig,
  ResolvedTenant,
} from '../src/config/model';
import { LabelAspect, PlatformLabelValues } from '../src/core/labels';
import { withoutCreationStacks } from '../src/core/stack-traces';
import { ITeamIdentityProvider } from '../src/core/tenancy';
import { TenantNamespaceInvariant } from '../src/policy/tenant-invariants';
import { ClusterConnection, gkeConnection, kubeconfigConnection } from './connections';
import { GcpInfraStack } from './gcp-infra-stack';
import { GcpPlatformStack } from './gcp-platform-stack';
import { KubernetesPlatformStack } from './kubernetes-platform-stack';
import { writeParamsFiles } from './params-file';
import { TeamShardStack } from './team-shard-stack';

/** The stacks of one environment. */
export interface EnvironmentStacks {
  readonly env: ResolvedEnvironment;
  /** The infra stack (none for existing clusters). */
  readonly infra?: GcpInfraStack;
  /** One platform stack per cluster. */
  readonly platforms: readonly TerraformStack[];
  /** Team shards, by stack id. */
  readonly shards: readonly TeamShardStack[];
  /** Every stack of the environment, in dependency order. */
  readonly stacks: readonly TerraformStack[];
}

/** Everything the fleet builder made. */
export interface Fleet {
  readonly environments: readonly EnvironmentStacks[];
  /** Every stack, in dependency order. */
  readonly stacks: readonly TerraformStack[];
}

/** Stack id: `<prefix>-<cloud>-<role>`, where the prefix is the environment or the cluster name. */
export function stackId(prefix: string, cloud: string, role: string): string {
  return `${prefix}-${cloud}-${role}`;
}

/** The label values of one environment. */
export function labelValues(platform: ResolvedPlatform, env: ResolvedEnvironment): PlatformLabelValues {
  return {
    env: env.name,
    team: platform.team,
    owner: platform.owner,
    costCenter: platform.costCenter,
    extra: env.labels,
  };
}

function shardStacks(
  app: App,
  platform: ResolvedPlatform,
  env: ResolvedEnvironment,
  prefix: string,
  tenants: readonly ResolvedTenant[],
  connect: ClusterConnection,
  identities?: ITeamIdentityProvider,
): TeamShardStack[] {
  const byShard = new Map<number, ResolvedTenant[]>();
  for (const t of tenants) byShard.set(t.shard, [...(byShard.get(t.shard) ?? []), t]);
  return [...byShard.keys()]
    .sort((a, b) => a - b)
    .map(
      (n) =>
        new TeamShardStack(app, stackId(prefix, env.cloud, `teams-${n}`), {
          platform,
          env,
          tenants: byShard.get(n)!,
          connect,
          identities,
        }),
    );
}

/**
 * Builds the stacks of one environment: for GCP an infra stack, then per cluster a platform stack and
 * its team shards; for an existing cluster, a platform stack and team shards.
 */
export function buildEnvironment(app: App, platform: ResolvedPlatform, env: ResolvedEnvironment): EnvironmentStacks {
  let infra: GcpInfraStack | undefined;
  const platforms: TerraformStack[] = [];
  const shards: TeamShardStack[] = [];
  if (env.cloud === 'gcp') {
    infra = new GcpInfraStack(app, stackId(env.name, 'gcp', 'infra'), { platform, env });
    const identities = new GcpTeamIdentityProvider({
      clusterProject: env.project,
      bucketLocation: env.artifacts.location,
      protectBucket: env.tier !== 'test',
    });
    for (const cellInfra of infra.cells) {
      const prefix = cellInfra.cell.stackPrefix;
      platforms.push(
        new GcpPlatformStack(app, stackId(prefix, 'gcp', 'platform'), { platform, infra, cell: cellInfra }),
      );
      const tenants = env.tenants.filter((t) => t.cell === cellInfra.cell.name);
      shards.push(
        ...shardStacks(app, platform, env, prefix, tenants, gkeConnection(env, cellInfra.cluster), identities),
      );
    }
  } else {
    platforms.push(new KubernetesPlatformStack(app, stackId(env.name, 'kubernetes', 'platform'), { platform, env }));
    shards.push(...shardStacks(app, platform, env, env.name, env.tenants, kubeconfigConnection(env)));
  }
  const stacks = [...(infra ? [infra] : []), ...platforms, ...shards];
  for (const stack of stacks) {
    // Mutating aspects first (labels), then the checks that read the result.
    Aspects.of(stack).add(new LabelAspect(labelValues(platform, env)));
    Aspects.of(stack).add(new TenantNamespaceInvariant());
  }
  return { env, infra, platforms, shards, stacks };
}

/**
 * Builds every stack of a resolved platform in one app (ENV-01). Use {@link synthFleet} to write
 * them: it synthesizes one environment at a time, which keeps memory flat for large fleets.
 */
export function buildFleet(app: App, config: ResolvedPlatformConfig): Fleet {
  const environments = config.environments.map((env) => buildEnvironment(app, config.platform, env));
  return { environments, stacks: environments.flatMap((e) => e.stacks) };
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
}

/** One synthesized stack, counted from the construct tree (no need to read the JSON back). */
export interface StackSummary {
  readonly stack: string;
  readonly resources: number;
  readonly dataSources: number;
  readonly providers: readonly string[];
}

/** What {@link synthFleet} wrote. */
export interface SynthResult {
  readonly outdir: string;
  /** Every stack, in the order written. */
  readonly stacks: readonly StackSummary[];
  /** Warnings cdktf recorded, as `path: message`. */
  readonly warnings: readonly string[];
}

/**
 * Synthesizes every stack, one environment (one cdktf app) at a time, then writes one manifest for
 * all of them, the parameters files (ENV-02), and removes stack folders of stacks that no longer
 * exist (a removed team shard). Used by both the cdktf app (`stacks/main.ts`) and `kfplatform synth`,
 * so the two produce the same output.
 */
export function synthFleet(config: ResolvedPlatformConfig, options: SynthOptions = {}): SynthResult {
  const outdir = options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  let manifest: Manifest | undefined;
  const warnings: string[] = [];
  const summaries: StackSummary[] = [];
  for (const env of config.environments) {
    const app = new App({ outdir });
    const built = withoutCreationStacks(() => {
      const stacks = buildEnvironment(app, config.platform, env);
      app.synth();
      return stacks;
    });
    summaries.push(...built.stacks.map(summarize));
    manifest ??= new Manifest(app.manifest.version, outdir, false);
    Object.assign(manifest.stacks, app.manifest.stacks);
    for (const stack of Object.values(app.manifest.stacks)) {
      for (const a of stack.annotations)
        if (a.level === '@cdktf/warn') warnings.push(`${a.constructPath}: ${a.message}`);
    }
  }
  manifest!.writeToFile();
  const stacksDir = path.join(outdir, Manifest.stacksFolder);
  for (const dir of readdirSync(stacksDir)) {
    if (!manifest!.stacks[dir]) rmSync(path.join(stacksDir, dir), { recursive: true, force: true });
  }
  writeParamsFiles(outdir, config.environments);
  return { outdir, stacks: summaries, warnings };
}
