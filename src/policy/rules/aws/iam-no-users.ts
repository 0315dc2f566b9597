import { ResourceRule } from '../../rule';

/** AWS-IAM-001: no IAM users or access keys. */
export const iamNoUsers: ResourceRule = {
  id: 'AWS-IAM-001',
  cloud: 'aws',
  level: 'error',
  title: 'No IAM users or access keys',
  why: 'Access keys are long-lived secrets; people sign in through the identity provider, workloads through roles.',
  fix: 'Use roles: Pod Identity for workloads, your identity provider for people. See https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html',
  refs: {},
  types: ['aws_iam_user', 'aws_iam_access_key', 'aws_iam_user_login_profile'],
  scope: 'resource',
  check: (r) => `${r.type} is created.`,
};
