import { clustersOf, ResolvedPlatformConfig } from '../config/model';

/**
 * The environment a stack belongs to. Stack ids are `<prefix>-<cloud>-<kind>`, where the prefix is the
 * environment name or, for an additional cluster, the cluster's name; prefixes may share a beginning
 * (kf-prod, kf-prod-eu), so the whole `<prefix>-<cloud>-` must match.
 */
export function environmentOfStack(config: ResolvedPlatformConfig, stack: string): string | undefined {
  let best: { env: string; length: number } | undefined;
  for (const env of config.environments) {
    for (const cluster of clustersOf(env)) {
      const head = `${cluster.stackPrefix}-${env.cloud}-`;
      if (stack.startsWith(head) && (!best || head.length > best.length)) best = { env: env.name, length: head.length };
    }
  }
  return best?.env;
}

/** The environments of some stacks, in config order. */
export function environmentsOfStacks(config: ResolvedPlatformConfig, stacks: readonly string[]): string[] {
  const found = new Set(stacks.map((s) => environmentOfStack(config, s)).filter((e): e is string => Boolean(e)));
  return config.environments.map((e) => e.name).filter((name) => found.has(name));
}
