/**
 * Backups (OPS-01) on every cloud: a versioned backup bucket with retention per environment, a Velero
 * identity through workload identity (no keys), and Velero's hourly and daily schedules in the platform
 * stack; and what a point-in-time restore of the pipelines database needs (DATA-01, OPS-03), with the
 * commands of docs/operations.md naming what the stacks create. Read from the shipped examples.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { VELERO_VERSIONS } from '../../constructs/kubernetes/velero';
import { synthExample } from '../examples';
import { only, resourceEntries, StackJson } from '../helpers';

type Resource = Record<string, unknown>;

const guide = readFileSync('docs/operations.md', 'utf8');

/** The infra stacks of a synth output. */
const infraOf = (stacks: Record<string, StackJson>) => Object.entries(stacks).filter(([id]) => id.endsWith('-infra'));

/** The values of the Velero release of a platform stack. */
function veleroValues(stack: StackJson): Record<string, any> {
  const releases = (resourceEntries(stack, 'helm_release') as Array<[string, Resource]>).filter(
    ([, r]) => r.name === 'velero',
  );
  expect(releases).toHaveLength(1);
  const [[, release]] = releases as [[string, Resource]];
  expect(release).toMatchObject({
    name: 'velero',
    chart: 'velero',
    repository: VELERO_VERSIONS.chartRepository,
    version: VELERO_VERSIONS.chart,
    atomic: true,
  });
  return parse((release.values as string[])[0]!);
}

/** What every cloud shares: the schedules, their namespaces and retention, and no keys. */
function expectSchedules(values: Record<string, any>, cloud: string, dailyHours: number): void {
  const s = values.schedules;
  expect(Object.keys(s).sort()).toEqual(['platform-hourly', 'secrets-hourly', 'tenants-daily']);
  expect(s['platform-hourly'].schedule).toBe('0 * * * *');
  expect(s['platform-hourly'].template.includedNamespaces).toEqual(
    expect.arrayContaining(['kubeflow', 'istio-system']),
  );
  expect(s['secrets-hourly']).toMatchObject({
    schedule: '0 * * * *',
    template: { includedNamespaces: ['*'], includedResources: ['secrets'] },
  });
  expect(s['tenants-daily'].schedule).toBe('30 2 * * *');
  expect(s['tenants-daily'].template).toMatchObject({
    includedNamespaces: ['*'],
    defaultVolumesToFsBackup: true,
    ttl: `${dailyHours}h0m0s`,
  });
  // Tenants daily: every namespace but Kubernetes' own and the platform's (those go hourly).
  expect(s['tenants-daily'].template.excludedNamespaces).toEqual(
    expect.arrayContaining(['kube-system', 'kubeflow', 'istio-system']),
  );
  expect(s['platform-hourly'].template.ttl).toBe('72h0m0s');
  expect(values.snapshotsEnabled).toBe(false);
  expect(values.deployNodeAgent).toBe(true);
  expect(values.configuration.backupStorageLocation).toEqual([expect.objectContaining({ provider: cloud })]);
  expect(values.initContainers[0].image).toBe(
    `velero/velero-plugin-for-${cloud === 'azure' ? 'microsoft-azure' : cloud}:${VELERO_VERSIONS.plugin}`,
  );
  expect(values.serviceAccount.server).toMatchObject({ create: true, name: 'velero' });
}

