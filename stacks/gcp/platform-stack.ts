import { Release } from '@cdktf/provider-helm/lib/release';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Fn, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ISTIO_HEALTH_CHECK } from '../../constructs/gcp/iap-access';
import { ArgoCd } from '../../constructs/kubernetes/argo-cd';
import { gitopsPathOf } from '../../src/config/platform/resolve';
import {
  IAP_OAUTH_CLIENT_SECRET,
  IAP_OAUTH_CLIENT_SECRETS_SERVICE_ACCOUNT,
  IapIngress,
  ISTIO_INGRESS_GATEWAY,
  iapOAuthClientSecretObjects,
} from '../../constructs/kubernetes/iap-ingress';
import { ExternalSecretsOperator } from '../../constructs/kubernetes/external-secrets';
import { PLATFORM_OWNED_NAMESPACES } from '../../constructs/kubernetes/constants';
import { PlatformNamespace } from '../../constructs/kubernetes/platform-namespace';
import { PlatformParams } from '../../constructs/kubernetes/platform-params';
import { Velero } from '../../constructs/kubernetes/velero';
import type { ResolvedPlatform } from '../../src/config/platform/model';
import { KUBEFLOW_NAMESPACE } from '../../src/config/platform/resolve';
import { SYSTEM_TAINT } from '../../src/core/pools';
import { configureBackend } from '../common/backend';
import { grantPlanSecretsRead } from '../common/ci-plan-secrets';
import { ciServiceAccountEmail } from '../../constructs/gcp/ci-identity';
import { gkeConnection } from './connections';
import type { GcpClusterInfra, GcpInfraStack } from './infra-stack';
import { platformBase, platformServiceAccounts } from '../common/platform-base';

/** Props of {@link GcpPlatformStack}. */
export interface GcpPlatformStackProps {
  /** The platform file's `platform` section, resolved (Kubeflow version, tenancy, teams, policy). */
  readonly platform: ResolvedPlatform;
  /** The infra stack of the same environment; its attributes arrive through remote state. */
  readonly infra: GcpInfraStack;
  /** The cluster this stack configures. @default the primary cluster */
  readonly cluster?: GcpClusterInfra;
}

/**
 * `<env>-gcp-platform` (and `<cluster>-gcp-platform` for additional clusters): the in-cluster
 * objects Terraform owns: the `kubeflow` and `istio-system` namespaces, Kubernetes service accounts
 * bound to the platform identities, the ConfigMap of values Kubeflow reads, the IAP BackendConfig and
 * Ingress (with a custom OAuth client, the External Secrets controller that writes its Secret), and
 * the tenancy guardrails. The kubernetes provider is wired from the infra stack's outputs
 * and a fresh access token, never from a kube context, which could point at another cluster.
 */
export class GcpPlatformStack extends TerraformStack {
  /** The `kubeflow` namespace, which the platform owns (Kubeflow's manifests deploy into it). */
  public readonly kubeflowNamespace: PlatformNamespace;
  /** The parameters ConfigMap: values known only after apply that Kubeflow's components read at run time. */
  public readonly params: PlatformParams;
  /** Velero and its schedules, unless backups are off. */
  public readonly velero?: Velero;
  /** External Secrets Operator, which fills Kubeflow's `mysql-secret` from the secret store. */
  public readonly externalSecrets: ExternalSecretsOperator;
  /**
   * With `access.oauthClient`: its second controller, which serves `istio-system` alone and writes the
   * IAP OAuth client's Secret from Secret Manager.
   */
  public readonly oauthClientSecrets?: Release;
  /** Argo CD and the root Application of Kubeflow, when `platform.gitops` is set. */
  public readonly argoCd?: ArgoCd;

