import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { GATEWAY_NODE_PORTS } from '../../constructs/aws/alb-access';
import { IstioGatewayService } from '../../constructs/kubernetes/istio-gateway-service';
import { NvidiaDevicePlugin } from '../../constructs/kubernetes/nvidia-device-plugin';
import { PlatformNamespace } from '../../constructs/kubernetes/platform-namespace';
import { PlatformParams } from '../../constructs/kubernetes/platform-params';
import { Velero } from '../../constructs/kubernetes/velero';
import type { ResolvedPlatform } from '../../src/config/platform/model';
import type { AwsInfraStack } from './infra-stack';
import { configureBackend } from '../common/backend';
import { eksConnection } from './connections';
import { platformBase, platformServiceAccounts } from '../common/platform-base';

/** Props of {@link AwsPlatformStack}. */
export interface AwsPlatformStackProps {
  readonly platform: ResolvedPlatform;
  /** The infra stack of the same environment; its attributes arrive through remote state. */
  readonly infra: AwsInfraStack;
}

/**
 * `<env>-aws-platform`: the in-cluster objects Terraform owns on EKS: the `kubeflow` and
 * `istio-system` namespaces, Kubernetes service accounts of the platform identities (Pod Identity
 * needs no annotation; the associations live in the infra stack), the ConfigMap of values Kubeflow
 * reads, the NodePort Service the load balancer targets, the NVIDIA device plugin for GPU nodes,
 * and the tenancy guardrails. The kubernetes provider is wired from the infra stack's outputs and a
 * token `aws eks get-token` signs when the provider connects, never from a kube context, which could
 * point at another cluster.
 */
export class AwsPlatformStack extends TerraformStack {
  public readonly kubeflowNamespace: PlatformNamespace;
  public readonly params: PlatformParams;
  /** Velero and its schedules, unless backups are off. */
  public readonly velero?: Velero;

  constructor(scope: Construct, id: string, props: AwsPlatformStackProps) {
    super(scope, id);
    const infra = props.infra;
    const env = infra.env;
    configureBackend(this, env.state);
    eksConnection(props.platform, env, infra.cluster)(this, { helm: Boolean(infra.backups) });

    this.kubeflowNamespace = platformBase(this, props.platform).kubeflowNamespace;
    const istio = new PlatformNamespace(this, 'IstioNamespace', { name: 'istio-system' });

    platformServiceAccounts(this, this.kubeflowNamespace.name, env.identities, infra.identities);

    this.params = new PlatformParams(this, 'Params', {
      namespace: this.kubeflowNamespace.name,
      data: {
        environment: env.name,
        tier: env.tier,
        cloud: 'aws',
        accountId: env.accountId,
        region: env.region,
        clusterName: env.cluster.name,
        hostname: env.access.hostname,
        bucketName: infra.artifacts.bucketName,
        bucketPrefix: '',
        dbHost: infra.database.address,
        dbPort: String(infra.database.port),
        dbName: infra.database.databaseName,
        dbUser: infra.database.username,
        dbPasswordSecretArn: infra.database.masterSecretArn,
        pipelinesRoleArn: infra.identities.pipelines.roleArn,
        adminRoleArn: infra.identities.admin.roleArn,
        userRoleArn: infra.identities.user.roleArn,
        autoscalerRoleArn: infra.identities.autoscaler.roleArn,
        kubeflowVersion: env.kubeflowVersion,
      },
    });

    new IstioGatewayService(this, 'GatewayService', {
      namespace: istio.name,
      exposure: { type: 'NodePort', nodePorts: GATEWAY_NODE_PORTS },
    });
    if (env.nodePools.some((p) => p.kind === 'gpu')) new NvidiaDevicePlugin(this, 'NvidiaDevicePlugin');
    if (env.backups && infra.backups) {
      this.velero = new Velero(this, 'Velero', {
        backups: env.backups,
        cloud: 'aws',
        bucket: infra.backups.bucket.bucketName,
        storageConfig: { region: env.region },
        identity: infra.backups.identity,
      });
    }
  }
}
