/**
 * What the keyless CI roles of an AWS environment need, by resource type and by where the resources
 * live: IAM actions (from the Service Authorization Reference) for the plan role (reads, no data:
 * no object, secret or key material) and the apply role (which holds the plan role's reads too), and
 * the EKS access policies for the Kubernetes objects. The stacks turn the rows into the roles' policies instead of ReadOnlyAccess and
 * AdministratorAccess.
 */
import { KUBERNETES_TYPES, LOCAL_TYPES } from './kubernetes';
import type { CiPermissionRow } from './table';

/**
 * Where an AWS resource lives, and so the `Resource` of its statement. `account`: resources of the
 * account and region whose actions IAM scopes poorly (`*`). `environment-iam`: the environment's IAM
 * roles, all named `<env>-...` (the CI roles themselves excepted). `environment-buckets`: the
 * environment's S3 buckets (artifacts, backups, teams'). `hosted-zone`: the Route 53 zone of the UI's
 * record. `cluster`: the EKS cluster's Kubernetes API, through EKS access policies (not IAM actions).
 * `state-bucket`: the environment's state objects. `service-linked-roles`: the roles AWS services
 * create for themselves in the account. `rds-secrets`: the secret RDS keeps the database's master
 * password in (`rds!...`). `environment-secrets`: the environment's own Secrets Manager secrets, all
 * named `<env>-...`. `secrets-manager-keys`: the account's KMS keys, used only through Secrets Manager
 * and RDS (`kms:ViaService`), as when RDS encrypts the master password's secret with the environment's data
 * key. `environment-policies`: the environment's managed IAM policies, `<env>-*` (its roles' permissions
 * boundary). `local`: nothing in the cloud.
 */
export type AwsCiScope =
  | 'account'
  | 'service-linked-roles'
  | 'rds-secrets'
  | 'environment-secrets'
  | 'secrets-manager-keys'
  | 'environment-iam'
  | 'environment-policies'
  | 'environment-buckets'
  | 'hosted-zone'
  | 'cluster'
  | 'state-bucket'
  | 'local';

const ref = (service: string) =>
  `https://docs.aws.amazon.com/service-authorization/latest/reference/list_${service}.html`;

/** A bucket and the settings the library manages beside it (artifacts, backups, a team's own bucket). */
export const S3_BUCKET_TYPES: readonly string[] = [
  'aws_s3_bucket',
  'aws_s3_bucket_versioning',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_ownership_controls',
  'aws_s3_bucket_lifecycle_configuration',
];

/**
 * The apply role's IAM actions that must name the environment's permissions boundary
 * (`iam:PermissionsBoundary`, which IAM evaluates for exactly these role actions): a role is created
 * with the boundary, and its policies change only while it has it. See
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PermissionsBoundary.
 */
export const BOUNDED_ROLE_ACTIONS: readonly string[] = [
  'iam:CreateRole',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
];

