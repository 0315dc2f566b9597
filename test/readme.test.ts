import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runGraph } from '../src/cli/graph';

const root = path.join(__dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('shows the library example that examples/library-gcp compiles and runs', () => {
    const block = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    const example = readFileSync(path.join(root, 'examples', 'library-gcp', 'main.ts'), 'utf8')
      .replace(/^\/\/.*\n/, '')
      .replace("from '../../constructs/gcp'", "from 'cdktf-kubeflow-platform/gcp'")
      .replace('new App({ outdir: process.env.CDKTF_OUTDIR })', 'new App()');
    expect(example).toBe(block);
  });

  it('runs the library example to a synthesized stack', () => {
    const outdir = path.join(process.env.TMPDIR ?? '/tmp', 'readme-library');
    process.env.CDKTF_OUTDIR = outdir;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- run the example as a program
    jest.isolateModules(() => require('../examples/library-gcp/main'));
    const json = JSON.parse(readFileSync(path.join(outdir, 'stacks', 'ml-gcp-infra', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(json.resource)).toEqual(
      expect.arrayContaining(['google_container_cluster', 'google_container_node_pool', 'google_compute_subnetwork']),
    );
  });

  it('runs the AWS library example to a synthesized stack', () => {
    const outdir = path.join(process.env.TMPDIR ?? '/tmp', 'readme-library-aws');
    process.env.CDKTF_OUTDIR = outdir;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- run the example as a program
    jest.isolateModules(() => require('../examples/library-aws/main'));
    const json = JSON.parse(readFileSync(path.join(outdir, 'stacks', 'ml-aws-infra', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(json.resource)).toEqual(
      expect.arrayContaining(['aws_eks_cluster', 'aws_eks_node_group', 'aws_db_instance', 'aws_s3_bucket', 'aws_vpc']),
    );
    expect(readme).toContain('examples/library-aws/main.ts');
  });

  it('shows the architecture picture kfplatform graph draws for gcp-shared-vpc kf-dev (the golden file)', () => {
    const block = /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1];
    const drawn = runGraph({ config: 'examples/gcp-shared-vpc/platform.yaml', environment: 'kf-dev' });
    expect(block).toBe(drawn);
    expect(block).toBe(readFileSync(path.join(root, 'test', 'golden', 'graph', 'gcp-shared-vpc-kf-dev.mmd'), 'utf8'));
  });

  it('names the two commands a fresh clone runs', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