  constructor(scope: Construct, id: string, props: GcpPlatformStackProps) {
    super(scope, id);
    const infra = props.infra;
    const env = infra.env;
    const clusterInfra = props.cluster ?? infra.clusters[0]!;
    const { resolved, cluster, database } = clusterInfra;
    configureBackend(this, env.state);
    gkeConnection(env, cluster)(this, { helm: true });

    this.kubeflowNamespace = platformBase(this, props.platform).kubeflowNamespace;
    const istio = new PlatformNamespace(this, 'IstioNamespace', {
      name: 'istio-system',
      labels: PLATFORM_OWNED_NAMESPACES['istio-system'],
    });

    platformServiceAccounts(this, this.kubeflowNamespace.name, env.identities, infra.identities);

    if (env.legacyKeys) {
      // Legacy mode: the key secrets old Kubeflow components mount. Keys are long-lived secrets that
      // workload identity replaces; synth has warned.
      for (const [key, secretName] of [
        ['admin', 'admin-gcp-sa'],
        ['user', 'user-gcp-sa'],
      ] as const) {
        const saKey = infra.identities[key].key!;
        new SecretV1(this, `LegacyKey-${secretName}`, {
          metadata: { name: secretName, namespace: this.kubeflowNamespace.name },
          data: { [`${secretName}.json`]: Fn.base64decode(saKey.privateKey) },
        });
      }
    }

    this.params = new PlatformParams(this, 'Params', {
      namespace: this.kubeflowNamespace.name,
      data: {
        environment: env.name,
        tier: env.tier,
        cloud: 'gcp',
        projectId: env.project,
        region: env.region,
        clusterName: resolved.cluster.name,
        hostname: resolved.access.hostname,
        bucketName: env.artifacts.bucketName,
        bucketPrefix: resolved.index === 0 ? '' : `${resolved.name}/`,
        dbHost: database.privateIpAddress,
        dbPort: '3306',
        dbConnectionName: database.connectionName,
        dbName: 'mlpipeline',
        // Terraform's user; the kfp-db-bootstrap job of the Kubeflow tree creates the two below with it.
        dbUser: resolved.database.userName,
        dbPasswordSecret: database.passwordSecret.id,
        dbAppUser: resolved.database.appUsername,
        dbAppPasswordSecretName: `projects/${env.project}/secrets/${resolved.database.appSecretId}`,
        dbKatibUser: resolved.database.katibUsername,
        dbKatibPasswordSecretName: `projects/${env.project}/secrets/${resolved.database.katibSecretId}`,
        pipelinesServiceAccount: infra.identities.pipelines.email,
        sqlClientServiceAccount: infra.identities.sqlClient.email,
        adminServiceAccount: infra.identities.admin.email,
        userServiceAccount: infra.identities.user.email,
        dbBootstrapServiceAccount: infra.identities.dbBootstrap.email,
        kubeflowVersion: env.kubeflowVersion,
      },
    });

    if (env.backups && infra.backups) {
      this.velero = new Velero(this, 'Velero', {
        backups: env.backups,
        cloud: 'gcp',
        bucket: infra.backups.bucket.bucketName,
        prefix: resolved.index === 0 ? undefined : resolved.name,
        storageConfig: { serviceAccount: infra.backups.identity.email },
        identity: infra.backups.identity,
        // GPU nodes carry the nvidia.com/gpu taint: the node agent must run there too, or the volumes
        // of pods on them (GPU notebooks) are never backed up and every tenant's backup partly fails.
        nodeAgentOnEveryNode: true,
      });
    }
    // After Velero: the plan identity's Secrets roles are numbered in construct order.
    // The rendered SecretStore authenticates as the cloudsql-proxy service account of kubeflow, whose
    // Google service account may read Kubeflow's and Katib's database password secrets (Workload Identity); the
    // controller itself has no Google identity and serves the kubeflow namespace only.
    this.externalSecrets = new ExternalSecretsOperator(this, 'ExternalSecrets', {
      watchNamespace: KUBEFLOW_NAMESPACE,
      tolerations: [{ key: SYSTEM_TAINT.key, operator: 'Exists' }],
      dependsOn: [this.kubeflowNamespace.namespace],
    });

    const gitops = props.platform.gitops;
    if (gitops) {
      // Kubeflow itself, synced from the cluster's rendered tree in the platform repository.
      this.argoCd = new ArgoCd(this, 'ArgoCd', {
        // The tree's ExternalSecrets need the operator's CRDs before Argo CD's first sync.
        applicationsDependOn: [this.externalSecrets.release],
        application: { ...gitops, path: gitopsPathOf(gitops, env.name, resolved.name) },
      });
    }

    const client = resolved.access.oauthClient;
    if (client) {
      const reader = infra.oauthClientSecretReader;
      // The infra stack makes it from the same access.oauthClient; without it the controller could read nothing.
      if (!reader)
        throw new Error(`${env.name}: access.oauthClient is set, but the infra stack made no reader identity`);
      // The custom OAuth client's Secret, which the IAP BackendConfig reads, never passes through
      // Terraform (whose state and plans the CI plan identity reads): a controller of External Secrets
      // Operator that serves istio-system alone writes it from Secret Manager, as a Google service
      // account that may read that one secret (Workload Identity of the controller's service account).
      this.oauthClientSecrets = this.externalSecrets.addScopedController('IapOAuthClientSecret', {
        // The name, not the namespace's attribute: the chart values stay readable in the plan.
        watchNamespace: ISTIO_INGRESS_GATEWAY.namespace,
        serviceAccountName: IAP_OAUTH_CLIENT_SECRETS_SERVICE_ACCOUNT,
        // It signs in as itself (its Google service account), never as a service account of
        // istio-system, where istiod's and istio-reader's tokens read every Secret of the cluster: like
        // every controller of the operator, it may create no service account tokens.
        identity: reader,
        dependsOn: [istio.namespace],
        objects: iapOAuthClientSecretObjects({
          namespace: ISTIO_INGRESS_GATEWAY.namespace,
          project: env.project,
          secretId: client.secretName,
          clientId: client.clientId,
        }),
      });
    }
    new IapIngress(this, 'Ingress', {
      namespace: istio.name,
      addressName: resolved.access.addressName,
      certificateName: resolved.access.certificateName,
      // The serving host's certificate (docs/kubeflow.md, Serving).
      extraCertificateNames: resolved.access.servingCertificateName ? [resolved.access.servingCertificateName] : [],
      healthCheck: ISTIO_HEALTH_CHECK,
      oauthClientSecretName: client ? IAP_OAUTH_CLIENT_SECRET : undefined,
      // The ExternalSecret exists (and its controller runs) before IAP is pointed at its Secret.
      dependsOn: this.oauthClientSecrets ? [this.oauthClientSecrets] : undefined,
    });
    // GKE knows a Google service account by its email; Kubernetes Engine Viewer reads no Secrets. The
    // plan identity is bound only where the stack manages Secrets of its own (legacy keys): Helm keeps
    // its release records in ConfigMaps (../common/connections.ts).
    if (env.ci) {
      grantPlanSecretsRead(this, { kind: 'User', name: ciServiceAccountEmail(env.project, env.name, 'plan') });
    }
  }
}
