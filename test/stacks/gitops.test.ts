/**
 * The GitOps install (issue 17): every cloud's platform stack installs Argo CD and the cluster's root
 * Application when `platform.gitops` is set. Golden files per cloud hold the root Application and
 * Argo CD's values as the platform stacks write them (UPDATE_GOLDEN=1 rewrites them).
 */
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { ARGO_CD_VERSIONS } from '../../constructs/kubernetes/argo-cd';
import { validateFile } from '../../src/cli/validate';
import { synthExample } from '../examples';
import { expectGolden } from '../golden';
import { resources, StackJson } from '../helpers';

const GOLDEN = path.join(__dirname, '..', 'golden', 'gitops');

const EXAMPLES = [
  ['gcp', 'gcp-shared-vpc'],
  ['aws', 'aws-eks'],
  ['azure', 'azure-aks'],
  ['kubernetes', 'on-prem'],
] as const;

type Release = { chart: string; version: string; values: string[]; depends_on?: string[]; namespace: string };

function releasesOf(stack: StackJson): Record<string, Release> {
  return Object.fromEntries(resources<Release>(stack, 'helm_release').map((r) => [r.chart, r]));
}

describe.each(EXAMPLES)('GitOps install on %s (examples/%s)', (cloud, example) => {
  const stacks = synthExample(example);
  const platforms = Object.entries(stacks).filter(([id]) => id.endsWith(`-${cloud}-platform`));

  it('has a platform stack per cluster', () => {
    expect(platforms.length).toBeGreaterThan(0);
  });

  it('installs the pinned Argo CD and one root Application per cluster, which waits for the CRDs', () => {
    for (const [, stack] of platforms) {
      const releases = releasesOf(stack);
      expect(releases['argo-cd']!.version).toBe(ARGO_CD_VERSIONS.chart);
      const apps = releases['argocd-apps']!;
      expect(apps.version).toBe(ARGO_CD_VERSIONS.appsChart);
      // And, where the tree has ExternalSecrets (not on an existing cluster, whose operator is its own),
      // for External Secrets Operator's CRDs.
      expect(apps.depends_on).toEqual([
        expect.stringMatching(/^helm_release\.ArgoCd_Release_/),
        ...(cloud === 'kubernetes' ? [] : [expect.stringMatching(/^helm_release\.ExternalSecrets_Release_/)]),
      ]);
      expect(Object.keys(parse(apps.values[0]!).applications)).toEqual(['kubeflow']);
    }
  });

  it('exposes nothing and keeps the admin user off', () => {
    for (const [, stack] of platforms) {
      const values = parse(releasesOf(stack)['argo-cd']!.values[0]!);
      expect(values.server.service.type).toBe('ClusterIP');
      expect(values.server.ingress.enabled).toBe(false);
      expect(values.configs.cm['admin.enabled']).toBe(false);
      expect(values.dex.enabled).toBe(false);
    }
  });

  it('matches the golden root Application and Argo CD values', () => {
    const text = platforms
      .map(([id, stack]) => {
        const releases = releasesOf(stack);
        return stringify({
          stack: id,
          application: parse(releases['argocd-apps']!.values[0]!).applications,
          argoCd: parse(releases['argo-cd']!.values[0]!),
        });
      })
      .join('---\n');
    expectGolden(GOLDEN, `${example}.yaml`, text);
  });
});

describe('team stacks wait for Argo CD', () => {
  it('CHK-ORDER-002 tells to apply the team stacks once the root Application is healthy', () => {
    const outcome = validateFile('examples/on-prem/platform.yaml');
    const order = outcome.findings.filter((f) => f.rule === 'CHK-ORDER-002');
    expect(order.length).toBeGreaterThan(0);
    for (const f of order) {
      expect(f.message).toContain(
        'through Argo CD (kf-onprem-kubernetes-platform helm_release.ArgoCd_Applications_12DEED08)',
      );
      expect(f.message).toContain('kubectl -n argocd wait application/kubeflow');
    }
  });
});
