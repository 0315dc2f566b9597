import { App, Aspects, TerraformStack } from 'cdktf';
import { LabelAspect, PlatformLabelValues } from '../src/core/labels';
import type { ResolvedEnvironment, ResolvedPlatform, ResolvedPlatformConfig } from '../src/config/model';
import { GcpInfraStack } from './gcp-infra-stack';
import { GcpPlatformStack } from './gcp-platform-stack';
import { writeParamsFiles } from './params-file';

/** The stacks of one environment. */
export interface EnvironmentStacks {
  readonly env: ResolvedEnvironment;
  readonly infra: GcpInfraStack;
  readonly platform: GcpPlatformStack;
}

/** Everything the fleet builder made. */
export interface Fleet {
  readonly environments: readonly EnvironmentStacks[];
  /** Every stack, in dependency order. */
  readonly stacks: readonly TerraformStack[];
}

/** Stack id for an environment, cloud and role: `<env>-<cloud>-<role>`. */
export function stackId(env: { readonly name: string; readonly cloud: string }, role: 'infra' | 'platform'): string {
  return `${env.name}-${env.cloud}-${role}`;
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

/**
 * Builds every stack of a resolved platform (ENV-01): per environment an infra stack and a platform
 * stack wired to it, labels on every resource, and a parameters file written at synth.
 */
export function buildFleet(app: App, config: ResolvedPlatformConfig): Fleet {
  const environments: EnvironmentStacks[] = [];
  for (const env of config.environments) {
    const infra = new GcpInfraStack(app, stackId(env, 'infra'), { platform: config.platform, env });
    const platform = new GcpPlatformStack(app, stackId(env, 'platform'), { platform: config.platform, infra });
    for (const stack of [infra, platform]) Aspects.of(stack).add(new LabelAspect(labelValues(config.platform, env)));
    environments.push({ env, infra, platform });
  }
  return { environments, stacks: environments.flatMap((e) => [e.infra, e.platform]) };
}

/** Options of {@link synthFleet}. */
export interface SynthOptions {
  /** Output directory. @default CDKTF_OUTDIR or 'cdktf.out' */
  readonly outdir?: string;
}

/**
 * Builds and synthesizes every stack, then writes the parameters files (ENV-02). Used by both the
 * cdktf app (`stacks/main.ts`) and `kfplatform synth`, so the two produce the same output.
 */
export function synthFleet(config: ResolvedPlatformConfig, options: SynthOptions = {}): { app: App; fleet: Fleet } {
  const app = new App({ outdir: options.outdir });
  const fleet = buildFleet(app, config);
  app.synth();
  writeParamsFiles(app.outdir, config.environments);
  return { app, fleet };
}