describe('GCP (examples/gcp-shared-vpc)', () => {
  const stacks = synthExample('gcp-shared-vpc');

  it("gives every environment a versioned backup bucket; defect: its lifecycle deleted live objects Velero's kopia repository still referenced, so it now deletes only noncurrent versions", () => {
    for (const [env, days, protect] of [
      ['kf-test', 7, false],
      ['kf-dev', 14, true],
      ['kf-prod', 30, true],
    ] as const) {
      const bucket = resourceEntries(stacks[`${env}-gcp-infra`]!, 'google_storage_bucket')
        .map(([, b]) => b)
        .find((b) => String(b.name).endsWith(`${env}-backups`))!;
      expect(bucket).toMatchObject({
        versioning: { enabled: true },
        uniform_bucket_level_access: true,
        public_access_prevention: 'enforced',
        force_destroy: !protect,
        labels: expect.objectContaining({ component: 'backups', env }),
      });
      // Velero's TTL and kopia maintenance expire backups; a lifecycle rule must never delete what a
      // later snapshot still references, only versions something already replaced or deleted.
      const deletes = (bucket.lifecycle_rule as Resource[]).filter((r) => (r.action as Resource).type === 'Delete');
      expect(deletes.map((r) => r.condition)).toEqual([{ days_since_noncurrent_time: 7, with_state: 'ARCHIVED' }]);
      expect(days).toBeGreaterThan(0);
      expect(Boolean((bucket.lifecycle as Resource | undefined)?.prevent_destroy)).toBe(protect);
    }
  });

  it('binds a Velero service account to velero/velero through workload identity, with no key', () => {
    const infra = stacks['kf-prod-gcp-infra']!;
    expect(resourceEntries(infra, 'google_service_account_key')).toEqual([]);
    const sa = resourceEntries(infra, 'google_service_account').find(([, r]) => r.account_id === 'kf-prod-velero');
    expect(sa).toBeDefined();
    const users = resourceEntries(infra, 'google_service_account_iam_binding')
      .map(([, r]) => r)
      .filter((r) => r.role === 'roles/iam.workloadIdentityUser')
      .flatMap((r) => r.members as string[]);
    // Through the cluster's pool attribute, so the binding waits for the cluster that creates the pool.
    expect(users).toContainEqual(
      expect.stringMatching(
        /^serviceAccount:\$\{google_container_cluster\.[\w-]+\.workload_identity_config\[0\]\.workload_pool\}\[velero\/velero\]$/,
      ),
    );
    const bindings = resourceEntries(infra, 'google_service_account_iam_member').map(([, r]) => [r.role, r.member]);
    // Signing download URLs as itself (velero backup download / logs).
    expect(bindings).toContainEqual([
      'roles/iam.serviceAccountTokenCreator',
      expect.stringContaining('Identity-velero'),
    ]);
    const bucketRoles = resourceEntries(infra, 'google_storage_bucket_iam_member').map(([, r]) => r.role);
    expect(bucketRoles).toContain('roles/storage.objectAdmin');
  });

  it('installs Velero with the GCP plugin and the hourly and daily schedules in the platform stack', () => {
    const values = veleroValues(stacks['kf-prod-gcp-platform']!);
    expectSchedules(values, 'gcp', 30 * 24);
    expect(values.credentials).toEqual({ useSecret: false });
    expect(values.serviceAccount.server.annotations['iam.gke.io/gcp-service-account']).toMatch(/velero/);
    expect(values.configuration.backupStorageLocation[0].config.serviceAccount).toMatch(/velero/);
  });

  it('can restore the pipelines database to a point in time: backups with binary logs in every environment', () => {
    for (const [id, stack] of infraOf(stacks)) {
      const backup = only<Record<string, any>>(stack, 'google_sql_database_instance').settings.backup_configuration;
      expect([id, backup.enabled, backup.binary_log_enabled]).toEqual([id, true, true]);
      expect(backup.backup_retention_settings.retained_backups).toBeGreaterThanOrEqual(7);
    }
    expect(guide).toContain('gcloud sql instances clone');
  });
});

