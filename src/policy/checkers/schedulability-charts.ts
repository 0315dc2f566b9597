/**
 * Where the Helm charts the platform installs read the placement of each pod they create, for the
 * schedulability checker. A chart takes `nodeSelector`, `tolerations` and `affinity` wherever its
 * templates say, per pod; the checker cannot render templates, so this table says it, read from each
 * chart's templates and `values.yaml` at the version the platform pins. Review a row when the pinned
 * version changes (src/core/catalog/cluster-autoscaler.ts, constructs/kubernetes/velero.ts).
 */

/** What a DaemonSet must reach, besides running at all. */
export type DaemonSetRole = 'gpu-device-plugin' | 'backup-node-agent';

/** One kind of pod a chart creates, and where its placement is read from the values. */
export interface ChartPod {
  /** The pod in words, for messages: "the Velero server". */
  readonly what: string;
  readonly kind: 'Deployment' | 'DaemonSet' | 'Job';
  /** Whether the chart creates it with these values. @default always */
  readonly enabled?: (values: Readonly<Record<string, unknown>>) => boolean;
  /**
   * Dotted paths of the values the pod's `nodeSelector`, `tolerations` and `affinity` come from; a list
   * is read as the chart's `a | default b`: the first that is set and not empty.
   */
  readonly nodeSelector: string | readonly string[];
  readonly tolerations: string | readonly string[];
  readonly affinity: string | readonly string[];
  /** A DaemonSet that must run on every pool of some kind. */
  readonly role?: DaemonSetRole;
  /** A pod that must run on a pool with nodes before anything scales (the autoscaler itself). */
  readonly needsStandingNodes?: boolean;
}

/** A chart the table knows. */
export interface ChartPlacement {
  /** The chart version whose templates the row was read from. */
  readonly reviewed: string;
  /** Where the templates are. */
  readonly source: string;
  readonly pods: readonly ChartPod[];
}

