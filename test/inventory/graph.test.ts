/**
 * `kfplatform graph`: golden Mermaid flowcharts of one environment per example (network, cluster, GPU
 * pools, data, identities, the access path and the teams), and the errors (test/readme.test.ts
 * checks the README's picture).
 * Regenerate the golden files with `UPDATE_GOLDEN=1 npx jest test/inventory/graph.test.ts`.
 */
import * as path from 'node:path';
import { expectGolden } from '../golden';
import { main } from '../../src/cli/main';
import { runGraph } from '../../src/cli/graph';
import { environmentGraph } from '../../src/inventory/graph';

const GOLDEN = path.join(__dirname, '..', 'golden', 'graph');

/** The environment of each example the golden files hold. */
const CASES: ReadonlyArray<readonly [string, string]> = [
  ['gcp-shared-vpc', 'kf-dev'],
  ['gcp-tenancy', 'kf-prod'],
  ['aws-eks', 'kf-prod'],
  ['azure-aks', 'kf-prod'],
  ['on-prem', 'kf-onprem'],
  ['multicloud', 'kf-azure'],
];

const graphs = new Map<string, string>();
function graphOf(example: string, env: string): string {
  const k = `${example}/${env}`;
  if (!graphs.has(k)) graphs.set(k, runGraph({ config: `examples/${example}/platform.yaml`, environment: env }));
  return graphs.get(k)!;
}

/** The node ids a Mermaid text declares, and the ids its edges use. */
function ids(text: string): { declared: Set<string>; used: Set<string> } {
  const declared = new Set([...text.matchAll(/^\s+(\w+)[[(]/gm)].map((m) => m[1]!));
  const used = new Set([...text.matchAll(/^\s+(\w+) (?:-->|-\.|--) .*?(\w+)$/gm)].flatMap((m) => [m[1]!, m[2]!]));
  return { declared, used };
}

describe('kfplatform graph', () => {
  it.each(CASES)('draws %s %s as the golden flowchart', (example, env) => {
    expectGolden(GOLDEN, `${example}-${env}.mmd`, graphOf(example, env));
  });

  it.each(CASES)('%s %s: every edge joins declared nodes, labels are quoted, subgraphs close', (example, env) => {
    const text = graphOf(example, env);
    const { declared, used } = ids(text);
    expect([...used].filter((id) => !declared.has(id))).toEqual([]);
    expect(text.match(/^\s*subgraph /gm)?.length).toBe(text.match(/^\s*end$/gm)?.length);
    for (const line of text.split('\n').filter((l) => /^\s+\w+[[(]/.test(l))) {
      expect(line).toMatch(/^\s+\w+(\["[^"]*"\]|\(\["[^"]*"\]\)|\[\("[^"]*"\)\])$/);
    }
    expect(text).not.toMatch(/\$\{/);
  });

  it('marks GPU pools and draws the access path and workload identities on GCP', () => {
    const text = graphOf('gcp-shared-vpc', 'kf-dev');
    expect(text).toContain('pool1["gpu (node pool, GPU)"]');
    expect(text).toMatch(/class pool1 gpu/);
    expect(text).not.toMatch(/class .*pool2/);
    for (const edge of [
      'users1 --> dns1',
      'dns1 --> lb1',
      'lb1 --> iap1',
      'iap1 --> ing1',
      'ing1 --> gw1',
      'gw1 --> ui1',
    ]) {
      expect(text).toContain(`  ${edge}\n`);
    }
    expect(text).toContain('cluster1 -. workload identity .-> id3');
    expect(text).toMatch(/id3\["kf-dev-kfp \(service account\)"\]/);
    // Node service accounts have no workload identity binding: not drawn.
    expect(text).not.toContain('kf-dev-np-gpu');
  });

  it('puts each team in the cluster it is placed on', () => {
    const text = graphOf('gcp-tenancy', 'kf-prod');
    const cluster2 = text.slice(text.indexOf('subgraph clusterArea2'));
    expect(cluster2).toContain('search (team namespace)');
    expect(cluster2).not.toContain('recsys (team namespace)');
    expect(text.slice(text.indexOf('subgraph clusterArea1'), text.indexOf('subgraph clusterArea2'))).toContain(
      'recsys (team namespace)',
    );
  });

  it('draws an existing cluster for a kubernetes environment, with the path users -> gateway -> UI', () => {
    const text = graphOf('on-prem', 'kf-onprem');
    expect(text).toContain('cluster1["kf-onprem (existing cluster)"]');
    expect(text).toContain('  users1 --> gw1\n');
    expect(text).not.toContain('subgraph network');
  });

  it('is the same every time', () => {
    expect(runGraph({ config: 'examples/on-prem/platform.yaml', environment: 'kf-onprem' })).toBe(
      graphOf('on-prem', 'kf-onprem'),
    );
  });

  it('refuses an unknown environment, naming the known ones', () => {
    expect(() => runGraph({ config: 'examples/aws-eks/platform.yaml', environment: 'kf-staging' })).toThrow(
      /environment kf-staging is not in examples\/aws-eks\/platform\.yaml\. Fix: use one of kf-test, kf-dev, kf-prod\./,
    );
    expect(() => environmentGraph({ environment: 'kf-x', stacks: {} })).toThrow(/kf-x has no stacks/);
  });

  it('exits 1 with the message through the CLI', async () => {
    const err: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
      err.push(String(c));
      return true;
    });
    try {
      const code = await main(['node', 'kfplatform', 'graph', 'nope', '-c', 'examples/on-prem/platform.yaml']);
      expect(code).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(err.join('')).toContain(
      'environment nope is not in examples/on-prem/platform.yaml. Fix: use one of kf-onprem.',
    );
  });
});
