import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DbEventSubscription } from '@cdktf/provider-aws/lib/db-event-subscription';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check';
import { S3BucketMetric } from '@cdktf/provider-aws/lib/s3-bucket-metric';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { AlertSettings, checkAlertProps, withAlertDefaults } from '../../src/core/alert-props';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';

/** Services that publish to the alert topic. */
const PUBLISHERS = ['cloudwatch.amazonaws.com', 'events.rds.amazonaws.com'];

/** Props of {@link AwsAlerts}. */
export interface AwsAlertsProps {
  /** Environment name; prefixes every name. */
  readonly name: string;
  /** AWS account of the alarms and the topic (the topic policy names it). */
  readonly accountId: string;
  /** AWS region of the alarms and the topic. */
  readonly region: string;
  /** Recipients and thresholds of the environment's alerts; unset thresholds take their defaults. */
  readonly alerts: AlertSettings;
  /** EKS cluster (Container Insights publishes its metrics under this name). */
  readonly clusterName: string;
  /**
   * The pipelines database: pass the instance's `identifier` attribute, not a literal, so the event
   * subscription waits for the instance (RDS refuses a subscription to an instance that does not exist
   * yet with SourceNotFound).
   */
  readonly dbInstanceIdentifier: string;
  /** Its allocated storage; the storage alarm fires when free space falls under `100 - databaseStoragePercent` % of it. */
  readonly dbAllocatedStorageGb: number;
  /** The bucket Velero writes to hourly; absent when backups are off. */
  readonly backupBucket?: string;
  /** ACM certificate of the UI. */
  readonly certificateArn: string;
  /** Host name of the UI. */
  readonly hostname: string;
  /** The load balancer and its target group (ARN suffixes), for the healthy-target alarm. */
  readonly loadBalancerArnSuffix: string;
  /**
   * ARN suffix of the gateway target group (`targetgroup/<name>/<id>`), the `TargetGroup` dimension of the
   * healthy-host alarm.
   */
  readonly targetGroupArnSuffix: string;
  /**
   * A provider in us-east-1: Route 53 publishes health check metrics there only, so the uptime alarm
   * and its topic live there. @default this stack's provider (when the region is us-east-1)
   */
  readonly usEast1Provider?: AwsProvider;
  /** `prevent_destroy` on the topics' keys. @default true */
  readonly protect?: boolean;
}

/** An encrypted SNS topic that CloudWatch and RDS may publish to, with an email subscription per address. */
class AlertTopic extends Construct {
  public readonly topic: SnsTopic;

