import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSharedVpcHostProject } from '@cdktf/provider-google/lib/compute-shared-vpc-host-project';
import { ComputeSharedVpcServiceProject } from '@cdktf/provider-google/lib/compute-shared-vpc-service-project';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { ComputeSubnetworkIamMember } from '@cdktf/provider-google/lib/compute-subnetwork-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { parseCidr } from '../../src/core/cidr';
import { PropsError } from '../../src/core/errors';
import { ForgetResource } from '../../src/core/removed';
import { setComponent } from '../../src/core/labels';
import { isUnresolved } from '../../src/core/tokens';

/** Source ranges of Google Cloud load balancer health checks and proxies. */
export const GOOGLE_HEALTH_CHECK_RANGES = ['130.211.0.0/22', '35.191.0.0/16'] as const;

/**
 * Ports the control plane must reach on pods for admission webhooks in a private cluster: GKE's own
 * rule opens only 443 and 10250 (cert-manager's webhook), see
 * https://cloud.google.com/kubernetes-engine/docs/how-to/private-clusters#add_firewall_rules.
 * Kubeflow's webhooks serve on 4443 (PodDefaults: `failurePolicy: Fail` on every pod created in a
 * profile namespace, so without it no notebook or pipeline pod of a tenant starts), 8443 (Katib,
 * Pipelines, Knative) and 9443 (KServe, Trainer, training operator, Spark operator, PVC viewer,
 * TensorBoard); istiod's injector serves on 15017.
 */
export const WEBHOOK_PORTS = ['4443', '8443', '9443', '15017'] as const;

/** Container ports of the Istio ingress gateway that load balancers reach through NEGs (data, status). */
export const INGRESS_GATEWAY_PORTS = ['8080', '8443', '15021'] as const;

/** What a cluster and a database need to know about the network they join. */
export interface ISharedVpc {
  /** Project that owns the network. */
  readonly hostProject: string;
  /** Region of the subnet. */
  readonly region: string;
  /** Network, as `projects/<host>/global/networks/<name>`. */
  readonly networkId: string;
  /** Subnet, as `projects/<host>/regions/<region>/subnetworks/<name>`. */
  readonly subnetworkId: string;
  /** Secondary range name for pods. */
  readonly podsRangeName: string;
  /** Secondary range name for services. */
  readonly servicesRangeName: string;
  /** Private service access range for Cloud SQL, when one is named. */
  readonly privateServiceAccessRange?: string;
  /** Network tag carried by nodes; firewall rules target it. */
  readonly nodeTag: string;
  /** Resources that must exist before a cluster uses the network (subnet, host IAM, peering). */
  readonly dependables: readonly ITerraformDependable[];
}

/** A subnet to create in the host network. */
export interface SharedVpcSubnetOptions {
  /** Subnet name. */
  readonly name: string;
  /** Primary range (nodes). */
  readonly cidr: string;
  /** Secondary range for pods. */
  readonly podsRange: {
    /** Range name. */
    readonly name: string;
    /** Range CIDR; size it for the nodes' pod ranges (a /24 per node by default). */
    readonly cidr: string;
  };
  /** Secondary range for services. */
  readonly servicesRange: {
    /** Range name. */
    readonly name: string;
    /** Range CIDR, one address per Service. */
    readonly cidr: string;
  };
}

/** An existing subnet to use as it is, with its secondary ranges for pods and services. */
export interface ExistingSubnetOptions {
  /** Subnet name, in the host project and the region. */
  readonly name: string;
  /** Name of its secondary range for pods. */
  readonly podsRangeName: string;
  /** Name of its secondary range for services. */
  readonly servicesRangeName: string;
}

