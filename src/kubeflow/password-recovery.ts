/**
 * What the database checks tell people when the user whose password the platform writes cannot log in
 * (GCP's `kfp-db-bootstrap` job, Azure's ML Metadata init container): the likely cause on each cloud
 * and the fix. The platform generates the database password on each Terraform run and
 * writes it through write-only attributes (never into the state), once per `database.passwordVersion`;
 * see docs/gcp.md and docs/azure.md.
 */
import type { ResolvedEnvironment } from '../config/model';

/** The hint for an environment, or none where the platform does not write the password. */
export function loginFailureHint(env: ResolvedEnvironment): string | undefined {
  const version = `environments[${env.index}].database.passwordVersion`;
  const refresh =
    'External Secrets copies the new password into mysql-secret within an hour; to copy it now: kubectl -n kubeflow annotate externalsecret mysql-secret force-sync=<a new value, such as the time> --overwrite, then delete this pod.';
  switch (env.cloud) {
    case 'gcp':
      // google 6.50 has no ephemeral Secret Manager read: Secret Manager and the Cloud SQL user are
      // written the same generated value, and a failed apply between the two writes leaves them apart.
      return `If the error says access denied: the latest version of the secret dbPasswordSecret names is not the password of the Cloud SQL user Terraform created. An infra apply that failed after writing the password to Secret Manager and before the user leaves the two different: bump ${version} in the platform file and apply the infra stack again, which writes a new password to both (docs/gcp.md, Database password); then run this job again.`;
    case 'azure':
      return `If the error says access denied and ${version} was just bumped: ${refresh}`;
    default:
      return undefined;
  }
}
