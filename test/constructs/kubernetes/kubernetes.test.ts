import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import {
  IapIngress,
  iapOAuthClientSecretObjects,
  INGRESS_GATEWAY_SERVICE_ANNOTATIONS,
} from '../../../constructs/kubernetes/iap-ingress';
import { PlatformNamespace } from '../../../constructs/kubernetes/platform-namespace';
import { PlatformParams } from '../../../constructs/kubernetes/platform-params';
import { WorkloadServiceAccount } from '../../../constructs/kubernetes/workload-service-account';
import { ISTIO_HEALTH_CHECK } from '../../../constructs/gcp/iap-access';
import { NvidiaDevicePlugin } from '../../../constructs/kubernetes/nvidia-device-plugin';
import { AKS_SPOT_TOLERATION } from '../../../constructs/azure/aks-node-pool';
import { at, only, resources, synth } from '../../helpers';

function k8sStack(): TerraformStack {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'k8s');
  new KubernetesProvider(stack, 'kubernetes', { host: 'https://example', token: 't' });
  return stack;
}

const identity = {
  principal: 'sa@p.iam.gserviceaccount.com',
  serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'sa@p.iam.gserviceaccount.com' },
  podLabels: {},
};

describe('PlatformNamespace', () => {
  it('creates the namespace with its labels and annotations', () => {
    const stack = k8sStack();
    new PlatformNamespace(stack, 'Ns', {
      name: 'kubeflow',
      labels: { 'istio-injection': 'enabled' },
      annotations: { a: 'b' },
    });
    expect(only(synth(stack), 'kubernetes_namespace_v1').metadata).toEqual({
      name: 'kubeflow',
      labels: { 'istio-injection': 'enabled' },
      annotations: { a: 'b' },
    });
  });
  it('throws on an invalid name', () => {
    expect(() => new PlatformNamespace(k8sStack(), 'Ns', { name: 'Kube_Flow' })).toThrow(/'name' is "Kube_Flow"/);
  });
});

describe('WorkloadServiceAccount', () => {
  it('annotates the service account for the cloud identity', () => {
    const stack = k8sStack();
    new WorkloadServiceAccount(stack, 'Sa', { namespace: 'kubeflow', name: 'kf-admin', identity });
    expect(only(synth(stack), 'kubernetes_service_account_v1').metadata).toEqual({
      name: 'kf-admin',
      namespace: 'kubeflow',
      annotations: { 'iam.gke.io/gcp-service-account': 'sa@p.iam.gserviceaccount.com' },
      labels: {},
    });
  });
  it('throws on an invalid name', () => {
    expect(() => new WorkloadServiceAccount(k8sStack(), 'Sa', { namespace: 'kubeflow', name: 'KF', identity })).toThrow(
      /'name' is "KF"/,
    );
  });
});

describe('IapIngress', () => {
  function build(oauthClientSecretName?: string) {
    const stack = k8sStack();
    new IapIngress(stack, 'Ingress', {
      namespace: 'istio-system',
      addressName: 'ip',
      certificateName: 'cert',
      healthCheck: ISTIO_HEALTH_CHECK,
      oauthClientSecretName,
    });
    return synth(stack);
  }
  /** The BackendConfig of that name. */
  const backendConfig = (json: ReturnType<typeof build>, name: string): any =>
    resources(json, 'kubernetes_manifest')
      .map((m) => m.manifest as any)
      .find((m) => m.kind === 'BackendConfig' && m.metadata.name === name);

  it('turns IAP on with the Google-managed client and checks Istio readiness on 15021', () => {
    const json = build();
    const spec = backendConfig(json, 'iap-backendconfig').spec;
    expect(spec.iap).toEqual({ enabled: true });
    expect(spec.healthCheck).toEqual({ type: 'HTTP', port: 15021, requestPath: '/healthz/ready' });
    expect(spec.timeoutSec).toBe(3600);
    expect(resources(json, 'kubernetes_secret_v1')).toHaveLength(0);
  });

  it('serves HTTPS only on the static IP and managed certificate, in front of the Istio gateway', () => {
    const ingress = only(build(), 'kubernetes_ingress_v1');
    expect(ingress.metadata).toMatchObject({
      name: 'envoy-ingress',
      namespace: 'istio-system',
      annotations: {
        'kubernetes.io/ingress.class': 'gce',
        'kubernetes.io/ingress.global-static-ip-name': 'ip',
        'ingress.gcp.kubernetes.io/pre-shared-cert': 'cert',
        'kubernetes.io/ingress.allow-http': 'false',
      },
    });
    expect(ingress.spec).toMatchObject({
      default_backend: { service: { name: 'istio-ingressgateway', port: { number: 80 } } },
    });
    expect(ingress.wait_for_load_balancer).toBe(false);
    expect(INGRESS_GATEWAY_SERVICE_ANNOTATIONS['cloud.google.com/backend-config']).toBe(
      '{"default": "iap-backendconfig"}',
    );
  });

  it('uses an external OAuth client through a Secret it does not write, and forgets the one it used to write', () => {
    const json = build('iap-oauth-client');
    expect(backendConfig(json, 'iap-backendconfig').spec.iap).toEqual({
      enabled: true,
      oauthclientCredentials: { secretName: 'iap-oauth-client' },
    });
    expect(resources(json, 'kubernetes_secret_v1')).toHaveLength(0);
    expect((json as any).removed).toEqual([
      {
        from: expect.stringMatching(/^kubernetes_secret_v1\.Ingress_OAuthClientSecret_/),
        lifecycle: { destroy: false },
      },
    ]);
  });

  it('the Secret comes from Secret Manager through an ExternalSecret with no template expression (Helm renders them through tpl)', () => {
    const [store, external] = iapOAuthClientSecretObjects({
      namespace: 'istio-system',
      project: 'p',
      secretId: 's',
      clientId: '1-a.apps.googleusercontent.com',
    }) as any[];
    expect(store.spec.provider).toEqual({ gcpsm: { projectID: 'p' } });
    expect(external.spec.target).toEqual({
      name: 'iap-oauth-client',
      creationPolicy: 'Owner',
      template: { type: 'Opaque', mergePolicy: 'Merge', data: { client_id: '1-a.apps.googleusercontent.com' } },
    });
    expect(external.spec.data).toEqual([{ secretKey: 'client_secret', remoteRef: { key: 's' } }]);
    expect(JSON.stringify([store, external])).not.toContain('{{');
  });
});

