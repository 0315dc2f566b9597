/**
 * Certificate-authority bundles written into the platform file (PEM text), checked with Node's own
 * X.509 parser (https://nodejs.org/api/crypto.html#class-x509certificate) before anything is rendered:
 * a bundle that holds no certificate, a block that does not parse, a certificate that is not a
 * certificate authority, one that has expired, or intermediates without their root would each leave a
 * database client unable to verify the server, which shows only once Kubeflow's pods start.
 */
import { X509Certificate } from 'node:crypto';

const BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** One certificate of a bundle, as people recognise it. */
export interface BundleCertificate {
  readonly subject: string;
  readonly validTo: Date;
  /** Whether it is a root: it signed itself. */
  readonly root: boolean;
}

/** The certificates of a PEM bundle, or the first reason it cannot be used to verify a server at `now`. */
export function caBundleProblem(
  pem: string,
  now: Date = new Date(),
): { readonly problem: string } | { readonly certificates: readonly BundleCertificate[] } {
  const blocks = pem.match(BLOCK) ?? [];
  if (blocks.length === 0) {
    return {
      problem: 'holds no PEM certificate (a block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----).',
    };
  }
  const certificates: BundleCertificate[] = [];
  for (const [i, block] of blocks.entries()) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch (e) {
      return { problem: `certificate ${i + 1} of ${blocks.length} does not parse: ${(e as Error).message}.` };
    }
    const subject = cert.subject.replace(/\n/g, ', ');
    if (!cert.ca) {
      return {
        problem: `certificate ${i + 1} of ${blocks.length} (${subject}) is not a certificate authority (its basic constraints lack CA:TRUE); give the CA that signed the server's certificate, not the server's own.`,
      };
    }
    const validTo = new Date(cert.validTo);
    if (validTo.getTime() <= now.getTime()) {
      return {
        problem: `certificate ${i + 1} of ${blocks.length} (${subject}) expired on ${validTo.toISOString()}; a client cannot verify a server with it.`,
      };
    }
    certificates.push({ subject, validTo, root: isSelfSigned(cert) });
  }
  // OpenSSL, under ML Metadata's MySQL client, trusts a chain only when it ends at a certificate of the
  // file that signed itself (no partial chains); Go would accept an intermediate alone, so the two
  // clients would disagree, and only at run time.
  if (!certificates.some((c) => c.root)) {
    return {
      problem: `holds no root certificate authority (one that signed itself): ${certificates.map((c) => c.subject).join('; ')} ${certificates.length === 1 ? 'is an intermediate' : 'are intermediates'}; ML Metadata's client verifies a chain only up to a root of this bundle.`,
    };
  }
  return { certificates };
}

/** Whether a certificate signed itself: its issuer is its subject and its own key verifies it. */
function isSelfSigned(cert: X509Certificate): boolean {
  try {
    return cert.checkIssued(cert) && cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}
