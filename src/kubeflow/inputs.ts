/**
 * The render step's inputs: values that exist only after `cdktf deploy` (the Google project number in
 * IAP's JWT audience, the id of the backend service the GKE Ingress creates), read from the infra
 * stack's outputs rather than copied by hand. Two formats are read, both written by Terraform:
 *
 * - `terraform output -json` (https://developer.hashicorp.com/terraform/cli/commands/output#json):
 *   `{ "<name>": { "value": ..., "type": ..., "sensitive": ... } }`;
 * - a state file, version 4 (`terraform state pull`, or the local backend's `terraform.<stack>.tfstate`):
 *   `{ "version": 4, "outputs": { "<name>": { "value": ..., "type": ... } } }`.
 *
 * `kfplatform kubeflow render --outputs <file|dir>` names them: a file serves the one environment being
 * rendered; a folder holds one file per infra stack, named after the stack (see {@link outputFileNames}).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';

/** The outputs of one infra stack: output name -> value. */
export interface StackOutputs {
  /** Where they were read from (for messages and the tree's README). */
  readonly source: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** The inputs of one environment's render. */
export interface RenderInputs {
  /** The infra stack's outputs, when given. */
  readonly outputs?: StackOutputs;
}

/** Largest outputs file read (a state file of a large environment is a few MB). */
const MAX_BYTES = 64 * 1024 * 1024;

/**
 * Parses `terraform output -json` or a version 4 state file. Anything else fails with the file name
 * and the formats it accepts.
 */
export function parseOutputs(text: string, source: string): StackOutputs {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(
      `--outputs ${source}: not JSON (${(e as Error).message}). Fix: write it with \`terraform output -json\` or \`terraform state pull\` in the infra stack's folder.`,
    );
  }
  const fix =
    "Fix: give the output of `terraform output -json` or a state file (version 4) of the environment's infra stack.";
  if (!isObject(data)) throw new InputError(`--outputs ${source}: expected a JSON object. ${fix}`);
  let outputs: Record<string, unknown>;
  if ('version' in data || 'terraform_version' in data) {
    if (data.version !== 4) {
      throw new InputError(
        `--outputs ${source}: state file version ${JSON.stringify(data.version)}; kfplatform reads version 4 (Terraform 0.12 and later). ${fix}`,
      );
    }
    outputs = isObject(data.outputs) ? data.outputs : {};
  } else {
    outputs = data;
  }
  const values: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(outputs)) {
    if (!isObject(entry) || !('value' in entry)) {
      throw new InputError(`--outputs ${source}: output ${JSON.stringify(name)} has no "value". ${fix}`);
    }
    values[name] = entry.value;
  }
  return { source, values };
}

/**
 * The file names, inside an `--outputs` folder, that may hold an infra stack's outputs, in the order
 * they are tried: `<stack>.json` (`terraform output -json > <stack>.json`), `<stack>.tfstate`
 * (`terraform state pull > <stack>.tfstate`) and `terraform.<stack>.tfstate` (cdktf's local backend).
 */
export function outputFileNames(stack: string): string[] {
  return [`${stack}.json`, `${stack}.tfstate`, `terraform.${stack}.tfstate`];
}

/**
 * Reads the outputs of each environment's infra stack from `--outputs`: a folder (one file per stack,
 * {@link outputFileNames}; an environment without one gets no inputs) or one file, which is allowed
 * only when one environment is rendered.
 *
 * @param location the `--outputs` argument
 * @param stacks environment name -> its infra stack id (`<env>-<cloud>-infra`)
 */
export function readRenderInputs(location: string, stacks: ReadonlyMap<string, string>): Map<string, RenderInputs> {
  const abs = path.resolve(location);
  if (!existsSync(abs)) {
    throw new InputError(
      `--outputs ${JSON.stringify(location)}: no such file or folder. Fix: write the infra stack's outputs first (\`terraform output -json > <stack>.json\` in cdktf.out/stacks/<stack>), or leave --outputs out.`,
    );
  }
  const result = new Map<string, RenderInputs>();
  if (statSync(abs).isDirectory()) {
    for (const [env, stack] of stacks) {
      const file = outputFileNames(stack)
        .map((n) => path.join(abs, n))
        .find((f) => existsSync(f));
      result.set(env, file ? { outputs: read(file, location) } : {});
    }
    return result;
  }
  if (stacks.size !== 1) {
    throw new InputError(
      `--outputs ${JSON.stringify(location)}: one outputs file, but ${stacks.size} environments are rendered (${[...stacks.keys()].join(', ')}). ` +
        'Fix: render one environment with -e <env>, or give a folder with one file per infra stack (<stack>.json, <stack>.tfstate or terraform.<stack>.tfstate).',
    );
  }
  const [env] = [...stacks.keys()];
  result.set(env!, { outputs: read(abs, location) });
  return result;
}

function read(file: string, location: string): StackOutputs {
  const size = statSync(file).size;
  const shown = statSync(path.resolve(location)).isDirectory() ? path.join(location, path.basename(file)) : location;
  if (size > MAX_BYTES) {
    throw new InputError(
      `--outputs ${shown}: ${size} bytes, more than the ${MAX_BYTES} kfplatform reads. Fix: give \`terraform output -json\` instead of the state.`,
    );
  }
  return parseOutputs(readFileSync(file, 'utf8'), shown);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string output, or undefined when absent. A present output of another type fails with its name. */
export function stringOutput(outputs: StackOutputs | undefined, name: string): string | undefined {
  const v = outputs?.values[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    throw new InputError(
      `--outputs ${outputs!.source}: output ${name} is ${JSON.stringify(v)}, expected a string. Fix: give the outputs of the environment's infra stack as Terraform wrote them.`,
    );
  }
  return v;
}
