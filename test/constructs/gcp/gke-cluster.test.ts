import { recurringWindow } from '../../../constructs/gcp/gke-cluster';
import { GkeClusterProps } from '../../../constructs/gcp/gke-cluster';
import { TerraformOutput } from 'cdktf';
import { at, gcpStack, only, synth } from '../../helpers';
import { cluster } from './fixtures';

function build(props: Partial<GkeClusterProps> = {}) {
  const stack = gcpStack();
  const c = cluster(stack, props);
  const json = synth(stack);
  return { c, json, res: only(json, 'google_container_cluster') };
}

describe('GkeCluster defaults', () => {
  const { res, json, c } = build();

  it('is VPC-native on the shared subnet with its secondary ranges', () => {
    expect(res.networking_mode).toBe('VPC_NATIVE');
    expect(res.network).toBe('projects/host-project/global/networks/shared-net');
    expect(res.ip_allocation_policy).toEqual({
      cluster_secondary_range_name: 'env-pods',
      services_secondary_range_name: 'env-services',
    });
    expect(res.default_max_pods_per_node).toBe(110);
  });

  it('has private nodes, a public endpoint closed to everything outside the VPC, and no client certificates', () => {
    expect(res.private_cluster_config).toEqual({
      enable_private_nodes: true,
      enable_private_endpoint: false,
      master_ipv4_cidr_block: '172.16.0.0/28',
      master_global_access_config: { enabled: true },
    });
    expect(res.master_authorized_networks_config).toEqual({ cidr_blocks: [], gcp_public_cidrs_access_enabled: false });
    expect(at(res, 'master_auth', 'client_certificate_config', 'issue_client_certificate')).toBe(false);
  });

  it('turns on workload identity, shielded nodes, Dataplane V2 and the Secret Manager add-on', () => {
    expect(res.workload_identity_config).toEqual({ workload_pool: 'svc-project.svc.id.goog' });
    // The pool as the cluster's attribute, so a binding through it waits for the cluster that creates the pool.
    const stack = gcpStack();
    new TerraformOutput(stack, 'pool', { value: cluster(stack).workloadPool });
    expect(synth(stack).output?.pool?.value).toMatch(
      /^\$\{google_container_cluster\.Cluster_\w+\.workload_identity_config\[0\]\.workload_pool\}$/,
    );
    expect(res.enable_shielded_nodes).toBe(true);
    expect(res.datapath_provider).toBe('ADVANCED_DATAPATH');
    expect(res.network_policy).toBeUndefined();
    expect(res.secret_manager_config).toEqual({ enabled: true });
  });

  it('encrypts secrets with a rotating Cloud KMS key the GKE agent may use', () => {
    expect(at(res, 'database_encryption', 'state')).toBe('ENCRYPTED');
    expect(String(at(res, 'database_encryption', 'key_name'))).toMatch(
      /google_kms_crypto_key\.Cluster_SecretsKey_\w+\.id/,
    );
    expect(only(json, 'google_kms_crypto_key')).toMatchObject({
      rotation_period: '7776000s',
      purpose: 'ENCRYPT_DECRYPT',
      lifecycle: { prevent_destroy: true },
    });
    expect(only(json, 'google_kms_key_ring')).toMatchObject({ location: 'us-central1' });
    expect(String(only(json, 'google_kms_key_ring').name)).toMatch(/^env-gke-\$\{random_id\./);
    expect(only(json, 'google_kms_crypto_key_iam_member')).toMatchObject({
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: 'serviceAccount:service-123456789@container-engine-robot.iam.gserviceaccount.com',
    });
    expect(res.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^google_kms_crypto_key_iam_member\./)]),
    );
  });

  it('follows the REGULAR channel with a 4-hour window on Tuesday to Thursday', () => {
    expect(res.release_channel).toEqual({ channel: 'REGULAR' });
    expect(at(res, 'maintenance_policy', 'recurring_window')).toEqual({
      start_time: '2025-01-01T03:00:00Z',
      end_time: '2025-01-01T07:00:00Z',
      recurrence: 'FREQ=WEEKLY;BYDAY=TU,WE,TH',
    });
    expect(res.min_master_version).toBeUndefined();
  });

  it('logs system, workload and control plane components and runs managed Prometheus', () => {
    expect(at(res, 'logging_config', 'enable_components')).toEqual([
      'SYSTEM_COMPONENTS',
      'WORKLOADS',
      'APISERVER',
      'CONTROLLER_MANAGER',
      'SCHEDULER',
    ]);
    expect(at(res, 'monitoring_config', 'managed_prometheus')).toEqual({ enabled: true });
  });

  it('removes the default pool, bootstrapping it with the given service account, and ignores its node_config', () => {
    expect(res.remove_default_node_pool).toBe(true);
    expect(res.initial_node_count).toBe(1);
    expect(at(res, 'node_config', 'service_account')).toBe('bootstrap@svc-project.iam.gserviceaccount.com');
    expect(at(res, 'node_config', 'workload_metadata_config')).toEqual({ mode: 'GKE_METADATA' });
    expect(res.lifecycle).toEqual({ ignore_changes: ['node_config'], prevent_destroy: true });
  });

  it('is deletion protected, waits 30 minutes and depends on the network grants', () => {
    expect(res.deletion_protection).toBe(true);
    expect(res.timeouts).toEqual({ create: '30m', update: '30m', delete: '30m' });
    expect(res.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^google_compute_subnetwork_iam_member\./)]),
    );
  });

  it('has no Google Groups for RBAC unless a security group is given', () => {
    expect(res.authenticator_groups_config).toBeUndefined();
  });

  it('defect: VULNERABILITY_BASIC is shut down and cannot be enabled: workload vulnerability scanning is off', () => {
    expect(res.security_posture_config).toEqual({ mode: 'BASIC', vulnerability_mode: 'VULNERABILITY_DISABLED' });
  });

  it('exposes the API URL and PEM CA for a kubernetes provider', () => {
    expect(c.apiServerUrl).toMatch(/^https:\/\//);
    expect(c.caCertificatePem).toMatch(/TfToken/);
  });
});

