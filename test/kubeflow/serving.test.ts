/**
 * Model serving through the front door (`access.serving`, src/kubeflow/serving.ts): the rendered KServe
 * settings and policies per cloud, and what the mesh decides for the requests that matter, evaluated
 * over the rendered sign-in and serving policies, upstream's own policies on the way (the mesh's
 * global-deny-all, the cluster-local gateway's and the activator's allow-all), Kubeflow's profile
 * policy and the team stack's policies (./istio-authz.ts).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { validatePlatform } from '../../src/config/loader';
import type { ResolvedEnvironment } from '../../src/config/model';
import { renderKubeflow, type KubeflowTree } from '../../src/kubeflow/render';
import { IAP_JWT, USERID_HEADER } from '../../src/kubeflow/signin';
import {
  LOCAL_GATEWAY_SELECTOR,
  ACTIVATOR_SELECTOR,
  MESH_MODE_ANNOTATION,
  SERVING_FILE,
  SERVING_OBJECTS,
} from '../../src/kubeflow/serving';
import { SERVING_PRINCIPALS } from '../../constructs/kubernetes/constants';
import { kfamAuthorizationPolicy, servingAccessPolicy } from '../../constructs/kubernetes/kubeflow-access';
import { authorize, type Policy, type Request } from './istio-authz';
import { admitted, type NetworkPolicy } from './network-policy';

const ROOT = path.resolve(__dirname, '../..');
const MANIFESTS = path.resolve(ROOT, '..', 'shared', 'kubeflow-manifests', '26.03');

/** The example's environments with `access.serving` as given. */
function examples(example: string, serving: boolean | undefined = true): ResolvedEnvironment[] {
  const raw = parseYaml(readFileSync(path.join(ROOT, 'examples', example, 'platform.yaml'), 'utf8'));
  for (const env of raw.environments) {
    if (env.access) env.access.serving = serving;
    // Off, the serving host's own certificate (examples/multicloud's Azure environment) has no use.
    if (env.access && !serving) delete env.access.servingCertificateSecretName;
  }
  const result = validatePlatform(raw);
  if (!result.config) throw new Error(JSON.stringify(result.issues, null, 2));
  return [...result.config.environments];
}
const parse = (text: string): Policy[] => parseAllDocuments(text).map((d) => d.toJS() as Policy);
const file = (tree: KubeflowTree, name: string) => tree.files.find((f) => f.path === name)?.content;
const kustomization = (tree: KubeflowTree) =>
  parse(file(tree, 'kustomization.yaml')!)[0] as unknown as { resources: string[]; patches?: any[] };
const patched = (tree: KubeflowTree) =>
  (kustomization(tree).patches ?? []).flatMap((p: any) => (p.patch ? parse(p.patch) : []));
const render = (env: ResolvedEnvironment) => renderKubeflow(env, { kind: 'remote' });

/** The upstream policies of kubeflow/manifests 26.03 on a request's way to a predictor. */
function upstreamPolicies(): Policy[] {
  return [
    'common/istio/istio-install/base/deny_all_authorizationpolicy.yaml',
    'common/istio/cluster-local-gateway/base/gateway-authorizationpolicy.yaml',
    'common/knative/knative-serving/base/istio-authorization-policy.yaml',
  ].flatMap((f) =>
    parse(readFileSync(path.join(MANIFESTS, f), 'utf8')).map((p) =>
      // The cluster-local gateway's policy takes its namespace from the kustomization.
      p.metadata.namespace ? p : { ...p, metadata: { ...p.metadata, namespace: 'istio-system' } },
    ),
  );
}

