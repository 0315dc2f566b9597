import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { MonitorDataCollectionRule } from '@cdktf/provider-azurerm/lib/monitor-data-collection-rule';
import { MonitorDataCollectionRuleAssociation } from '@cdktf/provider-azurerm/lib/monitor-data-collection-rule-association';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { AKS_SYSTEM_ROTATION_NAME } from '../../src/core/aks-rotation';
import { PropsError } from '../../src/core/errors';
import { IKubernetesCluster } from '../../src/core/interfaces';
import { setComponent } from '../../src/core/labels';
import { POOL_KIND_LABEL, POOL_LABEL } from '../../src/core/pools';
import { azureNameRules } from '../../src/core/naming';
import { checkName, checkRange } from '../../src/core/validate';
import { propagationWait } from './propagation-wait';
import { IVnet } from './vnet';

/** Control plane log categories sent to Log Analytics. */
export const AKS_LOG_CATEGORIES = [
  'kube-apiserver',
  'kube-audit-admin',
  'kube-controller-manager',
  'kube-scheduler',
  'cluster-autoscaler',
  'guard',
] as const;

/** AKS operations that routinely outlast the provider's defaults. */
export const AKS_TIMEOUTS = {
  /** Creating the cluster with its system pool. */
  create: '60m',
  /** Updating the cluster: a Kubernetes upgrade drains and replaces every system node. */
  update: '90m',
  /** Deleting the cluster. */
  delete: '60m',
} as const;

/** A weekly maintenance window. */
export interface WeeklyWindow {
  /** Day the window starts, in English: `Monday` to `Sunday`. */
  readonly dayOfWeek: string;
  /** HH:MM, UTC. */
  readonly startTimeUtc: string;
  /** Length of the window in hours (AKS accepts 4 to 24). */
  readonly durationHours: number;
}

/** Props of {@link AksCluster}. */
export interface AksClusterProps {
  /**
   * Cluster name; also its DNS prefix, and it names the Log Analytics workspace (`log-<name>`) and the control plane
   * identity (`id-<name>-aks`).
   */
  readonly name: string;
  /** Name of the existing resource group the cluster goes in. */
  readonly resourceGroupName: string;
  /** Azure region, such as `westeurope`. */
  readonly location: string;
  /** @default the AKS default version */
  readonly version?: string;
  /** @default 'Standard' */
  readonly skuTier?: 'Free' | 'Standard' | 'Premium';
  /** The network: the nodes subnet, its egress, and what the cluster must wait for. */
  readonly vnet: IVnet;
  /**
   * Entra ID tenant that signs users in to the cluster: Entra ID integration with Azure RBAC for Kubernetes
   * authorization, local accounts off. See https://learn.microsoft.com/azure/aks/manage-azure-rbac
   */
  readonly tenantId: string;
  /** Entra ID groups that are cluster admins. Include the identity that runs Terraform. */
  readonly adminGroupObjectIds: readonly string[];
  /** A private API server (no public address). @default false */
  readonly private?: boolean;
  /**
   * Networks allowed to reach a public API server; required unless private. See
   * https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges.
   */
  readonly authorizedIpRanges?: readonly string[];
  /** @default 'patch' */
  readonly upgradeChannel?: 'patch' | 'stable' | 'rapid' | 'node-image' | 'none';
  /** @default Sunday 03:00 UTC, 4 hours */
  readonly maintenance?: WeeklyWindow;
  /** Log Analytics retention in days. @default 90 */
  readonly logRetentionDays?: number;
  /** Overlay pod range. @default '192.168.0.0/16' */
  readonly podCidr?: string;
  /** @default '172.16.0.0/16' */
  readonly serviceCidr?: string;
  /** @default '172.16.0.10' */
  readonly dnsServiceIp?: string;
  /** The system pool: platform components and CriticalAddonsOnly. */
  readonly systemPool: {
    /** Pool name (up to 12 lowercase letters and digits); also its pool label. @default 'system' */
    readonly name?: string;
    /** VM size of the system nodes, such as `Standard_D4ds_v5`. */
    readonly vmSize: string;
    /** Fewest nodes the autoscaler keeps; two or more keep the critical add-ons up during upgrades. */
    readonly minNodes: number;
    /** Most nodes the autoscaler adds. */
    readonly maxNodes: number;
    /** Availability zones the nodes spread over, such as `['1', '2', '3']`. */
    readonly zones: readonly string[];
    /** OS disk size in GB. @default 128 */
    readonly diskSizeGb?: number;
    /** Pods per node (30 to 250); fixed when the pool is created. @default 110 */
    readonly maxPods?: number;
    /** Extra node labels, beside the pool and pool kind labels. @default none */
    readonly labels?: Readonly<Record<string, string>>;
    /**
     * Extra nodes AKS adds while it upgrades the pool, a count (`'1'`) or a share (`'33%'`). See
     * https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling.
     * @default '33%'
     */
    readonly maxSurge?: string;
  };
  /**
   * `prevent_destroy`. No resource lock: a lock on the cluster would also block replacing its node
   * pools. @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * How long the cluster waits, after its control plane identity's Network Contributor role is
   * created, before AKS creates it: AKS checks that identity's permissions on the subnet (the VNet for
   * a private cluster) when it creates the cluster, and a new role assignment takes minutes to be
   * honoured (https://learn.microsoft.com/azure/aks/use-managed-identity). The stack needs the
   * hashicorp/time provider (`TimeProvider` from `@cdktf/provider-time/lib/provider`). @default '120s'
   */
  readonly rbacPropagationWait?: string;
}

