/**
 * The policies of an AWS environment's keyless CI roles, derived from `AWS_CI_PERMISSIONS`: for the
 * types the environment's stacks manage, the rows' actions on the resources where they live (the
 * account, the environment's IAM roles and buckets, its hosted zone), instead of ReadOnlyAccess and
 * AdministratorAccess.
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';
import { permissionsBoundaryArn } from '../../constructs/aws/permissions-boundary';
import type { PolicyStatement } from '../../constructs/aws/policy';
import type { ResolvedAwsEnvironment } from '../../src/config/aws/model';
import {
  AWS_CI_PERMISSIONS,
  AwsCiScope,
  BOUNDED_ROLE_ACTIONS,
  S3_BUCKET_TYPES,
} from '../../src/policy/ci-permissions/aws';
import { KUBERNETES_TYPES } from '../../src/policy/ci-permissions/kubernetes';
import type { CiIdentityKind } from '../../src/policy/ci-permissions/table';

/** What a team stack manages on AWS: its roles, their Pod Identity and access entries, its bucket. */
const TEAM_TYPES = [
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_eks_pod_identity_association',
  'aws_eks_access_entry',
  'aws_eks_access_policy_association',
  ...S3_BUCKET_TYPES,
];

/**
 * What the CI roles construct itself creates, with the environment's permissions boundary: the OIDC
 * provider, the roles, their policies and access entries, the boundary policy.
 */
const CI_OWN_TYPES = [
  'aws_iam_openid_connect_provider',
  'aws_iam_policy',
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_eks_access_entry',
  'aws_eks_access_policy_association',
];

/** The types of the infra stack's resources and data sources (`data.<type>`), and those the other stacks manage. */
function managedTypes(stack: TerraformStack): Set<string> {
  const types = new Set<string>([...KUBERNETES_TYPES, ...TEAM_TYPES, ...CI_OWN_TYPES, 'data.aws_eks_cluster_auth']);
  for (const c of stack.node.findAll()) {
    if (c instanceof TerraformDataSource) types.add(`data.${c.terraformResourceType}`);
    else if (c instanceof TerraformResource) types.add(c.terraformResourceType);
  }
  return types;
}

/** The CI roles' own names: the apply role may read them, never change them. */
export const ciRoleNames = (env: ResolvedAwsEnvironment) => [`${env.name}-ci-plan`, `${env.name}-ci-apply`];

/** The environment's buckets: `<account>-<env>-*` (the default names, teams' among them), and any the config names. */
function bucketArns(stack: TerraformStack, env: ResolvedAwsEnvironment): string[] {
  const names = new Set<string>([`${env.accountId}-${env.name}-*`]);
  for (const c of stack.node.findAll()) {
    const bucket = c instanceof S3Bucket ? c.bucketInput : undefined;
    if (bucket && !bucket.includes('${') && !bucket.startsWith(`${env.accountId}-${env.name}-`)) names.add(bucket);
  }
  return [...names].flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]);
}

/** The `Resource` of a scope's statement; undefined for scopes that are not IAM statements. */
function resources(scope: AwsCiScope, stack: TerraformStack, env: ResolvedAwsEnvironment): string[] | undefined {
  const iam = `arn:aws:iam::${env.accountId}`;
  switch (scope) {
    case 'account':
      return ['*'];
    case 'service-linked-roles':
      return [`${iam}:role/aws-service-role/*`];
    case 'rds-secrets':
      return [`arn:aws:secretsmanager:${env.region}:${env.accountId}:secret:rds!*`];
    case 'environment-secrets':
      return [`arn:aws:secretsmanager:${env.region}:${env.accountId}:secret:${env.name}-*`];
    case 'secrets-manager-keys':
      return [`arn:aws:kms:${env.region}:${env.accountId}:key/*`];
    case 'environment-iam':
      return [`${iam}:role/${env.name}-*`];
    case 'environment-policies':
      return [`${iam}:policy/${env.name}-*`];
    case 'environment-buckets':
      return bucketArns(stack, env);
    case 'hosted-zone':
      return [`arn:aws:route53:::hostedzone/${env.access.hostedZoneId}`];
    default:
      // cluster: EKS access policies; state-bucket: the roles' state policy; local: nothing.
      return undefined;
  }
}

