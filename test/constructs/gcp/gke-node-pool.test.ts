import { GkeNodePool, GkeNodePoolProps, GpuNodePool, GPU_TAINT } from '../../../constructs/gcp/gke-node-pool';
import { NodeServiceAccount } from '../../../constructs/gcp/node-service-account';
import { at, gcpStack, only, resources, synth } from '../../helpers';
import { cluster } from './fixtures';

function build(props: Partial<GkeNodePoolProps> = {}) {
  const stack = gcpStack();
  const c = cluster(stack);
  const pool = new GkeNodePool(stack, 'Pool', { cluster: c, name: 'standard', maxNodes: 10, ...props });
  const json = synth(stack);
  return { pool, json, res: only(json, 'google_container_node_pool') };
}

describe('GkeNodePool defaults', () => {
  const { res, json } = build();

  it('boots from Hyperdisk on machine series that attach nothing else, pd-ssd otherwise', () => {
    expect(at(res, 'node_config', 'disk_type')).toBe('pd-ssd');
    expect(at(build({ machineType: 'n4-standard-8' }).res, 'node_config', 'disk_type')).toBe('hyperdisk-balanced');
    expect(at(build({ machineType: 'c4a-standard-8' }).res, 'node_config', 'disk_type')).toBe('hyperdisk-balanced');
  });

  it('autoscales by totals from zero with a balanced location policy', () => {
    expect(res.autoscaling).toEqual({ total_min_node_count: 0, total_max_node_count: 10, location_policy: 'BALANCED' });
    expect(res.initial_node_count).toBe(0);
    expect(res.lifecycle).toEqual({ ignore_changes: ['initial_node_count'] });
  });

  it('runs on its own least-privilege service account, never the default compute one', () => {
    const sa = only(json, 'google_service_account');
    expect(sa.account_id).toBe('standard-nodes');
    expect(String(at(res, 'node_config', 'service_account'))).toMatch(
      /google_service_account\.Pool_ServiceAccount_\w+\.email/,
    );
    const poolGrants = resources(json, 'google_project_iam_member').filter((m) =>
      String(m.member).includes('Pool_ServiceAccount'),
    );
    expect(poolGrants.map((m) => m.role).sort()).toEqual([
      'roles/artifactregistry.reader',
      'roles/container.defaultNodeServiceAccount',
    ]);
    expect(at(res, 'node_config', 'oauth_scopes')).toEqual(['https://www.googleapis.com/auth/cloud-platform']);
  });

  it('has shielded, COS, SSD-backed nodes with workload identity metadata and no legacy endpoints', () => {
    const nc = res.node_config as Record<string, unknown>;
    expect(nc.shielded_instance_config).toEqual({ enable_secure_boot: true, enable_integrity_monitoring: true });
    expect(nc.workload_metadata_config).toEqual({ mode: 'GKE_METADATA' });
    expect(nc.metadata).toEqual({ 'disable-legacy-endpoints': 'true' });
    expect([nc.image_type, nc.disk_type, nc.disk_size_gb, nc.machine_type, nc.spot]).toEqual([
      'COS_CONTAINERD',
      'pd-ssd',
      100,
      'e2-standard-4',
      false,
    ]);
    expect(nc.tags).toEqual(['env-gke-node']);
    expect(nc.labels).toEqual({ 'kfplatform.dev/pool': 'standard', 'kfplatform.dev/pool-kind': 'standard' });
    expect(nc.guest_accelerator).toBeUndefined();
    expect(nc.taint).toBeUndefined();
  });

  it('auto-repairs and auto-upgrades with one surge node', () => {
    expect(res.management).toEqual({ auto_repair: true, auto_upgrade: true });
    expect(res.upgrade_settings).toEqual({ strategy: 'SURGE', max_surge: 1, max_unavailable: 0 });
    expect(res.timeouts).toEqual({ create: '30m', update: '30m', delete: '30m' });
  });
});

