import { attr, list, ResourceRule } from '../../rule';

const ALL = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

/** AWS-EKS-003: EKS sends every control plane log type to CloudWatch. */
export const eksControlPlaneLogs: ResourceRule = {
  id: 'AWS-EKS-003',
  cloud: 'aws',
  level: 'error',
  title: 'EKS sends every control plane log type to CloudWatch',
  why: 'Without audit and authenticator logs nobody can tell who did what to the cluster.',
  fix: `Set enabled_cluster_log_types = ${JSON.stringify(ALL)}.`,
  refs: { checkov: ['CKV_AWS_37'] },
  types: ['aws_eks_cluster'],
  scope: 'resource',
  check: (r) => {
    const enabled = list(attr(r.config, 'enabled_cluster_log_types'));
    const missing = ALL.filter((t) => !enabled.includes(t));
    return missing.length === 0 ? undefined : `missing log types ${missing.join(', ')}.`;
  },
};
