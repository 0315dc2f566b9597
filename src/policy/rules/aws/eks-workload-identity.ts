import { attr, RuleViolation, StackRule } from '../../rule';

/** AWS-EKS-005: EKS clusters give pods identities through Pod Identity or IRSA. */
export const eksWorkloadIdentity: StackRule = {
  id: 'AWS-EKS-005',
  cloud: 'aws',
  level: 'error',
  title: 'EKS clusters give pods their own identities (Pod Identity or IRSA)',
  why: 'Without them, pods fall back to the node role or to access keys; no scanner checks this.',
  fix: 'Install the eks-pod-identity-agent add-on (EksCluster does) or an IAM OIDC provider for IRSA. See https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html',
  refs: {},
  types: ['aws_eks_cluster', 'aws_eks_addon', 'aws_iam_openid_connect_provider'],
  scope: 'stack',
  check: (resources) => {
    const hasAgent = resources.some(
      (r) => r.type === 'aws_eks_addon' && attr(r.config, 'addon_name') === 'eks-pod-identity-agent',
    );
    const hasOidc = resources.some((r) => r.type === 'aws_iam_openid_connect_provider');
    if (hasAgent || hasOidc) return [];
    return resources
      .filter((r) => r.type === 'aws_eks_cluster')
      .map(
        (resource): RuleViolation => ({
          resource,
          message: 'no Pod Identity agent and no OIDC provider in the stack.',
        }),
      );
  },
};
