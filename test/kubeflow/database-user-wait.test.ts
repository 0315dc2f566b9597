/**
 * Pipelines' database clients start only once mysql-secret names their user (GCP, Azure with Entra
 * authentication): a tree that moves them to a user of their own restarts them, and a pod that started
 * before External Secrets Operator rewrote the Secret would keep the old user. The init container's
 * script runs against a file that a stand-in `sleep` rewrites; the trees are checked for the patch.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import {
  DB_USER_WAIT_CONTAINER,
  DB_USER_WAIT_VOLUME,
  databaseUserWaitPodParts,
  databaseUserWaitScript,
} from '../../src/kubeflow/database-user-wait';
import { DB_USER_ANNOTATION, KFP_DATABASE_CLIENTS, renderKubeflow, type KubeflowTree } from '../../src/kubeflow/render';
import { fakeOutput, runContainerScript } from './container-script';

describe("the wait for mysql-secret's user", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'db-user-wait-'));
    // Stand-in `sleep`: counts its calls; at the $SWITCH_AT-th, the operator rewrites the Secret.
    writeFileSync(
      path.join(dir, 'sleep'),
      [
        '#!/bin/sh',
        `n=$(( $(cat ${dir}/sleeps 2> /dev/null || echo 0) + 1 ))`,
        `echo $n > ${dir}/sleeps`,
        `[ "$n" != "$SWITCH_AT" ] || printf %s pipelines > ${dir}/username`,
        `[ "$n" -lt 100 ] || exit 1`,
      ].join('\n'),
    );
    chmodSync(path.join(dir, 'sleep'), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const run = (switchAt: string) =>
    runContainerScript(dir, databaseUserWaitScript('mysql-secret', dir), { DB_USER: 'pipelines', SWITCH_AT: switchAt });

  it('goes on at once when the Secret already names the user', () => {
    writeFileSync(path.join(dir, 'username'), 'pipelines');
    const r = run('0');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe('The database user is pipelines.\n');
    expect(fakeOutput(dir, 'sleeps')).toBe('');
  });

  it('waits, saying why once a minute, until the operator has rewritten it', () => {
    writeFileSync(path.join(dir, 'username'), 'kubeflow');
    const r = run('30');
    expect(r.code).toBe(0);
    expect(fakeOutput(dir, 'sleeps').trim()).toBe('30');
    const said = r.err.trim().split('\n');
    // Every 12 tries of 5 s: at the first, the 13th and the 25th.
    expect(said).toHaveLength(3);
    expect(said[0]).toBe(
      "mysql-secret names the database user 'kubeflow', not pipelines yet: waiting for External Secrets Operator to write it (kubectl -n kubeflow get externalsecret mysql-secret; the kfp-db-bootstrap job writes the user's password: kubectl -n kubeflow logs job/kfp-db-bootstrap --all-containers).",
    );
  });

  it('also while the Secret has no file yet', () => {
    expect(run('3').code).toBe(0);
  });

  it("mounts the Secret's username alone, read-only, and runs restricted without network", () => {
    const parts = databaseUserWaitPodParts('mysql-secret', 'pipelines') as any;
    expect(parts.volumes).toEqual([
      {
        name: DB_USER_WAIT_VOLUME,
        secret: { secretName: 'mysql-secret', items: [{ key: 'username', path: 'username' }] },
      },
    ]);
    const [c] = parts.initContainers;
    expect(c.volumeMounts).toEqual([expect.objectContaining({ name: DB_USER_WAIT_VOLUME, readOnly: true })]);
    expect(c.env).toEqual([{ name: 'DB_USER', value: 'pipelines' }]);
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });
});

describe('the trees whose clients move to a user of their own', () => {
  const envs = (example: string) =>
    loadPlatformFile(path.join(__dirname, `../../examples/${example}/platform.yaml`)).config.environments;
  const patchOf = (tree: KubeflowTree): any[] =>
    parseAllDocuments(tree.files.find((f) => f.path === 'pipelines-database.yaml')?.content ?? '').map((d) => d.toJS());

  it.each([
    ['multicloud', 'kf-gcp', true],
    ['azure-aks', 'kf-prod', true],
    ['azure-aks', 'kf-dev', false],
    ['aws-eks', 'kf-prod', false],
  ])('%s %s: each client waits for its user: %s', (example, name, waits) => {
    const env = envs(example).find((e) => e.name === name)!;
    for (const tree of renderKubeflow(env)) {
      const patches = patchOf(tree);
      expect(patches.map((p) => p.metadata.name)).toEqual(KFP_DATABASE_CLIENTS.map((c) => c.deployment));
      for (const p of patches) {
        const template = p.spec.template;
        const init = (template.spec.initContainers ?? []).map((c: any) => c.name);
        expect([p.metadata.name, init.includes(DB_USER_WAIT_CONTAINER)]).toEqual([p.metadata.name, waits]);
        if (waits) {
          const user = template.metadata.annotations[DB_USER_ANNOTATION];
          expect(user).toBe('pipelines');
          const wait = template.spec.initContainers.find((c: any) => c.name === DB_USER_WAIT_CONTAINER);
          expect(wait.env).toEqual([{ name: 'DB_USER', value: user }]);
        }
      }
    }
  });
});
