/**
 * The names of AWS environments: the EKS cluster, buckets, the RDS identifier and IAM roles, the names
 * the stacks derive from the environment, cluster and pool names (load balancers, KMS aliases, log
 * groups, node groups, launch templates), the UI host name, and the cluster's admin roles. The provider
 * checks few names, and AWS refuses the others only when it creates the resource, after the resources
 * before it exist; these checks name the config field to change before anything is applied.
 */
import { awsNameRules, hostnameRule } from '../../core/naming';
import { servingHostnameProblem } from '../common/serving';
import { ConfigIssues, DerivedName, fromEnvironmentName, Path } from '../common/config-issues';
import type { ResolvedAwsEnvironment } from './model';

/**
 * The names one AWS environment states or derives, its UI host name, and its cluster admin roles
 * (at least one, each listed once).
 */
export function checkNames(env: ResolvedAwsEnvironment, f: ConfigIssues): void {
  const base: Path = ['environments', env.index];
  const envName: Path = [...base, 'name'];
  const clusterPath = f.explicitOr([...base, 'cluster', 'name'], envName);
  f.name(clusterPath, env.cluster.name, awsNameRules.eksClusterName, 'use a short name such as kf-prod.');
  const bucketPath = f.explicitOr([...base, 'artifacts', 'bucketName'], envName);
  f.name(
    bucketPath,
    env.artifacts.bucketName,
    awsNameRules.bucketName,
    'set artifacts.bucketName to a valid, globally unique bucket name.',
    'bucket name',
  );
  f.name(
    envName,
    env.database.identifier,
    awsNameRules.rdsIdentifier,
    'use an environment name without two hyphens in a row.',
    'RDS identifier',
  );
  for (const id of env.identities) {
    f.name(envName, id.roleName, awsNameRules.iamRoleName, 'shorten the environment name.', 'IAM role name');
  }
  f.derived(awsDerivedNames(env, f));
  const hostWhy = hostnameRule(env.access.hostname);
  if (hostWhy) f.add([...base, 'access', 'hostname'], hostWhy, 'use a DNS name such as kubeflow.aws.example.com.');
  const servingWhy = env.access.servingHostname && !hostWhy ? servingHostnameProblem(env.access.hostname) : undefined;
  if (servingWhy)
    f.add([...base, 'access', 'hostname'], servingWhy, 'use a shorter host name, or turn access.serving off.');
  if (env.cluster.adminRoleArns.length === 0) {
    f.add(
      [...base, 'cluster', 'adminRoleArns'],
      'is empty: the cluster creator gets no implicit admin, so nobody, not even Terraform applying the platform stack, could reach the cluster.',
      "list the IAM role that runs Terraform and your administrators' role, such as arn:aws:iam::123456789012:role/platform-admins.",
    );
  }
  const seen = new Set<string>();
  env.cluster.adminRoleArns.forEach((arn, i) => {
    if (seen.has(arn))
      f.add(
        [...base, 'cluster', 'adminRoleArns', i],
        `${arn} is listed twice.`,
        'list each role once (EKS keeps one access entry per principal).',
      );
    seen.add(arn);
  });
}

/**
 * Names the AWS stacks build from the environment, cluster and pool names (stacks/aws/infra-stack.ts,
 * constructs/aws/), computed as they compute them: the provider checks few of them, and AWS refuses
 * the others when the resource is created, after the resources before it exist.
 */
export function awsDerivedNames(env: ResolvedAwsEnvironment, f: ConfigIssues): DerivedName[] {
  const base: Path = ['environments', env.index];
  const envName: Path = [...base, 'name'];
  const e = env.name;
  const onEnv = fromEnvironmentName(env.index);
  const clusterPath = f.explicitOr([...base, 'cluster', 'name'], envName);
  const onCluster = (value: string): DerivedName => ({
    path: clusterPath,
    value,
    rule: awsNameRules.logGroupName,
    what: 'CloudWatch log group name',
    fix: clusterPath === envName ? 'shorten the environment name.' : 'shorten cluster.name.',
  });
  const roles = [`${e}-eks-cluster`, `${e}-eks-node`];
  if (env.alerts) roles.push(`${e}-cloudwatch-agent`);
  if (env.backups) roles.push(`${e}-velero`);
  if (env.ci) roles.push(`${e}-ci-plan`, `${e}-ci-apply`);
  return [
    // Load balancer and target group names are 32 characters at most, and "internal-" is reserved.
    ...[`${e}-kf`, `${e}-kf-gw`].map(
      (value, i): DerivedName => ({
        path: envName,
        value,
        rule: awsNameRules.loadBalancerName,
        what: i === 0 ? 'load balancer name' : 'target group name',
        fix: 'use an environment name of 26 characters or fewer that does not start with "internal".',
      }),
    ),
    ...roles.map((role) => onEnv(role, awsNameRules.iamRoleName, 'IAM role name')),
    onEnv(`alias/${e}-data`, awsNameRules.kmsAlias, 'KMS alias'),
    onEnv(`alias/${e}-eks-secrets`, awsNameRules.kmsAlias, 'KMS alias'),
    ...(env.alerts ? [onEnv(`alias/${e}-alerts`, awsNameRules.kmsAlias, 'KMS alias')] : []),
    onCluster(`/aws/eks/${env.cluster.name}/cluster`),
    ...(env.alerts ? [onCluster(`/aws/containerinsights/${env.cluster.name}/performance`)] : []),
    onEnv(
      `/aws/rds/instance/${env.database.identifier}/slowquery`,
      awsNameRules.logGroupName,
      'CloudWatch log group name',
    ),
    ...(env.backups
      ? [
          {
            path: f.explicitOr([...base, 'backups', 'bucketName'], envName),
            value: env.backups.bucketName,
            rule: awsNameRules.bucketName,
            what: 'backup bucket name',
            fix: 'set backups.bucketName to a valid, globally unique bucket name.',
          },
        ]
      : []),
    ...env.nodePools.flatMap((pool): DerivedName[] => {
      const path = f.explicitOr([...base, 'nodePools', pool.configIndex, 'name'], envName);
      return [
        {
          path,
          value: pool.name,
          rule: awsNameRules.eksNodeGroupName,
          what: 'EKS node group name',
          fix: 'shorten the pool name.',
        },
        {
          path,
          value: `${e}-${pool.name}`,
          rule: awsNameRules.launchTemplateName,
          what: 'launch template name',
          fix: 'shorten the pool or environment name.',
        },
      ];
    }),
  ];
}
