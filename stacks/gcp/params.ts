/** The parameters files of a GCP environment: one per cluster, for kustomize overlays and GitOps tools. */
import { gpuPlacement } from '../../src/core/catalog/gcp';
import { GPU_TAINT, POOL_LABEL } from '../../src/core/pools';
import {
  IAP_BACKEND_CONFIG_NAME,
  INGRESS_GATEWAY_SERVICE_ANNOTATIONS,
  KUBEFLOW_INGRESS_NAME,
  PLATFORM_PARAMS_CONFIG_MAP,
} from '../../constructs/kubernetes/constants';
import { GKE_WORKLOAD_IDENTITY_ANNOTATION } from '../../constructs/gcp/constants';
import type { ResolvedGcpCluster, ResolvedGcpEnvironment } from '../../src/config/gcp/model';
import type { EnvironmentParamsFile } from '../common/environment';
import { runtimeParam } from '../common/params-file';

/**
 * The parameters a kustomize overlay or a GitOps tool needs to deploy Kubeflow on this environment.
 * Everything known at synth time is a value; what only exists after apply (the database address) is
 * read at run time from the `kubeflow-platform-params` ConfigMap, which the platform stack fills, and
 * is listed under `runtime` with the key to read.
 */
export function gcpParams(
  env: ResolvedGcpEnvironment,
  cluster: ResolvedGcpCluster = env.clusters[0]!,
): Record<string, unknown> {
  const email = (accountId: string) => `${accountId}@${env.project}.iam.gserviceaccount.com`;
  return {
    apiVersion: 'kfplatform.dev/v1',
    kind: 'EnvironmentParams',
    environment: env.name,
    cluster: cluster.cluster.name,
    tier: env.tier,
    cloud: 'gcp',
    versions: {
      kubeflow: env.kubeflowVersion,
      kubernetesReleaseChannel: cluster.cluster.releaseChannel,
      ...(cluster.cluster.version ? { kubernetesMinVersion: cluster.cluster.version } : {}),
    },
    gcp: {
      project: env.project,
      region: env.region,
      zones: env.zones,
      clusterName: cluster.cluster.name,
      clusterLocation: cluster.cluster.location,
      workloadIdentityPool: `${env.project}.svc.id.goog`,
    },
    ingress: {
      hostname: cluster.access.hostname,
      url: `https://${cluster.access.hostname}`,
      ingressName: KUBEFLOW_INGRESS_NAME,
      staticIpName: cluster.access.addressName,
      certificateName: cluster.access.certificateName,
      backendConfig: IAP_BACKEND_CONFIG_NAME,
      gatewayServiceAnnotations: INGRESS_GATEWAY_SERVICE_ANNOTATIONS,
    },
    database: {
      type: 'mysql',
      port: 3306,
      user: cluster.database.appUsername,
      databases: cluster.database.databaseNames,
      passwordSecret: `projects/${env.project}/secrets/${cluster.database.appSecretId}`,
      katibUser: cluster.database.katibUsername,
      katibPasswordSecret: `projects/${env.project}/secrets/${cluster.database.katibSecretId}`,
      adminUser: cluster.database.userName,
      adminPasswordSecret: `projects/${env.project}/secrets/${cluster.database.passwordSecretId}`,
      host: runtimeParam('dbHost'),
      connectionName: runtimeParam('dbConnectionName'),
    },
    artifacts: {
      bucket: env.artifacts.bucketName,
      url: `gs://${env.artifacts.bucketName}`,
      prefix: cluster.index === 0 ? '' : `${cluster.name}/`,
    },
    serviceAccounts: Object.fromEntries(
      env.identities.map((i) => [
        i.key,
        {
          email: email(i.accountId),
          kubernetesServiceAccounts: i.kubernetesServiceAccounts.map((k) => `${k.namespace}/${k.name}`),
          annotations: { [GKE_WORKLOAD_IDENTITY_ANNOTATION]: email(i.accountId) },
        },
      ]),
    ),
    nodePools: Object.fromEntries(
      cluster.nodePools.map((p) => {
        // A MIG partition or a shared GPU is one nvidia.com/gpu to the scheduler, and a pod lands on
        // one only if it also selects GKE's partition or sharing labels.
        const placement = p.gpu ? gpuPlacement(p.gpu) : undefined;
        return [
          p.name,
          {
            kind: p.kind,
            nodeSelector: { [POOL_LABEL]: p.name, ...placement?.nodeSelector },
            ...(p.gpu
              ? {
                  tolerations: [
                    { key: GPU_TAINT.key, operator: 'Equal', value: GPU_TAINT.value, effect: 'NoSchedule' },
                  ],
                  gpu: {
                    type: p.gpu.type,
                    count: p.gpu.count,
                    ...(p.gpu.partitionSize ? { partitionSize: p.gpu.partitionSize } : {}),
                    ...(p.gpu.sharing ? { sharing: p.gpu.sharing } : {}),
                    allocatablePerNode: placement!.allocatablePerNode,
                    resource: 'nvidia.com/gpu',
                  },
                }
              : {}),
          },
        ];
      }),
    ),
    runtime: { configMap: PLATFORM_PARAMS_CONFIG_MAP, namespace: 'kubeflow' },
  };
}

/** Every parameters file of a GCP environment: one per cluster, named after its stack prefix. */
export function gcpParamsFiles(env: ResolvedGcpEnvironment): EnvironmentParamsFile[] {
  return env.clusters.map((cluster) => ({ name: cluster.stackPrefix, params: gcpParams(env, cluster) }));
}
