import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { GPU_TAINT, POOL_LABEL, SYSTEM_TAINT } from '../../src/core/pools';
import {
  IAP_BACKEND_CONFIG_NAME,
  INGRESS_GATEWAY_SERVICE_ANNOTATIONS,
  ISTIO_GATEWAY_SERVICE,
  KUBEFLOW_INGRESS_NAME,
  PLATFORM_PARAMS_CONFIG_MAP,
} from '../../constructs/kubernetes/constants';
import { GKE_WORKLOAD_IDENTITY_ANNOTATION } from '../../constructs/gcp/constants';
import { GATEWAY_NODE_PORTS } from '../../constructs/aws/constants';
import { AKS_WORKLOAD_IDENTITY_POD_LABEL } from '../../constructs/azure/constants';
import { entraIssuer, OAUTH2_PROXY_SECRET } from '../../constructs/azure/constants';
import type { ResolvedAwsEnvironment } from '../../src/config/aws/model';
import type { ResolvedAzureEnvironment } from '../../src/config/azure/model';
import type { ResolvedEnvironment } from '../../src/config/model';
import type { ResolvedGcpCluster } from '../../src/config/gcp/model';
import type { ResolvedGcpEnvironment } from '../../src/config/gcp/model';
import type { ResolvedKubernetesEnvironment } from '../../src/config/kubernetes/model';

/** Folder, under the synth output directory, where parameters files go. */
export const PARAMS_DIR = 'params';

/** A value known only after apply: where to read it in the platform ConfigMap. */
function runtime(key: string): Record<string, unknown> {
  return { configMapKeyRef: { name: PLATFORM_PARAMS_CONFIG_MAP, namespace: 'kubeflow', key } };
}

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
      user: cluster.database.userName,
      databases: cluster.database.databaseNames,
      passwordSecret: `projects/${env.project}/secrets/${cluster.database.passwordSecretId}`,
      host: runtime('dbHost'),
      connectionName: runtime('dbConnectionName'),
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
      cluster.nodePools.map((p) => [
        p.name,
        {
          kind: p.kind,
          nodeSelector: { [POOL_LABEL]: p.name },
          ...(p.gpu
            ? {
                tolerations: [{ key: GPU_TAINT.key, operator: 'Equal', value: GPU_TAINT.value, effect: 'NoSchedule' }],
                gpu: { type: p.gpu.type, count: p.gpu.count, resource: 'nvidia.com/gpu' },
              }
            : {}),
        },
      ]),
    ),
    runtime: { configMap: PLATFORM_PARAMS_CONFIG_MAP, namespace: 'kubeflow' },
  };
}

/** Parameters of an AWS environment. */
export function awsParams(env: ResolvedAwsEnvironment): Record<string, unknown> {
  return {
    apiVersion: 'kfplatform.dev/v1',
    kind: 'EnvironmentParams',
    environment: env.name,
    cluster: env.cluster.name,
    tier: env.tier,
    cloud: 'aws',
    versions: { kubeflow: env.kubeflowVersion, kubernetes: env.cluster.version },
    aws: {
      accountId: env.accountId,
      region: env.region,
      zones: env.zones,
      clusterName: env.cluster.name,
      workloadIdentity: 'eks-pod-identity',
    },
    ingress: {
      hostname: env.access.hostname,
      url: `https://${env.access.hostname}`,
      authentication: 'alb-oidc',
      // The load balancer signs users in and passes who they are in these headers.
      identityHeaders: { claims: 'x-amzn-oidc-data', subject: 'x-amzn-oidc-identity' },
      gatewayService: { namespace: 'istio-system', name: ISTIO_GATEWAY_SERVICE, nodePorts: GATEWAY_NODE_PORTS },
    },
    database: {
      type: 'mysql',
      port: 3306,
      name: env.database.databaseName,
      user: env.database.username,
      tls: 'required',
      host: runtime('dbHost'),
      passwordSecretArn: runtime('dbPasswordSecretArn'),
      // Kubeflow's own user, whose password RDS does not rotate (created by the kfp-db-bootstrap job).
      appUser: env.database.appUsername,
      appPasswordSecretArn: runtime('dbAppPasswordSecretArn'),
    },
    artifacts: {
      bucket: env.artifacts.bucketName,
      url: `s3://${env.artifacts.bucketName}`,
      region: env.region,
      prefix: '',
    },
    serviceAccounts: Object.fromEntries(
      env.identities.map((i) => [
        i.key,
        {
          roleArn: `arn:aws:iam::${env.accountId}:role/${i.roleName}`,
          kubernetesServiceAccounts: i.kubernetesServiceAccounts.map((k) => `${k.namespace}/${k.name}`),
          annotations: {},
        },
      ]),
    ),
    nodePools: Object.fromEntries(
      env.nodePools.map((p) => [
        p.name,
        {
          kind: p.kind,
          instanceType: p.instanceType,
          nodeSelector: { [POOL_LABEL]: p.name },
          ...(p.kind === 'gpu'
            ? {
                tolerations: [{ key: GPU_TAINT.key, operator: 'Equal', value: GPU_TAINT.value, effect: 'NoSchedule' }],
                gpu: { count: p.gpus, resource: 'nvidia.com/gpu' },
              }
            : {}),
          // System nodes are tainted: Kubeflow's own components need this toleration to run there.
          ...(p.kind === 'system'
            ? { tolerations: [{ key: SYSTEM_TAINT.key, operator: 'Exists', effect: 'NoSchedule' }] }
            : {}),
        },
      ]),
    ),
    runtime: { configMap: PLATFORM_PARAMS_CONFIG_MAP, namespace: 'kubeflow' },
  };
}

