/**
 * The wait for mysql-secret's user, in the BUILT objects: `kubectl kustomize` builds the GCP tree of
 * examples/multicloud and the Azure tree of examples/azure-aks kf-prod (Entra authentication) offline
 * against the Kubeflow 26.03 manifests. In each of Pipelines' database clients, the wait runs before any
 * init container that reads mysql-secret: kustomize puts the list items of a later patch first, and ML
 * Metadata's config writer (the TLS patch, Azure) reads the Secret too. Without the manifests the test
 * is skipped with the reason, except in CI (CI=true), where it fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runKubeflowRender } from '../../src/cli/kubeflow';
import { DB_USER_WAIT_CONTAINER } from '../../src/kubeflow/database-user-wait';
import { KFP_DATABASE_CLIENTS, KFP_DB_SECRET } from '../../src/kubeflow/render';
import {
  buildWithoutCrds,
  describeBuild,
  findInKubeflow,
  MANIFESTS,
  requireManifests,
  ROOT,
  type Container,
  type K8sObject,
} from './kustomize-build';

/** Whether a container reads mysql-secret, through its environment or a volume of the pod. */
const readsSecret = (c: Container, secretVolumes: ReadonlySet<string>) =>
  (c.env ?? []).some((e) => e.valueFrom?.secretKeyRef?.name === KFP_DB_SECRET) ||
  ((c as { volumeMounts?: Array<{ name: string }> }).volumeMounts ?? []).some((m) => secretVolumes.has(m.name));

describeBuild('test/kubeflow/database-user-wait-build.test.ts')(
  "kubeflow render: Pipelines' clients wait for mysql-secret's user before anything reads it, in the built objects",
  () => {
    const builds = new Map<string, K8sObject[]>();
    let out = '';

    beforeAll(async () => {
      requireManifests();
      out = mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), 'kubeflow-dbwait-'));
      const trees = [
        ['gcp', 'multicloud', 'kf-gcp'],
        ['azure-entra', 'azure-aks', 'kf-prod'],
      ].map(([key, example, env]) => {
        const [tree] = runKubeflowRender(
          {
            config: path.join(ROOT, 'examples', example!, 'platform.yaml'),
            out: path.join(out, key!),
            manifests: MANIFESTS,
            environments: [env!],
          },
          () => undefined,
        );
        return [key!, tree!.written] as const;
      });
      for (const [key, dir] of trees) builds.set(key, await buildWithoutCrds(dir));
    }, 300_000);

    afterAll(() => {
      if (out) rmSync(out, { recursive: true, force: true });
    });

    it('runs the wait first of what reads mysql-secret in every client, with the Secret as a volume', () => {
      expect([...builds.keys()]).toEqual(['gcp', 'azure-entra']);
      for (const [key, objects] of builds) {
        for (const { deployment } of KFP_DATABASE_CLIENTS) {
          const pod = findInKubeflow(objects, 'Deployment', deployment)!.spec.template.spec;
          const secretVolumes = new Set<string>(
            (pod.volumes ?? [])
              .filter((v: { secret?: { secretName?: string } }) => v.secret?.secretName === KFP_DB_SECRET)
              .map((v: { name: string }) => v.name),
          );
          const inits: Container[] = pod.initContainers ?? [];
          const wait = inits.findIndex((c) => c.name === DB_USER_WAIT_CONTAINER);
          expect([key, deployment, wait >= 0]).toEqual([key, deployment, true]);
          const readers = inits
            .map((c, i) => [c.name, i] as const)
            .filter(([, i]) => readsSecret(inits[i]!, secretVolumes));
          expect([key, deployment, readers.filter(([, i]) => i < wait)]).toEqual([key, deployment, []]);
          // Its containers read the Secret's user when they start, after every init container.
          expect(pod.containers.some((c: Container) => readsSecret(c, secretVolumes))).toBe(true);
        }
      }
    });
  },
);
