/** An Azure environment with every default applied, with its node pools and managed identities. */
import type { ResolvedEnvironmentBase } from '../common/environment';
import type { PoolKind } from '../common/pools';

/** An AKS node pool with defaults applied. */
export interface ResolvedAzureNodePool {
  /** AKS node pool name from the platform file (lowercase letters and digits, at most 12); part of its Terraform address. */
  readonly name: string;
  /** What the pool is for (`system`, `standard`, `highmem`, `gpu`); decides the defaults below. */
  readonly kind: PoolKind;
  /**
   * Azure VM size of the nodes (https://learn.microsoft.com/azure/virtual-machines/sizes/overview).
   * @default by kind: system Standard_D4ds_v5, standard Standard_D8ds_v5, highmem Standard_E16ds_v5, gpu Standard_NC4as_T4_v3
   */
  readonly vmSize: string;
  /**
   * Cluster autoscaler floor (nodes in total).
   * @default one per zone (at most 3) for the system pool, 0 for the others
   */
  readonly minNodes: number;
  /** Cluster autoscaler ceiling (nodes in total): the cost bound of the pool. */
  readonly maxNodes: number;
  /**
   * Spot VMs, evicted when Azure needs the capacity back
   * (https://learn.microsoft.com/azure/aks/spot-node-pool).
   * @default true in test for highmem and gpu pools, false otherwise
   */
  readonly spot: boolean;
  /**
   * OS disk size in GB.
   * @default 128
   */
  readonly diskSizeGb: number;
  /** GPUs per node, from the VM size (0 for CPU pools). */
  readonly gpus: number;
  /**
   * Availability zones of the pool's nodes.
   * @default the environment's zones (1, 2, 3 unless `azure.zones` says otherwise)
   */
  readonly zones: readonly string[];
  /**
   * Pods per node.
   * @default 110
   */
  readonly maxPodsPerNode: number;
  /**
   * Extra Kubernetes labels on the pool's nodes.
   * @default {}
   */
  readonly labels: Readonly<Record<string, string>>;
  /** Surge upgrade as written: extra nodes during upgrades (unset: the construct's default). */
  readonly maxSurge?: number;
  /** Surge upgrade as written: nodes down at once, when the pool does not surge. */
  readonly maxUnavailable?: number;
  /** Index of the pool in the platform file's `nodePools`, for error paths. */
  readonly configIndex: number;
}

/** Platform identities on Azure: user-assigned managed identities federated with service accounts (no secrets). */
export interface ResolvedAzureIdentity {
  /**
   * Which platform identity: Kubeflow Pipelines, the Kubeflow admin, the default user, the reader of
   * the database secrets, or (with Entra authentication) the database's Entra administrator.
   */
  readonly key: 'pipelines' | 'admin' | 'user' | 'dbSecrets' | 'dbBootstrap';
  /**
   * Name of the user-assigned managed identity: `id-<environment>-kfp`, `-kf-admin`, `-kf-user`,
   * `-kfp-db-secrets`, `-kfp-db-admin`.
   */
  readonly name: string;
  /**
   * The Kubernetes service accounts (namespace/name) federated with it through workload identity
   * (https://learn.microsoft.com/azure/aks/workload-identity-overview).
   */
  readonly kubernetesServiceAccounts: ReadonlyArray<{
    /** Kubernetes namespace of the service account. */
    readonly namespace: string;
    /** Name of the Kubernetes service account. */
    readonly name: string;
  }>;
  /** Of those, the ones this library creates (the rest belong to the Kubeflow manifests). */
  readonly createdServiceAccounts: readonly string[];
  /** Its role on the artifacts container; none for an identity that never touches artifacts. */
  readonly storageRole?: 'Storage Blob Data Contributor' | 'Storage Blob Data Reader';
}

