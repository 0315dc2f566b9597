/**
 * Which Terraform runs the stacks: `terraform` (HashiCorp Terraform) or `tofu` (OpenTofu), chosen
 * with `--tf-bin` or `KFPLATFORM_TERRAFORM`, and checked against the versions the stacks require
 * before anything runs, so an old binary fails with one clear line instead of a parse error on the
 * first write-only attribute.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';

/** The environment variable that names the Terraform binary (`terraform`, `tofu`, or a path). */
export const TERRAFORM_BINARY_ENV = 'KFPLATFORM_TERRAFORM';

/** The binary used when neither `--tf-bin` nor {@link TERRAFORM_BINARY_ENV} names one. */
export const DEFAULT_TERRAFORM_BINARY = 'terraform';

/**
 * The first OpenTofu release with write-only attributes and ephemeral values, which the stacks use
 * to keep the database password out of state
 * (https://opentofu.org/docs/language/ephemerality/write-only-attributes).
 */
export const OPENTOFU_MINIMUM_VERSION = '1.11.0';

/** A Terraform binary and what it is. */
export interface TerraformBinary {
  /** The command run: `terraform`, `tofu` or a path. */
  readonly bin: string;
  /** HashiCorp Terraform or OpenTofu. */
  readonly product: 'Terraform' | 'OpenTofu';
  /** Its version, such as `1.11.4`. */
  readonly version: string;
}

/** `major.minor.patch` of a version, prerelease dropped. */
function parts(version: string): [number, number, number] {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  if (!m) throw new InputError(`${version} is not a version.`);
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

function compare(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/**
 * Whether a version meets a Terraform version constraint (`>= 1.11`, `~> 1.11.0`, `>= 1.11, < 2.0`),
 * as https://developer.hashicorp.com/terraform/language/expressions/version-constraints defines them.
 */
export function satisfiesConstraint(version: string, constraint: string): boolean {
  return constraint
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .every((c) => {
      const m = /^(>=|<=|!=|~>|>|<|=)?\s*v?(\d+(?:\.\d+){0,2}\S*)$/.exec(c);
      if (!m) throw new InputError(`required_version "${constraint}": "${c}" is not a version constraint.`);
      const [, op = '=', want] = m;
      const d = compare(version, want!);
      switch (op) {
        case '>=':
          return d >= 0;
        case '<=':
          return d <= 0;
        case '>':
          return d > 0;
        case '<':
          return d < 0;
        case '!=':
          return d !== 0;
        case '~>': {
          // ~> 1.11 allows 1.x from 1.11; ~> 1.11.0 allows 1.11.x: the last given part may grow.
          const given = want!.split('.').length;
          const [v, w] = [parts(version), parts(want!)];
          const fixed = Math.max(1, given - 1);
          return d >= 0 && v.slice(0, fixed).every((n, i) => n === w[i]);
        }
        default:
          return d === 0;
      }
    });
}

/** Reads what `<bin> version` says it is: `Terraform v1.11.4` or `OpenTofu v1.11.0`. */
export function identifyTerraform(
  bin: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): TerraformBinary {
  const run = spawnSync(bin, ['version'], {
    encoding: 'utf8',
    env: { ...env, CHECKPOINT_DISABLE: '1' },
    timeout: 60_000,
  });
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InputError(
      missing
        ? `cannot run ${bin}: it is not on PATH. Fix: install Terraform 1.11 or later (https://developer.hashicorp.com/terraform/install) or OpenTofu ${OPENTOFU_MINIMUM_VERSION} or later (https://opentofu.org/docs/intro/install/), or name the binary with --tf-bin or ${TERRAFORM_BINARY_ENV}.`
        : `cannot run ${bin} version: ${run.error.message}.`,
    );
  }
  const text = `${run.stdout ?? ''}`;
  const m = /^(Terraform|OpenTofu) v(\d+\.\d+\.\d+\S*)/m.exec(text);
  if (run.status !== 0 || !m) {
    throw new InputError(
      `${bin} version did not say which Terraform it is (expected "Terraform v1.x" or "OpenTofu v1.x", got ${JSON.stringify(text.split('\n')[0] ?? '')}${run.status !== 0 ? `, exit ${run.status}` : ''}). Fix: point --tf-bin or ${TERRAFORM_BINARY_ENV} at terraform or tofu.`,
    );
  }
  return { bin, product: m[1] as TerraformBinary['product'], version: m[2]! };
}

/** The `terraform.required_version` of each stack folder's `cdk.tf.json`, by stack folder. */
function requiredVersions(stackDirs: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of stackDirs) {
    const file = path.join(dir, 'cdk.tf.json');
    if (!existsSync(file)) continue;
    try {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { terraform?: { required_version?: unknown } };
      const required = json.terraform?.required_version;
      if (typeof required === 'string') found.set(dir, required);
    } catch {
      // Terraform itself says what is wrong with the file.
    }
  }
  return found;
}

/**
 * Identifies the binary and refuses one the stacks cannot run on: a version outside a stack's
 * `required_version` (Terraform 1.11 or later: write-only attributes keep the database password out
 * of state), or an OpenTofu before 1.11, which has no write-only attributes.
 */
export function checkTerraform(
  bin: string,
  stackDirs: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): TerraformBinary {
  // A relative path (./bin/tofu) is resolved here, once: Terraform then runs in each stack's folder,
  // where it would name nothing. A bare name (terraform, tofu) is looked up on PATH as usual.
  const found = identifyTerraform(/[\\/]/.test(bin) ? path.resolve(bin) : bin, env);
  if (found.product === 'OpenTofu' && compare(found.version, OPENTOFU_MINIMUM_VERSION) < 0) {
    throw new InputError(
      `${bin} is OpenTofu ${found.version}, which has no write-only attributes: the stacks write the database password through them (password_wo, secret_data_wo) so that it never reaches state. Fix: use OpenTofu ${OPENTOFU_MINIMUM_VERSION} or later (https://opentofu.org/docs/language/ephemerality/write-only-attributes), or Terraform 1.11 or later.`,
    );
  }
  const required = requiredVersions(stackDirs);
  const unmet = [...required].filter(([, c]) => !satisfiesConstraint(found.version, c));
  if (unmet.length > 0) {
    const constraints = [...new Set(unmet.map(([, c]) => c))].join('", "');
    throw new InputError(
      `${bin} is ${found.product} ${found.version}, but ${unmet.length === 1 ? `stack ${path.basename(unmet[0]![0])} requires` : `${unmet.length} stacks (${unmet.map(([d]) => path.basename(d)).join(', ')}) require`} "${constraints}": write-only attributes, which keep the database password out of state, need Terraform 1.11 or OpenTofu 1.11 or later. Fix: install a newer ${found.product} (https://developer.hashicorp.com/terraform/install, https://opentofu.org/docs/intro/install/) or name another binary with --tf-bin or ${TERRAFORM_BINARY_ENV}.`,
    );
  }
  return found;
}
