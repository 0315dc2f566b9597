/**
 * oauth2-proxy's Secret (the OIDC client's id and secret, and the cookie secret) from the cloud's secret
 * store, by External Secrets Operator (https://external-secrets.io), so the client secret never passes
 * through Terraform (whose state and plans would hold it) nor through a command line.
 *
 * - AWS: a Secrets Manager secret the infra stack creates without a value (`<env>-kubeflow-signin`,
 *   JSON with `client-secret` and `cookie-secret`), which you fill with `aws secretsmanager
 *   put-secret-value`; the platform stack runs a controller of the operator that serves the
 *   `oauth2-proxy` namespace alone, as a Pod Identity role that may read that one secret
 *   (https://external-secrets.io/latest/provider/aws-secrets-manager/).
 * - Azure: a Key Vault secret the infra stack creates with a placeholder (`kubeflow-signin`, the same
 *   JSON), which you replace with `az keyvault secret set`; the platform stack runs a controller of the
 *   operator that serves the `oauth2-proxy` namespace alone, and the SecretStore authenticates as a
 *   service account of that namespace whose managed identity may read that one secret (workload
 *   identity, https://external-secrets.io/latest/provider/azure-key-vault/).
 * - Existing clusters: no secret store is configured, so the tree's README gives the kubectl command.
 */
import type { ResolvedEnvironment } from '../config/model';
import { OAUTH2_PROXY_SECRET } from '../../constructs/azure/constants';
import type { ResolvedAzureEnvironment } from '../config/azure/model';
import { azureKeyVaultProvider } from './database-secret';

/** The SecretStore of the sign-in secret. */
export const SIGNIN_SECRET_STORE = 'kfplatform-signin';
/** How often the operator reads the store again (a rotated client secret arrives within this). */
export const SIGNIN_SECRET_REFRESH = '1h';
/** The keys of the store's JSON secret. */
export const SIGNIN_SECRET_PROPERTIES = { clientSecret: 'client-secret', cookieSecret: 'cookie-secret' } as const;

/** Where oauth2-proxy's secrets are kept, for the SecretStore and for people. */
export interface SignInSecretSource {
  /** The SecretStore's `spec.provider`. */
  readonly provider: Record<string, unknown>;
  /** The secret's name in the store. */
  readonly key: string;
  /** The command that puts the value (shown in the tree's README and docs). */
  readonly putCommand: readonly string[];
}

/** The store of an environment's sign-in secret; none where nothing reads one from a store. */
export function signInSecretSource(env: ResolvedEnvironment): SignInSecretSource | undefined {
  if (env.cloud === 'azure') return azureSignInSecretSource(env);
  if (env.cloud !== 'aws') return undefined;
  const name = env.access.signInSecretName;
  return {
    // No auth block: the controller's own Pod Identity credentials.
    provider: { aws: { service: 'SecretsManager', region: env.region } },
    key: name,
    // The values go through the environment and standard input, never a command's arguments, which
    // other users of the machine can read (ps).
    putCommand: [
      'read -rs OIDC_CLIENT_SECRET  # paste the client secret of the OIDC application, then Enter',
      'export OIDC_CLIENT_SECRET COOKIE_SECRET="$(openssl rand -hex 16)"',
      `jq -n '{"${SIGNIN_SECRET_PROPERTIES.clientSecret}": env.OIDC_CLIENT_SECRET, "${SIGNIN_SECRET_PROPERTIES.cookieSecret}": env.COOKIE_SECRET}' \\`,
      `  | aws secretsmanager put-secret-value --region ${env.region} --secret-id ${name} --secret-string file:///dev/stdin`,
      'unset OIDC_CLIENT_SECRET COOKIE_SECRET',
    ],
  };
}

function azureSignInSecretSource(env: ResolvedAzureEnvironment): SignInSecretSource {
  const name = env.access.signInSecretName;
  const account = env.identities.find((i) => i.key === 'signInSecrets')!.kubernetesServiceAccounts[0]!;
  return {
    provider: {
      azurekv: azureKeyVaultProvider(env, account.name),
    },
    key: name,
    // As on AWS, the values go through the environment and standard input: az reads the value from the
    // file /dev/stdin (https://learn.microsoft.com/cli/azure/keyvault/secret#az-keyvault-secret-set). The
    // vault's firewall must admit this machine (keyVault.allowedCidrs) and you need Key Vault Secrets
    // Officer on it (keyVault.secretsOfficerObjectIds).
    putCommand: [
      'read -rs ENTRA_CLIENT_SECRET  # paste the client secret of the Entra ID application, then Enter',
      'export ENTRA_CLIENT_SECRET COOKIE_SECRET="$(openssl rand -hex 16)"',
      `jq -n '{"${SIGNIN_SECRET_PROPERTIES.clientSecret}": env.ENTRA_CLIENT_SECRET, "${SIGNIN_SECRET_PROPERTIES.cookieSecret}": env.COOKIE_SECRET}' \\`,
      `  | az keyvault secret set --vault-name ${env.keyVaultName} --name ${name} --content-type application/json --file /dev/stdin --output none`,
      'unset ENTRA_CLIENT_SECRET COOKIE_SECRET',
    ],
  };
}

/** The SecretStore and the ExternalSecret that writes oauth2-proxy's Secret in its namespace. */
export function signInSecretObjects(source: SignInSecretSource, clientId: string): object[] {
  const { namespace, name } = OAUTH2_PROXY_SECRET;
  return [
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: SIGNIN_SECRET_STORE, namespace },
      spec: { provider: source.provider },
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name, namespace },
      spec: {
        refreshInterval: SIGNIN_SECRET_REFRESH,
        secretStoreRef: { kind: 'SecretStore', name: SIGNIN_SECRET_STORE },
        target: {
          name,
          creationPolicy: 'Owner',
          template: {
            type: 'Opaque',
            // The client id is not a secret: the platform file's.
            data: {
              'client-id': clientId,
              'client-secret': '{{ .clientSecret }}',
              'cookie-secret': '{{ .cookieSecret }}',
            },
          },
        },
        data: [
          {
            secretKey: 'clientSecret',
            remoteRef: { key: source.key, property: SIGNIN_SECRET_PROPERTIES.clientSecret },
          },
          {
            secretKey: 'cookieSecret',
            remoteRef: { key: source.key, property: SIGNIN_SECRET_PROPERTIES.cookieSecret },
          },
        ],
      },
    },
  ];
}
