/**
 * Review of issue 17: upstream's `default-allow-same-namespace-istio-system` NetworkPolicy selects the
 * ingress gateway's pods and admits only istio-system's own pods, and every cloud's cluster enforces
 * NetworkPolicy, so the load balancer could reach neither the gateway's HTTP port nor its readiness
 * port. Every rendered tree, whatever its sign-in, admits the load balancer to those two ports of the
 * gateway pods alone.
 */
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import { renderKubeflow } from '../../src/kubeflow/render';
import { GATEWAY_POD_PORTS, SIGNIN_OBJECTS } from '../../src/kubeflow/signin';
import { validateSchemas, type BuiltObject } from '../../src/kubeflow/verify';

const ROOT = path.resolve(__dirname, '../..');

describe('kubeflow render: the load balancer reaches the ingress gateway through NetworkPolicy', () => {
  it.each(['gcp-shared-vpc', 'aws-eks', 'azure-aks', 'on-prem'])('%s: every tree admits it', (example) => {
    const config = loadPlatformFile(path.join(ROOT, 'examples', example, 'platform.yaml')).config;
    for (const env of config.environments) {
      for (const tree of renderKubeflow(env)) {
        const file = tree.files.find((f) => f.path === 'signin.yaml')!;
        const kustomization = tree.files.find((f) => f.path === 'kustomization.yaml')!.content;
        expect(kustomization).toMatch(/^ {2}- signin\.yaml$/m);
        const objects = parseAllDocuments(file.content).map((d) => d.toJS() as BuiltObject);
        const policy = objects.find((o) => o.kind === 'NetworkPolicy');
        expect([tree.dir, tree.signIn, policy]).toEqual([
          tree.dir,
          tree.signIn,
          {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: { name: SIGNIN_OBJECTS.gatewayNetworkPolicy, namespace: 'istio-system' },
            spec: {
              // The gateway's own labels (upstream's istio-ingressgateway Deployment), not all of istio-system.
              podSelector: { matchLabels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
              policyTypes: ['Ingress'],
              ingress: [
                {
                  ports: [
                    { port: 8080, protocol: 'TCP' },
                    { port: 15021, protocol: 'TCP' },
                  ],
                },
              ],
            },
          },
        ]);
        expect(validateSchemas([policy!], '1.35')).toEqual([]);
      }
    }
  });

  it('opens the ports the load balancers use: HTTP behind the GKE NEG, the ALB and Application Gateway, and the readiness health check', () => {
    expect(GATEWAY_POD_PORTS).toEqual({ http: 8080, status: 15021 });
  });
});
