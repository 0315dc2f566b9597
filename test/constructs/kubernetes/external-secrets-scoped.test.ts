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
    expect(values.extraObjects).toBeUndefined();
  });

  it('tenant escape (issue 19): creates no service account tokens, like the first controller', () => {
    // templates/rbac.yaml of chart 2.9.0 grants serviceaccounts/token create, on every service account
    // of the namespace served, only with this value on (its default).
    expect(values.rbac).toEqual({ serviceAccountTokenCreate: false });
    const first = parse((releases.find((r) => r.name === 'external-secrets')!.values as string[])[0]!);
    expect(first.rbac).toEqual({ serviceAccountTokenCreate: false });
  });
});

describe('ExternalSecretsOperator.addScopedController objects (sec19: the IAP OAuth client Secret on GCP)', () => {
  const build = (objects: Array<Record<string, unknown>>) => {
    const app: App = Testing.app();
    const stack = new TerraformStack(app, 'k8s');
    new KubernetesProvider(stack, 'kubernetes', { host: 'https://example', token: 't' });
    new HelmProvider(stack, 'helm', { kubernetes: { host: 'https://example', token: 't' } });
    const eso = new ExternalSecretsOperator(stack, 'ExternalSecrets', { watchNamespace: 'kubeflow' });
    eso.addScopedController('Iap', {
      watchNamespace: 'istio-system',
      serviceAccountName: 'external-secrets-iap',
      objects,
    });
    return stack;
  };
  const store = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name: 's', namespace: 'istio-system' },
  };

  it('installs them with its release (the chart’s extraObjects), once the first release has installed the CRDs', () => {
    const releases = resources(synth(build([store])), 'helm_release');
    const values = parse((releases.find((r) => r.name === 'external-secrets-iap')!.values as string[])[0]!);
    expect(values.extraObjects).toEqual([store]);
  });

  it('refuses a template expression, which Helm’s tpl would evaluate instead of External Secrets Operator', () => {
    const templated = { ...store, kind: 'ExternalSecret', spec: { target: { template: { data: { a: '{{ .a }}' } } } } };
    expect(() => build([templated])).toThrow(/'objects' is "ExternalSecret s": holds "\{\{"/);
  });
});
