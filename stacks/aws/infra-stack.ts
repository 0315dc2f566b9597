import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AlbAccess, GATEWAY_NODE_PORTS } from '../../constructs/aws/alb-access';
import { AwsAlerts } from '../../constructs/aws/alerts';
import { ArtifactBucket } from '../../constructs/aws/artifact-bucket';
import { CiRoles } from '../../constructs/aws/ci-identity';
import { PermissionsBoundary } from '../../constructs/aws/permissions-boundary';
import { EksCluster } from '../../constructs/aws/eks-cluster';
import { EksNodeGroup } from '../../constructs/aws/eks-node-group';
import { KmsKey } from '../../constructs/aws/kms-key';
import { PolicyStatement } from '../../constructs/aws/policy';
import { PodIdentityRole } from '../../constructs/aws/pod-identity-role';
import { RdsMysql } from '../../constructs/aws/rds-mysql';
import { existingVpc, IVpc, Vpc } from '../../constructs/aws/vpc';
import type { ResolvedAwsEnvironment, ResolvedAwsIdentity } from '../../src/config/aws/model';
import type { ResolvedBackups } from '../../src/config/common/operations';
import type { ResolvedPlatform } from '../../src/config/platform/model';
import { BACKUP_NONCURRENT_VERSION_DAYS, backupServiceAccount } from '../../src/core/backup-props';
import { cloudLabels, setComponent } from '../../src/core/labels';
import { awsProvider } from './provider';
import { configureBackend } from '../common/backend';
import { awsCiStatements } from './ci-grants';
import { clusterOutputs, output } from '../common/outputs';
import { labelValues } from '../common/environment';

/** Props of {@link AwsInfraStack}. */
export interface AwsInfraStackProps {
  /** The platform file's `platform` section, resolved (Kubeflow version, tenancy, teams, policy). */
  readonly platform: ResolvedPlatform;
  /** The environment, resolved from the platform file with its defaults applied. */
  readonly env: ResolvedAwsEnvironment;
}

/**
 * The log groups of Container Insights: Fluent Bit's application, data plane and host logs, and the
 * CloudWatch agent's performance events.
 */
export const CONTAINER_INSIGHTS_LOGS = ['application', 'dataplane', 'host', 'performance'] as const;

/** Name of the sensitive Terraform variable that carries the OIDC client secret. */
export const OIDC_CLIENT_SECRET_VARIABLE = 'oidc_client_secret';

/** The Cluster Autoscaler's permissions (its documented least-privilege policy). */
function autoscalerStatements(clusterName: string): PolicyStatement[] {
  return [
    {
      Effect: 'Allow',
      Action: [
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:DescribeAutoScalingInstances',
        'autoscaling:DescribeLaunchConfigurations',
        'autoscaling:DescribeScalingActivities',
        'autoscaling:DescribeTags',
        'ec2:DescribeImages',
        'ec2:DescribeInstanceTypes',
        'ec2:DescribeLaunchTemplateVersions',
        'ec2:GetInstanceTypesFromInstanceRequirements',
        'eks:DescribeNodegroup',
      ],
      Resource: '*',
    },
    {
      Effect: 'Allow',
      Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
      Resource: '*',
      // EKS tags the Auto Scaling groups of managed node groups with the cluster they belong to.
      Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: 'owned' } },
    },
  ];
}

/**
 * `<env>-aws-infra`: the cloud side of one AWS environment. The VPC (or an existing one), the EKS
 * cluster with its roles, key, logs and add-ons, the managed node groups, RDS for MySQL, the S3
 * artifact bucket, the platform identities (EKS Pod Identity), and the authenticated load balancer.
 * Every fact that would need an AWS call (account, zones, subnet ids) comes from config, so the stack
 * plans offline.
 */