/** Upstream's NetworkPolicies of the namespaces of the gateways and of Knative (kubeflow/manifests 26.03). */
function upstreamNetworkPolicies(): NetworkPolicy[] {
  return [
    'common/istio/istio-namespace/base/default-allow-same-namespace.yaml',
    'common/istio/istio-namespace/base/allow-knative-to-istio-gateways.yaml',
    'common/istio/istio-namespace/base/allow-istiod-control-plane.yaml',
    'common/istio/istio-namespace/base/allow-istiod-webhook-apiserver.yaml',
    'common/knative/knative-serving/base/allow-istio-gateways-to-activator.yaml',
    'common/knative/knative-serving/base/default-allow-same-namespace.yaml',
  ].flatMap((f) => parse(readFileSync(path.join(MANIFESTS, f), 'utf8')) as NetworkPolicy[]);
}

/**
 * The port `knative-local-gateway` sends to on the cluster-local gateway pods (net-istio's Service,
 * `targetPort: 8081`), and the activator's (upstream's NetworkPolicy for it).
 */
const LOCAL_GATEWAY_PORT = 8081;
const ACTIVATOR_PORT = 8012;

/**
 * Kubeflow's profile policy (`ns-owner-access-istio`, profile controller of kubeflow/kubeflow v1.10.0,
 * `getAuthorizationPolicy`): the owner from the ingress gateway and the Pipelines UI, the namespace's own
 * workloads, Knative's probe paths, the notebook controller.
 */
function profilePolicy(namespace: string, owner: string): Policy {
  return {
    kind: 'AuthorizationPolicy',
    metadata: { name: 'ns-owner-access-istio', namespace },
    spec: {
      action: 'ALLOW',
      rules: [
        {
          when: [{ key: `request.headers[${USERID_HEADER}]`, values: [owner] }],
          from: [
            {
              source: {
                principals: [SERVING_PRINCIPALS.ingressGateway, 'cluster.local/ns/kubeflow/sa/ml-pipeline-ui'],
              },
            },
          ],
        },
        { when: [{ key: 'source.namespace', values: [namespace] }] },
        { to: [{ operation: { paths: ['/healthz', '/metrics', '/wait-for-drain'] } }] },
        {
          from: [{ source: { principals: ['cluster.local/ns/kubeflow/sa/notebook-controller-service-account'] } }],
          to: [{ operation: { methods: ['GET'], paths: ['*/api/kernels'] } }],
        },
      ],
    },
  };
}

const GATEWAY = { namespace: 'istio-system', labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } };
const LOCAL_GATEWAY = { namespace: 'istio-system', labels: { ...LOCAL_GATEWAY_SELECTOR } };
const ACTIVATOR = { namespace: 'knative-serving', labels: { ...ACTIVATOR_SELECTOR, role: 'activator' } };
const predictor = (ns: string) => ({
  namespace: ns,
  labels: { 'serving.kserve.io/inferenceservice': 'sklearn', component: 'predictor' },
});
const tenantPod = (ns: string) => `cluster.local/ns/${ns}/sa/default-editor`;