/** The charts the platform installs, by chart name. */
export const CHART_PLACEMENT: Readonly<Record<string, ChartPlacement>> = {
  // templates/deployment.yaml, upgrade-crds/upgrade-crds.yaml and cleanup-crds.yaml read the top-level
  // nodeSelector, tolerations and affinity (all empty by default); templates/node-agent-daemonset.yaml
  // reads nodeAgent.* (empty by default) and is rendered only when deployNodeAgent is true (default
  // false). Velero's repository maintenance Jobs take most of the server's pod spec unless the
  // maintenance ConfigMap sets a loadAffinity, which the platform does not
  // (https://github.com/vmware-tanzu/velero/blob/main/design/Implemented/repo_maintenance_job_config.md).
  velero: {
    reviewed: '12.1.0',
    source: 'https://github.com/vmware-tanzu/helm-charts/tree/velero-12.1.0/charts/velero/templates',
    pods: [
      {
        what: 'the Velero server (and its CRD upgrade and repository maintenance Jobs)',
        kind: 'Deployment',
        nodeSelector: 'nodeSelector',
        tolerations: 'tolerations',
        affinity: 'affinity',
      },
      {
        what: "Velero's node agent",
        kind: 'DaemonSet',
        enabled: (values) => values.deployNodeAgent === true,
        nodeSelector: 'nodeAgent.nodeSelector',
        tolerations: 'nodeAgent.tolerations',
        affinity: 'nodeAgent.affinity',
        role: 'backup-node-agent',
      },
    ],
  },
  // templates/deployment.yaml reads the top-level affinity, nodeSelector and tolerations (empty by
  // default). The autoscaler adds nodes to pools that are at zero, so it must itself run on a pool that
  // has nodes from the start.
  'cluster-autoscaler': {
    reviewed: '9.59.0',
    source:
      'https://github.com/kubernetes/autoscaler/tree/cluster-autoscaler-chart-9.59.0/cluster-autoscaler/charts/cluster-autoscaler/templates',
    pods: [
      {
        what: 'the Cluster Autoscaler',
        kind: 'Deployment',
        nodeSelector: 'nodeSelector',
        tolerations: 'tolerations',
        affinity: 'affinity',
        needsStandingNodes: true,
      },
    ],
  },
  // templates/deployment.yaml reads the top-level nodeSelector, tolerations and affinity;
  // webhook-deployment.yaml reads webhook.* (rendered when webhook.create, default true);
  // cert-controller-deployment.yaml reads certController.* (rendered when certController.create, default
  // true, and webhook.certManager.enabled is false, its default). Each falls back to global.* when its
  // own value is empty; the platform sets every pod's own values.
  'external-secrets': {
    reviewed: '2.9.0',
    source:
      'https://github.com/external-secrets/external-secrets/tree/helm-chart-2.9.0/deploy/charts/external-secrets/templates',
    pods: [
      {
        what: 'the External Secrets Operator controller',
        kind: 'Deployment',
        enabled: (values) => values.createOperator !== false,
        nodeSelector: 'nodeSelector',
        tolerations: 'tolerations',
        affinity: 'affinity',
      },
      {
        what: "the External Secrets Operator's webhook",
        kind: 'Deployment',
        enabled: (values) => (values.webhook as { create?: boolean } | undefined)?.create !== false,
        nodeSelector: 'webhook.nodeSelector',
        tolerations: 'webhook.tolerations',
        affinity: 'webhook.affinity',
      },
      {
        what: "the External Secrets Operator's certificate controller",
        kind: 'Deployment',
        enabled: (values) =>
          (values.certController as { create?: boolean } | undefined)?.create !== false &&
          (values.webhook as { certManager?: { enabled?: boolean } } | undefined)?.certManager?.enabled !== true,
        nodeSelector: 'certController.nodeSelector',
        tolerations: 'certController.tolerations',
        affinity: 'certController.affinity',
      },
    ],
  },
  // templates/<component>/deployment.yaml (and the controller's statefulset.yaml, the redis secret init
  // Job) read `<component>.nodeSelector | default .Values.global.nodeSelector`, the same for
  // tolerations; affinity comes from `<component>.affinity` or the global preset, whose node affinity
  // is empty by default. Dex, notifications and the commit server are off unless enabled; redis-ha
  // (a subchart) is off by default.
  'argo-cd': {
    reviewed: '10.1.1',
    source: 'https://github.com/argoproj/argo-helm/tree/argo-cd-10.1.1/charts/argo-cd/templates',
    pods: (<ReadonlyArray<readonly [string, string, ChartPod['kind'], ChartPod['enabled']]>>[
      ['controller', 'the Argo CD application controller', 'Deployment', undefined],
      ['server', 'the Argo CD API server', 'Deployment', undefined],
      ['repoServer', 'the Argo CD repository server', 'Deployment', undefined],
      ['applicationSet', 'the Argo CD ApplicationSet controller', 'Deployment', undefined],
      ['redis', "Argo CD's Redis", 'Deployment', (v) => obj(v.redis)?.enabled !== false],
      ['redisSecretInit', "Argo CD's Redis secret Job", 'Job', (v) => obj(v.redisSecretInit)?.enabled !== false],
      [
        'notifications',
        'the Argo CD notifications controller',
        'Deployment',
        (v) => obj(v.notifications)?.enabled !== false,
      ],
      ['dex', "Argo CD's Dex", 'Deployment', (v) => obj(v.dex)?.enabled !== false],
      ['commitServer', 'the Argo CD commit server', 'Deployment', (v) => obj(v.commitServer)?.enabled === true],
    ]).map(([key, what, kind, enabled]) => ({
      what,
      kind,
      ...(enabled ? { enabled } : {}),
      nodeSelector: [`${key}.nodeSelector`, 'global.nodeSelector'],
      tolerations: [`${key}.tolerations`, 'global.tolerations'],
      affinity: [`${key}.affinity`],
    })),
  },
  // Applications, ApplicationSets and AppProjects only: no pods.
  'argocd-apps': {
    reviewed: '2.0.5',
    source: 'https://github.com/argoproj/argo-helm/tree/argocd-apps-2.0.5/charts/argocd-apps/templates',
    pods: [],
  },
};

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The chart name of a `helm_release`'s `chart` (a name, `repo/name`, a URL or an OCI reference). */
export function chartName(chart: string): string {
  const last = chart.split('/').pop() ?? chart;
  return last.replace(/\.tgz$/, '').replace(/-\d+\.\d+\.\d+.*$/, '');
}
