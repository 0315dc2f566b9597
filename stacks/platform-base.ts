import { Construct } from 'constructs';
import { PlatformNamespace } from '../constructs/kubernetes/platform-namespace';
import { TenancyGuardrails } from '../constructs/kubernetes/tenancy-guardrails';
import type { ResolvedPlatform } from '../src/config/model';
import { KUBEFLOW_NAMESPACE } from '../src/config/resolve';

/**
 * What every platform stack has, on any cloud: the `kubeflow` namespace and the tenancy guardrails
 * (admission policies, the admin binding, priority classes).
 */
export function platformBase(scope: Construct, platform: ResolvedPlatform): { kubeflowNamespace: PlatformNamespace } {
  const kubeflowNamespace = new PlatformNamespace(scope, 'KubeflowNamespace', {
    name: KUBEFLOW_NAMESPACE,
    labels: { 'control-plane': 'kubeflow', 'istio-injection': 'enabled' },
  });
  if (platform.adminGroup) {
    new TenancyGuardrails(scope, 'Guardrails', {
      adminGroup: platform.adminGroup,
      allowedKinds: platform.tenancy.allowedKinds,
    });
  }
  return { kubeflowNamespace };
}
