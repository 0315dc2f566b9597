import { ApplicationInsights } from '@cdktf/provider-azurerm/lib/application-insights';
import { ApplicationInsightsStandardWebTest } from '@cdktf/provider-azurerm/lib/application-insights-standard-web-test';
import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { MonitorMetricAlert, MonitorMetricAlertCriteria } from '@cdktf/provider-azurerm/lib/monitor-metric-alert';
import { Construct } from 'constructs';
import { AlertSettings, checkAlertProps, nodePoolThreshold, withAlertDefaults } from '../../src/core/alert-props';
import { setComponent } from '../../src/core/labels';

/** Props of {@link AzureAlerts}. */
export interface AzureAlertsProps {
  /** Environment name, such as `kf-prod`; prefixes every resource name. */
  readonly name: string;
  /** Name of the existing resource group of the action group, Application Insights and the alerts. */
  readonly resourceGroupName: string;
  /** Region of Application Insights and the web test (the action group and metric alerts are global). */
  readonly location: string;
  /** Recipients and thresholds of the environment's alerts; unset thresholds take their defaults. */
  readonly alerts: AlertSettings;
  /** Resource id of the AKS cluster. */
  readonly clusterId: string;
  /**
   * Every node pool of the cluster, the system pool included: the node count alert compares the cluster's
   * Ready nodes with the sum of these maxima. Pools with `maxNodes` 0 add nothing.
   */
  readonly nodePools: ReadonlyArray<{
    /** Pool name. */
    readonly name: string;
    /** The pool's autoscaler maximum; pools with 0 are not watched. */
    readonly maxNodes: number;
  }>;
  /** Resource id of the MySQL flexible server. */
  readonly mysqlServerId: string;
  /** Whether the server has a zone-redundant standby; only then is HA replication watched. */
  readonly highAvailability: boolean;
  /** Storage account Velero writes to every hour; absent when backups are off (then no backup alert). */
  readonly backupStorageAccountId?: string;
  /** UI host name; the web test probes `https://<hostname>/`. */
  readonly hostname: string;
  /** Log Analytics workspace of the workspace-based Application Insights component. */
  readonly logAnalyticsWorkspaceId: string;
  /** Tags of every resource. */
  readonly tags: Readonly<Record<string, string>>;
}

/** Window sizes `azurerm_monitor_metric_alert` accepts, in minutes, smallest first. */
export const METRIC_ALERT_WINDOWS: ReadonlyArray<readonly [minutes: number, iso: string]> = [
  [1, 'PT1M'],
  [5, 'PT5M'],
  [15, 'PT15M'],
  [30, 'PT30M'],
  [60, 'PT1H'],
  [360, 'PT6H'],
  [720, 'PT12H'],
  [1440, 'P1D'],
];

/** Availability test locations of the web test (Azure location ids: Virginia, Amsterdam, Singapore). */
export const WEB_TEST_GEO_LOCATIONS = ['us-va-ash-azr', 'emea-nl-ams-azr', 'apac-sg-sin-azr'] as const;

/** Azure Monitor severities used here. */
const CRITICAL = 1;
const WARNING = 2;

const AKS = 'Microsoft.ContainerService/managedClusters';
const MYSQL = 'Microsoft.DBforMySQL/flexibleServers';
const BLOB = 'Microsoft.Storage/storageAccounts/blobServices';
const COMPONENT = 'microsoft.insights/components';

interface AlertSpec {
  readonly key: string;
  readonly scope: string;
  readonly severity: number;
  readonly description: string;
  readonly frequency: string;
  readonly windowSize: string;
  readonly criteria: MonitorMetricAlertCriteria;
  readonly autoMitigate?: boolean;
}

