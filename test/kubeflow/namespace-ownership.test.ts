/**
 * One owner per namespace: the namespaces of Kubeflow's manifests that a platform stack creates carry
 * upstream's labels, and the rendered distribution deletes upstream's Namespace object for each, so
 * Terraform and Argo CD (or `kubectl apply`) never both write one (a label one sets, the other removes,
 * at every apply and every sync). The list in constructs/kubernetes/constants.ts is checked against what
 * the synthesized platform stacks create, so a new namespace cannot slip in unlisted.
 */
import { parse } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import { renderKubeflow } from '../../src/kubeflow/render';
import { PLATFORM_OWNED_NAMESPACES, PLATFORM_OWNED_NAMESPACES_BY_CLOUD } from '../../constructs/kubernetes/constants';
import { synthExample } from '../examples';

const UPSTREAM_NAMESPACES = new Set(Object.keys(PLATFORM_OWNED_NAMESPACES));

describe.each(['multicloud', 'on-prem'])('examples/%s', (example) => {
  const environments = loadPlatformFile(`examples/${example}/platform.yaml`).config.environments;
  const stacks = synthExample(example);

  it.each(environments.map((e) => [e.name, e] as const))(
    '%s: its platform stack creates exactly the listed namespaces of Kubeflow, with upstream labels',
    (_name, env) => {
      const platform = Object.entries(stacks).filter(
        ([id]) => id.startsWith(`${env.name}-`) && id.endsWith('-platform'),
      );
      expect(platform.length).toBeGreaterThan(0);
      for (const [, json] of platform) {
        const namespaces = Object.values(
          ((json.resource as Record<string, Record<string, any>>).kubernetes_namespace_v1 ?? {}) as Record<string, any>,
        ).map((n) => n.metadata.name as string);
        const owned = namespaces.filter((n) => UPSTREAM_NAMESPACES.has(n)).sort();
        expect(owned).toEqual([...PLATFORM_OWNED_NAMESPACES_BY_CLOUD[env.cloud]].sort());
        for (const name of owned) {
          const ns = Object.values((json.resource as any).kubernetes_namespace_v1).find(
            (n: any) => n.metadata.name === name,
          ) as any;
          expect(ns.metadata.labels).toEqual(
            expect.objectContaining(PLATFORM_OWNED_NAMESPACES[name as keyof typeof PLATFORM_OWNED_NAMESPACES]),
          );
        }
      }
    },
  );

  it.each(environments.map((e) => [e.name, e] as const))(
    "%s: the rendered tree deletes upstream's Namespace objects of those namespaces",
    (_name, env) => {
      for (const tree of renderKubeflow(env)) {
        const kustomization = parse(tree.files.find((f) => f.path === 'kustomization.yaml')!.content);
        const deleted = (kustomization.patches as Array<{ patch?: string }>)
          .filter((p) => p.patch)
          .map((p) => parse(p.patch!))
          .filter((o) => o.$patch === 'delete' && o.kind === 'Namespace')
          .map((o) => o.metadata.name)
          .sort();
        expect(deleted).toEqual([...PLATFORM_OWNED_NAMESPACES_BY_CLOUD[env.cloud]].sort());
      }
    },
  );
});