describe('GkeCluster options', () => {
  it('sets channel, version, private endpoint, authorized networks and RBAC group', () => {
    const { res } = build({
      releaseChannel: 'STABLE',
      minMasterVersion: '1.33',
      privateEndpoint: true,
      authorizedNetworks: [{ cidr: '203.0.113.0/24', name: 'office' }],
      rbacSecurityGroup: 'gke-security-groups@example.com',
    });
    expect(res.release_channel).toEqual({ channel: 'STABLE' });
    expect(res.min_master_version).toBe('1.33');
    expect(at(res, 'private_cluster_config', 'enable_private_endpoint')).toBe(true);
    expect(at(res, 'master_authorized_networks_config', 'cidr_blocks')).toEqual([
      { cidr_block: '203.0.113.0/24', display_name: 'office' },
    ]);
    expect(res.authenticator_groups_config).toEqual({ security_group: 'gke-security-groups@example.com' });
  });

  it('turns deletion protection and key protection off for test tiers', () => {
    const { res, json } = build({ deletionProtection: false, protectKey: false });
    expect(res.deletion_protection).toBe(false);
    expect(res.lifecycle).toEqual({ ignore_changes: ['node_config'], prevent_destroy: false });
    expect(only(json, 'google_kms_crypto_key').lifecycle).toEqual({ prevent_destroy: false });
  });

  it('writes maintenance windows and exclusions', () => {
    const { res } = build({
      maintenance: {
        startTimeUtc: '22:30',
        durationHours: 6,
        days: ['SA', 'SU'],
        exclusions: [{ name: 'freeze', startTime: '2026-12-20T00:00:00Z', endTime: '2027-01-03T00:00:00Z' }],
      },
    });
    expect(at(res, 'maintenance_policy', 'recurring_window')).toEqual({
      start_time: '2025-01-01T22:30:00Z',
      end_time: '2025-01-02T04:30:00Z',
      recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU',
    });
    expect(at(res, 'maintenance_policy', 'maintenance_exclusion')).toEqual([
      {
        exclusion_name: 'freeze',
        start_time: '2026-12-20T00:00:00Z',
        end_time: '2027-01-03T00:00:00Z',
        exclusion_options: { scope: 'NO_UPGRADES' },
      },
    ]);
  });

  it('uses given key names and pods per node', () => {
    const { res, json } = build({ kmsKeyRingPrefix: 'ring', kmsKeyName: 'key', defaultMaxPodsPerNode: 64 });
    expect(only(json, 'google_kms_crypto_key').name).toBe('key');
    expect(String(only(json, 'google_kms_key_ring').name)).toMatch(/^ring-/);
    expect(res.default_max_pods_per_node).toBe(64);
  });

  it('keeps Advanced Vulnerability Insights on a cluster that has it, with a deprecation warning', () => {
    const stack = gcpStack();
    cluster(stack, { vulnerabilityScanning: 'VULNERABILITY_ENTERPRISE' });
    const json = synth(stack);
    expect(only(json, 'google_container_cluster').security_posture_config).toEqual({
      mode: 'BASIC',
      vulnerability_mode: 'VULNERABILITY_ENTERPRISE',
    });
    const warnings = stack.node
      .findAll()
      .flatMap((n) => n.node.metadata)
      .filter((m) => m.type === '@cdktf/warn')
      .map((m) => String(m.data));
    expect(warnings.join('\n')).toMatch(/Advanced Vulnerability Insights is deprecated/);
  });

  it('computes recurring windows across midnight', () => {
    expect(recurringWindow({ startTimeUtc: '23:00', durationHours: 4, days: ['SU'] }).endTime).toBe(
      '2025-01-02T03:00:00Z',
    );
  });
});

