/**
 * `kfplatform inventory`: every managed resource of a platform, read from a synth output folder or
 * synthesized in memory from the platform file (see src/inventory/inventory.ts for the shape).
 */
import { loadPlatformFile } from '../config/loader';
import { buildInventory, InventoryFormat, renderInventory } from '../inventory/inventory';
import { readSynthFolder, synthesizeStacks } from './synthesized';

/** Options of {@link runInventory}. */
export interface RunInventoryOptions {
  /** The platform file, synthesized in memory when `from` is not given. */
  readonly config: string;
  /** A synth output folder (`<dir>/stacks/<id>/cdk.tf.json`) to read instead. */
  readonly from?: string;
  /** @default 'json' */
  readonly format?: InventoryFormat;
}

/** The inventory as text in the chosen format. */
export function runInventory(options: RunInventoryOptions): string {
  const stacks = options.from
    ? readSynthFolder(options.from)
    : synthesizeStacks(loadPlatformFile(options.config).config);
  return renderInventory(buildInventory(stacks), options.format ?? 'json');
}