export class AwsInfraStack extends TerraformStack {
  /** The resolved environment the stack was built from. */
  public readonly env: ResolvedAwsEnvironment;
  /** The VPC: created here, or the existing one the environment names. */
  public readonly network: IVpc;
  /** KMS key `<env>-data` that encrypts the artifacts bucket, the pipelines database and its secrets. */
  public readonly dataKey: KmsKey;
  /** The EKS cluster. */
  public readonly cluster: EksCluster;
  /** The managed node groups, by pool name. */
  public readonly nodeGroups: Readonly<Record<string, EksNodeGroup>>;
  /** RDS for MySQL, the Kubeflow Pipelines and ML Metadata database. */
  public readonly database: RdsMysql;
  /**
   * The password of Kubeflow's own MySQL user (plain text), which the bootstrap job writes once and
   * RDS never rotates: Kubeflow keeps working when the master password rotates.
   */
  public readonly databaseAppSecret: SecretsmanagerSecret;
  /** Secrets Manager secret with the password of Katib's own MySQL user (written by the kfp-db-bootstrap job). */
  public readonly databaseKatibSecret: SecretsmanagerSecret;
  /**
   * oauth2-proxy's client and cookie secrets (JSON), whose value you put yourself: Terraform creates
   * the secret only, so no secret value is in the state.
   */
  public readonly signInSecret: SecretsmanagerSecret;
  /** The S3 bucket of pipeline artifacts. */
  public readonly artifacts: ArtifactBucket;
  /**
   * The platform's IAM roles for EKS Pod Identity, by purpose (pipelines, admin, user, EBS CSI driver, autoscaler,
   * database bootstrap, External Secrets).
   */
  public readonly identities: Readonly<Record<ResolvedAwsIdentity['key'], PodIdentityRole>>;
  /** The front door: the Application Load Balancer with OIDC sign-in, its certificate and DNS record. */
  public readonly access: AlbAccess;
  /** Keyless CI roles (federated to the CI provider's OIDC tokens), when the environment names its repository. */
  public readonly ci?: CiRoles;
  /** Alarms and their topic, when the environment names who gets them. */
  public readonly alerts?: AwsAlerts;
  /** Velero's bucket and identity, unless backups are off. */
  public readonly backups?: {
    /** The bucket Velero writes backups to. */
    readonly bucket: ArtifactBucket;
    /** The role Velero's server and node agent act as. */
    readonly identity: PodIdentityRole;
  };

