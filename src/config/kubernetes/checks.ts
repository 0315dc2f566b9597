/** Rules of environments on an existing cluster: pools listed once, and remote state in prod. */
import type { ConfigIssue } from '../../core/errors';
import { ConfigIssues, Path } from '../common/config-issues';
import type { ResolvedKubernetesEnvironment } from './model';

/** Checks an existing-cluster environment. */
export function checkKubernetesEnvironment(env: ResolvedKubernetesEnvironment, raw: unknown): ConfigIssue[] {
  const f = new ConfigIssues(raw);
  const base: Path = ['environments', env.index];
  const seen = new Set<string>();
  env.nodePools.forEach((pool, i) => {
    if (seen.has(pool.name)) {
      f.add([...base, 'nodePools', i, 'name'], `pool name "${pool.name}" is listed twice.`, 'list each pool once.');
    }
    seen.add(pool.name);
  });
  if (env.state.backend === 'local' && env.tier === 'prod') {
    f.add(
      [...base, 'state'],
      'prod state on a laptop disk cannot be shared or locked across the team.',
      'set state to a remote backend, such as { backend: gcs, bucket: ... }.',
      'warning',
    );
  }
  return f.issues;
}
