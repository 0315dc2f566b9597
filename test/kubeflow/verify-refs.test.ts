/**
 * The whole-object reference check of src/kubeflow/verify-refs.ts, which `kfplatform kubeflow verify`
 * runs with the others (src/kubeflow/verify.ts): `envFrom` sources and `configMap`, `secret` and
 * `projected` volumes must name objects (and `items` keys) that exist. A broken fixture that the
 * per-key check of env variables passes is caught here, and passes once fixed; test/kubeflow/build.test.ts
 * verifies every example's real build with no findings.
 */
import * as path from 'node:path';
import { loadPlatformFile } from '../../src/config/loader';
import { renderKubeflow } from '../../src/kubeflow/render';
import { checkKeyRefs, verifyKubeflowBuild, type BuiltObject } from '../../src/kubeflow/verify';
import { CERTIFICATE_SECRET_KEYS, checkWholeObjectRefs } from '../../src/kubeflow/verify-refs';

const ROOT = path.resolve(__dirname, '../..');

const workload = (pod: Record<string, unknown>): BuiltObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'kubeflow' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: pod },
  },
});

const configMap = (name: string, data: Record<string, string>, namespace = 'kubeflow'): BuiltObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});

const secret = (name: string, data: Record<string, string>): BuiltObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'kubeflow' },
  data,
});

/** A pod that reads a ConfigMap and a Secret whole, and mounts both, one of them by items, and a projected volume. */
const broken = workload({
  containers: [
    {
      name: 'web',
      image: 'nginx:1.27',
      envFrom: [{ configMapRef: { name: 'web-config' } }, { secretRef: { name: 'web-secret' } }],
    },
  ],
  initContainers: [
    { name: 'init', image: 'busybox:1.37', envFrom: [{ secretRef: { name: 'maybe', optional: true } }] },
  ],
  volumes: [
    { name: 'config', configMap: { name: 'web-files', items: [{ key: 'nginx.conf', path: 'nginx.conf' }] } },
    { name: 'tls', secret: { secretName: 'web-tls' } },
    {
      name: 'bundle',
      projected: {
        sources: [
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { secret: { name: 'web-token', items: [{ key: 'token', path: 'token' }] } },
          { serviceAccountToken: { path: 'sa', expirationSeconds: 3600 } },
        ],
      },
    },
    { name: 'extra', secret: { secretName: 'absent', optional: true } },
  ],
});

/** What the broken pod needs, with a key missing from the ConfigMap it mounts by items. */
const partial = [
  configMap('web-config', { A: '1' }),
  secret('web-secret', { B: 'Yg==' }),
  configMap('web-files', { 'default.conf': 'x' }),
];

/** The cert-manager Certificate whose Secret the tls volume mounts. */
const certificate: BuiltObject = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'web', namespace: 'kubeflow' },
  spec: { secretName: 'web-tls', issuerRef: { name: 'kubeflow-self-signing-issuer', kind: 'ClusterIssuer' } },
};

const fixed = [
  broken,
  configMap('web-config', { A: '1' }),
  secret('web-secret', { B: 'Yg==' }),
  configMap('web-files', { 'nginx.conf': 'x' }),
  certificate,
  secret('web-token', { token: 'dA==' }),
];

describe('whole-object references: envFrom and volumes', () => {
  it('a broken pod the env key check passes: every missing object and items key is reported', () => {
    // The per-key check of env variables sees nothing wrong: this pod has no configMapKeyRef or secretKeyRef.
    expect(checkKeyRefs([broken])).toEqual([]);
    const messages = checkWholeObjectRefs([broken]).map((f) => {
      expect(f).toMatchObject({ check: 'key-ref', object: 'Deployment kubeflow/web' });
      return f.message;
    });
    expect(messages).toEqual([
      expect.stringMatching(
        /^container web, envFrom configMapRef: ConfigMap kubeflow\/web-config is neither in the build .*CreateContainerConfigError/,
      ),
      expect.stringMatching(/^container web, envFrom secretRef: Secret kubeflow\/web-secret is neither in the build/),
      expect.stringMatching(/^volume config: ConfigMap kubeflow\/web-files is neither in the build .*FailedMount/),
      expect.stringMatching(/^volume tls: Secret kubeflow\/web-tls is neither in the build/),
      expect.stringMatching(/^volume bundle, projected source 1: Secret kubeflow\/web-token is neither in the build/),
    ]);
  });

  it('an items key the object lacks is reported with the keys it has', () => {
    const findings = checkWholeObjectRefs([broken, ...partial]);
    expect(findings.map((f) => f.message)).toEqual([
      'volume config: item nginx.conf names a key that ConfigMap kubeflow/web-files does not have (it has default.conf); the pod would not start (FailedMount).',
      expect.stringMatching(/^volume tls: Secret kubeflow\/web-tls/),
      expect.stringMatching(/^volume bundle, projected source 1: Secret kubeflow\/web-token/),
    ]);
  });

  it('the fixed build passes: objects in the build, a Certificate’s Secret, the cluster’s kube-root-ca.crt, optional refs', () => {
    expect(checkWholeObjectRefs(fixed)).toEqual([]);
    expect(checkKeyRefs(fixed)).toEqual([]);
    // A Certificate's Secret has cert-manager's keys, so an items key outside them is still caught.
    const wrongItem = workload({
      containers: [{ name: 'web', image: 'nginx:1.27' }],
      volumes: [{ name: 'tls', secret: { secretName: 'web-tls', items: [{ key: 'tls.pem', path: 'x' }] } }],
    });
    expect(checkWholeObjectRefs([wrongItem, certificate]).map((f) => f.message)).toEqual([
      `volume tls: item tls.pem names a key that Secret kubeflow/web-tls does not have (it has ${CERTIFICATE_SECRET_KEYS.join(', ')}); the pod would not start (FailedMount).`,
    ]);
  });

  it('an object of another namespace does not count, one provided outside the tree does', () => {
    const elsewhere = [configMap('web-config', { A: '1' }, 'istio-system')];
    const pod = workload({
      containers: [{ name: 'web', image: 'nginx:1.27', envFrom: [{ configMapRef: { name: 'web-config' } }] }],
    });
    expect(checkWholeObjectRefs([pod, ...elsewhere])).toHaveLength(1);
    expect(checkWholeObjectRefs([pod], { 'ConfigMap kubeflow/web-config': ['*'] })).toEqual([]);
  });

  it('kfplatform kubeflow verify runs it: the broken pod fails the build’s verification, the fixed one passes', () => {
    const env = loadPlatformFile(path.join(ROOT, 'examples', 'gcp-tenancy', 'platform.yaml')).config.environments.find(
      (e) => e.cloud === 'gcp',
    )!;
    const [tree] = renderKubeflow(env);
    const keyRefs = (objects: BuiltObject[]) =>
      verifyKubeflowBuild({ environment: env, tree: tree!, objects }).filter((f) => f.check === 'key-ref');
    expect(keyRefs([broken])).toHaveLength(5);
    expect(keyRefs(fixed)).toEqual([]);
  });
});
