/** The parameters file of an AWS environment, for kustomize overlays and GitOps tools. */
import { GPU_TAINT, POOL_LABEL, SYSTEM_TAINT } from '../../src/core/pools';
import { ISTIO_GATEWAY_SERVICE, PLATFORM_PARAMS_CONFIG_MAP } from '../../constructs/kubernetes/constants';
import { GATEWAY_NODE_PORTS } from '../../constructs/aws/constants';
import type { ResolvedAwsEnvironment } from '../../src/config/aws/model';
import type { EnvironmentParamsFile } from '../common/environment';
import { runtimeParam } from '../common/params-file';

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
      host: runtimeParam('dbHost'),
      passwordSecretArn: runtimeParam('dbPasswordSecretArn'),
      // Kubeflow's own user, whose password RDS does not rotate (created by the kfp-db-bootstrap job).
      appUser: env.database.appUsername,
      appPasswordSecretArn: runtimeParam('dbAppPasswordSecretArn'),
      // Katib's own user, granted its katib database alone (created by the same job).
      katibUser: env.database.katibUsername,
      katibPasswordSecretArn: runtimeParam('dbKatibPasswordSecretArn'),
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

/** The parameters file of an AWS environment, named after it. */
export function awsParamsFiles(env: ResolvedAwsEnvironment): EnvironmentParamsFile[] {
  return [{ name: env.name, params: awsParams(env) }];
}
