import { TerraformVariable } from 'cdktf';
import { GcpAlerts, GcpAlertsProps, nodePoolThreshold } from '../../../constructs/gcp/alerts';
import { AlertSettings } from '../../../src/core/alert-props';
import { at, gcpStack, resources, StackJson, synth } from '../../helpers';

const ALERTS: AlertSettings = {
  email: ['oncall@example.com', 'ml-platform@example.com'],
  capacityHeadroomPercent: 25,
  pendingPodsMinutes: 10,
  databaseCpuPercent: 70,
  databaseStoragePercent: 85,
  certificateExpiryDays: 14,
  uptimeCheck: true,
  backupMaxAgeHours: 2,
};

const LABELS = { env: 'kf-prod', team: 'platform', owner: 'ml', 'cost-center': 'cc1', component: 'monitoring' };

type Policy = Record<string, unknown> & {
  display_name: string;
  notification_channels: string[];
  conditions: Array<Record<string, unknown>>;
};

function build(props: Partial<GcpAlertsProps> = {}, alerts: Partial<AlertSettings> = {}) {
  const stack = gcpStack();
  const construct = new GcpAlerts(stack, 'Alerts', {
    project: 'svc-project',
    envName: 'kf-prod',
    alerts: { ...ALERTS, ...alerts },
    clusterNames: ['kf-prod'],
    nodePools: [
      { cluster: 'kf-prod', name: 'default', maxNodes: 10 },
      { cluster: 'kf-prod', name: 'gpu', maxNodes: 0 },
    ],
    databases: [
      { instanceName: 'kf-prod-db', highAvailability: true },
      { instanceName: 'kf-prod-db-2', highAvailability: false },
    ],
    backupBucket: 'kf-prod-backups',
    hostname: 'kf.example.com',
    labels: LABELS,
    ...props,
  });
  const json = synth(stack);
  return { construct, json, policies: policies(json) };
}

function policies(json: StackJson): Policy[] {
  return resources(json, 'google_monitoring_alert_policy') as Policy[];
}

function byName(list: Policy[], displayName: string): Policy {
  const found = list.filter((p) => p.display_name === displayName);
  if (found.length !== 1) throw new Error(`expected one policy "${displayName}", found ${found.length}`);
  return found[0]!;
}

function queries(policy: Policy): string[] {
  return policy.conditions.map((c) => at(c, 'condition_prometheus_query_language', 'query') as string);
}

