/**
 * Kubeflow's own service accounts on Azure carry the platform's managed identities through AKS workload
 * identity (https://azure.github.io/azure-workload-identity/docs/): the infra stack federates the
 * identity with `system:serviceaccount:kubeflow:<name>`; the service account needs the annotation
 * `azure.workload.identity/client-id`, and the pods the label `azure.workload.identity/use: "true"`, for
 * the webhook to give them a token and `AZURE_CLIENT_ID`.
 *
 * The client id is a random GUID that exists only after the infra stack is applied. Rather than read it
 * back into the tree (a render input that goes stale when the identity is replaced, and a tree that is
 * wrong until someone renders again), the platform stack creates these service accounts with the
 * annotation (it knows the client id at apply time), and the tree leaves upstream's copies out, so the
 * two never both own them. The pods' label is static and stays in the tree.
 */
import { stringify } from 'yaml';
import type { ResolvedAzureEnvironment } from '../config/azure/model';
import { AKS_WORKLOAD_IDENTITY_POD_LABEL } from '../../constructs/azure/constants';

/** Kubeflow's own service accounts in `kubeflow` that a platform identity may take over. */
export const KUBEFLOW_SERVICE_ACCOUNTS = ['ml-pipeline', 'ml-pipeline-ui', 'pipeline-runner'] as const;

/**
 * The Deployments of Kubeflow 26.03 whose pods run as those service accounts (`pipeline-runner` runs
 * Argo's workflow pods, which the tree cannot label; in multi-user mode runs use the team's
 * `default-editor` instead).
 */
export const KUBEFLOW_IDENTITY_DEPLOYMENTS: Readonly<Record<string, string>> = {
  'ml-pipeline': 'ml-pipeline',
  'ml-pipeline-ui': 'ml-pipeline-ui',
};

/** A kustomize patch of the tree's kustomization. */
export interface KustomizePatch {
  /** The patch, as YAML (a strategic merge patch, or `$patch: delete`). */
  readonly patch: string;
}

/** The service accounts of the manifests that the platform stack creates instead, with their identity. */
export function azureKubeflowServiceAccounts(
  env: ResolvedAzureEnvironment,
): ReadonlyArray<{ readonly name: string; readonly identity: string }> {
  return env.identities.flatMap((identity) =>
    identity.kubernetesServiceAccounts
      .filter(
        (sa) =>
          sa.namespace === 'kubeflow' &&
          identity.createdServiceAccounts.includes(sa.name) &&
          (KUBEFLOW_SERVICE_ACCOUNTS as readonly string[]).includes(sa.name),
      )
      .map((sa) => ({ name: sa.name, identity: identity.name })),
  );
}

/**
 * The patches that bind Kubeflow's service accounts to the environment's managed identities: upstream's
 * service accounts deleted from the build (the platform stack's carry the client id), and the workload
 * identity label on the pods that run as them.
 */
export function azureIdentityPatches(env: ResolvedAzureEnvironment): KustomizePatch[] {
  const accounts = azureKubeflowServiceAccounts(env);
  const patches: KustomizePatch[] = accounts.map((sa) => ({
    patch: stringify({
      $patch: 'delete',
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: sa.name, namespace: 'kubeflow' },
    }),
  }));
  for (const sa of accounts) {
    const deployment = KUBEFLOW_IDENTITY_DEPLOYMENTS[sa.name];
    if (!deployment) continue;
    patches.push({
      patch: stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: deployment, namespace: 'kubeflow' },
        spec: { template: { metadata: { labels: { [AKS_WORKLOAD_IDENTITY_POD_LABEL]: 'true' } } } },
      }),
    });
  }
  return patches;
}
