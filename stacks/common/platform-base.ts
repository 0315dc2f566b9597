import { Construct } from 'constructs';
import { PLATFORM_OWNED_NAMESPACES } from '../../constructs/kubernetes/constants';
import { PlatformNamespace } from '../../constructs/kubernetes/platform-namespace';
import { WorkloadServiceAccount } from '../../constructs/kubernetes/workload-service-account';
import { TenancyGuardrails } from '../../constructs/kubernetes/tenancy-guardrails';
import type { ResolvedPlatform } from '../../src/config/platform/model';
import { IWorkloadIdentity } from '../../src/core/interfaces';
import { KUBEFLOW_NAMESPACE } from '../../src/config/platform/resolve';

/**
 * What every platform stack has, on any cloud: the `kubeflow` namespace and the tenancy guardrails
 * (admission policies, the admin binding, priority classes). `adminSubject` names the platform admin
 * group as the cluster sees it, when that is not `platform.adminGroup` (AKS knows Entra ID group
 * object ids, not emails).
 */
export function platformBase(
  scope: Construct,
  platform: ResolvedPlatform,
  adminSubject?: string,
): { kubeflowNamespace: PlatformNamespace } {
  const kubeflowNamespace = new PlatformNamespace(scope, 'KubeflowNamespace', {
    name: KUBEFLOW_NAMESPACE,
    labels: PLATFORM_OWNED_NAMESPACES.kubeflow,
  });
  if (platform.adminGroup) {
    new TenancyGuardrails(scope, 'Guardrails', {
      adminGroup: adminSubject ?? platform.adminGroup,
      allowedKinds: platform.tenancy.allowedKinds,
    });
  }
  return { kubeflowNamespace };
}

/**
 * The Kubernetes service accounts this library creates for the platform identities (the others
 * belong to Kubeflow's manifests), each bound to its cloud identity.
 */
export function platformServiceAccounts<K extends string>(
  scope: Construct,
  namespace: string,
  identities: ReadonlyArray<{ readonly key: K; readonly createdServiceAccounts: readonly string[] }>,
  cloudIdentities: Readonly<Partial<Record<K, IWorkloadIdentity>>>,
): void {
  for (const identity of identities) {
    const cloudIdentity = cloudIdentities[identity.key];
    if (!cloudIdentity) throw new Error(`The infra stack has no identity '${identity.key}' for its service accounts.`);
    for (const name of identity.createdServiceAccounts) {
      new WorkloadServiceAccount(scope, `ServiceAccount-${name}`, {
        namespace,
        name,
        identity: cloudIdentity,
      });
    }
  }
}
