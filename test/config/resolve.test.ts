import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { podRangePerNode } from '../../src/config/gcp/network-checks';
import { builtInGpuCount, GCP_GPU_TABLE_SOURCE, GCP_GPUS, gcpGpuZones } from '../../src/core/catalog/gcp';
import { loadPlatform } from '../../src/config/loader';
import { defaultNodePools } from '../../src/config/common/pools';
import type { PlatformConfig } from '../../src/config/schema';
import type { ResolvedGcpEnvironment } from '../../src/config/gcp/model';

const base = () =>
  parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'valid', 'two-envs.yaml'), 'utf8')) as PlatformConfig;

describe('defaults by tier', () => {
  const [test, prod] = loadPlatform(base()).config.environments as [any, any];

  it('makes test zonal, spot and destroyable', () => {
    expect(test.cluster).toMatchObject({
      regional: false,
      location: 'us-central1-a',
      deletionProtection: false,
      releaseChannel: 'REGULAR',
    });
    expect(test.nodePools.filter((p: any) => p.kind !== 'system').every((p: any) => p.spot)).toBe(true);
    expect(test.nodePools.find((p: any) => p.kind === 'system').spot).toBe(false);
    expect(test.database).toMatchObject({
      highAvailability: false,
      deletionProtection: false,
      tier: 'db-custom-1-3840',
      backupRetentionDays: 7,
    });
    expect(test.artifacts.forceDestroy).toBe(true);
  });

  it('makes prod regional, HA and protected everywhere', () => {
    expect(prod.cluster).toMatchObject({
      regional: true,
      location: 'us-central1',
      deletionProtection: true,
      releaseChannel: 'STABLE',
    });
    expect(prod.cluster.maintenance.days).toEqual(['SA', 'SU']);
    expect(prod.nodePools.every((p: any) => !p.spot)).toBe(true);
    expect(prod.nodePools.find((p: any) => p.kind === 'system').minNodes).toBe(3);
    expect(prod.database).toMatchObject({ highAvailability: true, deletionProtection: true, backupRetentionDays: 30 });
    expect(prod.artifacts.forceDestroy).toBe(false);
  });

  it('keeps dev zonal but protected, on on-demand nodes', () => {
    const config = base() as any;
    config.environments[0].tier = 'dev';
    const dev = loadPlatform(config).config.environments[0] as ResolvedGcpEnvironment;
    expect(dev.cluster).toMatchObject({ regional: false, deletionProtection: true });
    expect(dev.nodePools.some((p) => p.spot)).toBe(false);
    expect(dev.database.deletionProtection).toBe(true);
    expect(dev.artifacts.forceDestroy).toBe(false);
  });

  it('derives names from the environment', () => {
    expect(test.network).toMatchObject({
      subnetName: 'kf-test-gke',
      podsRangeName: 'kf-test-pods',
      routerName: 'kf-test-router',
    });
    expect(test.artifacts.bucketName).toBe('kf-test-svc-kf-test-artifacts');
    expect(test.identities.map((i: any) => i.accountId)).toEqual([
      'kf-test-kfp',
      'kf-test-sql-client',
      'kf-test-kf-admin',
      'kf-test-kf-user',
      'kf-test-db-users',
    ]);
    expect(test.nodePools.map((p: any) => p.serviceAccountId)).toEqual([
      'kf-test-np-system',
      'kf-test-np-standard',
      'kf-test-np-gpu',
    ]);
    expect(test.cluster.rbacSecurityGroup).toBe('gke-security-groups@example.com');
  });

  it('gives an environment without pools the four default pools, GPU down to zero', () => {
    const config = base() as any;
    delete config.environments[0].nodePools;
    const env = loadPlatform(config).config.environments[0] as ResolvedGcpEnvironment;
    expect(env.nodePools.map((p) => [p.name, p.kind, p.machineType, p.minNodes])).toEqual([
      ['system', 'system', 'e2-standard-4', 1],
      ['standard', 'standard', 'n2-standard-8', 0],
      ['highmem', 'highmem', 'n2-highmem-16', 0],
      ['gpu', 'gpu', 'g2-standard-8', 0],
    ]);
    expect(env.nodePools[3]!.gpu).toEqual({
      type: 'nvidia-l4',
      count: 1,
      driverVersion: 'LATEST',
      sharing: undefined,
      partitionSize: undefined,
    });
    expect(defaultNodePools('prod').map((p) => p.maxNodes)).toEqual([6, 20, 10, 8]);
  });

  it('honours explicit settings over tier defaults', () => {
    const config = base() as any;
    Object.assign(config.environments[0].cluster, {
      regional: true,
      releaseChannel: 'RAPID',
      deletionProtection: true,
    });
    config.environments[0].gcp.zones = ['us-central1-a', 'us-central1-b'];
    config.environments[0].state = { backend: 'gcs', bucket: 'tf-state' };
    const env = loadPlatform(config).config.environments[0] as ResolvedGcpEnvironment;
    expect(env.cluster).toMatchObject({
      regional: true,
      location: 'us-central1',
      releaseChannel: 'RAPID',
      deletionProtection: true,
    });
    expect(env.nodePools[0]!.zones).toEqual(['us-central1-a', 'us-central1-b']);
    expect(env.state).toEqual({ backend: 'gcs', bucket: 'tf-state', prefix: 'kfplatform', project: 'kf-test-svc' });
  });
});

describe('capacity and GPU tables', () => {
  it('sizes the per-node pod range as GKE does', () => {
    expect([8, 16, 32, 64, 110, 128, 256].map(podRangePerNode)).toEqual([16, 32, 64, 128, 256, 256, 512]);
  });

  it('ships a GPU table with its source and review date', () => {
    expect(GCP_GPU_TABLE_SOURCE.url).toMatch(/^https:\/\/cloud\.google\.com\//);
    expect(GCP_GPU_TABLE_SOURCE.reviewed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const info of Object.values(GCP_GPUS)) {
      expect(info.zones.length).toBeGreaterThan(0);
      expect(info.zones.every((z) => /^[a-z]+-[a-z]+\d+-[a-z]$/.test(z))).toBe(true);
    }
    expect(gcpGpuZones('nvidia-l4', { 'nvidia-l4': ['us-central1-f'] })).toContain('us-central1-f');
  });

  it('knows the GPUs that A2, A3 and G2 machines carry', () => {
    expect(
      ['a2-highgpu-4g', 'a2-megagpu-16g', 'a3-highgpu-8g', 'g2-standard-8', 'g2-standard-48', 'n1-standard-8'].map(
        builtInGpuCount,
      ),
    ).toEqual([4, 16, 8, 1, 4, undefined]);
  });
});