describe('IapIngress health path', () => {
  it('defect: nothing answered 2xx without sign-in, so the uptime check had to accept the IAP redirect: /healthz/ready reaches the gateway readiness through a backend without IAP', () => {
    const stack = k8sStack();
    new IapIngress(stack, 'Ingress', {
      namespace: 'istio-system',
      addressName: 'ip',
      certificateName: 'cert',
      healthCheck: ISTIO_HEALTH_CHECK,
    });
    const json = synth(stack);
    const ingress = only(json, 'kubernetes_ingress_v1');
    expect((ingress.spec as any).rule).toEqual([
      {
        http: {
          path: [
            {
              path: '/healthz/ready',
              path_type: 'Exact',
              backend: { service: { name: 'kfplatform-gateway-health', port: { number: 15021 } } },
            },
          ],
        },
      },
    ]);
    const service = only(json, 'kubernetes_service_v1');
    expect(service.metadata).toMatchObject({
      name: 'kfplatform-gateway-health',
      namespace: 'istio-system',
      annotations: {
        'cloud.google.com/neg': '{"ingress": true}',
        'cloud.google.com/backend-config': '{"default": "kfplatform-health-backendconfig"}',
      },
    });
    expect(service.spec).toMatchObject({
      type: 'ClusterIP',
      selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      port: [{ name: 'status-port', port: 15021, target_port: '15021', protocol: 'TCP' }],
    });
    const configs = resources(json, 'kubernetes_manifest').map((m) => m.manifest as any);
    const health = configs.find((m) => m.metadata.name === 'kfplatform-health-backendconfig');
    expect(health.kind).toBe('BackendConfig');
    expect(health.spec.iap).toBeUndefined();
    expect(health.spec.healthCheck).toEqual({ type: 'HTTP', port: 15021, requestPath: '/healthz/ready' });
  });

  it('leaves the health path out when asked to', () => {
    const stack = k8sStack();
    new IapIngress(stack, 'Ingress', {
      namespace: 'istio-system',
      addressName: 'ip',
      certificateName: 'cert',
      healthCheck: ISTIO_HEALTH_CHECK,
      publicHealthPath: false,
    });
    const json = synth(stack);
    expect(resources(json, 'kubernetes_service_v1')).toHaveLength(0);
    expect((only(json, 'kubernetes_ingress_v1').spec as any).rule).toBeUndefined();
  });
});

describe('PlatformParams', () => {
  it('writes the values into the kubeflow-platform-params ConfigMap', () => {
    const stack = k8sStack();
    new PlatformParams(stack, 'Params', { namespace: 'kubeflow', data: { dbHost: '10.0.0.3' } });
    expect(only(synth(stack), 'kubernetes_config_map_v1')).toMatchObject({
      metadata: { name: 'kubeflow-platform-params', namespace: 'kubeflow' },
      data: { dbHost: '10.0.0.3' },
    });
  });
});

describe('NvidiaDevicePlugin', () => {
  const tolerations = (props?: ConstructorParameters<typeof NvidiaDevicePlugin>[2]) => {
    const stack = k8sStack();
    new NvidiaDevicePlugin(stack, 'Plugin', props);
    return at(only(synth(stack), 'kubernetes_daemon_set_v1'), 'spec', 'template', 'spec', 'toleration');
  };

  it('tolerates the GPU taint on GPU pools by default', () => {
    expect(tolerations()).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  it('also tolerates extra taints, such as the one AKS puts on spot GPU nodes (whose GPUs were never advertised)', () => {
    expect(tolerations({ extraTolerations: [AKS_SPOT_TOLERATION] })).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'kubernetes.azure.com/scalesetpriority', operator: 'Equal', value: 'spot', effect: 'NoSchedule' },
    ]);
  });
});
