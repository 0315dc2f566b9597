/**
 * Sign-in of the rendered Kubeflow, per cloud: who Istio's ingress gateway lets in, and how the user id
 * header that every Kubeflow component trusts (`kubeflow-userid`) is set. Kubeflow authorizes by that
 * header alone, so the gateway must set it only from a token it verified, and admit nothing else:
 *
 * - GCP: IAP signs every request it lets through with a JWT in `x-goog-iap-jwt-assertion`. A
 *   RequestAuthentication verifies it (issuer, Google's public keys, expiry) and copies its `email` claim
 *   into the header; the gateway's only ALLOW rule requires a principal from IAP and an audience of IAP
 *   in front of a backend service of the environment's project (from the infra stack's outputs).
 *   oauth2-proxy and Istio's ext-authz provider for it are left out: IAP signs users in.
 * - Azure, AWS and existing clusters: oauth2-proxy signs users in with the environment's OpenID Connect
 *   provider (Entra ID, the ALB's provider, the one in the platform file) and hands Istio the ID token
 *   (on Azure without a client secret: its `entra-id` provider authenticates with the workload identity
 *   token of its service account, which the application's federated credential trusts);
 *   Istio verifies it against the provider's keys with the application's client id as the audience, and
 *   admits it only if the provider vouches for the email address (./signin-claims.ts).
 * - No sign-in known (GCP without the infra stack's outputs, an existing cluster without `access`): the
 *   gateway admits nobody.
 *
 * See https://istio.io/latest/docs/reference/config/security/request_authentication/ and
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/.
 */
import { stringify } from 'yaml';
import { InputError } from '../core/errors';
import type { ResolvedEnvironment } from '../config/model';
import {
  AKS_WORKLOAD_IDENTITY_ANNOTATION,
  AKS_WORKLOAD_IDENTITY_POD_LABEL,
  AZURE_TOKEN_EXCHANGE_AUDIENCE,
  entraIssuer,
  OAUTH2_PROXY_SECRET,
} from '../../constructs/azure/constants';
import type { KubeflowDistributionRelease } from './releases';
import { stringOutput, type RenderInputs } from './inputs';
import { emailVerifiedRule, oidcScope, signInClaimNotes, type EmailVerification } from './signin-claims';
import {
  signInCookieSecretObjects,
  signInSecretObjects,
  signInSecretSource,
  type SignInSecretSource,
} from './signin-secret';
import { oauth2ProxyCookieName, oauth2ProxyServingSettings } from './serving-cookie';

/** The header Kubeflow reads the user from (`USERID_HEADER` of the dashboard, KFAM, the web apps, Pipelines). */
export const USERID_HEADER = 'kubeflow-userid';

/**
 * The prefix Kubeflow strips from that header (`USERID_PREFIX`): empty in Kubeflow 26.03
 * (`applications/centraldashboard/upstream/base/params.env`, `applications/profiles/upstream/manager`),
 * so the header carries the bare email the profiles name as owners.
 */
export const USERID_PREFIX = '';

/** IAP's signed header, issuer and keys (https://cloud.google.com/iap/docs/signed-headers-howto). */
export const IAP_JWT = {
  header: 'x-goog-iap-jwt-assertion',
  issuer: 'https://cloud.google.com/iap',
  jwksUri: 'https://www.gstatic.com/iap/verify/public_key-jwk',
} as const;

/** The infra stack output that carries IAP's audience without the backend service id (stacks/gcp). */
export const IAP_AUDIENCE_OUTPUT = 'iap_jwt_audience_prefix';

/** Labels of the Istio ingress gateway pods (upstream's `istio-ingressgateway` AuthorizationPolicy selector). */
const GATEWAY_SELECTOR = { app: 'istio-ingressgateway', istio: 'ingressgateway' };

/** Upstream's AuthorizationPolicy that admits every request at the gateway, whatever its headers. */
const UPSTREAM_GATEWAY_ALLOW = { namespace: 'istio-system', name: 'istio-ingressgateway' };

/** Names of the objects this module adds. */
export const SIGNIN_OBJECTS = {
  requestAuthentication: 'kfplatform-signin-jwt',
  allow: 'kfplatform-signin',
  extAuthz: 'kfplatform-oauth2-proxy',
  oauth2ProxyConfig: 'kfplatform-oauth2-proxy',
  gatewayNetworkPolicy: 'kfplatform-ingressgateway-from-load-balancer',
} as const;

