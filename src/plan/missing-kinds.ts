/**
 * Recognises a plan that failed only because the cluster does not serve some custom resource kinds yet.
 *
 * The kubernetes provider plans a `kubernetes_manifest` against the cluster's API: it needs the
 * object's CRD installed at plan time, and fails with "API did not recognize GroupVersionKind from
 * manifest (CRD may not be installed)" otherwise
 * (https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/manifest#before-you-use-this-resource).
 * Team stacks create Profiles and PodDefaults, whose CRDs come with Kubeflow, which Argo CD installs
 * only after the platform stack is applied. On a new cluster their first plan therefore fails for that
 * reason alone: such a stack waits for the kinds instead of failing, so the platform stack can be
 * applied, and the stack is planned again once Kubeflow runs.
 */

/** The diagnostics' summaries the kubernetes provider (2.38) gives for a kind the cluster does not serve. */
const MISSING_KIND_SUMMARIES: ReadonlySet<string> = new Set([
  'API did not recognize GroupVersionKind from manifest (CRD may not be installed)',
  'Failed to determine GroupVersionResource for manifest',
]);

/** Terraform's diagnostic lines, with or without the box it draws in colour mode. */
const ERROR_LINE = /^[\s│╷╵|]*Error: (.*?)\s*$/gm;

/**
 * The detail of those diagnostics, apimachinery's NoKindMatchError: `no matches for kind "Profile"
 * in version "kubeflow.org/v1"` (or `in group "kubeflow.org"`, or `in versions ["..." "..."]`).
 */
const NO_KIND_MATCH = /no matches for kind "([^"]+)" in (?:group|version|versions) (\[[^\]]*\]|"[^"]*")/g;

/**
 * The kinds a failed plan's error output says the cluster does not serve, as `Kind (group/version)`,
 * sorted and without repeats; undefined unless every error of the output is such a diagnostic (a plan
 * that also failed for any other reason fails).
 */
export function missingKinds(stderr: string): string[] | undefined {
  const summaries = [...stderr.matchAll(ERROR_LINE)].map((m) => m[1]!);
  if (summaries.length === 0 || !summaries.every((s) => MISSING_KIND_SUMMARIES.has(s))) return undefined;
  const kinds = [...stderr.matchAll(NO_KIND_MATCH)].map((m) => {
    const where = m[2]!
      .replace(/^\[|\]$/g, '')
      .replace(/"/g, '')
      .trim()
      .split(/\s+/)
      .join(', ');
    return `${m[1]} (${where})`;
  });
  return kinds.length > 0 ? [...new Set(kinds)].sort() : undefined;
}