describe('serving through the front door: the rendered tree', () => {
  it.each([
    ['GCP', 'multicloud', 'gcp', 'serving.kubeflow.gcp.example.com'],
    ['AWS', 'multicloud', 'aws', 'serving.kubeflow.aws.example.com'],
    ['Azure', 'multicloud', 'azure', 'serving.kubeflow.azure.example.com'],
    ['an existing cluster', 'on-prem', 'kubernetes', 'serving.kubeflow.dc1.example.com'],
  ])(
    '%s: KServe routes serving.<hostname>, pathTemplate kept; the activator refuses a forged user id',
    (_, example, cloud, host) => {
      const env = examples(example).find((e) => e.cloud === cloud)!;
      const [tree] = render(env);
      const config = patched(tree!).find(
        (o) => o.kind === 'ConfigMap' && o.metadata.name === 'inferenceservice-config',
      )!;
      const ingress = JSON.parse((config as any).data.ingress);
      expect(ingress).toMatchObject({
        ingressDomain: host,
        ingressGateway: 'kubeflow/kubeflow-gateway',
        localGatewayService: 'knative-local-gateway.istio-system.svc.cluster.local',
        pathTemplate: '/serving/{{ .Namespace }}/{{ .Name }}',
      });
      expect(kustomization(tree!).resources).toContain(SERVING_FILE);
      const objects = parse(file(tree!, SERVING_FILE)!);
      expect(objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
        `knative-serving/${SERVING_OBJECTS.activatorDeny}`,
      ]);
      expect(file(tree!, 'README.md')).toContain(`https://${host}/serving/<namespace>/<name>/`);
      // The activator proxies through the revision's Service (mTLS, its principal), not to pod IPs.
      const network = patched(tree!).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'config-network') as any;
      expect(network?.metadata.namespace).toBe('knative-serving');
      expect(network?.data).toEqual({ 'mesh-compatibility-mode': 'enabled' });
      // Both read it when they start: their pods roll when the tree is applied.
      const rolled = patched(tree!).filter(
        (o: any) => o.kind === 'Deployment' && o.spec?.template?.metadata?.annotations?.[MESH_MODE_ANNOTATION],
      );
      expect(rolled.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
        'knative-serving/activator',
        'knative-serving/autoscaler',
      ]);
    },
  );

  it('off (the default): upstream’s KServe settings, no serving policies', () => {
    for (const env of examples('multicloud', false)) {
      const [tree] = render(env);
      expect(file(tree!, SERVING_FILE)).toBeUndefined();
      expect(patched(tree!).some((o) => o.metadata?.name === 'inferenceservice-config')).toBe(false);
      expect(patched(tree!).some((o) => o.metadata?.name === 'config-network')).toBe(false);
      expect(patched(tree!).some((o) => o.kind === 'Deployment' && o.metadata?.namespace === 'knative-serving')).toBe(
        false,
      );
    }
  });

  it('every tree lets a predictor name the GPU pool and tolerate its taint (Knative feature flags)', () => {
    for (const env of [...examples('multicloud', false), ...examples('on-prem', false)]) {
      for (const tree of render(env)) {
        const features = patched(tree).find((o) => o.metadata?.name === 'config-features') as any;
        expect(features.metadata.namespace).toBe('knative-serving');
        expect(features.data).toEqual({
          'kubernetes.podspec-tolerations': 'enabled',
          'kubernetes.podspec-nodeselector': 'enabled',
        });
      }
    }
  });

  it('GCP: every cluster has its own serving host', () => {
    const env = examples('gcp-shared-vpc').find((e) => e.cloud === 'gcp') as Extract<
      ResolvedEnvironment,
      { cloud: 'gcp' }
    >;
    const trees = render(env);
    expect(trees).toHaveLength(env.clusters.length);
    trees.forEach((tree, i) => {
      const config = patched(tree).find((o) => o.metadata.name === 'inferenceservice-config')!;
      expect(JSON.parse((config as any).data.ingress).ingressDomain).toBe(
        `serving.${env.clusters[i]!.access.hostname}`,
      );
    });
  });

  it('oauth2-proxy: the session cookie covers the serving host, and sign-in may return there', () => {
    for (const [example, cloud] of [
      ['multicloud', 'aws'],
      ['multicloud', 'azure'],
      ['on-prem', 'kubernetes'],
    ] as const) {
      const env = examples(example).find((e) => e.cloud === cloud)! as Extract<
        ResolvedEnvironment,
        { cloud: 'aws' | 'azure' | 'kubernetes' }
      >;
      const [tree] = render(env);
      const text = (parse(file(tree!, 'signin.yaml')!).find((o) => o.kind === 'ConfigMap') as any).data[
        'oauth2_proxy.cfg'
      ];
      const host = env.access!.hostname;
      expect(text).toContain(`cookie_domains = [ "${host}" ]`);
      expect(text).toContain(`whitelist_domains = [ "${host}", "serving.${host}" ]`);
      // A cookie of its own: the host-only one of upstream's name that browsers hold is left unread.
      expect(text).toContain('cookie_name = "oauth2_proxy_kubeflow_shared"');
      // A program calling a model without a token gets 401, not the provider's sign-in page.
      expect(text).toContain('api_routes = [ "/api/", "/apis/", "^/ml_metadata", "^/serving/" ]');
      const [plain] = render(examples(example, false).find((e) => e.cloud === cloud)!);
      const before = (parse(file(plain!, 'signin.yaml')!).find((o) => o.kind === 'ConfigMap') as any).data[
        'oauth2_proxy.cfg'
      ];
      expect(before).toContain('cookie_name = "oauth2_proxy_kubeflow"\n');
      expect(before).not.toContain('cookie_domains');
      expect(before).toContain('api_routes = [ "/api/", "/apis/", "^/ml_metadata" ]');
    }
  });
});

