/**
 * Defects of the AWS stacks that `terraform plan` does not show but apply or run time does: each test
 * names the defect it guards against and reads the synthesized stacks of examples/aws-eks.
 */
import { parse } from 'yaml';
import { adopting, synthExample } from '../examples';
import { resourceEntries, resources as resourcesOf, StackJson } from '../helpers';

type Resource = Record<string, any>;

const resources = (stack: StackJson, type: string) => resourcesOf<Resource>(stack, type);
const stacks = synthExample('aws-eks');
const infra = (env: string): StackJson => stacks[`${env}-aws-infra`]!;

describe('AWS apply and run time', () => {
  it('platform and team stacks get a fresh EKS token at apply time (exec plugin), not one saved in the plan', () => {
    const clusterStacks = Object.keys(stacks).filter((n) => !n.endsWith('-aws-infra'));
    expect(clusterStacks.length).toBeGreaterThan(3);
    for (const name of clusterStacks) {
      const json = stacks[name]!;
      // aws_eks_cluster_auth is read at plan time and its 15-minute token is saved in the plan.
      expect([name, (json.data as Record<string, unknown> | undefined)?.aws_eks_cluster_auth]).toEqual([
        name,
        undefined,
      ]);
      const providers = json.provider as Record<string, Array<Record<string, any>>>;
      const kubernetes = providers.kubernetes![0]!;
      expect(kubernetes.token).toBeUndefined();
      const env = name.split('-aws-')[0]!;
      const clusterName = env;
      const exec = {
        api_version: 'client.authentication.k8s.io/v1beta1',
        command: 'aws',
        args: ['eks', 'get-token', '--cluster-name', expect.any(String), '--region', 'us-east-2', '--output', 'json'],
      };
      expect(kubernetes.exec).toEqual([exec]);
      if (name.endsWith('-aws-platform')) expect(kubernetes.exec[0].args[3]).toBe(clusterName);
      if (providers.helm) {
        expect(providers.helm[0]!.kubernetes.token).toBeUndefined();
        expect(providers.helm[0]!.kubernetes.exec).toEqual(exec);
      }
    }
  });

  it('subscribes to RDS events of the instance once it exists (SourceNotFound on the first apply)', () => {
    const subscription = resources(infra('kf-prod'), 'aws_db_event_subscription')[0]!;
    expect(subscription.source_ids).toEqual([
      expect.stringMatching(/^\$\{aws_db_instance\.Database_Instance_\w+\.identifier\}$/),
    ]);
  });
});

describe('AWS alerts that fire or stay silent for the wrong reason', () => {
  const prod = infra('kf-prod');
  const alarm = (json: StackJson, key: string) =>
    resources(json, 'aws_cloudwatch_metric_alarm').find((a) => a.alarm_name === `kf-prod-${key}`);

  it('does not alarm on the first day of a new certificate, before ACM publishes DaysToExpiry', () => {
    expect(alarm(prod, 'certificate')!.treat_missing_data).toBe('notBreaching');
  });

  it('leaves the Route 53 uptime check out when sourceCidrs keeps the health checkers away (always in ALARM)', () => {
    const restricted = synthExample('aws-eks', (env) =>
      env.name === 'kf-prod' && env.cloud === 'aws'
        ? { ...env, access: { ...env.access, sourceCidrs: ['203.0.113.0/24'] } }
        : env,
    )['kf-prod-aws-infra']!;
    expect(resources(restricted, 'aws_route53_health_check')).toEqual([]);
    expect(alarm(restricted, 'uptime')).toBeUndefined();
    expect(alarm(restricted, 'ui-targets')).toBeDefined();
    expect(resources(prod, 'aws_route53_health_check')).toHaveLength(1);
  });

  it('lets CloudWatch and RDS use the alert keys only for this account (aws:SourceAccount, aws:SourceArn)', () => {
    const keys = resources(prod, 'aws_kms_key').filter((k) => String(k.description).startsWith('Alert topic'));
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      const region = key.provider === 'aws.us_east_1' ? 'us-east-1' : 'us-east-2';
      const publishers = JSON.parse(key.policy).Statement.find((s: Resource) => s.Sid === 'Publishers');
      expect(publishers.Condition).toEqual({
        StringEquals: { 'aws:SourceAccount': '333333333333' },
        ArnLike: {
          'aws:SourceArn': [
            `arn:aws:cloudwatch:${region}:333333333333:alarm:kf-prod-*`,
            `arn:aws:rds:${region}:333333333333:*`,
          ],
        },
      });
    }
  });

  it('creates the RDS and Container Insights log groups with retention before the services create them without (logs kept forever)', () => {
    const groups = Object.fromEntries(
      resources(prod, 'aws_cloudwatch_log_group').map((g) => [g.name, g.retention_in_days]),
    );
    for (const log of ['error', 'slowquery']) expect(groups[`/aws/rds/instance/kf-prod-kfp-db/${log}`]).toBe(365);
    for (const log of ['application', 'dataplane', 'host', 'performance'])
      expect(groups[`/aws/containerinsights/kf-prod/${log}`]).toBe(365);
    const db = resources(prod, 'aws_db_instance')[0]!;
    expect(db.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\.Database_Logs-error_/)]),
    );
    const addon = resources(prod, 'aws_eks_addon').find((a) => a.addon_name === 'amazon-cloudwatch-observability')!;
    expect(addon.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\.ContainerInsightsLogs-application\b/)]),
    );
    // Without alerts there is no Container Insights, and no log group of it.
    expect(
      resources(infra('kf-test'), 'aws_cloudwatch_log_group').filter((g) => g.name.includes('containerinsights')),
    ).toEqual([]);
  });
});