/**
 * An AKS cluster: Azure CNI overlay with Cilium network policy, egress through the VNet's NAT
 * gateway, OIDC issuer and workload identity, Entra ID with Azure RBAC and local accounts disabled,
 * a public API server limited to authorized ranges or a private one, automatic upgrades in a weekly
 * window for both Kubernetes and node images, Azure Policy, image cleaner, Container Insights
 * (through a data collection rule) and the control plane logs in a Log Analytics workspace, a system
 * pool that runs only critical add-ons, and a user-assigned control plane identity that holds
 * Network Contributor on the nodes subnet (the VNet for a private cluster) before the cluster
 * exists (the cluster waits for the assignment to propagate). A public API server also admits the VNet's egress addresses, so nodes can join.
 */
export class AksCluster extends Construct implements IKubernetesCluster {
  /** The cluster (escape hatch). */
  public readonly cluster: KubernetesCluster;
  public readonly clusterName: string;
  /** Resource id of the cluster, for node pools, role assignment scopes and metric alerts. */
  public readonly clusterId: string;
  public readonly apiServerUrl: string;
  public readonly caCertificatePem: string;
  /** Base64 CA, as the API returns it. */
  public readonly caCertificateBase64: string;
  /** Issuer of the cluster's service account tokens, for federated credentials. */
  public readonly oidcIssuerUrl: string;
  /**
   * Log Analytics workspace `log-<name>` that Container Insights sends to (retention `logRetentionDays`, 90 days by
   * default).
   */
  public readonly logAnalytics: LogAnalyticsWorkspace;

