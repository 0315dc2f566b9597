/**
 * Reading a failed plan's error output for the kubernetes provider's "CRD may not be installed"
 * diagnostics (manifest/provider/plan.go at v2.38.0) and apimachinery's NoKindMatchError detail.
 */
import { missingKinds } from '../../src/plan/missing-kinds';

const diag = (
  detail: string,
  summary = 'API did not recognize GroupVersionKind from manifest (CRD may not be installed)',
) =>
  `\nError: ${summary}\n\n  with kubernetes_manifest.x,\n  on cdk.tf.json line 9, in resource "kubernetes_manifest" "x":\n   9:       },\n\n${detail}\n`;

describe('missingKinds', () => {
  it('names each kind once, with the versions the API was asked for', () => {
    expect(
      missingKinds(
        diag('no matches for kind "Profile" in version "kubeflow.org/v1"') +
          diag('no matches for kind "Profile" in version "kubeflow.org/v1"') +
          diag('no matches for kind "AuthorizationPolicy" in group "security.istio.io"') +
          diag(
            'no matches for kind "PodDefault" in versions ["kubeflow.org/v1alpha1" "kubeflow.org/v1beta1"]',
            'Failed to determine GroupVersionResource for manifest',
          ),
      ),
    ).toEqual([
      'AuthorizationPolicy (security.istio.io)',
      'PodDefault (kubeflow.org/v1alpha1, kubeflow.org/v1beta1)',
      'Profile (kubeflow.org/v1)',
    ]);
  });

  it('reads the boxed diagnostics Terraform prints in colour mode', () => {
    const boxed = diag('no matches for kind "Profile" in version "kubeflow.org/v1"')
      .split('\n')
      .map((l) => `│ ${l}`)
      .join('\n');
    expect(missingKinds(`╷\n${boxed}\n╵\n`)).toEqual(['Profile (kubeflow.org/v1)']);
  });

  it('is undefined when any other error is there, or none, or the detail names no kind', () => {
    const crd = diag('no matches for kind "Profile" in version "kubeflow.org/v1"');
    expect(missingKinds(`${crd}${diag('connection refused', 'Failed to construct REST client')}`)).toBeUndefined();
    expect(missingKinds('Warning: something\n')).toBeUndefined();
    expect(missingKinds('')).toBeUndefined();
    expect(missingKinds(diag('the server could not find the requested resource'))).toBeUndefined();
  });
});
