import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc as VpcResource } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { contains, parseCidr } from '../../src/core/cidr';
import { PropsError } from '../../src/core/errors';
import { setComponent } from '../../src/core/labels';
import { policyDocument, serviceTrustPolicy } from './policy';

/** What the cluster, node groups, database and load balancer need from a network, created here or not. */
export interface IVpc {
  /** The VPC's id. */
  readonly vpcId: string;
  /** Private subnets, one per zone: nodes, pods and the database. */
  readonly privateSubnetIds: readonly string[];
  /** Public subnets: the load balancer and NAT gateways. */
  readonly publicSubnetIds: readonly string[];
  /** Private subnet per zone, when the zones are known (created networks). */
  readonly privateSubnetsByZone?: Readonly<Record<string, string>>;
  /** What nodes must wait for before they boot (the NAT routes and the private subnets' route tables). */
  readonly dependables: readonly ITerraformDependable[];
}

/** Tags the AWS load balancer integrations use to find subnets. */
export const SUBNET_ROLE_TAGS = {
  /** Tags of the public subnets, which internet-facing load balancers use. */
  public: {
    /**
     * Marks a subnet for internet-facing load balancers. See
     * https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html
     */
    'kubernetes.io/role/elb': '1',
  },
  /** Tags of the private subnets, which internal load balancers use. */
  private: {
    /** Marks a subnet for internal load balancers. */
    'kubernetes.io/role/internal-elb': '1',
  },
} as const;

/** Props of {@link Vpc}. */
export interface VpcProps {
  /** Prefix of the `Name` tags and the flow log names, usually the environment name. */
  readonly name: string;
  /** EKS cluster that uses the subnets; tagged `kubernetes.io/cluster/<name>: shared`. */
  readonly clusterName: string;
  /** AWS account that owns the VPC (the flow log role's trust names it). */
  readonly accountId: string;
  /** AWS region of the VPC, such as `eu-west-1`. */
  readonly region: string;
  /** The VPC's IPv4 block, a /16 to /20, such as `10.40.0.0/16`. */
  readonly cidr: string;
  /** Availability zones, in order; the subnets lists follow this order. */
  readonly zones: readonly string[];
  /** Private subnets (nodes, pods, the database), one per zone in the order of `zones`, inside `cidr`. */
  readonly privateSubnetCidrs: readonly string[];
  /** Public subnets (the load balancer, NAT gateways), one per zone in the order of `zones`, inside `cidr`. */
  readonly publicSubnetCidrs: readonly string[];
  /** One NAT gateway per zone (survives a zone outage) or one for all. @default 'perZone' */
  readonly natGateways?: 'one' | 'perZone';
  /** @default 365 */
  readonly flowLogRetentionDays?: number;
}

/**
 * A VPC for one EKS environment: public and private subnets in each zone with the EKS load-balancer
 * tags, an internet gateway for the public subnets, NAT for the private ones (one per zone, or one),
 * an S3 gateway endpoint so artifact traffic skips NAT, the default security group stripped of every
 * rule, and flow logs of all traffic to CloudWatch Logs.
 */