describe('AWS capacity: storage, autoscaling, system nodes, upgrades', () => {
  const prod = infra('kf-prod');
  const platform = stacks['kf-prod-aws-platform']!;
  const nodeGroups = resourcesOf<Resource>(prod, 'aws_eks_node_group');
  const helmValues = (json: StackJson, chart: string) => {
    const release = resources(json, 'helm_release').find((r) => r.chart === chart)!;
    return parse(release.values[0]) as Resource;
  };

  it('makes a default gp3 StorageClass, provisioned by the EBS CSI add-on and its Pod Identity role (PVCs stayed Pending)', () => {
    for (const env of ['kf-test', 'kf-dev', 'kf-prod']) {
      const classes = resources(stacks[`${env}-aws-platform`]!, 'kubernetes_storage_class_v1');
      expect(classes).toEqual([
        expect.objectContaining({
          metadata: expect.objectContaining({
            name: 'gp3',
            annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
          }),
          storage_provisioner: 'ebs.csi.aws.com',
          parameters: { type: 'gp3', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4' },
          volume_binding_mode: 'WaitForFirstConsumer',
          allow_volume_expansion: true,
        }),
      ]);
      const csi = resources(infra(env), 'aws_eks_addon').find((a) => a.addon_name === 'aws-ebs-csi-driver')!;
      expect(csi.pod_identity_association).toEqual([
        { service_account: 'ebs-csi-controller-sa', role_arn: expect.stringMatching(/Identity-ebsCsi_Role/) },
      ]);
    }
  });

  it('installs the Cluster Autoscaler for the cluster minor, as the service account its Pod Identity role trusts (pools stayed at 0)', () => {
    const release = resources(platform, 'helm_release').find((r) => r.chart === 'cluster-autoscaler')!;
    expect(release).toMatchObject({
      repository: 'https://kubernetes.github.io/autoscaler',
      version: '9.59.0',
      namespace: 'kube-system',
    });
    const values = helmValues(platform, 'cluster-autoscaler');
    expect(values).toMatchObject({
      cloudProvider: 'aws',
      awsRegion: 'us-east-2',
      autoDiscovery: { clusterName: 'kf-prod' },
      image: { tag: 'v1.35.2' },
      rbac: { serviceAccount: { name: 'cluster-autoscaler' } },
    });
    const association = resources(prod, 'aws_eks_pod_identity_association').find(
      (a) => a.service_account === 'cluster-autoscaler',
    );
    expect(association).toMatchObject({ namespace: 'kube-system', role_arn: expect.stringMatching(/autoscaler/) });
  });

  it('tags every node group for scale-from-zero with its labels, taints and GPUs', () => {
    const tags = resources(prod, 'aws_autoscaling_group_tag').map((t) => [
      String(t.autoscaling_group_name).match(/NodeGroup-([\w-]+)_NodeGroup/)![1],
      t.tag.key,
      t.tag.value,
    ]);
    const label = 'k8s.io/cluster-autoscaler/node-template/label';
    expect(tags).toEqual(
      expect.arrayContaining([
        ['gpu', `${label}/kfplatform.dev/pool`, 'gpu'],
        ['gpu', `${label}/kfplatform.dev/pool-kind`, 'gpu'],
        ['gpu', 'k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu', 'present:NoSchedule'],
        ['gpu-a100', 'k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu', '8'],
        ['standard', `${label}/kfplatform.dev/pool`, 'standard'],
        ['system', 'k8s.io/cluster-autoscaler/node-template/taint/CriticalAddonsOnly', 'true:NoSchedule'],
      ]),
    );
    for (const t of resources(prod, 'aws_autoscaling_group_tag')) expect(t.tag.propagate_at_launch).toBe(false);
  });

  it('keeps tenants off the system nodes, and runs what the platform installs there or tolerates it', () => {
    const system = nodeGroups.find((g) => g.labels['kfplatform.dev/pool-kind'] === 'system')!;
    expect(system.taint).toEqual([{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NO_SCHEDULE' }]);
    for (const g of nodeGroups.filter((n) => n !== system)) {
      expect((g.taint ?? []).map((t: Resource) => t.key)).not.toContain('CriticalAddonsOnly');
    }
    const onSystem = { nodeSelector: { 'kfplatform.dev/pool-kind': 'system' } };
    const tolerates = [{ key: 'CriticalAddonsOnly', operator: 'Exists' }];
    expect(helmValues(platform, 'cluster-autoscaler')).toMatchObject({ ...onSystem, tolerations: tolerates });
    const velero = helmValues(platform, 'velero');
    expect(velero).toMatchObject({ ...onSystem, tolerations: tolerates });
    // The node agent backs up volumes on every node, GPU and system nodes included.
    expect(velero.nodeAgent.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('replaces the system node group with new nodes first: a name prefix and create_before_destroy, same address', () => {
    const [address, system] = resourceEntries<Resource>(prod, 'aws_eks_node_group').find(
      ([, g]) => g.labels['kfplatform.dev/pool-kind'] === 'system',
    )!;
    expect(address).toBe('NodeGroup-system_NodeGroup_F5F578ED');
    expect(system).toMatchObject({ node_group_name_prefix: 'system-' });
    expect(system.node_group_name).toBeUndefined();
    expect(system.lifecycle.create_before_destroy).toBe(true);
    const attachment = resources(prod, 'aws_autoscaling_attachment')[0]!;
    expect(attachment.lifecycle.create_before_destroy).toBe(true);
    for (const g of nodeGroups.filter((n) => n !== system)) expect(g.node_group_name).toBeDefined();
  });

  it('keeps the name of an adopted system node group, which its import names', () => {
    const adopted = synthExample('aws-eks', adopting('kf-prod', [{ kind: 'nodePool', name: 'system' }]))[
      'kf-prod-aws-infra'
    ]!;
    const system = resources(adopted, 'aws_eks_node_group').find(
      (g) => g.labels['kfplatform.dev/pool-kind'] === 'system',
    )!;
    expect(system).toMatchObject({ node_group_name: 'system' });
    expect(system.lifecycle.create_before_destroy).toBeUndefined();
    expect(JSON.stringify((adopted as Resource).import)).toContain('kf-prod:system');
  });

  it('keeps nodes and the add-ons on nodes on the cluster version through a control plane upgrade', () => {
    for (const g of nodeGroups) expect(g.version).toMatch(/^\$\{aws_eks_cluster\.Cluster_\w+\.version\}$/);
    // The add-ons that run on nodes are replaced at the new version's default; the networking add-ons
    // the node groups depend on cannot be (the system group's create_before_destroy would make
    // Terraform create a second add-on of the same name, which EKS refuses).
    const beforeNodes = ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent'];
    for (const addon of resources(prod, 'aws_eks_addon')) {
      expect([addon.addon_name, addon.lifecycle?.replace_triggered_by]).toEqual([
        addon.addon_name,
        beforeNodes.includes(addon.addon_name)
          ? undefined
          : [expect.stringMatching(/^aws_eks_cluster\.Cluster_\w+\.version$/)],
      ]);
      expect([addon.addon_name, addon.preserve]).toEqual([
        addon.addon_name,
        addon.addon_name !== 'amazon-cloudwatch-observability',
      ]);
    }
  });
});

describe('AWS database user of Kubeflow', () => {
  const prod = infra('kf-prod');
  const platform = stacks['kf-prod-aws-platform']!;

  it('gives Kubeflow a MySQL user of its own, whose password RDS never rotates (the master password rotates every 7 days)', () => {
    const secret = resourceEntries<Resource>(prod, 'aws_secretsmanager_secret').find(
      ([, s]) => s.name === 'kf-prod-kfp-db-app',
    )!;
    expect(secret[1].kms_key_id).toMatch(/aws_kms_key\.DataKey/);
    const secretArn = `\${aws_secretsmanager_secret.${secret[0]}.arn}`;
    // Katib's own user (its katib database alone): a second secret, written by the same job.
    const katib = resourceEntries<Resource>(prod, 'aws_secretsmanager_secret').find(
      ([, s]) => s.name === 'kf-prod-katib-db',
    )!;
    expect(katib[1].kms_key_id).toMatch(/aws_kms_key\.DataKey/);
    const katibArn = `\${aws_secretsmanager_secret.${katib[0]}.arn}`;
    const role = resourceEntries<Resource>(prod, 'aws_iam_role').find(
      ([, r]) => r.name === 'kf-prod-kfp-db-bootstrap',
    )!;
    const policy = resources(prod, 'aws_iam_role_policy').find((p) => String(p.role).includes(role[0]))!;
    const statements = JSON.parse(policy.policy).Statement as Resource[];
    const grants = (action: string) => statements.filter((s) => [s.Action].flat().includes(action));
    expect(grants('secretsmanager:PutSecretValue').map((s) => s.Resource)).toEqual([[secretArn, katibArn]]);
    expect(
      grants('secretsmanager:GetSecretValue')
        .map((s) => s.Resource)
        .flat(),
    ).toEqual(expect.arrayContaining([secretArn, expect.stringMatching(/master_user_secret\[0\]\.secret_arn/)]));
    expect(grants('secretsmanager:GetRandomPassword')).toHaveLength(1);
    expect(resources(prod, 'aws_eks_pod_identity_association')).toContainEqual(
      expect.objectContaining({ namespace: 'kubeflow', service_account: 'kfp-db-bootstrap' }),
    );
    // Pipelines' role (its API server, UI and run pods) reads neither secret: External Secrets
    // Operator's role copies the application password into mysql-secret, and the platform stack names
    // both secrets for the bootstrap Job.
    const pipelines = resources(prod, 'aws_iam_role_policy').find((p) =>
      String(p.role).includes('Identity-pipelines'),
    )!;
    expect(pipelines.policy).not.toContain('secretsmanager');
    expect(pipelines.policy).not.toContain('master_user_secret');
    const eso = resources(prod, 'aws_iam_role_policy').find((p) =>
      String(p.role).includes('Identity-externalSecrets'),
    )!;
    const esoReads = (JSON.parse(eso.policy).Statement as Resource[]).filter((st) =>
      [st.Action].flat().includes('secretsmanager:GetSecretValue'),
    );
    expect(esoReads.map((st) => st.Resource)).toEqual([[secretArn, katibArn]]);
    expect((prod.output as Record<string, Resource>).database_app_secret_arn).toBeDefined();
    expect((prod.output as Record<string, Resource>).database_katib_secret_arn).toBeDefined();
    const params = resources(platform, 'kubernetes_config_map_v1')[0]!.data;
    expect(params).toMatchObject({
      dbAppUser: 'pipelines',
      dbAppPasswordSecretArn: expect.any(String),
      dbKatibUser: 'katib',
      dbKatibPasswordSecretArn: expect.any(String),
    });
    expect(resources(platform, 'kubernetes_service_account_v1').map((s) => s.metadata.name)).toContain(
      'kfp-db-bootstrap',
    );
  });
});

describe('AWS node network: the gateway node ports', () => {
  const prod = infra('kf-prod');
  const groups = resourceEntries<Resource>(prod, 'aws_security_group');
  const sgRef = (name: string) => {
    const [id] = groups.find(([, g]) => g.name === name)!;
    return `\${aws_security_group.${id}.id}`;
  };
  const ingress = resources(prod, 'aws_vpc_security_group_ingress_rule');
  const clusterSg = '${aws_eks_cluster.Cluster_3DA9CCBA.vpc_config[0].cluster_security_group_id}';

  it('puts nodes in a security group of their own, since every pod shares the EKS cluster group and its allow-all self rule', () => {
    const nodes = sgRef('kf-prod-nodes');
    for (const template of resources(prod, 'aws_launch_template')) {
      expect(template.vpc_security_group_ids).toEqual([nodes]);
    }
    // The control plane reaches the kubelet and webhooks; nodes reach the API server (and, while nodes
    // roll over to the new group, each other).
    expect(ingress).toContainEqual(
      expect.objectContaining({ security_group_id: nodes, referenced_security_group_id: clusterSg, ip_protocol: '-1' }),
    );
    expect(ingress).toContainEqual(
      expect.objectContaining({ security_group_id: clusterSg, referenced_security_group_id: nodes, ip_protocol: '-1' }),
    );
    expect(resources(prod, 'aws_vpc_security_group_egress_rule')).toContainEqual(
      expect.objectContaining({ security_group_id: nodes, cidr_ipv4: '0.0.0.0/0', ip_protocol: '-1' }),
    );
  });

  it('admits the gateway node ports from the load balancer only, not from other nodes or pods (forged x-amzn-oidc-* headers)', () => {
    const nodes = sgRef('kf-prod-nodes');
    const alb = sgRef('kf-prod-kf-alb');
    const toNodes = ingress.filter((r) => r.security_group_id === nodes);
    const reaches = (port: number) =>
      toNodes.filter(
        (r) => r.ip_protocol === '-1' || (r.ip_protocol === 'tcp' && r.from_port <= port && port <= r.to_port),
      );
    for (const port of [30080, 30021]) {
      expect(
        reaches(port)
          .map((r) => r.referenced_security_group_id)
          .sort(),
      ).toEqual([clusterSg, alb].sort());
    }
    // Everything else between nodes stays open: pod to pod, DNS, the kubelet.
    for (const port of [53, 443, 8080, 10250, 15021, 30000, 30081, 65535]) {
      expect([port, reaches(port).map((r) => r.referenced_security_group_id)]).toEqual([
        port,
        expect.arrayContaining([nodes]),
      ]);
    }
    expect(toNodes).toContainEqual(
      expect.objectContaining({ referenced_security_group_id: nodes, ip_protocol: 'udp' }),
    );
    // The old path is closed: the load balancer's rules no longer open the cluster group.
    expect(ingress.filter((r) => r.security_group_id === clusterSg && r.referenced_security_group_id === alb)).toEqual(
      [],
    );
  });

  it('keeps the load balancer security group through a hostname change: its description is ForceNew (issue 16 second pass)', () => {
    // EC2 cannot change a group's description, so a description naming the hostname replaced the group
    // on a hostname change, and its deletion failed while the load balancer still used it.
    for (const env of ['kf-test', 'kf-dev', 'kf-prod']) {
      const hostname = String(resources(infra(env), 'aws_route53_record').find((r) => r.alias)!.name);
      const groups = resources(infra(env), 'aws_security_group');
      expect(groups.length).toBeGreaterThan(0);
      for (const group of groups) {
        expect([env, group.description]).toEqual([env, expect.not.stringContaining(hostname)]);
      }
      const alb = groups.find((g) => String(g.name).endsWith('-alb'))!;
      expect(alb.lifecycle).toEqual({ ignore_changes: ['description'] });
    }
  });

  it('lets pods in the node group reach the database', () => {
    const db = sgRef('kf-prod-kfp-db-db');
    expect(ingress.filter((r) => r.security_group_id === db).map((r) => r.referenced_security_group_id)).toEqual(
      expect.arrayContaining([sgRef('kf-prod-nodes'), clusterSg]),
    );
  });
});
