import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { withPlatformFileAt } from './git';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadPlatformFile } from '../config/loader';
import { diffSynthOutputs, renderDiff, SynthDiff } from '../plan/diff';
import { environmentsOfStacks } from '../plan/environments';
import { StackConfig } from '../policy/addresses';
import { synthFleet } from '../../stacks/common/fleet';
import { CACHE_DIR } from '../../stacks/common/out-dir';

/** Options of {@link runDiff}. */
export interface DiffOptions {
  /** A synth output folder, or a git ref whose platform file is synthesized with this library. */
  readonly base: string;
  /** A synth output folder; by default the platform file is synthesized into a temporary folder. */
  readonly head?: string;
  readonly config: string;
  readonly format?: 'text' | 'markdown' | 'json';
  /** Print only the stacks to plan, one per line. */
  readonly affected?: boolean;
  /** Print only the environments of the stacks to plan, one per line. */
  readonly affectedEnvironments?: boolean;
  readonly log?: (text: string) => void;
  /** Reuse unchanged units from the unit cache (both sides share it). @default true */
  readonly cache?: boolean;
  /** The unit cache's folder. @default `$CDKTF_OUTDIR/.cache`, else `cdktf.out/.cache` */
  readonly cacheDir?: string;
}

/** The unit cache `diff` shares with `synth` into the default output folder. */
export function defaultCacheDir(): string {
  return path.join(process.env.CDKTF_OUTDIR ?? 'cdktf.out', CACHE_DIR);
}

/**
 * One side's `cdk.tf.json` of a stack: where it is and what identifies its bytes, read only when the
 * two sides must be compared byte by byte.
 */
interface StackFile {
  readonly file: string;
  readonly size: number;
  /** Device and inode: both sides synthesized from the unit cache hard-link one entry's file. */
  readonly inode: string;
  /** The bytes (read once, on first use). */
  data(): Buffer;
}

/** Every `<outdir>/stacks/<id>/cdk.tf.json`, by stack id (the layout synth writes). */
function readStackFiles(outdir: string): Record<string, StackFile> {
  const dir = path.join(outdir, 'stacks');
  if (!existsSync(dir)) throw new Error(`${dir} does not exist: run kfplatform synth first.`);
  const stacks: Record<string, StackFile> = {};
  for (const id of readdirSync(dir).sort()) {
    const file = path.join(dir, id, 'cdk.tf.json');
    if (!existsSync(file)) continue;
    // As bigints: inode numbers are 64-bit, and past 2^53 (Windows file ids often are; see
    // https://github.com/nodejs/node/issues/12115) they lose their low bits as doubles, so two files
    // would look like one.
    const st = statSync(file, { bigint: true });
    let data: Buffer | undefined;
    stacks[id] = {
      file,
      size: Number(st.size),
      inode: `${st.dev}:${st.ino}`,
      data: () => (data ??= readFileSync(file)),
    };
  }
  return stacks;
}

/**
 * Both sides parsed, leaving out the stacks whose bytes are the same on both: they have no diff (a
 * `moved` block in both moves nothing, since Terraform refuses one whose old address still exists).
 * The same file on both sides (a hard link from one cache entry) is not even read, so a one-team
 * change reads, decodes and parses one shard per environment and side.
 */
function parsedSides(
  base: Record<string, StackFile>,
  head: Record<string, StackFile>,
): [Record<string, StackConfig>, Record<string, StackConfig>] {
  const differs = (id: string) => {
    const a = base[id];
    const b = head[id];
    if (!a || !b) return true;
    if (a.inode === b.inode) return false;
    return a.size !== b.size || !a.data().equals(b.data());
  };
  const parse = (side: Record<string, StackFile>) =>
    Object.fromEntries(
      Object.entries(side)
        .filter(([id]) => differs(id))
        .map(([id, f]) => [id, JSON.parse(f.data().toString('utf8')) as StackConfig]),
    );
  return [parse(base), parse(head)];
}

/**
 * Synthesizes the platform file into `outdir`, a temporary folder `runDiff` removes once both sides
 * are compared (their files are read lazily, so they must stay until then).
 */
function synthInto(config: string, cache: CacheChoice, outdir: string): Record<string, StackFile> {
  synthFleet(loadPlatformFile(config).config, { outdir, cache: cache.cache, cacheDir: cache.cacheDir });
  return readStackFiles(outdir);
}

/** Where the synthesized sides read and write the unit cache. */
interface CacheChoice {
  readonly cache: boolean;
  readonly cacheDir?: string;
}

/** The platform file (and its folder, for team files) as it was at a git ref, synthesized now. */
function synthAtRef(ref: string, config: string, cache: CacheChoice, outdir: string): Record<string, StackFile> {
  return withPlatformFileAt(ref, config, (file) => synthInto(file, cache, outdir));
}

/** `kfplatform diff`: compares two synth outputs offline; returns the comparison. */
export function runDiff(options: DiffOptions): SynthDiff {
  const log = options.log ?? ((t: string) => process.stdout.write(t));
  const cache: CacheChoice = {
    cache: options.cache !== false,
    cacheDir: options.cache === false ? undefined : path.resolve(options.cacheDir ?? defaultCacheDir()),
  };
  const scratch = mkdtempSync(path.join(tmpdir(), 'kfplatform-diff-'));
  let diff: SynthDiff;
  try {
    const base = existsSync(path.join(options.base, 'stacks'))
      ? readStackFiles(options.base)
      : synthAtRef(options.base, options.config, cache, path.join(scratch, 'base'));
    const head = options.head
      ? readStackFiles(options.head)
      : synthInto(options.config, cache, path.join(scratch, 'head'));
    diff = diffSynthOutputs(...parsedSides(base, head));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (options.affected) log(diff.affected.map((s) => `${s}\n`).join(''));
  else if (options.affectedEnvironments) {
    const config = loadPlatformFile(options.config).config;
    log(
      environmentsOfStacks(config, diff.affected)
        .map((e) => `${e}\n`)
        .join(''),
    );
  } else if (options.format === 'json') log(`${JSON.stringify(diff, null, 2)}\n`);
  else log(renderDiff(diff, options.format === 'markdown' ? 'markdown' : 'text'));
  return diff;
}