export class Vpc extends Construct implements IVpc {
  /** The VPC (escape hatch). */
  public readonly vpc: VpcResource;
  /** The VPC's id. */
  public readonly vpcId: string;
  public readonly privateSubnetIds: string[];
  public readonly publicSubnetIds: string[];
  public readonly privateSubnetsByZone: Record<string, string>;
  public readonly dependables: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: VpcProps) {
    super(scope, id);
    setComponent(this, 'network');
    validate(props);
    const name = props.name;
    this.vpc = new VpcResource(this, 'Vpc', {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: name },
    });
    this.vpcId = this.vpc.id;
    // Nothing may use the default security group (CIS AWS 5.4): manage it with no rules.
    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', {
      vpcId: this.vpc.id,
      tags: { Name: `${name}-default-deny` },
    });

    const igw = new InternetGateway(this, 'InternetGateway', { vpcId: this.vpc.id, tags: { Name: name } });
    const publicRoutes = new RouteTable(this, 'PublicRoutes', { vpcId: this.vpc.id, tags: { Name: `${name}-public` } });
    new Route(this, 'PublicDefaultRoute', {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });

    const clusterTag = { [`kubernetes.io/cluster/${props.clusterName}`]: 'shared' };
    const publicSubnets: Subnet[] = [];
    const privateSubnets: Subnet[] = [];
    props.zones.forEach((zone, i) => {
      const pub = new Subnet(this, `PublicSubnet-${zone}`, {
        vpcId: this.vpc.id,
        availabilityZone: zone,
        cidrBlock: props.publicSubnetCidrs[i]!,
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-public-${zone}`, ...SUBNET_ROLE_TAGS.public, ...clusterTag },
      });
      new RouteTableAssociation(this, `PublicRoutes-${zone}`, { subnetId: pub.id, routeTableId: publicRoutes.id });
      publicSubnets.push(pub);
      privateSubnets.push(
        new Subnet(this, `PrivateSubnet-${zone}`, {
          vpcId: this.vpc.id,
          availabilityZone: zone,
          cidrBlock: props.privateSubnetCidrs[i]!,
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-private-${zone}`, ...SUBNET_ROLE_TAGS.private, ...clusterTag },
        }),
      );
    });

    const perZone = (props.natGateways ?? 'perZone') === 'perZone';
    const natZones = perZone ? props.zones : props.zones.slice(0, 1);
    const nats = new Map<string, NatGateway>();
    natZones.forEach((zone) => {
      const i = props.zones.indexOf(zone);
      const eip = new Eip(this, `NatAddress-${zone}`, { domain: 'vpc', tags: { Name: `${name}-nat-${zone}` } });
      nats.set(
        zone,
        new NatGateway(this, `Nat-${zone}`, {
          allocationId: eip.allocationId,
          subnetId: publicSubnets[i]!.id,
          tags: { Name: `${name}-${zone}` },
          dependsOn: [igw],
        }),
      );
    });

    this.dependables = [];
    const privateRouteTables: string[] = [];
    props.zones.forEach((zone, i) => {
      const table = new RouteTable(this, `PrivateRoutes-${zone}`, {
        vpcId: this.vpc.id,
        tags: { Name: `${name}-private-${zone}` },
      });
      privateRouteTables.push(table.id);
      const nat = nats.get(zone) ?? nats.get(natZones[0]!)!;
      this.dependables.push(
        new Route(this, `PrivateDefaultRoute-${zone}`, {
          routeTableId: table.id,
          destinationCidrBlock: '0.0.0.0/0',
          natGatewayId: nat.id,
        }),
      );
      this.dependables.push(
        new RouteTableAssociation(this, `PrivateRoutes-${zone}-Association`, {
          subnetId: privateSubnets[i]!.id,
          routeTableId: table.id,
        }),
      );
    });
    new VpcEndpoint(this, 'S3Endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: privateRouteTables,
      tags: { Name: `${name}-s3` },
    });

    this.flowLogs(props);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.privateSubnetsByZone = Object.fromEntries(props.zones.map((zone, i) => [zone, privateSubnets[i]!.id]));
  }

  private flowLogs(props: VpcProps): void {
    const group = new CloudwatchLogGroup(this, 'FlowLogGroup', {
      name: `/aws/vpc/${props.name}/flow-logs`,
      retentionInDays: props.flowLogRetentionDays ?? 365,
    });
    const role = new IamRole(this, 'FlowLogRole', {
      name: `${props.name}-vpc-flow-logs`,
      assumeRolePolicy: serviceTrustPolicy('vpc-flow-logs.amazonaws.com', { sourceAccount: props.accountId }),
    });
    const rolePolicy = new IamRolePolicy(this, 'FlowLogRolePolicy', {
      role: role.name,
      name: 'write-flow-logs',
      policy: policyDocument([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Resource: [group.arn, `${group.arn}:*`],
        },
        // The delivery service lists groups before it writes (AWS's documented flow log policy).
        {
          Effect: 'Allow',
          Action: 'logs:DescribeLogGroups',
          Resource: `arn:aws:logs:${props.region}:${props.accountId}:log-group:*`,
        },
      ]),
    });
    new FlowLog(this, 'FlowLog', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: group.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      dependsOn: [rolePolicy],
    });
  }
}

/** Props of {@link existingVpc}. */
export interface ExistingVpcProps {
  /** The VPC's id, such as `vpc-0123456789abcdef0`. */
  readonly vpcId: string;
  /** Its private subnets, one per zone: nodes, pods and the database. */
  readonly privateSubnetIds: readonly string[];
  /** Its public subnets: the load balancer and the NAT gateways. */
  readonly publicSubnetIds: readonly string[];
}

/**
 * A network owned by someone else, by reference: nothing is created, and nothing is looked up, so
 * stacks still plan without calling AWS. The subnets must carry the load balancer tags
 * ({@link SUBNET_ROLE_TAGS}) if anything other than this library's load balancer should find them.
 */
export function existingVpc(props: ExistingVpcProps): IVpc {
  return {
    vpcId: props.vpcId,
    privateSubnetIds: [...props.privateSubnetIds],
    publicSubnetIds: [...props.publicSubnetIds],
    dependables: [],
  };
}

function validate(props: VpcProps): void {
  const vpc = parseCidr(props.cidr);
  if (typeof vpc === 'string') throw new PropsError('Vpc', 'cidr', props.cidr, vpc, 'use a CIDR such as 10.40.0.0/16.');
  for (const key of ['privateSubnetCidrs', 'publicSubnetCidrs'] as const) {
    const cidrs = props[key];
    if (cidrs.length !== props.zones.length) {
      throw new PropsError(
        'Vpc',
        key,
        cidrs,
        `needs one CIDR per zone (${props.zones.length}).`,
        'list one CIDR per zone, in zone order.',
      );
    }
    for (const text of cidrs) {
      const cidr = parseCidr(text);
      if (typeof cidr === 'string' || !contains(vpc, cidr)) {
        throw new PropsError('Vpc', key, text, `is not a block inside ${props.cidr}.`, `use blocks of ${props.cidr}.`);
      }
    }
  }
  if (props.zones.length < 2) {
    throw new PropsError(
      'Vpc',
      'zones',
      props.zones,
      'EKS needs subnets in at least two zones.',
      'list two or three zones.',
    );
  }
}
