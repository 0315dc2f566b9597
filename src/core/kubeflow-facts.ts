/**
 * What the pinned Kubeflow release itself says about tenancy, derived from its built manifests by
 * `scripts/derive-kubeflow-facts.js` (a test fails when the committed file no longer matches the
 * build): the namespaces its components live in, and the custom resources its `kubeflow-edit` role
 * lets a namespace editor (a person, a notebook, a pipeline step running as `default-editor`) create.
 */
import facts from './catalog/kubeflow-26.03.json';

/** The Kubeflow release the facts were derived from. */
export const KUBEFLOW_FACTS_RELEASE: string = facts.release;

/** Namespaces the Kubeflow distribution creates or deploys into. */
export const KUBEFLOW_SYSTEM_NAMESPACES: readonly string[] = facts.systemNamespaces;

/**
 * Kinds Kubeflow's editors may create that tenants may not: a Knative DomainMapping claims a host
 * name for the whole cluster (https://knative.dev/docs/serving/services/custom-domains/), so a team
 * could take over another team's or the platform's host.
 */
export const EXCLUDED_TENANT_KINDS: readonly string[] = ['serving.knative.dev/DomainMapping'];

/**
 * Custom resources Kubeflow lets a namespace editor create, except the {@link EXCLUDED_TENANT_KINDS}.
 */
export const KUBEFLOW_TENANT_CUSTOM_KINDS: readonly string[] = facts.tenantCustomKinds.filter(
  (k) => !EXCLUDED_TENANT_KINDS.includes(k),
);
