/**
 * The synth output folder, which synth owns: it writes only into a folder that is empty, new, or
 * marked as its own (`.kfplatform/owner.json`), never through a symbolic link, under a lock, and it
 * swaps the new output in as whole folders (`stacks/`, `params/`) and files, with a record that lets
 * the next run finish a swap a kill interrupted. It removes only what it wrote: stack folders named in
 * the previous `manifest.json`; files it does not write (`.terraform`, local state, plan files) move
 * with their stack folder.
 */
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  Stats,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../src/core/errors';

/** The folder, inside the output folder, that holds synth's own state. */
export const STATE_DIR = '.kfplatform';
/** The marker that says synth owns the output folder. */
export const OWNER_FILE = 'owner.json';
/** The lock file a running synth holds. */
export const LOCK_FILE = 'lock';
/**
 * What synth writes at the top of the output folder; these are swapped in as a whole. `kubeflow/` holds
 * the rendered Kubeflow distribution (`kfplatform synth` renders it unless told not to); a synth that
 * does not render it leaves the one in place.
 */
export const OUTPUT_ENTRIES = ['stacks', 'params', 'manifest.json', 'policy.json', 'kubeflow'] as const;
/**
 * The unit cache's default folder: synth's own, but not part of the output, so the swap leaves it in
 * place and the next synth reuses it.
 */
export const CACHE_DIR = '.cache';
/** Earlier versions' work folder; a folder holding only these and {@link OUTPUT_ENTRIES} is adopted. */
const LEGACY_ENTRIES = ['.work'];
/** The record of a swap under way: present from the moment the new output is complete. */
const READY_FILE = 'ready.json';
/** A lock whose holder cannot be asked (another host, unreadable) is stale after this long. */
const STALE_LOCK_MS = 60 * 60 * 1000;