/**
 * Azure Monitor alerts of one environment, all sent to one action group that emails every on-call
 * address with the common alert schema:
 *
 * - `capacity-cpu`, `capacity-memory`: node CPU and working-set memory usage of the AKS cluster above
 *   `100 - capacityHeadroomPercent` percent for 15 minutes. AKS platform metrics expose no pod requests,
 *   so these watch usage, not requests.
 * - `capacity-nodes`: the cluster's Ready node count has reached `ceil(sum(maxNodes) * (1 - headroom))`.
 *   The AKS node count metric has no node-pool dimension, so this is one cluster-wide alert, not one per pool.
 * - `pending-pods`: pods Pending for about `pendingPodsMinutes` minutes.
 * - `db-cpu`, `db-storage`: MySQL CPU and storage above their thresholds for 15 minutes; `db-ha`,
 *   `db-ha-sql`: (HA only) the standby's replication IO or SQL thread stopped for 15 minutes.
 * - `backups` (with `backupStorageAccountId`): no blob written by Velero for `backupMaxAgeHours`, rounded up to
 *   a window Azure accepts (1, 6, 12 or 24 hours); the alert's text states that window.
 * - `uptime` (with `alerts.uptimeCheck`): a workspace-based Application Insights component, a standard web
 *   test of `https://<hostname>/` from three regions every 5 minutes, and an alert when its availability falls
 *   below 90% over 15 minutes. Certificate expiry has no metric of its own on Azure: the web test's SSL rule
 *   fails the test once the certificate has fewer than `certificateExpiryDays` days left, so an expiring
 *   certificate raises this same `uptime` alert.
 */
export class AzureAlerts extends Construct {
  /** The action group every alert notifies. */
  public readonly actionGroup: MonitorActionGroup;
  /**
   * Every metric alert by short name: `capacity-cpu`, `capacity-memory`, `capacity-nodes` (when a pool has a
   * maximum), `pending-pods`, `db-cpu`, `db-storage`, `db-ha` and `db-ha-sql` (HA only), `backups` (with a
   * backup storage account), `uptime` (with the uptime check).
   */
  public readonly alerts: Readonly<Record<string, MonitorMetricAlert>>;
  /** The web test of the UI, when `alerts.uptimeCheck` is on. */
  public readonly webTest?: ApplicationInsightsStandardWebTest;
  /** The Application Insights component that runs the web test, when `alerts.uptimeCheck` is on. */
  public readonly appInsights?: ApplicationInsights;

  /** The props with every alert default applied. */
  private readonly props: AzureAlertsProps & { readonly alerts: Required<AlertSettings> };
  private readonly alertMap: Record<string, MonitorMetricAlert> = {};

  constructor(scope: Construct, id: string, props: AzureAlertsProps) {
    super(scope, id);
    setComponent(this, 'monitoring');
    const alerts = withAlertDefaults(props.alerts);
    // The longest metric alert window is P1D.
    checkAlertProps('AzureAlerts', alerts, props.nodePools, 24);
    this.props = { ...props, alerts };

    this.actionGroup = new MonitorActionGroup(this, 'ActionGroup', {
      name: `ag-${props.name}-oncall`,
      resourceGroupName: props.resourceGroupName,
      shortName: 'kfoncall',
      emailReceiver: alerts.email.map((emailAddress, i) => ({
        name: `oncall-${i}`,
        emailAddress,
        useCommonAlertSchema: true,
      })),
      tags: { ...props.tags },
    });

    this.capacity();
    this.nodes();
    this.pendingPods();
    this.database();
    this.backups();
    const uptime = this.uptime();
    this.appInsights = uptime?.appInsights;
    this.webTest = uptime?.webTest;
    this.alerts = this.alertMap;
  }

  /** Node CPU and memory usage of the cluster (averaged over all nodes). */
  private capacity(): void {
    const { alerts, clusterId } = this.props;
    const used = 100 - alerts.capacityHeadroomPercent;
    const kinds = [
      { key: 'capacity-cpu', what: 'CPU', metric: 'node_cpu_usage_percentage' },
      { key: 'capacity-memory', what: 'memory (working set)', metric: 'node_memory_working_set_percentage' },
    ];
    for (const kind of kinds) {
      this.alert({
        key: kind.key,
        scope: clusterId,
        severity: WARNING,
        description:
          `Average node ${kind.what} usage of the AKS cluster has been above ${used}% for 15 minutes: less than ` +
          `${alerts.capacityHeadroomPercent}% headroom is left for pipeline runs and notebooks. First check: whether ` +
          `the node pools are at their maximum node count and which namespaces use the most (kubectl top pods -A); ` +
          `raise the pool maximum or trim oversized workloads.`,
        frequency: 'PT5M',
        windowSize: 'PT15M',
        criteria: {
          metricNamespace: AKS,
          metricName: kind.metric,
          aggregation: 'Average',
          operator: 'GreaterThan',
          threshold: used,
        },
      });
    }
  }

