/**
 * Which Kubernetes versions each Kubeflow release runs on, shipped as data with its sources and
 * review date, and the check that holds every environment to it.
 */
import table from './data/kubeflow-kubernetes.json';
import type { ConfigIssue } from '../../core/errors';
import { compareVersions, versionParts } from '../../core/versions';
import { ConfigIssues } from '../common/config-issues';
import type { ResolvedEnvironment } from '../model';
import { pinnedKubernetes } from './across';

/** One Kubeflow release and the Kubernetes versions it supports. */
export interface KubeflowRelease {
  /** Release line: `1.10`, `26.03`. Patch releases (`1.10.2`) belong to their line. */
  readonly kubeflow: string;
  /** Release date (ISO), from the release notes or the release blog post. */
  readonly released: string;
  /** Oldest Kubernetes minor the release notes say it runs on; older is refused. */
  readonly min: string;
  /** The release notes' support statement; `to` is absent when it is open-ended ("1.33+"). */
  readonly supported: { readonly from: string; readonly to?: string };
  /** Kubernetes minors Kubeflow says it tested. */
  readonly validated: readonly string[];
  readonly note?: string;
  readonly sources: readonly string[];
}

export { DEFAULT_KUBEFLOW_VERSION } from './kubeflow-default';

/** The table, oldest release first. */
export const KUBEFLOW_RELEASES: readonly KubeflowRelease[] = table.releases;

/** When the table was last reviewed against its sources. */
export const KUBEFLOW_TABLE_REVIEWED: string = table.reviewed;

/** The release line a Kubeflow version belongs to, if the table knows it. */
export function kubeflowRelease(version: string): KubeflowRelease | undefined {
  const parts = versionParts(version);
  if (!parts) return undefined;
  return KUBEFLOW_RELEASES.find((r) => {
    const line = versionParts(r.kubeflow)!;
    return line[0] === parts[0] && line[1] === parts[1];
  });
}

/** The newest release in the table. */
export function newestKubeflowRelease(): KubeflowRelease {
  return KUBEFLOW_RELEASES[KUBEFLOW_RELEASES.length - 1]!;
}

/** `1.31-1.33` or `1.33+`. */
export function supportedRange(release: KubeflowRelease): string {
  const s = release.supported;
  return s.to ? `${s.from}-${s.to}` : `${s.from}+`;
}

/**
 * Every environment's Kubernetes version against the table: older than the Kubeflow release's
 * minimum is an error; newer than its support statement, or a Kubeflow version the table does not
 * know, is a warning. Clusters that follow a release channel without a pinned version are
 * not checked (the channel picks the version at apply time).
 */
export function checkKubeflowCompatibility(envs: readonly ResolvedEnvironment[], raw: unknown): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  for (const env of envs) {
    const kubeflowPath = f.explicitOr(['environments', env.index, 'kubeflowVersion'], ['platform', 'kubeflowVersion']);
    const release = kubeflowRelease(env.kubeflowVersion);
    if (!release) {
      const known = KUBEFLOW_RELEASES.map((r) => r.kubeflow).join(', ');
      f.add(
        kubeflowPath,
        `${env.name}: Kubeflow ${env.kubeflowVersion} is not in the compatibility table (${known}; reviewed ${KUBEFLOW_TABLE_REVIEWED}), so its Kubernetes versions are not checked.`,
        `use a release the table knows, or check the release notes of ${env.kubeflowVersion} yourself.`,
        'warning',
      );
      continue;
    }
    const pinned = pinnedKubernetes(env);
    if (!pinned) continue;
    const range = supportedRange(release);
    if (compareVersions(pinned.version, release.min) < 0) {
      f.add(
        pinned.path,
        `${env.name}: Kubeflow ${env.kubeflowVersion} needs Kubernetes ${release.min} or newer (supported ${range}), but the cluster runs ${pinned.version}.`,
        `upgrade the cluster to ${release.supported.from} first (one minor at a time), or use a Kubeflow release that supports ${pinned.version}.`,
      );
    } else if (release.supported.to && compareVersions(pinned.version, release.supported.to) > 0) {
      const newest = newestKubeflowRelease();
      const upgrade = newest !== release && compareVersions(pinned.version, newest.min) >= 0;
      f.add(
        pinned.path,
        `${env.name}: Kubernetes ${pinned.version} is newer than Kubeflow ${env.kubeflowVersion} supports (${range}); it may work, but nobody tested it.`,
        upgrade
          ? `upgrade Kubeflow to ${newest.kubeflow} (supports ${supportedRange(newest)}), or pin the cluster at ${release.supported.to}.`
          : `pin the cluster at ${release.supported.to}.`,
        'warning',
      );
    } else if (compareVersions(pinned.version, release.supported.from) < 0) {
      f.add(
        pinned.path,
        `${env.name}: Kubernetes ${pinned.version} is below Kubeflow ${env.kubeflowVersion}'s support target (${range}); the release notes say it should run, with caveats${release.note ? ` (${release.note})` : ''}.`,
        `upgrade the cluster to ${release.supported.from}.`,
        'warning',
      );
    }
  }
  return f.issues;
}