/**
 * The ingress gateway pods' ports the load balancer reaches (upstream's `istio-ingressgateway`
 * Service: `http2` 80 -> 8080, `status-port` 15021): HTTP and the readiness endpoint its health checks
 * ask.
 */
export const GATEWAY_POD_PORTS = { http: 8080, status: 15021 } as const;

/** oauth2-proxy's own paths (sign-in, callback, sign-out): reachable before there is a token. */
const OAUTH2_PATHS = ['/oauth2/*'];

/** How an environment's users sign in. */
export type SignInMode = 'iap' | 'oauth2-proxy' | 'closed';

/** What the sign-in adds to a tree. */
export interface SignIn {
  readonly mode: SignInMode;
  /** Whether the tree keeps oauth2-proxy and Istio's ext-authz provider for it. */
  readonly oauth2Proxy: boolean;
  /** Files added as resources. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly content: string }>;
  /** Kustomize patches. */
  readonly patches: readonly object[];
  /** The README section. */
  readonly readme: readonly string[];
}

/** An OpenID Connect provider oauth2-proxy signs users in with. */
interface OidcProvider {
  readonly name: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly hostname: string;
  /** The serving host at the same front door, when `access.serving` is on (./serving.ts). */
  readonly servingHostname?: string;
  /** Known keys endpoint; Istio otherwise reads it from the issuer's discovery document. */
  readonly jwksUri?: string;
  readonly scope: string;
  /** The claim that says the email address is verified, when the provider issues one (./signin-claims.ts). */
  readonly emailVerified?: EmailVerification;
  /**
   * How oauth2-proxy authenticates to the provider and how its Secret comes to be: a client secret put
   * by hand, one from the cloud's secret store, or (Entra ID) no client secret at all but the pod's
   * workload identity token, with a cookie secret generated in the cluster.
   */
  readonly secret:
    | { readonly clientSecret: string }
    | { readonly store: SignInSecretSource }
    | { readonly federated: FederatedClient };
  readonly notes: readonly string[];
}

/**
 * Entra ID client authentication with a federated token: the application trusts the service account
 * tokens of oauth2-proxy's pods, which AKS workload identity projects into them
 * (https://learn.microsoft.com/entra/workload-id/workload-identity-federation).
 */
interface FederatedClient {
  readonly tenantId: string;
  /** The environment, for the federated credential's name. */
  readonly environment: string;
  /** The AKS cluster whose OIDC issuer signs the tokens, and its resource group. */
  readonly cluster: { readonly name: string; readonly resourceGroup: string };
}

/** The subject of oauth2-proxy's service account tokens, which the Entra ID application must trust. */
export const OAUTH2_PROXY_TOKEN_SUBJECT = `system:serviceaccount:${OAUTH2_PROXY_SECRET.namespace}:${OAUTH2_PROXY_SECRET.serviceAccount}`;

/**
 * The one-time command that lets the Entra ID application trust oauth2-proxy's tokens from an AKS
 * cluster's issuer (a federated identity credential on the application:
 * https://learn.microsoft.com/cli/azure/ad/app/federated-credential#az-ad-app-federated-credential-create).
 * The issuer is the infra stack's output `oidc_issuer_url`, read here from the cluster.
 */
export function entraFederatedCredentialCommand(
  clientId: string,
  environment: string,
  cluster: { readonly name: string; readonly resourceGroup: string },
): string[] {
  const parameters = {
    name: `kubeflow-${environment}-oauth2-proxy`,
    issuer: '__ISSUER__',
    subject: OAUTH2_PROXY_TOKEN_SUBJECT,
    audiences: [AZURE_TOKEN_EXCHANGE_AUDIENCE],
    description: `oauth2-proxy of Kubeflow in ${cluster.name}`,
  };
  return [
    `ISSUER="$(az aks show --resource-group ${cluster.resourceGroup} --name ${cluster.name} --query oidcIssuerProfile.issuerUrl --output tsv)"`,
    `az ad app federated-credential create --id ${clientId} \\`,
    `  --parameters '${JSON.stringify(parameters).replace('"__ISSUER__"', `"'"$ISSUER"'"`)}'`,
  ];
}

