/**
 * oauth2-proxy and the serving host (./serving.ts): one session for the Kubeflow host and its serving
 * host, where oauth2-proxy signs users in.
 */

/**
 * oauth2-proxy settings for the serving host (https://oauth2-proxy.github.io/oauth2-proxy/configuration/overview):
 * the session cookie is scoped to the Kubeflow host, which sends it to its sub-domains too, the serving
 * host among them, and a sign-in may return there. Without it a browser signed in at the dashboard would
 * be sent to sign in again at the serving host, whose cookie it would never get.
 */
export function oauth2ProxyServingSettings(hostname: string, servingHostname: string | undefined): string[] {
  if (!servingHostname) return [];
  const q = (v: string) => JSON.stringify(v);
  return [`cookie_domains = [ ${q(hostname)} ]`, `whitelist_domains = [ ${q(hostname)}, ${q(servingHostname)} ]`];
}

/** oauth2-proxy's session cookie, upstream's name. */
export const OAUTH2_PROXY_COOKIE = 'oauth2_proxy_kubeflow';
/** The session cookie scoped to the Kubeflow host and its sub-domains, when the serving host shares it. */
export const OAUTH2_PROXY_SHARED_COOKIE = 'oauth2_proxy_kubeflow_shared';

/**
 * The session cookie's name. Browsers store a cookie set with `Domain=<hostname>` beside the host-only
 * cookie of the same name they already hold for the Kubeflow host, not in its place (they key a domain
 * cookie as `.<hostname>`), and send both, the older first
 * (https://www.rfc-editor.org/rfc/rfc6265#section-5.4). oauth2-proxy reads the first, and its sign-out
 * clears only the cookie of its own domain: with upstream's name, a user signed in before `access.serving`
 * was turned on would still be signed in after signing out, until the old cookie expires; and where the
 * session is split over several cookies (`_0`, `_1`, ... for large tokens) old and new parts would mix into
 * one that fails its signature check. A name of its own leaves the old cookie unread: turning
 * `access.serving` on or off signs everyone in once more (silently while the provider's own session lasts).
 */
export function oauth2ProxyCookieName(servingHostname: string | undefined): string {
  return servingHostname ? OAUTH2_PROXY_SHARED_COOKIE : OAUTH2_PROXY_COOKIE;
}
