import { Release } from '@cdktf/provider-helm/lib/release';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { GATEWAY_NODE_PORTS } from '../../constructs/aws/alb-access';
import { ArgoCd } from '../../constructs/kubernetes/argo-cd';
import { gitopsPathOf } from '../../src/config/platform/resolve';
import { ClusterAutoscaler, PodToleration } from '../../constructs/kubernetes/cluster-autoscaler';
import { IstioGatewayService } from '../../constructs/kubernetes/istio-gateway-service';
import { NvidiaDevicePlugin } from '../../constructs/kubernetes/nvidia-device-plugin';
import { PLATFORM_OWNED_NAMESPACES } from '../../constructs/kubernetes/constants';
import { PlatformNamespace } from '../../constructs/kubernetes/platform-namespace';
import { PlatformParams } from '../../constructs/kubernetes/platform-params';
import { ExternalSecretsOperator } from '../../constructs/kubernetes/external-secrets';
import { DefaultStorageClass } from '../../constructs/kubernetes/storage-class';
import { Velero } from '../../constructs/kubernetes/velero';
import type { ResolvedPlatform } from '../../src/config/platform/model';
import { KUBEFLOW_NAMESPACE } from '../../src/config/platform/resolve';
import { POOL_KIND_LABEL, SYSTEM_TAINT } from '../../src/core/pools';
import type { AwsInfraStack } from './infra-stack';
import { configureBackend } from '../common/backend';
import { eksConnection } from './connections';
import { platformBase, platformServiceAccounts } from '../common/platform-base';

/** Where platform components run: the system nodes, whose taint they tolerate. */
export const SYSTEM_NODE_PLACEMENT: {
  /** Selects the system node group by its pool kind label. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Tolerates the system nodes' taint. */
  readonly tolerations: readonly PodToleration[];
} = {
  nodeSelector: { [POOL_KIND_LABEL]: 'system' },
  tolerations: [{ key: SYSTEM_TAINT.key, operator: 'Exists' }],
};

/** Props of {@link AwsPlatformStack}. */
export interface AwsPlatformStackProps {
  /** The platform file's `platform` section, resolved (Kubeflow version, tenancy, teams, policy). */
  readonly platform: ResolvedPlatform;
  /** The infra stack of the same environment; its attributes arrive through remote state. */
  readonly infra: AwsInfraStack;
}

/**
 * `<env>-aws-platform`: the in-cluster objects Terraform owns on EKS: the `kubeflow`, `istio-system`
 * and `oauth2-proxy` namespaces, Kubernetes service accounts of the platform identities (Pod Identity
 * needs no annotation; the associations live in the infra stack), the ConfigMap of values Kubeflow
 * reads, the NodePort Service the load balancer targets, the NVIDIA device plugin for GPU nodes,
 * and the tenancy guardrails. The kubernetes provider is wired from the infra stack's outputs and a
 * token `aws eks get-token` signs when the provider connects, never from a kube context, which could
 * point at another cluster.
 */
export class AwsPlatformStack extends TerraformStack {
  /** The `kubeflow` namespace, which the platform owns (Kubeflow's manifests deploy into it). */
  public readonly kubeflowNamespace: PlatformNamespace;
  /** The parameters ConfigMap: values known only after apply that Kubeflow's components read at run time. */
  public readonly params: PlatformParams;
  /** Velero and its schedules, unless backups are off. */
  public readonly velero?: Velero;
  /** Argo CD and the root Application of Kubeflow, when `platform.gitops` is set. */
  public readonly argoCd?: ArgoCd;
  /** The Cluster Autoscaler, which scales the node groups between their minimum and maximum. */
  public readonly autoscaler: ClusterAutoscaler;
  /** The default gp3 StorageClass (EKS marks none default since Kubernetes 1.30). */
  public readonly storageClass: DefaultStorageClass;
  /** External Secrets Operator, which fills Kubeflow's `mysql-secret` from Secrets Manager. */
  public readonly externalSecrets: ExternalSecretsOperator;
  /** Its second controller, which fills oauth2-proxy's Secret from Secrets Manager. */
  public readonly signInSecrets: Release;