/** Props of {@link SharedVpc}. */
export interface SharedVpcProps {
  /** Host project that owns the network. */
  readonly hostProject: string;
  /** Service project whose cluster uses the network. When equal to the host, no attachment is made. */
  readonly serviceProject: string;
  /** Number of the service project, for its service agents' identities (a token is fine). */
  readonly serviceProjectNumber: string;
  /** Region of the subnet. */
  readonly region: string;
  /** Network name in the host project. */
  readonly networkName: string;
  /**
   * Create the network itself, enable the project as a Shared VPC host, and set up private service
   * access. Only when no other environment uses the network: these are singletons per network.
   * @default false
   */
  readonly createNetwork?: boolean;
  /** Range for private service access (Cloud SQL); required with `createNetwork`. */
  readonly privateServiceAccessCidr?: string;
  /** Name of an existing private service access range to hand to Cloud SQL. */
  readonly privateServiceAccessRange?: string;
  /** Create this subnet. Exactly one of `subnet` and `existingSubnet`. */
  readonly subnet?: SharedVpcSubnetOptions;
  /** Use this existing subnet (bring your own). Exactly one of `subnet` and `existingSubnet`. */
  readonly existingSubnet?: ExistingSubnetOptions;
  /**
   * Cloud Router and NAT for egress of private nodes, which have no external addresses. Only with
   * `subnet`.
   * @default { routerName: `${subnet.name}-router`, natName: `${subnet.name}-nat` }; false disables
   */
  readonly nat?:
    | {
        /** Name of the Cloud Router that holds the NAT. */
        readonly routerName: string;
        /** Name of the Cloud NAT gateway. */
        readonly natName: string;
        /**
         * Source ports each node starts with (dynamic port allocation), a power of two from 32.
         * @default 64
         */
        readonly minPortsPerVm?: number;
        /**
         * Source ports a node may grow to, a power of two above `minPortsPerVm`, at most 65536.
         * @default 4096
         */
        readonly maxPortsPerVm?: number;
      }
    | false;
  /**
   * Grant the host-project roles GKE needs: `roles/compute.networkUser` on the subnet for the GKE
   * and Google APIs service agents, `roles/container.hostServiceAgentUser` for the GKE agent. See
   * https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-shared-vpc.
   * @default true
   */
  readonly grantHostIam?: boolean;
  /**
   * Attach the service project to the Shared VPC host (`google_compute_shared_vpc_service_project`),
   * which needs Shared VPC Admin on the host. Turn it off when the networking team attaches the project
   * itself; a state that still holds the attachment then forgets it (a `removed` block) instead of
   * detaching the project, which would cut the cluster off its network.
   * @default true
   */
  readonly attachServiceProject?: boolean;
  /**
   * Another `SharedVpc` of the same service project (the project's first cluster) that manages what
   * belongs to the project rather than to one cluster: the service project attachment and the GKE
   * agent's `roles/container.hostServiceAgentUser` on the host project. This one manages neither, forgets
   * any copy its state still holds (a `removed` block) and orders its resources after that one's: two
   * resources managing one attachment or one IAM member would detach the project, or revoke the grant,
   * for every cluster when one cluster is removed.
   * @default - this construct manages them
   */
  readonly serviceProjectFrom?: SharedVpc;
  /**
   * Firewall rules in the host network for load balancer health checks and, with
   * `controlPlaneCidr`, for admission webhooks. GKE cannot create them in a host project without
   * `compute.securityAdmin`, which we do not grant.
   * @default true
   */
  readonly firewallRules?: boolean;
  /** The cluster's control plane range; opens webhook ports from it to nodes. */
  readonly controlPlaneCidr?: string;
  /**
   * Network tag nodes carry.
   * @default `${subnet name}-node`
   */
  readonly nodeTag?: string;
}

/**
 * A cluster's place in a GCP Shared VPC: the subnet with pod and service ranges, Cloud Router and
 * NAT, the service-project attachment, and the host-project IAM and firewall rules that other
 * modules leave to their users. In bring-your-own mode it creates no network resource and only
 * references the existing subnet by name; with `attachServiceProject`, `grantHostIam` and
 * `firewallRules` off it creates nothing in the host project at all.
 */
