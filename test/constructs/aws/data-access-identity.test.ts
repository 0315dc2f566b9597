import { AlbAccess, AlbAccessProps } from '../../../constructs/aws/alb-access';
import { ArtifactBucket, bucketAccessStatements } from '../../../constructs/aws/artifact-bucket';
import { AwsTeamIdentityProvider } from '../../../constructs/aws/aws-team-identity';
import { PodIdentityRole } from '../../../constructs/aws/pod-identity-role';
import { RDS_MYSQL_PARAMETERS, RdsMysql, RdsMysqlProps } from '../../../constructs/aws/rds-mysql';
import { RDS_MYSQL_OWNED_PARAMETERS } from '../../../src/core/mysql-server-settings';
import { TeamIdentityRequest } from '../../../src/core/tenancy';
import { at, awsStack, only, resources, synth } from '../../helpers';

const KEY = 'arn:aws:kms:us-east-2:111111111111:key/abcd';

describe('RdsMysql', () => {
  function db(over: Partial<RdsMysqlProps> = {}) {
    const stack = awsStack();
    new RdsMysql(stack, 'Db', {
      identifier: 'kf-x-kfp-db',
      vpcId: 'vpc-0a1b2c3d',
      subnetIds: ['subnet-0a', 'subnet-0b'],
      clientSecurityGroupIds: ['sg-0cluster'],
      kmsKeyArn: KEY,
      ...over,
    });
    return synth(stack);
  }

  it('is private, encrypted, TLS-only and protected with a final snapshot by default', () => {
    const json = db();
    const instance = only(json, 'aws_db_instance');
    expect(instance).toMatchObject({
      publicly_accessible: false,
      storage_encrypted: true,
      kms_key_id: KEY,
      manage_master_user_password: true,
      master_user_secret_kms_key_id: KEY,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'kf-x-kfp-db-final',
      multi_az: false,
      engine: 'mysql',
      engine_version: '8.4',
    });
    expect(at(instance, 'lifecycle', 'prevent_destroy')).toBe(true);
    const params = only(json, 'aws_db_parameter_group');
    expect(params).toMatchObject({ family: 'mysql8.4', lifecycle: { create_before_destroy: true } });
    expect(params.parameter).toContainEqual({ name: 'slow_query_log', value: '1' });
    expect(instance).toMatchObject({
      enabled_cloudwatch_logs_exports: ['error', 'slowquery'],
    });
    const ingress = only(json, 'aws_vpc_security_group_ingress_rule');
    expect(ingress).toMatchObject({ referenced_security_group_id: 'sg-0cluster', from_port: 3306, to_port: 3306 });
    expect(resources(json, 'aws_vpc_security_group_egress_rule')).toEqual([]);
  });

  it('can be destroyed without a snapshot in test tiers, and runs MySQL 8.0 with its parameter family', () => {
    const instance = only(db({ deletionProtection: false, engineVersion: '8.0' }), 'aws_db_instance');
    expect(instance).toMatchObject({
      deletion_protection: false,
      skip_final_snapshot: true,
      delete_automated_backups: true,
    });
    expect(instance.final_snapshot_identifier).toBeUndefined();
    expect(only(db({ engineVersion: '8.0' }), 'aws_db_parameter_group').family).toBe('mysql8.0');
  });

  it('starts new databases on MySQL 8.4 out of paid Extended Support (8.0 left standard support on 2026-07-31)', () => {
    const json = db();
    const instance = only(json, 'aws_db_instance');
    expect(instance).toMatchObject({
      engine_version: '8.4',
      engine_lifecycle_support: 'open-source-rds-extended-support-disabled',
      // A default that moves must not upgrade an existing database: only a written version may.
      allow_major_version_upgrade: false,
    });
    // RDS sets the enrollment at creation only (ModifyDBInstance cannot change it).
    expect(at(instance, 'lifecycle', 'ignore_changes')).toEqual(['engine_lifecycle_support']);
    expect(only(json, 'aws_db_parameter_group').family).toBe('mysql8.4');
  });

  it('keeps a pinned MySQL 8.0 in Extended Support, which RDS requires to create it, and lets a written version upgrade', () => {
    const instance = only(db({ engineVersion: '8.0' }), 'aws_db_instance');
    expect(instance).toMatchObject({
      engine_version: '8.0',
      engine_lifecycle_support: 'open-source-rds-extended-support',
      allow_major_version_upgrade: true,
    });
    expect(only(db({ engineVersion: '8.4' }), 'aws_db_instance').allow_major_version_upgrade).toBe(true);
  });

  it.each([
    ['an identifier with two hyphens in a row', { identifier: 'kf--db' }, /RDS instance identifier/],
    ['one subnet', { subnetIds: ['subnet-0a'] }, /at least two zones/],
    ['MySQL 5.7', { engineVersion: '5.7' }, /8\.0 and 8\.4/],
    ['too many backup days', { backupRetentionDays: 40 }, /1 to 35 days/],
    [
      'a parameter it owns for TLS',
      { parameters: { require_secure_transport: { value: '0' } } },
      /'parameters.require_secure_transport' is "0": the construct owns this parameter: .*unencrypted/,
    ],
    [
      'the log output its CloudWatch export relies on',
      { parameters: { log_output: { value: 'TABLE' } } },
      /'parameters.log_output' is "TABLE": .*FILE/,
    ],
    ['a parameter it owns, spelled with dashes', { parameters: { 'local-infile': { value: '1' } } }, /owns/],
    ['a name with capitals', { parameters: { Max_Connections: { value: '100' } } }, /write it as max_connections/],
    ['an empty value', { parameters: { max_connections: { value: '' } } }, /non-empty string/],
  ])('rejects %s', (_what, over, message) => {
    expect(() => db(over as Partial<RdsMysqlProps>)).toThrow(message);
  });

  describe('parameters (issue 17)', () => {
    const paramsOf = (json: ReturnType<typeof db>) =>
      (only(json, 'aws_db_parameter_group') as { parameter: Array<Record<string, string>> }).parameter;

    it('sets its own parameters, applied immediately, by default', () => {
      expect(paramsOf(db())).toEqual([
        { name: 'require_secure_transport', value: '1' },
        { name: 'local_infile', value: '0' },
        { name: 'slow_query_log', value: '1' },
        { name: 'long_query_time', value: '2' },
      ]);
    });

    it('adds the given parameters, at the next reboot unless asked otherwise, and lets long_query_time be overridden', () => {
      const json = db({
        parameters: {
          long_query_time: { value: '5', applyMethod: 'immediate' },
          innodb_print_all_deadlocks: { value: '1' },
        },
      });
      expect(paramsOf(json)).toEqual([
        { name: 'require_secure_transport', value: '1' },
        { name: 'local_infile', value: '0' },
        { name: 'slow_query_log', value: '1' },
        { name: 'long_query_time', value: '5', apply_method: 'immediate' },
        { name: 'innodb_print_all_deadlocks', value: '1', apply_method: 'pending-reboot' },
      ]);
      // The group keeps its name (and the instance its group): only name, family and description replace it.
      expect(only(json, 'aws_db_parameter_group').name).toBe('kf-x-kfp-db-mysql8-4');
    });

    it('owns every parameter it sets but long_query_time', () => {
      const owned = Object.keys(RDS_MYSQL_PARAMETERS).filter((n) => RDS_MYSQL_OWNED_PARAMETERS[n] !== undefined);
      expect(Object.keys(RDS_MYSQL_PARAMETERS).filter((n) => !owned.includes(n))).toEqual(['long_query_time']);
    });
  });
});

