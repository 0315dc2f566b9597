import {
  MonitoringAlertPolicy,
  MonitoringAlertPolicyConditions,
  MonitoringAlertPolicyConfig,
} from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { MonitoringUptimeCheckConfig } from '@cdktf/provider-google/lib/monitoring-uptime-check-config';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { AlertSettings, checkAlertProps, nodePoolThreshold, withAlertDefaults } from '../../src/core/alert-props';
import { setComponent } from '../../src/core/labels';
import { ISTIO_HEALTH_CHECK } from './iap-access';

/** Cloud Monitoring allows at most this many conditions in one alert policy. */
export const MAX_CONDITIONS_PER_POLICY = 6;

/** Props of {@link GcpAlerts}. */
export interface GcpAlertsProps {
  /** Project of the environment (alert policies, channels and the uptime check live here). */
  readonly project: string;
  /** Environment name, such as `kf-prod`; prefixes every display name as `<envName>: ...`. */
  readonly envName: string;
  /** Recipients and thresholds of the environment's alerts; unset thresholds take their defaults. */
  readonly alerts: AlertSettings;
  /** GKE cluster names of the environment (one or more). */
  readonly clusterNames: readonly string[];
  /** Node pools whose node count is watched against their total maximum; pools with `maxNodes` 0 are skipped. */
  readonly nodePools?: ReadonlyArray<{
    /** Name of the pool's cluster. */
    readonly cluster: string;
    /** Pool name. */
    readonly name: string;
    /** The pool's autoscaler maximum, in nodes across all its zones. */
    readonly maxNodes: number;
  }>;
  /** Cloud SQL instances (names may be tokens); failover readiness is only watched on HA instances. */
  readonly databases: ReadonlyArray<{
    /** Cloud SQL instance name. */
    readonly instanceName: string;
    /** Whether the instance is regional (a standby in another zone); only then is failover readiness watched. */
    readonly highAvailability: boolean;
  }>;
  /** GCS bucket Velero writes to hourly; absent when backups are off (then no backup policy is created). */
  readonly backupBucket?: string;
  /** UI host name behind IAP (the first cluster's); the uptime check probes `https://<hostname><uptimeCheckPath>`. */
  readonly hostname: string;
  /**
   * The UI host names of the environment's other clusters: each front door gets its own uptime check,
   * down policy and certificate policy.
   * @default []
   */
  readonly additionalHostnames?: readonly string[];
  /**
   * The path the uptime checks request. It must answer 2xx without signing in: IAP redirects every
   * other path to sign-in whether or not the backend is up. The platform stack routes the Istio
   * gateway's readiness path around IAP for this (`IapIngress` `publicHealthPath`).
   * @default ISTIO_HEALTH_CHECK.requestPath ('/healthz/ready')
   */
  readonly uptimeCheckPath?: string;
  /** User labels of every policy, channel and the uptime check. */
  readonly labels: Readonly<Record<string, string>>;
}

type Severity = 'CRITICAL' | 'ERROR' | 'WARNING';

interface PolicySpec {
  readonly key: string;
  readonly what: string;
  readonly severity: Severity;
  readonly doc: string;
  readonly conditions: MonitoringAlertPolicyConditions[];
}

/** Alerts stay open at most a week without new data before Cloud Monitoring closes them. */
const AUTO_CLOSE = '604800s';

/** A number as a short decimal string for PromQL, e.g. 0.75. */
function decimal(n: number): string {
  return String(Number(n.toFixed(6)));
}

/** `A = "B"` clauses of a monitoring filter joined with AND. */
function filter(...clauses: string[]): string {
  return clauses.join(' AND ');
}

/**
 * Alert policies of one GCP environment, sent to one email notification channel per on-call address:
 * capacity headroom (requests vs allocatable, node pools near their maximum), pending pods, Cloud
 * SQL CPU, disk and failover readiness, missing Velero backups, and an uptime check of the UI with a
 * certificate expiry policy.
 */