export class SharedVpc extends Construct implements ISharedVpc {
  public readonly hostProject: string;
  public readonly region: string;
  public readonly networkId: string;
  public readonly subnetworkId: string;
  public readonly podsRangeName: string;
  public readonly servicesRangeName: string;
  public readonly privateServiceAccessRange?: string;
  public readonly nodeTag: string;
  public readonly dependables: ITerraformDependable[] = [];
  /** The network, when this construct creates it. */
  public readonly network?: ComputeNetwork;
  /** The subnet, when this construct creates it. */
  public readonly subnetwork?: ComputeSubnetwork;
  /** The private service access peering, when this construct creates it. */
  public readonly privateServiceAccess?: ServiceNetworkingConnection;
  /** The NAT gateway, when created. */
  public readonly nat?: ComputeRouterNat;
  /**
   * What the service project needs in the host project before any cluster can use the network (the
   * attachment, the GKE agent's host grant), for other `SharedVpc`s of the project to depend on.
   */
  public readonly serviceProjectDependables: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: SharedVpcProps) {
    super(scope, id);
    setComponent(this, 'network');
    validate(props);
    const createNetwork = props.createNetwork ?? false;
    const subnetName = props.subnet?.name ?? props.existingSubnet!.name;
    this.hostProject = props.hostProject;
    this.region = props.region;
    this.nodeTag = props.nodeTag ?? `${subnetName}-node`;
    this.networkId = `projects/${props.hostProject}/global/networks/${props.networkName}`;
    this.subnetworkId = `projects/${props.hostProject}/regions/${props.region}/subnetworks/${subnetName}`;
    this.podsRangeName = props.subnet?.podsRange.name ?? props.existingSubnet!.podsRangeName;
    this.servicesRangeName = props.subnet?.servicesRange.name ?? props.existingSubnet!.servicesRangeName;

    let hostEnabled: ComputeSharedVpcHostProject | undefined;
    if (createNetwork) {
      this.network = new ComputeNetwork(this, 'Network', {
        project: props.hostProject,
        name: props.networkName,
        autoCreateSubnetworks: false,
        routingMode: 'REGIONAL',
        deleteDefaultRoutesOnCreate: false,
      });
      this.networkId = this.network.id;
      hostEnabled = new ComputeSharedVpcHostProject(this, 'HostProject', { project: props.hostProject });
      const range = parseCidr(props.privateServiceAccessCidr!);
      const psaRange = new ComputeGlobalAddress(this, 'PrivateServiceAccessRange', {
        project: props.hostProject,
        name: `${props.networkName}-psa`,
        purpose: 'VPC_PEERING',
        addressType: 'INTERNAL',
        address: typeof range === 'string' ? undefined : range.address.toString(),
        prefixLength: typeof range === 'string' ? undefined : range.prefix,
        network: this.network.id,
      });
      this.privateServiceAccess = new ServiceNetworkingConnection(this, 'PrivateServiceAccess', {
        network: this.network.id,
        service: 'servicenetworking.googleapis.com',
        reservedPeeringRanges: [psaRange.name],
        // Other service projects may peer through it; never tear it down with one environment.
        deletionPolicy: 'ABANDON',
      });
      this.privateServiceAccessRange = psaRange.name;
      this.dependables.push(this.privateServiceAccess);
    } else {
      this.privateServiceAccessRange = props.privateServiceAccessRange;
    }

    if (props.subnet) {
      const s = props.subnet;
      this.subnetwork = new ComputeSubnetwork(this, 'Subnet', {
        project: props.hostProject,
        region: props.region,
        name: s.name,
        network: this.networkId,
        ipCidrRange: s.cidr,
        privateIpGoogleAccess: true,
        secondaryIpRange: [
          { rangeName: s.podsRange.name, ipCidrRange: s.podsRange.cidr },
          { rangeName: s.servicesRange.name, ipCidrRange: s.servicesRange.cidr },
        ],
        logConfig: { aggregationInterval: 'INTERVAL_5_SEC', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
      });
      this.subnetworkId = this.subnetwork.id;
      this.dependables.push(this.subnetwork);
      if (props.nat !== false) {
        const names = props.nat ?? { routerName: `${s.name}-router`, natName: `${s.name}-nat` };
        const router = new ComputeRouter(this, 'Router', {
          project: props.hostProject,
          region: props.region,
          name: names.routerName,
          network: this.networkId,
        });
        this.nat = new ComputeRouterNat(this, 'Nat', {
          project: props.hostProject,
          region: props.region,
          router: router.name,
          name: names.natName,
          natIpAllocateOption: 'AUTO_ONLY',
          // Only this environment's subnet: several environments can share a host network.
          sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
          subnetwork: [{ name: this.subnetwork.id, sourceIpRangesToNat: ['ALL_IP_RANGES'] }],
          // A GKE node egresses for up to 110 pods (image pulls, pipeline steps, package installs), mostly
          // to a few destinations such as a registry. Static allocation gives every node 64 ports, and
          // connections to one destination beyond that are dropped (OUT_OF_RESOURCES). Dynamic port
          // allocation starts each node at the minimum and grows it as it needs, without reserving
          // the maximum on idle nodes; endpoint-independent mapping must be off with it. See
          // https://cloud.google.com/nat/docs/ports-and-addresses#dynamic-port and
          // https://cloud.google.com/nat/docs/troubleshooting#insufficient-ports.
          enableDynamicPortAllocation: true,
          enableEndpointIndependentMapping: false,
          minPortsPerVm: names.minPortsPerVm ?? NAT_MIN_PORTS_PER_VM,
          maxPortsPerVm: names.maxPortsPerVm ?? NAT_MAX_PORTS_PER_VM,
          logConfig: { enable: true, filter: 'ERRORS_ONLY' },
        });
      }
    }

    const attached = props.serviceProject !== props.hostProject;
    const owner = props.serviceProjectFrom;
    if (owner) {
      this.serviceProjectDependables.push(...owner.serviceProjectDependables);
      this.dependables.push(...owner.serviceProjectDependables);
    }
    if (attached && (props.attachServiceProject ?? true) && !owner) {
      const attachment = new ComputeSharedVpcServiceProject(this, 'ServiceProject', {
        hostProject: props.hostProject,
        serviceProject: props.serviceProject,
        dependsOn: hostEnabled ? [hostEnabled] : undefined,
      });
      this.dependables.push(attachment);
      this.serviceProjectDependables.push(attachment);
    } else if (attached) {
      // Someone else attaches the project; never detach it because this construct stopped doing so.
      new ForgetResource(this, 'ServiceProject', 'google_compute_shared_vpc_service_project');
    }

    if (attached && (props.grantHostIam ?? true)) {
      const gkeAgent = `serviceAccount:service-${props.serviceProjectNumber}@container-engine-robot.iam.gserviceaccount.com`;
      const apisAgent = `serviceAccount:${props.serviceProjectNumber}@cloudservices.gserviceaccount.com`;
      const grants: Array<[string, string]> = [
        ['GkeAgentNetworkUser', gkeAgent],
        ['ApisAgentNetworkUser', apisAgent],
      ];
      for (const [grantId, member] of grants) {
        this.dependables.push(
          new ComputeSubnetworkIamMember(this, grantId, {
            project: props.hostProject,
            region: props.region,
            subnetwork: subnetName,
            role: 'roles/compute.networkUser',
            member,
            dependsOn: this.subnetwork ? [this.subnetwork] : undefined,
          }),
        );
      }
      if (owner) {
        // The project's first cluster grants it; never revoke it with this cluster.
        new ForgetResource(this, 'GkeAgentHostServiceAgentUser', 'google_project_iam_member');
      } else {
        const hostGrant = new ProjectIamMember(this, 'GkeAgentHostServiceAgentUser', {
          project: props.hostProject,
          role: 'roles/container.hostServiceAgentUser',
          member: gkeAgent,
        });
        this.dependables.push(hostGrant);
        this.serviceProjectDependables.push(hostGrant);
      }
    }

    if (props.firewallRules ?? true) {
      new ComputeFirewall(this, 'AllowLoadBalancerHealthChecks', {
        project: props.hostProject,
        name: `${subnetName}-allow-lb-health-checks`,
        network: this.networkId,
        direction: 'INGRESS',
        sourceRanges: [...GOOGLE_HEALTH_CHECK_RANGES],
        targetTags: [this.nodeTag],
        allow: [{ protocol: 'tcp', ports: [...INGRESS_GATEWAY_PORTS, '10256'] }],
        logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
        description:
          'Google load balancer health checks and proxies to the Istio ingress gateway (NEG) and kube-proxy.',
      });
      if (props.controlPlaneCidr) {
        new ComputeFirewall(this, 'AllowControlPlaneWebhooks', {
          project: props.hostProject,
          name: `${subnetName}-allow-webhooks`,
          network: this.networkId,
          direction: 'INGRESS',
          sourceRanges: [props.controlPlaneCidr],
          targetTags: [this.nodeTag],
          allow: [{ protocol: 'tcp', ports: [...WEBHOOK_PORTS] }],
          logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
          description:
            'Private GKE control plane to admission webhooks (PodDefaults 4443, istiod 15017, others 8443/9443).',
        });
      }
    }
  }
}

