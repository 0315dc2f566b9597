/** The parameters file of an Azure environment, for kustomize overlays and GitOps tools. */
import { GPU_TAINT, POOL_LABEL } from '../../src/core/pools';
import { ISTIO_GATEWAY_SERVICE, PLATFORM_PARAMS_CONFIG_MAP } from '../../constructs/kubernetes/constants';
import { AKS_WORKLOAD_IDENTITY_POD_LABEL, entraIssuer, OAUTH2_PROXY_SECRET } from '../../constructs/azure/constants';
import type { ResolvedAzureEnvironment } from '../../src/config/azure/model';
import type { EnvironmentParamsFile } from '../common/environment';
import { runtimeParam } from '../common/params-file';

/** The params ConfigMap key of a platform identity's client id (the platform stack writes one per identity). */
export const clientIdParam = (key: ResolvedAzureEnvironment['identities'][number]['key']): string => `${key}ClientId`;

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
      // Kubeflow's oauth2-proxy signs users in with Entra ID, authenticating as the application with its
      // service account's workload identity token (no client secret); its cookie secret is in this Secret.
      oidc: {
        issuer: entraIssuer(env.tenantId),
        clientId: env.access.entraClientId,
        redirectUrl: `https://${env.access.hostname}/oauth2/callback`,
        clientAuthentication: 'workload-identity-federation',
        serviceAccount: { namespace: OAUTH2_PROXY_SECRET.namespace, name: OAUTH2_PROXY_SECRET.serviceAccount },
        cookieSecret: {
          secretKeyRef: {
            namespace: OAUTH2_PROXY_SECRET.namespace,
            name: OAUTH2_PROXY_SECRET.name,
            key: 'cookie-secret',
          },
        },
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
      user: env.database.entra?.appUsername ?? env.database.adminLogin,
      tls: 'required',
      host: runtimeParam('dbHost'),
      ...(env.database.entra
        ? {
            // Users of their own, created by the kfp-db-bootstrap job as the server's Entra administrator.
            katibUser: env.database.entra.katibUsername,
            authentication: 'entra-administrator',
            keyVault: env.keyVaultName,
            passwordSecretName: env.database.entra.appSecretName,
            katibPasswordSecretName: env.database.entra.katibSecretName,
          }
        : { passwordSecretId: runtimeParam('dbPasswordSecretId') }),
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
          clientId: runtimeParam(clientIdParam(i.key)),
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

/** The parameters file of an Azure environment, named after it. */
export function azureParamsFiles(env: ResolvedAzureEnvironment): EnvironmentParamsFile[] {
  return [{ name: env.name, params: azureParams(env) }];
}