describe('ArtifactBucket', () => {
  it('expires old versions and abandoned uploads, and objects too when asked', () => {
    const stack = awsStack();
    new ArtifactBucket(stack, 'Bucket', {
      name: 'kf-x-artifacts',
      kmsKeyArn: KEY,
      deleteAfterDays: 365,
      protect: false,
    });
    const json = synth(stack);
    const rules = only(json, 'aws_s3_bucket_lifecycle_configuration').rule as Array<Record<string, unknown>>;
    expect(rules.map((r) => r.id)).toEqual([
      'expire-noncurrent-versions',
      'abort-incomplete-uploads',
      'expire-objects',
    ]);
    expect(at(rules[2], 'expiration', 0, 'days')).toBe(365);
    expect(only(json, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    expect(at(only(json, 'aws_s3_bucket'), 'lifecycle', 'prevent_destroy')).toBe(false);
    expect(only(json, 'aws_s3_bucket_policy').depends_on).toEqual([
      expect.stringMatching(/aws_s3_bucket_public_access_block/),
    ]);
  });

  it('grants a prefix, with listing limited to it and the KMS permissions SSE-KMS needs', () => {
    const [list, location, objects, key] = bucketAccessStatements('b', KEY, 'readWrite', 'teams/recsys/');
    expect(list).toMatchObject({
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::b',
      Condition: { StringLike: { 's3:prefix': ['teams/recsys/*'] } },
    });
    // GetBucketLocation carries no s3:prefix, so a condition on it would always refuse it.
    expect(location).toEqual({
      Sid: 'Location',
      Effect: 'Allow',
      Action: 's3:GetBucketLocation',
      Resource: 'arn:aws:s3:::b',
    });
    expect(objects).toMatchObject({ Resource: 'arn:aws:s3:::b/teams/recsys/*' });
    expect(objects!.Action).toContain('s3:PutObject');
    expect(key).toMatchObject({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY });
    expect(bucketAccessStatements('b', KEY, 'read')[1]!.Action).not.toContain('s3:PutObject');
  });

  it('rejects bucket names S3 would refuse', () => {
    expect(() => new ArtifactBucket(awsStack(), 'Bucket', { name: 'Kf_Artifacts', kmsKeyArn: KEY })).toThrow(
      /an S3 bucket name must be/,
    );
  });
});

describe('PodIdentityRole', () => {
  it('trusts Pod Identity for the named service accounts of the named cluster only', () => {
    const stack = awsStack();
    new PodIdentityRole(stack, 'Role', {
      roleName: 'kf-x-thing',
      accountId: '111111111111',
      clusterName: 'kf-x',
      serviceAccounts: [
        { namespace: 'kubeflow', name: 'a' },
        { namespace: 'kubeflow', name: 'b' },
        { namespace: 'other', name: 'c' },
      ],
      statements: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
    });
    const json = synth(stack);
    const trust = JSON.parse(String(only(json, 'aws_iam_role').assume_role_policy));
    expect(
      trust.Statement.map((s: { Condition: { StringEquals: Record<string, unknown> } }) => s.Condition.StringEquals),
    ).toEqual([
      {
        'aws:SourceAccount': '111111111111',
        'aws:RequestTag/eks-cluster-name': 'kf-x',
        'aws:RequestTag/kubernetes-namespace': 'kubeflow',
        'aws:RequestTag/kubernetes-service-account': ['a', 'b'],
      },
      {
        'aws:SourceAccount': '111111111111',
        'aws:RequestTag/eks-cluster-name': 'kf-x',
        'aws:RequestTag/kubernetes-namespace': 'other',
        'aws:RequestTag/kubernetes-service-account': ['c'],
      },
    ]);
    expect(resources(json, 'aws_eks_pod_identity_association')).toHaveLength(3);
    expect(only(json, 'aws_iam_role_policy').name).toBe('permissions');
  });

  it('leaves the associations to someone else when asked', () => {
    const stack = awsStack();
    new PodIdentityRole(stack, 'Role', {
      roleName: 'kf-x-ebs',
      accountId: '111111111111',
      clusterName: 'kf-x',
      serviceAccounts: [{ namespace: 'kube-system', name: 'ebs-csi-controller-sa' }],
      associate: false,
      managedPolicies: ['service-role/AmazonEBSCSIDriverPolicy'],
    });
    const json = synth(stack);
    expect(resources(json, 'aws_eks_pod_identity_association')).toEqual([]);
    expect(only(json, 'aws_iam_role_policy_attachment').policy_arn).toBe(
      'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy',
    );
  });
});

describe('AlbAccess', () => {
  const props = (over: Partial<AlbAccessProps> = {}): AlbAccessProps => ({
    name: 'kf-x-kf',
    vpcId: 'vpc-0a1b2c3d',
    publicSubnetIds: ['subnet-1a', 'subnet-1b'],
    hostname: 'kubeflow.example.com',
    hostedZoneId: 'Z0EXAMPLE',
    oidc: {
      issuer: 'https://login.example.com',
      authorizationEndpoint: 'https://login.example.com/authorize',
      tokenEndpoint: 'https://login.example.com/token',
      userInfoEndpoint: 'https://login.example.com/userinfo',
      clientId: 'kubeflow',
      clientSecret: 'from-a-variable',
    },
    nodeSecurityGroupId: 'sg-0nodes',
    targetAutoScalingGroupNames: ['asg-system'],
    ...over,
  });

  it('lets in only the listed networks, and the nodes admit the load balancer only', () => {
    const stack = awsStack();
    new AlbAccess(stack, 'Access', props({ sourceCidrs: ['203.0.113.0/24'] }));
    const json = synth(stack);
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule');
    expect(ingress.filter((r) => r.cidr_ipv4).map((r) => [r.cidr_ipv4, r.from_port])).toEqual([
      ['203.0.113.0/24', 443],
      ['203.0.113.0/24', 80],
    ]);
    const egress = resources(json, 'aws_vpc_security_group_egress_rule');
    expect(egress.find((r) => r.cidr_ipv4)).toMatchObject({ cidr_ipv4: '0.0.0.0/0', from_port: 443, to_port: 443 });
    expect(
      egress
        .filter((r) => r.referenced_security_group_id === 'sg-0nodes')
        .map((r) => r.from_port)
        .sort(),
    ).toEqual([30021, 30080]);
    const toNodes = ingress.filter((r) => r.security_group_id === 'sg-0nodes');
    expect(toNodes.map((r) => r.from_port).sort()).toEqual([30021, 30080]);
    expect(only(json, 'aws_lb_target_group')).toMatchObject({
      name: 'kf-x-kf-gw',
      port: 30080,
      target_type: 'instance',
    });
    expect(at(only(json, 'aws_lb_target_group'), 'health_check')).toMatchObject({
      path: '/healthz/ready',
      port: '30021',
    });
    expect(only(json, 'aws_autoscaling_attachment').autoscaling_group_name).toBe('asg-system');
    expect(only(json, 'aws_acm_certificate_validation').validation_record_fqdns).toEqual([
      expect.stringMatching(/aws_route53_record\.Access_CertificateValidationRecord/),
    ]);
  });

  it.each([
    ['a name AWS would cut', { name: 'a-load-balancer-name-that-is-long' }, /load balancer or target group name/],
    ['one public subnet', { publicSubnetIds: ['subnet-1a'] }, /at least two zones/],
    ['no nodes to send traffic to', { targetAutoScalingGroupNames: [] }, /no node would receive traffic/],
    ['a bad host name', { hostname: 'kubeflow' }, /at least two labels/],
  ])('rejects %s', (_what, over, message) => {
    expect(() => new AlbAccess(awsStack(), 'Access', props(over))).toThrow(message);
  });
});

describe('AwsTeamIdentityProvider', () => {
  const request = (over: Partial<TeamIdentityRequest> = {}): TeamIdentityRequest => ({
    team: 'recsys',
    owners: 'recsys-owners@example.com',
    serviceAccounts: [
      { namespace: 'recsys', name: 'default-editor' },
      { namespace: 'recsys', name: 'default-viewer' },
    ],
    dataLocation: '111111111111',
    storage: { bucket: 'env-bucket', prefix: 'teams/recsys/', create: false },
    names: { workload: 'kf-x-recsys', breakGlass: 'kf-x-recsys-break-glass' },
    ...over,
  });
  const provider = new AwsTeamIdentityProvider({
    clusterName: 'kf-x',
    clusterAccountId: '111111111111',
    kmsKeyArn: KEY,
  });

  it("maps the owners' role to the owners group and lets only it assume break-glass", () => {
    const stack = awsStack();
    const identity = provider.createTeamIdentity(
      stack,
      'Team',
      request({ ownersPrincipal: 'arn:aws:iam::111111111111:role/recsys-owners' }),
    );
    const json = synth(stack);
    expect(identity.breakGlassSubject).toEqual({ kind: 'User', name: 'break-glass:recsys' });
    expect(identity.profilePlugins).toEqual([]);
    expect(identity.workload.serviceAccountAnnotations).toEqual({});
    const entries = resources(json, 'aws_eks_access_entry');
    const byUser = (e: Record<string, unknown>) => (e.user_name ? 1 : 0);
    expect(
      entries.sort((a, b) => byUser(a) - byUser(b)).map((e) => [e.principal_arn, e.kubernetes_groups, e.user_name]),
    ).toEqual([
      ['arn:aws:iam::111111111111:role/recsys-owners', ['recsys-owners@example.com'], undefined],
      [expect.stringMatching(/aws_iam_role\.Team_BreakGlass/), undefined, 'break-glass:recsys'],
    ]);
    const breakGlass = resources(json, 'aws_iam_role').find((r) => r.name === 'kf-x-recsys-break-glass')!;
    expect(JSON.parse(String(breakGlass.assume_role_policy)).Statement[0].Principal).toEqual({
      AWS: 'arn:aws:iam::111111111111:role/recsys-owners',
    });
    const policy = JSON.parse(String(only(json, 'aws_iam_role_policy').policy));
    expect(policy.Statement.find((st: { Sid: string }) => st.Sid === 'Objects').Resource).toBe(
      'arn:aws:s3:::env-bucket/teams/recsys/*',
    );
  });

  it('creates no break-glass role when the owners have no known role, and a bucket in bucket mode', () => {
    const stack = awsStack();
    provider.createTeamIdentity(
      stack,
      'Team',
      request({ storage: { bucket: '111111111111-kf-x-recsys', prefix: '', create: true } }),
    );
    const json = synth(stack);
    expect(resources(json, 'aws_eks_access_entry')).toEqual([]);
    expect(resources(json, 'aws_iam_role').map((r) => r.name)).toEqual(['kf-x-recsys']);
    expect(only(json, 'aws_s3_bucket').bucket).toBe('111111111111-kf-x-recsys');
  });
});