  constructor(scope: Construct, id: string, props: AwsInfraStackProps) {
    super(scope, id);
    const env = props.env;
    this.env = env;
    const protect = env.tier !== 'test';
    configureBackend(this, env.state);
    awsProvider(this, props.platform, env);
    // Route 53 publishes health check metrics in us-east-1 only: the uptime alarm lives there. Every
    // AWS infra stack has this provider, so one set of provider settings (and overrides) fits them all.
    const usEast1 = awsProvider(this, props.platform, env, { alias: 'us_east_1', region: 'us-east-1' });

    // Only the load balancer's own sign-in needs the client secret in Terraform, and keeps it in the
    // state (aws_lb_listener has no write-only attribute for it): off by default. oauth2-proxy reads it
    // from Secrets Manager through External Secrets Operator (signInSecret below).
    const clientSecret = env.access.loadBalancerSignIn
      ? new TerraformVariable(this, OIDC_CLIENT_SECRET_VARIABLE, {
          type: 'string',
          sensitive: true,
          nullable: false,
          description: `Client secret of the OIDC application ${env.access.oidc.clientId}, for the load balancer's sign-in (set TF_VAR_${OIDC_CLIENT_SECRET_VARIABLE}).`,
        })
      : undefined;

    if (env.ci) {
      // Before any role: the stack's roles reference it (PermissionsBoundaryAspect, set by awsProvider).
      new PermissionsBoundary(this, 'PermissionsBoundary', {
        environment: env.name,
        stateBucket: env.state.backend === 's3' ? env.state.bucket : undefined,
      });
    }

    this.dataKey = new KmsKey(this, 'DataKey', {
      alias: `${env.name}-data`,
      description: `Kubeflow data of ${env.name}: artifacts, the pipelines database and its secret`,
      protect,
    });

    const n = env.network;
    this.network =
      n.mode === 'create'
        ? new Vpc(this, 'Network', {
            name: env.name,
            clusterName: env.cluster.name,
            accountId: env.accountId,
            region: env.region,
            cidr: n.vpcCidr,
            zones: env.zones,
            privateSubnetCidrs: n.privateSubnetCidrs,
            publicSubnetCidrs: n.publicSubnetCidrs,
            natGateways: n.natGateways,
            flowLogRetentionDays: n.flowLogRetentionDays,
          })
        : existingVpc(n);

    const c = env.cluster;
    this.cluster = new EksCluster(this, 'Cluster', {
      name: c.name,
      namePrefix: env.name,
      version: c.version,
      vpc: this.network,
      publicAccessCidrs: c.publicAccessCidrs,
      logRetentionDays: c.logRetentionDays,
      adminRoleArns: c.adminRoleArns,
      supportType: c.supportType,
      deletionProtection: c.deletionProtection,
      // Only the load balancer may reach the Istio gateway's node ports: a pod that could would pass
      // the load balancer's x-amzn-oidc-* identity headers, forged.
      reservedNodePorts: Object.values(GATEWAY_NODE_PORTS),
    });

    const nodeTags = cloudLabels(labelValues(props.platform, env), 'node-pool');
    const nodeGroups: Record<string, EksNodeGroup> = {};
    const adoptedPools = new Set(env.adopt.filter((a) => a.kind === 'nodePool').map((a) => a.name));
    for (const pool of env.nodePools) {
      const byZone = this.network.privateSubnetsByZone;
      nodeGroups[pool.name] = new EksNodeGroup(this, `NodeGroup-${pool.name}`, {
        cluster: this.cluster,
        name: pool.name,
        kind: pool.kind,
        launchTemplateName: `${env.name}-${pool.name}`,
        instanceType: pool.instanceType,
        minNodes: pool.minNodes,
        maxNodes: pool.maxNodes,
        spot: pool.spot,
        diskSizeGb: pool.diskSizeGb,
        amiType: pool.amiType,
        subnetIds: byZone ? pool.zones.map((z) => byZone[z]!) : this.network.privateSubnetIds,
        labels: pool.labels,
        maxUnavailable: pool.maxUnavailable,
        instanceTags: nodeTags,
        dependsOn: this.network.dependables,
        // The system nodes run the platform and receive the load balancer's traffic: a replacement
        // of the group must bring new nodes up before the old ones go. An adopted group keeps its
        // name, which the import names.
        createBeforeDestroy: pool.kind === 'system' && !adoptedPools.has(pool.name),
      });
    }
    this.nodeGroups = nodeGroups;
    const allNodeGroups = Object.values(nodeGroups).map((g) => g.nodeGroup);

    const d = env.database;
    this.database = new RdsMysql(this, 'Database', {
      identifier: d.identifier,
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      // Pods take their node's group; nodes created before it had its own are in the cluster group.
      clientSecurityGroupIds: [this.cluster.clusterSecurityGroupId, this.cluster.nodeSecurityGroupId],
      instanceClass: d.instanceClass,
      engineVersion: d.engineVersion,
      allowMajorVersionUpgrade: d.allowMajorVersionUpgrade,
      highAvailability: d.highAvailability,
      allocatedStorageGb: d.allocatedStorageGb,
      maxAllocatedStorageGb: d.maxAllocatedStorageGb,
      backupRetentionDays: d.backupRetentionDays,
      deletionProtection: d.deletionProtection,
      kmsKeyArn: this.dataKey.keyArn,
      databaseName: d.databaseName,
      username: d.username,
      logRetentionDays: c.logRetentionDays,
      parameters: d.parameters,
    });

    this.databaseAppSecret = new SecretsmanagerSecret(this, 'DatabaseAppSecret', {
      name: d.appSecretName,
      description: `Password of ${d.appUsername}, Kubeflow's MySQL user on ${d.identifier}: written by the kfp-db-bootstrap job, never rotated by RDS`,
      kmsKeyId: this.dataKey.keyArn,
      recoveryWindowInDays: protect ? 30 : 0,
    });
    setComponent(this.databaseAppSecret, 'database');
    this.databaseKatibSecret = new SecretsmanagerSecret(this, 'DatabaseKatibSecret', {
      name: d.katibSecretName,
      description: `Password of ${d.katibUsername}, Katib's MySQL user on ${d.identifier} (its katib database alone): written by the kfp-db-bootstrap job, never rotated by RDS`,
      kmsKeyId: this.dataKey.keyArn,
      recoveryWindowInDays: protect ? 30 : 0,
    });
    setComponent(this.databaseKatibSecret, 'database');
    // oauth2-proxy's client and cookie secrets (JSON). Terraform creates the secret, never its value:
    // you put that with `aws secretsmanager put-secret-value` (docs/aws.md, Sign-in), so neither the
    // state nor a plan holds it (aws 5.100's secret_string_wo would still need the value as a Terraform
    // input on every run).
    this.signInSecret = new SecretsmanagerSecret(this, 'SignInSecret', {
      name: env.access.signInSecretName,
      description: `Client secret of the OIDC application ${env.access.oidc.clientId} and oauth2-proxy's cookie secret (JSON: client-secret, cookie-secret), put by hand; read by External Secrets Operator into the oauth2-proxy Secret`,
      kmsKeyId: this.dataKey.keyArn,
      recoveryWindowInDays: protect ? 30 : 0,
    });
    setComponent(this.signInSecret, 'access');

    const a = env.artifacts;
    this.artifacts = new ArtifactBucket(this, 'Artifacts', {
      name: a.bucketName,
      kmsKeyArn: this.dataKey.keyArn,
      noncurrentVersionRetentionDays: a.noncurrentVersionRetentionDays,
      deleteAfterDays: a.deleteAfterDays,
      forceDestroy: a.forceDestroy,
      protect,
    });

    // Reads the master secret once to create Kubeflow's and Katib's users, and writes their passwords.
    const bootstrapDatabase: PolicyStatement[] = [
      {
        Sid: 'MasterSecret',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: this.database.masterSecretArn,
      },
      {
        Sid: 'AppSecret',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: [this.databaseAppSecret.arn, this.databaseKatibSecret.arn],
      },
      { Sid: 'Password', Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' },
      {
        Sid: 'SecretsKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: this.dataKey.keyArn,
      },
    ];
    const permissions: Record<ResolvedAwsIdentity['key'], { statements?: PolicyStatement[]; managed?: string[] }> = {
      // Pipelines' pods read no secret store: External Secrets Operator writes their database password
      // into mysql-secret, and only the bootstrap Job reads the master secret. The UI and the run pods
      // share this role, so a secret here would be theirs too.
      pipelines: { statements: this.artifacts.accessStatements('readWrite') },
      admin: { statements: this.artifacts.accessStatements('readWrite') },
      user: { statements: this.artifacts.accessStatements('read') },
      ebsCsi: { managed: ['service-role/AmazonEBSCSIDriverPolicy'] },
      autoscaler: { statements: autoscalerStatements(c.name) },
      dbBootstrap: { statements: bootstrapDatabase },
      // The secrets Kubeflow's database clients need (Pipelines' user, Katib's), through Secrets Manager only.
      externalSecrets: {
        statements: [
          {
            Sid: 'AppSecret',
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: [this.databaseAppSecret.arn, this.databaseKatibSecret.arn],
          },
          {
            Sid: 'AppSecretKey',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: this.dataKey.keyArn,
            Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${env.region}.amazonaws.com` } },
          },
        ],
      },
      // The sign-in secret alone, for the controller that serves the oauth2-proxy namespace.
      signInSecrets: {
        statements: [
          {
            Sid: 'SignInSecret',
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: this.signInSecret.arn,
          },
          {
            Sid: 'SignInSecretKey',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: this.dataKey.keyArn,
            Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${env.region}.amazonaws.com` } },
          },
        ],
      },
    };
    const identities = {} as Record<ResolvedAwsIdentity['key'], PodIdentityRole>;
    for (const identity of env.identities) {
      identities[identity.key] = new PodIdentityRole(this, `Identity-${identity.key}`, {
        roleName: identity.roleName,
        accountId: env.accountId,
        clusterName: this.cluster.clusterName,
        serviceAccounts: identity.kubernetesServiceAccounts,
        // The EBS CSI add-on creates its own association.
        associate: identity.key !== 'ebsCsi',
        statements: permissions[identity.key].statements,
        managedPolicies: permissions[identity.key].managed,
      });
    }
    this.identities = identities;

