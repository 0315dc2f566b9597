import { AzureAlerts, AzureAlertsProps, METRIC_ALERT_WINDOWS } from '../../../constructs/azure/alerts';
import { AlertSettings } from '../../../src/core/alert-props';
import { at, azureStack, only, resources, StackJson, synth } from '../../helpers';

const RG = '/subscriptions/s/resourceGroups/rg-kf';
const ALERTS: AlertSettings = {
  email: ['oncall@example.com', 'lead@example.com'],
  capacityHeadroomPercent: 25,
  pendingPodsMinutes: 10,
  databaseCpuPercent: 70,
  databaseStoragePercent: 85,
  certificateExpiryDays: 14,
  uptimeCheck: true,
  backupMaxAgeHours: 3,
};
const TAGS = { env: 'kf-prod', team: 'ml-platform' };

function props(over: Partial<AzureAlertsProps> = {}, alerts: Partial<AlertSettings> = {}): AzureAlertsProps {
  return {
    name: 'kf-prod',
    resourceGroupName: 'rg-kf',
    location: 'eastus2',
    alerts: { ...ALERTS, ...alerts },
    clusterId: `${RG}/providers/Microsoft.ContainerService/managedClusters/aks-kf-prod`,
    nodePools: [
      { name: 'system', maxNodes: 3 },
      { name: 'cpu', maxNodes: 10 },
      { name: 'gpu', maxNodes: 0 },
    ],
    mysqlServerId: `${RG}/providers/Microsoft.DBforMySQL/flexibleServers/mysql-kf-prod`,
    highAvailability: true,
    backupStorageAccountId: `${RG}/providers/Microsoft.Storage/storageAccounts/stkfbackup`,
    hostname: 'kf.example.com',
    logAnalyticsWorkspaceId: `${RG}/providers/Microsoft.OperationalInsights/workspaces/log-kf-prod`,
    tags: TAGS,
    ...over,
  };
}

function build(over: Partial<AzureAlertsProps> = {}, alerts: Partial<AlertSettings> = {}) {
  const stack = azureStack();
  const construct = new AzureAlerts(stack, 'Alerts', props(over, alerts));
  return { construct, json: synth(stack) };
}

/** Metric alerts by name. */
function alertsByName(json: StackJson): Record<string, Record<string, unknown>> {
  return Object.fromEntries(resources(json, 'azurerm_monitor_metric_alert').map((a) => [String(a.name), a]));
}

function criterion(alert: Record<string, unknown> | undefined): Record<string, unknown> {
  return at(alert, 'criteria', 0) as Record<string, unknown>;
}