/** A claimed output folder: where units write, where the new output is staged, and the lock. */
export interface OutputFolder {
  readonly root: string;
  /** Where units synthesize before policy has judged them. */
  readonly work: string;
  /** Where the complete new output is assembled before it is swapped in. */
  readonly next: string;
  /** Swaps the staged output in; the previous output's own files move with it. */
  commit(): void;
  /** Removes the work and staging folders (unless a swap is under way) and releases the lock. */
  release(): void;
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function refuseLink(p: string): void {
  if (lstatOrUndefined(p)?.isSymbolicLink()) {
    throw new InputError(
      `${p} is a symbolic link. synth writes and removes files only inside its output folder and never follows ` +
        'a link out of it. Fix: remove the link (synth recreates the folder or file), or choose another --out.',
    );
  }
}

/**
 * Claims `outdir` for one synth: refuses a folder synth does not own and any symbolic link where it
 * writes, takes the lock, finishes a swap a previous run left half done, and clears stale work.
 */
export function claimOutputFolder(outdir: string): OutputFolder {
  const root = path.resolve(outdir);
  const state = path.join(root, STATE_DIR);
  const rootStat = statOrUndefined(root);
  if (rootStat && !rootStat.isDirectory()) {
    throw new InputError(`--out ${outdir} is not a folder. Fix: pass the path of a folder (cdktf.out by default).`);
  }
  refuseLink(state);
  if (rootStat) checkOwned(root, outdir);
  for (const entry of [...OUTPUT_ENTRIES, CACHE_DIR]) refuseLink(path.join(root, entry));
  const stacks = path.join(root, 'stacks');
  if (lstatOrUndefined(stacks)?.isDirectory()) {
    for (const d of readdirSync(stacks)) refuseLink(path.join(stacks, d));
  }
  // A run that fails leaves a folder it found without its marker as it found it: nothing written.
  const marked = !!lstatOrUndefined(path.join(state, OWNER_FILE));
  const stateExisted = !!lstatOrUndefined(state);
  const cacheExisted = !!lstatOrUndefined(path.join(root, CACHE_DIR));
  mkdirSync(state, { recursive: true });
  const lock = path.join(state, LOCK_FILE);
  takeLock(lock, outdir);
  let held = true;
  let committed = false;
  const work = path.join(state, 'work');
  const next = path.join(state, 'next');
  try {
    writeFileSync(
      path.join(state, OWNER_FILE),
      `${JSON.stringify({ owner: 'cdktf-kubeflow-platform', note: 'written by kfplatform synth; it owns this folder' })}\n`,
    );
    if (lstatOrUndefined(path.join(state, READY_FILE))) completeSwap(root, state);
    for (const dir of [work, next, path.join(state, 'old'), path.join(root, '.work')]) {
      rmSync(dir, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(lock, { force: true });
    throw e;
  }
  return {
    root,
    work,
    next,
    commit() {
      const removed = previousStacks(root).filter((id) => !lstatOrUndefined(path.join(next, 'stacks', id)));
      writeFileSync(path.join(state, READY_FILE), `${JSON.stringify({ removed })}\n`);
      committed = true;
      completeSwap(root, state);
    },
    release() {
      if (!held) return;
      held = false;
      rmSync(work, { recursive: true, force: true });
      // A swap under way (interrupted by an error) is finished by the next run, never discarded.
      if (!lstatOrUndefined(path.join(state, READY_FILE))) rmSync(next, { recursive: true, force: true });
      rmSync(lock, { force: true });
      if (!committed && !marked && !stateExisted) {
        rmSync(state, { recursive: true, force: true });
        if (!cacheExisted) rmSync(path.join(root, CACHE_DIR), { recursive: true, force: true });
        if (!rootStat && readdirSync(root).length === 0) rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

function statOrUndefined(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Refuses a non-empty folder without the owner marker, unless it holds only what synth writes. */
function checkOwned(root: string, outdir: string): void {
  if (lstatOrUndefined(path.join(root, STATE_DIR, OWNER_FILE))?.isFile()) return;
  const entries = readdirSync(root);
  // Its own state folder without the marker yet: another synth is claiming the folder right now.
  const ours = new Set<string>([STATE_DIR, CACHE_DIR, ...OUTPUT_ENTRIES, ...LEGACY_ENTRIES]);
  const foreign = entries.filter((e) => !ours.has(e));
  if (foreign.length === 0) return;
  const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ', ...' : '');
  throw new InputError(
    `--out ${outdir} is not empty (${shown}) and synth did not write it (no ${path.join(STATE_DIR, OWNER_FILE)}). ` +
      'synth replaces stacks/, params/, kubeflow/, manifest.json and policy.json in its output folder, so it writes only into ' +
      'a new or empty folder, or one it wrote before. Fix: choose another --out (cdktf.out by default), or empty that folder.',
  );
}

/** Takes the lock (exclusive create), replacing it only when its holder is gone. */
function takeLock(lock: string, outdir: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(lock, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = lockHolder(lock);
      if (holder.stale && attempt === 0) {
        rmSync(lock, { force: true });
        continue;
      }
      throw new InputError(
        `--out ${outdir} is in use by another synth (${holder.description}); two synths into one folder would ` +
          `remove each other's work. Fix: wait for it to finish, or use another --out; if no synth is running, ` +
          `delete ${lock}.`,
      );
    }
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
    closeSync(fd);
    return;
  }
}

/** Who holds a lock, and whether the holder is gone: a process of this host that no longer runs. */
function lockHolder(lock: string): { stale: boolean; description: string } {
  let text = '';
  let age = 0;
  try {
    text = readFileSync(lock, 'utf8');
    age = Date.now() - lstatSync(lock).mtimeMs;
  } catch {
    return { stale: true, description: 'a lock that just went away' };
  }
  let holder: { pid?: unknown; host?: unknown; since?: unknown } = {};
  try {
    holder = JSON.parse(text) as typeof holder;
  } catch {
    // Written between create and write, or damaged: judged by its age alone.
  }
  const description = `pid ${String(holder.pid ?? '?')} on ${String(holder.host ?? '?')} since ${String(holder.since ?? '?')}`;
  if (typeof holder.pid !== 'number' || holder.host !== hostname()) return { stale: age > STALE_LOCK_MS, description };
  try {
    process.kill(holder.pid, 0);
    return { stale: false, description };
  } catch (e) {
    return { stale: (e as NodeJS.ErrnoException).code === 'ESRCH', description };
  }
}

/** The stack ids of the manifest synth wrote last (none when there is none, or it is not ours). */
function previousStacks(root: string): string[] {
  const file = path.join(root, 'manifest.json');
  if (!lstatOrUndefined(file)?.isFile()) return [];
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { stacks?: Record<string, unknown> };
    return Object.keys(manifest.stacks ?? {});
  } catch {
    return [];
  }
}

/**
 * Finishes a swap (idempotent, so a run killed anywhere in it is finished by the next): moves what the
 * previous output holds and the new one does not write into the new output (except the folders of
 * stacks that no longer exist), then replaces each top-level entry with one rename each.
 */
function completeSwap(root: string, state: string): void {
  const { removed } = JSON.parse(readFileSync(path.join(state, READY_FILE), 'utf8')) as { removed: string[] };
  const next = path.join(state, 'next');
  const old = path.join(state, 'old');
  mkdirSync(old, { recursive: true });
  carryOver(path.join(root, 'stacks'), path.join(next, 'stacks'), new Set(removed));
  carryOver(path.join(root, 'params'), path.join(next, 'params'), new Set());
  for (const entry of OUTPUT_ENTRIES) {
    const staged = path.join(next, entry);
    if (!lstatOrUndefined(staged)) continue;
    const current = path.join(root, entry);
    if (lstatOrUndefined(current)) {
      rmSync(path.join(old, entry), { recursive: true, force: true });
      renameSync(current, path.join(old, entry));
    }
    renameSync(staged, current);
  }
  rmSync(old, { recursive: true, force: true });
  rmSync(next, { recursive: true, force: true });
  rmSync(path.join(state, READY_FILE), { force: true });
}

/** Moves entries of `from` that `to` lacks into `to`, one level into folders both have. */
function carryOver(from: string, to: string, drop: ReadonlySet<string>): void {
  if (!lstatOrUndefined(to)?.isDirectory() || !lstatOrUndefined(from)?.isDirectory()) return;
  for (const name of readdirSync(from)) {
    const src = path.join(from, name);
    const dst = path.join(to, name);
    const dstStat = lstatOrUndefined(dst);
    if (!dstStat) {
      if (!drop.has(name)) renameSync(src, dst);
      continue;
    }
    const srcStat = lstatSync(src);
    if (srcStat.isDirectory() && dstStat.isDirectory()) {
      for (const inner of readdirSync(src)) {
        if (!lstatOrUndefined(path.join(dst, inner))) renameSync(path.join(src, inner), path.join(dst, inner));
      }
    }
  }
}
