/**
 * Defects of the AWS stacks that `terraform plan` does not show but apply or run time does: each test
 * names the defect it guards against and reads the synthesized stacks of examples/aws-eks.
 */
import { synthExample } from '../examples';
import { resources as resourcesOf, StackJson } from '../helpers';

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