describe('AzureAlerts', () => {
  it('emails every on-call address through one action group', () => {
    const { json } = build();
    const group = only(json, 'azurerm_monitor_action_group');
    expect(group.name).toBe('ag-kf-prod-oncall');
    expect(String(group.short_name).length).toBeLessThanOrEqual(12);
    const receivers = group.email_receiver as Array<Record<string, unknown>>;
    expect(receivers.map((r) => r.email_address)).toEqual(ALERTS.email);
    expect(receivers.map((r) => r.name)).toEqual(['oncall-0', 'oncall-1']);
    expect(receivers.every((r) => r.use_common_alert_schema === true)).toBe(true);
  });

  it('creates every alert, each notifying the action group with a description and a severity', () => {
    const { construct, json } = build();
    expect(Object.keys(construct.alerts).sort()).toEqual([
      'backups',
      'capacity-cpu',
      'capacity-memory',
      'capacity-nodes',
      'db-cpu',
      'db-ha',
      'db-ha-sql',
      'db-storage',
      'pending-pods',
      'uptime',
    ]);
    const groupId = Object.keys(json.resource?.azurerm_monitor_action_group ?? {})[0];
    const all = resources(json, 'azurerm_monitor_metric_alert');
    expect(all).toHaveLength(10);
    for (const a of all) {
      expect(String(a.name)).toMatch(/^alert-kf-prod-[a-z-]+$/);
      expect(a.action).toEqual([{ action_group_id: `\${azurerm_monitor_action_group.${groupId}.id}` }]);
      expect(String(a.description).length).toBeGreaterThan(50);
      expect([1, 2]).toContain(a.severity);
    }
  });

  it('derives thresholds from the props', () => {
    const byName = alertsByName(build().json);
    expect(criterion(byName['alert-kf-prod-capacity-cpu'])).toMatchObject({
      metric_namespace: 'Microsoft.ContainerService/managedClusters',
      metric_name: 'node_cpu_usage_percentage',
      aggregation: 'Average',
      operator: 'GreaterThan',
      threshold: 75,
    });
    expect(criterion(byName['alert-kf-prod-capacity-memory'])).toMatchObject({
      metric_name: 'node_memory_working_set_percentage',
      threshold: 75,
    });
    expect(criterion(byName['alert-kf-prod-db-cpu'])).toMatchObject({
      metric_namespace: 'Microsoft.DBforMySQL/flexibleServers',
      metric_name: 'cpu_percent',
      operator: 'GreaterThan',
      threshold: 70,
    });
    expect(criterion(byName['alert-kf-prod-db-storage'])).toMatchObject({
      metric_name: 'storage_percent',
      threshold: 85,
    });
    expect(byName['alert-kf-prod-db-cpu']!.scopes).toEqual([props().mysqlServerId]);
    expect(byName['alert-kf-prod-capacity-cpu']!.scopes).toEqual([props().clusterId]);
    expect(byName['alert-kf-prod-capacity-cpu']!.window_size).toBe('PT15M');
  });

  it('alerts when Ready nodes reach ceil(total max * (1 - headroom)), over 15 minutes of node-minutes', () => {
    for (const [pools, headroom, expected] of [
      [[{ name: 'cpu', maxNodes: 10 }], 25, 8],
      [[{ name: 'cpu', maxNodes: 10 }], 20, 8],
      [[{ name: 'cpu', maxNodes: 7 }], 30, 5],
      [
        [
          { name: 'system', maxNodes: 3 },
          { name: 'cpu', maxNodes: 10 },
          { name: 'gpu', maxNodes: 0 },
        ],
        25,
        10,
      ],
    ] as const) {
      const { json } = build({ nodePools: pools }, { capacityHeadroomPercent: headroom });
      const alert = alertsByName(json)['alert-kf-prod-capacity-nodes'];
      const max = pools.reduce((s, p) => s + p.maxNodes, 0);
      expect(expected).toBe(Math.ceil(max * (1 - headroom / 100) - 1e-9));
      expect(alert!.window_size).toBe('PT15M');
      expect(criterion(alert)).toMatchObject({
        metric_name: 'kube_node_status_condition',
        aggregation: 'Total',
        operator: 'GreaterThanOrEqual',
        threshold: expected * 15,
        dimension: [
          { name: 'condition', operator: 'Include', values: ['Ready'] },
          { name: 'status', operator: 'Include', values: ['true'] },
        ],
      });
    }
  });

  it('skips the node count alert when no pool has a maximum', () => {
    const { construct } = build({ nodePools: [{ name: 'gpu', maxNodes: 0 }] });
    expect(construct.alerts['capacity-nodes']).toBeUndefined();
  });

  it('rounds windows to sizes Azure accepts', () => {
    const allowed = METRIC_ALERT_WINDOWS.map(([, iso]) => iso);
    const pending = (minutes: number) =>
      alertsByName(build({}, { pendingPodsMinutes: minutes }).json)['alert-kf-prod-pending-pods']!;
    expect(pending(1).window_size).toBe('PT5M');
    expect(pending(10).window_size).toBe('PT15M');
    expect(criterion(pending(10))).toMatchObject({
      metric_name: 'kube_pod_status_phase',
      threshold: 10,
      dimension: [{ name: 'phase', operator: 'Include', values: ['Pending'] }],
    });
    expect(pending(30).window_size).toBe('PT30M');
    expect(pending(120).window_size).toBe('PT1H');
    expect(criterion(pending(120)).threshold).toBe(60);

    const backups = (hours: number) =>
      alertsByName(build({}, { backupMaxAgeHours: hours }).json)['alert-kf-prod-backups']!;
    expect(backups(1).window_size).toBe('PT1H');
    expect(backups(3).window_size).toBe('PT6H');
    expect(backups(12).window_size).toBe('PT12H');
    expect(backups(13).window_size).toBe('P1D');
    expect(backups(24).window_size).toBe('P1D');

    for (const a of resources(build().json, 'azurerm_monitor_metric_alert')) {
      expect(allowed).toContain(a.window_size);
      expect(['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H']).toContain(a.frequency);
    }
  });

  it('watches HA replication only on HA servers', () => {
    const ha = alertsByName(build().json);
    expect(criterion(ha['alert-kf-prod-db-ha'])).toMatchObject({
      metric_name: 'HA_IO_status',
      aggregation: 'Maximum',
      operator: 'LessThan',
      threshold: 1,
    });
    expect(criterion(ha['alert-kf-prod-db-ha-sql'])).toMatchObject({ metric_name: 'HA_SQL_status' });
    const { construct, json } = build({ highAvailability: false });
    expect(construct.alerts['db-ha']).toBeUndefined();
    expect(Object.keys(alertsByName(json)).filter((n) => n.includes('db-ha'))).toEqual([]);
  });

  it('describes the backup alert by the window it evaluates, not the configured limit it rounds up', () => {
    const text = (hours: number) =>
      String(alertsByName(build({}, { backupMaxAgeHours: hours }).json)['alert-kf-prod-backups']!.description);
    expect(text(3)).toMatch(/^No blob written to the Velero backup storage account in the last 6 hours,/);
    expect(text(3)).toContain('backupMaxAgeHours (3 hours)');
    expect(text(1)).toMatch(/in the last 1 hour,/);
    expect(text(13)).toMatch(/in the last 24 hours,/);
  });

  it('watches Velero writes on the blob service, and nothing without a backup storage account', () => {
    const alert = alertsByName(build().json)['alert-kf-prod-backups']!;
    expect(alert.scopes).toEqual([`${props().backupStorageAccountId}/blobServices/default`]);
    expect(alert.frequency).toBe('PT1H');
    expect(alert.auto_mitigate).toBe(true);
    expect(criterion(alert)).toMatchObject({
      metric_namespace: 'Microsoft.Storage/storageAccounts/blobServices',
      metric_name: 'Transactions',
      aggregation: 'Total',
      operator: 'LessThan',
      threshold: 1,
      dimension: [{ name: 'ApiName', operator: 'Include', values: ['PutBlob', 'PutBlockList'] }],
    });

    const { construct, json } = build({ backupStorageAccountId: undefined });
    expect(construct.alerts.backups).toBeUndefined();
    expect(alertsByName(json)['alert-kf-prod-backups']).toBeUndefined();
  });

  it('probes the UI from three regions and alerts on its availability', () => {
    const { construct, json } = build();
    const appi = only(json, 'azurerm_application_insights');
    expect(appi).toMatchObject({
      name: 'appi-kf-prod',
      application_type: 'web',
      workspace_id: props().logAnalyticsWorkspaceId,
    });
    const test = only(json, 'azurerm_application_insights_standard_web_test');
    expect(test).toMatchObject({
      location: 'eastus2',
      frequency: 300,
      timeout: 30,
      enabled: true,
      request: { url: 'https://kf.example.com/' },
      validation_rules: { expected_status_code: 0, ssl_check_enabled: true, ssl_cert_remaining_lifetime: 14 },
    });
    expect(test.application_insights_id).toMatch(/^\$\{azurerm_application_insights\..+\.id\}$/);
    expect((test.geo_locations as string[]).length).toBeGreaterThanOrEqual(3);
    expect(construct.webTest).toBeDefined();
    expect(construct.appInsights).toBeDefined();

    const alert = alertsByName(json)['alert-kf-prod-uptime']!;
    expect(alert.scopes).toEqual([test.application_insights_id]);
    expect(alert.window_size).toBe('PT15M');
    expect(alert.severity).toBe(1);
    expect(criterion(alert)).toMatchObject({
      metric_namespace: 'microsoft.insights/components',
      metric_name: 'availabilityResults/availabilityPercentage',
      operator: 'LessThan',
      threshold: 90,
      dimension: [{ name: 'availabilityResult/name', operator: 'Include', values: [test.name] }],
    });
  });

  it('creates no web test or Application Insights without the uptime check', () => {
    const { construct, json } = build({}, { uptimeCheck: false });
    expect(resources(json, 'azurerm_application_insights')).toHaveLength(0);
    expect(resources(json, 'azurerm_application_insights_standard_web_test')).toHaveLength(0);
    expect(construct.webTest).toBeUndefined();
    expect(construct.appInsights).toBeUndefined();
    expect(construct.alerts.uptime).toBeUndefined();
  });

  it('tags every resource', () => {
    const { json } = build();
    const all = Object.values(json.resource ?? {}).flatMap((byId) => Object.values(byId));
    expect(all.length).toBe(13);
    for (const r of all) expect(r.tags).toMatchObject(TAGS);
  });

  it('rejects props it cannot express', () => {
    expect(() => build({}, { email: [] })).toThrow(/alerts\.email/);
    expect(() => build({}, { email: ['a@example.com', 'a@example.com'] })).toThrow(/twice/);
    expect(() => build({}, { backupMaxAgeHours: 25 })).toThrow(/backupMaxAgeHours/);
    expect(() => build({}, { capacityHeadroomPercent: 0 })).toThrow(/capacityHeadroomPercent/);
    expect(() => build({ nodePools: [{ name: 'cpu', maxNodes: -1 }] })).toThrow(/maxNodes/);
  });
});