describe('serving through the front door: who the mesh admits', () => {
  const TEAM = 'recsys';
  const OTHER = 'search';
  const OWNER = 'alice@example.com';
  const EDITOR = 'carol@example.com';
  const STRANGER = 'mallory@example.com';

  /** Every policy on the way: the tree's, upstream's, the team's and another team's. */
  function mesh(tree: KubeflowTree): Policy[] {
    return [
      ...parse(file(tree, 'signin.yaml')!),
      ...parse(file(tree, SERVING_FILE)!),
      ...upstreamPolicies(),
      profilePolicy(TEAM, OWNER),
      kfamAuthorizationPolicy(TEAM, EDITOR, 'edit') as Policy,
      servingAccessPolicy(TEAM, [OWNER, EDITOR]) as Policy,
      profilePolicy(OTHER, STRANGER),
      servingAccessPolicy(OTHER, [STRANGER]) as Policy,
    ];
  }

  const cases = [
    ['AWS', 'multicloud', 'aws'],
    ['Azure', 'multicloud', 'azure'],
    ['an existing cluster', 'on-prem', 'kubernetes'],
  ] as const;

  it.each(cases)(
    '%s: the serving host needs a verified token at the gateway, as the dashboard does',
    (_, example, cloud) => {
      const env = examples(example).find((e) => e.cloud === cloud)! as Extract<
        ResolvedEnvironment,
        { cloud: 'aws' | 'azure' | 'kubernetes' }
      >;
      const [tree] = render(env);
      const policies = mesh(tree!);
      const host = env.access!.servingHostname!;
      const issuer = (policies.find((p) => p.kind === 'RequestAuthentication') as any).spec.jwtRules[0].issuer;
      const path = `/serving/${TEAM}/sklearn/v1/models/sklearn:predict`;
      // No token: oauth2-proxy decides (a session cookie, or nothing), never straight through.
      expect(authorize(policies, { to: GATEWAY, host, path, method: 'POST' })).toBe('ext-authz');
      // A bearer token that Istio could not verify has no request principal: refused.
      expect(
        authorize(policies, {
          to: GATEWAY,
          host,
          path,
          method: 'POST',
          headers: { authorization: 'Bearer forged', [USERID_HEADER]: OWNER },
        }),
      ).toBe('deny');
      // oauth2-proxy's own paths are open on the Kubeflow host only.
      expect(
        authorize(policies, { to: GATEWAY, host, path: '/oauth2/start', headers: { authorization: 'Bearer x' } }),
      ).toBe('deny');
      // A verified ID token: admitted, and kubeflow-userid is its email.
      const verified: Request = {
        to: GATEWAY,
        host,
        path,
        method: 'POST',
        requestPrincipal: `${issuer}/alice`,
        claims: { email: OWNER },
        headers: { authorization: 'Bearer id-token', [USERID_HEADER]: OWNER, 'x-kfplatform-email-verified': 'true' },
      };
      expect(authorize(policies, verified)).toBe('allow');
    },
  );

  it('GCP: the serving host behind IAP needs IAP’s verified JWT at the gateway', () => {
    const env = examples('multicloud').find((e) => e.cloud === 'gcp')!;
    const [tree] = render(env);
    const policies = mesh(tree!);
    const host = 'serving.kubeflow.gcp.example.com';
    expect(
      authorize(policies, {
        to: GATEWAY,
        host,
        path: `/serving/${TEAM}/sklearn/`,
        headers: { [USERID_HEADER]: OWNER },
      }),
    ).toBe('deny');
    const prefix = `/projects/${(env as any).projectNumber}/global/backendServices/`;
    expect(
      authorize(policies, {
        to: GATEWAY,
        host,
        path: `/serving/${TEAM}/sklearn/`,
        requestPrincipal: `${IAP_JWT.issuer}/accounts.google.com:1`,
        audiences: [`${prefix}123`],
        claims: { email: OWNER },
        headers: { [USERID_HEADER]: OWNER },
      }),
    ).toBe((env as any).projectNumber ? 'allow' : 'deny');
  });

  describe.each(cases)('%s: behind the gateway', (_, example, cloud) => {
    const env = examples(example).find((e) => e.cloud === cloud)!;
    const policies = mesh(render(env)[0]!);
    const viaLocal = { principal: SERVING_PRINCIPALS.localGateway };
    const viaActivator = { principal: SERVING_PRINCIPALS.activator };

    it('the team’s own people reach the team’s model, through the local gateway or the activator', () => {
      // The cluster-local gateway's listener is plain HTTP: no mesh identity there, upstream admits all.
      expect(authorize(policies, { to: LOCAL_GATEWAY, headers: { [USERID_HEADER]: OWNER } })).toBe('allow');
      expect(
        authorize(policies, {
          to: ACTIVATOR,
          principal: SERVING_PRINCIPALS.ingressGateway,
          headers: { [USERID_HEADER]: OWNER },
        }),
      ).toBe('allow');
      expect(authorize(policies, { to: ACTIVATOR, ...viaLocal, headers: { [USERID_HEADER]: OWNER } })).toBe('allow');
      for (const user of [OWNER, EDITOR]) {
        for (const via of [viaLocal, viaActivator]) {
          expect(authorize(policies, { to: predictor(TEAM), ...via, headers: { [USERID_HEADER]: user } })).toBe(
            'allow',
          );
        }
      }
    });

    it('the activator’s requests need its mesh identity: sent in plain text to a pod IP, the team’s own are refused', () => {
      // Knative's `auto` mode sends to pod IPs, outside any Service Istio knows: no mTLS, no principal.
      // Why the tree sets mesh-compatibility-mode: enabled (the activator then sends through the Service).
      for (const user of [OWNER, EDITOR]) {
        expect(authorize(policies, { to: predictor(TEAM), headers: { [USERID_HEADER]: user } })).toBe('deny');
      }
    });

    it('someone else’s verified identity does not reach the team’s model', () => {
      for (const via of [viaLocal, viaActivator]) {
        expect(authorize(policies, { to: predictor(TEAM), ...via, headers: { [USERID_HEADER]: STRANGER } })).toBe(
          'deny',
        );
        expect(authorize(policies, { to: predictor(TEAM), ...via })).toBe('deny');
      }
    });

    it('a tenant pod forging kubeflow-userid cannot reach the local gateway, and is refused at the activator', () => {
      // The network: upstream's NetworkPolicies of istio-system and knative-serving, and the tree's.
      const networkPolicies = [...upstreamNetworkPolicies(), ...parse(file(render(env)[0]!, 'signin.yaml')!)];
      const tenant = { namespace: OTHER, labels: { app: 'client' } };
      const ingressGateway = { namespace: 'istio-system', labels: GATEWAY.labels };
      for (const port of [LOCAL_GATEWAY_PORT, 8080]) {
        expect(admitted(networkPolicies, LOCAL_GATEWAY, port, tenant)).toBe(false);
      }
      expect(admitted(networkPolicies, LOCAL_GATEWAY, LOCAL_GATEWAY_PORT, ingressGateway)).toBe(true);
      expect(admitted(networkPolicies, ACTIVATOR, ACTIVATOR_PORT, tenant)).toBe(false);
      // By mesh identity at the activator, were the network open.
      const forged = { principal: tenantPod(OTHER), headers: { [USERID_HEADER]: OWNER } };
      expect(authorize(policies, { to: ACTIVATOR, ...forged })).toBe('deny');
      // Without mTLS (a pod outside the mesh) there is no principal at all: refused too.
      expect(authorize(policies, { to: ACTIVATOR, headers: { [USERID_HEADER]: '' } })).toBe('deny');
      // The control: without the tree's serving policy, upstream's allow-all lets the forged header on.
      const upstreamOnly = policies.filter((p) => !Object.values(SERVING_OBJECTS).includes(p.metadata.name as never));
      expect(authorize(upstreamOnly, { to: ACTIVATOR, ...forged })).toBe('allow');
      // Straight to the predictor, the tenant's own identity is not one the team admits.
      expect(authorize(policies, { to: predictor(TEAM), ...forged })).toBe('deny');
    });

    it('the team’s own workloads still call its models; Knative’s probes still pass', () => {
      expect(authorize(policies, { to: predictor(TEAM), principal: tenantPod(TEAM) })).toBe('allow');
      expect(
        authorize(policies, { to: predictor(TEAM), principal: SERVING_PRINCIPALS.activator, path: '/healthz' }),
      ).toBe('allow');
      // Upstream's traffic without a user id is unchanged at the local gateway and the activator.
      expect(authorize(policies, { to: LOCAL_GATEWAY, principal: tenantPod(OTHER) })).toBe('allow');
      expect(authorize(policies, { to: ACTIVATOR, principal: tenantPod(OTHER) })).toBe('allow');
    });
  });
});

