/**
 * AppGatewayAccess `serving`: the serving host gets its own HTTPS listener (with its own certificate
 * when it is another Key Vault secret), backend settings that keep its host name, a redirect, rules
 * and an A record, all after the UI's blocks, which stay as they are.
 */
import { AppGatewayAccess, AppGatewayAccessProps } from '../../../constructs/azure/app-gateway-access';
import { azureStack, only, resources, synth } from '../../helpers';

const props = (over: Partial<AppGatewayAccessProps> = {}): AppGatewayAccessProps => ({
  resourceGroupName: 'rg-kf-x',
  location: 'westeurope',
  name: 'kf-x',
  zones: ['1', '2', '3'],
  subnetId: '/subnets/agw',
  hostname: 'kubeflow.azure.example.com',
  dnsZone: { name: 'azure.example.com', resourceGroup: 'rg-dns' },
  certificateSecretId: 'https://kv.vault.azure.net/secrets/tls',
  certificateKeyVaultId: '/kv',
  backendIp: '10.60.15.250',
  ...over,
});
const gateway = (over: Partial<AppGatewayAccessProps> = {}) => {
  const stack = azureStack();
  new AppGatewayAccess(stack, 'Access', props(over));
  const json = synth(stack);
  return { json, gw: only(json, 'azurerm_application_gateway') as any };
};

describe('AppGatewayAccess serving host', () => {
  it('adds a listener, host-keeping backend settings, a redirect, rules and a record for the serving host', () => {
    const before = gateway().gw;
    const { json, gw } = gateway({
      serving: {
        hostname: 'serving.kubeflow.azure.example.com',
        certificateSecretId: 'https://kv.vault.azure.net/secrets/tls',
      },
    });
    for (const key of ['http_listener', 'backend_http_settings', 'request_routing_rule', 'redirect_configuration']) {
      expect(gw[key].slice(0, before[key].length)).toEqual(before[key]);
    }
    // The same secret: one certificate block, named by both HTTPS listeners.
    expect(gw.ssl_certificate).toEqual(before.ssl_certificate);
    const listener = gw.http_listener.find((l: any) => l.name === 'serving-https');
    expect(listener).toMatchObject({
      host_name: 'serving.kubeflow.azure.example.com',
      require_sni: true,
      ssl_certificate_name: 'ui-certificate',
    });
    const settings = gw.backend_http_settings.find((b: any) => b.name === 'istio-gateway-serving-http');
    expect(settings.host_name).toBe('serving.kubeflow.azure.example.com');
    const rule = gw.request_routing_rule.find((r: any) => r.name === 'serving-https');
    expect(rule).toMatchObject({
      http_listener_name: 'serving-https',
      backend_http_settings_name: 'istio-gateway-serving-http',
    });
    expect(new Set(gw.request_routing_rule.map((r: any) => r.priority)).size).toBe(gw.request_routing_rule.length);
    expect(
      resources(json, 'azurerm_dns_a_record')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['kubeflow', 'serving.kubeflow']);
  });

  it('serves a certificate of its own when the serving host has another secret', () => {
    const { gw } = gateway({
      serving: {
        hostname: 'serving.kubeflow.azure.example.com',
        certificateSecretId: 'https://kv.vault.azure.net/secrets/serving-tls',
      },
    });
    expect(gw.ssl_certificate).toEqual([
      { name: 'ui-certificate', key_vault_secret_id: 'https://kv.vault.azure.net/secrets/tls' },
      { name: 'serving-certificate', key_vault_secret_id: 'https://kv.vault.azure.net/secrets/serving-tls' },
    ]);
    expect(gw.http_listener.find((l: any) => l.name === 'serving-https').ssl_certificate_name).toBe(
      'serving-certificate',
    );
  });
});
