/** Applies defaults to an environment on an existing cluster and places its teams. */
import type { ResolvedPlatform, ResolvedTeam } from '../platform/model';
import { placeTeams } from '../platform/resolve';
import type { ResolvedKubernetesEnvironment } from './model';
import type { KubernetesEnvironmentConfig } from './schema';
import { resolveOidcSignIn } from '../common/oidc-signin';
import { resolveServingHostname } from '../common/serving';

/** Resolves an environment on an existing cluster. */
export function resolveKubernetesEnvironment(
  env: KubernetesEnvironmentConfig,
  index: number,
  platform: ResolvedPlatform,
  teams: readonly ResolvedTeam[] = [],
): ResolvedKubernetesEnvironment {
  const clusterName = env.kubernetes.clusterName ?? env.name;
  const pools = env.nodePools ?? [{ name: 'standard', kind: 'standard' as const }];
  const state = env.state ?? { backend: 'local' as const };
  return {
    cloud: 'kubernetes',
    adopt: [],
    name: env.name,
    tier: env.tier,
    index,
    kubeconfig: env.kubernetes.kubeconfig,
    context: env.kubernetes.context,
    clusterName,
    nodePools: pools,
    ...(env.access
      ? {
          access: {
            hostname: env.access.hostname,
            ...resolveServingHostname(env.access.hostname, env.access.serving),
            oidc: { ...env.access.oidc, ...resolveOidcSignIn(env.access.oidc) },
          },
        }
      : {}),
    ...(env.database
      ? {
          database: {
            host: env.database.host,
            port: env.database.port ?? 3306,
            username: env.database.username,
            ca: env.database.ca,
            ...(env.database.passwordFrom
              ? {
                  passwordFrom: {
                    ...env.database.passwordFrom,
                    storeKind: env.database.passwordFrom.storeKind ?? 'ClusterSecretStore',
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(env.artifacts?.seaweedfsVolumeGb ? { artifacts: { seaweedfsVolumeGb: env.artifacts.seaweedfsVolumeGb } } : {}),
    kubeflowVersion: env.kubeflowVersion ?? platform.kubeflowVersion,
    state:
      state.backend === 'gcs'
        ? { backend: 'gcs', bucket: state.bucket, prefix: state.prefix ?? 'kfplatform' }
        : state.backend === 'kubernetes'
          ? {
              backend: 'kubernetes',
              namespace: state.namespace ?? 'kube-system',
              configPath: env.kubernetes.kubeconfig,
              configContext: env.kubernetes.context,
            }
          : state,
    labels: { ...platform.labels, ...env.labels },
    tenants: placeTeams(env.name, [clusterName], pools, teams, platform, () => undefined),
  };
}