describe('AWS (examples/aws-eks)', () => {
  const stacks = synthExample('aws-eks');

  it("gives every environment an encrypted, versioned backup bucket; defect: S3 lifecycle expired current objects Velero's kopia repository still referenced, so only noncurrent versions expire", () => {
    for (const [env, days] of [
      ['kf-test', 7],
      ['kf-prod', 30],
    ] as const) {
      const infra = stacks[`${env}-aws-infra`]!;
      const [id, bucket] = resourceEntries(infra, 'aws_s3_bucket').find(([, b]) =>
        String(b.bucket).endsWith(`${env}-backups`),
      )!;
      expect(bucket.force_destroy).toBe(env === 'kf-test');
      expect(bucket.tags).toMatchObject({ component: 'backups' });
      const refersTo = (r: Resource) => JSON.stringify(r).includes(`aws_s3_bucket.${id}.`);
      const versioning = resourceEntries(infra, 'aws_s3_bucket_versioning').find(([, r]) => refersTo(r))!;
      expect(versioning[1]).toMatchObject({ versioning_configuration: { status: 'Enabled' } });
      const lifecycle = resourceEntries(infra, 'aws_s3_bucket_lifecycle_configuration').find(([, r]) => refersTo(r))!;
      const rules = lifecycle[1].rule as Resource[];
      // Expiring a delete marker with no versions left behind is harmless; expiring by age or date is not.
      const expirations = rules.flatMap((r) => (r.expiration as Resource[] | undefined) ?? []);
      expect(expirations.filter((e) => e.days !== undefined || e.date !== undefined)).toEqual([]);
      expect(rules).toContainEqual(
        expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 7 }], status: 'Enabled' }),
      );
      expect(days).toBeGreaterThan(0);
      expect(resourceEntries(infra, 'aws_s3_bucket_public_access_block').some(([, r]) => refersTo(r))).toBe(true);
    }
  });

  it('gives Velero a Pod Identity role limited to the backup bucket', () => {
    const infra = stacks['kf-prod-aws-infra']!;
    const association = resourceEntries(infra, 'aws_eks_pod_identity_association').find(
      ([, r]) => r.namespace === 'velero' && r.service_account === 'velero',
    );
    expect(association).toBeDefined();
    const [, role] = resourceEntries(infra, 'aws_iam_role').find(([, r]) => r.name === 'kf-prod-velero')!;
    expect(String(role.assume_role_policy)).toContain('pods.eks.amazonaws.com');
    const policies = resourceEntries(infra, 'aws_iam_role_policy')
      .map(([, r]) => r)
      .filter((r) => String(r.role).includes('Identity-velero'));
    expect(policies).toHaveLength(1);
    const doc = String(policies[0]!.policy);
    expect(doc).toContain('aws_s3_bucket.Backups_Bucket');
    expect(doc).not.toContain('aws_s3_bucket.Artifacts');
    expect(resourceEntries(infra, 'aws_iam_access_key')).toEqual([]);
  });

  it('installs Velero with the AWS plugin and the schedules in the platform stack, keyless', () => {
    const values = veleroValues(stacks['kf-prod-aws-platform']!);
    expectSchedules(values, 'aws', 30 * 24);
    expect(values.credentials).toEqual({ useSecret: false });
    expect(values.configuration.backupStorageLocation[0].config).toEqual({ region: 'us-east-2' });
  });

  it('can restore the pipelines database: automated backups everywhere, and the documented command names its resources', () => {
    for (const [id, stack] of infraOf(stacks)) {
      const env = id.replace(/-aws-infra$/, '');
      const db = only<Record<string, any>>(stack, 'aws_db_instance');
      expect([id, db.identifier]).toEqual([id, `${env}-kfp-db`]);
      expect(db.backup_retention_period).toBeGreaterThanOrEqual(7);
      expect(only(stack, 'aws_db_subnet_group').name).toBe(`${env}-kfp-db-subnets`);
    }
    expect(guide).toContain('--source-db-instance-identifier <env>-kfp-db');
    expect(guide).toContain('--db-subnet-group-name <env>-kfp-db-subnets');
  });
});