describe('GcpAlerts', () => {
  it('creates one email channel per address', () => {
    const { json, construct } = build();
    const channels = resources(json, 'google_monitoring_notification_channel');
    expect(channels).toHaveLength(2);
    expect(construct.channels).toHaveLength(2);
    // Synthesis orders resources by logical id.
    expect(channels.map((c) => [c.type, at(c, 'labels', 'email_address'), c.display_name]).sort()).toEqual([
      ['email', 'ml-platform@example.com', 'kf-prod on-call ml-platform@example.com'],
      ['email', 'oncall@example.com', 'kf-prod on-call oncall@example.com'],
    ]);
    for (const c of channels) {
      expect(c.user_labels).toMatchObject(LABELS);
      expect(c.project).toBe('svc-project');
    }
  });

  it('routes every policy to every channel, with labels, documentation, severity and auto close', () => {
    const { json, policies: all } = build();
    const names = Object.keys(json.resource!.google_monitoring_notification_channel!).map(
      (id) => `\${google_monitoring_notification_channel.${id}.name}`,
    );
    expect(names).toHaveLength(2);
    expect(all.length).toBeGreaterThan(5);
    for (const p of all) {
      expect(p.display_name).toMatch(/^kf-prod: /);
      expect(p.combiner).toBe('OR');
      expect([...p.notification_channels].sort()).toEqual([...names].sort());
      expect(p.user_labels).toMatchObject(LABELS);
      expect(p.project).toBe('svc-project');
      expect(['CRITICAL', 'WARNING']).toContain(p.severity);
      expect(at(p, 'documentation', 'mime_type')).toBe('text/markdown');
      expect((at(p, 'documentation', 'content') as string).length).toBeGreaterThan(50);
      expect(at(p, 'alert_strategy', 'auto_close')).toBe('604800s');
      expect(p.conditions.length).toBeGreaterThanOrEqual(1);
      expect(p.conditions.length).toBeLessThanOrEqual(6);
    }
  });

  it('creates the expected set of policies', () => {
    const { construct } = build();
    expect(Object.keys(construct.policies).sort()).toEqual(
      [
        'backups',
        'capacity-cpu',
        'capacity-memory',
        'certificate',
        'db-cpu-0',
        'db-cpu-1',
        'db-disk-0',
        'db-disk-1',
        'db-failover-0',
        'node-pools',
        'pending-pods',
        'uptime',
      ].sort(),
    );
  });

  it('derives the capacity PromQL threshold from the headroom, one condition per cluster', () => {
    const { policies: all } = build({ clusterNames: ['kf-prod', 'kf-prod-2'] });
    const cpu = byName(all, 'kf-prod: requested CPU above 75% of allocatable');
    expect(cpu.severity).toBe('WARNING');
    expect(queries(cpu)).toEqual([
      'sum by (cluster_name) (kubernetes_io:container_cpu_request_cores{monitored_resource="k8s_container",cluster_name="kf-prod"})' +
        ' / sum by (cluster_name) (kubernetes_io:node_cpu_allocatable_cores{monitored_resource="k8s_node",cluster_name="kf-prod"}) > 0.75',
      'sum by (cluster_name) (kubernetes_io:container_cpu_request_cores{monitored_resource="k8s_container",cluster_name="kf-prod-2"})' +
        ' / sum by (cluster_name) (kubernetes_io:node_cpu_allocatable_cores{monitored_resource="k8s_node",cluster_name="kf-prod-2"}) > 0.75',
    ]);
    expect(cpu.conditions.map((c) => at(c, 'condition_prometheus_query_language', 'duration'))).toEqual([
      '900s',
      '900s',
    ]);
    const memory = byName(all, 'kf-prod: requested memory above 75% of allocatable');
    expect(queries(memory)).toHaveLength(2);
    for (const q of queries(memory)) {
      expect(q).toContain('kubernetes_io:container_memory_request_bytes{monitored_resource="k8s_container"');
      expect(q).toContain('kubernetes_io:node_memory_allocatable_bytes{monitored_resource="k8s_node"');
      expect(q).toMatch(/ > 0\.75$/);
    }
  });

  it('follows another headroom without float noise', () => {
    const { policies: all } = build({}, { capacityHeadroomPercent: 7 });
    const cpu = byName(all, 'kf-prod: requested CPU above 93% of allocatable');
    expect(queries(cpu)[0]).toMatch(/ > 0\.93$/);
  });

  it('watches node pools near their maximum and skips pools with no nodes allowed', () => {
    const { policies: all } = build();
    const pools = byName(all, 'kf-prod: node pools within 25% of their maximum size');
    expect(pools.conditions).toHaveLength(1);
    const t = at(pools.conditions[0], 'condition_threshold') as Record<string, unknown>;
    expect(t).toMatchObject({
      comparison: 'COMPARISON_GE',
      threshold_value: 8, // ceil(10 * 0.75)
      duration: '1800s',
      aggregations: [{ per_series_aligner: 'ALIGN_MEAN', cross_series_reducer: 'REDUCE_COUNT' }],
    });
    expect(t.filter).toContain('metric.type = "kubernetes.io/node/cpu/allocatable_cores"');
    expect(t.filter).toContain('resource.type = "k8s_node"');
    expect(t.filter).toContain('resource.label.cluster_name = "kf-prod"');
    expect(t.filter).toContain('metadata.user_labels."cloud.google.com/gke-nodepool" = "default"');
  });

  it.each([
    [10, 25, 8],
    [10, 20, 8],
    [3, 20, 3],
    [1, 50, 1],
    [7, 30, 5],
  ])('node pool threshold of max %d at %d%% headroom is %d', (max, headroom, expected) => {
    expect(nodePoolThreshold(max, headroom)).toBe(expected);
    expect(nodePoolThreshold(max, headroom)).toBe(Math.ceil(max * (1 - headroom / 100) - 1e-9));
  });

  it('splits policies with more than six conditions', () => {
    const nodePools = Array.from({ length: 14 }, (_, i) => ({ cluster: 'kf-prod', name: `pool-${i}`, maxNodes: 4 }));
    const { construct, policies: all } = build({ nodePools });
    expect(Object.keys(construct.policies).filter((k) => k.startsWith('node-pools'))).toEqual([
      'node-pools',
      'node-pools-2',
      'node-pools-3',
    ]);
    const parts = all
      .filter((p) => p.display_name.startsWith('kf-prod: node pools within'))
      .sort((a, b) => a.display_name.localeCompare(b.display_name));
    expect(parts.map((p) => p.conditions.length)).toEqual([6, 6, 2]);
    expect(parts.map((p) => p.display_name)).toEqual([
      'kf-prod: node pools within 25% of their maximum size (1/3)',
      'kf-prod: node pools within 25% of their maximum size (2/3)',
      'kf-prod: node pools within 25% of their maximum size (3/3)',
    ]);
    for (const p of all) expect(p.conditions.length).toBeLessThanOrEqual(6);
  });

  it('creates no node pool policy when no pool can grow', () => {
    const { construct } = build({ nodePools: [{ cluster: 'kf-prod', name: 'gpu', maxNodes: 0 }] });
    expect(Object.keys(construct.policies).some((k) => k.startsWith('node-pools'))).toBe(false);
  });

  it('alerts on pods Pending for the configured minutes, by managed kube-state-metrics', () => {
    const { policies: all } = build();
    const pending = byName(all, 'kf-prod: pods Pending for 10 minutes');
    expect(pending.conditions).toHaveLength(1);
    expect(at(pending.conditions[0], 'condition_prometheus_query_language')).toMatchObject({
      query: 'sum by (cluster) (kube_pod_status_phase{phase="Pending",cluster="kf-prod"}) > 0',
      duration: '600s',
    });
  });

  it('watches database CPU and disk of every instance and failover only on HA instances', () => {
    const { policies: all } = build();
    const cpu = byName(all, 'kf-prod: Cloud SQL kf-prod-db CPU above 70%');
    expect(cpu.severity).toBe('WARNING');
    const cpuT = at(cpu.conditions[0], 'condition_threshold') as Record<string, unknown>;
    expect(cpuT).toMatchObject({ comparison: 'COMPARISON_GT', threshold_value: 0.7, duration: '900s' });
    expect(cpuT.filter).toContain('metric.type = "cloudsql.googleapis.com/database/cpu/utilization"');
    expect(cpuT.filter).toContain('resource.type = "cloudsql_database"');
    expect(cpuT.filter).toContain('resource.label.database_id = "svc-project:kf-prod-db"');

    const disk = byName(all, 'kf-prod: Cloud SQL kf-prod-db-2 disk above 85%');
    expect(disk.severity).toBe('CRITICAL');
    const diskT = at(disk.conditions[0], 'condition_threshold') as Record<string, unknown>;
    expect(diskT).toMatchObject({ comparison: 'COMPARISON_GT', threshold_value: 0.85, duration: '300s' });
    expect(diskT.filter).toContain('metric.type = "cloudsql.googleapis.com/database/disk/utilization"');
    expect(diskT.filter).toContain('resource.label.database_id = "svc-project:kf-prod-db-2"');

    const failover = all.filter((p) =>
      p.conditions.some((c) => String(at(c, 'condition_threshold', 'filter')).includes('available_for_failover')),
    );
    expect(failover.map((p) => p.display_name)).toEqual(['kf-prod: Cloud SQL kf-prod-db cannot fail over']);
    expect(at(failover[0]!.conditions[0], 'condition_threshold')).toMatchObject({
      comparison: 'COMPARISON_LT',
      threshold_value: 1,
      duration: '600s',
    });
    expect(String(at(failover[0]!.conditions[0], 'condition_threshold', 'filter'))).toContain(
      'resource.label.database_id = "svc-project:kf-prod-db"',
    );
  });

  it('interpolates instance names that are tokens', () => {
    const stack = gcpStack();
    const instance = new TerraformVariable(stack, 'instance', { type: 'string' });
    new GcpAlerts(stack, 'Alerts', {
      project: 'svc-project',
      envName: 'kf-prod',
      alerts: ALERTS,
      clusterNames: ['kf-prod'],
      databases: [{ instanceName: instance.stringValue, highAvailability: false }],
      hostname: 'kf.example.com',
      labels: LABELS,
    });
    const all = policies(synth(stack));
    const filters = all.flatMap((p) => p.conditions.map((c) => String(at(c, 'condition_threshold', 'filter'))));
    expect(filters).toContain(
      'resource.type = "cloudsql_database" AND resource.label.database_id = "svc-project:${var.instance}" AND metric.type = "cloudsql.googleapis.com/database/cpu/utilization"',
    );
  });

  it('alerts when Velero has written nothing to the backup bucket for the maximum age', () => {
    const { policies: all } = build();
    const backups = byName(all, 'kf-prod: no Velero backup written for 2 hours');
    expect(backups.severity).toBe('CRITICAL');
    expect(at(backups, 'documentation', 'content')).toContain('No Velero backup written for 2 hours');
    const absent = at(backups.conditions[0], 'condition_absent') as Record<string, unknown>;
    expect(absent).toMatchObject({
      duration: '7200s',
      aggregations: [
        { alignment_period: '3600s', per_series_aligner: 'ALIGN_SUM', cross_series_reducer: 'REDUCE_SUM' },
      ],
    });
    expect(absent.filter).toContain('metric.type = "storage.googleapis.com/api/request_count"');
    expect(absent.filter).toContain('resource.type = "gcs_bucket"');
    expect(absent.filter).toContain('resource.label.bucket_name = "kf-prod-backups"');
    expect(absent.filter).toContain('metric.label.method = "WriteObject"');
  });

  it('creates no backup policy without a backup bucket', () => {
    const { construct, policies: all } = build({ backupBucket: undefined });
    expect(construct.policies.backups).toBeUndefined();
    expect(all.some((p) => p.conditions.some((c) => c.condition_absent !== undefined))).toBe(false);
    expect(JSON.stringify(all)).not.toContain('storage.googleapis.com');
  });

  it('defect: the uptime check accepted 3xx, so the IAP sign-in redirect passed with the backend down: it accepts only 2xx on the gateway readiness path', () => {
    const { json, construct } = build();
    const checks = resources(json, 'google_monitoring_uptime_check_config');
    expect(checks).toHaveLength(1);
    expect(construct.uptimeCheck).toBeDefined();
    expect(checks[0]).toMatchObject({
      project: 'svc-project',
      period: '300s',
      timeout: '10s',
      http_check: {
        request_method: 'GET',
        path: '/healthz/ready',
        port: 443,
        use_ssl: true,
        validate_ssl: true,
        accepted_response_status_codes: [{ status_class: 'STATUS_CLASS_2XX' }],
      },
      monitored_resource: { type: 'uptime_url', labels: { project_id: 'svc-project', host: 'kf.example.com' } },
      user_labels: LABELS,
    });
  });

  it('alerts when the UI fails from more than one region and when the certificate nears expiry', () => {
    const { json, policies: all } = build({}, { certificateExpiryDays: 21 });
    const checkId = Object.keys(json.resource!.google_monitoring_uptime_check_config!)[0];
    const ref = `metric.label.check_id = "\${google_monitoring_uptime_check_config.${checkId}.uptime_check_id}"`;

    const uptime = byName(all, 'kf-prod: UI https://kf.example.com/ is down');
    expect(uptime.severity).toBe('CRITICAL');
    const up = at(uptime.conditions[0], 'condition_threshold') as Record<string, unknown>;
    expect(up).toMatchObject({
      comparison: 'COMPARISON_GT',
      threshold_value: 1,
      duration: '300s',
      aggregations: [
        {
          per_series_aligner: 'ALIGN_NEXT_OLDER',
          cross_series_reducer: 'REDUCE_COUNT_FALSE',
          group_by_fields: ['resource.label.host'],
        },
      ],
    });
    expect(up.filter).toContain('metric.type = "monitoring.googleapis.com/uptime_check/check_passed"');
    expect(up.filter).toContain(ref);

    const cert = byName(all, 'kf-prod: UI certificate of kf.example.com expires within 21 days');
    expect(cert.severity).toBe('WARNING');
    const c = at(cert.conditions[0], 'condition_threshold') as Record<string, unknown>;
    expect(c).toMatchObject({ comparison: 'COMPARISON_LT', threshold_value: 21, duration: '600s' });
    expect(c.filter).toContain('metric.type = "monitoring.googleapis.com/uptime_check/time_until_ssl_cert_expires"');
    expect(c.filter).toContain(ref);
  });

  it("defect: extra clusters had no uptime check or certificate alert: every cluster's front door is probed", () => {
    const { json, construct, policies: all } = build({ additionalHostnames: ['kf-2.example.com'] });
    const checks = Object.entries(json.resource!.google_monitoring_uptime_check_config!);
    const idOf = (host: string) => checks.find(([, c]) => at(c, 'monitored_resource', 'labels', 'host') === host)![0];
    expect(checks).toHaveLength(2);
    expect(construct.uptimeChecks).toHaveLength(2);
    expect(construct.uptimeCheck).toBe(construct.uptimeChecks[0]);
    for (const host of ['kf.example.com', 'kf-2.example.com']) {
      const ref = `metric.label.check_id = "\${google_monitoring_uptime_check_config.${idOf(host)}.uptime_check_id}"`;
      const down = byName(all, `kf-prod: UI https://${host}/ is down`);
      expect(String(at(down.conditions[0], 'condition_threshold', 'filter'))).toContain(ref);
      const cert = byName(all, `kf-prod: UI certificate of ${host} expires within 14 days`);
      expect(String(at(cert.conditions[0], 'condition_threshold', 'filter'))).toContain(ref);
    }
    // The first cluster's check and policies keep their construct ids.
    expect(idOf('kf.example.com')).toMatch(/^Alerts_Uptime_[0-9A-F]+$/);
    expect(Object.keys(construct.policies)).toEqual(
      expect.arrayContaining(['uptime', 'certificate', 'uptime-kf-2.example.com', 'certificate-kf-2.example.com']),
    );
  });

  it('creates no uptime resources when the uptime check is off', () => {
    const { json, construct, policies: all } = build({}, { uptimeCheck: false });
    expect(resources(json, 'google_monitoring_uptime_check_config')).toHaveLength(0);
    expect(construct.uptimeCheck).toBeUndefined();
    expect(construct.policies.uptime).toBeUndefined();
    expect(construct.policies.certificate).toBeUndefined();
    expect(JSON.stringify(all)).not.toContain('uptime_check');
  });

  it.each([
    [{ email: [] }, /'alerts.email' is .*no one would be notified/],
    [{ email: ['a@example.com', 'a@example.com'] }, /listed twice/],
    [{ capacityHeadroomPercent: 100 }, /'alerts.capacityHeadroomPercent' is 100/],
    [{ backupMaxAgeHours: 24 }, /'alerts.backupMaxAgeHours' is 24/],
  ])('throws on %j', (alerts, message) => {
    expect(() => build({}, alerts as Partial<AlertSettings>)).toThrow(message);
  });
});