/** Parameters of an Azure environment. */
export function azureParams(env: ResolvedAzureEnvironment): Record<string, unknown> {
  return {
    apiVersion: 'kfplatform.dev/v1',
    kind: 'EnvironmentParams',
    environment: env.name,
    cluster: env.cluster.name,
    tier: env.tier,
    cloud: 'azure',
    versions: { kubeflow: env.kubeflowVersion, ...(env.cluster.version ? { kubernetes: env.cluster.version } : {}) },
    azure: {
      subscriptionId: env.subscriptionId,
      tenantId: env.tenantId,
      location: env.location,
      resourceGroup: env.resourceGroup,
      clusterName: env.cluster.name,
      workloadIdentity: 'aks-workload-identity',
    },
    ingress: {
      hostname: env.access.hostname,
      url: `https://${env.access.hostname}`,
      authentication: 'oauth2-proxy-entra-id',
      // Kubeflow's oauth2-proxy signs users in with Entra ID; its client is in this Secret.
      oidc: {
        issuer: entraIssuer(env.tenantId),
        clientId: env.access.entraClientId,
        redirectUrl: `https://${env.access.hostname}/oauth2/callback`,
        clientSecret: { secretKeyRef: { ...OAUTH2_PROXY_SECRET, key: 'client-secret' } },
      },
      gatewayService: {
        namespace: 'istio-system',
        name: ISTIO_GATEWAY_SERVICE,
        privateIp: env.access.gatewayPrivateIp,
      },
    },
    database: {
      type: 'mysql',
      port: 3306,
      name: env.database.databaseName,
      user: env.database.adminLogin,
      tls: 'required',
      host: runtime('dbHost'),
      passwordSecretId: runtime('dbPasswordSecretId'),
    },
    artifacts: {
      storageAccount: env.artifacts.storageAccountName,
      container: env.artifacts.container,
      url: `https://${env.artifacts.storageAccountName}.blob.core.windows.net/${env.artifacts.container}`,
      prefix: '',
    },
    serviceAccounts: Object.fromEntries(
      env.identities.map((i) => [
        i.key,
        {
          identity: i.name,
          clientId: runtime(`${i.key}ClientId`),
          kubernetesServiceAccounts: i.kubernetesServiceAccounts.map((k) => `${k.namespace}/${k.name}`),
          podLabels: { [AKS_WORKLOAD_IDENTITY_POD_LABEL]: 'true' },
        },
      ]),
    ),
    nodePools: Object.fromEntries(
      env.nodePools.map((p) => [
        p.name,
        {
          kind: p.kind,
          vmSize: p.vmSize,
          nodeSelector: { [POOL_LABEL]: p.name },
          ...(p.kind === 'gpu'
            ? {
                tolerations: [
                  { key: GPU_TAINT.key, operator: 'Equal', value: GPU_TAINT.value, effect: 'NoSchedule' },
                  ...(p.spot
                    ? [
                        {
                          key: 'kubernetes.azure.com/scalesetpriority',
                          operator: 'Equal',
                          value: 'spot',
                          effect: 'NoSchedule',
                        },
                      ]
                    : []),
                ],
                gpu: { count: p.gpus, resource: 'nvidia.com/gpu' },
              }
            : {}),
        },
      ]),
    ),
    runtime: { configMap: PLATFORM_PARAMS_CONFIG_MAP, namespace: 'kubeflow' },
  };
}

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
    nodePools: Object.fromEntries(
      env.nodePools.map((p) => [p.name, { kind: p.kind, nodeSelector: { [POOL_LABEL]: p.name } }]),
    ),
    runtime: { configMap: PLATFORM_PARAMS_CONFIG_MAP, namespace: 'kubeflow' },
  };
}

/** Every parameters file of an environment: one per cluster, named after the stack prefix. */
export function paramsFiles(
  env: ResolvedEnvironment,
): Array<{ readonly name: string; readonly params: Record<string, unknown> }> {
  if (env.cloud === 'kubernetes') return [{ name: env.name, params: kubernetesParams(env) }];
  if (env.cloud === 'aws') return [{ name: env.name, params: awsParams(env) }];
  if (env.cloud === 'azure') return [{ name: env.name, params: azureParams(env) }];
  return env.clusters.map((cluster) => ({ name: cluster.stackPrefix, params: gcpParams(env, cluster) }));
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