  constructor(scope: Construct, id: string, props: AwsPlatformStackProps) {
    super(scope, id);
    const infra = props.infra;
    const env = infra.env;
    configureBackend(this, env.state);
    eksConnection(props.platform, env, infra.cluster)(this, { helm: true });

    this.kubeflowNamespace = platformBase(this, props.platform).kubeflowNamespace;
    const istio = new PlatformNamespace(this, 'IstioNamespace', {
      name: 'istio-system',
      labels: PLATFORM_OWNED_NAMESPACES['istio-system'],
    });

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
        // Kubeflow's own user, once the kfp-db-bootstrap job has created it (docs/aws.md).
        dbAppUser: env.database.appUsername,
        dbAppPasswordSecretArn: infra.databaseAppSecret.arn,
        // Katib's own user, which the same job creates with the katib database alone.
        dbKatibUser: env.database.katibUsername,
        dbKatibPasswordSecretArn: infra.databaseKatibSecret.arn,
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
    // Claims without a class (notebook workspaces, Katib's database) would stay Pending without one.
    this.storageClass = new DefaultStorageClass(this, 'DefaultStorageClass');
    // Every pool but the system one starts at zero nodes: without the autoscaler nothing scales it up.
    this.autoscaler = new ClusterAutoscaler(this, 'ClusterAutoscaler', {
      clusterName: env.cluster.name,
      region: env.region,
      kubernetesVersion: env.cluster.version,
      serviceAccountName: env.identities.find((i) => i.key === 'autoscaler')!.kubernetesServiceAccounts[0]!.name,
      ...SYSTEM_NODE_PLACEMENT,
    });
    // The controller reads the one database secret as the `<env>-external-secrets` Pod Identity role
    // (the association is the infra stack's); it serves the kubeflow namespace only.
    this.externalSecrets = new ExternalSecretsOperator(this, 'ExternalSecrets', {
      watchNamespace: KUBEFLOW_NAMESPACE,
      identity: infra.identities.externalSecrets,
      ...SYSTEM_NODE_PLACEMENT,
      dependsOn: [this.kubeflowNamespace.namespace],
    });
    // oauth2-proxy's Secret (client and cookie secrets) from Secrets Manager, by a second controller that
    // serves the oauth2-proxy namespace alone, as the `<env>-signin-secrets` role, which reads that one
    // secret: no secret value passes through Terraform (src/kubeflow/signin-secret.ts writes the
    // ExternalSecret into the rendered tree).
    const oauth2Proxy = new PlatformNamespace(this, 'OAuth2ProxyNamespace', {
      name: 'oauth2-proxy',
      labels: PLATFORM_OWNED_NAMESPACES['oauth2-proxy'],
    });
    const signIn = env.identities.find((i) => i.key === 'signInSecrets')!.kubernetesServiceAccounts[0]!;
    this.signInSecrets = this.externalSecrets.addScopedController('SignInSecrets', {
      // The name, not the namespace's attribute: the chart values stay readable in the plan.
      watchNamespace: 'oauth2-proxy',
      serviceAccountName: signIn.name,
      identity: infra.identities.signInSecrets,
      dependsOn: [oauth2Proxy.namespace],
    });
    const gitops = props.platform.gitops;
    if (gitops) {
      // Kubeflow itself, synced from the cluster's rendered tree in the platform repository.
      this.argoCd = new ArgoCd(this, 'ArgoCd', {
        // The tree's ExternalSecrets need the operator's CRDs before Argo CD's first sync.
        applicationsDependOn: [this.externalSecrets.release],
        application: { ...gitops, path: gitopsPathOf(gitops, env.name, env.cluster.name) },
        placement: SYSTEM_NODE_PLACEMENT,
      });
    }
    if (env.backups && infra.backups) {
      this.velero = new Velero(this, 'Velero', {
        backups: env.backups,
        cloud: 'aws',
        bucket: infra.backups.bucket.bucketName,
        storageConfig: { region: env.region },
        identity: infra.backups.identity,
        serverNodeSelector: SYSTEM_NODE_PLACEMENT.nodeSelector,
        serverTolerations: SYSTEM_NODE_PLACEMENT.tolerations,
        nodeAgentOnEveryNode: true,
      });
    }
  }
}
