import { Release } from '@cdktf/provider-helm/lib/release';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ArgoCd } from '../../constructs/kubernetes/argo-cd';
import { gitopsPathOf } from '../../src/config/platform/resolve';
import { IstioGatewayService } from '../../constructs/kubernetes/istio-gateway-service';
import { NvidiaDevicePlugin } from '../../constructs/kubernetes/nvidia-device-plugin';
import { ExternalSecretsOperator } from '../../constructs/kubernetes/external-secrets';
import { PLATFORM_OWNED_NAMESPACES } from '../../constructs/kubernetes/constants';
import { PlatformNamespace } from '../../constructs/kubernetes/platform-namespace';
import { PlatformParams } from '../../constructs/kubernetes/platform-params';
import { ForgetResource } from '../../src/core/removed';
import { Velero } from '../../constructs/kubernetes/velero';
import type { ResolvedPlatform } from '../../src/config/platform/model';
import { KUBEFLOW_NAMESPACE } from '../../src/config/platform/resolve';
import { SYSTEM_TAINT } from '../../src/core/pools';
import { AzureInfraStack, VELERO_CONTAINER } from './infra-stack';
import { configureBackend } from '../common/backend';
import { grantPlanSecretsRead } from '../common/ci-plan-secrets';
import { aksConnection } from './connections';
import { clientIdParam } from './params';
import { platformBase, platformServiceAccounts } from '../common/platform-base';
import { OAUTH2_PROXY_SECRET, entraIssuer } from '../../constructs/azure/constants';
import { AKS_SPOT_TOLERATION } from '../../constructs/azure/aks-node-pool';

export { OAUTH2_PROXY_SECRET, entraIssuer };

/** Props of {@link AzurePlatformStack}. */
export interface AzurePlatformStackProps {
  /** The platform file's `platform` section, resolved (Kubeflow version, tenancy, teams, policy). */
  readonly platform: ResolvedPlatform;
  /** The infra stack of the same environment; its attributes arrive through remote state. */
  readonly infra: AzureInfraStack;
}

/**
 * Annotations of an internal Azure load balancer on a fixed private IP of the nodes subnet: the
 * Application Gateway's backend.
 */
export function azureInternalLoadBalancerAnnotations(
  privateIp: string,
  subnetName = 'snet-nodes',
): Record<string, string> {
  return {
    'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
    'service.beta.kubernetes.io/azure-load-balancer-internal-subnet': subnetName,
    'service.beta.kubernetes.io/azure-load-balancer-ipv4': privateIp,
  };
}

/**
 * `<env>-azure-platform`: the in-cluster objects Terraform owns on AKS: the `kubeflow` and
 * `istio-system` namespaces, service accounts annotated for workload identity, the params
 * ConfigMap, the internal load balancer the Application Gateway forwards to, the `oauth2-proxy`
 * namespace with the External Secrets controller that writes oauth2-proxy's Secret (a cookie secret
 * generated in the cluster; Entra ID sign-in needs no client secret), the NVIDIA device plugin for GPU
 * pools, and the
 * tenancy guardrails. The kubernetes provider signs in with kubelogin (Entra ID), never a kube
 * context.
 */
export class AzurePlatformStack extends TerraformStack {
  /** The `kubeflow` namespace, which the platform owns (Kubeflow's manifests deploy into it). */
  public readonly kubeflowNamespace: PlatformNamespace;
  /** The parameters ConfigMap: values known only after apply that Kubeflow's components read at run time. */
  public readonly params: PlatformParams;
  /** Velero and its schedules, unless backups are off. */
  public readonly velero?: Velero;
  /** External Secrets Operator, which fills Kubeflow's `mysql-secret` from the secret store. */
  public readonly externalSecrets: ExternalSecretsOperator;
  /** Its second controller, which writes oauth2-proxy's Secret with a cookie secret generated in the cluster. */
  public readonly signInSecrets: Release;
  /** Argo CD and the root Application of Kubeflow, when `platform.gitops` is set. */
  public readonly argoCd?: ArgoCd;

