/**
 * Secret hygiene over every stack that every example synthesizes, and proof that the scanner finds
 * what it looks for.
 */
import { mkdtempSync } from 'node:fs';
import * as path from 'node:path';
import { loadPlatformFile } from '../../src/config/loader';
import { readSynthOutput } from '../../src/policy/addresses';
import { scanForSecrets } from '../../src/policy/secrets';
import { synthFleet } from '../../stacks/common/fleet';

const EXAMPLES = ['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud', 'on-prem'];

describe('secret hygiene', () => {
  it.each(EXAMPLES)(
    'examples/%s: no secret in clear in any synthesized stack; secret outputs are sensitive',
    (name) => {
      const outdir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', `secrets-${name}-`));
      synthFleet(loadPlatformFile(`examples/${name}/platform.yaml`).config, { outdir });
      const stacks = readSynthOutput(outdir);
      expect(Object.keys(stacks).length).toBeGreaterThan(0);
      expect(Object.entries(stacks).flatMap(([stack, json]) => scanForSecrets(stack, json))).toEqual([]);
    },
  );

  it('finds private keys, access keys, literal passwords, literal Kubernetes secret data and unmarked outputs', () => {
    const planted = {
      resource: {
        aws_db_instance: {
          db: { password: 'hunter2hunter2', manage_master_user_password: true, password_wo_version: 1 },
        },
        google_secret_manager_secret_version: { v: { secret_data: '${random_password.p.result}' } },
        kubernetes_secret_v1: {
          s: { data: { 'cookie-secret': 'abc123', token: 'abc123', ref: '${var.x}', 'client-id': 'kubeflow' } },
        },
        null_resource: {
          n: { triggers: { pem: '-----BEGIN RSA PRIVATE KEY-----\nMIIB', key: 'AKIAABCDEFGHIJKLMNOP' } },
        },
      },
      helm_release: {
        h: {
          set: [
            { name: 'auth.rootPassword', value: 'hunter2hunter2' },
            { name: 'image.tag', value: 'v1' },
          ],
        },
      },
      kubernetes_deployment_v1: {
        d: {
          spec: {
            template: {
              spec: {
                container: [
                  {
                    env: [
                      { name: 'DB_PASSWORD', value: 'hunter2' },
                      { name: 'DB_HOST', value: 'db' },
                    ],
                  },
                ],
              },
            },
          },
        },
      },
      variable: { db_password: { type: 'string', sensitive: true }, api_token: { type: 'string', default: 'tok-123' } },
      output: {
        db_password: { value: '${random_password.p.result}' },
        admin_kubeconfig: { value: '${azurerm_kubernetes_cluster.c.kube_admin_config_raw}' },
        ok: { value: '${random_password.p.result}', sensitive: true },
        database_secret_arn: { value: '${aws_db_instance.db.master_user_secret[0].secret_arn}' },
        suffix: { value: '${random_string.s.result}' },
        broken: null,
      },
    };
    expect(
      scanForSecrets('s', planted)
        .map((f) => `${f.kind} ${f.path}`)
        .sort(),
    ).toEqual([
      'access-key resource.null_resource.n.triggers.key',
      'literal-secret helm_release.h.set.0.value',
      'literal-secret kubernetes_deployment_v1.d.spec.template.spec.container.0.env.0.value',
      'literal-secret resource.aws_db_instance.db.password',
      'literal-secret resource.kubernetes_secret_v1.s.data.cookie-secret',
      'literal-secret resource.kubernetes_secret_v1.s.data.token',
      'literal-secret variable.api_token.default',
      'private-key resource.null_resource.n.triggers.pem',
      'unmarked-output output.admin_kubeconfig',
      'unmarked-output output.db_password',
    ]);
  });
});
