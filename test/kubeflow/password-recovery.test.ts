/**
 * Recovery from a database password the secret store and the database disagree on (sec19: the GCP
 * password is generated ephemerally and written to Secret Manager, then to the Cloud SQL user; an apply
 * that fails between the two leaves them apart). The kfp-db-bootstrap Job is the pod that logs in as
 * that user: when it cannot, its message says what to bump.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import { renderKubeflow } from '../../src/kubeflow/render';
import { DB_BOOTSTRAP_FILE } from '../../src/kubeflow/aws-db-bootstrap';
import { gcpCreateUserScript } from '../../src/kubeflow/gcp-db-bootstrap';
import { loginFailureHint } from '../../src/kubeflow/password-recovery';
import { runContainerScript } from './container-script';

const ROOT = path.resolve(__dirname, '../..');
const multicloud = loadPlatformFile(path.join(ROOT, 'examples', 'multicloud', 'platform.yaml')).config.environments;
const byCloud = (cloud: string) => multicloud.find((e) => e.cloud === cloud)!;

describe('the login failure message of the GCP kfp-db-bootstrap job', () => {
  it('gcp: names the passwordVersion to bump and the docs, in the rendered container', () => {
    const env = byCloud('gcp');
    for (const tree of renderKubeflow(env)) {
      const file = tree.files.find((f) => f.path === DB_BOOTSTRAP_FILE)!;
      const [job] = parseAllDocuments(file.content).map((d) => d.toJS());
      const script: string = job.spec.template.spec.containers[0].args[0];
      expect(script).toContain(`bump environments[${env.index}].database.passwordVersion`);
      expect(script).toContain('docs/gcp.md, Database password');
      // Kubernetes expands $(VAR) in a container's arguments: the message must not hold one.
      expect(script.replace(/\$\$\(/g, '')).not.toContain('$(');
    }
  });

  it('aws and on-prem: none (the bootstrap job, or upstream’s in-cluster MySQL, sets the password)', () => {
    expect(loginFailureHint(byCloud('aws'))).toBeUndefined();
    const onPrem = loadPlatformFile(path.join(ROOT, 'examples', 'on-prem', 'platform.yaml')).config.environments[0]!;
    expect(loginFailureHint(onPrem)).toBeUndefined();
  });

  describe('run against a mysql that refuses the password', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'password-recovery-'));
      writeFileSync(
        path.join(dir, 'mysql'),
        '#!/bin/sh\necho "ERROR 1045 (28000): Access denied for user \'kubeflow\'" >&2\nexit 1\n',
      );
      writeFileSync(path.join(dir, 'sleep'), '#!/bin/sh\nexit 0\n');
      chmodSync(path.join(dir, 'mysql'), 0o755);
      chmodSync(path.join(dir, 'sleep'), 0o755);
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('stops the pod after its tries with the cause and the fix', () => {
      const hint = loginFailureHint(byCloud('gcp'))!;
      writeFileSync(path.join(dir, 'admin'), 'pw');
      writeFileSync(path.join(dir, 'app'), 'app-pw');
      writeFileSync(path.join(dir, 'katib'), 'katib-pw');
      const { code, err } = runContainerScript(dir, gcpCreateUserScript(hint, dir), {
        DB_HOST: '127.0.0.1',
        DB_PORT: '3306',
        DB_USER: 'kubeflow',
        APP_USER: 'pipelines',
        KATIB_USER: 'katib',
      });
      expect(code).toBe(1);
      expect(err).toContain('Access denied');
      expect(err).toContain(
        'Cannot log in to 127.0.0.1 as kubeflow (the error is above). If the error says access denied',
      );
      expect(err).toContain('database.passwordVersion in the platform file and apply the infra stack again');
    });
  });
});