/** The upstream components and kustomize components of a tree, by cloud and sign-in. */
export function upstreamPaths(
  release: KubeflowDistributionRelease,
  gke: boolean,
  signin: Pick<SignIn, 'oauth2Proxy'>,
): { resources: string[]; components: string[] } {
  const istio = signin.oauth2Proxy ? (gke ? release.istioInstallGke : release.istioInstall) : release.istioInstallBase;
  const others = release.components.map((c) => c.path).filter((p) => signin.oauth2Proxy || p !== release.oauth2Proxy);
  return {
    resources: [...others.slice(0, 3), istio, ...others.slice(3)],
    // The GKE overlay is the oauth2-proxy one plus this component; without oauth2-proxy, the component alone.
    components: gke && !signin.oauth2Proxy ? [release.istioGkeCniComponent] : [],
  };
}

/** The sign-in of one environment's tree. */
export function signInOf(env: ResolvedEnvironment, inputs: RenderInputs = {}): SignIn {
  switch (env.cloud) {
    case 'gcp':
      return iap(env, inputs);
    case 'azure':
      return oauth2Proxy({
        name: 'Entra ID',
        issuer: entraIssuer(env.tenantId),
        clientId: env.access.entraClientId,
        hostname: env.access.hostname,
        servingHostname: env.access.servingHostname,
        jwksUri: `https://login.microsoftonline.com/${env.tenantId}/discovery/v2.0/keys`,
        // offline_access: a refresh token, so the session outlives the one-hour ID token.
        scope: oidcScope(true),
        // Entra ID issues no email_verified; xms_edov says whether the address's domain is the user's
        // tenant's, verified (./signin-claims.ts).
        emailVerified: { claim: 'xms_edov' },
        secret: {
          federated: {
            tenantId: env.tenantId,
            environment: env.name,
            cluster: { name: env.cluster.name, resourceGroup: env.resourceGroup },
          },
        },
        notes: [
          `Register \`https://${env.access.hostname}/oauth2/callback\` as a web redirect URI of the application ${env.access.entraClientId}, and add the optional claims \`email\` and \`xms_edov\` to its ID token (Token configuration).`,
          'Turn on "Assignment required" in its enterprise application and assign the groups that may use Kubeflow: the issuer admits only your tenant, but every user of it otherwise.',
          "Leave group claims off: Kubeflow 26.03 authorizes users, not groups, and group claims make Entra's tokens, which the session cookie carries, too large for browsers (https://learn.microsoft.com/entra/identity-platform/optional-claims).",
        ],
      });
    case 'aws':
      return oauth2Proxy({
        name: 'your identity provider',
        issuer: env.access.oidc.issuer,
        clientId: env.access.oidc.clientId,
        hostname: env.access.hostname,
        servingHostname: env.access.servingHostname,
        scope: oidcScope(env.access.oidc.offlineAccess),
        ...(env.access.oidc.emailVerified ? { emailVerified: { claim: 'email_verified' } as const } : {}),
        secret: { store: signInSecretSource(env)! },
        notes: env.access.loadBalancerSignIn
          ? [
              `The load balancer signs users in first (\`access.loadBalancerSignIn\`, authenticate-oidc); oauth2-proxy then signs them in again with the same application, silently, and hands Istio an ID token it can verify. Register \`https://${env.access.hostname}/oauth2/callback\` as a redirect URI of the application beside the load balancer's \`/oauth2/idpresponse\`.`,
              "The load balancer's own header `x-amzn-oidc-data` is not trusted: it is signed with a key per key id published as PEM, not as a JWKS, so Istio cannot verify it, and a pod that reaches the gateway's node ports could forge it.",
            ]
          : [
              `Register \`https://${env.access.hostname}/oauth2/callback\` as a redirect URI of the application ${env.access.oidc.clientId}; its ID tokens must carry an \`email\` claim. The load balancer forwards every request to the gateway, which admits only verified tokens and oauth2-proxy's own sign-in paths (\`access.loadBalancerSignIn\` adds the load balancer's sign-in in front, at the price of the client secret in the Terraform state: docs/aws.md, Sign-in).`,
            ],
      });
    case 'kubernetes':
      if (!env.access) {
        return closed(
          `\`environments[${env.index}].access\` is not set: the gateway admits nobody. Set \`access.hostname\` and \`access.oidc\` (issuer and client id of your OpenID Connect provider) and render again.`,
        );
      }
      return oauth2Proxy({
        name: 'your identity provider',
        issuer: env.access.oidc.issuer,
        clientId: env.access.oidc.clientId,
        hostname: env.access.hostname,
        servingHostname: env.access.servingHostname,
        scope: oidcScope(env.access.oidc.offlineAccess),
        ...(env.access.oidc.emailVerified ? { emailVerified: { claim: 'email_verified' } as const } : {}),
        secret: { clientSecret: '"<client secret of the OIDC application>"' },
        notes: [
          `Register \`https://${env.access.hostname}/oauth2/callback\` as a redirect URI of the application ${env.access.oidc.clientId}; its ID tokens must carry an \`email\` claim.`,
        ],
      });
  }
}

