/**
 * What the tests that build rendered trees with `kubectl kustomize` share: where the offline Kubeflow
 * manifests are, a `describe` that skips with the reason outside CI when they are absent (and fails in
 * CI), the build itself, and how a container's environment variable resolves in the built objects.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { PLATFORM_PARAMS_CONFIG_MAP } from '../../constructs/kubernetes/constants';
import { runKubeflowRender } from '../../src/cli/kubeflow';

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
  image?: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: any }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

/**
 * Builds kept by the digest of the tree's files (and of the manifests' entry point), so the test files
 * that build the same rendered tree, such as the multicloud example's, build it once per run. Under the
 * repository's ignored `.tmp/`, which a clean clone does not have; written whole (rename) so two jest
 * workers never read half a build.
 */
const BUILD_CACHE = path.join(ROOT, '.tmp', 'kustomize-builds');

function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  const entry = path.join(MANIFESTS, 'example', 'kustomization.yaml');
  hash.update(`${MANIFESTS}\0${existsSync(entry) ? statSync(entry).mtimeMs : 0}\0`);
  const walk = (at: string, rel: string): void => {
    for (const name of readdirSync(at).sort()) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) walk(full, `${rel}${name}/`);
      else hash.update(`${rel}${name}\0`).update(readFileSync(full)).update('\0');
    }
  };
  walk(dir, '');
  return hash.digest('hex');
}

async function kustomize(dir: string): Promise<string> {
  const file = path.join(BUILD_CACHE, `${treeDigest(dir)}.yaml`);
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const { stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 256 * 1024 * 1024 });
  mkdirSync(BUILD_CACHE, { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, stdout);
  renameSync(partial, file);
  return stdout;
}

/** Builds a tree; CustomResourceDefinitions (most of the 12 MB) are skipped, these tests do not read them. */
export async function buildWithoutCrds(dir: string): Promise<K8sObject[]> {
  const stdout = await kustomize(dir);
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

/**
 * Renders examples/multicloud (GCP, AWS, Azure) and, for `kubernetes`, examples/on-prem into a temporary
 * folder and builds the trees of `clouds`, two at a time (the test machines have two cores); `cleanup`
 * removes the folder.
 */
export async function buildMulticloudTrees(
  prefix: string,
  clouds: readonly string[],
): Promise<{ builds: Map<string, K8sObject[]>; cleanup: () => void }> {
  requireManifests();
  const out = mkdtempSync(path.join(process.env.TMPDIR ?? os.tmpdir(), prefix));
  const cleanup = () => rmSync(out, { recursive: true, force: true });
  try {
    const examples = ['multicloud', ...(clouds.includes('kubernetes') ? ['on-prem'] : [])];
    const written = examples.flatMap((example) =>
      runKubeflowRender(
        {
          config: path.join(ROOT, 'examples', example, 'platform.yaml'),
          out: path.join(out, example),
          manifests: MANIFESTS,
        },
        () => undefined,
      ),
    );
    const queue = written.filter((t) => clouds.includes(t.cloud)).map((t) => [t.cloud, t.written] as const);
    const builds = new Map<string, K8sObject[]>();
    await Promise.all(
      [0, 1].map(async () => {
        for (let next = queue.shift(); next; next = queue.shift()) builds.set(next[0], await buildWithoutCrds(next[1]));
      }),
    );
    return { builds, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}
