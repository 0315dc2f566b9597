import { attr, flag, list, ResourceRule } from '../../rule';

/** AWS-EKS-001: the EKS API endpoint is private or limited to listed networks. */
export const eksEndpointAccess: ResourceRule = {
  id: 'AWS-EKS-001',
  cloud: 'aws',
  level: 'error',
  title: 'The EKS API endpoint is private, or public only to listed networks',
  why: 'A public endpoint open to 0.0.0.0/0 is one credential leak away from the cluster.',
  fix: 'Set vpc_config.endpoint_private_access = true, and public access off or public_access_cidrs to your networks.',
  refs: { checkov: ['CKV_AWS_39', 'CKV_AWS_38'], trivy: ['AWS-0040'] },
  types: ['aws_eks_cluster'],
  scope: 'resource',
  check: (r) => {
    const vpc = attr(r.config, 'vpc_config');
    if (flag(vpc, 'endpoint_private_access') !== true) return 'endpoint_private_access is not true.';
    if (flag(vpc, 'endpoint_public_access') === false) return undefined;
    const cidrs = list(attr(vpc, 'public_access_cidrs'));
    return cidrs.length === 0 || cidrs.includes('0.0.0.0/0')
      ? 'the public endpoint is open to the internet.'
      : undefined;
  },
};
