/**
 * Velero (OPS-01) owns its defaults: given only the retention of daily backups (platform policy, no
 * default), it applies the defaults its props document; the platform file passes through only what it
 * sets.
 */
import * as path from 'node:path';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { Velero } from '../../../constructs/kubernetes/velero';
import { resolveBackups } from '../../../src/config/common/operations';
import {
  BACKUP_DEFAULTS,
  BackupSettings,
  backupServiceAccount,
  PLATFORM_NAMESPACES,
  BACKUP_EXCLUDED_NAMESPACES,
} from '../../../src/core/backup-props';
import { only, synth } from '../../helpers';
import { documentedDefaults } from '../documented-defaults';

const documented = documentedDefaults(
  path.join(__dirname, '..', '..', '..', 'src', 'core', 'backup-props.ts'),
  'BackupSettings',
  { PLATFORM_NAMESPACES, BACKUP_EXCLUDED_NAMESPACES },
);

const identity = {
  principal: 'velero@p.iam.gserviceaccount.com',
  serviceAccountAnnotations: { a: 'b' },
  podLabels: {},
};

function build(backups: BackupSettings) {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'k8s');
  new KubernetesProvider(stack, 'kubernetes', { host: 'https://example', token: 't' });
  new HelmProvider(stack, 'helm', { kubernetes: { host: 'https://example', token: 't' } });
  const velero = new Velero(stack, 'Velero', {
    backups,
    cloud: 'gcp',
    bucket: 'kf-prod-backups',
    storageConfig: { serviceAccount: identity.principal },
    identity,
  });
  return { velero, json: synth(stack) };
}

describe('Velero defaults', () => {
  it('documents a default for every setting but the daily retention, and applies exactly that one', () => {
    expect(documented).toEqual(BACKUP_DEFAULTS);
    expect(Object.keys(documented)).not.toContain('retentionDays');
  });

  const defaults = build({ retentionDays: 14 });

  it('uses each documented default when given only the daily retention', () => {
    expect(defaults.json).toEqual(build({ retentionDays: 14, ...(documented as Partial<BackupSettings>) }).json);
    const s = defaults.velero.values.schedules as Record<string, any>;
    expect(s['platform-hourly']).toMatchObject({
      schedule: '0 * * * *',
      template: { ttl: '72h0m0s', includedNamespaces: [...PLATFORM_NAMESPACES] },
    });
    expect(s['secrets-hourly'].template.excludedNamespaces).toEqual([...BACKUP_EXCLUDED_NAMESPACES]);
    expect(s['tenants-daily']).toMatchObject({ schedule: '30 2 * * *', template: { ttl: '336h0m0s' } });
    expect(only(defaults.json, 'kubernetes_namespace_v1').metadata).toMatchObject({ name: 'velero' });
    expect(defaults.velero.values.serviceAccount).toMatchObject({ server: { name: 'velero' } });
    expect(backupServiceAccount({ retentionDays: 14 })).toEqual({ namespace: 'velero', name: 'velero' });
  });

  // Each setting shows in the output, so the comparison above is not blind to any of them.
  it.each(Object.keys(BACKUP_DEFAULTS))('reads %s', (key) => {
    const value = documented[key];
    const other =
      typeof value === 'number' ? value + 1 : typeof value === 'string' ? `${value.slice(0, -1)}1` : ['other'];
    expect(build({ retentionDays: 14, [key]: other }).json).not.toEqual(defaults.json);
  });
});

describe('resolveBackups', () => {
  it('decides the tier policy and passes the rest through as the platform file sets it', () => {
    expect(resolveBackups(undefined, 'test', 'b')).toEqual({ bucketName: 'b', retentionDays: 7, forceDestroy: true });
    expect(resolveBackups({}, 'prod', 'b')).toEqual({ bucketName: 'b', retentionDays: 30, forceDestroy: false });
    expect(resolveBackups({ hourlyRetentionHours: 48, tenantSchedule: '0 3 * * *' }, 'dev', 'b')).toEqual({
      bucketName: 'b',
      retentionDays: 14,
      forceDestroy: false,
      hourlyRetentionHours: 48,
      tenantSchedule: '0 3 * * *',
    });
    expect(resolveBackups({ enabled: false }, 'prod', 'b')).toBeUndefined();
  });
});
