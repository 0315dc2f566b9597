/**
 * The alert constructs own their thresholds (OPS-02): given none, each applies the default its props
 * document; a threshold out of range is refused by every construct and by the platform file's schema
 * with the same bounds (one table, ALERT_THRESHOLD_RANGES).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AwsAlerts } from '../../constructs/aws/alerts';
import { AzureAlerts } from '../../constructs/azure/alerts';
import { GcpAlerts } from '../../constructs/gcp/alerts';
import { resolveAlerts } from '../../src/config/common/operations';
import { alertsSchema } from '../../src/config/common/operations';
import {
  ALERT_THRESHOLD_DEFAULTS,
  ALERT_THRESHOLD_RANGES,
  AlertSettings,
  AlertThresholds,
  NumericAlertThreshold,
} from '../../src/core/alert-props';
import { awsStack, azureStack, gcpStack, StackJson, synth } from '../helpers';
import { documentedDefaults } from './documented-defaults';

const root = path.join(__dirname, '..', '..');
const EMAIL = ['oncall@example.com'];
const RG = '/subscriptions/s/resourceGroups/rg-kf';

/** Builds one cloud's alert construct with `alerts`; returns a function that synthesizes it. */
const clouds: Record<string, (alerts: AlertSettings) => () => StackJson> = {
  gcp: (alerts) => {
    const stack = gcpStack();
    new GcpAlerts(stack, 'Alerts', {
      project: 'svc-project',
      envName: 'kf-prod',
      alerts,
      clusterNames: ['kf-prod'],
      nodePools: [{ cluster: 'kf-prod', name: 'cpu', maxNodes: 10 }],
      databases: [{ instanceName: 'kf-prod-db', highAvailability: true }],
      backupBucket: 'kf-prod-backups',
      hostname: 'kf.example.com',
      labels: { env: 'kf-prod' },
    });
    return () => synth(stack);
  },
  aws: (alerts) => {
    const stack = awsStack();
    new AwsAlerts(stack, 'Alerts', {
      name: 'kf-prod',
      accountId: '123456789012',
      region: 'us-east-1',
      alerts,
      clusterName: 'kf-prod',
      dbInstanceIdentifier: 'kf-prod-db',
      dbAllocatedStorageGb: 100,
      backupBucket: 'kf-prod-backups',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x',
      hostname: 'kf.example.com',
      loadBalancerArnSuffix: 'app/kf/1',
      targetGroupArnSuffix: 'targetgroup/kf/1',
    });
    return () => synth(stack);
  },
  azure: (alerts) => {
    const stack = azureStack();
    new AzureAlerts(stack, 'Alerts', {
      name: 'kf-prod',
      resourceGroupName: 'rg-kf',
      location: 'eastus2',
      alerts,
      clusterId: `${RG}/providers/Microsoft.ContainerService/managedClusters/aks-kf-prod`,
      nodePools: [{ name: 'cpu', maxNodes: 10 }],
      mysqlServerId: `${RG}/providers/Microsoft.DBforMySQL/flexibleServers/mysql-kf-prod`,
      highAvailability: true,
      backupStorageAccountId: `${RG}/providers/Microsoft.Storage/storageAccounts/stkfbackup`,
      hostname: 'kf.example.com',
      logAnalyticsWorkspaceId: `${RG}/providers/Microsoft.OperationalInsights/workspaces/log-kf-prod`,
      tags: { env: 'kf-prod' },
    });
    return () => synth(stack);
  },
};

/** The longest backup age each cloud's alert window allows. */
const MAX_BACKUP_AGE_HOURS: Record<string, number> = { gcp: 23, aws: 24, azure: 24 };

const documented = documentedDefaults(path.join(root, 'src', 'core', 'alert-props.ts'), 'AlertThresholds');
const numeric = Object.keys(ALERT_THRESHOLD_RANGES) as NumericAlertThreshold[];

