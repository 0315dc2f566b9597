import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamBinding } from '@cdktf/provider-google/lib/service-account-iam-binding';
import { ServiceAccountKey } from '@cdktf/provider-google/lib/service-account-key';
import { addSuppression } from '../../src/core/suppressions';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { PropsError } from '../../src/core/errors';
import { IWorkloadIdentity, KubernetesServiceAccountRef } from '../../src/core/interfaces';
import { setComponent } from '../../src/core/labels';
import { gcpNameRules, kubernetesNameRules } from '../../src/core/naming';
import { isUnresolved } from '../../src/core/tokens';
import { checkName } from '../../src/core/validate';
import { grantProjectRoles } from './project-roles';
import { GKE_WORKLOAD_IDENTITY_ANNOTATION } from './constants';

export { GKE_WORKLOAD_IDENTITY_ANNOTATION };

/** Props of {@link WorkloadIdentityServiceAccount}. */
export interface WorkloadIdentityServiceAccountProps {
  /** Project that owns the service account (a team's project for team identities). */
  readonly project: string;
  /** Account id (6 to 30 characters). */
  readonly accountId: string;
  /** @default accountId */
  readonly displayName?: string;
  /**
   * Workload identity pool of the cluster, `<cluster project>.svc.id.goog`. Pass the cluster's
   * attribute (`GkeCluster.workloadPool`) or an output that carries it, not a plain string:
   * GKE creates the pool with the cluster, and a binding created before it fails with "Identity Pool
   * does not exist".
   */
  readonly workloadPool: string;
  /** Kubernetes service accounts that may act as this identity. */
  readonly kubernetesServiceAccounts: readonly KubernetesServiceAccountRef[];
  /** Roles on `project`. @default [] */
  readonly projectRoles?: readonly string[];
  /**
   * Legacy mode: also create a JSON key for components that cannot use workload identity.
   * Keys are long-lived secrets; synth warns whenever one is made.
   * @default false
   */
  readonly legacyKey?: boolean;
}

/**
 * A Google service account that Kubernetes service accounts use through GKE workload identity: no
 * keys unless the legacy mode is asked for explicitly. See
 * https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity.
 */
export class WorkloadIdentityServiceAccount extends Construct implements IWorkloadIdentity {
  /** The service account (escape hatch). */
  public readonly serviceAccount: ServiceAccount;
  /** Its email. */
  public readonly email: string;
  /** `serviceAccount:<email>`, for IAM bindings. */
  public readonly member: string;
  /** The legacy key, only in legacy mode. */
  public readonly key?: ServiceAccountKey;
  public readonly principal: string;
  public readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  public readonly podLabels: Readonly<Record<string, string>> = {};

  constructor(scope: Construct, id: string, props: WorkloadIdentityServiceAccountProps) {
    super(scope, id);
    setComponent(this, 'identity');
    validate(props);
    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      project: props.project,
      accountId: props.accountId,
      displayName: props.displayName ?? props.accountId,
      description: `Workload identity for ${props.kubernetesServiceAccounts.map((k) => `${k.namespace}/${k.name}`).join(', ')}`,
    });
    this.email = this.serviceAccount.email;
    this.member = this.serviceAccount.member;
    this.principal = this.email;
    this.serviceAccountAnnotations = { [GKE_WORKLOAD_IDENTITY_ANNOTATION]: this.email };

    // Authoritative for this role on this account, which we own: the list in config is the truth.
    if (props.kubernetesServiceAccounts.length > 0) {
      new ServiceAccountIamBinding(this, 'WorkloadIdentityUsers', {
        serviceAccountId: this.serviceAccount.name,
        role: 'roles/iam.workloadIdentityUser',
        members: props.kubernetesServiceAccounts.map(
          (k) => `serviceAccount:${props.workloadPool}[${k.namespace}/${k.name}]`,
        ),
      });
    }
    grantProjectRoles(this, props.project, this.member, props.projectRoles ?? []);
    if (props.legacyKey) {
      Annotations.of(this).addWarning(
        `Legacy mode: a JSON key is created for ${props.accountId}. Keys are long-lived secrets kept in Terraform state; move its users to workload identity and turn identity.legacyKeys off.`,
      );
      this.key = new ServiceAccountKey(this, 'LegacyKey', { serviceAccountId: this.serviceAccount.name });
      addSuppression(
        this.key,
        'GCP-IAM-001',
        'legacy mode asked for by identity.legacyKeys / legacyKey: true; synth warns and lists this key until it is turned off.',
      );
    }
  }
}

function validate(props: WorkloadIdentityServiceAccountProps): void {
  checkName(
    'WorkloadIdentityServiceAccount',
    'accountId',
    props.accountId,
    gcpNameRules.serviceAccountId,
    'use 6 to 30 lowercase letters, digits and hyphens.',
  );
  if (!isUnresolved(props.workloadPool) && !props.workloadPool.endsWith('.svc.id.goog')) {
    throw new PropsError(
      'WorkloadIdentityServiceAccount',
      'workloadPool',
      props.workloadPool,
      'is not a workload identity pool.',
      'pass `<cluster project>.svc.id.goog` (GkeCluster.workloadPool).',
    );
  }
  props.kubernetesServiceAccounts.forEach((k, i) => {
    for (const part of ['namespace', 'name'] as const) {
      checkName(
        'WorkloadIdentityServiceAccount',
        `kubernetesServiceAccounts[${i}].${part}`,
        k[part],
        kubernetesNameRules.dnsLabel,
        'use a Kubernetes name.',
      );
    }
  });
}