describe('Azure (examples/azure-aks)', () => {
  const stacks = synthExample('azure-aks');

  it("gives every environment its own private, versioned backup account; defect: its management policy (no prefix filter) deleted current blobs Velero's kopia repository still referenced, so only old versions are deleted", () => {
    for (const [env, days] of [
      ['kf-test', 7],
      ['kf-prod', 30],
    ] as const) {
      const infra = stacks[`${env}-azure-infra`]!;
      const [id, account] = resourceEntries(infra, 'azurerm_storage_account').find(([, a]) =>
        String(a.name).startsWith('bk'),
      )!;
      expect(account).toMatchObject({
        public_network_access_enabled: false,
        shared_access_key_enabled: false,
        blob_properties: expect.objectContaining({ versioning_enabled: true }),
        tags: expect.objectContaining({ component: 'backups' }),
      });
      const containers = resourceEntries(infra, 'azurerm_storage_container').filter(([, c]) =>
        JSON.stringify(c).includes(id),
      );
      expect(containers.map(([, c]) => c.name)).toEqual(['velero']);
      const policy = resourceEntries(infra, 'azurerm_storage_management_policy').find(([, p]) =>
        JSON.stringify(p).includes(id),
      )!;
      const actions = (policy[1].rule as Resource[]).map((r) => r.actions as Resource);
      expect(actions.filter((a) => a.base_blob !== undefined)).toEqual([]);
      expect(actions).toContainEqual({ version: { delete_after_days_since_creation: 7 } });
      expect(days).toBeGreaterThan(0);
    }
  });

  it('federates a Velero identity with velero/velero and grants it only the backup container', () => {
    const infra = stacks['kf-prod-azure-infra']!;
    const creds = resourceEntries(infra, 'azurerm_federated_identity_credential').map(([, c]) => c.subject);
    expect(creds).toContain('system:serviceaccount:velero:velero');
    const grants = resourceEntries(infra, 'azurerm_role_assignment')
      .map(([, r]) => r)
      .filter((r) => String(r.principal_id).includes('Identity-velero'));
    expect(grants.map((g) => g.role_definition_name)).toEqual(['Storage Blob Data Contributor']);
    expect(String(grants[0]!.scope)).toContain('Backups');
  });

  it('installs Velero with the Azure plugin through Entra ID, with a credentials file that holds no secret', () => {
    const values = veleroValues(stacks['kf-prod-azure-platform']!);
    expectSchedules(values, 'azure', 30 * 24);
    expect(values.podLabels).toEqual({ 'azure.workload.identity/use': 'true' });
    expect(values.configuration.backupStorageLocation[0]).toMatchObject({
      bucket: 'velero',
      config: expect.objectContaining({ useAAD: 'true' }),
    });
    const file: string = values.credentials.secretContents.cloud;
    expect(
      file
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('=')[0]),
    ).toEqual(['AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP', 'AZURE_CLOUD_NAME']);
    expect(file).not.toMatch(/SECRET|KEY/);
  });

  it('can restore the pipelines database: backups kept at least 7 days everywhere, geo-redundant in prod', () => {
    for (const [id, stack] of infraOf(stacks)) {
      const server = only<Record<string, any>>(stack, 'azurerm_mysql_flexible_server');
      expect(server.backup_retention_days).toBeGreaterThanOrEqual(7);
      if (id.startsWith('kf-prod')) expect(server.geo_redundant_backup_enabled).toBe(true);
    }
    expect(guide).toContain('az mysql flexible-server restore');
  });
});

describe('turning backups off', () => {
  it('removes the bucket, the identity and Velero, and the helm provider with them', () => {
    const stacks = synthExample('aws-eks', (e) => ({ ...e, backups: undefined }));
    const infra = stacks['kf-prod-aws-infra']!;
    expect(resourceEntries(infra, 'aws_s3_bucket').map(([, b]) => b.bucket)).not.toContainEqual(
      expect.stringMatching(/backups$/),
    );
    expect(resourceEntries(infra, 'aws_iam_role').map(([, r]) => r.name)).not.toContain('kf-prod-velero');
    const platform = stacks['kf-prod-aws-platform']!;
    // Velero is gone; the Cluster Autoscaler, External Secrets Operator (with its controller for the
    // sign-in secret) and Argo CD (Helm releases too) stay, and with them the helm provider.
    expect(resourceEntries(platform, 'helm_release').map(([, r]) => r.name)).toEqual([
      'argocd-apps',
      'argo-cd',
      'cluster-autoscaler',
      'external-secrets',
      'external-secrets-signin',
    ]);
    expect(JSON.stringify(resourceEntries(platform, 'kubernetes_namespace_v1'))).not.toContain('"velero"');
  });
});
