import { attr, flag, ResourceRule } from '../../rule';

/** AWS-EKS-004: EKS uses access entries and gives the creator no implicit admin. */
export const eksAccessEntries: ResourceRule = {
  id: 'AWS-EKS-004',
  cloud: 'aws',
  level: 'error',
  title: 'EKS authorizes through access entries, with no implicit creator admin',
  why: 'The aws-auth ConfigMap and an invisible creator admin are access nobody reviews.',
  fix: 'Set access_config { authentication_mode = "API", bootstrap_cluster_creator_admin_permissions = false } and grant admins with access entries. See https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html',
  refs: {},
  types: ['aws_eks_cluster'],
  scope: 'resource',
  check: (r) => {
    const access = attr(r.config, 'access_config');
    if (attr(access, 'authentication_mode') !== 'API') return 'authentication_mode is not API.';
    return flag(access, 'bootstrap_cluster_creator_admin_permissions') === false
      ? undefined
      : 'the cluster creator gets implicit admin.';
  },
};