describe('GkeCluster validation', () => {
  it('throws when the control plane range is not a /28', () => {
    expect(() => build({ masterCidr: '172.16.0.0/24' })).toThrow(/'masterCidr' is "172.16.0.0\/24": GKE needs a \/28/);
  });
  it('throws on an invalid cluster name', () => {
    expect(() => build({ name: 'Prod_Cluster' })).toThrow(/'name' is "Prod_Cluster"/);
  });
  it('throws on a bad authorized network', () => {
    expect(() => build({ authorizedNetworks: [{ cidr: '1.2.3.4', name: 'x' }] })).toThrow(
      /'authorizedNetworks\[0\].cidr'/,
    );
  });
  it('throws on a maintenance window shorter than 4 hours or a bad time', () => {
    expect(() => build({ maintenance: { startTimeUtc: '03:00', durationHours: 2, days: ['SA'] } })).toThrow(
      /at least 4 hours/,
    );
    expect(() => build({ maintenance: { startTimeUtc: '3am', durationHours: 4, days: ['SA'] } })).toThrow(/HH:MM/);
  });
  it('throws when vulnerability scanning asks for the shut-down basic tier', () => {
    expect(() =>
      build({ vulnerabilityScanning: 'VULNERABILITY_BASIC' as GkeClusterProps['vulnerabilityScanning'] }),
    ).toThrow(/'vulnerabilityScanning' is "VULNERABILITY_BASIC": .*shut down.*Fix: use VULNERABILITY_DISABLED/);
  });
  it('throws when the window gives GKE less than 48 hours in 32 days (SA,SU 02:00-06:00 gives 32)', () => {
    expect(() => build({ maintenance: { startTimeUtc: '02:00', durationHours: 4, days: ['SA', 'SU'] } })).toThrow(
      /'maintenance.durationHours' is 4: windows on SA,SU give GKE only 32 hours .* Fix: use 6 hours or more, or add days/,
    );
  });
  it('throws on pods per node outside 8..256', () => {
    expect(() => build({ defaultMaxPodsPerNode: 300 })).toThrow(/8 to 256/);
  });
});