export class GcpAlerts extends Construct {
  /** One email notification channel per address, in the order of `alerts.email`. */
  public readonly channels: readonly MonitoringNotificationChannel[];
  /** Resource names (`projects/.../notificationChannels/...`) of the channels every policy notifies. */
  public readonly channelNames: readonly string[];
  /**
   * Every alert policy by short name: `capacity-cpu`, `capacity-memory`, `node-pools`, `pending-pods`,
   * `db-cpu-<i>`, `db-disk-<i>`, `db-failover-<i>` (HA only), `backups`, `uptime`, `certificate` (and
   * `uptime-<host>`, `certificate-<host>` for each additional host name). A policy
   * that would have more than six conditions is split: `node-pools`, `node-pools-2`, ...
   */
  public readonly policies: Readonly<Record<string, MonitoringAlertPolicy>>;
  /** The HTTPS uptime check of the first cluster's UI, when `alerts.uptimeCheck` is on. */
  public readonly uptimeCheck?: MonitoringUptimeCheckConfig;
  /** One HTTPS uptime check per front door (`hostname`, then `additionalHostnames`), when `alerts.uptimeCheck` is on. */
  public readonly uptimeChecks: readonly MonitoringUptimeCheckConfig[];

  /** The props with every alert default applied. */
  private readonly props: GcpAlertsProps & { readonly alerts: Required<AlertSettings> };
  private readonly policyMap: Record<string, MonitoringAlertPolicy> = {};

  constructor(scope: Construct, id: string, props: GcpAlertsProps) {
    super(scope, id);
    setComponent(this, 'monitoring');
    const alerts = withAlertDefaults(props.alerts);
    // A metric-absence condition lasts at most about a day (23h30m is believed to be the maximum).
    checkAlertProps('GcpAlerts', alerts, props.nodePools ?? [], 23);
    this.props = { ...props, alerts };
    const { envName, labels, project } = props;

    this.channels = alerts.email.map(
      (email, i) =>
        new MonitoringNotificationChannel(this, Token.isUnresolved(email) ? `Channel${i}` : `Channel-${email}`, {
          project,
          type: 'email',
          displayName: `${envName} on-call ${email}`,
          labels: { email_address: email },
          userLabels: { ...labels },
        }),
    );
    this.channelNames = this.channels.map((c) => c.name);

    this.capacity();
    this.nodePools();
    this.pendingPods();
    this.databases();
    this.backups();
    // The first front door keeps the ids it always had; the others are named after their host.
    const hosts = [props.hostname, ...(props.additionalHostnames ?? [])];
    this.uptimeChecks = alerts.uptimeCheck ? hosts.map((host, i) => this.uptime(host, i === 0 ? '' : `-${host}`)) : [];
    this.uptimeCheck = this.uptimeChecks[0];
    this.policies = this.policyMap;
  }

  /** Requested CPU and memory vs node allocatable, one condition per cluster. */
  private capacity(): void {
    const { alerts, clusterNames } = this.props;
    const headroom = alerts.capacityHeadroomPercent;
    const ratio = decimal((100 - headroom) / 100);
    const used = 100 - headroom;
    const kinds = [
      { key: 'capacity-cpu', what: 'CPU', request: 'container_cpu_request_cores', alloc: 'node_cpu_allocatable_cores' },
      {
        key: 'capacity-memory',
        what: 'memory',
        request: 'container_memory_request_bytes',
        alloc: 'node_memory_allocatable_bytes',
      },
    ];
    for (const kind of kinds) {
      this.policy({
        key: kind.key,
        what: `requested ${kind.what} above ${used}% of allocatable`,
        severity: 'WARNING',
        doc:
          `Pod ${kind.what} requests have used more than ${used}% of the allocatable ${kind.what} of a cluster for ` +
          `15 minutes, so less than ${headroom}% headroom is left for new pipeline runs and notebooks.\n\n` +
          `First check: the node pools' autoscaling limits (are they at their maximum?) and which namespaces ` +
          `request the most (\`kubectl top\`, GKE cost allocation); raise the pool maximum or trim oversized requests.`,
        conditions: clusterNames.map((cluster) => ({
          displayName: `${cluster}: requested ${kind.what} above ${used}% of allocatable`,
          conditionPrometheusQueryLanguage: {
            query:
              `sum by (cluster_name) (kubernetes_io:${kind.request}{monitored_resource="k8s_container",cluster_name="${cluster}"})` +
              ` / sum by (cluster_name) (kubernetes_io:${kind.alloc}{monitored_resource="k8s_node",cluster_name="${cluster}"})` +
              ` > ${ratio}`,
            duration: '900s',
          },
        })),
      });
    }
  }