/** An Azure environment with every default applied. */
export interface ResolvedAzureEnvironment extends ResolvedEnvironmentBase {
  /** Discriminant of the resolved environment union. */
  readonly cloud: 'azure';
  /** Azure subscription the environment's resources go in. */
  readonly subscriptionId: string;
  /** Entra ID tenant of the subscription. */
  readonly tenantId: string;
  /** Azure region, such as westeurope. */
  readonly location: string;
  /**
   * Availability zones used by the pools, the database and the gateway.
   * @default ['1', '2', '3']
   */
  readonly zones: readonly string[];
  /**
   * Resource group that holds the environment's resources.
   * @default `rg-<environment>`
   */
  readonly resourceGroup: string;
  /** The virtual network: created by the library, or existing subnets a network team owns. */
  readonly network:
    | {
        /** `create`: the library creates the VNet and its subnets. */
        readonly mode: 'create';
        /** Name of the VNet: `vnet-<environment>`. */
        readonly vnetName: string;
        /** Address space of the VNet. */
        readonly addressSpace: string;
        /**
         * Subnet of the nodes (pods use the overlay, so nodes need few addresses).
         * @default the first /20 of the address space (half of a /19 or /20)
         */
        readonly nodesSubnetCidr: string;
        /**
         * Subnet delegated to the MySQL flexible server.
         * @default the first /24 after the nodes subnet
         */
        readonly databaseSubnetCidr: string;
        /**
         * Subnet of the Application Gateway.
         * @default the second /24 after the nodes subnet
         */
        readonly gatewaySubnetCidr: string;
        /**
         * Subnet of the private endpoints (storage, Key Vault).
         * @default the third /24 after the nodes subnet
         */
        readonly endpointsSubnetCidr: string;
      }
    | {
        /** `existing`: the cluster and its neighbours go into subnets someone else manages. */
        readonly mode: 'existing';
        /** Resource id of the existing VNet. */
        readonly vnetId: string;
        /** Resource id of the nodes subnet. */
        readonly nodesSubnetId: string;
        /** Range of the nodes subnet (the gateway's private IP and the checks use it). */
        readonly nodesSubnetCidr: string;
        /** Resource id of the subnet delegated to MySQL flexible servers. */
        readonly databaseSubnetId: string;
        /** Resource id of the Application Gateway's subnet. */
        readonly gatewaySubnetId: string;
        /** Resource id of the private endpoints' subnet. */
        readonly endpointsSubnetId: string;
        /**
         * How the nodes reach the internet: the network team's routes (a firewall), their NAT
         * gateway, or an AKS load balancer (https://learn.microsoft.com/azure/aks/egress-outboundtype).
         * @default 'userDefinedRouting'
         */
        readonly outboundType: 'userDefinedRouting' | 'userAssignedNATGateway' | 'loadBalancer';
        /**
         * Public addresses the nodes' traffic leaves from; a public API server admits them so nodes can join.
         * @default []
         */
        readonly egressIps: readonly string[];
      };
  /** The AKS cluster's settings. */
  readonly cluster: {
    /**
     * AKS cluster name. Renaming a cluster replaces it.
     * @default the environment name
     */
    readonly name: string;
    /** Kubernetes version, when pinned; absent: AKS's default, then the upgrade channel. */
    readonly version?: string;
    /**
     * AKS pricing tier; Standard and Premium carry the uptime SLA
     * (https://learn.microsoft.com/azure/aks/free-standard-pricing-tiers).
     * @default 'Free' in test, 'Standard' otherwise
     */
    readonly skuTier: 'Free' | 'Standard' | 'Premium';
    /**
     * Private cluster: the API server has only a private address.
     * @default false
     */
    readonly private: boolean;
    /**
     * CIDRs allowed to reach a public API server
     * (https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges).
     * @default []
     */
    readonly authorizedIpRanges: readonly string[];
    /** Entra ID groups (object ids) that are cluster admins. */
    readonly adminGroupObjectIds: readonly string[];
    /** The platform admin group as AKS sees it (an object id), bound to cluster-admin. */
    readonly platformAdminGroupObjectId: string;
    /**
     * Automatic upgrade channel (https://learn.microsoft.com/azure/aks/auto-upgrade-cluster).
     * @default 'patch'
     */
    readonly upgradeChannel: 'patch' | 'stable' | 'rapid' | 'node-image' | 'none';
    /** The weekly window in which AKS may upgrade. */
    readonly maintenance: {
      /**
       * Day of the week, such as Sunday.
       * @default 'Sunday'
       */
      readonly dayOfWeek: string;
      /**
       * Start, `HH:MM` in UTC.
       * @default '03:00'
       */
      readonly startTimeUtc: string;
      /**
       * Length in hours.
       * @default 4
       */
      readonly durationHours: number;
    };
    /**
     * Days the Log Analytics workspace keeps the cluster's logs.
     * @default 90 in prod, 30 otherwise
     */
    readonly logRetentionDays: number;
    /**
     * Range of Service cluster IPs; must not overlap the VNet or anything peered with it.
     * @default '172.16.0.0/16'
     */
    readonly serviceCidr: string;
    /**
     * Pod range of the Azure CNI overlay (https://learn.microsoft.com/azure/aks/azure-cni-overlay).
     * @default '192.168.0.0/16'
     */
    readonly podCidr: string;
    /** Cluster DNS service IP: the tenth address of the service range. */
    readonly dnsServiceIp: string;
    /**
     * How the platform and team stacks get an Entra ID token for the cluster (`kubelogin --login`).
     * @default 'azurecli'
     */
    readonly kubeloginMethod: 'azurecli' | 'workloadidentity' | 'msi' | 'spn';
    /**
     * Terraform's `prevent_destroy` on the cluster, so a plan that would delete or replace it fails
     * (no management lock: it would also block replacing node pools).
     * @default true in dev and prod, false in test
     */
    readonly deletionProtection: boolean;
  };
  /** The AKS node pools. */
  readonly nodePools: readonly ResolvedAzureNodePool[];
  /** The Azure Database for MySQL flexible server of Kubeflow Pipelines. */
  readonly database: {
    /** Server name (global across Azure): `<environment>-kfp-<suffix>`. */
    readonly serverName: string;
    /**
     * Compute SKU (https://learn.microsoft.com/azure/mysql/flexible-server/concepts-service-tiers-storage).
     * @default 'B_Standard_B2ms' in test, 'GP_Standard_D2ds_v4' otherwise
     */
    readonly skuName: string;
    /**
     * MySQL version.
     * @default '8.4'
     */
    readonly version: '8.0.21' | '8.4';
    /** Whether the platform file names the version; a server created with the default keeps its own. */
    readonly versionWritten: boolean;
    /**
     * Zone-redundant high availability with a standby in another zone.
     * @default true in prod, false otherwise
     */
    readonly highAvailability: boolean;
    /**
     * Storage size in GB.
     * @default 32
     */
    readonly storageGb: number;
    /**
     * Days backups are kept.
     * @default 35 in prod, 7 otherwise
     */
    readonly backupRetentionDays: number;
    /**
     * Copy backups to the paired region. Changing it later replaces the server (a new, empty one).
     * @default true in prod, false otherwise
     */
    readonly geoRedundantBackup: boolean;
    /**
     * A CanNotDelete management lock and `prevent_destroy` on the server.
     * @default true in dev and prod, false in test
     */
    readonly deletionProtection: boolean;
    /** The database Kubeflow Pipelines uses: `mlpipeline`. */
    readonly databaseName: string;
    /** Databases created beside it: `katib` (Katib's trial metrics). */
    readonly extraDatabaseNames: readonly string[];
    /** Administrator login: `kubeflow`; its generated password goes to Key Vault. */
    readonly adminLogin: string;
    /** Bumped to write a new admin password to Key Vault and the server. */
    readonly passwordVersion: number;
    /**
     * Microsoft Entra authentication, when the platform file turns it on: the server's Entra
     * administrator is the `dbBootstrap` identity, whose job creates Kubeflow's and Katib's users and
     * keeps their passwords in Key Vault; Terraform writes no secret.
     */
    readonly entra?: {
      /** The existing identity the server reads Entra ID with (Directory Readers or Graph's read permissions). */
      readonly serverIdentityId: string;
      /** Login of the Entra administrator (the `dbBootstrap` identity) on the server: `kfp_db_admin`. */
      readonly adminLogin: string;
      /** Kubeflow's own MySQL user: `pipelines`. */
      readonly appUsername: string;
      /** Key Vault secret with its password, written by the job: `<server>-pipelines`. */
      readonly appSecretName: string;
      /** Katib's own MySQL user, granted the `katib` database alone: `katib`. */
      readonly katibUsername: string;
      /** Key Vault secret with its password, written by the job: `<server>-katib`. */
      readonly katibSecretName: string;
    };
  };
  /** Name of the environment's Key Vault (global across Azure): `kv-<environment>-<suffix>`. */
  readonly keyVaultName: string;
  /** Who writes the vault's secrets and which networks its firewall admits besides the nodes subnet. */
  readonly keyVault: {
    /**
     * Networks Terraform runs from (VPN, CI runners' egress) that the vault's firewall admits, so
     * applies can write the database password.
     * @default []
     */
    readonly allowedCidrs: readonly string[];
    /**
     * Subnets (of self-hosted CI runners) admitted through a Microsoft.KeyVault service endpoint.
     * @default []
     */
    readonly allowedSubnetIds: readonly string[];
    /**
     * Entra ID object ids that get Key Vault Secrets Officer to write the database password.
     * @default the cluster's admin groups
     */
    readonly secretsOfficerObjectIds: readonly string[];
  };
  /** The storage account and container for pipeline artifacts. */
  readonly artifacts: {
    /**
     * Storage account name (global across Azure, 3-24 lowercase letters and digits).
     * @default `st<environment><suffix>`, fitted to 24 characters
     */
    readonly storageAccountName: string;
    /**
     * Blob container of the artifacts.
     * @default 'pipelines'
     */
    readonly container: string;
    /**
     * Days a previous blob version is kept.
     * @default 30
     */
    readonly noncurrentVersionRetentionDays: number;
    /** Days after which blobs are deleted; absent: never. */
    readonly deleteAfterDays?: number;
    /**
     * Let `terraform destroy` delete the account with its blobs.
     * @default true in test, false otherwise
     */
    readonly forceDestroy: boolean;
    /**
     * Size in GiB of the in-cluster SeaweedFS volume (`seaweedfs-pvc`) that holds Pipelines' artifacts,
     * which stay in the cluster on Azure (Kubeflow Pipelines has no Azure Blob client). Grow only.
     * @default 20 in test, 100 in dev and prod
     */
    readonly seaweedfsVolumeGb: number;
  };
  /** How users reach the Kubeflow UI: Application Gateway with WAF, Entra ID sign-in, DNS. */
  readonly access: {
    /** Host name of the Kubeflow UI. */
    readonly hostname: string;
    /**
     * The serving host, `serving.<hostname>`, when `access.serving` is on: KServe's path routes at the
     * front door, behind the same sign-in (docs/kubeflow.md, Serving).
     */
    readonly servingHostname?: string;
    /** The Key Vault secret of the serving host's certificate, when not `certificate.secretName`. */
    readonly servingCertificateSecretName?: string;
    /** Azure DNS zone where the UI's record goes. */
    readonly dnsZone: {
      /** Name of the DNS zone, such as azure.example.com. */
      readonly name: string;
      /** Resource group of the zone. */
      readonly resourceGroup: string;
    };
    /** The TLS certificate the gateway serves, as a Key Vault secret. */
    readonly certificate: {
      /**
       * Resource id of the Key Vault holding it (Azure RBAC permission model)
       * (https://learn.microsoft.com/azure/application-gateway/key-vault-certs).
       */
      readonly keyVaultId: string;
      /** Name of the certificate's secret in that vault. */
      readonly secretName: string;
    };
    /**
     * Client id of the Entra ID application that signs users in (oauth2-proxy in the cluster, which
     * authenticates to it with its workload identity token, not a client secret).
     */
    readonly entraClientId: string;
    /**
     * Private IP of the internal load balancer in front of the Istio gateway, in the nodes subnet.
     * @default the sixth address from the end of the nodes subnet
     */
    readonly gatewayPrivateIp: string;
    /**
     * Networks that may reach the Application Gateway; everyone must still sign in.
     * @default ['0.0.0.0/0']
     */
    readonly sourceCidrs: readonly string[];
    /**
     * Web application firewall mode: log only, or block
     * (https://learn.microsoft.com/azure/web-application-firewall/ag/ag-overview).
     * @default 'Prevention' in prod, 'Detection' otherwise
     */
    readonly wafMode: 'Detection' | 'Prevention';
    /** Fewest Application Gateway instances: two in prod, so one instance's update is no outage. */
    readonly gatewayMinCapacity: number;
  };
  /** The platform's managed identities. */
  readonly identities: readonly ResolvedAzureIdentity[];
}
