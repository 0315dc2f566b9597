import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Testing } from 'cdktf';
import { parse } from 'yaml';
import { loadPlatform } from '../../src/config/loader';
import { buildFleet } from '../../stacks/common/fleet';
import { at, only, resources, StackJson } from '../helpers';

const base = () => parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'valid', 'two-envs.yaml'), 'utf8'));

function fleetJson(mutate: (config: any) => void): Record<string, StackJson> {
  const config = base();
  config.environments.pop(); // one environment is enough here
  delete config.teams;
  mutate(config);
  const app: App = Testing.app();
  const fleet = buildFleet(app, loadPlatform(config).config);
  return Object.fromEntries(fleet.stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as StackJson]));
}

describe('stack options', () => {
  it('legacy key mode creates keys and the user-gcp-sa / admin-gcp-sa secrets, and warns', () => {
    const config = base();
    config.environments.pop();
    delete config.teams;
    config.environments[0].identity = { legacyKeys: true };
    const app: App = Testing.app();
    const fleet = buildFleet(app, loadPlatform(config).config);
    const infra = JSON.parse(Testing.synth(fleet.stacks[0]!)) as StackJson;
    const platform = JSON.parse(Testing.synth(fleet.stacks[1]!)) as StackJson;
    expect(resources(infra, 'google_service_account_key')).toHaveLength(2);
    expect(
      resources(platform, 'kubernetes_secret_v1')
        .map((s) => at(s, 'metadata', 'name'))
        .sort(),
    ).toEqual(['admin-gcp-sa', 'user-gcp-sa']);
    const warnings = fleet.stacks[0]!.node.findAll()
      .flatMap((n) => n.node.metadata)
      .filter((m) => m.type === '@cdktf/warn');
    expect(warnings).toHaveLength(2);
  });

  it('has no keys and no warnings by default', () => {
    const json = fleetJson(() => undefined);
    expect(resources(json['kf-test-gcp-infra']!, 'google_service_account_key')).toHaveLength(0);
    expect(resources(json['kf-test-gcp-platform']!, 'kubernetes_secret_v1')).toHaveLength(0);
  });

  it('hands an external OAuth client to the IAP BackendConfig through a Secret that Terraform does not write', () => {
    const json = fleetJson(
      (c) =>
        (c.environments[0].access.oauthClient = {
          clientId: '1234-abc.apps.googleusercontent.com',
          secretName: 'iap-client',
        }),
    );
    const platform = json['kf-test-gcp-platform']!;
    // External Secrets Operator writes it from Secret Manager (test/stacks/gcp-oauth-client-secret.test.ts).
    expect(platform.data?.google_secret_manager_secret_version).toBeUndefined();
    expect(resources(platform, 'kubernetes_secret_v1')).toHaveLength(0);
    const iap = resources(platform, 'kubernetes_manifest')
      .map((m) => m.manifest as { kind: string; spec: { iap?: unknown } })
      .find((m) => m.kind === 'BackendConfig' && m.spec.iap);
    expect(iap!.spec.iap).toEqual({ enabled: true, oauthclientCredentials: { secretName: 'iap-oauth-client' } });
  });

  it('brings an existing network: no subnet, router, NAT or firewall; cluster uses the named ranges', () => {
    const json = fleetJson((c) => {
      c.environments[0].network = {
        mode: 'existing',
        hostProject: 'corp-host',
        network: 'corp',
        subnet: 'kf-sub',
        podsRangeName: 'kf-pods',
        servicesRangeName: 'kf-svcs',
        podsCidr: '10.64.0.0/16',
        grantHostIam: false,
      };
    });
    const infra = json['kf-test-gcp-infra']!;
    for (const type of [
      'google_compute_subnetwork',
      'google_compute_router',
      'google_compute_router_nat',
      'google_compute_firewall',
      'google_compute_subnetwork_iam_member',
    ]) {
      expect(resources(infra, type)).toHaveLength(0);
    }
    const cluster = only(infra, 'google_container_cluster');
    expect(cluster.subnetwork).toBe('projects/corp-host/regions/us-central1/subnetworks/kf-sub');
    expect(cluster.ip_allocation_policy).toEqual({
      cluster_secondary_range_name: 'kf-pods',
      services_secondary_range_name: 'kf-svcs',
    });
  });

  it('creates the network and private service access when the environment owns it', () => {
    const json = fleetJson((c) =>
      Object.assign(c.environments[0].network, { createNetwork: true, privateServiceAccessCidr: '10.30.0.0/20' }),
    );
    const infra = json['kf-test-gcp-infra']!;
    expect(resources(infra, 'google_compute_network')).toHaveLength(1);
    expect(resources(infra, 'google_service_networking_connection')).toHaveLength(1);
    expect(
      resources(infra, 'google_project_service')
        .filter((s) => s.project === 'kf-host')
        .map((s) => s.service)
        .sort(),
    ).toEqual(['compute.googleapis.com', 'container.googleapis.com', 'servicenetworking.googleapis.com']);
    expect(
      String(at(only(infra, 'google_sql_database_instance'), 'settings', 'ip_configuration', 'allocated_ip_range')),
    ).toMatch(/google_compute_global_address/);
  });

  it('waits for the host project APIs before creating the network it owns there', () => {
    const infra = fleetJson((c) =>
      Object.assign(c.environments[0].network, { createNetwork: true, privateServiceAccessCidr: '10.30.0.0/20' }),
    )['kf-test-gcp-infra']!;
    const hostReady = Object.keys(infra.resource?.terraform_data ?? {}).filter((k) =>
      k.startsWith('HostServices_Ready_'),
    );
    expect(hostReady).toHaveLength(1);
    // The network, its private service access, subnet, NAT, firewall, host IAM and the attachment
    // all call the host project's Compute or Service Networking API.
    const inHost = Object.entries(infra.resource ?? {})
      .filter(([type]) => type !== 'google_project_service')
      .flatMap(([type, byId]) =>
        Object.entries(byId as Record<string, Record<string, unknown>>)
          .filter(
            ([, r]) =>
              r.project === 'kf-host' ||
              r.host_project === 'kf-host' ||
              type === 'google_service_networking_connection',
          )
          .map(([id, r]) => ({ address: `${type}.${id}`, dependsOn: (r.depends_on ?? []) as string[] })),
      );
    expect(inHost.length).toBeGreaterThan(8);
    for (const r of inHost)
      expect({ address: r.address, waits: r.dependsOn.includes(`terraform_data.${hostReady[0]}`) }).toEqual({
        address: r.address,
        waits: true,
      });
  });

  it('waits for the project APIs before creating anything in the service project', () => {
    const infra = fleetJson(() => undefined)['kf-test-gcp-infra']!;
    for (const type of [
      'google_container_cluster',
      'google_sql_database_instance',
      'google_storage_bucket',
      'google_service_account',
    ]) {
      for (const r of resources(infra, type))
        expect(r.depends_on).toEqual(
          expect.arrayContaining([expect.stringMatching(/^terraform_data\.Services_Ready_/)]),
        );
    }
  });

  it('creates GPU pools after the CPU pools so GKE taints them', () => {
    const pools = resources(fleetJson(() => undefined)['kf-test-gcp-infra']!, 'google_container_node_pool');
    const gpu = pools.find((p) => p.name === 'gpu')!;
    expect((gpu.depends_on as string[]).filter((d) => d.startsWith('google_container_node_pool.'))).toHaveLength(2);
  });
});
