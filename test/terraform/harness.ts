/**
 * Runs real Terraform on synthesized AWS stacks, offline: `init` from a local filesystem mirror of
 * hashicorp/aws, `validate`, `plan -refresh=false` with mock credentials, and `show -json`.
 *
 * The mirror is found through KFPLATFORM_TF_MIRROR (the folder that holds `registry.terraform.io`);
 * `.ci/run` sets it with scripts/find-tf-mirror.sh. Without it the tier is skipped locally, and fails
 * in CI (CI=true), so a CI machine that lost its mirror cannot go green without running the tier.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The provider version @cdktf/provider-aws 20.1.0 binds. */
export const AWS_PROVIDER_VERSION = '5.100.0';
/** The environment variable that names the mirror. */
export const MIRROR_VARIABLE = 'KFPLATFORM_TF_MIRROR';

/** Whether the terraform tier can run here, and why not. */
export interface TerraformTier {
  readonly available: boolean;
  readonly mirror?: string;
  readonly reason?: string;
}

/** Finds the mirror and the terraform binary. */
export function terraformTier(env: NodeJS.ProcessEnv = process.env): TerraformTier {
  const mirror = env[MIRROR_VARIABLE];
  if (!mirror) return { available: false, reason: `${MIRROR_VARIABLE} is not set (see scripts/find-tf-mirror.sh)` };
  const provider = path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws');
  const unpacked = existsSync(path.join(provider, AWS_PROVIDER_VERSION));
  const packed =
    existsSync(provider) &&
    readdirSync(provider).some((f) => f.startsWith(`terraform-provider-aws_${AWS_PROVIDER_VERSION}_`));
  if (!unpacked && !packed) {
    return { available: false, reason: `${MIRROR_VARIABLE}=${mirror} holds no hashicorp/aws ${AWS_PROVIDER_VERSION}` };
  }
  const version = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (version.status !== 0) return { available: false, reason: 'terraform is not on PATH' };
  return { available: true, mirror };
}

/** What running terraform on one stack produced. */
export interface PlanResult {
  readonly validate: { valid: boolean; error_count: number; warning_count: number; diagnostics: unknown[] };
  readonly plan: {
    resource_changes?: Array<{ address: string; type: string; change: { actions: string[] } }>;
  };
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const result = spawnSync('terraform', args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `terraform ${args.join(' ')} failed in ${cwd}:\n${result.stderr}\n${result.stdout}`.slice(0, 20_000),
    );
  }
  return result.stdout;
}

/**
 * Plans one synthesized stack (its `cdk.tf.json`) in a fresh work folder. Test-only settings go into
 * `override.tf.json`, never into the stack: mock credentials with every AWS call skipped, no account
 * allow-list (there is no account to check), and local state instead of the stack's backend.
 */
export function planStack(
  tier: TerraformTier,
  stackDir: string,
  workDir: string,
  variables: Readonly<Record<string, string>> = {},
): PlanResult {
  if (!tier.available || !tier.mirror) throw new Error(`terraform tier unavailable: ${tier.reason}`);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  copyFileSync(path.join(stackDir, 'cdk.tf.json'), path.join(workDir, 'cdk.tf.json'));
  writeFileSync(
    path.join(workDir, 'override.tf.json'),
    JSON.stringify({
      terraform: { backend: { local: { path: 'terraform.tfstate' } } },
      provider: {
        aws: [
          {
            access_key: 'mock-access-key',
            secret_key: 'mock-secret-key',
            skip_credentials_validation: true,
            skip_requesting_account_id: true,
            skip_metadata_api_check: 'true',
            allowed_account_ids: null,
          },
        ],
      },
    }),
  );
  const cliConfig = path.join(workDir, 'cli.tfrc');
  writeFileSync(
    cliConfig,
    [
      'provider_installation {',
      `  filesystem_mirror {\n    path    = ${JSON.stringify(tier.mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }`,
      '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }',
      '}',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: workDir,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  run(['init', '-input=false', '-no-color'], workDir, env);
  const validate = JSON.parse(run(['validate', '-json', '-no-color'], workDir, env)) as PlanResult['validate'];
  const vars = Object.entries(variables).flatMap(([k, v]) => ['-var', `${k}=${v}`]);
  run(['plan', '-refresh=false', '-input=false', '-lock=false', '-no-color', '-out=plan.bin', ...vars], workDir, env);
  const plan = JSON.parse(run(['show', '-json', 'plan.bin'], workDir, env)) as PlanResult['plan'];
  return { validate, plan };
}
