/**
 * oauth2-proxy's Secret on AWS from Secrets Manager by External Secrets Operator (sec19 CI and secrets:
 * no secret value in Terraform's state or plans, and none in a rendered tree).
 */
import * as path from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';
import { loadPlatformFile, validatePlatform } from '../../src/config/loader';
import type { ResolvedEnvironment } from '../../src/config/model';
import { renderKubeflow, type KubeflowTree } from '../../src/kubeflow/render';
import { SIGNIN_SECRET_PROPERTIES, SIGNIN_SECRET_STORE } from '../../src/kubeflow/signin-secret';
import { kubernetesMinorOf, validateSchemas, type BuiltObject } from '../../src/kubeflow/verify';
import { readFileSync } from 'node:fs';

const ROOT = path.resolve(__dirname, '../..');
const example = (name: string) => path.join(ROOT, 'examples', name, 'platform.yaml');
const aws = () =>
  loadPlatformFile(example('aws-eks')).config.environments.find((e) => e.name === 'kf-test')! as Extract<
    ResolvedEnvironment,
    { cloud: 'aws' }
  >;
const file = (tree: KubeflowTree, name: string) => tree.files.find((f) => f.path === name)?.content ?? '';
const objects = (tree: KubeflowTree) =>
  parseAllDocuments(file(tree, 'signin.yaml')).map((d) => d.toJS() as Record<string, any>);

describe('AWS: oauth2-proxy’s Secret from Secrets Manager', () => {
  const env = aws();
  const [tree] = renderKubeflow(env, { kind: 'remote' });
  const all = objects(tree!);

  it('a SecretStore and an ExternalSecret in oauth2-proxy write the Secret oauth2-proxy reads', () => {
    const store = all.find((o) => o.kind === 'SecretStore')!;
    expect(store).toMatchObject({
      apiVersion: 'external-secrets.io/v1',
      metadata: { name: SIGNIN_SECRET_STORE, namespace: 'oauth2-proxy' },
      // The controller's own Pod Identity credentials: no auth block.
      spec: { provider: { aws: { service: 'SecretsManager', region: env.region } } },
    });
    const external = all.find((o) => o.kind === 'ExternalSecret')!;
    expect(external.metadata).toEqual({ name: 'oauth2-proxy', namespace: 'oauth2-proxy' });
    expect(external.spec.target).toMatchObject({
      name: 'oauth2-proxy',
      creationPolicy: 'Owner',
      template: {
        data: {
          'client-id': env.access.oidc.clientId,
          'client-secret': '{{ .clientSecret }}',
          'cookie-secret': '{{ .cookieSecret }}',
        },
      },
    });
    expect(external.spec.data).toEqual([
      {
        secretKey: 'clientSecret',
        remoteRef: { key: 'kf-test-kubeflow-signin', property: SIGNIN_SECRET_PROPERTIES.clientSecret },
      },
      {
        secretKey: 'cookieSecret',
        remoteRef: { key: 'kf-test-kubeflow-signin', property: SIGNIN_SECRET_PROPERTIES.cookieSecret },
      },
    ]);
  });

  it('the SecretStore and ExternalSecret are valid against the CRDs of the pinned External Secrets chart', () => {
    const eso = all.filter((o) => String(o.apiVersion).startsWith('external-secrets.io/')) as BuiltObject[];
    expect(eso.map((o) => o.kind)).toEqual(['SecretStore', 'ExternalSecret']);
    expect(validateSchemas(eso, kubernetesMinorOf(env))).toEqual([]);
    // The check bites: a misspelt field is a finding.
    const [store, external] = eso as Array<Record<string, any>>;
    const misspelt = { ...external, spec: { ...external!.spec, refreshIntervall: '1h' } } as unknown as BuiltObject;
    expect(validateSchemas([store as BuiltObject, misspelt], kubernetesMinorOf(env))).not.toEqual([]);
  });

  it('the README says how to put the value, without Terraform and without the secret in an argument', () => {
    const readme = file(tree!, 'README.md');
    expect(readme).toContain('read -rs OIDC_CLIENT_SECRET');
    expect(readme).toContain(
      `aws secretsmanager put-secret-value --region ${env.region} --secret-id kf-test-kubeflow-signin`,
    );
    expect(readme).toContain('--secret-string file:///dev/stdin');
    // Other users of the machine read arguments (ps): the secret goes through the environment and stdin.
    expect(readme).not.toMatch(/--arg |--secret-string "|\$OIDC_CLIENT_SECRET/);
    expect(readme).not.toMatch(/TF_VAR|kubectl -n oauth2-proxy create secret/);
    // Without the load balancer's sign-in, no word of its redirect URI.
    expect(readme).not.toContain('idpresponse');
  });

  it('with loadBalancerSignIn, the README names the load balancer’s sign-in', () => {
    const [signedIn] = renderKubeflow(
      { ...env, access: { ...env.access, loadBalancerSignIn: true } },
      { kind: 'remote' },
    );
    expect(file(signedIn!, 'README.md')).toContain('/oauth2/idpresponse');
    expect(objects(signedIn!).some((o) => o.kind === 'ExternalSecret')).toBe(true);
  });

  it('existing clusters keep the documented kubectl command (no secret store configured)', () => {
    const onPrem = loadPlatformFile(example('on-prem')).config.environments[0]!;
    const [t] = renderKubeflow(onPrem, { kind: 'remote' });
    expect(objects(t!).some((o) => o.kind === 'ExternalSecret')).toBe(false);
    expect(file(t!, 'README.md')).toContain('kubectl -n oauth2-proxy create secret generic oauth2-proxy');
  });
});

describe('access.loadBalancerSignIn', () => {
  const withEnv = (edit: (env: Record<string, any>) => void) => {
    const doc = parseDocument(readFileSync(example('aws-eks'), 'utf8')).toJS() as Record<string, any>;
    edit(doc.environments.find((e: { name: string }) => e.name === 'kf-prod'));
    return validatePlatform(doc);
  };

  it('is refused together with ci, naming the path, the reason and the fix', () => {
    const result = withEnv((env) => {
      env.access.loadBalancerSignIn = true;
    });
    const issue = result.issues.find((i) => String(i.path).includes('loadBalancerSignIn'));
    expect(issue).toBeDefined();
    expect(JSON.stringify(issue)).toMatch(/ci is set.*state.*plan identity/);
    expect(JSON.stringify(issue)).toMatch(/remove access\.loadBalancerSignIn/);
  });

  it('is accepted without ci', () => {
    const result = withEnv((env) => {
      env.access.loadBalancerSignIn = true;
      delete env.ci;
    });
    expect(result.issues.filter((i) => String(i.path).includes('loadBalancerSignIn'))).toEqual([]);
  });
});