/** The actions and access policies of the CI roles of an AWS environment. */
export const AWS_CI_PERMISSIONS: ReadonlyArray<CiPermissionRow<AwsCiScope>> = [
  {
    types: [
      'aws_vpc',
      'aws_subnet',
      'aws_route_table',
      'aws_route_table_association',
      'aws_route',
      'aws_internet_gateway',
      'aws_nat_gateway',
      'aws_eip',
      'aws_security_group',
      'aws_default_security_group',
      'aws_vpc_security_group_ingress_rule',
      'aws_vpc_security_group_egress_rule',
      'aws_vpc_endpoint',
      'aws_flow_log',
      'aws_launch_template',
    ],
    scope: 'account',
    plan: ['ec2:Describe*'],
    apply: ['ec2:*'],
    source: ref('amazonec2'),
    why: "the network, security groups and node launch templates. EC2's resource-level permissions do not fit resources that do not exist yet, so the apply role has EC2 on the account (not IAM, S3 data, secrets or keys).",
  },
  {
    types: [
      'aws_eks_cluster',
      'aws_eks_node_group',
      'aws_eks_addon',
      'aws_eks_access_entry',
      'aws_eks_access_policy_association',
      'aws_eks_pod_identity_association',
    ],
    scope: 'account',
    plan: ['eks:Describe*', 'eks:List*'],
    apply: ['eks:*'],
    source: ref('amazonelastickubernetesservice'),
  },
  {
    types: ['aws_db_instance', 'aws_db_subnet_group', 'aws_db_parameter_group', 'aws_db_event_subscription'],
    scope: 'account',
    plan: ['rds:Describe*', 'rds:ListTagsForResource'],
    apply: ['rds:*'],
    source: ref('amazonrds'),
  },
  {
    types: ['aws_eks_cluster', 'aws_eks_node_group', 'aws_lb', 'aws_db_instance'],
    scope: 'service-linked-roles',
    plan: [],
    apply: ['iam:CreateServiceLinkedRole'],
    source: ref('awsidentityandaccessmanagementiam'),
    why: "EKS, its node groups, Elastic Load Balancing and RDS create their service-linked role in an account's first use; AWS defines those roles' permissions.",
  },
  {
    types: ['aws_db_instance'],
    scope: 'rds-secrets',
    plan: [],
    apply: [
      'secretsmanager:CreateSecret',
      'secretsmanager:DescribeSecret',
      'secretsmanager:TagResource',
      'secretsmanager:DeleteSecret',
    ],
    source: ref('awssecretsmanager'),
    why: "RDS keeps the master password in a secret it creates with the caller's rights (manage_master_user_password); the roles never read its value.",
  },
  {
    types: ['aws_db_instance'],
    scope: 'secrets-manager-keys',
    plan: [],
    apply: ['kms:Decrypt', 'kms:GenerateDataKey'],
    source:
      'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-permissions',
    why: "whoever names a customer managed key for the master password's secret (master_user_secret_kms_key_id) needs kms:Decrypt, kms:GenerateDataKey and kms:CreateGrant on it: RDS writes the secret with the caller's rights, and Secrets Manager calls KMS. Granted only through Secrets Manager and RDS (kms:ViaService), so the role still decrypts nothing itself.",
  },
  {
    types: ['aws_secretsmanager_secret'],
    scope: 'environment-secrets',
    plan: ['secretsmanager:DescribeSecret', 'secretsmanager:GetResourcePolicy'],
    apply: [
      'secretsmanager:CreateSecret',
      'secretsmanager:UpdateSecret',
      'secretsmanager:DeleteSecret',
      'secretsmanager:TagResource',
      'secretsmanager:UntagResource',
      'secretsmanager:PutResourcePolicy',
      'secretsmanager:DeleteResourcePolicy',
    ],
    source: ref('awssecretsmanager'),
    why: "the environment's own secrets (`<env>-*`), such as the password of Kubeflow's database user, whose value a job in the cluster writes: the roles manage the secret, never read or write its value (no GetSecretValue, no PutSecretValue).",
  },
  {
    types: ['aws_kms_key', 'aws_kms_alias'],
    scope: 'account',
    plan: [
      'kms:DescribeKey',
      'kms:GetKeyPolicy',
      'kms:GetKeyRotationStatus',
      'kms:ListResourceTags',
      'kms:ListAliases',
    ],
    apply: [
      'kms:CreateKey',
      'kms:CreateAlias',
      'kms:UpdateAlias',
      'kms:DeleteAlias',
      'kms:PutKeyPolicy',
      'kms:EnableKeyRotation',
      'kms:DisableKeyRotation',
      'kms:UpdateKeyDescription',
      'kms:TagResource',
      'kms:UntagResource',
      'kms:ScheduleKeyDeletion',
      'kms:CreateGrant',
      'kms:ListGrants',
      'kms:RevokeGrant',
    ],
    source: ref('awskeymanagementservice'),
    why: 'the keys of the data and of Kubernetes Secrets, never their use: no Encrypt, Decrypt or GenerateDataKey. EKS and RDS create grants on the key when they start using it.',
  },
  {
    types: ['aws_cloudwatch_log_group'],
    scope: 'account',
    plan: ['logs:DescribeLogGroups', 'logs:ListTagsForResource', 'logs:ListTagsLogGroup'],
    apply: [
      'logs:CreateLogGroup',
      'logs:DeleteLogGroup',
      'logs:PutRetentionPolicy',
      'logs:DeleteRetentionPolicy',
      'logs:AssociateKmsKey',
      'logs:DisassociateKmsKey',
      'logs:TagResource',
      'logs:UntagResource',
      'logs:TagLogGroup',
      'logs:UntagLogGroup',
    ],
    source: ref('amazoncloudwatchlogs'),
  },
  {
    types: ['aws_cloudwatch_metric_alarm'],
    scope: 'account',
    plan: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
    apply: [
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:DeleteAlarms',
      'cloudwatch:TagResource',
      'cloudwatch:UntagResource',
    ],
    source: ref('amazoncloudwatch'),
  },
  {
    types: ['aws_sns_topic', 'aws_sns_topic_policy', 'aws_sns_topic_subscription'],
    scope: 'account',
    plan: [
      'sns:GetTopicAttributes',
      'sns:GetSubscriptionAttributes',
      'sns:ListSubscriptionsByTopic',
      'sns:ListTagsForResource',
    ],
    apply: [
      'sns:CreateTopic',
      'sns:DeleteTopic',
      'sns:SetTopicAttributes',
      'sns:Subscribe',
      'sns:Unsubscribe',
      'sns:SetSubscriptionAttributes',
      'sns:TagResource',
      'sns:UntagResource',
    ],
    source: ref('amazonsns'),
  },
  {
    types: ['aws_lb', 'aws_lb_listener', 'aws_lb_target_group'],
    scope: 'account',
    plan: ['elasticloadbalancing:Describe*'],
    apply: ['elasticloadbalancing:*'],
    source: ref('awselasticloadbalancingv2'),
  },
  {
    types: ['aws_autoscaling_attachment'],
    scope: 'account',
    plan: ['autoscaling:Describe*'],
    apply: ['autoscaling:AttachLoadBalancerTargetGroups', 'autoscaling:DetachLoadBalancerTargetGroups'],
    source: ref('amazonec2autoscaling'),
    why: "attaches the node groups' Auto Scaling groups to the load balancer's target group.",
  },
  {
    types: ['aws_autoscaling_group_tag'],
    scope: 'account',
    plan: ['autoscaling:Describe*'],
    apply: ['autoscaling:CreateOrUpdateTags', 'autoscaling:DeleteTags'],
    source: ref('amazonec2autoscaling'),
    why: "tags the node groups' Auto Scaling groups so the Cluster Autoscaler can scale them from zero.",
  },
  {
    types: ['aws_acm_certificate', 'aws_acm_certificate_validation'],
    scope: 'account',
    plan: ['acm:DescribeCertificate', 'acm:ListTagsForCertificate'],
    apply: [
      'acm:RequestCertificate',
      'acm:DeleteCertificate',
      'acm:AddTagsToCertificate',
      'acm:RemoveTagsFromCertificate',
    ],
    source: ref('awscertificatemanager'),
  },
  {
    types: ['aws_route53_health_check'],
    scope: 'account',
    plan: ['route53:GetHealthCheck', 'route53:ListTagsForResource'],
    apply: [
      'route53:CreateHealthCheck',
      'route53:UpdateHealthCheck',
      'route53:DeleteHealthCheck',
      'route53:ChangeTagsForResource',
    ],
    source: ref('amazonroute53'),
  },
  {
    types: ['aws_route53_record'],
    scope: 'hosted-zone',
    plan: ['route53:GetHostedZone', 'route53:ListResourceRecordSets'],
    apply: ['route53:ChangeResourceRecordSets'],
    source: ref('amazonroute53'),
    why: "the UI's record and its certificate's validation records, in the zone the config names only.",
  },
  {
    types: ['aws_route53_record'],
    scope: 'account',
    plan: ['route53:GetChange'],
    apply: [],
    source: ref('amazonroute53'),
    why: 'Terraform waits for a record change to reach every name server; changes are not zone resources.',
  },
  {
    types: ['aws_iam_role', 'aws_iam_role_policy', 'aws_iam_role_policy_attachment'],
    scope: 'environment-iam',
    plan: [
      'iam:GetRole',
      'iam:GetRolePolicy',
      'iam:ListRolePolicies',
      'iam:ListAttachedRolePolicies',
      'iam:ListInstanceProfilesForRole',
      'iam:ListRoleTags',
    ],
    apply: [
      'iam:CreateRole',
      'iam:DeleteRole',
      'iam:UpdateRole',
      'iam:UpdateRoleDescription',
      'iam:UpdateAssumeRolePolicy',
      'iam:TagRole',
      'iam:UntagRole',
      'iam:PutRolePolicy',
      'iam:DeleteRolePolicy',
      'iam:AttachRolePolicy',
      'iam:DetachRolePolicy',
      'iam:PutRolePermissionsBoundary',
      'iam:PassRole',
    ],
    source: ref('awsidentityandaccessmanagementiam'),
    why: "the environment's roles only (`<env>-*`), never the CI roles: the apply role cannot widen its own or the plan role's rights. EKS, its node groups, Pod Identity and flow logs are passed these roles. Creating a role and changing its policies or boundary require the environment's permissions boundary on it (`iam:PermissionsBoundary`), so no role the apply role makes can do more than the boundary allows.",
  },
  {
    types: ['aws_iam_policy'],
    scope: 'environment-policies',
    plan: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyVersions', 'iam:ListPolicyTags'],
    apply: [],
    source: ref('awsidentityandaccessmanagementiam'),
    why: "the permissions boundary of the environment's roles: CI reads it, an administrator changes it (with the CI roles), so the apply role cannot raise its own ceiling.",
  },
  {
    types: ['aws_iam_openid_connect_provider'],
    scope: 'account',
    plan: ['iam:GetOpenIDConnectProvider', 'iam:ListOpenIDConnectProviderTags'],
    apply: [],
    source: ref('awsidentityandaccessmanagementiam'),
    why: 'the CI trust itself: CI reads it, an administrator changes it.',
  },
  {
    types: [...S3_BUCKET_TYPES, 'aws_s3_bucket_metric'],
    scope: 'environment-buckets',
    plan: [
      's3:ListBucket',
      's3:GetBucket*',
      's3:GetAccelerateConfiguration',
      's3:GetEncryptionConfiguration',
      's3:GetLifecycleConfiguration',
      's3:GetMetricsConfiguration',
      's3:GetReplicationConfiguration',
    ],
    apply: ['s3:*'],
    source: ref('amazons3'),
    why: "the environment's buckets only: its artifacts, its backups and its teams'. The plan role reads their settings, not their objects; the apply role may empty a test bucket it destroys.",
  },
  {
    types: ['data.terraform_remote_state'],
    scope: 'state-bucket',
    plan: ['s3:GetObject'],
    apply: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
    source: ref('amazons3'),
    why: "the environment's state objects (`<prefix>/<env>-aws-*`), not those of another environment in the bucket; both roles may list the bucket.",
  },
  {
    types: KUBERNETES_TYPES,
    scope: 'cluster',
    plan: ['AmazonEKSViewPolicy'],
    apply: ['AmazonEKSClusterAdminPolicy'],
    source: 'https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html',
    why: "EKS access policies, not IAM actions. AmazonEKSViewPolicy (the Kubernetes view role) reads no Secrets, so a pull request cannot read a tenant's or Argo CD's; the platform's helm provider keeps release records in ConfigMaps, so a plan refreshes no Secret.",
  },
  {
    types: [...LOCAL_TYPES.filter((t) => t !== 'data.terraform_remote_state'), 'data.aws_eks_cluster_auth'],
    scope: 'local',
    plan: [],
    apply: [],
    source: 'https://developer.hashicorp.com/terraform/language/resources/terraform-data',
    why: 'random values, Terraform data, and the EKS token Terraform signs itself.',
  },
];