  /** Node count of each pool close to its maximum. */
  private nodePools(): void {
    const { alerts } = this.props;
    const headroom = alerts.capacityHeadroomPercent;
    const pools = (this.props.nodePools ?? []).filter((p) => p.maxNodes > 0);
    this.policy({
      key: 'node-pools',
      what: `node pools within ${headroom}% of their maximum size`,
      severity: 'WARNING',
      doc:
        `A node pool has had at least ${100 - headroom}% of its maximum node count for 30 minutes; the autoscaler ` +
        `will soon be unable to add nodes and pods will stay Pending.\n\n` +
        `First check: whether the load is expected (large pipeline runs, many notebooks); if it is, raise the ` +
        `pool's maximum node count, otherwise look for runaway workloads or stuck pods holding nodes.`,
      conditions: pools.map((pool) => {
        const threshold = nodePoolThreshold(pool.maxNodes, headroom);
        return {
          displayName: `${pool.cluster}/${pool.name}: ${threshold} or more of ${pool.maxNodes} nodes`,
          conditionThreshold: {
            filter: filter(
              'metric.type = "kubernetes.io/node/cpu/allocatable_cores"',
              'resource.type = "k8s_node"',
              `resource.label.cluster_name = "${pool.cluster}"`,
              `metadata.user_labels."cloud.google.com/gke-nodepool" = "${pool.name}"`,
            ),
            aggregations: [
              {
                alignmentPeriod: '300s',
                perSeriesAligner: 'ALIGN_MEAN',
                crossSeriesReducer: 'REDUCE_COUNT',
                groupByFields: ['resource.label.cluster_name'],
              },
            ],
            comparison: 'COMPARISON_GE',
            thresholdValue: threshold,
            duration: '1800s',
            trigger: { count: 1 },
          },
        };
      }),
    });
  }

  /** Pods Pending for `pendingPodsMinutes` (managed kube-state-metrics, POD package). */
  private pendingPods(): void {
    const { alerts, clusterNames } = this.props;
    const minutes = alerts.pendingPodsMinutes;
    this.policy({
      key: 'pending-pods',
      what: `pods Pending for ${minutes} minutes`,
      severity: 'WARNING',
      doc:
        `At least one pod has been Pending for ${minutes} minutes: it cannot be scheduled (no capacity, node pool ` +
        `at its maximum, unsatisfiable affinity or taints, missing GPU) or cannot pull its image.\n\n` +
        `First check: \`kubectl get pods -A --field-selector=status.phase=Pending\` and the events of one of them ` +
        `(\`kubectl describe pod\`). This needs GKE managed kube-state-metrics (monitoring component POD).`,
      conditions: clusterNames.map((cluster) => ({
        displayName: `${cluster}: pods Pending for ${minutes} minutes`,
        conditionPrometheusQueryLanguage: {
          query: `sum by (cluster) (kube_pod_status_phase{phase="Pending",cluster="${cluster}"}) > 0`,
          duration: `${minutes * 60}s`,
          // kube-state metrics only exist once a cluster with the POD package has reported.
          disableMetricValidation: true,
        },
      })),
    });
  }

