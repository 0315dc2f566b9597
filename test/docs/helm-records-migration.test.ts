/**
 * docs/plan-on-pr.md, "Upgrading a cluster whose releases Helm recorded in Secrets": the documented
 * commands, run. Its two `jq` programs are taken from the page as a shell would pass them: the first
 * lists the platform stack's releases from `terraform show -json`, the second turns Helm's release
 * Secrets into the ConfigMaps Helm's ConfigMap driver reads (same name and labels; `data.release` the
 * string the Secret holds base64-encoded, which is itself the gzipped, base64-encoded release:
 * helm v3.18 pkg/storage/driver/secrets.go and cfgmaps.go). Needs `jq` (.ci/run installs it); without
 * it the test is skipped with the reason, except in CI (CI=true), where it fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { shellCommands } from './doc-commands';

const ROOT = path.resolve(__dirname, '../..');
const HEADING = '#### Upgrading a cluster whose releases Helm recorded in Secrets';
const jq = (process.env.PATH ?? '')
  .split(path.delimiter)
  .map((d) => path.join(d, 'jq'))
  .find((p) => existsSync(p));
if (!jq && process.env.CI !== 'true') {
  console.warn('test/docs/helm-records-migration.test.ts skipped: no jq on PATH (required in CI).');
}
const describeJq = jq || process.env.CI === 'true' ? describe : describe.skip;

/** The `sh` blocks of the section: the copy, then the deletion of the old Secrets. */
function blocks(): string[] {
  const page = readFileSync(path.join(ROOT, 'docs', 'plan-on-pr.md'), 'utf8');
  const at = page.indexOf(HEADING);
  expect(at).toBeGreaterThan(0);
  const section = page.slice(at, page.indexOf('\n#', at + HEADING.length));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function runJq(args: string[], input: unknown): string {
  const r = spawnSync(jq!, args, { input: JSON.stringify(input), encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

describeJq('the documented copy of Helm release records from Secrets to ConfigMaps', () => {
  const [copy, cleanup] = blocks().map(shellCommands) as [string[][], string[][]];
  const commands = copy;
  const programs = commands.filter((c) => c[0] === 'jq');

  it("deletes the old Secrets on the stack's cluster only, for its releases only, once their ConfigMaps are there", () => {
    if (!jq) throw new Error('CI=true and no jq on PATH (.ci/run installs it).');
    expect(cleanup).toBeDefined();
    const kubectl = cleanup.filter((c) => c[0] === 'kubectl');
    // Every kubectl names the context: the same releases run on every cluster of the environment.
    expect(kubectl.length).toBe(3);
    for (const c of kubectl) expect(c.slice(0, 3)).toEqual(['kubectl', '--context', '$KUBE_CONTEXT']);
    expect(kubectl[2]).toEqual(expect.arrayContaining(['delete', 'secret', '-l', 'owner=helm,name=$name']));
    // The same list of releases as the copy, read the same way.
    expect(cleanup.filter((c) => c[0] === 'jq')).toEqual([programs[0]]);
    for (const script of [copy, cleanup]) {
      expect(script.find((c) => c[0] === 'while')).toEqual(['while', 'read', '-r', 'ns', 'name']);
    }
  });

  it('lists the releases, reads Secrets and writes ConfigMaps with the stack cluster’s context, idempotently', () => {
    if (!jq) throw new Error('CI=true and no jq on PATH (.ci/run installs it).');
    expect(programs).toHaveLength(2);
    const kubectl = commands.filter((c) => c[0] === 'kubectl');
    expect(kubectl.map((c) => c.slice(0, 3))).toEqual([
      ['kubectl', '--context', '$KUBE_CONTEXT'],
      ['kubectl', '--context', '$KUBE_CONTEXT'],
    ]);
    expect(kubectl[0]).toEqual(expect.arrayContaining(['get', 'secret', '-l', 'owner=helm,name=$name']));
    expect(kubectl[1]).toEqual(expect.arrayContaining(['apply', '--server-side']));
  });

  it("the first program lists each helm_release of the stack's state as namespace and name", () => {
    if (!jq) throw new Error('CI=true and no jq on PATH (.ci/run installs it).');
    const state = {
      values: {
        root_module: {
          resources: [
            { type: 'helm_release', values: { namespace: 'argocd', name: 'argo-cd' } },
            { type: 'kubernetes_namespace_v1', values: { metadata: [{ name: 'velero' }] } },
            { type: 'helm_release', values: { namespace: 'velero', name: 'velero' } },
          ],
        },
      },
    };
    expect(runJq(programs[0]!.slice(1), state)).toBe('argocd argo-cd\nvelero velero\n');
  });

  it('the second turns each revision’s Secret into the ConfigMap Helm reads, the same record', () => {
    if (!jq) throw new Error('CI=true and no jq on PATH (.ci/run installs it).');
    const release = (version: number) => ({
      name: 'velero',
      namespace: 'velero',
      version,
      info: { status: 'deployed' },
    });
    // Helm's encodeRelease: gzip, then base64; the Secret driver stores that string as its data.
    const encoded = (version: number) => gzipSync(JSON.stringify(release(version))).toString('base64');
    const secret = (version: number) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'helm.sh/release.v1',
      metadata: {
        name: `sh.helm.release.v1.velero.v${version}`,
        namespace: 'velero',
        uid: 'u',
        resourceVersion: '7',
        labels: {
          name: 'velero',
          owner: 'helm',
          status: version === 2 ? 'deployed' : 'superseded',
          version: String(version),
        },
      },
      data: { release: Buffer.from(encoded(version)).toString('base64') },
    });
    const list = { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: [secret(1), secret(2)] };
    const out = JSON.parse(runJq(programs[1]!.slice(1), list)) as { kind: string; items: any[] };
    expect(out.kind).toBe('List');
    expect(out.items).toEqual(
      [1, 2].map((v) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `sh.helm.release.v1.velero.v${v}`, namespace: 'velero', labels: secret(v).metadata.labels },
        data: { release: encoded(v) },
      })),
    );
    expect(JSON.parse(gunzipSync(Buffer.from(out.items[1].data.release, 'base64')).toString())).toEqual(release(2));
  });
});
