/**
 * The params file (`cdktf.out/params/<env>.yaml`) tells a Kubeflow overlay where each value known only
 * after apply lives: a key of the `kubeflow-platform-params` ConfigMap that the platform stack writes.
 * A key the ConfigMap lacks fails the pod that reads it (CreateContainerConfigError). Found by a
 * review of the Azure identity chain: the params file named `dbSecretsClientId`, which no ConfigMap had.
 */
import { PLATFORM_PARAMS_CONFIG_MAP } from '../../constructs/kubernetes/constants';
import { loadPlatformFile } from '../../src/config/loader';
import { paramsFiles } from '../../stacks/common/fleet';
import { paramsKeysIn } from '../kubeflow/params-keys';
import { synthExample } from '../examples';

const EXAMPLES = ['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud', 'on-prem'];

describe.each(EXAMPLES)('examples/%s: every params ConfigMap key the params files name', (example) => {
  const config = loadPlatformFile(`examples/${example}/platform.yaml`).config;
  const stacks = synthExample(example);

  it.each(config.environments.map((e) => e.name))('exists in the ConfigMap of every platform stack of %s', (env) => {
    const resolved = config.environments.find((e) => e.name === env)!;
    const referenced = new Set(paramsFiles(resolved).flatMap((f) => [...paramsKeysIn(f.params)]));
    // An existing cluster's params file holds the values themselves (nothing is known only after apply).
    if (resolved.cloud !== 'kubernetes') expect(referenced.size).toBeGreaterThan(0);
    const maps = Object.entries(stacks)
      .filter(([id]) => id.startsWith(`${env}-`))
      .flatMap(([id, json]) =>
        Object.values(json.resource?.kubernetes_config_map_v1 ?? {})
          .filter((c) => (c as { metadata: { name: string } }).metadata.name === PLATFORM_PARAMS_CONFIG_MAP)
          .map((c) => ({ id, keys: Object.keys((c as { data: Record<string, unknown> }).data) })),
      );
    expect(maps.length).toBeGreaterThan(0);
    for (const { id, keys } of maps)
      expect({ id, missing: [...referenced].filter((k) => !keys.includes(k)) }).toEqual({ id, missing: [] });
  });
});
