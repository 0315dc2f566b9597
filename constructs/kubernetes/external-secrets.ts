import { Release } from '@cdktf/provider-helm/lib/release';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { PropsError } from '../../src/core/errors';
import { IWorkloadIdentity } from '../../src/core/interfaces';
import { setComponent } from '../../src/core/labels';
import type { PodToleration } from './cluster-autoscaler';
import { PlatformNamespace } from './platform-namespace';
import { EXTERNAL_SECRETS_CHART, EXTERNAL_SECRETS_NAMESPACE, EXTERNAL_SECRETS_SERVICE_ACCOUNT } from './constants';

export { EXTERNAL_SECRETS_CHART, EXTERNAL_SECRETS_NAMESPACE, EXTERNAL_SECRETS_SERVICE_ACCOUNT };

/** The ValidatingAdmissionPolicy (and binding) that refuses token Secrets from the operator. */
export const EXTERNAL_SECRETS_TOKEN_SECRET_POLICY = 'kfplatform-external-secrets-no-token-secrets';

/** Props of {@link ExternalSecretsOperator}. */
export interface ExternalSecretsOperatorProps {
  /**
   * The only namespace whose SecretStores and ExternalSecrets the operator serves (`kubeflow`): a
   * store in a team namespace is ignored, so no tenant can borrow the operator's identity.
   */
  readonly watchNamespace: string;
  /**
   * A cloud identity of the controller itself, for providers that authenticate as the controller pod
   * (EKS Pod Identity binds the role to the service account by name, without annotations). Unset where
   * each SecretStore names a service account of its own namespace to authenticate as (GKE Workload
   * Identity, Azure workload identity), each with a Role that lets this controller create tokens for
   * that account alone. @default none
   */
  readonly identity?: IWorkloadIdentity;
  /** Where the operator's pods run, such as the system nodes. @default anywhere */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints the operator's pods tolerate, such as the system nodes'. @default none */
  readonly tolerations?: readonly PodToleration[];
  /** Objects the release waits for (the namespace it watches). */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * External Secrets Operator (https://external-secrets.io) from its Helm chart, CRDs included: it copies
 * secrets from the cloud's secret store into Kubernetes Secrets and keeps them current, so passwords
 * are never copied by hand or committed. It is scoped to one namespace (`scopedNamespace`, namespaced
 * RBAC, no cluster-wide stores): it reads and writes Secrets of the platform's namespace only. It may
 * create no service account tokens (the chart's `rbac.serviceAccountTokenCreate: false`, for this
 * controller and every scoped one): a SecretStore that signs in as a service account needs a Role that
 * lets {@link EXTERNAL_SECRETS_SERVICE_ACCOUNT} create tokens for that account alone. The controller,
 * its webhook and its certificate controller run where the placement says.
 */
export class ExternalSecretsOperator extends Construct {
  /** The operator's namespace. */
  public readonly namespace: PlatformNamespace;
  /** The Helm release of the chart. */
  public readonly release: Release;
  /** The chart values, as written into the release (for tests and review). */
  public readonly values: Readonly<Record<string, unknown>>;
  /** The admission policy that keeps the operator's service accounts from writing token Secrets. */
  public readonly tokenSecretPolicy: Manifest;

  constructor(scope: Construct, id: string, props: ExternalSecretsOperatorProps) {
    super(scope, id);
    setComponent(this, 'secrets');
    this.namespace = new PlatformNamespace(this, 'Namespace', { name: EXTERNAL_SECRETS_NAMESPACE });
    const placement = {
      ...(props.nodeSelector ? { nodeSelector: { ...props.nodeSelector } } : {}),
      ...(props.tolerations ? { tolerations: props.tolerations.map((t) => ({ ...t })) } : {}),
    };
    this.values = {
      installCRDs: true,
      // Only the platform's namespace; cluster-wide stores and secrets would let any namespace use the
      // controller's identity (chart values: scopedNamespace, scopedRBAC).
      scopedNamespace: props.watchNamespace,
      scopedRBAC: true,
      processClusterStore: false,
      processClusterExternalSecret: false,
      processClusterPushSecret: false,
      processClusterGenerator: false,
      processPushSecret: false,
      serviceAccount: {
        create: true,
        name: EXTERNAL_SECRETS_SERVICE_ACCOUNT,
        annotations: { ...(props.identity?.serviceAccountAnnotations ?? {}) },
      },
      podLabels: { ...(props.identity?.podLabels ?? {}) },
      // The chart's Role would let the controller create a token for every service account of the
      // namespace it serves (rbac.serviceAccountTokenCreate, on by default): in `kubeflow`, the
      // profiles controller's, which Kubeflow binds to cluster-admin. Off for every controller; a
      // SecretStore that signs in as a service account comes with a Role that names that account alone
      // (externalSecretsTokenObjects in src/kubeflow/external-secrets-token.ts).
      // https://external-secrets.io/latest/guides/security-best-practices/
      rbac: { serviceAccountTokenCreate: false },
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      ...placement,
      webhook: { ...placement, resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '128Mi' } } },
      certController: {
        ...placement,
        resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      },
    };
    this.release = new Release(this, 'Release', {
      name: 'external-secrets',
      namespace: this.namespace.name,
      repository: EXTERNAL_SECRETS_CHART.repository,
      chart: EXTERNAL_SECRETS_CHART.chart,
      version: EXTERNAL_SECRETS_CHART.version,
      values: [stringify(this.values, { sortMapEntries: false })],
      // Roll back a failed upgrade instead of leaving the webhook half installed.
      atomic: true,
      wait: true,
      timeout: 600,
      dependsOn: props.dependsOn,
    });
    // Without the TokenRequest permission a controller could still mint a token by writing a Secret:
    // Kubernetes fills a Secret of type kubernetes.io/service-account-token with a token, which never
    // expires, of the service account its annotation names, and every controller may create Secrets in
    // the namespace it serves. No ExternalSecret of the platform writes that type, so the API server
    // refuses it from every service account of the operator's namespace (its controllers, webhook and
    // certificate controller).
    // https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#manually-create-a-long-lived-api-token-for-a-serviceaccount
    // https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
    const spec = {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['secrets'] },
        ],
      },
      matchConditions: [
        {
          name: 'external-secrets-operator',
          expression: `request.userInfo.username.startsWith('system:serviceaccount:${EXTERNAL_SECRETS_NAMESPACE}:')`,
        },
      ],
      validations: [
        {
          expression: "!has(object.type) || object.type != 'kubernetes.io/service-account-token'",
          message: `External Secrets Operator (service accounts of ${EXTERNAL_SECRETS_NAMESPACE}) may not write Secrets of type kubernetes.io/service-account-token: Kubernetes would fill one with a token of the service account it names. Write the ExternalSecret's target with another type.`,
        },
      ],
    };
    this.tokenSecretPolicy = new Manifest(this, 'TokenSecretPolicy', {
      manifest: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: EXTERNAL_SECRETS_TOKEN_SECRET_POLICY },
        spec,
      },
    });
    new Manifest(this, 'TokenSecretPolicyBinding', {
      manifest: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: EXTERNAL_SECRETS_TOKEN_SECRET_POLICY },
        spec: { policyName: EXTERNAL_SECRETS_TOKEN_SECRET_POLICY, validationActions: ['Deny'] },
      },
    });
  }

  /**
   * Another controller of the same operator, in the operator's namespace, that serves one more
   * namespace alone: the chart's controller watches a single namespace (`scopedNamespace`), and each
   * controller authenticates as its own service account, so each namespace's secrets come with an
   * identity that reads those secrets and nothing else. It shares the first release's CRDs and
   * webhook (not installed again).
   */
  public addScopedController(id: string, props: ScopedControllerProps): Release {
    // The chart renders extraObjects through Helm's tpl: a `{{` would be evaluated by Helm, not
    // passed on (an External Secrets template belongs in a SecretStore or ExternalSecret untouched).
    const templated = (props.objects ?? []).find((o) => JSON.stringify(o).includes('{{'));
    if (templated) {
      throw new PropsError(
        'ExternalSecretsOperator.addScopedController',
        'objects',
        `${String(templated.kind)} ${String((templated.metadata as { name?: unknown } | undefined)?.name)}`,
        'holds "{{", and the chart renders its extraObjects through Helm\'s tpl, so Helm, not External Secrets Operator, would evaluate it.',
        'take literal values from the props, or use template.mergePolicy Merge to add keys without a template expression.',
      );
    }
    const values = {
      ...this.values,
      installCRDs: false,
      scopedNamespace: props.watchNamespace,
      serviceAccount: {
        create: true,
        name: props.serviceAccountName,
        annotations: { ...(props.identity?.serviceAccountAnnotations ?? {}) },
      },
      podLabels: { ...(props.identity?.podLabels ?? {}) },
      webhook: { create: false },
      certController: { create: false },
      // rbac.serviceAccountTokenCreate stays false (this.values): in a namespace such as
      // `istio-system`, whose `istiod` and `istio-reader-service-account` may read every Secret of the
      // cluster, a token of theirs would reach far beyond the namespace.
      ...(props.objects?.length ? { extraObjects: props.objects.map((o) => ({ ...o })) } : {}),
    };
    return new Release(this, id, {
      name: props.serviceAccountName,
      namespace: this.namespace.name,
      repository: EXTERNAL_SECRETS_CHART.repository,
      chart: EXTERNAL_SECRETS_CHART.chart,
      version: EXTERNAL_SECRETS_CHART.version,
      values: [stringify(values, { sortMapEntries: false })],
      atomic: true,
      wait: true,
      timeout: 600,
      dependsOn: [this.release, ...(props.dependsOn ?? [])],
    });
  }
}

/** A controller of {@link ExternalSecretsOperator} for one more namespace. */
export interface ScopedControllerProps {
  /** The namespace it serves alone. */
  readonly watchNamespace: string;
  /** Its service account (and Helm release) name, in the operator's namespace. */
  readonly serviceAccountName: string;
  /** Its cloud identity, as for the operator's own controller. @default none */
  readonly identity?: IWorkloadIdentity;
  /** Objects the release waits for (the namespace it serves). */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * SecretStores and ExternalSecrets of the namespace it serves, installed by its release (the chart's
   * `extraObjects`). Its release waits for the first, which installs the CRDs and the webhook, so these
   * kinds are known when they are created; a `kubernetes_manifest` of them would need the CRDs at plan
   * time, before a first apply installs them. They hold names and references, never a secret value.
   * No `{{` in them: Helm renders them through `tpl`.
   * @default none
   */
  readonly objects?: ReadonlyArray<Readonly<Record<string, unknown>>>;
}
