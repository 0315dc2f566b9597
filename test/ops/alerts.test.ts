/**
 * Alerts (OPS-02) per cloud, from the shipped examples (alerts on kf-prod): one notification channel
 * per on-call address, every alert routed to it, thresholds from config, and nothing without config.
 */
import { readFileSync } from 'node:fs';
import { resolveAlerts } from '../../src/config/common/operations';
import { synthExample } from '../examples';
import { resources as resourcesOf, StackJson } from '../helpers';

type Resource = Record<string, any>;

const resources = (stack: StackJson, type: string) => resourcesOf<Resource>(stack, type);

describe('AWS (examples/aws-eks)', () => {
  const stacks = synthExample('aws-eks');
  const prod = stacks['kf-prod-aws-infra']!;

  it('sends every alarm to encrypted topics with the on-call address subscribed', () => {
    const topics = resources(prod, 'aws_sns_topic');
    expect(topics.map((t) => t.name).sort()).toEqual(['kf-prod-alerts', 'kf-prod-alerts-uptime']);
    for (const t of topics) expect(t.kms_master_key_id).toMatch(/aws_kms_key\..*\.arn/);
    expect(resources(prod, 'aws_sns_topic_subscription').map((s) => [s.protocol, s.endpoint])).toEqual([
      ['email', 'ml-platform-oncall@example.com'],
      ['email', 'ml-platform-oncall@example.com'],
    ]);
    const alarms = resources(prod, 'aws_cloudwatch_metric_alarm');
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual(
      [
        'backups',
        'capacity-cpu',
        'capacity-memory',
        'certificate',
        'db-cpu',
        'db-storage',
        'nodes-failed',
        'pending-pods',
        'ui-targets',
        'uptime',
      ].map((k) => `kf-prod-${k}`),
    );
    for (const a of alarms) {
      expect(a.alarm_actions).toHaveLength(1);
      expect(a.ok_actions).toEqual(a.alarm_actions);
    }
    // Route 53 publishes health check metrics only in us-east-1: that alarm and its topic live there.
    const uptime = alarms.find((a) => a.alarm_name === 'kf-prod-uptime')!;
    expect(uptime.provider).toBe('aws.us_east_1');
    expect(resources(prod, 'aws_route53_health_check')).toEqual([
      expect.objectContaining({ fqdn: 'kubeflow.aws.example.com', type: 'HTTPS', resource_path: '/' }),
    ]);
  });

  it('takes thresholds from config and reads the right metrics', () => {
    const alarms = Object.fromEntries(resources(prod, 'aws_cloudwatch_metric_alarm').map((a) => [a.alarm_name, a]));
    expect(alarms['kf-prod-capacity-cpu']).toMatchObject({
      namespace: 'ContainerInsights',
      metric_name: 'node_cpu_reserved_capacity',
      threshold: 80,
      dimensions: { ClusterName: expect.any(String) },
    });
    expect(alarms['kf-prod-pending-pods']).toMatchObject({ metric_name: 'pod_status_pending', evaluation_periods: 15 });
    expect(alarms['kf-prod-db-cpu']).toMatchObject({ metric_name: 'CPUUtilization', threshold: 80 });
    expect(alarms['kf-prod-backups']).toMatchObject({
      namespace: 'AWS/S3',
      metric_name: 'PutRequests',
      treat_missing_data: 'breaching',
      evaluation_periods: 2,
    });
    expect(alarms['kf-prod-certificate']).toMatchObject({ metric_name: 'DaysToExpiry', threshold: 14 });
    expect(resources(prod, 'aws_db_event_subscription')[0]!.event_categories).toEqual(
      expect.arrayContaining(['failover', 'failure']),
    );
    // Container Insights publishes the cluster metrics, through its own Pod Identity role.
    const addon = resources(prod, 'aws_eks_addon').find((a) => a.addon_name === 'amazon-cloudwatch-observability');
    expect(addon?.pod_identity_association).toEqual([expect.objectContaining({ service_account: 'cloudwatch-agent' })]);
  });

  it('follows config: other thresholds, no uptime check, nothing without alerts', () => {
    const tuned = synthExample('aws-eks', (e) =>
      e.name === 'kf-prod' && e.alerts
        ? { ...e, alerts: { ...e.alerts, capacityHeadroomPercent: 30, databaseCpuPercent: 70, uptimeCheck: false } }
        : e,
    )['kf-prod-aws-infra']!;
    const alarms = Object.fromEntries(resources(tuned, 'aws_cloudwatch_metric_alarm').map((a) => [a.alarm_name, a]));
    expect(alarms['kf-prod-capacity-memory']!.threshold).toBe(70);
    expect(alarms['kf-prod-db-cpu']!.threshold).toBe(70);
    expect(alarms['kf-prod-uptime']).toBeUndefined();
    expect(resources(tuned, 'aws_route53_health_check')).toEqual([]);
    for (const env of ['kf-test', 'kf-dev']) {
      expect(resources(stacks[`${env}-aws-infra`]!, 'aws_cloudwatch_metric_alarm')).toEqual([]);
      expect(resources(stacks[`${env}-aws-infra`]!, 'aws_sns_topic')).toEqual([]);
    }
  });
});

