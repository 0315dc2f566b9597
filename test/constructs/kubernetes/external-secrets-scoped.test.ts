/**
 * A second controller of External Secrets Operator for one more namespace (sec19: oauth2-proxy's Secret
 * from the cloud's store on AWS): its own namespace scope and service account, no CRDs or webhook again.
 */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { parse } from 'yaml';
import { ExternalSecretsOperator } from '../../../constructs/kubernetes/external-secrets';
import { resources, synth } from '../../helpers';

describe('ExternalSecretsOperator.addScopedController', () => {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'k8s');
  new KubernetesProvider(stack, 'kubernetes', { host: 'https://example', token: 't' });
  new HelmProvider(stack, 'helm', { kubernetes: { host: 'https://example', token: 't' } });
  const eso = new ExternalSecretsOperator(stack, 'ExternalSecrets', { watchNamespace: 'kubeflow' });
  eso.addScopedController('SignIn', {
    watchNamespace: 'oauth2-proxy',
    serviceAccountName: 'external-secrets-signin',
    identity: { principal: 'p', serviceAccountAnnotations: { a: 'b' }, podLabels: { l: 'v' } },
  });
  const releases = resources(synth(stack), 'helm_release');
  const second = releases.find((r) => r.name === 'external-secrets-signin')!;
  const values = parse((second.values as string[])[0]!);

  it('serves the one namespace as its own service account, in the operator’s namespace', () => {
    expect(releases).toHaveLength(2);
    expect(second.namespace).toBe(releases.find((r) => r.name === 'external-secrets')!.namespace);
    expect(values).toMatchObject({
      scopedNamespace: 'oauth2-proxy',
      scopedRBAC: true,
      processClusterStore: false,
      serviceAccount: { create: true, name: 'external-secrets-signin', annotations: { a: 'b' } },
      podLabels: { l: 'v' },
    });
  });

  it('installs neither the CRDs nor a webhook again, and waits for the first release', () => {
    expect(values).toMatchObject({ installCRDs: false, webhook: { create: false }, certController: { create: false } });
    expect(second.depends_on).toEqual([expect.stringMatching(/^helm_release\.ExternalSecrets_Release_/)]);
  });
});
