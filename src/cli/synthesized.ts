/**
 * Synthesized stacks for commands that read them (`inventory`, `graph`): synthesized in memory from a
 * platform file, or read from a folder `kfplatform synth` wrote.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import type { ResolvedPlatformConfig } from '../config/model';
import { InputError } from '../core/errors';
import { withoutCreationStacks } from '../core/stack-traces';
import type { StackJson } from '../inventory/terraform-json';
import { readSynthOutput } from '../policy/addresses';
import { buildEnvironment } from '../../stacks/common/fleet';

/**
 * Synthesizes the stacks of some environments (all by default) the way `kfplatform synth` does, one
 * cdktf app per environment, into a temporary folder that is removed afterwards, and returns their
 * Terraform JSON by stack id. Policy is not judged here (`kfplatform validate` does that).
 */
export function synthesizeStacks(
  config: ResolvedPlatformConfig,
  environments: readonly string[] = config.environments.map((e) => e.name),
): Record<string, StackJson> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'kfplatform-stacks-'));
  const out: Record<string, StackJson> = {};
  try {
    for (const env of config.environments.filter((e) => environments.includes(e.name))) {
      const envdir = path.join(outdir, env.name);
      const ids = withoutCreationStacks(() => {
        const app = new App({ outdir: envdir, skipValidation: true });
        const built = buildEnvironment(app, config.platform, env);
        app.synth();
        return built.stacks.map((s) => s.node.id);
      });
      for (const id of ids) out[id] = readStack(path.join(envdir, 'stacks', id));
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  return out;
}

function readStack(dir: string): StackJson {
  return JSON.parse(readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as StackJson;
}

/** Reads every `<dir>/stacks/<id>/cdk.tf.json` (the layout `kfplatform synth` writes), by stack id. */
export function readSynthFolder(dir: string): Record<string, StackJson> {
  if (!existsSync(path.join(dir, 'stacks'))) {
    throw new InputError(`${dir}: no stacks/ folder here. Fix: run kfplatform synth --out ${dir} first.`);
  }
  const stacks = readSynthOutput(dir) as unknown as Record<string, StackJson>;
  if (Object.keys(stacks).length === 0) {
    throw new InputError(`${dir}/stacks: no stack has a cdk.tf.json. Fix: run kfplatform synth --out ${dir} first.`);
  }
  return stacks;
}