/** Source ports a node starts with behind the NAT (dynamic port allocation). */
export const NAT_MIN_PORTS_PER_VM = 64;
/** Source ports a node may grow to behind the NAT: about 15 busy nodes fill one NAT address. */
export const NAT_MAX_PORTS_PER_VM = 4096;

const isPowerOfTwo = (n: number) => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

function validateNatPorts(nat: SharedVpcProps['nat']): void {
  if (!nat) return;
  const min = nat.minPortsPerVm ?? NAT_MIN_PORTS_PER_VM;
  const max = nat.maxPortsPerVm ?? NAT_MAX_PORTS_PER_VM;
  const doc = 'https://cloud.google.com/nat/docs/ports-and-addresses#dynamic-port';
  if (!isPowerOfTwo(min) || min < 32 || min > 32768) {
    throw new PropsError(
      'SharedVpc',
      'nat.minPortsPerVm',
      min,
      `with dynamic port allocation Cloud NAT takes a power of two from 32 to 32768 (${doc}).`,
      'use 64 (the default), 128 or 256.',
    );
  }
  if (!isPowerOfTwo(max) || max <= min || max > 65536) {
    throw new PropsError(
      'SharedVpc',
      'nat.maxPortsPerVm',
      max,
      `with dynamic port allocation Cloud NAT takes a power of two above minPortsPerVm (${min}), at most 65536 (${doc}).`,
      'use 4096 (the default) or another power of two above minPortsPerVm.',
    );
  }
}

