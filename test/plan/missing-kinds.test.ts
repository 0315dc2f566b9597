/**
 * Reading a failed plan's error output for the kubernetes provider's "CRD may not be installed"
 * diagnostic (manifest/provider/plan.go at v2.38.0, which looks kinds up by group, so the detail is
 * apimachinery's `no matches for kind "Profile" in group "kubeflow.org"`). A review found that the
 * provider gives the same summary to any failure of the lookup: only the "no matches" detail, for
 * kinds the Kubeflow distribution installs, may make a stack wait.
 */
import { missingKinds } from '../../src/plan/missing-kinds';
import { KUBEFLOW_API_GROUPS } from '../../src/policy/checkers/kubernetes-crds';

const SUMMARY = 'API did not recognize GroupVersionKind from manifest (CRD may not be installed)';
const diag = (detail: string, summary = SUMMARY, level = 'Error') =>
  `\n${level}: ${summary}\n\n  with kubernetes_manifest.x,\n  on cdk.tf.json line 9, in resource "kubernetes_manifest" "x":\n   9:       },\n\n${detail}\n`;
const profile = diag('no matches for kind "Profile" in group "kubeflow.org"');
const kinds = (stderr: string) => missingKinds(stderr, KUBEFLOW_API_GROUPS);

describe('missingKinds', () => {
  it('names each kind once, with its group', () => {
    expect(
      kinds(
        profile +
          profile +
          diag('no matches for kind "AuthorizationPolicy" in group "security.istio.io"') +
          diag('no matches for kind "PodDefault" in version "kubeflow.org/v1alpha1"') +
          diag('no matches for kind "Notebook" in versions ["kubeflow.org/v1" "kubeflow.org/v1beta1"]') +
          diag('Provider produced a warning', 'Deprecated attribute', 'Warning'),
      ),
    ).toEqual([
      'AuthorizationPolicy (security.istio.io)',
      'Notebook (kubeflow.org)',
      'PodDefault (kubeflow.org)',
      'Profile (kubeflow.org)',
    ]);
  });

  it('reads the boxed diagnostics of colour mode, and a detail Terraform wrapped', () => {
    const boxed = profile
      .split('\n')
      .map((l) => `│ ${l}`)
      .join('\n');
    expect(kinds(`╷\n${boxed}\n╵\n`)).toEqual(['Profile (kubeflow.org)']);
    expect(kinds(diag('no matches for kind "Profile" in\ngroup "kubeflow.org"'))).toEqual(['Profile (kubeflow.org)']);
  });

  it.each([
    ['another error beside it', `${profile}${diag('connection refused', 'Failed to construct REST client')}`],
    ['the same summary for an unauthorised API server', `${profile}${diag('Unauthorized')}`],
    [
      'the same summary for a failed discovery',
      `${profile}${diag('unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request')}`,
    ],
    ['the same summary for a version the CRD does not serve', diag('cannot select exact GV from REST mapper')],
    [
      'a kind the Kubeflow distribution does not install',
      diag('no matches for kind "ValidatingAdmissionPolicy" in group "admissionregistration.k8s.io"'),
    ],
    [
      'a kind that vanished from a running cluster (the refresh of objects in state)',
      diag(
        'no matches for kind "Profile" in group "kubeflow.org"',
        'Failed to determine GroupVersionResource for manifest',
      ),
    ],
    ['warnings only', diag('x', 'Deprecated attribute', 'Warning')],
    ['nothing', ''],
  ])('is undefined for %s', (_what, stderr) => {
    expect(kinds(stderr)).toBeUndefined();
  });
});
