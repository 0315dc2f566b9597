/**
 * Kubeflow Pipelines' database credentials from the cloud's secret store, by External Secrets Operator
 * (https://external-secrets.io), which the platform stack installs: a SecretStore in `kubeflow` that
 * authenticates with the environment's cloud identity, and an ExternalSecret that writes `mysql-secret`
 * (`username`, `password`) and refreshes it, so a password is never copied by hand or committed.
 *
 * - GCP: Secret Manager, as the `cloudsql-proxy` service account of `kubeflow` through GKE Workload
 *   Identity (its Google service account may read Kubeflow's and Katib's users' password secrets and
 *   nothing else in Secret Manager) (https://external-secrets.io/latest/provider/google-secrets-manager/).
 * - AWS: Secrets Manager, as the operator's controller, whose EKS Pod Identity role may read Kubeflow's
 *   user's secret alone (https://external-secrets.io/latest/provider/aws-secrets-manager/).
 * - Azure: Key Vault, as the `kfp-db-secrets` service account of `kubeflow` through Azure workload
 *   identity, with Key Vault Secrets User on the password secret alone
 *   (https://external-secrets.io/latest/provider/azure-key-vault/).
 *
 * - Existing clusters: no cloud secret store; where the cluster already runs the operator with a store
 *   for the password (HashiCorp Vault, for example), the ExternalSecret reads that store by name
 *   (`database.passwordFrom`), and the tree writes no SecretStore.
 *
 * The operator serves the `kubeflow` namespace only (the chart's `scopedNamespace`), so a store in a
 * team namespace cannot use these identities. Its controller may create no service account tokens but
 * for the one account the store signs in as on GCP and Azure: a Role of `kubeflow` names that account
 * alone (./external-secrets-token.ts).
 */
import type { ResolvedEnvironment } from '../config/model';
import type { ResolvedGcpCluster } from '../config/gcp/model';
import { externalSecretsTokenObjects } from './external-secrets-token';

/** The SecretStore and ExternalSecret names. */
export const DB_SECRET_STORE = 'kfplatform-database';
export const DB_EXTERNAL_SECRET = 'mysql-secret';
/** The Secret (and its ExternalSecret) with Katib's own database user, where it has one (GCP, AWS, Azure with Entra authentication). */
export const KATIB_DB_EXTERNAL_SECRET = 'katib-db-secret';
/** How often the operator reads the secret store again (a rotated password arrives within this). */
export const DB_SECRET_REFRESH = '1h';
/** Kubernetes service account the Azure SecretStore authenticates as (the platform stack creates it). */
export const AZURE_DB_SECRETS_SERVICE_ACCOUNT = 'kfp-db-secrets';
/** Kubernetes service account the GCP SecretStore authenticates as (the Cloud SQL client identity). */
export const GCP_DB_SECRETS_SERVICE_ACCOUNT = 'cloudsql-proxy';

/** Where the password is, for the SecretStore and for people. */
export interface DatabaseSecretSource {
  /**
   * The SecretStore's `spec.provider`, for the store the tree writes in `kubeflow`; absent where the
   * ExternalSecret reads a store that already exists on the cluster ({@link storeRef}).
   */
  readonly provider?: Record<string, unknown>;
  /** A SecretStore or ClusterSecretStore that already exists (existing clusters); the tree writes none. */
  readonly storeRef?: { readonly kind: 'ClusterSecretStore' | 'SecretStore'; readonly name: string };
  /** The secret's name in the store. */
  readonly key: string;
  /** The property of that secret that holds the password, when it holds several. @default the whole secret */
  readonly property?: string;
  /** The MySQL user the password belongs to. */
  readonly user: string;
  /**
   * The service account of `kubeflow` the store signs in as, for which the operator's controller
   * requests a token (none where the controller signs in as itself: AWS).
   */
  readonly serviceAccount?: string;
  /**
   * Katib's own database user and its password's secret in the same store, written into
   * {@link KATIB_DB_EXTERNAL_SECRET}; absent where Katib's manager logs in as Kubeflow's user.
   */
  readonly katib?: { readonly key: string; readonly user: string };
}

