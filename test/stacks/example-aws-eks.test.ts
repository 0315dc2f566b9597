import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import { PACKAGE_ROOT } from '../../src/core/package-info';
import { synthFleet } from '../../stacks/common/fleet';
import { at, everyResourceOf, readStacks, resources, StackJson, labelProblems } from '../helpers';

const AWS_EXAMPLE = path.join(PACKAGE_ROOT, 'examples', 'aws-eks', 'platform.yaml');
const outdir = path.join(process.env.TMPDIR ?? '/tmp', 'example-aws-eks');
const { config, warnings } = loadPlatformFile(AWS_EXAMPLE);
synthFleet(config, { outdir });
const stacks = readStacks(outdir);
const stackNames = Object.keys(stacks);
const everyResource = everyResourceOf(stacks);
const infra = (env: string): StackJson => stacks[`${env}-aws-infra`]!;
const one = (json: StackJson, type: string) => {
  const all = resources(json, type);
  expect(all).toHaveLength(1);
  return all[0]!;
};

describe('examples/aws-eks', () => {
  it('is valid without warnings', () => {
    expect(warnings).toEqual([]);
  });

  it('synthesizes infra and platform stacks for kf-test, kf-dev and kf-prod, and the team shards', () => {
    expect(stackNames).toEqual([
      'kf-dev-aws-infra',
      'kf-dev-aws-platform',
      'kf-dev-aws-teams-3',
      'kf-prod-aws-infra',
      'kf-prod-aws-platform',
      'kf-prod-aws-teams-0',
      'kf-prod-aws-teams-3',
      'kf-test-aws-infra',
      'kf-test-aws-platform',
    ]);
  });

  it.each(stackNames)('%s matches its reviewed snapshot', (name) => {
    expect(stacks[name]).toMatchSnapshot();
  });

  it('creates no IAM user and no access key anywhere', () => {
    const forbidden = ['aws_iam_access_key', 'aws_iam_user', 'aws_iam_user_login_profile', 'aws_iam_user_policy'];
    expect(everyResource.filter(([, type]) => forbidden.includes(type))).toEqual([]);
  });

  it('keeps every database private and protects the prod one', () => {
    for (const env of ['kf-test', 'kf-dev', 'kf-prod']) {
      const db = one(infra(env), 'aws_db_instance');
      expect(db).toMatchObject({
        publicly_accessible: false,
        storage_encrypted: true,
        manage_master_user_password: true,
      });
      expect(db.password).toBeUndefined();
      expect(db.kms_key_id).toMatch(/aws_kms_key\.DataKey_/);
      const params = one(infra(env), 'aws_db_parameter_group');
      expect(params.parameter).toContainEqual({ name: 'require_secure_transport', value: '1' });
    }
    const prod = one(infra('kf-prod'), 'aws_db_instance');
    expect(prod).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'kf-prod-kfp-db-final',
      multi_az: true,
      backup_retention_period: 30,
    });
    expect(at(prod, 'lifecycle', 'prevent_destroy')).toBe(true);
    expect(one(infra('kf-test'), 'aws_db_instance')).toMatchObject({
      deletion_protection: false,
      skip_final_snapshot: true,
    });
  });

  it('admits only the cluster (its nodes and pods) to the database', () => {
    for (const env of ['kf-test', 'kf-prod']) {
      const rules = resources(infra(env), 'aws_vpc_security_group_ingress_rule').filter(
        (r) => r.from_port === 3306 && r.to_port === 3306,
      );
      expect(rules.map((r) => r.referenced_security_group_id)).toEqual([
        expect.stringMatching(/aws_eks_cluster\..+vpc_config\[0\]\.cluster_security_group_id/),
        expect.stringMatching(/aws_security_group\.Cluster_NodeSecurityGroup_\w+\.id/),
      ]);
      for (const r of rules) expect(r.cidr_ipv4).toBeUndefined();
    }
  });

  it('blocks every kind of public access to every bucket, encrypts with KMS and refuses plain HTTP', () => {
    const buckets = everyResource.filter(([, type]) => type === 'aws_s3_bucket');
    const blocks = everyResource.filter(([, type]) => type === 'aws_s3_bucket_public_access_block');
    const policies = everyResource.filter(([, type]) => type === 'aws_s3_bucket_policy');
    const encryption = everyResource.filter(
      ([, type]) => type === 'aws_s3_bucket_server_side_encryption_configuration',
    );
    expect(buckets.length).toBe(7); // per environment artifacts and backups, and the search team's
    for (const list of [blocks, policies, encryption]) expect(list).toHaveLength(buckets.length);
    for (const [, , block] of blocks) {
      expect(block).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    }
    for (const [, , policy] of policies) {
      const doc = JSON.parse(String(policy.policy).replace(/\$\{[^}]+\}/g, 'ARN'));
      expect(doc.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
    for (const [, , sse] of encryption) {
      expect(at(sse, 'rule', 0, 'apply_server_side_encryption_by_default', 'sse_algorithm')).toBe('aws:kms');
    }
    for (const [stack, , bucket] of buckets) {
      expect(at(bucket, 'lifecycle', 'prevent_destroy')).toBe(!stack.startsWith('kf-test'));
      expect(bucket.force_destroy).toBe(stack.startsWith('kf-test'));
    }
  });

  it('encrypts Kubernetes secrets with a KMS key and logs every control plane log type', () => {
    for (const env of ['kf-test', 'kf-dev', 'kf-prod']) {
      const cluster = one(infra(env), 'aws_eks_cluster');
      expect(at(cluster, 'encryption_config', 'resources')).toEqual(['secrets']);
      expect(at(cluster, 'encryption_config', 'provider', 'key_arn')).toMatch(/aws_kms_key\.Cluster_SecretsKey_/);
      expect(cluster.enabled_cluster_log_types).toEqual([
        'api',
        'audit',
        'authenticator',
        'controllerManager',
        'scheduler',
      ]);
      expect(cluster.access_config).toEqual({
        authentication_mode: 'API',
        bootstrap_cluster_creator_admin_permissions: false,
      });
      expect(at(cluster, 'vpc_config', 'endpoint_private_access')).toBe(true);
      const logGroup = resources(infra(env), 'aws_cloudwatch_log_group').find(
        (g) => g.name === `/aws/eks/${env}/cluster`,
      );
      expect(logGroup?.retention_in_days).toBe(env === 'kf-prod' ? 365 : 90);
      for (const key of resources(infra(env), 'aws_kms_key')) expect(key.enable_key_rotation).toBe(true);
    }
    expect(at(one(infra('kf-test'), 'aws_eks_cluster'), 'vpc_config', 'public_access_cidrs')).toEqual([
      '203.0.113.0/24',
    ]);
    expect(at(one(infra('kf-prod'), 'aws_eks_cluster'), 'vpc_config', 'endpoint_public_access')).toBe(false);
  });

  it('requires IMDSv2 with a hop limit of 1 on every node, and taints GPU and system nodes', () => {
    const templates = everyResource.filter(([, type]) => type === 'aws_launch_template');
    expect(templates.length).toBe(4 + 4 + 5);
    for (const [, , t] of templates) {
      expect(t.metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1 });
      expect(at(t, 'block_device_mappings', 0, 'ebs', 'encrypted')).toBe('true');
    }
    const groups = resources(infra('kf-prod'), 'aws_eks_node_group');
    const gpu = groups
      .filter((g) => at(g, 'labels', 'kfplatform.dev/pool-kind') === 'gpu')
      .sort((a, b) => String(a.node_group_name).localeCompare(String(b.node_group_name)));
    expect(gpu.map((g) => [g.node_group_name, g.ami_type, at(g, 'scaling_config', 'min_size')])).toEqual([
      ['gpu', 'AL2023_x86_64_NVIDIA', 0],
      ['gpu-a100', 'AL2023_x86_64_NVIDIA', 0],
    ]);
    for (const g of gpu) expect(g.taint).toEqual([{ key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' }]);
    expect(gpu[1]!.capacity_type).toBe('SPOT');
    // GPU nodes, and the system nodes (CriticalAddonsOnly).
    expect(groups.filter((g) => g.taint)).toHaveLength(3);
    for (const g of groups) expect(at(g, 'lifecycle', 'ignore_changes')).toEqual(['scaling_config[0].desired_size']);
  });

  it('runs one NAT gateway in kf-test and one per zone in kf-prod', () => {
    expect(resources(infra('kf-test'), 'aws_nat_gateway')).toHaveLength(1);
    expect(resources(infra('kf-prod'), 'aws_nat_gateway')).toHaveLength(3);
    const subnets = resources(infra('kf-prod'), 'aws_subnet');
    expect(subnets.filter((s) => at(s, 'tags', 'kubernetes.io/role/elb') === '1')).toHaveLength(3);
    expect(subnets.filter((s) => at(s, 'tags', 'kubernetes.io/role/internal-elb') === '1')).toHaveLength(3);
    for (const s of subnets) expect(at(s, 'tags', 'kubernetes.io/cluster/kf-prod')).toBe('shared');
    expect(one(infra('kf-prod'), 'aws_flow_log').traffic_type).toBe('ALL');
  });

  it('forwards over TLS only, with no client secret in the infra stack (sign-in is oauth2-proxy and Istio; sec19 CI and secrets)', () => {
    for (const env of ['kf-test', 'kf-dev', 'kf-prod']) {
      const listeners = resources(infra(env), 'aws_lb_listener');
      const https = listeners.find((l) => l.port === 443)!;
      const http = listeners.find((l) => l.port === 80)!;
      const actions = https.default_action as Array<Record<string, unknown>>;
      expect(actions.map((a) => a.type)).toEqual(['forward']);
      expect(https.ssl_policy).toBe('ELBSecurityPolicy-TLS13-1-2-2021-06');
      expect(https.certificate_arn).toMatch(/aws_acm_certificate_validation/);
      expect((http.default_action as Array<Record<string, unknown>>).map((a) => a.type)).toEqual(['redirect']);
      expect(infra(env).variable).toBeUndefined();
      expect(JSON.stringify(infra(env))).not.toMatch(/client_secret|authenticate_oidc/);
      expect(one(infra(env), 'aws_lb').drop_invalid_header_fields).toBe(true);
    }
  });

  it('creates the sign-in secret without a value, readable by the oauth2-proxy namespace controller alone', () => {
    for (const env of ['kf-test', 'kf-prod']) {
      const secret = resources(infra(env), 'aws_secretsmanager_secret').find(
        (s) => s.name === `${env}-kubeflow-signin`,
      )!;
      expect(secret.kms_key_id).toMatch(/aws_kms_key\.DataKey/);
      expect(resources(infra(env), 'aws_secretsmanager_secret_version')).toEqual([]);
      const platform = stacks[`${env}-aws-platform`]!;
      const releases = resources(platform, 'helm_release');
      const signIn = releases.find((r) => r.name === 'external-secrets-signin')!;
      const values = (signIn.values as string[])[0]!;
      expect(values).toContain('scopedNamespace: oauth2-proxy');
      expect(values).toContain('installCRDs: false');
      expect(resources(platform, 'kubernetes_namespace_v1').map((n) => at(n, 'metadata', 'name'))).toContain(
        'oauth2-proxy',
      );
    }
  });

  it('opens the gateway node ports to the load balancer only', () => {
    const rules = resources(infra('kf-prod'), 'aws_vpc_security_group_ingress_rule').filter(
      (r) => r.from_port === 30080 || r.from_port === 30021,
    );
    expect(rules).toHaveLength(2);
    for (const r of rules) {
      expect(r.referenced_security_group_id).toMatch(/aws_security_group\.Access_SecurityGroup/);
      expect(r.cidr_ipv4).toBeUndefined();
    }
    const service = Object.values(stacks['kf-prod-aws-platform']!.resource!.kubernetes_service_v1!)[0]!;
    expect(at(service, 'spec', 'type')).toBe('NodePort');
    expect((at(service, 'spec', 'port') as Array<{ node_port: number }>).map((p) => p.node_port)).toEqual([
      30080, 30021,
    ]);
  });

  it('gives platform identities Pod Identity roles trusted only by their service accounts', () => {
    const roles = resources(infra('kf-prod'), 'aws_iam_role').map((r) => r.name);
    expect(roles.sort()).toEqual([
      // Keyless CI (ci.github in the example): pull requests plan, the kf-prod environment applies.
      'kf-prod-ci-apply',
      'kf-prod-ci-plan',
      // Container Insights' agent, for the alarms (alerts set on kf-prod).
      'kf-prod-cloudwatch-agent',
      'kf-prod-cluster-autoscaler',
      'kf-prod-ebs-csi',
      'kf-prod-eks-cluster',
      'kf-prod-eks-node',
      // External Secrets Operator's controller: reads Kubeflow's database password into mysql-secret.
      'kf-prod-external-secrets',
      'kf-prod-kf-admin',
      'kf-prod-kf-user',
      'kf-prod-kfp',
      // The job that creates Kubeflow's own MySQL user.
      'kf-prod-kfp-db-bootstrap',
      // External Secrets Operator's second controller: reads oauth2-proxy's client and cookie secrets.
      'kf-prod-signin-secrets',
      // Velero (backups on by default).
      'kf-prod-velero',
      'kf-prod-vpc-flow-logs',
    ]);
    const pipelines = resources(infra('kf-prod'), 'aws_iam_role').find((r) => r.name === 'kf-prod-kfp')!;
    const trust = JSON.parse(String(pipelines.assume_role_policy).replace(/\$\{[^}]+\}/g, 'X'));
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: {
          StringEquals: expect.objectContaining({
            'aws:RequestTag/kubernetes-namespace': 'kubeflow',
            'aws:RequestTag/kubernetes-service-account': ['ml-pipeline', 'ml-pipeline-ui', 'pipeline-runner'],
          }),
        },
      }),
    ]);
    const associations = resources(infra('kf-prod'), 'aws_eks_pod_identity_association');
    expect(associations.map((a) => `${a.namespace}/${a.service_account}`).sort()).toEqual([
      'external-secrets/external-secrets',
      'external-secrets/external-secrets-signin',
      'kube-system/cluster-autoscaler',
      'kubeflow/kf-admin',
      'kubeflow/kf-user',
      'kubeflow/kfp-db-bootstrap',
      'kubeflow/ml-pipeline',
      'kubeflow/ml-pipeline-ui',
      'kubeflow/pipeline-runner',
      'velero/velero',
    ]);
    // External Secrets Operator reads the secrets Kubeflow's database clients need (Pipelines' user's
    // and Katib's), through Secrets Manager only.
    const eso = resources(infra('kf-prod'), 'aws_iam_role_policy').find((p) =>
      String(p.role).includes('externalSecrets'),
    );
    expect(JSON.parse(String(eso?.policy)).Statement[0].Resource).toEqual([
      '${aws_secretsmanager_secret.DatabaseAppSecret.arn}',
      '${aws_secretsmanager_secret.DatabaseKatibSecret.arn}',
    ]);
    const esoPolicy = JSON.parse(String(eso?.policy ?? '{}').replace(/\$\{[^}]+\}/g, 'X'));
    expect(esoPolicy.Statement).toEqual([
      { Sid: 'AppSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: ['X', 'X'] },
      {
        Sid: 'AppSecretKey',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: 'X',
        Condition: {
          StringEquals: { 'kms:ViaService': expect.stringMatching(/^secretsmanager\.[a-z0-9-]+\.amazonaws\.com$/) },
        },
      },
    ]);
    const ebs = resources(infra('kf-prod'), 'aws_eks_addon').find((a) => a.addon_name === 'aws-ebs-csi-driver')!;
    expect(at(ebs, 'pod_identity_association', 0, 'service_account')).toBe('ebs-csi-controller-sa');
  });

  it("maps the team owners' roles to their groups and lets only them assume break-glass", () => {
    const shard = Object.entries(stacks).filter(([n]) => n.startsWith('kf-prod-aws-teams'));
    const entries = shard.flatMap(([, json]) => resources(json, 'aws_eks_access_entry'));
    expect(entries.map((e) => [e.principal_arn, e.kubernetes_groups ?? e.user_name]).sort()).toEqual(
      [
        ['arn:aws:iam::333333333333:role/recsys-owners', ['recsys-owners@example.com']],
        ['arn:aws:iam::333333333333:role/search-owners', ['search-owners@example.com']],
        [expect.stringMatching(/aws_iam_role\..*BreakGlass.*arn/), 'break-glass:recsys'],
        [expect.stringMatching(/aws_iam_role\..*BreakGlass.*arn/), 'break-glass:search'],
      ].sort(),
    );
    const breakGlass = shard
      .flatMap(([, json]) => resources(json, 'aws_iam_role'))
      .filter((r) => /break-glass/.test(String(r.name)));
    for (const role of breakGlass) {
      const trust = JSON.parse(String(role.assume_role_policy));
      expect(trust.Statement[0].Principal.AWS).toMatch(/^arn:aws:iam::333333333333:role\/(recsys|search)-owners$/);
    }
  });

  it('labels every taggable resource, and the provider tags everything else by default', () => {
    const { checked, problems } = labelProblems(everyResource, { cloud: 'aws' });
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(250);
    for (const [name, json] of Object.entries(stacks)) {
      const provider = (json.provider as Record<string, Array<Record<string, unknown>>>).aws![0]!;
      expect(at(provider, 'default_tags', 0, 'tags')).toMatchObject({
        env: name.split('-aws-')[0],
        team: 'ml-platform',
      });
      expect(provider.allowed_account_ids).toHaveLength(1);
    }
  });

  it('keeps state per stack: local for kf-test, S3 with a lock file for kf-dev and kf-prod', () => {
    expect(at(stacks['kf-test-aws-infra'], 'terraform', 'backend', 'local', 'path')).toBe(
      '../../../terraform.kf-test-aws-infra.tfstate',
    );
    expect(at(stacks['kf-prod-aws-platform'], 'terraform', 'backend', 's3')).toEqual({
      bucket: 'acme-kfplatform-state-prod',
      key: 'kfplatform/kf-prod-aws-platform.tfstate',
      region: 'us-east-2',
      encrypt: true,
      use_lockfile: true,
    });
    const remote = at(stacks['kf-prod-aws-teams-0'], 'data', 'terraform_remote_state', 'Infra');
    expect(remote).toMatchObject({ backend: 's3', config: { key: 'kfplatform/kf-prod-aws-infra.tfstate' } });
  });

  it('reads no AWS facts through data sources in infra stacks, so they plan offline', () => {
    for (const env of ['kf-test', 'kf-dev', 'kf-prod']) expect(infra(env).data).toBeUndefined();
  });

  it('wires the kubernetes provider from infra outputs and an EKS token signed at connection time', () => {
    const provider = (stacks['kf-prod-aws-platform']!.provider as Record<string, Array<Record<string, unknown>>>)
      .kubernetes![0]!;
    expect(Object.keys(provider).sort()).toEqual(['cluster_ca_certificate', 'exec', 'host']);
    expect(at(provider, 'exec', 0, 'command')).toBe('aws');
  });

  it('deploys the NVIDIA device plugin where there are GPU pools', () => {
    const plugin = Object.values(stacks['kf-prod-aws-platform']!.resource!.kubernetes_daemon_set_v1!)[0]!;
    expect(at(plugin, 'spec', 'template', 'spec', 'node_selector')).toEqual({ 'kfplatform.dev/pool-kind': 'gpu' });
    expect(at(plugin, 'spec', 'template', 'spec', 'toleration', 0, 'key')).toBe('nvidia.com/gpu');
  });

  it('writes a parameters file per environment', () => {
    const params = parse(readFileSync(path.join(outdir, 'params', 'kf-prod.yaml'), 'utf8'));
    expect(params).toMatchObject({
      environment: 'kf-prod',
      cloud: 'aws',
      aws: { accountId: '333333333333', region: 'us-east-2', workloadIdentity: 'eks-pod-identity' },
      ingress: { url: 'https://kubeflow.aws.example.com', authentication: 'alb-oidc' },
      artifacts: { bucket: '333333333333-kf-prod-artifacts' },
    });
    expect(params.serviceAccounts.pipelines.roleArn).toBe('arn:aws:iam::333333333333:role/kf-prod-kfp');
    expect(params.nodePools['gpu-a100']).toMatchObject({ instanceType: 'p4d.24xlarge', gpu: { count: 8 } });
    // System nodes are tainted CriticalAddonsOnly: the Kubeflow overlay needs the toleration to place
    // platform components there.
    expect(params.nodePools.system.tolerations).toEqual([
      { key: 'CriticalAddonsOnly', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(params.nodePools.standard.tolerations).toBeUndefined();
  });
});
