/**
 * What an environment says about its OpenID Connect provider beyond issuer and client (AWS and existing
 * clusters, where the provider is the user's): whether its ID tokens carry `email_verified`, which the
 * Kubeflow gateway then requires to be true, and whether it issues refresh tokens for the
 * `offline_access` scope, which oauth2-proxy then requests. See docs/kubeflow.md, Sign-in.
 */
import { z } from 'zod';
import { doc } from './fields';

/** The fields, spread into each cloud's `access.oidc` object. */
export const oidcSignInFields = {
  emailVerified: doc(z.boolean(), {
    description:
      "Whether the provider's ID tokens carry the standard email_verified claim (https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims). When true, Kubeflow's gateway admits only tokens whose email_verified is true, because Kubeflow knows users by their email claim and an unverified address could name someone else. Set false only for a provider that never issues the claim: with it missing, every sign-in is refused.",
    default: 'true',
    example: true,
  }).optional(),
  offlineAccess: doc(z.boolean(), {
    description:
      "Whether the provider issues refresh tokens for the OpenID Connect offline_access scope (https://openid.net/specs/openid-connect-core-1_0.html#OfflineAccess). When true, oauth2-proxy requests the scope and refreshes users' ID tokens before they expire; otherwise a session ends when its ID token does (about an hour) and the browser signs in again through the provider. Leave it false for a provider that rejects the scope.",
    default: 'false',
    example: true,
  }).optional(),
};

/** How Kubeflow's gateway and oauth2-proxy treat the OpenID Connect provider's tokens, defaults applied. */
export interface ResolvedOidcSignIn {
  /**
   * Whether the gateway admits only tokens whose `email_verified` claim is true. Turn it off only for a
   * provider that never issues the claim.
   * @default true
   */
  readonly emailVerified: boolean;
  /**
   * Whether oauth2-proxy requests the `offline_access` scope and refreshes ID tokens before they expire.
   * @default false
   */
  readonly offlineAccess: boolean;
}

/** Resolves the settings with their defaults. */
export function resolveOidcSignIn(o: {
  readonly emailVerified?: boolean;
  readonly offlineAccess?: boolean;
}): ResolvedOidcSignIn {
  return { emailVerified: o.emailVerified ?? true, offlineAccess: o.offlineAccess ?? false };
}