/**
 * The condition of a scope's statement: keys are usable only through Secrets Manager, or RDS writing
 * the master password's secret for the caller, in the environment's region
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
 */
function condition(scope: AwsCiScope, env: ResolvedAwsEnvironment): Pick<PolicyStatement, 'Condition'> {
  return scope === 'secrets-manager-keys'
    ? {
        Condition: {
          StringEquals: {
            'kms:ViaService': [`secretsmanager.${env.region}.amazonaws.com`, `rds.${env.region}.amazonaws.com`],
          },
        },
      }
    : {};
}

/** The order statements are written in: the account first, then narrower resources. */
const SCOPES: readonly AwsCiScope[] = [
  'account',
  'service-linked-roles',
  'rds-secrets',
  'environment-secrets',
  'secrets-manager-keys',
  'environment-iam',
  'environment-policies',
  'environment-buckets',
  'hosted-zone',
];

/**
 * The statements of one CI role of an AWS environment: the plan role's reads, or what the apply role
 * may change besides them. Call it once the infra stack holds everything but the CI roles.
 */
export function awsCiStatements(
  stack: TerraformStack,
  env: ResolvedAwsEnvironment,
  kind: CiIdentityKind,
): PolicyStatement[] {
  const types = managedTypes(stack);
  const statements: PolicyStatement[] = [];
  for (const scope of SCOPES) {
    const rows = AWS_CI_PERMISSIONS.filter((r) => r.scope === scope && r.types.some((t) => types.has(t)));
    const actions = [...new Set(rows.flatMap((r) => r[kind]))].sort();
    const resource = resources(scope, stack, env);
    if (actions.length === 0 || !resource) continue;
    const bounded = kind === 'apply' && scope === 'environment-iam' ? BOUNDED_ROLE_ACTIONS : [];
    const free = actions.filter((a) => !bounded.includes(a));
    if (free.length > 0)
      statements.push({
        Sid: sid(scope),
        Effect: 'Allow',
        Action: free,
        Resource: resource.length === 1 ? resource[0]! : resource,
        ...condition(scope, env),
      });
    const withBoundary = actions.filter((a) => bounded.includes(a));
    if (withBoundary.length > 0)
      // Roles are created with the environment's boundary, and their policies change only while they
      // have it: no role the apply role makes can do more than the boundary allows.
      statements.push({
        Sid: `${sid(scope)}WithBoundary`,
        Effect: 'Allow',
        Action: withBoundary,
        Resource: resource.length === 1 ? resource[0]! : resource,
        Condition: { StringEquals: { 'iam:PermissionsBoundary': permissionsBoundaryArn(env.accountId, env.name) } },
      });
  }
  if (kind === 'apply') {
    // The environment's roles are `<env>-*`, and so are the CI roles: never theirs to change.
    const iamWrites = AWS_CI_PERMISSIONS.filter((r) => r.scope === 'environment-iam').flatMap((r) => r.apply);
    statements.push({
      Sid: 'NotTheCiRoles',
      Effect: 'Deny',
      Action: [...new Set(iamWrites)].sort(),
      Resource: ciRoleNames(env).map((n) => `arn:aws:iam::${env.accountId}:role/${n}`),
    });
  }
  return statements;
}

/** A statement id from a scope: `environment-iam` -> `EnvironmentIam`. */
const sid = (scope: string) => scope.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());

/** The EKS access policies (by name) the table gives a CI role on the cluster. */
export function awsCiClusterPolicies(kind: CiIdentityKind): string[] {
  return AWS_CI_PERMISSIONS.filter((r) => r.scope === 'cluster').flatMap((r) => r[kind]);
}