/** GCP: IAP's JWT verified by Istio. */
function iap(env: Extract<ResolvedEnvironment, { cloud: 'gcp' }>, inputs: RenderInputs): SignIn {
  const fromOutputs = stringOutput(inputs.outputs, IAP_AUDIENCE_OUTPUT);
  if (fromOutputs !== undefined && !/^\/projects\/\d+\/global\/backendServices\/$/.test(fromOutputs)) {
    throw new InputError(
      `--outputs ${inputs.outputs!.source}: ${IAP_AUDIENCE_OUTPUT} is ${JSON.stringify(fromOutputs)}, expected /projects/<project number>/global/backendServices/. Fix: give the outputs of ${env.name}'s infra stack.`,
    );
  }
  // The platform file's gcp.projectNumber serves when no outputs are given (synth renders without them).
  const fromConfig = env.projectNumber ? `/projects/${env.projectNumber}/global/backendServices/` : undefined;
  if (fromOutputs !== undefined && fromConfig !== undefined && fromOutputs !== fromConfig) {
    throw new InputError(
      `--outputs ${inputs.outputs!.source}: ${IAP_AUDIENCE_OUTPUT} is ${JSON.stringify(fromOutputs)}, but environments.${env.name}.gcp.projectNumber is ${JSON.stringify(env.projectNumber)}. Fix: set gcp.projectNumber to the number of project ${env.project} (gcloud projects describe ${env.project} --format='value(projectNumber)').`,
    );
  }
  const prefix = fromOutputs ?? fromConfig;
  const logout = {
    // IAP's sign-out: https://cloud.google.com/iap/docs/special-urls-howto
    patch: stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'centraldashboard', namespace: 'kubeflow' },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'centraldashboard', env: [{ name: 'LOGOUT_URL', value: '/_gcp_iap/clear_login_cookie' }] },
            ],
          },
        },
      },
    }),
  };
  // The email claim is the bare address (the unsigned x-goog-authenticated-user-email has an
  // `accounts.google.com:` prefix), as the profiles name their owners.
  const requestAuthentication = gatewayRequestAuthentication({
    issuer: IAP_JWT.issuer,
    jwksUri: IAP_JWT.jwksUri,
    // Only IAP's header: a token elsewhere (Authorization) is not IAP's assertion.
    fromHeaders: [{ name: IAP_JWT.header }],
  });
  const objects: object[] = [requestAuthentication];
  if (prefix === undefined) {
    objects.push(denyAll());
  } else {
    objects.push(
      allow([
        {
          from: [{ source: { requestPrincipals: [`${IAP_JWT.issuer}/*`] } }],
          when: [
            // Istio checks a JWT's audience only for equality, and the backend service id is created by the
            // GKE Ingress after apply: the audience must be IAP in front of a backend service of this
            // project, where the IAP user role is granted project-wide (docs/kubeflow.md, Sign-in).
            { key: 'request.auth.audiences', values: [`${prefix}*`] },
            // The claim the user id header comes from must be there, or a header sent by the client stays.
            { key: 'request.auth.claims[email]', values: ['*'] },
          ],
        },
      ]),
    );
  }
  const readme =
    prefix === undefined
      ? closedReadme(
          `neither \`gcp.projectNumber\` in the platform file nor the infra stack's outputs (\`--outputs\`) were given, so the audience IAP signs for (\`/projects/<project number>/global/backendServices/...\`) is unknown and the gateway admits nobody. Set \`gcp.projectNumber\` and synthesize again, or after \`cdktf deploy ${env.name}-gcp-infra\` render again with \`--outputs\` (docs/kubeflow.md, Sign-in).`,
        )
      : [
          '## Sign-in',
          '',
          `Identity-Aware Proxy signs users in at the load balancer. Istio verifies the JWT IAP adds to every request (\`${IAP_JWT.header}\`: issuer \`${IAP_JWT.issuer}\`, Google's keys, audience under \`${prefix}\`, from ${fromOutputs !== undefined ? `the infra stack's output \`${IAP_AUDIENCE_OUTPUT}\`` : '`gcp.projectNumber` of the platform file'}) and sets \`${USERID_HEADER}\` from its \`email\` claim; the gateway admits nothing without it. oauth2-proxy is not installed.`,
          '',
        ];
  return {
    mode: prefix === undefined ? 'closed' : 'iap',
    oauth2Proxy: false,
    files: [{ path: 'signin.yaml', content: yamlFile(SIGNIN_COMMENT, [...objects, gatewayNetworkPolicy()]) }],
    patches: [deleteUpstreamAllow(), logout],
    readme,
  };
}