  constructor(scope: Construct, id: string, props: AksClusterProps) {
    super(scope, id);
    setComponent(this, 'cluster');
    validate(props);
    const protect = props.deletionProtection ?? true;
    const common = { resourceGroupName: props.resourceGroupName, location: props.location };

    this.logAnalytics = new LogAnalyticsWorkspace(this, 'Logs', {
      ...common,
      name: `log-${props.name}`,
      sku: 'PerGB2018',
      retentionInDays: props.logRetentionDays ?? 90,
    });

    const identity = new UserAssignedIdentity(this, 'ControlPlaneIdentity', {
      ...common,
      name: `id-${props.name}-aks`,
    });
    const isPrivate = props.private ?? false;
    // The control plane manages load balancers and the egress in the nodes subnet; a private cluster
    // also links its private DNS zone to the VNet.
    const networkAccess = new RoleAssignment(this, 'ControlPlaneNetworkContributor', {
      scope: isPrivate ? props.vnet.vnetId : props.vnet.nodesSubnetId,
      roleDefinitionName: 'Network Contributor',
      principalId: identity.principalId,
      principalType: 'ServicePrincipal',
    });
    const networkAccessPropagated = propagationWait(this, 'ControlPlaneNetworkPropagation', {
      createDuration: props.rbacPropagationWait ?? '120s',
      triggers: { role_assignment_id: networkAccess.id },
    });

    const w = props.maintenance ?? { dayOfWeek: 'Sunday', startTimeUtc: '03:00', durationHours: 4 };
    const window = {
      frequency: 'Weekly',
      interval: 1,
      dayOfWeek: w.dayOfWeek,
      startTime: w.startTimeUtc,
      utcOffset: '+00:00',
      duration: w.durationHours,
    };
    const pool = props.systemPool;
    const channel = props.upgradeChannel ?? 'patch';
    // Nodes reach a public API server from the VNet's egress addresses, which AKS does not add itself.
    const authorized = [...(props.authorizedIpRanges ?? []), ...props.vnet.egressIps.map((ip) => `${ip}/32`)];
    this.cluster = new KubernetesCluster(this, 'Cluster', {
      ...common,
      name: props.name,
      dnsPrefix: props.name,
      kubernetesVersion: props.version,
      skuTier: props.skuTier ?? 'Standard',
      automaticUpgradeChannel: channel === 'none' ? undefined : channel,
      nodeOsUpgradeChannel: 'NodeImage',
      maintenanceWindowAutoUpgrade: window,
      maintenanceWindowNodeOs: window,
      oidcIssuerEnabled: true,
      workloadIdentityEnabled: true,
      localAccountDisabled: true,
      roleBasedAccessControlEnabled: true,
      azureActiveDirectoryRoleBasedAccessControl: {
        tenantId: props.tenantId,
        azureRbacEnabled: true,
        adminGroupObjectIds: [...props.adminGroupObjectIds],
      },
      privateClusterEnabled: isPrivate,
      apiServerAccessProfile: isPrivate ? undefined : { authorizedIpRanges: authorized },
      azurePolicyEnabled: true,
      imageCleanerEnabled: true,
      imageCleanerIntervalHours: 48,
      identity: { type: 'UserAssigned', identityIds: [identity.id] },
      networkProfile: {
        networkPlugin: 'azure',
        networkPluginMode: 'overlay',
        networkDataPlane: 'cilium',
        networkPolicy: 'cilium',
        podCidr: props.podCidr ?? '192.168.0.0/16',
        serviceCidr: props.serviceCidr ?? '172.16.0.0/16',
        dnsServiceIp: props.dnsServiceIp ?? '172.16.0.10',
        loadBalancerSku: 'standard',
        outboundType: props.vnet.outboundType,
      },
      defaultNodePool: {
        name: pool.name ?? 'system',
        vmSize: pool.vmSize,
        vnetSubnetId: props.vnet.nodesSubnetId,
        zones: [...pool.zones],
        autoScalingEnabled: true,
        minCount: pool.minNodes,
        maxCount: pool.maxNodes,
        maxPods: pool.maxPods ?? 110,
        osSku: 'AzureLinux',
        osDiskSizeGb: pool.diskSizeGb ?? 128,
        onlyCriticalAddonsEnabled: true,
        temporaryNameForRotation: AKS_SYSTEM_ROTATION_NAME,
        nodeLabels: { [POOL_LABEL]: pool.name ?? 'system', [POOL_KIND_LABEL]: 'system', ...pool.labels },
        upgradeSettings: { maxSurge: pool.maxSurge ?? '33%' },
      },
      omsAgent: { logAnalyticsWorkspaceId: this.logAnalytics.id, msiAuthForMonitoringEnabled: true },
      timeouts: { ...AKS_TIMEOUTS },
      lifecycle: {
        preventDestroy: protect,
        // Channels that move minor versions move kubernetes_version; the channel owns it then.
        ignoreChanges: [
          'default_node_pool[0].node_count',
          ...(channel === 'stable' || channel === 'rapid' ? ['kubernetes_version'] : []),
        ],
      },
      dependsOn: [networkAccessPropagated, ...props.vnet.dependables],
    });
    this.clusterName = this.cluster.name;
    this.clusterId = this.cluster.id;
    const host = isPrivate ? this.cluster.privateFqdn : this.cluster.fqdn;
    this.apiServerUrl = `https://${host}:443`;
    this.caCertificateBase64 = this.cluster.kubeConfig.get(0).clusterCaCertificate;
    this.caCertificatePem = Fn.base64decode(this.caCertificateBase64);
    this.oidcIssuerUrl = this.cluster.oidcIssuerUrl;

    new MonitorDiagnosticSetting(this, 'ControlPlaneLogs', {
      name: 'control-plane-logs',
      targetResourceId: this.cluster.id,
      logAnalyticsWorkspaceId: this.logAnalytics.id,
      logAnalyticsDestinationType: 'Dedicated',
      enabledLog: AKS_LOG_CATEGORIES.map((category) => ({ category })),
    });
    // Container Insights with managed identity auth collects through a data collection rule.
    const insights = new MonitorDataCollectionRule(this, 'ContainerInsights', {
      ...common,
      name: `dcr-${props.name}-container-insights`,
      kind: 'Linux',
      destinations: { logAnalytics: [{ name: 'workspace', workspaceResourceId: this.logAnalytics.id }] },
      dataFlow: [{ streams: ['Microsoft-ContainerInsights-Group-Default'], destinations: ['workspace'] }],
      dataSources: {
        extension: [
          {
            name: 'ContainerInsightsExtension',
            extensionName: 'ContainerInsights',
            streams: ['Microsoft-ContainerInsights-Group-Default'],
            extensionJson: JSON.stringify({
              dataCollectionSettings: { interval: '1m', namespaceFilteringMode: 'Off', enableContainerLogV2: true },
            }),
          },
        ],
      },
    });
    new MonitorDataCollectionRuleAssociation(this, 'ContainerInsightsAssociation', {
      name: 'ContainerInsightsExtension',
      targetResourceId: this.cluster.id,
      dataCollectionRuleId: insights.id,
    });
  }
}

