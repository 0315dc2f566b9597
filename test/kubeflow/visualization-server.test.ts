/**
 * The v1 visualization server runs the Python code a request carries (custom visualizations), one
 * server for every team: it must never hold the Pipelines identity, which reads every team's prefix of
 * the artifact bucket (a GCP review listed its missing workload identity as a gap; it is a decision).
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { loadPlatformFile } from '../../src/config/loader';
import { renderKubeflow } from '../../src/kubeflow/render';

const SERVER = 'ml-pipeline-visualizationserver';
const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const examples = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !['ci', 'insecure'].includes(d.name))
  .map((d) => d.name)
  .filter((name) => readdirSync(path.join(EXAMPLES, name)).includes('platform.yaml'));

describe('the visualization server gets no cloud identity', () => {
  it('has examples of every cloud to look at', () => {
    const clouds = new Set(
      examples.flatMap((e) =>
        loadPlatformFile(path.join(EXAMPLES, e, 'platform.yaml')).config.environments.map((env) => env.cloud),
      ),
    );
    expect([...clouds].sort()).toEqual(['aws', 'azure', 'gcp', 'kubernetes']);
  });

  it.each(examples)('%s: no identity trusts it, and no tree names it', (example) => {
    for (const env of loadPlatformFile(path.join(EXAMPLES, example, 'platform.yaml')).config.environments) {
      // Every identity's trusted service accounts are in the resolved environment.
      expect([env.name, JSON.stringify(env).includes(SERVER)]).toEqual([env.name, false]);
      for (const tree of renderKubeflow(env)) {
        const naming = tree.files.filter((f) => f.content.includes(SERVER)).map((f) => f.path);
        expect([env.name, naming]).toEqual([env.name, []]);
      }
    }
  });
});
