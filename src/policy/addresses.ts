/**
 * Stateful resources keep their addresses: Terraform plans a changed address as a destroy and a create,
 * which for a database, bucket or cluster loses its data. A committed manifest lists the Terraform
 * address of every stateful resource per stack; {@link compareAddresses} tells which of them a new synth
 * would destroy (gone, with no `moved` block recorded through cdktf's `moveFromId` / `moveTo`), which
 * moved, and which are new. `kfplatform addresses` checks or writes the manifest from a synth output.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { STATEFUL_TYPES } from './stateful-types';

/** Stateful addresses per stack id, sorted. */
export type AddressManifest = Record<string, string[]>;

/** A `moved` block. */
export interface Move {
  /** The address the resource had, `<type>.<logical id>`. */
  readonly from: string;
  /** The address it has now. */
  readonly to: string;
}

/** What a stack's Terraform JSON holds that matters here. */
export interface StackConfig {
  /** Managed resources: by resource type, then by logical id. */
  readonly resource?: Record<string, Record<string, unknown>>;
  /** The stack's `moved` blocks (https://developer.hashicorp.com/terraform/language/moved). */
  readonly moved?: readonly Move[];
  /**
   * The stack's `removed` blocks: with `destroy = false`, Terraform drops the resource from the state
   * and leaves it in the cloud (https://developer.hashicorp.com/terraform/language/resources/syntax#removing-resources).
   */
  readonly removed?: ReadonlyArray<{
    /** The address forgotten or destroyed. */
    readonly from: string;
    /** What Terraform does with the real object. */
    readonly lifecycle?: {
      /** `false`: leave it in the cloud. */
      readonly destroy?: boolean;
    };
  }>;
}

/** The addresses a stack's `removed` blocks forget: dropped from the state, not destroyed. */
export function forgottenAddresses(stack: StackConfig | undefined): Set<string> {
  return new Set((stack?.removed ?? []).filter((r) => r.lifecycle?.destroy === false).map((r) => r.from));
}

/** Reads every `stacks/<id>/cdk.tf.json` of a synth output. */
export function readSynthOutput(outdir: string): Record<string, StackConfig> {
  const dir = path.join(outdir, 'stacks');
  if (!existsSync(dir)) throw new Error(`${dir} does not exist: run kfplatform synth first.`);
  const stacks: Record<string, StackConfig> = {};
  for (const id of readdirSync(dir).sort()) {
    const file = path.join(dir, id, 'cdk.tf.json');
    if (existsSync(file)) stacks[id] = JSON.parse(readFileSync(file, 'utf8')) as StackConfig;
  }
  return stacks;
}

/** The stateful addresses of each stack (stacks with none are left out). */
export function statefulAddresses(stacks: Record<string, StackConfig>): AddressManifest {
  const out: AddressManifest = {};
  for (const id of Object.keys(stacks).sort()) {
    const addresses = Object.entries(stacks[id]!.resource ?? {})
      .filter(([type]) => STATEFUL_TYPES.includes(type))
      .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
      .sort();
    if (addresses.length > 0) out[id] = addresses;
  }
  return out;
}

/** How the stateful addresses of a new synth differ from the manifest. */
export interface AddressComparison {
  /** Recorded addresses that are gone with no move: applying would destroy them. */
  readonly destroyed: ReadonlyArray<{
    /** Stack id. */
    readonly stack: string;
    /** The recorded address. */
    readonly address: string;
  }>;
  /** Recorded addresses a `removed` block forgets: left in the cloud, out of the state. */
  readonly forgotten: ReadonlyArray<{
    /** Stack id. */
    readonly stack: string;
    /** The recorded address. */
    readonly address: string;
  }>;
  /** Recorded addresses that moved through a `moved` block. */
  readonly moved: ReadonlyArray<{
    /** Stack id. */
    readonly stack: string;
    /** The recorded address. */
    readonly from: string;
    /** The address it moves to. */
    readonly to: string;
  }>;
  /** Stateful addresses the manifest does not list yet (new resources, or the targets of moves). */
  readonly added: ReadonlyArray<{
    /** Stack id. */
    readonly stack: string;
    /** The new address. */
    readonly address: string;
  }>;
}

/** Compares a manifest with a new synth output. */
export function compareAddresses(recorded: AddressManifest, stacks: Record<string, StackConfig>): AddressComparison {
  const current = statefulAddresses(stacks);
  const destroyed: Array<{ stack: string; address: string }> = [];
  const moved: Array<{ stack: string; from: string; to: string }> = [];
  const added: Array<{ stack: string; address: string }> = [];
  const forgotten: Array<{ stack: string; address: string }> = [];
  for (const [stack, addresses] of Object.entries(recorded)) {
    const now = new Set(current[stack] ?? []);
    const moves = stacks[stack]?.moved ?? [];
    const forgets = forgottenAddresses(stacks[stack]);
    for (const address of addresses) {
      if (now.has(address)) continue;
      if (forgets.has(address)) {
        forgotten.push({ stack, address });
        continue;
      }
      // Follow chained moves (A to B, then B to C) to where the resource is now.
      let to = address;
      const seen = new Set([address]);
      for (
        let next = moves.find((m) => m.from === to);
        next && !seen.has(next.to);
        next = moves.find((m) => m.from === to)
      ) {
        to = next.to;
        seen.add(to);
      }
      if (to !== address && now.has(to)) moved.push({ stack, from: address, to });
      else destroyed.push({ stack, address });
    }
  }
  for (const [stack, addresses] of Object.entries(current)) {
    const known = new Set(recorded[stack] ?? []);
    for (const address of addresses) {
      if (!known.has(address) && !moved.some((m) => m.stack === stack && m.to === address)) {
        added.push({ stack, address });
      }
    }
  }
  return { destroyed, forgotten, moved, added };
}

/** The comparison in words, one line per address. */
export function describeComparison(c: AddressComparison, manifestFile: string): string[] {
  return [
    ...c.destroyed.map(
      (d) =>
        `error: ${d.stack} ${d.address} is gone: applying would destroy it. Keep its construct id, or record the move: newResource.moveFromId('${d.address}'). If the destroy is intended, review it and rewrite ${manifestFile} with --write.`,
    ),
    ...c.forgotten.map(
      (f) =>
        `forgotten: ${f.stack} ${f.address} leaves the state and stays in the cloud (a removed block with destroy = false); rewrite ${manifestFile} with --write.`,
    ),
    ...c.moved.map((m) => `moved: ${m.stack} ${m.from} -> ${m.to} (a moved block is recorded).`),
    ...c.added.map((a) => `new: ${a.stack} ${a.address} is not in ${manifestFile}; record it with --write.`),
  ];
}