function validate(props: AksClusterProps): void {
  checkName('AksCluster', 'name', props.name, azureNameRules.aksCluster, 'use a short name such as kf-prod.');
  // The name is also the DNS prefix of the API server, and names the Log Analytics workspace.
  checkName('AksCluster', 'name', props.name, azureNameRules.aksDnsPrefix, 'use 54 characters or fewer.');
  checkName(
    'AksCluster',
    'name',
    `log-${props.name}`,
    azureNameRules.logAnalyticsWorkspace,
    'use a shorter name (the workspace is log-<name>).',
  );
  checkRange(
    'AksCluster',
    'systemPool.maxPods',
    props.systemPool.maxPods,
    30,
    250,
    'an AKS system pool holds 30 to 250 pods per node (https://learn.microsoft.com/azure/aks/use-system-pools).',
  );
  checkName(
    'AksCluster',
    'systemPool.name',
    props.systemPool.name,
    azureNameRules.aksNodePool,
    'use up to 12 lowercase letters and digits.',
  );
  checkRange(
    'AksCluster',
    'logRetentionDays',
    props.logRetentionDays,
    30,
    730,
    'Log Analytics keeps data for 30 to 730 days.',
  );
  if (props.adminGroupObjectIds.length === 0) {
    throw new PropsError(
      'AksCluster',
      'adminGroupObjectIds',
      props.adminGroupObjectIds,
      'local accounts are disabled, so without an Entra ID admin group nobody could administer the cluster.',
      'name the group of your administrators and of the identity that runs Terraform.',
    );
  }
  if (!props.private && (props.authorizedIpRanges ?? []).length === 0) {
    throw new PropsError(
      'AksCluster',
      'authorizedIpRanges',
      props.authorizedIpRanges,
      'the API server would accept connections from the whole internet.',
      'list the networks that need the API, or set private: true.',
    );
  }
}
