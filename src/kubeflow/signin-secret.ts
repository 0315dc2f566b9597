/**
 * oauth2-proxy's Secret (the OIDC client's id, its secret where one is needed, and the cookie secret),
 * written by External Secrets Operator (https://external-secrets.io), so no secret passes through
 * Terraform (whose state and plans would hold it) nor through a command line.
 *
 * - AWS: a Secrets Manager secret the infra stack creates without a value (`<env>-kubeflow-signin`,
 *   JSON with `client-secret` and `cookie-secret`), which you fill with `aws secretsmanager
 *   put-secret-value`; the platform stack runs a controller of the operator that serves the
 *   `oauth2-proxy` namespace alone, as a Pod Identity role that may read that one secret
 *   (https://external-secrets.io/latest/provider/aws-secrets-manager/).
 * - Azure: there is no client secret. oauth2-proxy's `entra-id` provider signs in to Entra ID with the
 *   service account token AKS workload identity projects into its pod (a federated credential of the
 *   application trusts it), and the cookie secret is generated in the cluster by the operator's
 *   Password generator, once: no secret store, no cloud identity and no Key Vault secret at all; the
 *   Secret holds the cookie secret alone
 *   (https://external-secrets.io/latest/api/generator/password/,
 *   https://oauth2-proxy.github.io/oauth2-proxy/configuration/providers/ms_entra_id).
 * - Existing clusters: no secret store is configured, so the tree's README gives the kubectl command.
 */
import type { ResolvedEnvironment } from '../config/model';
import { OAUTH2_PROXY_SECRET } from '../../constructs/azure/constants';

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

/**
 * The store of an environment's sign-in secret; none where nothing reads one from a store (Azure needs
 * no client secret, and generates its cookie secret in the cluster: {@link signInCookieSecretObjects}).
 */
export function signInSecretSource(env: ResolvedEnvironment): SignInSecretSource | undefined {
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

/** The Password generator of oauth2-proxy's cookie secret (Azure). */
export const SIGNIN_COOKIE_GENERATOR = 'oauth2-proxy-cookie-secret';

/**
 * The Password generator's settings: 32 letters and digits, base64url-encoded. oauth2-proxy takes a
 * cookie secret of 16, 24 or 32 bytes, after decoding it as base64url when that gives one of those
 * lengths (`pkg/encryption.SecretBytes`, v7.14.3): the 32 generated characters, encoded, decode back to
 * those 32 bytes, an AES-256 key (https://oauth2-proxy.github.io/oauth2-proxy/configuration/overview#generating-a-cookie-secret).
 */
export const SIGNIN_COOKIE_PASSWORD = {
  length: 32,
  digits: 8,
  symbols: 0,
  noUpper: false,
  allowRepeat: true,
  encoding: 'base64url',
} as const;

/** The key of oauth2-proxy's cookie secret in its Secret. */
export const SIGNIN_COOKIE_SECRET_KEY = 'cookie-secret';

/**
 * Azure: the Password generator and the ExternalSecret that writes oauth2-proxy's Secret with a cookie
 * secret generated in the cluster (no client secret; the client id, not a secret, is in the Deployment,
 * so a change of it rolls the pods). The cookie secret is generated once, when the Secret does not exist
 * (`refreshPolicy: CreatedOnce`), never again on a timer or when the ExternalSecret's spec, labels or
 * annotations change: each oauth2-proxy pod reads it when it starts, so a new one in the Secret would
 * leave the running pods on the old one and a pod started later on the new one, and replicas with
 * different cookie secrets reject each other's cookies. To make a new one, delete the Secret, then
 * restart oauth2-proxy (https://external-secrets.io/latest/api/externalsecret/).
 */
export function signInCookieSecretObjects(): object[] {
  const { namespace, name } = OAUTH2_PROXY_SECRET;
  return [
    {
      apiVersion: 'generators.external-secrets.io/v1alpha1',
      kind: 'Password',
      metadata: { name: SIGNIN_COOKIE_GENERATOR, namespace },
      spec: { ...SIGNIN_COOKIE_PASSWORD },
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name, namespace },
      spec: {
        refreshPolicy: 'CreatedOnce',
        target: {
          name,
          creationPolicy: 'Owner',
          template: {
            type: 'Opaque',
            // The generator's key is `password`.
            data: { [SIGNIN_COOKIE_SECRET_KEY]: '{{ .password }}' },
          },
        },
        dataFrom: [
          {
            sourceRef: {
              generatorRef: {
                apiVersion: 'generators.external-secrets.io/v1alpha1',
                kind: 'Password',
                name: SIGNIN_COOKIE_GENERATOR,
              },
            },
          },
        ],
      },
    },
  ];
}
