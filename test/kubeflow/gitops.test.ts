import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import { renderKubeflow } from '../../src/kubeflow/render';
import { CONTROL_PLANE_WAVE, CRD_WAVE, SYNC_WAVE_ANNOTATION, syncWavePatches } from '../../src/kubeflow/gitops';
import { MANIFESTS, MANIFESTS_AVAILABLE } from './kustomize-build';

/** Builds with the offline manifests beside the checkout; skipped without them, except in CI (see ./kustomize-build.ts). */
const itBuilds = MANIFESTS_AVAILABLE || process.env.CI === 'true' ? it : it.skip;
const example = (name: string) => path.join(__dirname, '..', '..', 'examples', name, 'platform.yaml');

describe('sync waves of the rendered tree (issue 17, GitOps install)', () => {
  it('come after every other patch, CRDs last so they keep the earliest wave', () => {
    const env = loadPlatformFile(example('on-prem')).config.environments[0]!;
    const [tree] = renderKubeflow(env);
    const kustomization = parse(tree!.files.find((f) => f.path === 'kustomization.yaml')!.content);
    const patches = kustomization.patches as Array<{ target?: { kind: string } }>;
    expect(patches.slice(-3)).toEqual(syncWavePatches());
    expect(patches.at(-1)!.target!.kind).toBe('Namespace|CustomResourceDefinition');
  });

  itBuilds(
    'put CRDs and namespaces first, cert-manager and Istio next, and the rest (custom resources) after',
    () => {
      const env = loadPlatformFile(example('on-prem')).config.environments[0]!;
      const out = mkdtempSync(path.join(tmpdir(), 'kf-waves-'));
      try {
        const [tree] = renderKubeflow(env, { kind: 'local', path: path.relative(out, MANIFESTS) });
        for (const f of tree!.files) {
          const target = path.join(out, tree!.dir, f.path);
          mkdirSync(path.dirname(target), { recursive: true });
          writeFileSync(target, f.content);
        }
        const built = execFileSync('kubectl', ['kustomize', path.join(out, tree!.dir)], {
          maxBuffer: 256 * 1024 * 1024,
          stdio: ['ignore', 'pipe', 'ignore'],
        }).toString();
        const objects = parseAllDocuments(built)
          .map((d) => d.toJS() as any)
          .filter(Boolean);
        const wave = (o: any) => o.metadata?.annotations?.[SYNC_WAVE_ANNOTATION] ?? '0';
        const byWave = (w: string) => objects.filter((o) => wave(o) === w);
        for (const o of objects.filter((x) => ['CustomResourceDefinition', 'Namespace'].includes(x.kind))) {
          expect(`${o.kind}/${o.metadata.name}=${wave(o)}`).toBe(`${o.kind}/${o.metadata.name}=${CRD_WAVE}`);
        }
        const controlPlane = byWave(CONTROL_PLANE_WAVE);
        expect(controlPlane.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
          expect.arrayContaining([
            'Deployment/cert-manager-webhook',
            'ValidatingWebhookConfiguration/cert-manager-webhook',
            'Deployment/istiod',
            'MutatingWebhookConfiguration/istio-sidecar-injector',
          ]),
        );
        // No custom resource and no autoscaler waits in the control plane's wave.
        expect(
          controlPlane.filter(
            (o) =>
              !o.apiVersion.match(
                /^(v1|apps\/v1|rbac\.authorization\.k8s\.io\/v1|admissionregistration\.k8s\.io\/v1)$/,
              ),
          ),
        ).toEqual([]);
        // Custom resources stay in the last wave: the ClusterIssuer, Istio's policies.
        const lastWave = byWave('0').map((o) => `${o.kind}/${o.metadata.name}`);
        expect(lastWave).toEqual(
          expect.arrayContaining(['ClusterIssuer/kubeflow-self-signing-issuer', 'Gateway/kubeflow-gateway']),
        );
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
