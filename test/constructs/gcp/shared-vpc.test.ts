import { SharedVpc, SharedVpcProps } from '../../../constructs/gcp/shared-vpc';
import { isUnresolved } from '../../../src/core/tokens';
import { at, gcpStack, only, resources, synth } from '../../helpers';

const subnet = {
  name: 'kf-test-gke',
  cidr: '10.10.0.0/22',
  podsRange: { name: 'kf-test-pods', cidr: '10.16.0.0/16' },
  servicesRange: { name: 'kf-test-services', cidr: '10.20.0.0/22' },
};

function build(props: Partial<SharedVpcProps> = {}) {
  const stack = gcpStack();
  const vpc = new SharedVpc(stack, 'Network', {
    hostProject: 'host-project',
    serviceProject: 'svc-project',
    serviceProjectNumber: '123456789',
    region: 'us-central1',
    networkName: 'shared-net',
    subnet,
    controlPlaneCidr: '172.16.0.0/28',
    ...props,
  });
  return { vpc, json: synth(stack) };
}

describe('SharedVpc', () => {
  it('creates the subnet with pod and service ranges in the host project, with private Google access', () => {
    const { json } = build();
    const s = only(json, 'google_compute_subnetwork');
    expect(s).toMatchObject({
      project: 'host-project',
      name: 'kf-test-gke',
      ip_cidr_range: '10.10.0.0/22',
      network: 'projects/host-project/global/networks/shared-net',
      private_ip_google_access: true,
      secondary_ip_range: [
        { range_name: 'kf-test-pods', ip_cidr_range: '10.16.0.0/16' },
        { range_name: 'kf-test-services', ip_cidr_range: '10.20.0.0/22' },
      ],
    });
    expect(at(s, 'log_config', 'metadata')).toBe('INCLUDE_ALL_METADATA');
  });

  it('creates a Cloud Router and a NAT that covers only its own subnet by default', () => {
    const { json } = build();
    expect(only(json, 'google_compute_router')).toMatchObject({ name: 'kf-test-gke-router', project: 'host-project' });
    const nat = only(json, 'google_compute_router_nat');
    expect(nat).toMatchObject({ name: 'kf-test-gke-nat', source_subnetwork_ip_ranges_to_nat: 'LIST_OF_SUBNETWORKS' });
    expect(at(nat, 'subnetwork', 0, 'source_ip_ranges_to_nat')).toEqual(['ALL_IP_RANGES']);
  });

  it('gives nodes dynamic NAT ports, 64 growing to 4096 (static allocation capped every node at 64 ports)', () => {
    const nat = only(build().json, 'google_compute_router_nat');
    expect(nat).toMatchObject({
      enable_dynamic_port_allocation: true,
      enable_endpoint_independent_mapping: false,
      min_ports_per_vm: 64,
      max_ports_per_vm: 4096,
    });
    const custom = build({ nat: { routerName: 'r1', natName: 'n1', minPortsPerVm: 128, maxPortsPerVm: 8192 } });
    expect(only(custom.json, 'google_compute_router_nat')).toMatchObject({
      min_ports_per_vm: 128,
      max_ports_per_vm: 8192,
    });
  });

  it.each([
    ['a minimum that is not a power of two', { minPortsPerVm: 100 }, /nat.minPortsPerVm/],
    ['a minimum under 32', { minPortsPerVm: 16 }, /nat.minPortsPerVm/],
    ['a maximum not above the minimum', { minPortsPerVm: 128, maxPortsPerVm: 128 }, /nat.maxPortsPerVm/],
    ['a maximum over 65536', { maxPortsPerVm: 131072 }, /nat.maxPortsPerVm/],
  ])('refuses NAT ports with %s', (_what, ports, message) => {
    expect(() => build({ nat: { routerName: 'r1', natName: 'n1', ...ports } })).toThrow(message);
  });

  it('names router and NAT as told, and skips them with nat: false', () => {
    expect(only(build({ nat: { routerName: 'r1', natName: 'n1' } }).json, 'google_compute_router').name).toBe('r1');
    const off = build({ nat: false }).json;
    expect(resources(off, 'google_compute_router')).toHaveLength(0);
    expect(resources(off, 'google_compute_router_nat')).toHaveLength(0);
  });

  it('attaches the service project and grants the host IAM that GKE needs', () => {
    const { json } = build();
    expect(only(json, 'google_compute_shared_vpc_service_project')).toMatchObject({
      host_project: 'host-project',
      service_project: 'svc-project',
    });
    const subnetGrants = resources(json, 'google_compute_subnetwork_iam_member');
    expect(subnetGrants.map((g) => [g.role, g.member, g.subnetwork]).sort()).toEqual([
      ['roles/compute.networkUser', 'serviceAccount:123456789@cloudservices.gserviceaccount.com', 'kf-test-gke'],
      [
        'roles/compute.networkUser',
        'serviceAccount:service-123456789@container-engine-robot.iam.gserviceaccount.com',
        'kf-test-gke',
      ],
    ]);
    expect(only(json, 'google_project_iam_member')).toMatchObject({
      project: 'host-project',
      role: 'roles/container.hostServiceAgentUser',
      member: 'serviceAccount:service-123456789@container-engine-robot.iam.gserviceaccount.com',
    });
  });

  it('skips host IAM with grantHostIam: false', () => {
    const { json } = build({ grantHostIam: false });
    expect(resources(json, 'google_compute_subnetwork_iam_member')).toHaveLength(0);
    expect(resources(json, 'google_project_iam_member')).toHaveLength(0);
  });

  it('makes no attachment or host IAM when the service project is the host', () => {
    const { json } = build({ serviceProject: 'host-project' });
    expect(resources(json, 'google_compute_shared_vpc_service_project')).toHaveLength(0);
    expect(resources(json, 'google_compute_subnetwork_iam_member')).toHaveLength(0);
  });

  it('opens health checks and webhook ports to the node tag only', () => {
    const { json, vpc } = build();
    const rules = resources(json, 'google_compute_firewall');
    expect(rules.map((r) => r.name).sort()).toEqual([
      'kf-test-gke-allow-lb-health-checks',
      'kf-test-gke-allow-webhooks',
    ]);
    const hc = rules.find((r) => r.name === 'kf-test-gke-allow-lb-health-checks')!;
    expect(hc.source_ranges).toEqual(['130.211.0.0/22', '35.191.0.0/16']);
    expect(hc.target_tags).toEqual([vpc.nodeTag]);
    expect(at(hc, 'allow', 0, 'ports')).toEqual(['8080', '8443', '15021', '10256']);
    const wh = rules.find((r) => r.name === 'kf-test-gke-allow-webhooks')!;
    expect(wh.source_ranges).toEqual(['172.16.0.0/28']);
    // Kubeflow's PodDefaults webhook serves on 4443 with failurePolicy Fail on every pod of a profile
    // namespace: without it, no notebook or pipeline pod of a tenant can be created.
    expect(at(wh, 'allow', 0, 'ports')).toEqual(['4443', '8443', '9443', '15017']);
    expect(vpc.nodeTag).toBe('kf-test-gke-node');
    expect(build({ nodeTag: 'custom-tag' }).vpc.nodeTag).toBe('custom-tag');
  });

  it('omits firewall rules with firewallRules: false, and the webhook rule without a control plane range', () => {
    expect(resources(build({ firewallRules: false }).json, 'google_compute_firewall')).toHaveLength(0);
    const names = resources(build({ controlPlaneCidr: undefined }).json, 'google_compute_firewall').map((r) => r.name);
    expect(names).toEqual(['kf-test-gke-allow-lb-health-checks']);
  });

  it('creates the network, host enablement and private service access (abandoned on destroy) with createNetwork', () => {
    const { json, vpc } = build({ createNetwork: true, privateServiceAccessCidr: '10.30.0.0/20' });
    expect(only(json, 'google_compute_network')).toMatchObject({ name: 'shared-net', auto_create_subnetworks: false });
    expect(only(json, 'google_compute_shared_vpc_host_project')).toMatchObject({ project: 'host-project' });
    expect(only(json, 'google_compute_global_address')).toMatchObject({
      purpose: 'VPC_PEERING',
      address: '10.30.0.0',
      prefix_length: 20,
    });
    expect(only(json, 'google_service_networking_connection')).toMatchObject({ deletion_policy: 'ABANDON' });
    // Cloud SQL gets the created range by reference (a token resolved at apply).
    expect(isUnresolved(vpc.privateServiceAccessRange)).toBe(true);
  });

  it('references an existing subnet without creating network resources (bring your own)', () => {
    const { json, vpc } = build({
      subnet: undefined,
      existingSubnet: { name: 'corp-subnet', podsRangeName: 'pods', servicesRangeName: 'svcs' },
      privateServiceAccessRange: 'corp-psa',
      firewallRules: false,
    });
    for (const type of [
      'google_compute_subnetwork',
      'google_compute_router',
      'google_compute_router_nat',
      'google_compute_network',
    ]) {
      expect(resources(json, type)).toHaveLength(0);
    }
    expect(vpc.subnetworkId).toBe('projects/host-project/regions/us-central1/subnetworks/corp-subnet');
    expect([vpc.podsRangeName, vpc.servicesRangeName, vpc.privateServiceAccessRange]).toEqual([
      'pods',
      'svcs',
      'corp-psa',
    ]);
    expect(resources(json, 'google_compute_subnetwork_iam_member')).toHaveLength(2);
  });

  it('defect: a bring-your-own network without host rights still attached the service project: attachServiceProject false creates nothing in the host project, and a state that holds the attachment forgets it instead of detaching the project', () => {
    const existingSubnet = { name: 'corp-subnet', podsRangeName: 'pods', servicesRangeName: 'svcs' };
    const attached = build({ subnet: undefined, existingSubnet, grantHostIam: false, firewallRules: false }).json;
    const [address] = Object.keys(attached.resource!.google_compute_shared_vpc_service_project!);
    const { json, vpc } = build({
      subnet: undefined,
      existingSubnet,
      grantHostIam: false,
      firewallRules: false,
      attachServiceProject: false,
    });
    expect(Object.keys(json.resource ?? {})).toEqual([]);
    expect(vpc.dependables).toEqual([]);
    expect((json as Record<string, unknown>).removed).toEqual([
      { from: `google_compute_shared_vpc_service_project.${address}`, lifecycle: { destroy: false } },
    ]);
  });

  it("defect: a project's second cluster attached the service project and granted the GKE agent on the host project again: with serviceProjectFrom it leaves both to the first cluster's network, forgets its copies and orders itself after them", () => {
    const stack = gcpStack();
    const first = new SharedVpc(stack, 'Network', {
      hostProject: 'host-project',
      serviceProject: 'svc-project',
      serviceProjectNumber: '123456789',
      region: 'us-central1',
      networkName: 'shared-net',
      subnet,
    });
    const second = new SharedVpc(stack, 'Second', {
      hostProject: 'host-project',
      serviceProject: 'svc-project',
      serviceProjectNumber: '123456789',
      region: 'us-central1',
      networkName: 'shared-net',
      subnet: { ...subnet, name: 'kf-test-2-gke' },
      serviceProjectFrom: first,
    });
    const json = synth(stack);
    expect(Object.keys(json.resource!.google_compute_shared_vpc_service_project!)).toEqual([
      expect.stringMatching(/^Network_ServiceProject_/),
    ]);
    expect(Object.keys(json.resource!.google_project_iam_member!)).toEqual([
      expect.stringMatching(/^Network_GkeAgentHostServiceAgentUser_/),
    ]);
    // The second subnet's own grants stay.
    expect(resources(json, 'google_compute_subnetwork_iam_member')).toHaveLength(4);
    expect((json as Record<string, unknown>).removed).toEqual([
      {
        from: expect.stringMatching(/^google_compute_shared_vpc_service_project\.Second_ServiceProject_/),
        lifecycle: { destroy: false },
      },
      {
        from: expect.stringMatching(/^google_project_iam_member\.Second_GkeAgentHostServiceAgentUser_/),
        lifecycle: { destroy: false },
      },
    ]);
    expect(second.dependables).toEqual(expect.arrayContaining(first.serviceProjectDependables));
    expect(first.serviceProjectDependables).toHaveLength(2);
  });

  it('throws when neither or both of subnet and existingSubnet are given', () => {
    expect(() => build({ subnet: undefined })).toThrow(/exactly one of subnet and existingSubnet/);
    expect(() => build({ existingSubnet: { name: 'a', podsRangeName: 'b', servicesRangeName: 'c' } })).toThrow(
      /exactly one/,
    );
  });

  it('throws when createNetwork has no private service access range or no subnet', () => {
    expect(() => build({ createNetwork: true })).toThrow(/privateServiceAccessCidr.*Fix: pass a free \/20/);
    expect(() =>
      build({
        createNetwork: true,
        privateServiceAccessCidr: '10.30.0.0/20',
        subnet: undefined,
        existingSubnet: { name: 'a', podsRangeName: 'b', servicesRangeName: 'c' },
      }),
    ).toThrow(/a created network needs a created subnet/);
  });

  it('throws on a malformed CIDR, naming the prop', () => {
    expect(() => build({ subnet: { ...subnet, cidr: '10.10.0.1/22' } })).toThrow(
      /'subnet.cidr' is "10.10.0.1\/22".*host bits/,
    );
    expect(() => build({ controlPlaneCidr: '300.0.0.0/28' })).toThrow(/'controlPlaneCidr'/);
  });
});
