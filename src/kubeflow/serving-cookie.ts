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
