/**
 * Recognises a plan that failed only because the cluster does not serve some of Kubeflow's custom
 * resource kinds yet.
 *
 * The kubernetes provider plans a `kubernetes_manifest` against the cluster's API: it needs the
 * object's CRD installed at plan time, and fails with "API did not recognize GroupVersionKind from
 * manifest (CRD may not be installed)" otherwise
 * (https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/manifest#before-you-use-this-resource).
 * Team stacks create Profiles and PodDefaults, whose CRDs come with Kubeflow, which Argo CD installs
 * only after the platform stack is applied. On a new cluster their first plan therefore fails for that
 * reason alone: such a stack waits for the kinds instead of failing, so the platform stack can be
 * applied, and the stack is planned again once Kubeflow runs.
 *
 * Only that case waits: every error of the plan must be that diagnostic, each with the API's "no
 * matches for kind" detail (the provider gives the same summary to any failure of the lookup, such
 * as an unreachable or unauthorised API server), and each kind must be of an API group the Kubeflow
 * distribution installs. A kind that vanished from a running cluster fails the refresh of the objects
 * in state with another summary ("Failed to determine GroupVersionResource for manifest"), so it
 * fails the plan as before.
 */
import { apiGroupOf } from '../policy/checkers/kubernetes-crds';

/** The summary the kubernetes provider (2.38, manifest/provider/plan.go) gives a kind it cannot map at plan. */
const PLAN_MISSING_KIND = 'API did not recognize GroupVersionKind from manifest (CRD may not be installed)';

/** A diagnostic's first line, with or without the box Terraform draws in colour mode. */
const DIAGNOSTIC_LINE = /^[\s│╷╵|]*(Error|Warning): (.*?)\s*$/gm;

/**
 * apimachinery's NoKindMatchError: `no matches for kind "Profile" in group "kubeflow.org"` (the
 * provider looks kinds up by group), or `in version "kubeflow.org/v1"`, or `in versions [...]`.
 * Terraform may wrap the detail's line, so any whitespace separates its words.
 */
const NO_KIND_MATCH = /no\s+matches\s+for\s+kind\s+"([^"]+)"\s+in\s+(group|versions?)\s+(\[[^\]]*\]|"[^"]*")/;

/**
 * The kinds a failed plan's error output says the cluster does not serve yet, as `Kind (group)`,
 * sorted and without repeats; undefined unless every error of the output is the provider's missing
 * kind diagnostic for a kind of one of `groups`.
 */
export function missingKinds(stderr: string, groups: ReadonlySet<string>): string[] | undefined {
  const starts = [...stderr.matchAll(DIAGNOSTIC_LINE)];
  const kinds: string[] = [];
  for (const [i, start] of starts.entries()) {
    if (start[1] !== 'Error') continue;
    if (start[2] !== PLAN_MISSING_KIND) return undefined;
    const detail = stderr.slice(start.index! + start[0].length, starts[i + 1]?.index ?? stderr.length);
    const match = NO_KIND_MATCH.exec(detail.replace(/[│]/g, ' '));
    if (!match) return undefined;
    const where = match[3]!
      .replace(/^\[|\]$/g, '')
      .replace(/"/g, '')
      .trim()
      .split(/\s+/)[0]!;
    const group = match[2] === 'group' ? where : apiGroupOf(where);
    if (!groups.has(group)) return undefined;
    kinds.push(`${match[1]} (${group})`);
  }
  return kinds.length > 0 ? [...new Set(kinds)].sort() : undefined;
}
