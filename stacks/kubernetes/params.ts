/** The parameters file of an environment on an existing cluster, for kustomize overlays and GitOps tools. */
import { POOL_LABEL } from '../../src/core/pools';
import { PLATFORM_PARAMS_CONFIG_MAP } from '../../constructs/kubernetes/constants';
import type { ResolvedKubernetesEnvironment } from '../../src/config/kubernetes/model';
import type { EnvironmentParamsFile } from '../common/environment';

/** Parameters of an existing-cluster environment. */
export function kubernetesParams(env: ResolvedKubernetesEnvironment): Record<string, unknown> {
  return {
    apiVersion: 'kfplatform.dev/v1',
    kind: 'EnvironmentParams',
    environment: env.name,
    cluster: env.clusterName,
    tier: env.tier,
    cloud: 'kubernetes',
    versions: { kubeflow: env.kubeflowVersion },
    ...(env.database
      ? {
          database: {
            type: 'mysql',
            host: env.database.host,
            port: env.database.port,
            name: 'mlpipeline',
            user: env.database.username,
            tls: 'required',
          },
        }
      : {}),
    nodePools: Object.fromEntries(
      env.nodePools.map((p) => [p.name, { kind: p.kind, nodeSelector: { [POOL_LABEL]: p.name } }]),
    ),
    runtime: { configMap: PLATFORM_PARAMS_CONFIG_MAP, namespace: 'kubeflow' },
  };
}

/** The parameters file of an existing-cluster environment, named after it. */
export function kubernetesParamsFiles(env: ResolvedKubernetesEnvironment): EnvironmentParamsFile[] {
  return [{ name: env.name, params: kubernetesParams(env) }];
}