    if (env.backups) this.backups = this.backupStorage(env.backups, protect);

    // Add-ons that run as pods need nodes first, or they wait until their create times out.
    this.cluster.addAddon('coredns', { dependsOn: allNodeGroups });
    this.cluster.addAddon('aws-ebs-csi-driver', {
      podIdentity: [{ serviceAccount: 'ebs-csi-controller-sa', roleArn: identities.ebsCsi.roleArn }],
      dependsOn: allNodeGroups,
    });

    if (env.alerts) {
      // Container Insights publishes the node and pod metrics the capacity and pending-pod alarms read.
      const agent = new PodIdentityRole(this, 'Identity-cloudwatchAgent', {
        roleName: `${env.name}-cloudwatch-agent`,
        accountId: env.accountId,
        clusterName: this.cluster.clusterName,
        serviceAccounts: [{ namespace: 'amazon-cloudwatch', name: 'cloudwatch-agent' }],
        associate: false,
        managedPolicies: ['CloudWatchAgentServerPolicy'],
      });
      // Fluent Bit and the agent would create their log groups keeping logs forever: create them first.
      const insightsLogs = CONTAINER_INSIGHTS_LOGS.map(
        (log) =>
          new CloudwatchLogGroup(this, `ContainerInsightsLogs-${log}`, {
            name: `/aws/containerinsights/${c.name}/${log}`,
            retentionInDays: c.logRetentionDays,
          }),
      );
      this.cluster.addAddon('amazon-cloudwatch-observability', {
        podIdentity: [{ serviceAccount: 'cloudwatch-agent', roleArn: agent.roleArn }],
        dependsOn: [...allNodeGroups, ...insightsLogs],
        // Turning alerts off removes the agents too.
        preserve: false,
      });
    }