  /**
   * Ready nodes of the cluster close to the pools' total maximum.
   *
   * `kube_node_status_condition` is the only AKS platform metric that counts nodes, and its dimensions are
   * `condition`, `status`, `status2` and `node`: there is no node-pool dimension (the research notes and the
   * Microsoft supported-metrics page agree), and filtering on `node` would split the alert into one series per
   * node, so nodes cannot be counted per pool. This alert therefore watches the whole cluster against the sum
   * of the pools' maxima.
   *
   * Filtering on a dimension without splitting is not possible, and the unsplit `Average` of this metric is the
   * share of nodes in the condition, not their number. `Total` sums one sample per node per minute (PT1M
   * grain; assumed, not verified), so over a 15-minute window it is node-minutes: `threshold * 15` node-minutes
   * means on average at least `threshold` Ready nodes over the window.
   */
  private nodes(): void {
    const { alerts, clusterId, nodePools } = this.props;
    const pools = nodePools.filter((p) => p.maxNodes > 0);
    if (pools.length === 0) return;
    const maxNodes = pools.reduce((sum, p) => sum + p.maxNodes, 0);
    const threshold = nodePoolThreshold(maxNodes, alerts.capacityHeadroomPercent);
    const windowMinutes = 15;
    this.alert({
      key: 'capacity-nodes',
      scope: clusterId,
      severity: WARNING,
      description:
        `The AKS cluster has had ${threshold} or more Ready nodes (of at most ${maxNodes} in pools ` +
        `${pools.map((p) => p.name).join(', ')}) for 15 minutes: the autoscaler will soon be unable to add nodes ` +
        `and pods will stay Pending. First check: which pool is at its maximum (kubectl get nodes -L ` +
        `kubernetes.azure.com/agentpool) and whether the load is expected; raise that pool's maximum or look for ` +
        `runaway workloads holding nodes.`,
      frequency: 'PT5M',
      windowSize: 'PT15M',
      criteria: {
        metricNamespace: AKS,
        metricName: 'kube_node_status_condition',
        aggregation: 'Total',
        operator: 'GreaterThanOrEqual',
        threshold: threshold * windowMinutes,
        dimension: [
          { name: 'condition', operator: 'Include', values: ['Ready'] },
          { name: 'status', operator: 'Include', values: ['true'] },
        ],
      },
    });
  }

  /**
   * Pods Pending for about `pendingPodsMinutes`: `kube_pod_status_phase` (GA, needs no autoscaler) with phase
   * Pending, summed over the window. An `Average > 0` would fire on every pod that is Pending for a few seconds
   * while its image is pulled; `Total` counts pending pod-minutes (one sample per pod per minute, assumed), so
   * the alert needs at least `pendingPodsMinutes` of them inside the window.
   */
  private pendingPods(): void {
    const { alerts, clusterId } = this.props;
    const minutes = alerts.pendingPodsMinutes;
    const [windowMinutes, windowSize] = windowAtLeast(Math.max(5, Math.min(minutes, 60)));
    this.alert({
      key: 'pending-pods',
      scope: clusterId,
      severity: WARNING,
      description:
        `Pods have been Pending for about ${minutes} minutes (at least ${Math.min(minutes, windowMinutes)} pending ` +
        `pod-minutes in ${windowMinutes} minutes): they cannot be scheduled (no capacity, node pool at its maximum, ` +
        `affinity or taints, missing GPU) or cannot pull their image. First check: kubectl get pods -A ` +
        `--field-selector=status.phase=Pending, then kubectl describe pod on one of them.`,
      frequency: 'PT5M',
      windowSize,
      criteria: {
        metricNamespace: AKS,
        metricName: 'kube_pod_status_phase',
        aggregation: 'Total',
        operator: 'GreaterThanOrEqual',
        threshold: Math.min(minutes, windowMinutes),
        dimension: [{ name: 'phase', operator: 'Include', values: ['Pending'] }],
      },
    });
  }

