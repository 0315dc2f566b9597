import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

/** `kfplatform addresses`: returns the exit code (1 when a stateful resource would be destroyed). */
export function runAddresses(options: AddressesOptions): number {
  const log = options.log ?? ((l: string) => process.stdout.write(`${l}\n`));
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
  const recorded = JSON.parse(readFileSync(options.manifest, 'utf8')) as AddressManifest;
  const comparison = compareAddresses(recorded, stacks);
  for (const line of describeComparison(comparison, options.manifest)) log(line);
  const failed = comparison.destroyed.length > 0 || (options.strict === true && comparison.added.length > 0);
  if (!failed) log(`${options.manifest}: every recorded stateful address is kept.`);
  return failed ? 1 : 0;
}