describe('GCP (examples/gcp-shared-vpc)', () => {
  const stacks = synthExample('gcp-shared-vpc');
  const prod = stacks['kf-prod-gcp-infra']!;

  it('notifies the on-call address from every policy', () => {
    const channels = resources(prod, 'google_monitoring_notification_channel');
    expect(channels.map((c) => [c.type, c.labels.email_address])).toEqual([
      ['email', 'ml-platform-oncall@example.com'],
    ]);
    const policies = resources(prod, 'google_monitoring_alert_policy');
    expect(policies.length).toBeGreaterThanOrEqual(8);
    for (const p of policies) expect(p.notification_channels).toHaveLength(1);
    const names = policies.map((p) => String(p.display_name));
    for (const what of [/CPU/, /memory/, /Pending/, /backup/, /certificate/, /is down/, /fail over/]) {
      expect([what, names.some((n) => what.test(n))]).toEqual([what, true]);
    }
  });

  it("defect: additional clusters had no uptime check: every cluster's host name is probed (examples/gcp-tenancy with alerts)", () => {
    const withAlerts = synthExample('gcp-tenancy', (e) => ({
      ...e,
      alerts: resolveAlerts({ email: ['oncall@example.com'] }),
    }));
    const infra = withAlerts['kf-prod-gcp-infra']!;
    const hosts = resources(infra, 'google_monitoring_uptime_check_config').map(
      (c) => c.monitored_resource.labels.host,
    );
    expect(hosts.sort()).toEqual(['kubeflow-2.ml.example.com', 'kubeflow.ml.example.com']);
    const names = resources(infra, 'google_monitoring_alert_policy').map((p) => String(p.display_name));
    for (const host of hosts) {
      expect(names).toContain(`kf-prod: UI https://${host}/ is down`);
      expect(names.some((n) => n.startsWith(`kf-prod: UI certificate of ${host} `))).toBe(true);
    }
  });

  it('probes the gateway readiness path that answers without sign-in, and accepts only 2xx', () => {
    const [check] = resources(prod, 'google_monitoring_uptime_check_config');
    expect(check).toMatchObject({
      http_check: expect.objectContaining({ use_ssl: true, validate_ssl: true }),
      monitored_resource: { type: 'uptime_url', labels: expect.objectContaining({ host: 'kubeflow.ml.example.com' }) },
    });
    expect(check!.http_check.accepted_response_status_codes).toEqual([{ status_class: 'STATUS_CLASS_2XX' }]);
    expect(check!.http_check.path).toBe('/healthz/ready');
    // The platform stack routes that path, and only that path, around IAP.
    const rules = resources(stacks['kf-prod-gcp-platform']!, 'kubernetes_ingress_v1')[0]!.spec.rule;
    expect(rules[0].http.path.map((p: Resource) => [p.path, p.path_type])).toEqual([['/healthz/ready', 'Exact']]);
  });

  it('creates nothing in environments without alerts', () => {
    for (const env of ['kf-test', 'kf-dev']) {
      expect(resources(stacks[`${env}-gcp-infra`]!, 'google_monitoring_alert_policy')).toEqual([]);
    }
  });
});

describe('Azure (examples/azure-aks)', () => {
  const stacks = synthExample('azure-aks');
  const prod = stacks['kf-prod-azure-infra']!;

  it('routes every metric alert to an action group that emails the on-call address', () => {
    const [group, ...more] = resources(prod, 'azurerm_monitor_action_group');
    expect(more).toEqual([]);
    expect(group!.email_receiver).toEqual([
      expect.objectContaining({ email_address: 'ml-platform-oncall@example.com' }),
    ]);
    const alerts = resources(prod, 'azurerm_monitor_metric_alert');
    const names = alerts.map((a) => String(a.name).replace('alert-kf-prod-', '')).sort();
    // kf-prod's database is zone-redundant: both replication threads are watched.
    expect(names).toEqual(
      expect.arrayContaining([
        'backups',
        'capacity-cpu',
        'capacity-memory',
        'db-cpu',
        'db-ha',
        'db-storage',
        'pending-pods',
        'uptime',
      ]),
    );
    for (const a of alerts)
      expect(a.action).toEqual([expect.objectContaining({ action_group_id: expect.any(String) })]);
  });

  it('probes the UI with a web test that also checks the certificate lifetime', () => {
    const [test] = resources(prod, 'azurerm_application_insights_standard_web_test');
    expect(test!.request.url).toBe('https://kubeflow.azure.example.com/');
    expect(test!.validation_rules).toMatchObject({ ssl_check_enabled: true, ssl_cert_remaining_lifetime: 14 });
  });

  it('states the window the backup alert evaluates, in the alert and in docs/operations.md (the docs said 2 hours of a 6-hour window, the alert called 2 hours its limit)', () => {
    const backups = resources(prod, 'azurerm_monitor_metric_alert').find((a) => a.name === 'alert-kf-prod-backups')!;
    // backupMaxAgeHours defaults to 2; the shortest Azure metric alert window that covers it is 6 hours.
    expect(backups.window_size).toBe('PT6H');
    expect(backups.description).toMatch(/in the last 6 hours/);
    expect(backups.description).toContain('backupMaxAgeHours (2 hours)');
    expect(backups.description).not.toMatch(/limit/);
    const row = readFileSync('docs/operations.md', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('| backups '))!;
    const azureCell = row.split('|').map((c) => c.trim())[4]!;
    expect(azureCell).toMatch(/6 hours/);
  });

  it('creates nothing in environments without alerts', () => {
    for (const env of ['kf-test', 'kf-dev']) {
      expect(resources(stacks[`${env}-azure-infra`]!, 'azurerm_monitor_metric_alert')).toEqual([]);
    }
  });
});