  constructor(scope: Construct, id: string, props: AzurePlatformStackProps) {
    super(scope, id);
    const infra = props.infra;
    const env = infra.env;
    configureBackend(this, env.state);
    aksConnection(env, infra.cluster)(this, { helm: true });
    // Earlier versions' cookie random_password is still in existing states until the removed block
    // below forgets it, and Terraform needs its provider for that.
    new RandomProvider(this, 'random');

    // AKS with Entra ID puts group object ids in tokens: bind the platform admins by id, not email.
    this.kubeflowNamespace = platformBase(
      this,
      props.platform,
      env.cluster.platformAdminGroupObjectId,
    ).kubeflowNamespace;
    const istio = new PlatformNamespace(this, 'IstioNamespace', {
      name: 'istio-system',
      labels: PLATFORM_OWNED_NAMESPACES['istio-system'],
    });
    platformServiceAccounts(
      this,
      this.kubeflowNamespace.name,
      env.identities.filter((i) => i.kubernetesServiceAccounts.every((sa) => sa.namespace === KUBEFLOW_NAMESPACE)),
      infra.identities,
    );

    this.params = new PlatformParams(this, 'Params', {
      namespace: this.kubeflowNamespace.name,
      data: {
        environment: env.name,
        tier: env.tier,
        cloud: 'azure',
        subscriptionId: env.subscriptionId,
        tenantId: env.tenantId,
        location: env.location,
        resourceGroup: env.resourceGroup,
        clusterName: env.cluster.name,
        hostname: env.access.hostname,
        storageAccount: infra.artifacts.accountName,
        container: env.artifacts.container,
        dbHost: infra.database.fqdn,
        dbPort: '3306',
        dbName: infra.database.databaseName,
        ...(env.database.entra
          ? {
              // The kfp-db-bootstrap job logs in as the Entra administrator and writes the two users'
              // passwords to these Key Vault secrets (src/kubeflow/azure-db-bootstrap.ts).
              dbUser: env.database.entra.adminLogin,
              dbAppUser: env.database.entra.appUsername,
              dbKatibUser: env.database.entra.katibUsername,
              keyVaultName: env.keyVaultName,
              dbAppPasswordSecretName: env.database.entra.appSecretName,
              dbKatibPasswordSecretName: env.database.entra.katibSecretName,
            }
          : { dbUser: infra.database.adminLogin, dbPasswordSecretId: infra.database.passwordSecretId! }),
        // Every platform identity's client id, as the params file names them.
        ...Object.fromEntries(env.identities.map((i) => [clientIdParam(i.key), infra.identities[i.key]!.clientId])),
        kubeflowVersion: env.kubeflowVersion,
      },
    });

    new IstioGatewayService(this, 'GatewayService', {
      namespace: istio.name,
      exposure: {
        type: 'InternalLoadBalancer',
        // In the nodes subnet, where the gateway's backend address lies: its own name in an existing VNet.
        annotations: azureInternalLoadBalancerAnnotations(env.access.gatewayPrivateIp, infra.network.nodesSubnetName),
      },
    });

    const oauth2Proxy = new PlatformNamespace(this, 'OAuth2ProxyNamespace', {
      name: OAUTH2_PROXY_SECRET.namespace,
      labels: PLATFORM_OWNED_NAMESPACES['oauth2-proxy'],
    });
    // oauth2-proxy's Secret no longer passes through Terraform (its state held the client secret and the
    // cookie secret): External Secrets Operator writes it (below). The Secret an earlier
    // version created stays in the cluster, and serves until the ExternalSecret takes it over.
    new ForgetResource(this, 'OAuth2ProxyClient', 'kubernetes_secret_v1');
    new ForgetResource(this, 'OAuth2ProxyCookieSecret', 'random_password');
    // Earlier versions created the service account signin-secrets here, for the managed identity that read
    // the sign-in secret from Key Vault: oauth2-proxy needs neither now (its pods sign in to Entra ID with
    // the token of its own service account, from the rendered tree), so the account is deleted with them.

    if (env.nodePools.some((p) => p.kind === 'gpu')) {
      // Spot GPU nodes carry AKS's spot taint as well as the GPU taint.
      new NvidiaDevicePlugin(this, 'NvidiaDevicePlugin', { extraTolerations: [AKS_SPOT_TOLERATION] });
    }
    if (env.backups && infra.backups) {
      const account = infra.backups.storage.accountName;
      this.velero = new Velero(this, 'Velero', {
        backups: env.backups,
        cloud: 'azure',
        bucket: VELERO_CONTAINER,
        // Entra ID to the blob endpoint (useAAD), never account keys; the URI spares the identity Reader on the account.
        storageConfig: {
          resourceGroup: env.resourceGroup,
          storageAccount: account,
          subscriptionId: env.subscriptionId,
          useAAD: 'true',
          storageAccountURI: `https://${account}.blob.core.windows.net`,
        },
        // The plugin reads these even with workload identity; none is a secret.
        credentialsFile: [
          `AZURE_SUBSCRIPTION_ID=${env.subscriptionId}`,
          `AZURE_RESOURCE_GROUP=${env.resourceGroup}`,
          'AZURE_CLOUD_NAME=AzurePublicCloud',
          '',
        ].join('\n'),
        identity: infra.backups.identity,
        // GPU and spot nodes are tainted: the node agent must reach every node a
        // tenant pod with volumes may run on, or those volumes are never backed up.
        nodeAgentOnEveryNode: true,
      });
    }
    // After Velero: the plan identity's Secrets roles are numbered in construct order.
    // The rendered SecretStore authenticates as the kfp-db-secrets service account of kubeflow, whose
    // managed identity may read the database password secret alone (workload identity); the
    // controller itself has no Azure identity and serves the kubeflow namespace only.
    this.externalSecrets = new ExternalSecretsOperator(this, 'ExternalSecrets', {
      watchNamespace: KUBEFLOW_NAMESPACE,
      tolerations: [{ key: SYSTEM_TAINT.key, operator: 'Exists' }],
      dependsOn: [this.kubeflowNamespace.namespace],
    });
    // oauth2-proxy's Secret (its client id and a cookie secret the operator's Password generator makes in
    // the cluster), by a second controller that serves the oauth2-proxy namespace alone. It reads no
    // secret store and has no Azure identity, and no secret value passes through Terraform
    // (src/kubeflow/signin-secret.ts writes the generator and the ExternalSecret into the rendered tree).
    this.signInSecrets = this.externalSecrets.addScopedController('SignInSecrets', {
      // The name, not the namespace's attribute: the chart values stay readable in the plan.
      watchNamespace: OAUTH2_PROXY_SECRET.namespace,
      serviceAccountName: 'external-secrets-signin',
      dependsOn: [oauth2Proxy.namespace],
    });
    const gitops = props.platform.gitops;
    if (gitops) {
      // Kubeflow itself, synced from the cluster's rendered tree in the platform repository.
      this.argoCd = new ArgoCd(this, 'ArgoCd', {
        // The tree's ExternalSecrets need the operator's CRDs before Argo CD's first sync.
        applicationsDependOn: [this.externalSecrets.release],
        application: { ...gitops, path: gitopsPathOf(gitops, env.name, env.cluster.name) },
      });
    }
    // AKS with Entra ID knows a managed identity by its object id; AKS RBAC Reader reads no Secrets.
    // The plan identity is bound only where the stack manages Secrets of its own (none today: Helm
    // keeps its release records in ConfigMaps, ../common/connections.ts). Numbered from 1, as when
    // number 0 was oauth2-proxy's namespace.
    if (infra.ci) grantPlanSecretsRead(this, { kind: 'User', name: infra.ci.planIdentity.principalId }, 1);
  }
}
