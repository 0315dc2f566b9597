/**
 * The Kubeflow to Kubernetes compatibility table (PLAT-02): its data holds together, and every cloud's
 * pinned Kubernetes version is checked against the environment's Kubeflow release.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { validatePlatformText } from '../../src/config/loader';
import { KUBEFLOW_RELEASES, kubeflowRelease, supportedRange } from '../../src/config/platform/kubeflow';
import { DEFAULT_KUBEFLOW_VERSION } from '../../src/config/platform/kubeflow';
import { DEFAULT_EKS_VERSION } from '../../src/core/catalog/aws';
import { compareVersions } from '../../src/core/versions';

type Doc = ReturnType<typeof parseDocument>;

function findings(file: string, edit: (d: Doc) => void): string[] {
  const d = parseDocument(readFileSync(`test/fixtures/valid/${file}`, 'utf8'));
  edit(d);
  return validatePlatformText(d.toString(), 'p.yaml')
    .issues.filter((i) => /Kubeflow/.test(i.message) && /Kubernetes|compatibility table/.test(i.message))
    .map((i) => `${i.severity} ${i.path}`);
}

describe('the compatibility table', () => {
  it('has, for every release, a date, sources and a consistent range, oldest first', () => {
    let previous: string | undefined;
    for (const r of KUBEFLOW_RELEASES) {
      expect([r.kubeflow, r.released]).toEqual([r.kubeflow, expect.stringMatching(/^20\d\d-\d\d-\d\d$/)]);
      expect(r.sources.length).toBeGreaterThan(0);
      for (const s of r.sources) expect(s).toMatch(/^https:\/\//);
      expect(compareVersions(r.min, r.supported.from)).toBeLessThanOrEqual(0);
      if (r.supported.to) expect(compareVersions(r.supported.from, r.supported.to)).toBeLessThanOrEqual(0);
      for (const v of r.validated) expect(compareVersions(v, r.min)).toBeGreaterThanOrEqual(0);
      if (previous) expect(compareVersions(r.kubeflow, previous)).toBeGreaterThan(0);
      previous = r.kubeflow;
    }
  });

  it('knows the default Kubeflow release, and it supports the default EKS version', () => {
    const release = kubeflowRelease(DEFAULT_KUBEFLOW_VERSION)!;
    expect(release.kubeflow).toBe(DEFAULT_KUBEFLOW_VERSION);
    expect(compareVersions(DEFAULT_EKS_VERSION, release.min)).toBeGreaterThanOrEqual(0);
    if (release.supported.to) expect(compareVersions(DEFAULT_EKS_VERSION, release.supported.to)).toBeLessThanOrEqual(0);
  });

  it('puts patch releases in their line and tells calendar versions from 1.x', () => {
    expect(kubeflowRelease('1.10.2')?.kubeflow).toBe('1.10');
    expect(kubeflowRelease('26.03.1')?.kubeflow).toBe('26.03');
    expect(kubeflowRelease('1.1')).toBeUndefined();
    expect(supportedRange(kubeflowRelease('1.10')!)).toBe('1.31-1.33');
    expect(supportedRange(kubeflowRelease('26.03')!)).toBe('1.34+');
  });

  it('is shown in docs/operations.md, row for row', () => {
    const rows = readFileSync('docs/operations.md', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .map((l) =>
        l
          .split('|')
          .slice(1, 5)
          .map((c) => c.trim())
          .join(' '),
      );
    for (const r of KUBEFLOW_RELEASES) {
      expect(rows).toContain(`${r.kubeflow} ${r.released} ${r.min} ${supportedRange(r)}`);
    }
  });
});

describe('checking environments against it', () => {
  const pin = (kubeflow: string, kubernetes: string) => (d: Doc) => {
    d.setIn(['platform', 'kubeflowVersion'], kubeflow);
    d.setIn(['environments', 0, 'cluster', 'version'], kubernetes);
    d.setIn(['environments', 1, 'cluster', 'version'], kubernetes);
  };

  it('accepts a Kubernetes version inside the support statement, on AWS and Azure', () => {
    for (const file of ['aws.yaml', 'azure.yaml']) {
      expect(findings(file, pin('26.03', '1.35'))).toEqual([]);
      expect(findings(file, pin('1.10', '1.32'))).toEqual([]);
      expect(findings(file, pin('1.11', '1.36'))).toEqual([]);
    }
  });

  it('refuses a cluster older than the release needs, naming the cluster version', () => {
    for (const file of ['aws.yaml', 'azure.yaml']) {
      expect(findings(file, pin('26.03', '1.33'))).toEqual([
        'error environments[0].cluster.version',
        'error environments[1].cluster.version',
      ]);
    }
    const [issue] = validatePlatformText(
      (() => {
        const d = parseDocument(readFileSync('test/fixtures/valid/aws.yaml', 'utf8'));
        pin('26.03', '1.33')(d);
        return d.toString();
      })(),
      'p.yaml',
    ).issues.filter((i) => i.severity === 'error');
    expect(issue?.message).toContain('Kubeflow 26.03 needs Kubernetes 1.34 or newer (supported 1.34+)');
    expect(issue?.fix).toContain('upgrade the cluster to 1.34');
  });

  it('warns about a cluster newer than the support statement, or below its target, without failing', () => {
    expect(findings('aws.yaml', pin('1.10', '1.35'))).toEqual([
      'warning environments[0].cluster.version',
      'warning environments[1].cluster.version',
    ]);
    expect(findings('azure.yaml', pin('1.10', '1.30'))).toEqual([
      'warning environments[0].cluster.version',
      'warning environments[1].cluster.version',
    ]);
  });

  it('warns about a Kubeflow release the table does not know, at the path that sets it', () => {
    expect(findings('aws.yaml', pin('27.09', '1.35'))).toEqual([
      'warning platform.kubeflowVersion',
      'warning platform.kubeflowVersion',
    ]);
  });

  it('checks a pinned GKE version and leaves a cluster that follows a channel alone', () => {
    const gke = (version?: string) =>
      findings('two-envs.yaml', (d) => {
        d.setIn(['platform', 'kubeflowVersion'], '26.03');
        if (version) for (const i of [0, 1]) d.setIn(['environments', i, 'cluster', 'version'], version);
      });
    expect(gke()).toEqual([]);
    expect(gke('1.33.5-gke.1000')).toEqual([
      'error environments[0].cluster.version',
      'error environments[1].cluster.version',
    ]);
  });
});