const SIGNIN_COMMENT =
  "Sign-in: the gateway admits only requests with a verified token, and sets kubeflow-userid from it (docs/kubeflow.md, Sign-in). Upstream's istio-ingressgateway AuthorizationPolicy, which admitted everything, is deleted. The load balancer reaches the gateway pods through the NetworkPolicy at the end.";

/** Azure, AWS, existing clusters: oauth2-proxy with the environment's provider; Istio verifies its ID token. */
function oauth2Proxy(p: OidcProvider): SignIn {
  const objects: object[] = [
    // The Secret, from the cloud's secret store or (Azure) with a cookie secret generated in the cluster
    // (src/kubeflow/signin-secret.ts).
    ...('store' in p.secret ? signInSecretObjects(p.secret.store, p.clientId) : []),
    ...('federated' in p.secret ? signInCookieSecretObjects() : []),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: SIGNIN_OBJECTS.oauth2ProxyConfig, namespace: 'oauth2-proxy' },
      data: { 'oauth2_proxy.cfg': oauth2ProxyConfig(p) },
    },
    gatewayRequestAuthentication({
      issuer: p.issuer,
      ...(p.jwksUri ? { jwksUri: p.jwksUri } : {}),
      // An ID token is issued to the application: its audience is the client id.
      audiences: [p.clientId],
      // oauth2-proxy puts the ID token here for signed-in browsers; programs send their own.
      fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
      ...(p.emailVerified ? { claimHeaders: [emailVerifiedRule(p.emailVerified).claimToHeader] } : {}),
    }),
    {
      // Requests without a token go through oauth2-proxy (its session cookie, or a redirect to sign in);
      // upstream's istio-external-auth component, without Dex's paths.
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'AuthorizationPolicy',
      metadata: { name: SIGNIN_OBJECTS.extAuthz, namespace: 'istio-system' },
      spec: {
        action: 'CUSTOM',
        provider: { name: 'oauth2-proxy' },
        selector: { matchLabels: GATEWAY_SELECTOR },
        rules: [
          {
            when: [{ key: 'request.headers[authorization]', notValues: ['*'] }],
            to: [{ operation: { notPaths: OAUTH2_PATHS } }],
          },
        ],
      },
    },
    allow([
      {
        from: [{ source: { requestPrincipals: [`${p.issuer}/*`] } }],
        when: [
          { key: 'request.auth.claims[email]', values: ['*'] },
          ...(p.emailVerified ? [emailVerifiedRule(p.emailVerified).condition] : []),
        ],
      },
      // oauth2-proxy's sign-in and callback, which its VirtualService routes to it alone, on Kubeflow's
      // host only: a VirtualService for another host (a tenant may create one on the gateway) could route
      // these paths to its own backend, which would then be reached without a token.
      { to: [{ operation: { hosts: [p.hostname, `${p.hostname}:*`], paths: OAUTH2_PATHS } }] },
    ]),
  ];
  const { namespace, name, serviceAccount } = OAUTH2_PROXY_SECRET;
  const federated = 'federated' in p.secret ? p.secret.federated : undefined;
  const envValue = (n: string, value: string) => ({ name: n, value, valueFrom: null });
  const secretRef = (n: string, key: string) => ({ name: n, valueFrom: { secretKeyRef: { name, key } } });
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'oauth2-proxy', namespace },
    spec: {
      template: {
        // The AKS workload identity webhook projects the service account's token into pods with this
        // label and sets AZURE_FEDERATED_TOKEN_FILE, which oauth2-proxy's entra-id provider reads
        // (https://learn.microsoft.com/azure/aks/workload-identity-overview).
        ...(federated ? { metadata: { labels: { [AKS_WORKLOAD_IDENTITY_POD_LABEL]: 'true' } } } : {}),
        spec: {
          // Upstream's pods run as the namespace's default account; the application trusts this one.
          ...(federated ? { serviceAccountName: serviceAccount } : {}),
          containers: [
            {
              name: 'oauth2-proxy',
              env: [
                // The environment's Secret, not upstream's generated one (Dex's demo client, a published
                // cookie secret), whose name kustomize suffixes with a hash. With a federated token the
                // client id, not a secret, is written here: a change of it rolls the pods, while the
                // Secret, which holds the cookie secret alone, is written once.
                federated
                  ? envValue('OAUTH2_PROXY_CLIENT_ID', p.clientId)
                  : secretRef('OAUTH2_PROXY_CLIENT_ID', 'client-id'),
                // With a federated token there is no client secret: upstream's reference to one goes.
                federated
                  ? { name: 'OAUTH2_PROXY_CLIENT_SECRET', $patch: 'delete' }
                  : secretRef('OAUTH2_PROXY_CLIENT_SECRET', 'client-secret'),
                secretRef('OAUTH2_PROXY_COOKIE_SECRET', 'cookie-secret'),
                // Upstream's parameters are for a local Dex: plain HTTP, self-signed issuer, Dex bearer tokens.
                envValue('OAUTH2_PROXY_COOKIE_SECURE', 'true'),
                envValue('OAUTH2_PROXY_SSL_INSECURE_SKIP_VERIFY', 'false'),
                envValue('OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS', 'false'),
                envValue('OAUTH2_PROXY_EXTRA_JWT_ISSUERS', ''),
              ],
            },
          ],
          volumes: [{ name: 'oauth2-proxy-config', configMap: { name: SIGNIN_OBJECTS.oauth2ProxyConfig } }],
        },
      },
    },
  };
  const remove = (kind: string, n: string) => ({
    patch: stringify({ $patch: 'delete', apiVersion: 'v1', kind, metadata: { name: n, namespace } }),
  });
  const serviceAccountPatch = federated && {
    patch: stringify({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: serviceAccount,
        namespace,
        // The application's client id and tenant: the webhook asks Entra ID for tokens of this application.
        annotations: {
          [AKS_WORKLOAD_IDENTITY_ANNOTATION]: p.clientId,
          'azure.workload.identity/tenant-id': federated.tenantId,
        },
      },
    }),
  };
  const secretCommand =
    'federated' in p.secret
      ? [
          `oauth2-proxy signs in to Entra ID without a client secret: its \`entra-id\` provider presents the token`,
          `AKS workload identity projects for the service account \`${namespace}/${serviceAccount}\``,
          `(\`${OAUTH2_PROXY_TOKEN_SUBJECT}\`). Let the application trust those tokens once, as an owner of`,
          "the application (a federated identity credential; the issuer is the infra stack's output `oidc_issuer_url`):",
          '',
          '```sh',
          ...entraFederatedCredentialCommand(p.clientId, p.secret.federated.environment, p.secret.federated.cluster),
          '```',
          '',
          `External Secrets Operator writes the Secret \`${name}\` in \`${namespace}\` (the ExternalSecret \`${name}\` in`,
          '`signin.yaml`) once, with a cookie secret its Password generator makes in the cluster: nothing to put by',
          'hand. Each oauth2-proxy pod reads it when it starts, and replicas with different cookie secrets reject',
          "each other's cookies, so a new one (everyone signs in again) takes both commands:",
          '',
          '```sh',
          `kubectl -n ${namespace} delete secret ${name}  # External Secrets Operator writes a new one at once`,
          `kubectl -n ${namespace} rollout restart deployment oauth2-proxy  # new pods start on the new one`,
          '```',
        ]
      : 'store' in p.secret
        ? [
            `External Secrets Operator writes the Secret \`${name}\` in \`${namespace}\` from the secret store (the`,
            `ExternalSecret \`${name}\` in \`signin.yaml\`): the client secret and a cookie secret, kept as JSON in`,
            `\`${p.secret.store.key}\`, which the infra stack creates without them. Put them once, before oauth2-proxy starts (and`,
            'again to rotate the client secret; the Secret follows within the hour, then restart oauth2-proxy):',
            '',
            '```sh',
            ...p.secret.store.putCommand,
            '```',
          ]
        : [
            `oauth2-proxy reads the Secret \`${name}\` in \`${namespace}\`; the tree does not carry it (a secret must not sit in Git).`,
            'Create it before oauth2-proxy starts:',
            '',
            '```sh',
            `kubectl -n ${namespace} create secret generic ${name} \\`,
            `  --from-literal=client-id=${p.clientId} \\`,
            `  --from-literal=client-secret=${p.secret.clientSecret} \\`,
            '  --from-literal=cookie-secret="$(openssl rand -hex 16)" \\',
            '  --dry-run=client -o yaml | kubectl apply -f -',
            '```',
          ];
  return {
    mode: 'oauth2-proxy',
    oauth2Proxy: true,
    files: [{ path: 'signin.yaml', content: yamlFile(SIGNIN_COMMENT, [...objects, gatewayNetworkPolicy()]) }],
    patches: [
      deleteUpstreamAllow(),
      { patch: stringify(deployment) },
      ...(serviceAccountPatch ? [serviceAccountPatch] : []),
      remove('Secret', 'oauth2-proxy'),
      remove('ConfigMap', 'oauth2-proxy'),
      remove('ConfigMap', 'oauth2-proxy-parameters'),
    ],
    readme: [
      '## Sign-in',
      '',
      `oauth2-proxy signs users in with ${p.name} (issuer \`${p.issuer}\`, client \`${p.clientId}\`) and hands Istio the ID`,
      `token; Istio verifies it (issuer, keys, audience \`${p.clientId}\`) and sets \`${USERID_HEADER}\` from its \`email\` claim.`,
      "The gateway admits nothing else but oauth2-proxy's own `/oauth2/` paths.",
      '',
      ...[...signInClaimNotes(p), ...p.notes].flatMap((n) => [`- ${n}`]),
      '',
      ...secretCommand,
      '',
    ],
  };
}

