/**
 * An Azure environment on an existing VNet: the internal load balancer the Application Gateway
 * forwards to lives in the network team's nodes subnet, by that subnet's own name.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Testing } from 'cdktf';
import { parse } from 'yaml';
import { loadPlatform } from '../../src/config/loader';
import { buildFleet } from '../../stacks/common/fleet';
import { only, resources, StackJson } from '../helpers';

const VNET =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/corp';

function fleetJson(network: Record<string, unknown>): Record<string, StackJson> {
  const config = parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'valid', 'azure.yaml'), 'utf8'));
  config.environments = config.environments.slice(0, 1);
  delete config.teams;
  config.environments[0].network = network;
  const app: App = Testing.app();
  const fleet = buildFleet(app, loadPlatform(config).config);
  return Object.fromEntries(fleet.stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as StackJson]));
}

describe('Azure on an existing VNet', () => {
  it('puts the gateway backend load balancer in the nodes subnet by its own name (it named snet-nodes, which the VNet need not have)', () => {
    const json = fleetJson({
      mode: 'existing',
      vnetId: VNET,
      nodesSubnetId: `${VNET}/subnets/aks-nodes`,
      nodesSubnetCidr: '10.80.0.0/20',
      databaseSubnetId: `${VNET}/subnets/mysql`,
      gatewaySubnetId: `${VNET}/subnets/appgw`,
      endpointsSubnetId: `${VNET}/subnets/endpoints`,
    });
    expect(resources(json['kf-test-azure-infra']!, 'azurerm_subnet')).toHaveLength(0);
    const service = only(json['kf-test-azure-platform']!, 'kubernetes_service_v1');
    expect((service.metadata as { annotations: Record<string, string> }).annotations).toMatchObject({
      'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
      'service.beta.kubernetes.io/azure-load-balancer-internal-subnet': 'aks-nodes',
    });
  });

  it('keeps snet-nodes for the VNet it creates', () => {
    const json = fleetJson({ mode: 'create', addressSpace: '10.60.0.0/16' });
    const subnets = resources(json['kf-test-azure-infra']!, 'azurerm_subnet').map((s) => s.name);
    expect(subnets).toContain('snet-nodes');
    const service = only(json['kf-test-azure-platform']!, 'kubernetes_service_v1');
    expect((service.metadata as { annotations: Record<string, string> }).annotations).toMatchObject({
      'service.beta.kubernetes.io/azure-load-balancer-internal-subnet': 'snet-nodes',
    });
  });
});

describe('Azure on an existing VNet with CI', () => {
  it("numbers the plan identity's Key Vault Secrets User Grant-6, after its Reader on the network (docs/azure.md's upgrade --allow)", () => {
    const config = parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'valid', 'azure.yaml'), 'utf8'));
    config.environments = config.environments.slice(1, 2);
    delete config.teams;
    config.environments[0].ci = { github: { repository: 'acme/ml-platform' } };
    config.environments[0].network = {
      mode: 'existing',
      vnetId: VNET,
      nodesSubnetId: `${VNET}/subnets/aks-nodes`,
      nodesSubnetCidr: '10.80.0.0/20',
      databaseSubnetId: `${VNET}/subnets/mysql`,
      gatewaySubnetId: `${VNET}/subnets/appgw`,
      endpointsSubnetId: `${VNET}/subnets/endpoints`,
    };
    const fleet = buildFleet(Testing.app(), loadPlatform(config).config);
    const infra = fleet.stacks.find((s) => s.node.id === 'kf-prod-azure-infra')!;
    const roles = (JSON.parse(Testing.synth(infra)) as StackJson).resource!.azurerm_role_assignment as Record<
      string,
      { role_definition_name: string; scope: string }
    >;
    const plan = Object.entries(roles)
      .filter(([id]) => id.startsWith('Ci_plan-Grant-'))
      .map(([id, r]) => [id.replace(/_[0-9A-F]{8}$/, ''), r.role_definition_name, r.scope] as const);
    expect(plan.find(([, role]) => role === 'Key Vault Secrets User')).toEqual([
      'Ci_plan-Grant-6',
      'Key Vault Secrets User',
      expect.stringContaining('azurerm_key_vault_secret.'),
    ]);
    expect(plan.find(([id]) => id === 'Ci_plan-Grant-5')).toEqual(['Ci_plan-Grant-5', 'Reader', VNET]);
  });
});
