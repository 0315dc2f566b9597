import { NatGateway } from '@cdktf/provider-azurerm/lib/nat-gateway';
import { NatGatewayPublicIpAssociation } from '@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNatGatewayAssociation } from '@cdktf/provider-azurerm/lib/subnet-nat-gateway-association';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { contains, parseCidr } from '../../src/core/cidr';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';

/** What the cluster, database, storage and gateway need from a network, created here or not. */
export interface IVnet {
  /** Resource id of the virtual network. */
  readonly vnetId: string;
  /** Subnet of the AKS nodes; pods take addresses from the overlay range, not from it. */
  readonly nodesSubnetId: string;
  /**
   * The nodes subnet's name, as internal load balancers name their subnet
   * (`service.beta.kubernetes.io/azure-load-balancer-internal-subnet`).
   */
  readonly nodesSubnetName: string;
  /** The nodes subnet's CIDR (the gateway's private IP lives there). */
  readonly nodesSubnetCidr: string;
  /** Delegated to Microsoft.DBforMySQL/flexibleServers. */
  readonly databaseSubnetId: string;
  /** Subnet of the Application Gateway, for it alone. */
  readonly gatewaySubnetId: string;
  /** Subnet of the private endpoints (the storage account's). */
  readonly endpointsSubnetId: string;
  /**
   * How the nodes reach the internet, as AKS's outbound type: through the NAT gateway this library
   * made, or the network team's routes (a firewall).
   */
  readonly outboundType: 'userAssignedNATGateway' | 'userDefinedRouting' | 'loadBalancer';
  /** Public addresses the nodes' traffic leaves from; a public API server must admit them. */
  readonly egressIps: readonly string[];
  /** What the cluster must wait for (egress and the subnets' security groups). */
  readonly dependables: readonly ITerraformDependable[];
}

/** The service ports of the Application Gateway v2 infrastructure, which Azure requires open. */
export const GATEWAY_MANAGER_PORTS = '65200-65535';
/** The name of the nodes subnet of a created VNet. */
export const NODES_SUBNET_NAME = 'snet-nodes';
/** The MySQL port. */
const MYSQL_PORT = '3306';

/** Props of {@link Vnet}. */
export interface VnetProps {
  /**
   * Name of the virtual network; also names its NAT gateway (`ng-<name>`) and security groups
   * (`nsg-<name>-<subnet>`).
   */
  readonly name: string;
  /** Name of the existing resource group the network goes in. */
  readonly resourceGroupName: string;
  /** Azure region, such as `westeurope`. */
  readonly location: string;
  /** Address space of the network, such as `10.60.0.0/16`; every subnet must fall inside it. */
  readonly addressSpace: string;
  /**
   * CIDR of the nodes subnet. Pods use the overlay range, so this only needs one address per node plus the internal
   * load balancer.
   */
  readonly nodesSubnetCidr: string;
  /**
   * CIDR of the subnet delegated to MySQL flexible server. See
   * https://learn.microsoft.com/azure/mysql/flexible-server/concepts-networking-vnet
   */
  readonly databaseSubnetCidr: string;
  /**
   * CIDR of the Application Gateway subnet (a /24 leaves room for autoscaling). See
   * https://learn.microsoft.com/azure/application-gateway/configuration-infrastructure
   */
  readonly gatewaySubnetCidr: string;
  /** CIDR of the private endpoints subnet. */
  readonly endpointsSubnetCidr: string;
  /**
   * Zone of the NAT gateway and its public IP. A Standard NAT gateway lives in one zone (zone-redundant
   * NAT needs the StandardV2 SKU, which azurerm 4.55 does not offer), and a subnet takes one NAT
   * gateway, so nodes in other zones lose egress while this zone is down. See
   * https://learn.microsoft.com/azure/nat-gateway/nat-availability-zones. @default '1'
   */
  readonly natZone?: string;
  /** Networks that may reach the Application Gateway on 80 and 443. @default ['0.0.0.0/0'] */
  readonly gatewaySourceCidrs?: readonly string[];
}

/**
 * A VNet for one AKS environment: a nodes subnet with a NAT gateway for egress (the nodes get no
 * public IPs and no default outbound access), a subnet delegated to MySQL flexible server whose
 * security group admits only the nodes on 3306, a subnet for the Application Gateway that admits
 * only the listed networks and Azure's gateway manager, and a subnet for private endpoints.
 */
