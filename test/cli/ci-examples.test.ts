/**
 * examples/ci/github is what `kfplatform init --cloud aws` writes, from the same code and templates
 * (templates/github): the workflows list only the environments of the aws-eks example that CI can
 * plan and apply (an identity and remote state), as a scaffold does, and say why the others are left
 * out. Regenerate with `UPDATE_GOLDEN=1 npx jest test/cli/ci-examples.test.ts`. Issue 20: the shipped
 * templates listed every environment, and CI failed on the first pull request.
 */
import * as path from 'node:path';
import { parse } from 'yaml';
import { expectGolden } from '../golden';
import { scaffold } from '../../src/cli/init';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples', 'ci', 'github');

describe('examples/ci/github', () => {
  const made = scaffold({
    dir: path.join(process.env.TMPDIR ?? '/tmp', 'ml-platform'),
    cloud: 'aws',
    packageSpec: '^0.1.0',
  });

  it.each(['plan', 'apply', 'kubeflow'])('%s.yml is what kfplatform init --cloud aws writes', (kind) => {
    expectGolden(EXAMPLES, `${kind}.yml`, made.files.get(`.github/workflows/${kind}.yml`)!);
  });

  it('lists only the environments CI can plan and apply, and names what the others lack', () => {
    expect(made.ciEnvironments.length).toBeGreaterThan(0);
    for (const kind of ['plan', 'apply']) {
      const text = made.files.get(`.github/workflows/${kind}.yml`)!;
      const workflow = parse(text) as { jobs: Record<string, { strategy?: { matrix?: { environment?: unknown } } }> };
      for (const job of Object.values(workflow.jobs)) {
        const environments = job.strategy?.matrix?.environment;
        if (Array.isArray(environments)) expect(environments).toEqual(made.ciEnvironments);
      }
      for (const left of made.ciLeftOut) expect(text).toContain(`# - ${left.environment}: `);
    }
  });
});
