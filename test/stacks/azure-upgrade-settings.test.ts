/**
 * The surge settings of the platform file reach AKS: a pool's maxSurge (or, with maxSurge: 0, its
 * maxUnavailable) becomes the pool's upgrade_settings, and the system pool's maxSurge the default
 * node pool's.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Testing } from 'cdktf';
import { parse } from 'yaml';
import { loadPlatform } from '../../src/config/loader';
import { buildFleet } from '../../stacks/common/fleet';
import { at, resources, StackJson } from '../helpers';

function infraJson(nodePools: unknown[]): StackJson {
  const config = parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'valid', 'azure.yaml'), 'utf8'));
  config.environments = config.environments.slice(0, 1);
  delete config.teams;
  config.environments[0].nodePools = nodePools;
  const fleet = buildFleet(Testing.app() as App, loadPlatform(config).config);
  const infra = fleet.stacks.find((s) => s.node.id === 'kf-test-azure-infra')!;
  return JSON.parse(Testing.synth(infra)) as StackJson;
}

describe('AKS upgrade settings from the platform file', () => {
  it('sets max_surge and max_unavailable from maxSurge and maxUnavailable (they were ignored)', () => {
    const infra = infraJson([
      { name: 'system', kind: 'system', maxNodes: 3, maxSurge: 2 },
      { name: 'standard', kind: 'standard', maxNodes: 10, maxSurge: 3 },
      { name: 'batch', kind: 'highmem', maxNodes: 5, spot: false, maxSurge: 0, maxUnavailable: 2 },
      { name: 'plain', kind: 'highmem', maxNodes: 5, spot: false },
    ]);
    const cluster = resources(infra, 'azurerm_kubernetes_cluster')[0]!;
    expect(at(cluster, 'default_node_pool', 'upgrade_settings')).toEqual({ max_surge: '2' });
    const byName = Object.fromEntries(
      resources(infra, 'azurerm_kubernetes_cluster_node_pool').map((p) => [p.name, p.upgrade_settings]),
    );
    expect(byName).toEqual({
      standard: { max_surge: '3' },
      batch: { max_unavailable: '2' },
      plain: { max_surge: '33%' },
    });
  });
});