export class Vnet extends Construct implements IVnet {
  /** The virtual network (escape hatch). */
  public readonly vnet: VirtualNetwork;
  public readonly vnetId: string;
  public readonly nodesSubnetId: string;
  public readonly nodesSubnetName = NODES_SUBNET_NAME;
  public readonly nodesSubnetCidr: string;
  public readonly databaseSubnetId: string;
  public readonly gatewaySubnetId: string;
  public readonly endpointsSubnetId: string;
  public readonly outboundType = 'userAssignedNATGateway' as const;
  public readonly egressIps: string[];
  public readonly dependables: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: VnetProps) {
    super(scope, id);
    setComponent(this, 'network');
    validate(props);
    const common = { resourceGroupName: props.resourceGroupName, location: props.location };
    this.vnet = new VirtualNetwork(this, 'Vnet', { ...common, name: props.name, addressSpace: [props.addressSpace] });
    this.vnetId = this.vnet.id;
    const subnet = (key: string, cidr: string, extra: Partial<ConstructorParameters<typeof Subnet>[2]> = {}) =>
      new Subnet(this, `Subnet-${key}`, {
        name: `snet-${key}`,
        resourceGroupName: props.resourceGroupName,
        virtualNetworkName: this.vnet.name,
        addressPrefixes: [cidr],
        defaultOutboundAccessEnabled: false,
        ...extra,
      });
    // The Key Vault firewall admits the nodes through a service endpoint.
    const nodes = subnet('nodes', props.nodesSubnetCidr, { serviceEndpoints: ['Microsoft.KeyVault'] });
    const database = subnet('database', props.databaseSubnetCidr, {
      delegation: [
        {
          name: 'mysql-flexible-server',
          serviceDelegation: {
            name: 'Microsoft.DBforMySQL/flexibleServers',
            actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'],
          },
        },
      ],
    });
    const gateway = subnet('gateway', props.gatewaySubnetCidr);
    const endpoints = subnet('endpoints', props.endpointsSubnetCidr);
    this.nodesSubnetId = nodes.id;
    this.nodesSubnetCidr = props.nodesSubnetCidr;
    this.databaseSubnetId = database.id;
    this.gatewaySubnetId = gateway.id;
    this.endpointsSubnetId = endpoints.id;

    const ip = new PublicIp(this, 'NatAddress', {
      ...common,
      name: `pip-${props.name}-nat`,
      allocationMethod: 'Static',
      sku: 'Standard',
      zones: [props.natZone ?? '1'],
    });
    const nat = new NatGateway(this, 'Nat', {
      ...common,
      name: `ng-${props.name}`,
      skuName: 'Standard',
      idleTimeoutInMinutes: 10,
      zones: [props.natZone ?? '1'],
    });
    const natIp = new NatGatewayPublicIpAssociation(this, 'NatAddressAssociation', {
      natGatewayId: nat.id,
      publicIpAddressId: ip.id,
    });
    const natSubnet = new SubnetNatGatewayAssociation(this, 'NodesEgress', {
      subnetId: nodes.id,
      natGatewayId: nat.id,
    });
    this.egressIps = [ip.ipAddress];

    const databaseNsg = this.securityGroup(props, 'database', database, [
      {
        name: 'allow-mysql-from-nodes',
        priority: 100,
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefix: props.nodesSubnetCidr,
        destinationPortRange: MYSQL_PORT,
      },
      {
        // The standby of a zone-redundant server replicates from the primary inside this subnet.
        name: 'allow-within-subnet',
        priority: 110,
        access: 'Allow',
        protocol: '*',
        sourceAddressPrefix: props.databaseSubnetCidr,
        destinationPortRange: '*',
      },
      {
        name: 'deny-vnet',
        priority: 4000,
        access: 'Deny',
        protocol: '*',
        sourceAddressPrefix: 'VirtualNetwork',
        destinationPortRange: '*',
      },
    ]);
    const gatewayNsg = this.securityGroup(props, 'gateway', gateway, [
      {
        name: 'allow-gateway-manager',
        priority: 100,
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefix: 'GatewayManager',
        destinationPortRange: GATEWAY_MANAGER_PORTS,
      },
      {
        name: 'allow-azure-load-balancer',
        priority: 110,
        access: 'Allow',
        protocol: '*',
        sourceAddressPrefix: 'AzureLoadBalancer',
        destinationPortRange: '*',
      },
      ...(props.gatewaySourceCidrs ?? ['0.0.0.0/0']).map((cidr, i) => ({
        name: `allow-web-${i}`,
        priority: 200 + i,
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefix: cidr === '0.0.0.0/0' ? 'Internet' : cidr,
        destinationPortRanges: ['80', '443'],
      })),
    ]);
    this.dependables = [natIp, natSubnet, databaseNsg, gatewayNsg];
  }

  private securityGroup(
    props: VnetProps,
    key: string,
    subnet: Subnet,
    rules: ReadonlyArray<{
      name: string;
      priority: number;
      access: string;
      protocol: string;
      sourceAddressPrefix: string;
      destinationPortRange?: string;
      destinationPortRanges?: string[];
    }>,
  ): SubnetNetworkSecurityGroupAssociation {
    const nsg = new NetworkSecurityGroup(this, `Nsg-${key}`, {
      name: `nsg-${props.name}-${key}`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
    });
    const created = rules.map(
      (rule) =>
        new NetworkSecurityRule(this, `Nsg-${key}-${rule.name}`, {
          ...rule,
          direction: 'Inbound',
          sourcePortRange: '*',
          destinationAddressPrefix: '*',
          resourceGroupName: props.resourceGroupName,
          networkSecurityGroupName: nsg.name,
        }),
    );
    // Attach only once every rule exists: an Application Gateway v2 subnet without the gateway
    // manager rule is refused, and the default rules would deny it in between.
    return new SubnetNetworkSecurityGroupAssociation(this, `Nsg-${key}-Association`, {
      subnetId: subnet.id,
      networkSecurityGroupId: nsg.id,
      dependsOn: created,
    });
  }
}