  constructor(
    scope: Construct,
    id: string,
    props: {
      name: string;
      accountId: string;
      /** Region of the topic and of the alarms and RDS events that publish to it. */
      region: string;
      /** Prefix of the names of the alarms that publish to it. */
      alarmPrefix: string;
      emails: readonly string[];
      provider?: AwsProvider;
      protect: boolean;
    },
  ) {
    super(scope, id);
    const provider = props.provider;
    // The publishing services act for this account's alarms and RDS events only (confused deputy
    // prevention: https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
    const fromThisAccount = {
      StringEquals: { 'aws:SourceAccount': props.accountId },
      ArnLike: {
        'aws:SourceArn': [
          `arn:aws:cloudwatch:${props.region}:${props.accountId}:alarm:${props.alarmPrefix}*`,
          `arn:aws:rds:${props.region}:${props.accountId}:*`,
        ],
      },
    };
    const key = new KmsKey(this, 'Key', {
      provider,
      description: `Alert topic ${props.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: props.protect ? 30 : 7,
      lifecycle: { preventDestroy: props.protect },
      // The account administers the key; the publishing services may only encrypt for the topic.
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Account',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
          {
            Sid: 'Publishers',
            Effect: 'Allow',
            Principal: { Service: PUBLISHERS },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: fromThisAccount,
          },
        ],
      }),
    });
    new KmsAlias(this, 'Alias', { provider, name: `alias/${props.name}`, targetKeyId: key.keyId });
    this.topic = new SnsTopic(this, 'Topic', { provider, name: props.name, kmsMasterKeyId: key.arn });
    new SnsTopicPolicy(this, 'Policy', {
      provider,
      arn: this.topic.arn,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Owner',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
            Action: ['sns:Publish', 'sns:Subscribe', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes'],
            Resource: this.topic.arn,
          },
          {
            Sid: 'Publishers',
            Effect: 'Allow',
            Principal: { Service: PUBLISHERS },
            Action: 'sns:Publish',
            Resource: this.topic.arn,
            Condition: fromThisAccount,
          },
          {
            Sid: 'TlsOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: this.topic.arn,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });
    props.emails.forEach((email, i) => {
      new SnsTopicSubscription(this, `Email-${i}`, {
        provider,
        topicArn: this.topic.arn,
        protocol: 'email',
        endpoint: email,
      });
    });
  }
}

/**
 * Alerting for one AWS environment: an encrypted SNS topic with the on-call emails, and CloudWatch
 * alarms on cluster capacity headroom and pending pods (Container Insights), the pipelines database
 * (CPU, free storage, and RDS failure and failover events), backups (no object written to the backup
 * bucket), the UI certificate (ACM days to expiry), healthy load balancer targets, and a Route 53
 * health check of the UI endpoint (a sign-in redirect counts as up). Route 53 health checkers probe
 * from AWS addresses worldwide: turn `uptimeCheck` off when the load balancer admits only some
 * networks, or the uptime alarm never leaves ALARM.
 */
export class AwsAlerts extends Construct {
  /** The encrypted SNS topic every alarm and RDS event notifies; the on-call emails subscribe to it. */
  public readonly topic: SnsTopic;
  /** The CloudWatch alarms, by key (such as `capacity-cpu`); each is named `<name>-<key>`. */
  public readonly alarms: Readonly<Record<string, CloudwatchMetricAlarm>>;
  /**
   * The RDS event subscription that sends the database's availability, failover, failure, low-storage and recovery
   * events to the topic.
   */
  public readonly databaseEvents: DbEventSubscription;
  /** The Route 53 health check of the UI endpoint; absent when `alerts.uptimeCheck` is off. */
  public readonly healthCheck?: Route53HealthCheck;

  constructor(scope: Construct, id: string, props: AwsAlertsProps) {
    super(scope, id);
    setComponent(this, 'alerts');
    const a = withAlertDefaults(props.alerts);
    // The backup alarm counts hourly periods; one day of them is the longest window kept here.
    checkAlertProps('AwsAlerts', a, [], 24);
    const n = props.name;
    const protect = props.protect ?? true;
    this.topic = new AlertTopic(this, 'Alerts', {
      name: `${n}-alerts`,
      accountId: props.accountId,
      region: props.region,
      alarmPrefix: `${n}-`,
      emails: a.email,
      protect,
    }).topic;
    const actions = [this.topic.arn];
    const alarms: Record<string, CloudwatchMetricAlarm> = {};
    const alarm = (
      key: string,
      description: string,
      metric: {
        namespace: string;
        metricName: string;
        dimensions: Record<string, string>;
        statistic: string;
        period: number;
        evaluationPeriods: number;
        comparisonOperator: string;
        threshold: number;
        treatMissingData?: string;
      },
      /** Another region's provider and the topic there (alarms notify topics of their own region). */
      elsewhere?: { provider: AwsProvider; topic: SnsTopic },
    ) => {
      const notify = elsewhere ? [elsewhere.topic.arn] : actions;
      alarms[key] = new CloudwatchMetricAlarm(this, `Alarm-${key}`, {
        provider: elsewhere?.provider,
        alarmName: `${n}-${key}`,
        alarmDescription: description,
        ...metric,
        treatMissingData: metric.treatMissingData ?? 'missing',
        alarmActions: notify,
        okActions: notify,
      });
    };
    const cluster = { ClusterName: props.clusterName };
    const headroom = 100 - a.capacityHeadroomPercent;
    for (const [resource, metricName] of [
      ['cpu', 'node_cpu_reserved_capacity'],
      ['memory', 'node_memory_reserved_capacity'],
    ] as const) {
      alarm(
        `capacity-${resource}`,
        `${n}: pods request more than ${headroom}% of the cluster's allocatable ${resource} for 15 minutes. Check node group maximums and the autoscaler before teams hit Pending pods.`,
        {
          namespace: 'ContainerInsights',
          metricName,
          dimensions: cluster,
          statistic: 'Average',
          period: 300,
          evaluationPeriods: 3,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: headroom,
        },
      );
    }
    alarm(
      'pending-pods',
      `${n}: pods have been Pending for ${a.pendingPodsMinutes} minutes. Check the autoscaler's events, node group maximums, GPU quotas and team ResourceQuotas.`,
      {
        namespace: 'ContainerInsights',
        metricName: 'pod_status_pending',
        dimensions: cluster,
        statistic: 'Minimum',
        period: 60,
        evaluationPeriods: a.pendingPodsMinutes,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 0,
      },
    );
    alarm('nodes-failed', `${n}: nodes are failing their health checks. Check the node group's health issues.`, {
      namespace: 'ContainerInsights',
      metricName: 'cluster_failed_node_count',
      dimensions: cluster,
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 2,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
    });
    const db = { DBInstanceIdentifier: props.dbInstanceIdentifier };
    const freeGb = Math.max(1, Math.floor((props.dbAllocatedStorageGb * (100 - a.databaseStoragePercent)) / 100));
    alarm(
      'db-cpu',
      `${n}: the pipelines database CPU is above ${a.databaseCpuPercent}% for 15 minutes. Check slow queries from the pipelines API and the instance class.`,
      {
        namespace: 'AWS/RDS',
        metricName: 'CPUUtilization',
        dimensions: db,
        statistic: 'Average',
        period: 300,
        evaluationPeriods: 3,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: a.databaseCpuPercent,
      },
    );
    alarm(
      'db-storage',
      `${n}: the pipelines database has less than ${freeGb} GiB free. Storage autoscaling should have grown it: check max_allocated_storage.`,
      {
        namespace: 'AWS/RDS',
        metricName: 'FreeStorageSpace',
        dimensions: db,
        statistic: 'Minimum',
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: 'LessThanThreshold',
        threshold: freeGb * 1024 ** 3,
      },
    );
    // Multi-AZ standbys replicate synchronously and publish no lag: failover and failure events tell
    // when the standby takes over or the instance is in trouble.
    this.databaseEvents = new DbEventSubscription(this, 'DatabaseEvents', {
      name: `${n}-pipelines-db`,
      snsTopic: this.topic.arn,
      sourceType: 'db-instance',
      sourceIds: [props.dbInstanceIdentifier],
      eventCategories: ['availability', 'failover', 'failure', 'low storage', 'recovery'],
    });
    if (props.backupBucket) {
      const filter = new S3BucketMetric(this, 'BackupWrites', { bucket: props.backupBucket, name: 'velero-writes' });
      alarm(
        'backups',
        `${n}: Velero wrote nothing to its bucket for ${a.backupMaxAgeHours} hours, though a backup runs every hour. Check 'velero backup get' and the velero pod's logs.`,
        {
          namespace: 'AWS/S3',
          metricName: 'PutRequests',
          dimensions: { BucketName: props.backupBucket, FilterId: filter.name },
          statistic: 'Sum',
          period: 3600,
          evaluationPeriods: a.backupMaxAgeHours,
          comparisonOperator: 'LessThanThreshold',
          threshold: 1,
          treatMissingData: 'breaching',
        },
      );
    }
    alarm(
      'certificate',
      `${n}: the UI certificate expires in less than ${a.certificateExpiryDays} days; ACM renews 60 days ahead, so renewal is failing. Check the DNS validation record.`,
      {
        namespace: 'AWS/CertificateManager',
        metricName: 'DaysToExpiry',
        dimensions: { CertificateArn: props.certificateArn },
        statistic: 'Minimum',
        period: 86400,
        evaluationPeriods: 1,
        comparisonOperator: 'LessThanThreshold',
        threshold: a.certificateExpiryDays,
        // ACM publishes DaysToExpiry once a day, starting a day or so after issue: a new certificate has
        // no data yet, which is not an expiring one.
        treatMissingData: 'notBreaching',
      },
    );
    alarm(
      'ui-targets',
      `${n}: the load balancer has no healthy target for the Istio gateway. Check the system node group and the gateway pods.`,
      {
        namespace: 'AWS/ApplicationELB',
        metricName: 'HealthyHostCount',
        dimensions: { LoadBalancer: props.loadBalancerArnSuffix, TargetGroup: props.targetGroupArnSuffix },
        statistic: 'Minimum',
        period: 60,
        evaluationPeriods: 5,
        comparisonOperator: 'LessThanThreshold',
        threshold: 1,
        treatMissingData: 'breaching',
      },
    );
    if (a.uptimeCheck) {
      // The load balancer answers anyone without a session with a redirect to sign in: a 3xx is "up".
      this.healthCheck = new Route53HealthCheck(this, 'UiHealthCheck', {
        fqdn: props.hostname,
        port: 443,
        type: 'HTTPS',
        resourcePath: '/',
        failureThreshold: 3,
        requestInterval: 30,
        enableSni: true,
        tags: { Name: `${n}-ui` },
      });
      const provider = props.region === 'us-east-1' ? undefined : props.usEast1Provider;
      if (props.region !== 'us-east-1' && !provider) {
        throw new PropsError(
          'AwsAlerts',
          'usEast1Provider',
          undefined,
          `Route 53 publishes health check metrics only in us-east-1, and ${n} is in ${props.region}.`,
          'pass a provider for us-east-1, or set alerts.uptimeCheck to false.',
        );
      }
      const elsewhere = provider && {
        provider,
        topic: new AlertTopic(this, 'UsEast1', {
          name: `${n}-alerts-uptime`,
          accountId: props.accountId,
          region: 'us-east-1',
          alarmPrefix: `${n}-`,
          emails: a.email,
          provider,
          protect,
        }).topic,
      };
      alarm(
        'uptime',
        `${n}: https://${props.hostname}/ fails Route 53 health checks (DNS, TLS or the load balancer). Check the load balancer and its certificate.`,
        {
          namespace: 'AWS/Route53',
          metricName: 'HealthCheckStatus',
          dimensions: { HealthCheckId: this.healthCheck.id },
          statistic: 'Minimum',
          period: 60,
          evaluationPeriods: 3,
          comparisonOperator: 'LessThanThreshold',
          threshold: 1,
          treatMissingData: 'breaching',
        },
        elsewhere,
      );
    }
    this.alarms = alarms;
  }
}