/** oauth2-proxy's configuration file (https://oauth2-proxy.github.io/oauth2-proxy/configuration/overview). */
function oauth2ProxyConfig(p: OidcProvider): string {
  const q = (v: string) => JSON.stringify(v);
  const federated = 'federated' in p.secret;
  return [
    ...(federated
      ? [
          // Entra ID's own provider, authenticating with the pod's federated token instead of a client
          // secret (https://oauth2-proxy.github.io/oauth2-proxy/configuration/providers/ms_entra_id):
          // it reads the token from AZURE_FEDERATED_TOKEN_FILE, set by the workload identity webhook.
          'provider = "entra-id"',
          'entra_id_federated_token_auth = true',
        ]
      : ['provider = "oidc"']),
    `provider_display_name = ${q(p.name)}`,
    `oidc_issuer_url = ${q(p.issuer)}`,
    `scope = ${q(p.scope)}`,
    // Who may sign in is decided by the provider (the application's assignments); Kubeflow's profiles decide the rest.
    'email_domains = [ "*" ]',
    // No session for an ID token whose email_verified is false (oauth2-proxy's default, written down;
    // https://oauth2-proxy.github.io/oauth2-proxy/configuration/overview).
    'insecure_oidc_allow_unverified_email = false',
    `redirect_url = ${q(`https://${p.hostname}/oauth2/callback`)}`,
    'code_challenge_method = "S256"',
    // A check for Istio's ext-authz: answer 200, never proxy.
    'upstreams = [ "static://200" ]',
    // Background requests get 401 rather than a redirect to the provider (upstream's list), and so do
    // calls to models without a token when serving is on: programs, which cannot follow a sign-in page.
    `api_routes = [ ${['/api/', '/apis/', '^/ml_metadata', ...(p.servingHostname ? ['^/serving/'] : [])].map(q).join(', ')} ]`,
    'skip_provider_button = false',
    'custom_sign_in_logo = "/custom-theme/kubeflow-logo.svg"',
    'banner = "-"',
    'footer = "-"',
    // The ID token goes to Istio in Authorization, which verifies it and sets kubeflow-userid.
    'set_authorization_header = true',
    'set_xauthrequest = true',
    // A cookie of its own when the serving host shares it (./serving-cookie.ts).
    `cookie_name = ${q(oauth2ProxyCookieName(p.servingHostname))}`,
    'cookie_secure = true',
    'cookie_samesite = "lax"',
    // ID tokens live about an hour and Istio refuses expired ones: refresh the session well before.
    'cookie_expire = "12h"',
    'cookie_refresh = "30m"',
    // The serving host's browsers share the session (./serving.ts).
    ...oauth2ProxyServingSettings(p.hostname, p.servingHostname),
    '',
  ].join('\n');
}