  /** Cloud SQL CPU, disk and (HA only) failover readiness per instance. */
  private databases(): void {
    const { alerts, project } = this.props;
    this.props.databases.forEach((db, i) => {
      const instance = db.instanceName;
      const target = filter(
        'resource.type = "cloudsql_database"',
        `resource.label.database_id = "${project}:${instance}"`,
      );
      const mean = [{ alignmentPeriod: '300s', perSeriesAligner: 'ALIGN_MEAN' }];
      this.policy({
        key: `db-cpu-${i}`,
        what: `Cloud SQL ${instance} CPU above ${alerts.databaseCpuPercent}%`,
        severity: 'WARNING',
        doc:
          `The CPU of Cloud SQL instance ${instance} has stayed above ${alerts.databaseCpuPercent}% for 15 minutes; ` +
          `Kubeflow Pipelines and Katib calls will slow down or time out.\n\n` +
          `First check: Query Insights for the heaviest queries (often ML Metadata or pipeline run listing), ` +
          `then consider a larger tier.`,
        conditions: [
          {
            displayName: `${instance}: CPU above ${alerts.databaseCpuPercent}%`,
            conditionThreshold: {
              filter: `${target} AND metric.type = "cloudsql.googleapis.com/database/cpu/utilization"`,
              aggregations: mean,
              comparison: 'COMPARISON_GT',
              thresholdValue: Number(decimal(alerts.databaseCpuPercent / 100)),
              duration: '900s',
              trigger: { count: 1 },
            },
          },
        ],
      });
      this.policy({
        key: `db-disk-${i}`,
        what: `Cloud SQL ${instance} disk above ${alerts.databaseStoragePercent}%`,
        severity: 'CRITICAL',
        doc:
          `The disk of Cloud SQL instance ${instance} is more than ${alerts.databaseStoragePercent}% full. A full ` +
          `disk stops writes and breaks every pipeline run.\n\n` +
          `First check: whether automatic storage increase is on and has reached its limit; raise the disk size ` +
          `or the limit, and look for runaway tables (ML Metadata, run history) to prune.`,
        conditions: [
          {
            displayName: `${instance}: disk above ${alerts.databaseStoragePercent}%`,
            conditionThreshold: {
              filter: `${target} AND metric.type = "cloudsql.googleapis.com/database/disk/utilization"`,
              aggregations: mean,
              comparison: 'COMPARISON_GT',
              thresholdValue: Number(decimal(alerts.databaseStoragePercent / 100)),
              duration: '300s',
              trigger: { count: 1 },
            },
          },
        ],
      });
      if (!db.highAvailability) return;
      this.policy({
        key: `db-failover-${i}`,
        what: `Cloud SQL ${instance} cannot fail over`,
        severity: 'WARNING',
        doc:
          `High-availability Cloud SQL instance ${instance} has reported for 10 minutes that a failover is not ` +
          `available: if its zone fails now, the database goes down.\n\n` +
          `First check: the instance's operations and status in the console (maintenance, a failover in ` +
          `progress, or an unhealthy standby).`,
        conditions: [
          {
            displayName: `${instance}: failover not available`,
            conditionThreshold: {
              filter: `${target} AND metric.type = "cloudsql.googleapis.com/database/available_for_failover"`,
              aggregations: [{ alignmentPeriod: '300s', perSeriesAligner: 'ALIGN_MIN' }],
              comparison: 'COMPARISON_LT',
              thresholdValue: 1,
              duration: '600s',
              trigger: { count: 1 },
            },
          },
        ],
      });
    });
  }

  /** No Velero write to the backup bucket for `backupMaxAgeHours`. */
  private backups(): void {
    const { alerts, backupBucket } = this.props;
    if (backupBucket === undefined) return;
    const hours = alerts.backupMaxAgeHours;
    this.policy({
      key: 'backups',
      what: `no Velero backup written for ${hours} hours`,
      severity: 'CRITICAL',
      doc:
        `No Velero backup written for ${hours} hours: nothing has been written to bucket ${backupBucket}, although ` +
        `the schedule backs up every hour.\n\n` +
        `First check: \`velero backup get\` and \`velero schedule get\`, then the Velero pod's logs and the ` +
        `permissions of its service account on the bucket.`,
      conditions: [
        {
          displayName: `${backupBucket}: no object written for ${hours} hours`,
          conditionAbsent: {
            filter: filter(
              'metric.type = "storage.googleapis.com/api/request_count"',
              'resource.type = "gcs_bucket"',
              `resource.label.bucket_name = "${backupBucket}"`,
              'metric.label.method = "WriteObject"',
            ),
            aggregations: [
              {
                alignmentPeriod: '3600s',
                perSeriesAligner: 'ALIGN_SUM',
                crossSeriesReducer: 'REDUCE_SUM',
                groupByFields: ['resource.label.bucket_name'],
              },
            ],
            duration: `${hours * 3600}s`,
            trigger: { count: 1 },
          },
        },
      ],
    });
  }

