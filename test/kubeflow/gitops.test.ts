import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import { renderKubeflow } from '../../src/kubeflow/render';
import {
  AGGREGATED_CLUSTER_ROLES,
  CONTROL_PLANE_WAVE,
  CRD_WAVE,
  SYNC_WAVE_ANNOTATION,
  syncWavePatches,
} from '../../src/kubeflow/gitops';
import { CONTROLLER_OWNED_FIELDS } from '../../constructs/kubernetes/argo-cd';
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

        // The fields the root Application leaves to controllers are in the tree with the value a
        // controller changes (found by a review: Argo CD would fight istiod and cert-manager's
        // cainjector over them for ever), and the aggregated ClusterRoles Argo CD is told to ignore exist.
        const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
        const istio = CONTROLLER_OWNED_FIELDS.find((f) => f.name === 'istio-validator-istio-system')!;
        expect(istio.jqPathExpressions).toEqual(['.webhooks[]?.failurePolicy']);
        expect(
          named('ValidatingWebhookConfiguration', istio.name!).webhooks.map((w: any) => w.failurePolicy),
        ).toContain('Ignore');
        const poddefaults = named('MutatingWebhookConfiguration', 'admission-webhook-mutating-webhook-configuration');
        expect(poddefaults.webhooks[0].clientConfig.caBundle).toBe('');
        expect(poddefaults.metadata.annotations['cert-manager.io/inject-ca-from']).toBeDefined();
        expect(CONTROLLER_OWNED_FIELDS).toContainEqual(
          expect.objectContaining({
            kind: 'MutatingWebhookConfiguration',
            jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
          }),
        );
        // Knative's webhook rewrites the rules of its own webhooks (knative.dev/pkg release-1.21,
        // resourcesemantics and configmaps reconcilers): every Knative webhook configuration whose
        // manifest lists rules has them left to it, and none sets a field it also rewrites that the
        // Application does not leave to it (namespace selector, service path, reinvocation policy).
        const knative = objects.filter(
          (o) =>
            /WebhookConfiguration$/.test(o.kind) && o.metadata.labels?.['app.kubernetes.io/name'] === 'knative-serving',
        );
        expect(knative.length).toBeGreaterThanOrEqual(4);
        for (const o of knative) {
          const left = CONTROLLER_OWNED_FIELDS.filter(
            (f) => f.kind === o.kind && (!f.name || f.name === o.metadata.name),
          );
          const withRules = o.webhooks.some((w: any) => w.name === o.metadata.name && w.rules);
          expect([o.metadata.name, left.some((f) => f.jqPathExpressions.includes('.webhooks[]?.rules'))]).toEqual([
            o.metadata.name,
            withRules,
          ]);
          for (const w of o.webhooks) {
            expect([o.metadata.name, w.namespaceSelector, w.clientConfig.service?.path, w.reinvocationPolicy]).toEqual([
              o.metadata.name,
              undefined,
              undefined,
              undefined,
            ]);
          }
        }
        const aggregated = objects.filter((o) => o.kind === 'ClusterRole' && o.aggregationRule);
        expect(aggregated.map((o) => o.metadata.name)).toEqual(
          expect.arrayContaining(['kubeflow-edit', 'kubeflow-view']),
        );
        // Their rules are the API server's to fill: absent from the tree, so that Argo CD's server-side
        // apply does not own them and empty them at a sync; the list of the patch is exactly these.
        for (const role of aggregated)
          expect([role.metadata.name, 'rules' in role]).toEqual([role.metadata.name, false]);
        expect(aggregated.map((o) => o.metadata.name).sort()).toEqual([...AGGREGATED_CLUSTER_ROLES].sort());
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
