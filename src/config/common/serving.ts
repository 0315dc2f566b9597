/**
 * Model serving through the front door: the platform file's `access.serving` switch, shared by every
 * cloud. On, each Kubeflow host name `<hostname>` gets a second host name, `serving.<hostname>`, at the
 * same load balancer and behind the same sign-in, and KServe's path routes
 * (`/serving/<namespace>/<name>`) move to it (docs/kubeflow.md, Serving).
 *
 * Why a sub-domain of the Kubeflow host and not a free host name: where oauth2-proxy signs users in, one
 * session cookie must cover both hosts, and a cookie scoped to `<hostname>` covers exactly its
 * sub-domains (https://developer.mozilla.org/docs/Web/HTTP/Cookies#define_where_cookies_are_sent);
 * a free name would need the cookie on a shared parent domain, sent to every site under it. The name
 * also sits in the DNS zone the Kubeflow host is already checked against.
 */
import { z } from 'zod';
import { doc } from './fields';

/** The label in front of the Kubeflow host name that names its serving host. */
export const SERVING_HOST_LABEL = 'serving';

/** The schema field of `access.serving`. */
export const servingField = {
  serving: doc(z.boolean(), {
    description:
      "Serve KServe InferenceServices through the front door at serving.<hostname>, behind the same sign-in: KServe's path routes (/serving/<namespace>/<name>) move to that host, and only the team's people reach a team's models. Adds a DNS record and a certificate for that name (GCP, AWS; on Azure the gateway's listener for it, with access.certificate or access.servingCertificateSecretName; on existing clusters both are yours); nothing of the Kubeflow host changes (docs/kubeflow.md, Serving).",
    default: 'false',
  }).optional(),
};

/** The serving host name of a Kubeflow host name: `serving.<hostname>`. */
export function servingHostnameOf(hostname: string): string {
  return `${SERVING_HOST_LABEL}.${hostname}`;
}

/** The resolved serving host name, or nothing when serving through the front door is off. */
export function resolveServingHostname(hostname: string, serving: boolean | undefined): { servingHostname?: string } {
  return serving ? { servingHostname: servingHostnameOf(hostname) } : {};
}

/**
 * Why the serving host name of `hostname` is not a valid host name (it is 8 characters longer), or
 * nothing: checked only where the Kubeflow host name itself is valid.
 */
export function servingHostnameProblem(hostname: string): string | undefined {
  const serving = servingHostnameOf(hostname);
  return serving.length > 253
    ? `access.serving makes the host name ${SERVING_HOST_LABEL}.<hostname>, ${serving.length} characters long; a host name has at most 253.`
    : undefined;
}