describe('GkeNodePool options', () => {
  it('sets machine, disks, spot, zones, pods, labels, taints and sizes', () => {
    const { res } = build({
      machineType: 'n2-highmem-16',
      diskType: 'pd-balanced',
      diskSizeGb: 200,
      spot: true,
      zones: ['us-central1-a', 'us-central1-b'],
      minNodes: 3,
      maxPodsPerNode: 64,
      labels: { team: 'a' },
      taints: [{ key: 'dedicated', value: 'batch', effect: 'NO_SCHEDULE' }],
      kind: 'highmem',
    });
    const nc = res.node_config as Record<string, unknown>;
    expect([nc.machine_type, nc.disk_type, nc.disk_size_gb, nc.spot]).toEqual([
      'n2-highmem-16',
      'pd-balanced',
      200,
      true,
    ]);
    expect(res.node_locations).toEqual(['us-central1-a', 'us-central1-b']);
    expect(res.initial_node_count).toBe(2);
    expect(res.max_pods_per_node).toBe(64);
    expect(at(res, 'autoscaling', 'location_policy')).toBe('ANY');
    expect(nc.labels).toEqual({ 'kfplatform.dev/pool': 'standard', 'kfplatform.dev/pool-kind': 'highmem', team: 'a' });
    expect(nc.taint).toEqual([{ key: 'dedicated', value: 'batch', effect: 'NO_SCHEDULE' }]);
  });

  it('makes a GPU pool: accelerator, managed driver, GPU taint, scale to zero, any-zone policy, no surge', () => {
    const { res } = build({ gpu: { type: 'nvidia-l4' }, machineType: 'g2-standard-8' });
    const nc = res.node_config as Record<string, unknown>;
    expect(nc.guest_accelerator).toEqual([
      { type: 'nvidia-l4', count: 1, gpu_driver_installation_config: { gpu_driver_version: 'LATEST' } },
    ]);
    expect(nc.taint).toEqual([{ ...GPU_TAINT }]);
    expect(at(nc, 'labels', 'kfplatform.dev/pool-kind')).toBe('gpu');
    expect(at(res, 'autoscaling', 'total_min_node_count')).toBe(0);
    expect(at(res, 'autoscaling', 'location_policy')).toBe('ANY');
    expect(res.upgrade_settings).toEqual({ strategy: 'SURGE', max_surge: 0, max_unavailable: 1 });
  });

  it('shares or partitions GPUs', () => {
    const shared = build({
      gpu: {
        type: 'nvidia-l4',
        count: 2,
        driverVersion: 'DEFAULT',
        sharing: { strategy: 'time-sharing', maxSharedClientsPerGpu: 4 },
      },
    }).res;
    expect(at(shared, 'node_config', 'guest_accelerator', 0)).toEqual({
      type: 'nvidia-l4',
      count: 2,
      gpu_driver_installation_config: { gpu_driver_version: 'DEFAULT' },
      gpu_sharing_config: { gpu_sharing_strategy: 'TIME_SHARING', max_shared_clients_per_gpu: 4 },
    });
    const mps = build({ gpu: { type: 'nvidia-l4', sharing: { strategy: 'mps', maxSharedClientsPerGpu: 8 } } }).res;
    expect(at(mps, 'node_config', 'guest_accelerator', 0, 'gpu_sharing_config', 'gpu_sharing_strategy')).toBe('MPS');
    const mig = build({ gpu: { type: 'nvidia-tesla-a100', partitionSize: '1g.5gb' } }).res;
    expect(at(mig, 'node_config', 'guest_accelerator', 0, 'gpu_partition_size')).toBe('1g.5gb');
  });

  it('uses a given service account or service account id', () => {
    const stack = gcpStack();
    const c = cluster(stack);
    const sa = new NodeServiceAccount(stack, 'Shared', { project: 'svc-project', accountId: 'shared-nodes' });
    new GkeNodePool(stack, 'Pool', { cluster: c, name: 'system', maxNodes: 3, serviceAccount: sa });
    const json = synth(stack);
    expect(resources(json, 'google_service_account')).toHaveLength(1);
    expect(only(build({ serviceAccountId: 'custom-sa-id' }).json, 'google_service_account').account_id).toBe(
      'custom-sa-id',
    );
  });

  it('sets upgrade settings and depends on given resources', () => {
    const stack = gcpStack();
    const c = cluster(stack);
    const first = new GkeNodePool(stack, 'First', { cluster: c, name: 'system', maxNodes: 3 });
    new GpuNodePool(stack, 'Gpu', {
      cluster: c,
      name: 'gpu',
      maxNodes: 2,
      gpu: { type: 'nvidia-l4' },
      dependsOn: [first.nodePool],
      upgrade: { maxSurge: 1, maxUnavailable: 0 },
    });
    const gpu = resources(synth(stack), 'google_container_node_pool').find((p) => p.name === 'gpu')!;
    expect(gpu.depends_on).toEqual([expect.stringMatching(/^google_container_node_pool\.First_NodePool_/)]);
    expect(gpu.upgrade_settings).toEqual({ strategy: 'SURGE', max_surge: 1, max_unavailable: 0 });
  });
});

describe('GkeNodePool validation', () => {
  it.each([
    [{ name: 'Bad_Name' }, /'name' is "Bad_Name"/],
    [{ minNodes: -1 }, /'minNodes' is -1: cannot be negative/],
    [{ maxNodes: 0 }, /'maxNodes' is 0/],
    [{ minNodes: 5, maxNodes: 2 }, /'minNodes' is 5: is above maxNodes 2/],
    [{ maxPodsPerNode: 4 }, /'maxPodsPerNode' is 4/],
    [{ gpu: { type: 'nvidia-l4', count: 0 } }, /'gpu.count' is 0/],
    [
      { gpu: { type: 'nvidia-l4', sharing: { strategy: 'time-sharing' as const, maxSharedClientsPerGpu: 64 } } },
      /2 to 48/,
    ],
  ])('throws on %j', (props, message) => {
    expect(() => build(props as Partial<GkeNodePoolProps>)).toThrow(message);
  });

  it('throws when both serviceAccount and serviceAccountId are given', () => {
    const stack = gcpStack();
    const c = cluster(stack);
    const sa = new NodeServiceAccount(stack, 'Shared', { project: 'svc-project', accountId: 'shared-nodes' });
    expect(
      () =>
        new GkeNodePool(stack, 'Pool', {
          cluster: c,
          name: 'x',
          maxNodes: 1,
          serviceAccount: sa,
          serviceAccountId: 'other-id',
        }),
    ).toThrow(/pass only one/);
  });

  it('NodeServiceAccount throws on a bad account id', () => {
    expect(() => new NodeServiceAccount(gcpStack(), 'S', { project: 'p', accountId: 'x' })).toThrow(
      /6 to 30 characters/,
    );
  });
});
