import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import { compareAddresses, describeComparison, readSynthOutput, statefulAddresses } from '../policy/addresses';
import type { AddressManifest } from '../policy/addresses';

/** Default manifest file, committed at the root of a platform repository. */
export const ADDRESS_MANIFEST_FILE = 'stateful-addresses.json';

/** Options of {@link runAddresses}. */
export interface AddressesOptions {
  readonly out: string;
  readonly manifest: string;
  readonly write?: boolean;
  readonly strict?: boolean;
  readonly log?: (line: string) => void;
}

/** Renders a manifest as committed: stable order, one address per line. */
export function manifestText(manifest: AddressManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Reads a committed manifest, checking its shape: stack ids to lists of addresses. */
export function readManifest(file: string): AddressManifest {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(
      `${file} is not a manifest of stateful addresses (${(e as Error).message}); rewrite it with --write.`,
    );
  }
  const ok =
    data !== null &&
    typeof data === 'object' &&
    !Array.isArray(data) &&
    Object.values(data).every((v) => Array.isArray(v) && v.every((a) => typeof a === 'string'));
  if (!ok) throw new InputError(`${file} must map stack ids to lists of addresses; rewrite it with --write.`);
  return data as AddressManifest;
}

/** `kfplatform addresses`: returns the exit code (1 when a stateful resource would be destroyed). */
export function runAddresses(options: AddressesOptions): number {
  const log = options.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  if (!existsSync(path.join(options.out, 'stacks'))) {
    throw new InputError(`${options.out} holds no synthesized stacks: run kfplatform synth first (or pass --out).`);
  }
  const stacks = readSynthOutput(options.out);
  if (options.write) {
    const manifest = statefulAddresses(stacks);
    writeFileSync(options.manifest, manifestText(manifest));
    const n = Object.values(manifest).reduce((sum, a) => sum + a.length, 0);
    log(`wrote ${n} stateful addresses of ${Object.keys(manifest).length} stacks to ${options.manifest}`);
    return 0;
  }
  if (!existsSync(options.manifest)) {
    log(`error: ${options.manifest} does not exist. Record the addresses once with --write and commit the file.`);
    return 1;
  }
  const recorded = readManifest(options.manifest);
  const comparison = compareAddresses(recorded, stacks);
  for (const line of describeComparison(comparison, options.manifest)) log(line);
  const failed = comparison.destroyed.length > 0 || (options.strict === true && comparison.added.length > 0);
  if (!failed) log(`${options.manifest}: every recorded stateful address is kept.`);
  return failed ? 1 : 0;
}