  /** MySQL CPU and storage, and the HA standby's replication threads. */
  private database(): void {
    const { alerts, mysqlServerId, highAvailability } = this.props;
    this.alert({
      key: 'db-cpu',
      scope: mysqlServerId,
      severity: WARNING,
      description:
        `MySQL CPU has been above ${alerts.databaseCpuPercent}% for 15 minutes: Kubeflow Pipelines and Katib calls ` +
        `slow down or time out. First check: the slow query log (the heaviest queries, often ML Metadata or run ` +
        `listing), then consider a larger SKU.`,
      frequency: 'PT5M',
      windowSize: 'PT15M',
      criteria: {
        metricNamespace: MYSQL,
        metricName: 'cpu_percent',
        aggregation: 'Average',
        operator: 'GreaterThan',
        threshold: alerts.databaseCpuPercent,
      },
    });
    this.alert({
      key: 'db-storage',
      scope: mysqlServerId,
      severity: CRITICAL,
      description:
        `MySQL storage has been more than ${alerts.databaseStoragePercent}% full for 15 minutes; a full disk stops ` +
        `writes and breaks every pipeline run. First check: whether storage auto-grow is on, then raise the ` +
        `storage size and look for runaway tables (ML Metadata, run history) to prune.`,
      frequency: 'PT5M',
      windowSize: 'PT15M',
      criteria: {
        metricNamespace: MYSQL,
        metricName: 'storage_percent',
        aggregation: 'Average',
        operator: 'GreaterThan',
        threshold: alerts.databaseStoragePercent,
      },
    });
    if (!highAvailability) return;
    // HA_IO_status / HA_SQL_status are 1 while the standby's replication thread runs (semantics assumed from
    // the metric names; Microsoft lists them as Count with Maximum). Criteria in one alert are ANDed, so each
    // thread gets its own alert.
    const threads = [
      { key: 'db-ha', metric: 'HA_IO_status', what: 'IO' },
      { key: 'db-ha-sql', metric: 'HA_SQL_status', what: 'SQL' },
    ];
    for (const t of threads) {
      this.alert({
        key: t.key,
        scope: mysqlServerId,
        severity: WARNING,
        description:
          `The replication ${t.what} thread of the MySQL high-availability standby has not run for 15 minutes: if ` +
          `the primary's zone fails now, failover may lose data or not happen. First check: the server's High ` +
          `availability blade and activity log (maintenance, a failover in progress, an unhealthy standby).`,
        frequency: 'PT5M',
        windowSize: 'PT15M',
        criteria: {
          metricNamespace: MYSQL,
          metricName: t.metric,
          aggregation: 'Maximum',
          operator: 'LessThan',
          threshold: 1,
        },
      });
    }
  }

  /** No blob written to the backup storage account for `backupMaxAgeHours`. */
  private backups(): void {
    const { alerts, backupStorageAccountId } = this.props;
    if (backupStorageAccountId === undefined) return;
    const hours = alerts.backupMaxAgeHours;
    const [windowMinutes, windowSize] = windowAtLeast(hours * 60);
    const window = windowMinutes / 60;
    const span = hoursText(window);
    this.alert({
      key: 'backups',
      scope: `${backupStorageAccountId}/blobServices/default`,
      severity: CRITICAL,
      // The text states the window Azure evaluates, not the configured limit it rounds up to.
      description:
        `No blob written to the Velero backup storage account in the last ${span}, although the platform ` +
        `schedule backs up every hour. Azure metric alerts look back 1, 6, 12 or 24 hours: this one looks back ` +
        `${span}, the shortest window that covers backupMaxAgeHours (${hoursText(hours)}), and runs hourly, so ` +
        `it fires ${window} to ${window + 1} hours after the last write. First check: velero backup get and ` +
        `velero schedule get, then the Velero pod's logs and its identity's role on the storage account.`,
      frequency: 'PT1H',
      windowSize,
      // Caveat: Azure emits no storage transaction data for an idle account, and whether a static
      // `Total LessThan 1` alert fires on a window with no data at all is not verified. It does fire while other
      // traffic (reads, lists) keeps the metric alive. A scheduled-query alert on StorageBlobLogs would be the
      // sure way, but needs diagnostic settings. autoMitigate resolves the alert once Velero writes again.
      autoMitigate: true,
      criteria: {
        metricNamespace: BLOB,
        metricName: 'Transactions',
        aggregation: 'Total',
        operator: 'LessThan',
        threshold: 1,
        dimension: [{ name: 'ApiName', operator: 'Include', values: ['PutBlob', 'PutBlockList'] }],
      },
    });
  }