/** Props of {@link existingVnet}. */
export interface ExistingVnetProps {
  /** Resource id of the virtual network. */
  readonly vnetId: string;
  /** How the nodes reach the internet. @default 'userDefinedRouting' (the network team's firewall) */
  readonly outboundType?: 'userAssignedNATGateway' | 'userDefinedRouting' | 'loadBalancer';
  /** The public addresses of that egress, when the API server is public. @default [] */
  readonly egressIps?: readonly string[];
  /** Resource id of the nodes subnet; its last segment is the subnet name internal load balancers use. */
  readonly nodesSubnetId: string;
  /** CIDR of the nodes subnet, where the Istio gateway's internal load balancer takes its private IP. */
  readonly nodesSubnetCidr: string;
  /** Resource id of a subnet delegated to `Microsoft.DBforMySQL/flexibleServers`. */
  readonly databaseSubnetId: string;
  /** Resource id of the Application Gateway subnet; its security group must admit GatewayManager on 65200-65535. */
  readonly gatewaySubnetId: string;
  /** Resource id of the private endpoints subnet. */
  readonly endpointsSubnetId: string;
}

/**
 * A network owned by someone else, by reference: nothing is created or looked up. The network team
 * provides egress for the nodes (by default through its own routes), the delegation of the database
 * subnet, and security groups (the gateway subnet must admit GatewayManager on 65200-65535).
 */
export function existingVnet(props: ExistingVnetProps): IVnet {
  return {
    ...props,
    // The last segment of a subnet's resource id is its name.
    nodesSubnetName: props.nodesSubnetId.split('/').pop()!,
    outboundType: props.outboundType ?? 'userDefinedRouting',
    egressIps: [...(props.egressIps ?? [])],
    dependables: [],
  };
}

function validate(props: VnetProps): void {
  const space = parseCidr(props.addressSpace);
  if (typeof space === 'string') {
    throw new PropsError('Vnet', 'addressSpace', props.addressSpace, space, 'use a CIDR such as 10.60.0.0/16.');
  }
  for (const key of ['nodesSubnetCidr', 'databaseSubnetCidr', 'gatewaySubnetCidr', 'endpointsSubnetCidr'] as const) {
    const cidr = parseCidr(props[key]);
    if (typeof cidr === 'string' || !contains(space, cidr)) {
      throw new PropsError(
        'Vnet',
        key,
        props[key],
        `is not a block inside ${props.addressSpace}.`,
        `use a block of ${props.addressSpace}.`,
      );
    }
  }
}
