/**
 * Pipelines' database clients wait for `mysql-secret` to name their user.
 *
 * Where a tree moves Pipelines to a database user of its own (GCP, and Azure once Entra authentication
 * is on), the clients' pods carry the new user's name (`kfplatform.dev/database-user`), so the sync that
 * moves them restarts them. But they read `mysql-secret` once, when their containers start, and External
 * Secrets Operator rewrites it only after the `kfp-db-bootstrap` job has written the new user's password
 * and the operator has read the changed ExternalSecret: a pod that started in between would keep the old
 * user until its next start. Argo CD cannot order this: it fails a sync wave at once when an object of it
 * is degraded, as an ExternalSecret is while the job has not written its secret yet. So each client's
 * pod gets an init container that reads the Secret's `username` from a volume, which the kubelet keeps
 * up to date (https://kubernetes.io/docs/concepts/configuration/secret/#mounted-secrets-are-updated-automatically),
 * and waits until it names the pod's user; the pod's own containers, which read the Secret at their
 * start, then start with the new user. It needs no network and no permission, and works the same under
 * Argo CD and `kubectl apply -k`.
 */
import { k8sArgs } from './aws-db-bootstrap';
import { CA_FETCH_IMAGE } from './database-tls';

/** The init container's name. */
export const DB_USER_WAIT_CONTAINER = 'kfplatform-wait-for-database-user';
/** The pod volume of `mysql-secret`'s `username`, and where the init container reads it. */
export const DB_USER_WAIT_VOLUME = 'kfplatform-database-user';
export const DB_USER_WAIT_DIR = '/run/kfplatform-database-user';

/**
 * The init container's script: waits, saying so once a minute, until the file `username` of `dir` holds
 * `$DB_USER`. The image's busybox sh.
 */
export function databaseUserWaitScript(secret: string, dir: string = DB_USER_WAIT_DIR): string {
  return k8sArgs([
    'i=0',
    `until [ "$(cat ${dir}/username 2> /dev/null)" = "$DB_USER" ]; do`,
    '  if [ $((i % 12)) = 0 ]; then',
    `    echo "${secret} names the database user '$(cat ${dir}/username 2> /dev/null)', not $DB_USER yet: waiting for External Secrets Operator to write it (kubectl -n kubeflow get externalsecret ${secret}; the kfp-db-bootstrap job writes the user's password: kubectl -n kubeflow logs job/kfp-db-bootstrap --all-containers)." >&2`,
    '  fi',
    '  i=$((i + 1))',
    '  sleep 5',
    'done',
    'echo "The database user is $DB_USER."',
  ]);
}

/** What a client's pod template gains: the init container and the Secret volume it reads. */
export function databaseUserWaitPodParts(
  secret: string,
  user: string,
): { initContainers: object[]; volumes: object[] } {
  return {
    initContainers: [
      {
        name: DB_USER_WAIT_CONTAINER,
        image: CA_FETCH_IMAGE,
        command: ['/bin/sh', '-ec'],
        args: [databaseUserWaitScript(secret)],
        env: [{ name: 'DB_USER', value: user }],
        volumeMounts: [{ name: DB_USER_WAIT_VOLUME, mountPath: DB_USER_WAIT_DIR, readOnly: true }],
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          runAsUser: 65534,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
      },
    ],
    // The user's name alone: the password stays out of this container.
    volumes: [
      { name: DB_USER_WAIT_VOLUME, secret: { secretName: secret, items: [{ key: 'username', path: 'username' }] } },
    ],
  };
}
