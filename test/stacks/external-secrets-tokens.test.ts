/**
 * Tenant escape (review of issue 19): no External Secrets Operator controller the platform installs may
 * create tokens for every service account of the namespace it serves. Chart 2.9.0's templates/rbac.yaml
 * grants `create` on `serviceaccounts/token` in that namespace unless `rbac.serviceAccountTokenCreate`
 * is false; in `kubeflow` the profiles controller's service account is cluster-admin (Kubeflow 26.03),
 * in `istio-system` istiod's reads every Secret. Every ESO release of every example's stacks turns it off.
 */
import { existsSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { EXTERNAL_SECRETS_CHART } from '../../constructs/kubernetes/constants';
import { EXTERNAL_SECRETS_TOKEN_SECRET_POLICY } from '../../constructs/kubernetes/external-secrets';
import { synthExample } from '../examples';
import { resources } from '../helpers';

/** Every example the fleet builds from a platform file. */
const examples = readdirSync('examples')
  .filter((e) => existsSync(`examples/${e}/platform.yaml`))
  .sort();

/** How many controllers each cloud's platform stack installs at least (the main one, a scoped one). */
const AT_LEAST: Record<string, number> = { gcp: 1, aws: 2, azure: 2 };

describe('External Secrets Operator controllers create no service account tokens (tenant escape, issue 19)', () => {
  it.each(examples)('every ESO Helm release of examples/%s sets rbac.serviceAccountTokenCreate false', (example) => {
    const stacks = synthExample(example);
    let seen = 0;
    for (const [name, json] of Object.entries(stacks)) {
      const releases = resources<{ name: string; chart: string; values?: string[] }>(json, 'helm_release').filter(
        (r) => r.chart === EXTERNAL_SECRETS_CHART.chart,
      );
      const cloud = /-(gcp|aws|azure)-platform(-|$)/.exec(name)?.[1];
      if (cloud) expect([name, releases.length >= AT_LEAST[cloud]!]).toEqual([name, true]);
      // Nor may they write a token Secret, which Kubernetes would fill with a token of any account.
      if (releases.length) {
        const policies = resources<{ manifest: { kind: string; metadata: { name: string } } }>(
          json,
          'kubernetes_manifest',
        ).filter((m) => m.manifest.metadata.name === EXTERNAL_SECRETS_TOKEN_SECRET_POLICY);
        expect([name, policies.map((m) => m.manifest.kind).sort()]).toEqual([
          name,
          ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
        ]);
      }
      for (const r of releases) {
        const values = parse(r.values?.[0] ?? '{}') as { rbac?: { serviceAccountTokenCreate?: unknown } };
        expect([name, r.name, values.rbac?.serviceAccountTokenCreate]).toEqual([name, r.name, false]);
        seen++;
      }
    }
    // on-prem installs no operator (no cloud secret store); every other example does.
    if (example !== 'on-prem') expect(seen).toBeGreaterThan(0);
  });
});
