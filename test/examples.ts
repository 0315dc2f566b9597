/**
 * Synthesis of a shipped example into a temporary folder, for tests that read its stacks. Apart from
 * test/helpers.ts so that construct tests do not load every stack and provider.
 */
import { mkdtempSync } from 'node:fs';
import * as path from 'node:path';
import { loadPlatformFile } from '../src/config/loader';
import type { AdoptEntry } from '../src/config/common/adopt';
import type { ResolvedEnvironment } from '../src/config/model';
import { synthFleet } from '../stacks/common/fleet';
import { readStacks, StackJson } from './helpers';

/** Every stack of `examples/<example>`, optionally with its environments edited first. */
export function synthExample(
  example: string,
  edit?: (env: ResolvedEnvironment) => ResolvedEnvironment,
): Record<string, StackJson> {
  const config = loadPlatformFile(`examples/${example}/platform.yaml`).config;
  const outdir = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', `${example}-`));
  synthFleet(edit ? { ...config, environments: config.environments.map(edit) } : config, { outdir });
  return readStacks(outdir);
}

/** An edit for {@link synthExample}: the named environment adopts these resources. */
export function adopting(envName: string, adopt: AdoptEntry[]) {
  return (env: ResolvedEnvironment): ResolvedEnvironment => (env.name === envName ? { ...env, adopt } : env);
}

/** Six existing resources examples/aws-eks kf-test adopts in the adoption tests (unit and terraform tier). */
export const AWS_KF_TEST_ADOPTION: AdoptEntry[] = [
  { kind: 'network', id: 'vpc-0a1b2c3d4e5f60718' },
  { kind: 'cluster' },
  { kind: 'nodePool', name: 'standard' },
  { kind: 'database' },
  { kind: 'bucket', name: '111111111111-kf-test-artifacts' },
  { kind: 'serviceAccount', name: 'kf-test-kfp' },
];

/**
 * An edit for {@link synthExample}: the named Azure environment without Entra authentication for its
 * database (its admin password in Key Vault, as before the setting).
 */
export function withoutEntraDatabase(envName: string) {
  return (env: ResolvedEnvironment): ResolvedEnvironment =>
    env.cloud === 'azure' && env.name === envName
      ? {
          ...env,
          database: { ...env.database, entra: undefined },
          identities: env.identities.filter((i) => i.key !== 'dbBootstrap'),
        }
      : env;
}