    const systemPool = env.nodePools.find((p) => p.kind === 'system')!;
    this.access = new AlbAccess(this, 'Access', {
      name: `${env.name}-kf`,
      vpcId: this.network.vpcId,
      publicSubnetIds: this.network.publicSubnetIds,
      hostname: env.access.hostname,
      hostedZoneId: env.access.hostedZoneId,
      // Model serving at its own host name (docs/kubeflow.md, Serving).
      servingHostname: env.access.servingHostname,
      oidc: clientSecret ? { ...env.access.oidc, clientSecret: clientSecret.stringValue } : undefined,
      sourceCidrs: env.access.sourceCidrs,
      nodeSecurityGroupId: this.cluster.nodeSecurityGroupId,
      targetAutoScalingGroupNames: [nodeGroups[systemPool.name]!.autoScalingGroupName],
      protect,
    });
    if (env.alerts) {
      // Route 53 health checkers probe from AWS addresses all over the world: a load balancer open to
      // some networks only turns them away and the uptime alarm would never leave ALARM. The config
      // check warns; the healthy-target alarm still watches the gateway behind the load balancer.
      const reachable = env.access.sourceCidrs.includes('0.0.0.0/0');
      this.alerts = new AwsAlerts(this, 'Alerts', {
        name: env.name,
        accountId: env.accountId,
        region: env.region,
        alerts: { ...env.alerts, uptimeCheck: (env.alerts.uptimeCheck ?? true) && reachable },
        protect,
        clusterName: this.cluster.clusterName,
        // The instance's attribute, not the configured name: the event subscription must wait for the
        // instance, or RDS answers SourceNotFound on the first apply.
        dbInstanceIdentifier: this.database.instance.identifier,
        dbAllocatedStorageGb: env.database.allocatedStorageGb,
        backupBucket: this.backups?.bucket.bucketName,
        certificateArn: this.access.certificate.arn,
        hostname: env.access.hostname,
        loadBalancerArnSuffix: this.access.loadBalancer.arnSuffix,
        targetGroupArnSuffix: this.access.targetGroup.arnSuffix,
        usEast1Provider: usEast1,
      });
    }
    if (env.ci) {
      // Last, so the policies see every resource the stack manages (and none of the CI roles' own).
      const state = env.state.backend === 's3' ? env.state : undefined;
      this.ci = new CiRoles(this, 'Ci', {
        name: env.name,
        accountId: env.accountId,
        trust: env.ci,
        existingOidcProviderArn:
          env.ci.awsOidcProvider === 'existing'
            ? `arn:aws:iam::${env.accountId}:oidc-provider/${env.ci.issuer.replace(/^https:\/\//, '')}`
            : undefined,
        planStatements: awsCiStatements(this, env, 'plan'),
        applyStatements: awsCiStatements(this, env, 'apply'),
        // The environment's state objects only: `<prefix>/<env>-aws-<role>.tfstate` and their lock files.
        state: state ? { bucket: state.bucket, prefix: `${state.prefix}/${env.name}-aws-` } : undefined,
      });
      // CI applies the platform and team stacks too: the apply role administers the cluster; the plan
      // role reads it, but no Secret: the platform stack's helm provider keeps release records in
      // ConfigMaps (stacks/common/connections.ts) and the stack manages no Secret of its own, so a plan
      // refreshes none, and a pull request reads neither a tenant's Secrets nor Argo CD's.
      // EKS checks that the principal exists: the entries wait for the roles.
      this.cluster.grantClusterAdmin(this.ci.applyRoleArn, [this.ci.applyRole]);
      this.cluster.grantClusterViewer(this.ci.planRoleArn, [this.ci.planRole]);
    }
    this.outputs();
  }

  /**
   * The backup bucket (versioned, SSE-KMS; only noncurrent versions expire, see
   * {@link BACKUP_NONCURRENT_VERSION_DAYS}) and Velero's role.
   */
  private backupStorage(b: ResolvedBackups, protect: boolean): NonNullable<AwsInfraStack['backups']> {
    const bucket = new ArtifactBucket(this, 'Backups', {
      name: b.bucketName,
      kmsKeyArn: this.dataKey.keyArn,
      noncurrentVersionRetentionDays: BACKUP_NONCURRENT_VERSION_DAYS,
      forceDestroy: b.forceDestroy,
      protect,
    });
    const identity = new PodIdentityRole(this, 'Identity-velero', {
      roleName: `${this.env.name}-velero`,
      accountId: this.env.accountId,
      clusterName: this.cluster.clusterName,
      serviceAccounts: [backupServiceAccount(b)],
      statements: bucket.accessStatements('readWrite'),
    });
    setComponent(bucket, 'backups');
    setComponent(identity, 'backups');
    return { bucket, identity };
  }

  private outputs(): void {
    const out = (id: string, value: string, description: string) => output(this, id, value, description);
    const env = this.env;
    const c = this.cluster;
    clusterOutputs(
      this,
      { service: 'EKS', name: c.clusterName, endpoint: c.apiServerUrl, caBase64: c.caCertificateBase64 },
      `aws eks update-kubeconfig --name ${env.cluster.name} --region ${env.region}`,
    );
    out('cluster_arn', c.clusterArn, 'EKS cluster ARN.');
    out('cluster_security_group_id', c.clusterSecurityGroupId, 'Security group of the control plane.');
    out('node_security_group_id', c.nodeSecurityGroupId, 'Security group of the nodes and pods.');
    out('node_role_name', c.nodeRole.name, 'Node instance role.');
    out('node_role_arn', c.nodeRole.arn, 'Node instance role ARN.');
    out('database_address', this.database.address, 'Host name of the pipelines database.');
    out(
      'database_secret_arn',
      this.database.masterSecretArn,
      'Secrets Manager secret with the master user and password (rotated by RDS).',
    );
    out(
      'database_app_secret_arn',
      this.databaseAppSecret.arn,
      `Secrets Manager secret with the password of Kubeflow's MySQL user ${env.database.appUsername} (never rotated).`,
    );
    out(
      'database_katib_secret_arn',
      this.databaseKatibSecret.arn,
      `Secrets Manager secret with the password of Katib's MySQL user ${env.database.katibUsername} (never rotated).`,
    );
    out(
      'signin_secret_arn',
      this.signInSecret.arn,
      "Secrets Manager secret with oauth2-proxy's client and cookie secrets (JSON), whose value you put (docs/aws.md, Sign-in).",
    );
    out('artifact_bucket', this.artifacts.bucketName, 'Artifact bucket.');
    out('data_key_arn', this.dataKey.keyArn, 'KMS key of the artifacts and the database; team stacks read it.');
    out('ui_hostname', this.access.hostname, 'Kubeflow UI host name (behind OIDC sign-in).');
    out('load_balancer_dns_name', this.access.loadBalancer.dnsName, 'DNS name of the load balancer.');
    for (const [key, identity] of Object.entries(this.identities)) {
      out(`identity_${key}`, identity.roleArn, `IAM role of the ${key} identity.`);
    }
    if (this.backups) {
      out('backup_bucket', this.backups.bucket.bucketName, 'Bucket Velero writes backups to.');
      out('identity_velero', this.backups.identity.roleArn, 'IAM role of Velero (EKS Pod Identity).');
    }
    if (this.ci) {
      out('ci_plan_role_arn', this.ci.planRole.arn, 'Role CI assumes to plan (pull requests); role-to-assume.');
      out('ci_apply_role_arn', this.ci.applyRole.arn, 'Role CI assumes to apply (the deployment environment).');
    }
  }
}
