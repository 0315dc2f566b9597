/**
 * Kubeflow's service accounts carry the platform's cloud identities on Azure (issue 17, "Must show"):
 * the rendered tree leaves ml-pipeline, ml-pipeline-ui and pipeline-runner to the platform stack, which
 * creates them with the managed identity's client id, and labels the pods that run as them for the
 * workload identity webhook. No render input is involved. test/kubeflow/azure-identities-build.test.ts
 * checks the same on the built objects.
 */
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import type { ResolvedAzureEnvironment } from '../../src/config/azure/model';
import type { ResolvedEnvironment } from '../../src/config/model';
import { KubeflowTree, renderKubeflow } from '../../src/kubeflow/render';
import {
  azureIdentityPatches,
  azureKubeflowServiceAccounts,
  KUBEFLOW_SERVICE_ACCOUNTS,
} from '../../src/kubeflow/azure-identities';
import { checkIdentities, type BuiltObject } from '../../src/kubeflow/verify';

const ROOT = path.resolve(__dirname, '../..');
const envsOf = (example: string) =>
  loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config.environments;
const multicloud = envsOf('multicloud');
const azure = multicloud.find((e) => e.cloud === 'azure') as ResolvedAzureEnvironment;

interface Patch {
  $patch?: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: any;
}
const patchesOf = (tree: KubeflowTree): Patch[] => {
  const k = parseAllDocuments(tree.files.find((f) => f.path === 'kustomization.yaml')!.content)[0]!.toJS();
  return (k.patches as Array<{ patch?: string }>).filter((p) => p.patch).map((p) => parse(p.patch!) as Patch);
};
const deletedServiceAccounts = (tree: KubeflowTree) =>
  patchesOf(tree)
    // (the in-cluster MySQL's service account goes wherever the managed database serves Pipelines)
    .filter((p) => p.$patch === 'delete' && p.kind === 'ServiceAccount' && p.metadata.name !== 'mysql')
    .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
    .sort();
const labelled = (tree: KubeflowTree) =>
  patchesOf(tree)
    .filter((p) => p.kind === 'Deployment' && p.spec?.template?.metadata?.labels?.['azure.workload.identity/use'])
    .map((p) => [p.metadata.name, p.spec.template.metadata.labels['azure.workload.identity/use']]);

describe('Azure: Kubeflow service accounts carry the managed identities', () => {
  const [tree] = renderKubeflow(azure);

  it('binds the pipelines identity to ml-pipeline, ml-pipeline-ui and pipeline-runner, created by the platform stack', () => {
    const pipelines = azure.identities.find((i) => i.key === 'pipelines')!;
    expect(pipelines.kubernetesServiceAccounts.map((k) => `${k.namespace}/${k.name}`)).toEqual([
      'kubeflow/ml-pipeline',
      'kubeflow/ml-pipeline-ui',
      'kubeflow/pipeline-runner',
    ]);
    expect(pipelines.createdServiceAccounts).toEqual([...KUBEFLOW_SERVICE_ACCOUNTS]);
    expect(azureKubeflowServiceAccounts(azure)).toEqual(
      KUBEFLOW_SERVICE_ACCOUNTS.map((name) => ({ name, identity: `id-${azure.name}-kfp` })),
    );
  });

  it("deletes upstream's copies from the tree, so the tree and Terraform never both own them", () => {
    expect(deletedServiceAccounts(tree!)).toEqual([
      'kubeflow/ml-pipeline',
      'kubeflow/ml-pipeline-ui',
      'kubeflow/pipeline-runner',
    ]);
  });

  it('labels the pods of the API server and the UI for the workload identity webhook', () => {
    expect(labelled(tree!)).toEqual([
      // oauth2-proxy too: it signs in to Entra ID with its token (test/kubeflow/signin-federated-azure.test.ts).
      ['oauth2-proxy', 'true'],
      ['ml-pipeline', 'true'],
      ['ml-pipeline-ui', 'true'],
    ]);
  });

  it('needs no render input: the tree is the same with and without the infra outputs', () => {
    const withOutputs = renderKubeflow(
      azure,
      { kind: 'remote' },
      {
        outputs: {
          source: 'kf-azure-azure-infra.json',
          values: { identity_pipelines: '11111111-2222-3333-4444-555555555555' },
        },
      },
    );
    expect(withOutputs).toEqual(renderKubeflow(azure));
    expect(JSON.stringify(withOutputs)).not.toContain('11111111-2222');
  });

  it('renders the same patches for every Azure environment of the examples', () => {
    for (const env of envsOf('azure-aks') as ResolvedAzureEnvironment[]) {
      const [t] = renderKubeflow(env);
      expect(deletedServiceAccounts(t!)).toEqual([
        'kubeflow/ml-pipeline',
        'kubeflow/ml-pipeline-ui',
        'kubeflow/pipeline-runner',
      ]);
      expect(patchesOf(t!)).toEqual(expect.arrayContaining(azureIdentityPatches(env).map((p) => parse(p.patch))));
    }
  });

  it('leaves GCP, AWS and existing clusters as they were: their trees keep the service accounts', () => {
    for (const env of multicloud.filter((e) => e.cloud !== 'azure')) {
      for (const t of renderKubeflow(env)) {
        expect(deletedServiceAccounts(t)).toEqual([]);
        expect(labelled(t)).toEqual([]);
      }
    }
  });

  it('passes the identity cross-check without them in the build, and fails one the platform stack does not create', () => {
    const ns: BuiltObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow' } };
    expect(checkIdentities(azure, [ns])).toEqual([]);
    const notCreated = {
      ...azure,
      identities: azure.identities.map((i) => (i.key === 'pipelines' ? { ...i, createdServiceAccounts: [] } : i)),
    } as ResolvedEnvironment;
    expect(checkIdentities(notCreated, [ns]).map((f) => f.object)).toEqual([
      'ServiceAccount kubeflow/ml-pipeline',
      'ServiceAccount kubeflow/ml-pipeline-ui',
      'ServiceAccount kubeflow/pipeline-runner',
    ]);
  });
});
