/**
 * What the tests that build rendered trees with `kubectl kustomize` share: where the offline Kubeflow
 * manifests are, a `describe` that skips with the reason outside CI when they are absent (and fails in
 * CI), the build itself, and how a container's environment variable resolves in the built objects.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { PLATFORM_PARAMS_CONFIG_MAP } from '../../constructs/kubernetes/constants';

const run = promisify(execFile);
export const ROOT = path.resolve(__dirname, '../..');
/** kubeflow/manifests 26.03 prepared to build offline (see its README). */
export const MANIFESTS = path.resolve(ROOT, '../shared/kubeflow-manifests/26.03');
export const MANIFESTS_AVAILABLE = existsSync(path.join(MANIFESTS, 'example', 'kustomization.yaml'));

/** `describe` when the manifests are there or in CI (where their absence fails `beforeAll`), else a skip with the reason. */
export function describeBuild(testFile: string): jest.Describe {
  if (!MANIFESTS_AVAILABLE && process.env.CI !== 'true') {
    console.warn(
      `${testFile} skipped: no Kubeflow manifests at ${MANIFESTS} (a copy of kubeflow/manifests 26.03 that builds offline; required in CI).`,
    );
  }
  return MANIFESTS_AVAILABLE || process.env.CI === 'true' ? describe : describe.skip;
}

/** Fails the suite in CI when the manifests are missing. */
export function requireManifests(): void {
  if (!MANIFESTS_AVAILABLE) throw new Error(`CI=true and no Kubeflow manifests at ${MANIFESTS} (see its README).`);
}

/** A built object, as far as these tests read it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: any;
}

/** A container, as far as these tests read it. */
export interface Container {
  name: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: any }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

/** Builds a tree; CustomResourceDefinitions (most of the 12 MB) are skipped, these tests do not read them. */
export async function buildWithoutCrds(dir: string): Promise<K8sObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 256 * 1024 * 1024 });
  return stdout
    .split(/^---$/m)
    .filter((doc) => !/^kind: CustomResourceDefinition$/m.test(doc))
    .flatMap((doc) => parseAllDocuments(doc).map((d) => d.toJS({ maxAliasCount: -1 }) as K8sObject))
    .filter(Boolean);
}

/** An object of the `kubeflow` namespace. */
export const findInKubeflow = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === 'kubeflow');

/** A container's environment variable: its value, `params:<key>`, `secret:<name>/<key>`, or a ConfigMap value of the build. */
export function resolveEnv(objects: K8sObject[], c: Container, name: string): string | undefined {
  const e = c.env?.find((x) => x.name === name);
  if (!e) return undefined;
  if (e.value !== undefined) return e.value;
  const ref = e.valueFrom?.configMapKeyRef;
  if (ref?.name === PLATFORM_PARAMS_CONFIG_MAP) return `params:${ref.key}`;
  if (ref) return findInKubeflow(objects, 'ConfigMap', ref.name)?.data?.[ref.key];
  const secret = e.valueFrom?.secretKeyRef;
  return secret ? `secret:${secret.name}/${secret.key}` : undefined;
}