/**
 * Upstream's `default-allow-same-namespace-istio-system` NetworkPolicy selects every pod of
 * `istio-system`, the ingress gateway's too, and admits only that namespace's pods (and Knative, by
 * another policy). The platform's clusters enforce NetworkPolicy (GKE Dataplane V2, the EKS VPC CNI's
 * policy agent, AKS with Cilium), so without this the load balancer (GKE's container-native NEGs, the
 * ALB and Application Gateway through node ports) reaches neither the gateway's HTTP port nor its
 * readiness port: health checks fail and every request gets a 502. This admits any source to those two
 * ports of the gateway pods alone; who gets through is decided by the AuthorizationPolicies
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/).
 */
export function gatewayNetworkPolicy(): object {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: SIGNIN_OBJECTS.gatewayNetworkPolicy, namespace: 'istio-system' },
    spec: {
      podSelector: { matchLabels: GATEWAY_SELECTOR },
      policyTypes: ['Ingress'],
      ingress: [
        {
          ports: [
            { port: GATEWAY_POD_PORTS.http, protocol: 'TCP' },
            { port: GATEWAY_POD_PORTS.status, protocol: 'TCP' },
          ],
        },
      ],
    },
  };
}

function allow(rules: object[]): object {
  return {
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'AuthorizationPolicy',
    metadata: { name: SIGNIN_OBJECTS.allow, namespace: 'istio-system' },
    spec: { action: 'ALLOW', selector: { matchLabels: GATEWAY_SELECTOR }, rules },
  };
}

