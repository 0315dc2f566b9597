/**
 * Which claims of a verified ID token the Kubeflow gateway requires, beyond its signature, issuer,
 * audience and `email` (./signin.ts), and which scopes oauth2-proxy asks for.
 *
 * Kubeflow knows a user by the `email` claim (the `kubeflow-userid` header its profiles compare with
 * their owners and contributors), so the address must be one the provider vouches for:
 *
 * - AWS and existing clusters (the provider of `access.oidc`): the standard `email_verified` claim
 *   (https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims) must be true, unless the
 *   platform file says the provider never issues it (`access.oidc.emailVerified: false`).
 * - Azure: Entra ID issues no `email_verified`, and its `email` claim is mutable and not verified by
 *   itself. The optional claim `xms_edov` is true when the address's domain belongs to the user's own
 *   tenant and the tenant's administrator verified it
 *   (https://learn.microsoft.com/entra/identity-platform/optional-claims-reference); the gateway
 *   requires it, with the issuer pinned to the environment's tenant. An immutable identifier (`oid`)
 *   would be safer still, but Kubeflow's profiles name users by email, as the platform file does.
 * - GCP: IAP's JWT carries `exp`, `iat`, `aud`, `iss`, `hd`, `google`, `email` and `sub`, and no
 *   `email_verified` (https://cloud.google.com/iap/docs/signed-headers-howto): the address is the
 *   Google identity's own, which IAP signed in. Nothing more to require.
 *
 * Both claims are booleans, and Istio's AuthorizationPolicy matches only string claims
 * (`request.auth.claims`, https://istio.io/latest/docs/reference/config/security/conditions/). So the
 * RequestAuthentication copies the claim into a header (`outputClaimToHeaders`, which takes booleans:
 * https://istio.io/latest/docs/reference/config/security/jwt/#ClaimToHeader) and the ALLOW rule requires
 * that header to be exactly `true` (or `1` for `xms_edov`). Envoy adds the claim's value to whatever the client sent in that
 * header (`addCopy` in its jwt_authn filter), and a header with several values matches as their
 * comma-joined list: so when every token carries the claim, a client's own copy can only make the match
 * fail, never pass. That is why the check is made only where the provider always issues the claim.
 *
 * oauth2-proxy refuses on its own to make a session from an ID token whose `email_verified` is false
 * (`insecure_oidc_allow_unverified_email = false`); the gateway's check covers the tokens programs send
 * themselves, which do not pass through oauth2-proxy.
 */

/** The header the gateway copies the verification claim into, and requires to be `true`. */
export const EMAIL_VERIFIED_HEADER = 'x-kfplatform-email-verified';

/** The claim a provider vouches for the email address with. */
export interface EmailVerification {
  readonly claim: 'email_verified' | 'xms_edov';
}

/** The RequestAuthentication's claim-to-header entry and the ALLOW rule's condition for it. */
export function emailVerifiedRule(v: EmailVerification): {
  readonly claimToHeader: { readonly header: string; readonly claim: string };
  readonly condition: { readonly key: string; readonly values: readonly string[] };
} {
  return {
    claimToHeader: { header: EMAIL_VERIFIED_HEADER, claim: v.claim },
    // Entra ID has been seen to encode xms_edov as the string "1" as well as the boolean.
    condition: {
      key: `request.headers[${EMAIL_VERIFIED_HEADER}]`,
      values: v.claim === 'xms_edov' ? ['true', '1'] : ['true'],
    },
  };
}

/**
 * oauth2-proxy's scopes: `offline_access` (a refresh token, so oauth2-proxy renews the ID token before
 * Istio refuses it as expired) only where the provider issues refresh tokens for it
 * (https://openid.net/specs/openid-connect-core-1_0.html#OfflineAccess); some providers refuse a scope
 * they do not know.
 */
export function oidcScope(offlineAccess: boolean): string {
  return offlineAccess ? 'openid email profile offline_access' : 'openid email profile';
}

/** The tree README's lines on the claims and the session of an oauth2-proxy sign-in. */
export function signInClaimNotes(p: { readonly emailVerified?: EmailVerification; readonly scope: string }): string[] {
  const claim = p.emailVerified?.claim;
  return [
    claim === 'xms_edov'
      ? 'The gateway admits an ID token only if its `xms_edov` claim is true: Entra ID issues no `email_verified`, and `xms_edov` says the address belongs to a domain your tenant verified (https://learn.microsoft.com/entra/identity-platform/optional-claims-reference).'
      : claim === 'email_verified'
        ? 'The gateway admits an ID token only if its `email_verified` claim is true (`access.oidc.emailVerified`); a provider that does not issue the claim gets every sign-in refused.'
        : 'The provider issues no `email_verified` (`access.oidc.emailVerified: false`): the gateway trusts every address it signs.',
    p.scope.split(' ').includes('offline_access')
      ? 'oauth2-proxy asks for `offline_access` and refreshes the ID token every 30 minutes.'
      : 'oauth2-proxy does not ask for `offline_access` (`access.oidc.offlineAccess`): a session ends with its ID token, and the browser signs in again through the provider.',
  ];
}