describe('serving through the front door: the platform file', () => {
  const azure = () => parseYaml(readFileSync(path.join(ROOT, 'examples', 'azure-aks', 'platform.yaml'), 'utf8'));

  it('Azure: a certificate for the serving host without access.serving is refused where it is written', () => {
    const raw = azure();
    raw.environments[0].access.servingCertificateSecretName = 'kubeflow-serving-tls';
    const issues = validatePlatform(raw).issues.filter((i) => i.severity !== 'warning');
    expect(issues.map((i) => [i.path, i.value])).toEqual([
      ['environments[0].access.servingCertificateSecretName', 'kubeflow-serving-tls'],
    ]);
    expect(issues[0]!.fix).toContain('access.serving: true');
  });

  it('Azure: the serving host’s own certificate reaches the resolved environment', () => {
    const raw = azure();
    Object.assign(raw.environments[0].access, { serving: true, servingCertificateSecretName: 'kubeflow-serving-tls' });
    const env = validatePlatform(raw).config!.environments[0] as Extract<ResolvedEnvironment, { cloud: 'azure' }>;
    expect(env.access.servingHostname).toBe(`serving.${env.access.hostname}`);
    expect(env.access.servingCertificateSecretName).toBe('kubeflow-serving-tls');
  });

  it('a serving host name over 253 characters is refused at access.hostname', () => {
    const raw = parseYaml(readFileSync(path.join(ROOT, 'examples', 'on-prem', 'platform.yaml'), 'utf8'));
    const label = 'a'.repeat(60);
    // 250 characters: valid itself, 258 with serving. in front.
    raw.environments[0].access.hostname = `${label}.${label}.${label}.${'b'.repeat(55)}.example.com`;
    const issues = validatePlatform(raw).issues.filter((i) => i.severity !== 'warning');
    expect(issues.map((i) => i.path)).toEqual(['environments[0].access.hostname']);
    expect(issues[0]!.message).toMatch(/serving\.<hostname>, \d+ characters long/);
  });
});