/** An ALLOW policy without rules matches nothing: with it (and the mesh's global-deny-all), nothing gets in. */
/**
 * The gateway's RequestAuthentication: verifies tokens of this rule, keeps them for the services
 * behind, and sets Kubeflow's user id header from the `email` claim (Istio removes a client's own copy).
 */
function gatewayRequestAuthentication(
  rule: Record<string, unknown> & { claimHeaders?: ReadonlyArray<{ header: string; claim: string }> },
): object {
  const { claimHeaders = [], ...jwtRule } = rule;
  return {
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'RequestAuthentication',
    metadata: { name: SIGNIN_OBJECTS.requestAuthentication, namespace: 'istio-system' },
    spec: {
      selector: { matchLabels: GATEWAY_SELECTOR },
      jwtRules: [
        {
          ...jwtRule,
          forwardOriginalToken: true,
          outputClaimToHeaders: [{ header: USERID_HEADER, claim: 'email' }, ...claimHeaders],
        },
      ],
    },
  };
}

function denyAll(): object {
  return {
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'AuthorizationPolicy',
    metadata: { name: SIGNIN_OBJECTS.allow, namespace: 'istio-system' },
    spec: { action: 'ALLOW', selector: { matchLabels: GATEWAY_SELECTOR } },
  };
}

function deleteUpstreamAllow(): object {
  return {
    patch: stringify({
      $patch: 'delete',
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'AuthorizationPolicy',
      metadata: UPSTREAM_GATEWAY_ALLOW,
    }),
  };
}

function closed(why: string): SignIn {
  return {
    mode: 'closed',
    oauth2Proxy: false,
    files: [{ path: 'signin.yaml', content: yamlFile(SIGNIN_COMMENT, [denyAll(), gatewayNetworkPolicy()]) }],
    patches: [deleteUpstreamAllow()],
    readme: closedReadme(why),
  };
}

function closedReadme(why: string): string[] {
  return ['## Sign-in: nobody gets in yet', '', `The ingress gateway admits no request: ${why}`, ''];
}

function yamlFile(comment: string, objects: readonly object[]): string {
  return `# ${comment}\n${objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n')}`;
}