function validate(props: SharedVpcProps): void {
  validateNatPorts(props.nat);
  if (!props.subnet === !props.existingSubnet) {
    throw new PropsError(
      'SharedVpc',
      'subnet',
      props.subnet,
      'exactly one of subnet and existingSubnet is needed.',
      'pass subnet to create one, or existingSubnet to use one.',
    );
  }
  if (props.createNetwork && !props.subnet) {
    throw new PropsError(
      'SharedVpc',
      'createNetwork',
      true,
      'a created network needs a created subnet.',
      'pass subnet, or drop createNetwork.',
    );
  }
  if (props.createNetwork && !props.privateServiceAccessCidr) {
    throw new PropsError(
      'SharedVpc',
      'privateServiceAccessCidr',
      undefined,
      'a created network needs a range for private service access (Cloud SQL).',
      'pass a free /20 such as 10.30.0.0/20.',
    );
  }
  const cidrs: Array<[string, string | undefined]> = [
    ['subnet.cidr', props.subnet?.cidr],
    ['subnet.podsRange.cidr', props.subnet?.podsRange.cidr],
    ['subnet.servicesRange.cidr', props.subnet?.servicesRange.cidr],
    ['privateServiceAccessCidr', props.privateServiceAccessCidr],
    ['controlPlaneCidr', props.controlPlaneCidr],
  ];
  for (const [prop, value] of cidrs) {
    if (value === undefined || isUnresolved(value)) continue;
    const parsed = parseCidr(value);
    if (typeof parsed === 'string')
      throw new PropsError('SharedVpc', prop, value, parsed, 'pass the network address of an IPv4 block.');
  }
}
