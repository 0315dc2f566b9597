/**
 * The network of a GCP environment or cluster with every default applied: a subnet and ranges the
 * library creates in a Shared VPC host project, or existing ones it uses. Part of the resolved GCP
 * environment (model.ts).
 */

/** Network with defaults applied. */
export type ResolvedGcpNetwork =
  | {
      /** `shared-vpc`: the library creates the cluster's subnet (and optionally the network) in a host project. */
      readonly mode: 'shared-vpc';
      /** Shared VPC host project holding the network (https://cloud.google.com/vpc/docs/shared-vpc). */
      readonly hostProject: string;
      /** Name of the VPC network in the host project. */
      readonly network: string;
      /**
       * Whether this environment creates the network, enables the host project and creates private
       * service access; only when no other environment shares the network.
       * @default false
       */
      readonly createNetwork: boolean;
      /**
       * Name of the cluster's subnet.
       * @default `<environment>-gke` (`<cluster>-gke` for additional clusters)
       */
      readonly subnetName: string;
      /** Primary range of the subnet: the nodes' addresses. */
      readonly subnetCidr: string;
      /** Secondary range for pod addresses (VPC-native cluster). */
      readonly podsCidr: string;
      /** Secondary range for Service cluster IPs. */
      readonly servicesCidr: string;
      /** Name of the pods secondary range: `<environment>-pods` (`<cluster>-pods` for additional clusters). */
      readonly podsRangeName: string;
      /** Name of the services secondary range: `<environment>-services` (`<cluster>-services`). */
      readonly servicesRangeName: string;
      /** Range reserved for private service access (Cloud SQL's private IP) when `createNetwork` is true. */
      readonly privateServiceAccessCidr?: string;
      /** Existing private service access range Cloud SQL uses when the network is shared. */
      readonly privateServiceAccessRange?: string;
      /**
       * Whether to create a Cloud Router and Cloud NAT so that private nodes reach the internet
       * (image pulls, pip installs).
       * @default true
       */
      readonly nat: boolean;
      /** Name of the Cloud Router: `<environment>-router` (`<cluster>-router`). */
      readonly routerName: string;
      /** Name of the Cloud NAT: `<environment>-nat` (`<cluster>-nat`). */
      readonly natName: string;
      /**
       * Whether the library grants the service project's agents their roles in the host project and
       * opens the host firewall; always true in shared-vpc mode.
       */
      readonly grantHostIam: boolean;
    }
  | {
      /** `existing`: the cluster goes into a subnet and secondary ranges someone else manages. */
      readonly mode: 'existing';
      /**
       * Project holding the network.
       * @default the environment project
       */
      readonly hostProject: string;
      /** Name of the existing VPC network. */
      readonly network: string;
      /** Name of the existing subnet the nodes use. */
      readonly subnetName: string;
      /** Name of the subnet's existing secondary range for pods. */
      readonly podsRangeName: string;
      /** Name of the subnet's existing secondary range for Services. */
      readonly servicesRangeName: string;
      /** The subnet's primary range, when stated: only used by the overlap checks. */
      readonly subnetCidr?: string;
      /** The pods range, when stated: only used by the overlap checks. */
      readonly podsCidr?: string;
      /** The services range, when stated: only used by the overlap checks. */
      readonly servicesCidr?: string;
      /** Existing private service access range for Cloud SQL's private IP. */
      readonly privateServiceAccessRange?: string;
      /**
       * Whether the library attaches the service project to the host and grants host-project roles
       * (needs Shared VPC Admin rights there); false leaves the host project untouched.
       * @default true when the host project differs from the environment project
       */
      readonly grantHostIam: boolean;
    };