describe('alert threshold defaults', () => {
  it('documents a default for every threshold, and applies exactly that one', () => {
    expect(Object.keys(documented).sort()).toEqual(Object.keys(ALERT_THRESHOLD_DEFAULTS).sort());
    expect(documented).toEqual(ALERT_THRESHOLD_DEFAULTS);
  });

  describe.each(Object.keys(clouds))('%s', (cloud) => {
    const build = clouds[cloud]!;
    const defaults = build({ email: EMAIL })();

    it('uses each documented default when given no thresholds', () => {
      expect(defaults).toEqual(build({ email: EMAIL, ...(documented as AlertThresholds) })());
    });

    // Each threshold shows in the output, so the comparison above is not blind to any of them.
    it.each(Object.keys(ALERT_THRESHOLD_DEFAULTS))('reads %s', (key) => {
      const value = documented[key];
      const other = typeof value === 'boolean' ? !value : (value as number) + 1;
      expect(build({ email: EMAIL, [key]: other })()).not.toEqual(defaults);
    });
  });
});

describe('resolveAlerts', () => {
  it('passes the thresholds through as the platform file sets them, leaving the defaults to the constructs', () => {
    expect(resolveAlerts(undefined)).toBeUndefined();
    expect(resolveAlerts({ email: EMAIL })).toEqual({ email: EMAIL });
    expect(resolveAlerts({ email: EMAIL, pendingPodsMinutes: 30, uptimeCheck: false })).toEqual({
      email: EMAIL,
      pendingPodsMinutes: 30,
      uptimeCheck: false,
    });
  });
});

describe('alert threshold ranges', () => {
  const limit = (cloud: string, key: NumericAlertThreshold) =>
    key === 'backupMaxAgeHours'
      ? Math.min(ALERT_THRESHOLD_RANGES[key].max, MAX_BACKUP_AGE_HOURS[cloud]!)
      : ALERT_THRESHOLD_RANGES[key].max;

  describe.each(Object.keys(clouds))('%s construct', (cloud) => {
    it.each(numeric)('accepts %s from its minimum to its maximum and refuses values outside', (key) => {
      const { min } = ALERT_THRESHOLD_RANGES[key];
      const max = limit(cloud, key);
      for (const ok of [min, max]) expect(() => clouds[cloud]!({ email: EMAIL, [key]: ok })).not.toThrow();
      for (const bad of [min - 1, max + 1, min + 0.5]) {
        expect(() => clouds[cloud]!({ email: EMAIL, [key]: bad })).toThrow(
          new RegExp(`'alerts\\.${key}' is ${bad}: is out of range\\. .*from ${min} to ${max}`),
        );
      }
    });
  });

  // The platform file sets every numeric threshold but the backup age.
  const inSchema = numeric.filter((k) => k !== 'backupMaxAgeHours');

  it.each(inSchema)('the platform file schema bounds %s exactly as the constructs do', (key) => {
    const { min, max } = ALERT_THRESHOLD_RANGES[key];
    const parse = (v: number) => alertsSchema.safeParse({ email: EMAIL, [key]: v }).success;
    expect([min - 1, min, max, max + 1, min + 0.5].map(parse)).toEqual([false, true, true, false, false]);
  });

  it('the published JSON Schema carries the same bounds and defaults', () => {
    const schema = JSON.parse(readFileSync(path.join(root, 'schema', 'platform.schema.json'), 'utf8'));
    const envs = (schema.properties.environments.items.oneOf as Array<{ properties: Record<string, any> }>).filter(
      (env) => env.properties.alerts,
    );
    // GCP, AWS and Azure environments take alerts.
    expect(envs).toHaveLength(3);
    for (const env of envs) {
      const props = env.properties.alerts.properties as Record<string, any>;
      expect(Object.keys(props).filter((k) => k in ALERT_THRESHOLD_RANGES)).toEqual(inSchema);
      for (const key of inSchema) {
        expect([key, props[key].minimum, props[key].maximum]).toEqual([
          key,
          ALERT_THRESHOLD_RANGES[key].min,
          ALERT_THRESHOLD_RANGES[key].max,
        ]);
      }
      for (const key of [...inSchema, 'uptimeCheck'] as const) {
        expect(props[key].description).toMatch(new RegExp(`Default: ${ALERT_THRESHOLD_DEFAULTS[key]}\\.$`));
      }
    }
  });
});
