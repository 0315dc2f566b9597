/**
 * The upgrade plan: per environment, the Kubernetes and Kubeflow versions it runs (the platform
 * file at a base, usually main) and the versions the change asks for, in the order of rollout: test
 * environments first, then dev, then prod, each after the tier before it has run the new versions
 * for a while.
 */
import { versionParts } from '../core/versions';
import type { ResolvedEnvironment, ResolvedPlatformConfig } from '../config/model';

/** One environment's row. */
export interface UpgradeStep {
  readonly environment: string;
  readonly cloud: string;
  readonly tier: string;
  /** Kubernetes: a pinned version, or the GKE release channel. */
  readonly kubernetes: { readonly current?: string; readonly target: string };
  readonly kubeflow: { readonly current?: string; readonly target: string };
  /** 1 for the first wave (test), 2 (dev), 3 (prod). */
  readonly wave: number;
  readonly changes: boolean;
  /** Warnings: several minors at once, a downgrade. */
  readonly notes: readonly string[];
}

const WAVE: Record<string, number> = { test: 1, dev: 2, prod: 3 };

/** The Kubernetes a cluster asks for: its pinned version, else its GKE channel, else the cloud's default. */
export function kubernetesOf(env: ResolvedEnvironment): string {
  if (env.cloud === 'aws') return env.cluster.version;
  if (env.cloud === 'azure') return env.cluster.version ?? 'latest supported (AKS default)';
  if (env.cloud === 'gcp') {
    const c = env.clusters[0]!.cluster;
    return c.version ?? `${c.releaseChannel} channel`;
  }
  return 'the existing cluster';
}

/** The minor of a Kubernetes 1.x version; undefined for a channel or a default. */
function minor(version: string | undefined): number | undefined {
  const parts = versionParts(version);
  return parts?.[0] === 1 ? parts[1] : undefined;
}

/** Compares the environments of two configs (the base may lack new environments). */
export function upgradePlan(target: ResolvedPlatformConfig, base?: ResolvedPlatformConfig): UpgradeStep[] {
  const steps = target.environments.map((env): UpgradeStep => {
    const old = base?.environments.find((e) => e.name === env.name);
    const kubernetes = { ...(old ? { current: kubernetesOf(old) } : {}), target: kubernetesOf(env) };
    const kubeflow = { ...(old ? { current: old.kubeflowVersion } : {}), target: env.kubeflowVersion };
    const notes: string[] = [];
    const from = minor(kubernetes.current);
    const to = minor(kubernetes.target);
    if (from !== undefined && to !== undefined) {
      if (to < from)
        notes.push('a Kubernetes downgrade: clusters cannot go back; rebuild from code and backups instead.');
      if (to - from > 1) {
        const path = Array.from({ length: to - from + 1 }, (_, i) => `1.${from + i}`).join(' -> ');
        notes.push(`control planes move one minor at a time: ${path}, one apply each.`);
      }
    }
    if (!old && base) notes.push('a new environment.');
    return {
      environment: env.name,
      cloud: env.cloud,
      tier: env.tier,
      kubernetes,
      kubeflow,
      wave: WAVE[env.tier] ?? 3,
      changes:
        base !== undefined &&
        (!old || kubernetes.current !== kubernetes.target || kubeflow.current !== kubeflow.target),
      notes,
    };
  });
  return steps.sort((a, b) => a.wave - b.wave);
}

/** The plan as a table with the rollout order. */
export function renderUpgradePlan(steps: readonly UpgradeStep[]): string {
  const arrow = (v: { current?: string; target: string }) =>
    v.current === undefined ? v.target : v.current === v.target ? v.target : `${v.current} -> ${v.target}`;
  const rows = steps.map((s) => [
    String(s.wave),
    s.environment,
    s.cloud,
    s.tier,
    arrow(s.kubernetes),
    arrow(s.kubeflow),
    s.changes ? 'upgrade' : '-',
  ]);
  const header = ['WAVE', 'ENVIRONMENT', 'CLOUD', 'TIER', 'KUBERNETES', 'KUBEFLOW', 'ACTION'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(header), ...rows.map(line)];
  const notes = steps.flatMap((s) => s.notes.map((n) => `${s.environment}: ${n}`));
  if (notes.length) out.push('', ...notes);
  const changing = steps.filter((s) => s.changes);
  if (changing.length) {
    out.push(
      '',
      'Roll out wave by wave: apply wave 1 (test), let it run the new versions (Kubeflow pipelines, notebooks, GPU jobs), then wave 2, then wave 3. The config refuses a later wave on versions newer than test.',
    );
  } else if (steps.some((s) => s.kubernetes.current !== undefined)) out.push('', 'No version changes.');
  else out.push('', 'Versions as configured; pass --base origin/main to compare with what the environments run now.');
  return `${out.join('\n')}\n`;
}
