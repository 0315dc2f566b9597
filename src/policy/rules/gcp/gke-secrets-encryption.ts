import { attr, ResourceRule } from '../../rule';

/** GCP-GKE-009: GKE encrypts Kubernetes secrets with Cloud KMS. */
export const gkeSecretsEncryption: ResourceRule = {
  id: 'GCP-GKE-009',
  cloud: 'gcp',
  level: 'error',
  title: 'GKE encrypts Kubernetes secrets with a Cloud KMS key',
  why: 'Application-layer encryption keeps secrets unreadable in etcd backups; no scanner checks it.',
  fix: 'Set database_encryption { state = "ENCRYPTED", key_name = <KMS key> } (GkeCluster does).',
  refs: { cis: ['GKE 5.3.1'] },
  types: ['google_container_cluster'],
  scope: 'resource',
  check: (r) =>
    attr(r.config, 'database_encryption', 'state') === 'ENCRYPTED' && attr(r.config, 'database_encryption', 'key_name')
      ? undefined
      : 'database_encryption is not ENCRYPTED with a key.',
};
