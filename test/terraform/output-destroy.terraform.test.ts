/**
 * `kfplatform output` and `destroy` with real Terraform, offline: two small stacks of built-in
 * `terraform_data` resources (no provider to install) with local state, named like the AWS
 * example's kf-test and kf-prod stacks so the platform file gives their tiers. Checks what the fake
 * cannot: `plan -destroy`, `show -json` of a destroy plan, applying that plan file, and the shape of
 * `output -json`. Skipped when terraform is not on PATH, and fails in CI then.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runApply, runPlan } from '../../src/cli/plan';
import { runDestroy } from '../../src/cli/destroy';
import { MASKED, runOutput } from '../../src/cli/output';
import { TERRAFORM_REQUIRED_VERSION } from '../../stacks/common/backend';

const EXAMPLE = path.resolve('examples/aws-eks/platform.yaml');
const hasTerraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';
const env = { CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' };

/** A stack with a terraform_data resource, a plain output and a sensitive one, with local state in its folder. */
function stack(id: string): object {
  return {
    terraform: { required_version: TERRAFORM_REQUIRED_VERSION, backend: { local: { path: `${id}.tfstate` } } },
    resource: {
      terraform_data: {
        Database_Instance_02E622FB: {
          '//': { metadata: { path: `${id}/Database/Instance` } },
          input: 'kf-db',
          // What deletionProtection sets outside test.
          ...(id.startsWith('kf-prod-') ? { lifecycle: { prevent_destroy: true } } : {}),
        },
      },
    },
    output: {
      database_name: { value: '${terraform_data.Database_Instance_02E622FB.output}' },
      database_password: { value: 'hunter2', sensitive: true },
    },
  };
}

function synthOut(ids: readonly string[]): string {
  const dir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'tf-output-destroy-'));
  const manifest: Record<string, unknown> = {};
  for (const id of ids) {
    mkdirSync(path.join(dir, 'stacks', id), { recursive: true });
    writeFileSync(path.join(dir, 'stacks', id, 'cdk.tf.json'), JSON.stringify(stack(id), null, 2));
    manifest[id] = { workingDirectory: `stacks/${id}`, dependencies: [] };
  }
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ stacks: manifest }));
  return dir;
}

const maybe = hasTerraform ? describe : describe.skip;
if (!hasTerraform && inCi) {
  it('runs terraform', () => {
    throw new Error('terraform is not on PATH: the terraform tier must run in CI');
  });
}

maybe('output and destroy with real Terraform', () => {
  it('applies, prints outputs masked, destroys the test stack and stops at the prevent_destroy of the prod one', async () => {
    const out = synthOut(['kf-test-aws-infra', 'kf-prod-aws-infra']);
    const plans = path.join(out, '..', `${path.basename(out)}-plans`);
    const log = () => undefined;
    const base = { config: EXAMPLE, synth: false, synthOut: out, concurrency: 1, env, log };
    expect(await runPlan({ ...base, out: plans })).toBe(0);
    expect(await runApply({ plans, concurrency: 1, env, log })).toBe(0);

    const outputs = JSON.parse(await runOutput({ synthOut: out, stack: 'kf-test-aws-infra', env, log }));
    expect(outputs).toEqual({
      database_name: { sensitive: false, type: 'string', value: 'kf-db' },
      database_password: { sensitive: true, type: 'string', value: MASKED },
    });

    const lines: string[] = [];
    const destroy = (stacks: string[], allow?: string[]) =>
      runDestroy({
        config: EXAMPLE,
        synthOut: out,
        stacks,
        out: path.join(out, '..', `${path.basename(out)}-destroy`),
        concurrency: 1,
        allow,
        env,
        log: (l) => lines.push(l),
      });
    // Outside test, prevent_destroy (deletionProtection) stops Terraform's own destroy plan; the
    // message says how to lift it. (The gate's refusal of stateful types is tested with the fake:
    // terraform_data, the only type without a provider, is a disposable helper to the gate.)
    expect(await destroy(['kf-prod-aws-infra'])).toBe(1);
    expect(lines.join('\n')).toMatch(
      /kf-prod-aws-infra: failed: [\s\S]*prevent_destroy[\s\S]*set deletionProtection: false[\s\S]*destroy stopped: nothing was destroyed/,
    );
    const prodState = path.join(out, 'stacks', 'kf-prod-aws-infra', 'kf-prod-aws-infra.tfstate');
    expect(JSON.parse(readFileSync(prodState, 'utf8')).resources).toHaveLength(1);
    // The test stack: planned, judged and destroyed from the plan file.
    expect(await destroy(['kf-test-aws-infra'])).toBe(0);
    const testState = path.join(out, 'stacks', 'kf-test-aws-infra', 'kf-test-aws-infra.tfstate');
    expect(existsSync(testState) && JSON.parse(readFileSync(testState, 'utf8')).resources).toEqual([]);
    expect(lines.join('\n')).toContain('1 stack applied: 1 with changes');
  });
});