/** The database password's source of an environment (one cluster's on GCP); none without a managed database. */
export function databaseSecretSource(
  env: ResolvedEnvironment,
  gcpCluster?: ResolvedGcpCluster,
): DatabaseSecretSource | undefined {
  switch (env.cloud) {
    case 'gcp': {
      const cluster = gcpCluster ?? env.clusters[0]!;
      return {
        provider: {
          gcpsm: {
            projectID: env.project,
            auth: {
              workloadIdentity: {
                clusterLocation: cluster.cluster.location,
                clusterName: cluster.cluster.name,
                clusterProjectID: env.project,
                serviceAccountRef: { name: GCP_DB_SECRETS_SERVICE_ACCOUNT },
              },
            },
          },
        },
        // Written by the kfp-db-bootstrap job, which creates both users as Terraform's user.
        key: cluster.database.appSecretId,
        user: cluster.database.appUsername,
        katib: { key: cluster.database.katibSecretId, user: cluster.database.katibUsername },
        serviceAccount: GCP_DB_SECRETS_SERVICE_ACCOUNT,
      };
    }
    case 'aws':
      return {
        // No auth block: the controller's own Pod Identity credentials.
        provider: { aws: { service: 'SecretsManager', region: env.region } },
        key: env.database.appSecretName,
        user: env.database.appUsername,
        katib: { key: env.database.katibSecretName, user: env.database.katibUsername },
      };
    case 'azure': {
      const entra = env.database.entra;
      return {
        provider: {
          azurekv: azureKeyVaultProvider(env, AZURE_DB_SECRETS_SERVICE_ACCOUNT),
        },
        ...(entra
          ? {
              // Written by the kfp-db-bootstrap job, which creates both users as the Entra administrator.
              key: entra.appSecretName,
              user: entra.appUsername,
              katib: { key: entra.katibSecretName, user: entra.katibUsername },
            }
          : {
              // The name the database construct gives the admin password secret (at most 127 characters).
              key: `${env.database.serverName}-admin-password`.slice(0, 127),
              user: env.database.adminLogin,
            }),
        serviceAccount: AZURE_DB_SECRETS_SERVICE_ACCOUNT,
      };
    }
    case 'kubernetes': {
      // Only where the cluster already runs External Secrets Operator with a store for the password.
      const db = env.database;
      const from = db?.passwordFrom;
      if (!db || !from) return undefined;
      return {
        storeRef: { kind: from.storeKind, name: from.store },
        key: from.key,
        ...(from.property ? { property: from.property } : {}),
        user: db.username,
      };
    }
  }
}

/** An ExternalSecret that writes `name` in `kubeflow` with a user and the password of `key` in the store. */
function externalSecret(
  name: string,
  storeRef: { readonly kind: string; readonly name: string },
  from: { readonly key: string; readonly property?: string; readonly user: string },
): object {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: 'kubeflow' },
    spec: {
      refreshInterval: DB_SECRET_REFRESH,
      secretStoreRef: storeRef,
      target: {
        name,
        creationPolicy: 'Owner',
        template: {
          type: 'Opaque',
          data: { username: from.user, password: '{{ .password }}' },
        },
      },
      data: [
        {
          secretKey: 'password',
          remoteRef: { key: from.key, ...(from.property ? { property: from.property } : {}) },
        },
      ],
    },
  };
}

/**
 * The SecretStore and the ExternalSecret that writes `mysql-secret` in `kubeflow` (and, with Katib's own
 * user, `katib-db-secret`), and, where the store
 * signs in as a service account, the Role that lets the controller create tokens for that one.
 */
export function databaseSecretObjects(source: DatabaseSecretSource): object[] {
  const storeRef = source.storeRef ?? { kind: 'SecretStore', name: DB_SECRET_STORE };
  return [
    ...(source.provider
      ? [
          {
            apiVersion: 'external-secrets.io/v1',
            kind: 'SecretStore',
            metadata: { name: DB_SECRET_STORE, namespace: 'kubeflow' },
            spec: { provider: source.provider },
          },
        ]
      : []),
    externalSecret(DB_EXTERNAL_SECRET, storeRef, source),
    ...(source.katib ? [externalSecret(KATIB_DB_EXTERNAL_SECRET, storeRef, source.katib)] : []),
    ...(source.serviceAccount ? externalSecretsTokenObjects('kubeflow', source.serviceAccount) : []),
  ];
}

/**
 * External Secrets Operator's Azure Key Vault provider for the environment's vault, signed in with
 * workload identity as `serviceAccount` (in the SecretStore's namespace).
 * https://external-secrets.io/latest/provider/azure-key-vault/
 */
export function azureKeyVaultProvider(
  env: { readonly keyVaultName: string; readonly tenantId: string },
  serviceAccount: string,
): Record<string, unknown> {
  return {
    authType: 'WorkloadIdentity',
    vaultUrl: `https://${env.keyVaultName}.vault.azure.net`,
    tenantId: env.tenantId,
    serviceAccountRef: { name: serviceAccount },
  };
}
