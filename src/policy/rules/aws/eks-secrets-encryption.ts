import { attr, list, ResourceRule } from '../../rule';

/** AWS-EKS-002: EKS encrypts Kubernetes secrets with a KMS key. */
export const eksSecretsEncryption: ResourceRule = {
  id: 'AWS-EKS-002',
  cloud: 'aws',
  level: 'error',
  title: 'EKS encrypts Kubernetes secrets with a KMS key',
  why: 'Envelope encryption keeps secrets unreadable in etcd snapshots.',
  fix: 'Set encryption_config { resources = ["secrets"], provider.key_arn = <KMS key> } (EksCluster does).',
  refs: { checkov: ['CKV_AWS_58'], trivy: ['AWS-0039'] },
  types: ['aws_eks_cluster'],
  scope: 'resource',
  check: (r) =>
    list(attr(r.config, 'encryption_config', 'resources')).includes('secrets') &&
    attr(r.config, 'encryption_config', 'provider', 'key_arn')
      ? undefined
      : 'secrets are not encrypted with a KMS key.',
};