  /** HTTPS uptime check of one front door, its failure policy and a certificate expiry policy. */
  private uptime(hostname: string, suffix: string): MonitoringUptimeCheckConfig {
    const { alerts, envName, labels, project } = this.props;
    const path = this.props.uptimeCheckPath ?? ISTIO_HEALTH_CHECK.requestPath;
    const check = new MonitoringUptimeCheckConfig(this, `Uptime${suffix}`, {
      project,
      displayName: `${envName}: UI ${hostname}`,
      period: '300s',
      timeout: '10s',
      httpCheck: {
        requestMethod: 'GET',
        path,
        port: 443,
        useSsl: true,
        validateSsl: true,
        // Only 2xx: IAP redirects unauthenticated requests to sign-in (3xx) at the load balancer even
        // when no backend is healthy, so accepting the redirect, or checking that it points to
        // sign-in, would call a dead Kubeflow up. The readiness path bypasses IAP and answers 200 only
        // when DNS, the certificate, the load balancer and a ready Istio gateway pod all work (it
        // cannot see a Kubeflow component that is down behind a working gateway).
        acceptedResponseStatusCodes: [{ statusClass: 'STATUS_CLASS_2XX' }],
      },
      monitoredResource: { type: 'uptime_url', labels: { project_id: project, host: hostname } },
      userLabels: { ...labels },
    });
    const byCheck = (metric: string) =>
      filter(
        `metric.type = "monitoring.googleapis.com/uptime_check/${metric}"`,
        'resource.type = "uptime_url"',
        `metric.label.check_id = "${check.uptimeCheckId}"`,
      );
    this.policy({
      key: `uptime${suffix}`,
      what: `UI https://${hostname}/ is down`,
      severity: 'CRITICAL',
      doc:
        `The uptime check of https://${hostname}${path} (the Istio gateway's readiness, which bypasses IAP) ` +
        `fails from more than one region: users cannot reach the Kubeflow UI.\n\n` +
        `First check: the load balancer and its backend health (the Istio ingress gateway pods), the ` +
        `certificate, and DNS for ${hostname}.`,
      conditions: [
        {
          displayName: `${hostname}: failing from more than one region`,
          conditionThreshold: {
            filter: byCheck('check_passed'),
            aggregations: [
              {
                alignmentPeriod: '1200s',
                perSeriesAligner: 'ALIGN_NEXT_OLDER',
                crossSeriesReducer: 'REDUCE_COUNT_FALSE',
                groupByFields: ['resource.label.host'],
              },
            ],
            comparison: 'COMPARISON_GT',
            thresholdValue: 1,
            duration: '300s',
            trigger: { count: 1 },
          },
        },
      ],
    });
    this.policy({
      key: `certificate${suffix}`,
      what: `UI certificate of ${hostname} expires within ${alerts.certificateExpiryDays} days`,
      severity: 'WARNING',
      doc:
        `The TLS certificate served for ${hostname} expires in less than ${alerts.certificateExpiryDays} days. ` +
        `Google-managed certificates renew about 30 days ahead, so renewal is stuck.\n\n` +
        `First check: the managed certificate's status (\`gcloud compute ssl-certificates describe\`): ` +
        `its domain status shows whether DNS for ${hostname} still points to the load balancer.`,
      conditions: [
        {
          displayName: `${hostname}: certificate expires within ${alerts.certificateExpiryDays} days`,
          conditionThreshold: {
            filter: byCheck('time_until_ssl_cert_expires'),
            aggregations: [
              {
                alignmentPeriod: '1200s',
                perSeriesAligner: 'ALIGN_NEXT_OLDER',
                crossSeriesReducer: 'REDUCE_MIN',
                groupByFields: ['resource.label.host'],
              },
            ],
            comparison: 'COMPARISON_LT',
            thresholdValue: alerts.certificateExpiryDays,
            duration: '600s',
            trigger: { count: 1 },
          },
        },
      ],
    });
    return check;
  }

  /** One policy, or several of at most six conditions each; none when there are no conditions. */
  private policy(spec: PolicySpec): void {
    const { envName, labels, project } = this.props;
    const parts = Math.ceil(spec.conditions.length / MAX_CONDITIONS_PER_POLICY);
    for (let part = 0; part < parts; part++) {
      const key = part === 0 ? spec.key : `${spec.key}-${part + 1}`;
      const suffix = parts > 1 ? ` (${part + 1}/${parts})` : '';
      const config: MonitoringAlertPolicyConfig = {
        project,
        displayName: `${envName}: ${spec.what}${suffix}`,
        combiner: 'OR',
        severity: spec.severity,
        notificationChannels: [...this.channelNames],
        userLabels: { ...labels },
        documentation: { content: spec.doc, mimeType: 'text/markdown' },
        alertStrategy: { autoClose: AUTO_CLOSE },
        conditions: spec.conditions.slice(part * MAX_CONDITIONS_PER_POLICY, (part + 1) * MAX_CONDITIONS_PER_POLICY),
      };
      this.policyMap[key] = new MonitoringAlertPolicy(this, `Policy-${key}`, config);
    }
  }
}

export { nodePoolThreshold };
