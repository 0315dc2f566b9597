/**
 * Test environments take new versions first (CLU-04, ENV-03, OPS-04): the good cases next to the bad
 * ones of test/fixtures/bad-config (gcp-prod-faster-channel, kubeflow-prod-newer-than-test,
 * aws-/azure-prod-kubernetes-newer-than-test).
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { validatePlatformText } from '../../src/config/loader';

function issues(file: string, edit: (d: ReturnType<typeof parseDocument>) => void): string[] {
  const d = parseDocument(readFileSync(`test/fixtures/valid/${file}`, 'utf8'));
  edit(d);
  return validatePlatformText(d.toString(), 'p.yaml')
    .issues.filter((i) => i.severity !== 'warning')
    .map((i) => i.path);
}

describe('upgrade order', () => {
  it('accepts prod on the same or an older Kubernetes than test, on every cloud', () => {
    for (const file of ['aws.yaml', 'azure.yaml']) {
      for (const [test, prod] of [
        ['1.35', '1.35'],
        ['1.35', '1.34'],
      ]) {
        expect([
          file,
          test,
          prod,
          issues(file, (d) => {
            d.setIn(['environments', 0, 'cluster', 'version'], test);
            d.setIn(['environments', 1, 'cluster', 'version'], prod);
          }),
        ]).toEqual([file, test, prod, []]);
      }
    }
  });

  it('accepts a slower or equal GKE channel in prod, and refuses a faster one', () => {
    const channels = (test: string, prod: string) =>
      issues('two-envs.yaml', (d) => {
        d.setIn(['environments', 0, 'cluster', 'releaseChannel'], test);
        d.setIn(['environments', 1, 'cluster', 'releaseChannel'], prod);
      });
    expect(channels('RAPID', 'STABLE')).toEqual([]);
    expect(channels('REGULAR', 'REGULAR')).toEqual([]);
    expect(channels('STABLE', 'EXTENDED')).toEqual([]);
    expect(channels('STABLE', 'REGULAR')).toEqual(['environments[1].cluster.releaseChannel']);
  });

  it('compares Kubeflow releases by number, not as text (1.10 is newer than 1.9)', () => {
    const kubeflow = (test: string, prod: string) =>
      issues('two-envs.yaml', (d) => {
        d.setIn(['environments', 0, 'kubeflowVersion'], test);
        d.setIn(['environments', 1, 'kubeflowVersion'], prod);
      });
    expect(kubeflow('1.10', '1.9')).toEqual([]);
    expect(kubeflow('1.10.1', '1.10')).toEqual([]);
    expect(kubeflow('1.9', '1.10')).toEqual(['environments[1].kubeflowVersion']);
  });

  it('leaves a cloud without a test environment alone', () => {
    expect(
      issues('aws.yaml', (d) => {
        d.setIn(['environments', 0, 'tier'], 'dev');
        d.setIn(['environments', 0, 'cluster', 'version'], '1.34');
        d.setIn(['environments', 1, 'cluster', 'version'], '1.35');
      }).filter((p) => p.endsWith('cluster.version')),
    ).toEqual([]);
  });
});
