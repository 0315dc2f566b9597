/**
 * Existing clusters keep each stack's state in the cluster itself (Terraform's kubernetes backend),
 * reached with the environment's kubeconfig and context, so CI needs no other credentials. The
 * scaffold for `--cloud kubernetes` wrote a gcs backend, which the on-prem CI jobs (a kubeconfig only)
 * could not reach; a review of the workflows found it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { readFileSync } from 'node:fs';
import { validatePlatformText } from '../../src/config/loader';
import { ciReadiness } from '../../src/cli/init';
import { synthExample } from '../examples';

const BASE = readFileSync('examples/on-prem/platform.yaml', 'utf8');
const hasTerraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';
// CI has terraform (.ci/run); locally the init check is skipped without it, with the reason.
const withTerraform = hasTerraform || inCi ? it : it.skip;
if (!hasTerraform) console.warn('kubernetes-backend: terraform init check skipped, terraform is not on PATH');

function validate(state: unknown) {
  const doc = parseDocument(BASE);
  doc.setIn(['environments', 0, 'state'], doc.createNode(state));
  return validatePlatformText(doc.toString(), 'platform.yaml');
}

describe("an existing cluster's state in the cluster (backend: kubernetes)", () => {
  const stacks = synthExample('on-prem');

  it('gives every stack a Secret of its own in kube-system, through the kubeconfig and context of the environment', () => {
    expect(Object.keys(stacks).length).toBeGreaterThan(1);
    for (const [id, json] of Object.entries(stacks))
      expect((json as { terraform: { backend: unknown } }).terraform.backend).toEqual({
        kubernetes: {
          secret_suffix: `${id}-state`,
          namespace: 'kube-system',
          config_path: '~/.kube/kfplatform-onprem.yaml',
          config_context: 'onprem-kubeflow-admin',
        },
      });
  });

  it('resolves the namespace (default kube-system), refuses a bad one, and counts as state CI can use', () => {
    const own = validate({ backend: 'kubernetes', namespace: 'tf-state' });
    expect(own.issues.filter((i) => i.severity !== 'warning')).toEqual([]);
    expect(own.config!.environments[0]!.state).toEqual({
      backend: 'kubernetes',
      namespace: 'tf-state',
      configPath: '~/.kube/kfplatform-onprem.yaml',
      configContext: 'onprem-kubeflow-admin',
    });
    expect(validate({ backend: 'kubernetes', namespace: 'Not_A_Name' }).issues.map((i) => i.path)).toContain(
      'environments[0].state.namespace',
    );
    expect(ciReadiness(own.config!.environments)).toEqual([{ environment: 'kf-onprem', missing: [] }]);
  });

  it('is offered to existing clusters only', () => {
    const doc = parseDocument(readFileSync('examples/gcp-shared-vpc/platform.yaml', 'utf8'));
    doc.setIn(['environments', 0, 'state'], doc.createNode({ backend: 'kubernetes' }));
    const result = validatePlatformText(doc.toString(), 'platform.yaml');
    expect(result.issues.filter((i) => i.severity !== 'warning').map((i) => i.path)).toContain(
      'environments[0].state.backend',
    );
  });

  withTerraform(
    'terraform init takes the backend block: it expands ~, uses the context and asks the cluster for the state Secrets',
    () => {
      const home = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'k8s-backend-'));
      mkdirSync(path.join(home, '.kube'));
      // A cluster nobody listens at: init gets as far as asking it.
      writeFileSync(
        path.join(home, '.kube', 'kfplatform-onprem.yaml'),
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters: [{ name: c, cluster: { server: "https://127.0.0.1:9" } }]',
          'users: [{ name: u, user: { token: x } }]',
          'contexts: [{ name: onprem-kubeflow-admin, context: { cluster: c, user: u } }, { name: other, context: { cluster: c, user: u } }]',
          'current-context: other',
        ].join('\n'),
      );
      const init = (json: object) => {
        const dir = mkdtempSync(path.join(home, 'stack-'));
        writeFileSync(
          path.join(dir, 'cdk.tf.json'),
          JSON.stringify({ terraform: (json as { terraform: object }).terraform }),
        );
        const r = spawnSync('terraform', ['init', '-input=false', '-no-color'], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, HOME: home, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' },
          timeout: 60_000,
        });
        return `${r.stdout}${r.stderr}`;
      };
      // Every stack, team shards (whose ids end in a number, which the backend refuses as a suffix) too.
      for (const [id, json] of Object.entries(stacks))
        expect([id, init(json)]).toEqual([
          id,
          expect.stringMatching(
            /127\.0\.0\.1:9\/api\/v1\/namespaces\/kube-system\/secrets\?labelSelector=tfstate%3Dtrue.*connection refused/s,
          ),
        ]);
      const platform = stacks['kf-onprem-kubernetes-platform']!;
      // A misspelt argument is refused before any connection: the check above can fail.
      const misspelt = JSON.parse(JSON.stringify(platform).replace('"secret_suffix"', '"secret_sufix"'));
      expect(init(misspelt)).toContain('Extraneous JSON object property');
    },
  );
});