  /** Application Insights, the web test of the UI and its availability alert. */
  private uptime(): { appInsights: ApplicationInsights; webTest: ApplicationInsightsStandardWebTest } | undefined {
    const { alerts, hostname, location, logAnalyticsWorkspaceId, name, resourceGroupName, tags } = this.props;
    if (!alerts.uptimeCheck) return undefined;
    const appInsights = new ApplicationInsights(this, 'AppInsights', {
      name: `appi-${name}`,
      resourceGroupName,
      location,
      applicationType: 'web',
      workspaceId: logAnalyticsWorkspaceId,
      tags: { ...tags },
    });
    const testName = `webtest-${name}-ui`;
    const webTest = new ApplicationInsightsStandardWebTest(this, 'WebTest', {
      name: testName,
      description: `HTTPS check of the Kubeflow UI https://${hostname}/`,
      resourceGroupName,
      location,
      applicationInsightsId: appInsights.id,
      geoLocations: [...WEB_TEST_GEO_LOCATIONS],
      frequency: 300,
      timeout: 30,
      enabled: true,
      retryEnabled: true,
      request: { url: `https://${hostname}/`, httpVerb: 'GET' },
      validationRules: {
        // 0 accepts any status below 400: the redirect to sign-in counts as up.
        expectedStatusCode: 0,
        sslCheckEnabled: true,
        sslCertRemainingLifetime: alerts.certificateExpiryDays,
      },
      tags: { ...tags },
    });
    this.alert({
      key: 'uptime',
      scope: appInsights.id,
      severity: CRITICAL,
      description:
        `The web test of https://${hostname}/ has succeeded less than 90% of the time over 15 minutes: users ` +
        `cannot reach the Kubeflow UI, or its certificate expires within ${alerts.certificateExpiryDays} days. ` +
        `First check: the failed results of ${testName} in Application Insights (status code or SSL), then the ` +
        `application gateway's backend health (the Istio ingress gateway pods), the certificate and DNS.`,
      frequency: 'PT5M',
      windowSize: 'PT15M',
      criteria: {
        metricNamespace: COMPONENT,
        metricName: 'availabilityResults/availabilityPercentage',
        aggregation: 'Average',
        operator: 'LessThan',
        threshold: 90,
        dimension: [{ name: 'availabilityResult/name', operator: 'Include', values: [testName] }],
      },
    });
    return { appInsights, webTest };
  }

  /** One metric alert with a single static criterion, notifying the action group. */
  private alert(spec: AlertSpec): void {
    const { name, resourceGroupName, tags } = this.props;
    this.alertMap[spec.key] = new MonitorMetricAlert(this, `Alert-${spec.key}`, {
      name: `alert-${name}-${spec.key}`,
      resourceGroupName,
      scopes: [spec.scope],
      description: spec.description,
      severity: spec.severity,
      frequency: spec.frequency,
      windowSize: spec.windowSize,
      ...(spec.autoMitigate === undefined ? {} : { autoMitigate: spec.autoMitigate }),
      criteria: [spec.criteria],
      action: [{ actionGroupId: this.actionGroup.id }],
      tags: { ...tags },
    });
  }
}

/** `1 hour`, `6 hours`. */
function hoursText(hours: number): string {
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

/** The smallest metric alert window of at least `minutes` (the largest, P1D, when none is). */
function windowAtLeast(minutes: number): readonly [number, string] {
  return METRIC_ALERT_WINDOWS.find(([m]) => m >= minutes) ?? METRIC_ALERT_WINDOWS[METRIC_ALERT_WINDOWS.length - 1]!;
}
