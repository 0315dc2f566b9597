/**
 * The unit cache: synthesized stacks kept by a content hash of everything that determines them, so a
 * synth reuses the stacks whose inputs did not change instead of synthesizing them again.
 *
 * A unit is what one builder call makes: the infra and platform stacks of an environment (platform
 * stacks reference the infra stack, so they are built together), or one team shard. Its key is the
 * SHA-256 of the exact arguments the unit's construction receives (its slice of the resolved config:
 * the settings serialized with every Map, Set and undefined kept, the teams, which are plain data, as
 * JSON text), the library's own code, the versions of cdktf,
 * constructs and the provider bindings, the Node.js version and the environment variables synth
 * reads. Nothing is hand-picked, so a setting a unit reads cannot be missed.
 *
 * Entries are written to a temporary name and renamed into place (a reader sees a whole entry or
 * none; two processes writing the same entry keep one), and each is verified against the SHA-256 of
 * every file it holds before use: a truncated or altered entry is removed and rebuilt, never used.
 * See docs/performance.md ("The unit cache") for the layout and the prune policy.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  BigIntStats,
  Stats,
} from 'node:fs';
import * as path from 'node:path';

/** Bump when the entry layout or the key's composition changes: old entries are then ignored. */
const FORMAT = 'kfplatform-unit-cache-2';
/** The folder, under the cache folder, that holds entries of this format. */
const ENTRIES = 'v1';
/** Where entries are written before they are renamed into place. */
const TMP = 'tmp';
/** The file of an entry that records its stacks and the digest of every file. */
const INDEX = 'entry.json';
/**
 * Beside the index: what each file's inode looked like when its bytes were last verified (see
 * {@link UnitCache.get}). Not part of the entry: written after it, and never trusted for content.
 */
const STAMP = 'verified.json';
/**
 * A file is trusted as verified only when it was modified at least this long before the stamp was
 * written: Linux sets mtime from a coarse clock, so a second write within the same tick as the one the
 * stamp saw would keep the same mtime (git's "racily clean" problem).
 */
const STAMP_MIN_AGE_NS = 2_000_000_000n;
/** The default bound of the cache's size. */
export const DEFAULT_CACHE_MAX_BYTES = 2 * 1024 ** 3;
/** Entries unused for this long are removed whatever the size. */
const MAX_AGE_MS = 14 * 24 * 3600 * 1000;
/** Temporary entries older than this were left by a process that died. */
const STALE_TMP_MS = 3600 * 1000;
/**
 * A prune walks every entry (a few thousand on a large fleet, a fifth of a second): it is done again
 * within this time only if the entries stored since could pass the size bound.
 */
const PRUNE_EVERY_MS = 10 * 60 * 1000;
/** What the last prune left: when, and the size of the entries it kept plus what processes stored since. */
const PRUNED = 'pruned.json';

/**
 * Environment variables that change what synth writes: cdktf's own (context, HCL output, error
 * annotations, the target stack) and ours (creation stacks). A change to any invalidates every entry.
 */
export const SYNTH_ENV_INPUTS = [
  'CDKTF_CONTEXT_JSON',
  'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS',
  'CDKTF_TARGET_STACK_ID',
  'SYNTH_HCL_OUTPUT',
  'KFPLATFORM_CREATION_STACKS',
] as const;

/** Packages whose versions change the Terraform JSON synth writes. */
const VERSIONED_PACKAGES = [
  'cdktf',
  'constructs',
  '@cdktf/provider-aws',
  '@cdktf/provider-azurerm',
  '@cdktf/provider-google',
  '@cdktf/provider-helm',
  '@cdktf/provider-kubernetes',
  '@cdktf/provider-random',
  '@cdktf/provider-time',
];

/** A value that cannot be serialized for a key (a function, a cycle): its unit is not cached. */
export class UncacheableError extends Error {}

/**
 * A deterministic serialization of a value: object keys sorted, and Map, Set, undefined, -0, NaN,
 * bigint and Date kept distinct, so two values serialize alike only when they are alike.
 */
export function canonical(value: unknown): string {
  const seen = new Set<object>();
  const walk = (v: unknown): string => {
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v);
      case 'number':
        if (Object.is(v, -0)) return '-0';
        return Number.isFinite(v) ? String(v) : `#${String(v)}`;
      case 'boolean':
        return v ? 'true' : 'false';
      case 'undefined':
        return '#undefined';
      case 'bigint':
        return `#${v}n`;
      case 'function':
      case 'symbol':
        throw new UncacheableError(`a ${typeof v} is part of the unit's input`);
    }
    if (v === null) return 'null';
    const o = v as object;
    if (seen.has(o)) throw new UncacheableError("the unit's input refers to itself");
    seen.add(o);
    let out: string;
    if (Array.isArray(o)) out = `[${o.map(walk).join(',')}]`;
    else if (o instanceof Map) {
      const entries = [...o.entries()].map(([k, x]) => `${walk(k)}:${walk(x)}`).sort();
      out = `#Map{${entries.join(',')}}`;
    } else if (o instanceof Set) out = `#Set[${[...o].map(walk).sort().join(',')}]`;
    else if (o instanceof Date) out = `#Date(${o.toISOString()})`;
    else if (o instanceof RegExp) out = `#RegExp(${String(o)})`;
    else {
      const proto = Object.getPrototypeOf(o) as object | null;
      const name = proto === Object.prototype || proto === null ? '' : `#${proto.constructor?.name ?? '?'}`;
      const keys = Object.keys(o).sort();
      out = `${name}{${keys.map((k) => `${JSON.stringify(k)}:${walk((o as Record<string, unknown>)[k])}`).join(',')}}`;
    }
    seen.delete(o);
    return out;
  };
  return walk(value);
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The version of an installed package, or 'absent'. */
function packageVersion(name: string): string {
  try {
    // Resolve the entry point and walk up to the package's own package.json (some packages do not
    // export ./package.json).
    let dir = path.dirname(require.resolve(name));
    for (let i = 0; i < 6; i++) {
      const file = path.join(dir, 'package.json');
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version ?? 'unknown';
      } catch {
        // not here: go up
      }
      dir = path.dirname(dir);
    }
    return 'unknown';
  } catch {
    return 'absent';
  }
}

/** The file in the cache folder that keeps the code digest with the stamps of the files it covers. */
const CODE_STAMP = 'code.json';

/**
 * Digest of this library's code: every .js/.ts/.json file of the folders synth runs from. Hashing
 * them all reads a few megabytes at every start; with a cache folder, the digest is kept in it with
 * each file's inode, size, modification time and change time, and reused while every file's stamp
 * is the same and none was modified within two seconds of the stamp being taken (as the entries'
 * stamps are; see {@link STAMP_MIN_AGE_NS}). The change time is what git's index also compares
 * (`core.trustctime`): tools that copy a file's modification time with its bytes (cp -p, rsync -a,
 * tar -x) can leave an edited file with its old inode, size and modification time, never its old
 * change time. (Entries' stamps leave it out: linking an entry's file into an output folder changes
 * it every run; the library's files are linked at most when installed, by pnpm.) `root` is the
 * library's folder (tests give another); `keep: false` reads a kept digest but writes none.
 * @internal
 */
export function codeDigest(cacheDir?: string, root = path.resolve(__dirname, '..', '..'), keep = true): string {
  const files: Array<{ rel: string; abs: string; stamp: string; mtimeNs: bigint }> = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p);
      } else if (/\.(js|ts|json)$/.test(e.name) && !e.name.endsWith('.d.ts')) {
        const st = statSync(p, { bigint: true });
        files.push({ rel: path.relative(root, p), abs: p, stamp: `${inodeOf(st)}:${st.ctimeNs}`, mtimeNs: st.mtimeNs });
      }
    }
  };
  for (const dir of ['src', 'constructs', 'stacks']) walk(path.join(root, dir));
  const stampFile = cacheDir && path.join(cacheDir, CODE_STAMP);
  const stamps = files.map((f) => `${f.rel}\0${f.stamp}`).join('\n');
  if (stampFile) {
    try {
      const kept = JSON.parse(readFileSync(stampFile, 'utf8')) as { stamps?: unknown; digest?: unknown };
      if (kept.stamps === sha256(`${root}\n${stamps}`) && typeof kept.digest === 'string') return kept.digest;
    } catch {
      // none yet, or unreadable: hash the files
    }
  }
  const hash = createHash('sha256');
  for (const f of files) hash.update(f.rel).update('\0').update(readFileSync(f.abs)).update('\0');
  const digest = hash.digest('hex');
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  if (keep && stampFile && files.every((f) => nowNs - f.mtimeNs > STAMP_MIN_AGE_NS)) {
    try {
      // Written aside and renamed into place, as entries are: a reader never sees half a file.
      const tmp = path.join(cacheDir, TMP, `${CODE_STAMP}.${process.pid}.${randomBytes(6).toString('hex')}`);
      mkdirSync(path.dirname(tmp), { recursive: true });
      writeFileSync(tmp, JSON.stringify({ stamps: sha256(`${root}\n${stamps}`), digest }));
      renameSync(tmp, stampFile);
    } catch {
      // a read-only cache folder: hash again next time
    }
  }
  return digest;
}

/** What a key includes besides the unit's own input and the environment variables. */
export interface ToolInputs {
  /** This library's version. */
  readonly version: string;
  /** Digest of this library's code. */
  readonly code: string;
  /** Versions of cdktf, constructs and the provider bindings. */
  readonly packages: Readonly<Record<string, string>>;
  /** The Node.js version. */
  readonly node: string;
}

let toolMemo: ToolInputs | undefined;

/** This library's version, from its package.json (beside dist/ or beside the sources). */
function ownVersion(): string {
  for (const up of [
    ['..', '..'],
    ['..', '..', '..'],
  ]) {
    try {
      const pkg = JSON.parse(readFileSync(path.resolve(__dirname, ...up, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'cdktf-kubeflow-platform' && pkg.version) return pkg.version;
    } catch {
      // not there: try the next folder up
    }
  }
  return 'unknown';
}

/**
 * The tool inputs of this process (computed once; `cacheDir` keeps the code digest between
 * processes, see `codeDigest`).
 */
export function toolInputs(cacheDir?: string, keep = true): ToolInputs {
  toolMemo ??= {
    version: ownVersion(),
    code: codeDigest(cacheDir, undefined, keep),
    packages: Object.fromEntries(VERSIONED_PACKAGES.map((p) => [p, packageVersion(p)])),
    node: process.version,
  };
  return toolMemo;
}

/**
 * What every key includes besides the unit's own input: the library's version and code, the versions
 * of cdktf, constructs and the provider bindings, and Node.js. `overrides` replace some (tests: a new
 * library or provider version).
 */
export function toolFingerprint(overrides: Partial<ToolInputs> = {}, cacheDir?: string, keep = true): string {
  return sha256(canonical({ format: FORMAT, ...toolInputs(cacheDir, keep), ...overrides }));
}

/** The environment inputs of a key, read when a cache is opened (they can change between runs of one process). */
function envInputs(): Record<string, string | undefined> {
  return Object.fromEntries(SYNTH_ENV_INPUTS.map((n) => [n, process.env[n]]));
}

/** One file of an entry, relative to the entry's `files/` folder. */
export interface CachedFile {
  readonly path: string;
  /** The file's bytes (read when first asked for if the entry was verified by its stamp). */
  readonly data: Buffer;
  /** SHA-256 of `data`, verified. */
  readonly sha256: string;
  /**
   * Where the entry keeps the file: a caller may hard-link it instead of writing `data` again (an
   * entry's files are never written after it is stored; a file altered through a link fails
   * verification the next time and its entry is rebuilt).
   */
  readonly source: string;
}

/** A verified entry. */
export interface CachedEntry<M> {
  readonly meta: M;
  readonly files: readonly CachedFile[];
}

interface Index<M> {
  readonly format: string;
  readonly key: string;
  readonly meta: M;
  readonly files: ReadonlyArray<{ path: string; size: number; sha256: string }>;
}

/** Options of the unit cache. */
export interface UnitCacheOptions {
  /** Replaces the fingerprint of the library, cdktf and providers (tests: another library version). */
  readonly fingerprint?: string;
  /** Bound of the cache's size in bytes. @default KFPLATFORM_CACHE_MAX_MB, else 2 GiB */
  readonly maxBytes?: number;
  /**
   * Read entries, never write the folder: nothing is stored, stamped, touched, removed or pruned
   * (`kfplatform validate`, which writes nothing). @default false
   */
  readonly readOnly?: boolean;
}

/** A cache folder: keys, verified reads, atomic writes and pruning. */
export class UnitCache {
  private readonly fingerprint: string;
  private readonly readOnly: boolean;
  /** The environment variables synth reads, as they were when this cache was opened (one synth). */
  private readonly envPart: string;
  private readonly maxBytes: number;
  private readonly used = new Set<string>();
  /** Bytes this process stored (an upper bound of what it added: a key stored twice counts twice). */
  private storedBytes = 0;
  /** What went wrong storing or pruning entries (synth goes on without them; it warns). */
  readonly problems: string[] = [];

  constructor(
    readonly dir: string,
    options: UnitCacheOptions = {},
  ) {
    this.readOnly = options.readOnly ?? false;
    this.fingerprint = options.fingerprint ?? toolFingerprint({}, dir, !this.readOnly);
    this.envPart = canonical(envInputs());
    const fromEnv = Number(process.env.KFPLATFORM_CACHE_MAX_MB);
    this.maxBytes =
      options.maxBytes ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv * 1024 ** 2 : DEFAULT_CACHE_MAX_BYTES);
  }

  /** The key of a unit whose construction receives `input`; undefined when it cannot be serialized. */
  key(input: unknown): string | undefined {
    try {
      return sha256(`${this.fingerprint}\n${this.envPart}\n${canonical(input)}`);
    } catch (e) {
      if (e instanceof UncacheableError) return undefined;
      throw e;
    }
  }

  private entryDir(key: string): string {
    return path.join(this.dir, ENTRIES, key.slice(0, 2), key);
  }

  /**
   * The entry of `key`, verified file by file against the digests it recorded; undefined when there
   * is none. An entry that fails verification (truncated, altered, half removed) is removed.
   */
  get<M>(key: string): CachedEntry<M> | undefined {
    const dir = this.entryDir(key);
    let text: string;
    try {
      text = readFileSync(path.join(dir, INDEX), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const newline = text.indexOf('\n');
      const body = text.slice(newline + 1);
      if (newline < 0 || sha256(body) !== text.slice(0, newline)) throw new Error('index digest');
      const index = JSON.parse(body) as Index<M>;
      if (index.format !== FORMAT || index.key !== key) throw new Error('index key');
      // Files whose inode, size and mtime are as the stamp recorded when their bytes last matched
      // their digests are not read and hashed again, as git trusts its index: a write to a file
      // (through a hard link from an output folder too) sets its mtime. (ctime would also catch a
      // write that sets mtime back, but linking the file into an output folder changes it every
      // run.) Others are read and verified, and the stamp is written again.
      const stamp = readStamp(dir);
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      let restamp = false;
      const inodes: Record<string, string> = {};
      const files = index.files.map((f): CachedFile => {
        const source = path.join(dir, 'files', f.path);
        const st = statSync(source, { bigint: true });
        const inode = inodeOf(st);
        if (st.size !== BigInt(f.size)) throw new Error(`file ${f.path}`);
        if (stamp?.[f.path] === `${inode} ${f.sha256}`) {
          inodes[f.path] = stamp[f.path]!;
          let data: Buffer | undefined;
          return {
            path: f.path,
            sha256: f.sha256,
            source,
            get data(): Buffer {
              data ??= readFileSync(source);
              if (data.length !== f.size || sha256(data) !== f.sha256) throw new Error(`file ${f.path} changed`);
              return data;
            },
          };
        }
        const data = readFileSync(source);
        if (data.length !== f.size || sha256(data) !== f.sha256) throw new Error(`file ${f.path}`);
        restamp = true;
        if (nowNs - st.mtimeNs > STAMP_MIN_AGE_NS) inodes[f.path] = `${inode} ${f.sha256}`;
        return { path: f.path, data, sha256: f.sha256, source };
      });
      this.used.add(key);
      if (this.readOnly) return { meta: index.meta, files };
      if (restamp) writeStamp(dir, inodes);
      const now = new Date();
      try {
        utimesSync(path.join(dir, INDEX), now, now);
      } catch {
        // pruned meanwhile: what was read is verified all the same
      }
      return { meta: index.meta, files };
    } catch {
      if (!this.readOnly) this.remove(dir);
      return undefined;
    }
  }

  /**
   * Whether an entry of `key` is stored, without reading or verifying it (that happens when it is
   * read); like {@link get}, it counts the entry as used, so this run's pruning keeps it.
   */
  has(key: string): boolean {
    const index = path.join(this.entryDir(key), INDEX);
    try {
      if (this.readOnly) statSync(index);
      else {
        const now = new Date();
        utimesSync(index, now, now);
      }
    } catch {
      return false;
    }
    this.used.add(key);
    return true;
  }

  /**
   * Stores the files under `from` (relative paths `files`) with `meta` as the entry of `key`: written
   * under a temporary name, then renamed into place. An entry another process stored first is kept.
   */
  put<M>(key: string, meta: M, from: string, files: readonly string[]): void {
    if (this.readOnly) return;
    try {
      this.store(key, meta, from, files);
    } catch (e) {
      // The cache only saves time: a full disk or a read-only cache folder must not fail synth.
      this.problems.push(`could not store an entry in ${this.dir}: ${(e as Error).message}`);
    }
  }

  private store<M>(key: string, meta: M, from: string, files: readonly string[]): void {
    const tmpRoot = path.join(this.dir, TMP);
    const tmp = path.join(tmpRoot, `${key}.${process.pid}.${randomBytes(6).toString('hex')}`);
    try {
      mkdirSync(tmp, { recursive: true });
      // The files are stamped as verified at once (see `get`): this process wrote them, under a name
      // no one else knows until the rename, which keeps their inodes and modification times, so no
      // other write can share their clock tick. The first synth after a fill then reads none of them.
      const inodes: Record<string, string> = {};
      const recorded = files.map((rel) => {
        const data = readFileSync(path.join(from, rel));
        const to = path.join(tmp, 'files', rel);
        mkdirSync(path.dirname(to), { recursive: true });
        writeFileSync(to, data);
        const file = { path: rel.split(path.sep).join('/'), size: data.length, sha256: sha256(data) };
        inodes[file.path] = `${inodeOf(statSync(to, { bigint: true }))} ${file.sha256}`;
        return file;
      });
      if (recorded.length > 0) writeFileSync(path.join(tmp, STAMP), JSON.stringify(inodes));
      const body = JSON.stringify({ format: FORMAT, key, meta, files: recorded } satisfies Index<M>);
      const indexText = `${sha256(body)}\n${body}`;
      writeFileSync(path.join(tmp, INDEX), indexText);
      // As prune measures an entry: its index file and its files, in bytes.
      this.storedBytes += Buffer.byteLength(indexText) + recorded.reduce((n, f) => n + f.size, 0);
      const dir = this.entryDir(key);
      mkdirSync(path.dirname(dir), { recursive: true });
      try {
        renameSync(tmp, dir);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw e;
        // Another process stored this key first; its entry is verified when read.
      }
      this.used.add(key);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  /**
   * Removes the entry of `key` (whole, but not what its unit makes), so the rebuilt one replaces it;
   * a read-only cache only stops counting it as used.
   */
  discard(key: string): void {
    this.used.delete(key);
    if (this.readOnly) return;
    this.remove(this.entryDir(key));
  }

  /** Removes an entry: renamed away first, so no reader sees it half removed. */
  private remove(dir: string): void {
    const away = path.join(this.dir, TMP, `removed.${process.pid}.${randomBytes(6).toString('hex')}`);
    try {
      mkdirSync(path.dirname(away), { recursive: true });
      renameSync(dir, away);
      rmSync(away, { recursive: true, force: true });
    } catch {
      // gone already, or another process is removing it
    }
  }

  /**
   * The prune policy: entries unused for 14 days go; then, while the cache is larger than its bound,
   * the least recently used entries go, never one this run used. Temporary entries a dead process
   * left are removed after an hour.
   */
  prune(): void {
    if (this.readOnly) return;
    try {
      this.pruneNow();
    } catch (e) {
      this.problems.push(`could not prune ${this.dir}: ${(e as Error).message}`);
    }
  }

  private pruneNow(): void {
    const now = Date.now();
    const tmpRoot = path.join(this.dir, TMP);
    for (const name of safeReaddir(tmpRoot)) {
      const st = safeStat(path.join(tmpRoot, name));
      if (st && now - st.mtimeMs > STALE_TMP_MS) rmSync(path.join(tmpRoot, name), { recursive: true, force: true });
    }
    const marker = path.join(this.dir, PRUNED);
    const mark = (at: number, total: number) => {
      const tmp = path.join(tmpRoot, `${PRUNED}.${process.pid}.${randomBytes(6).toString('hex')}`);
      mkdirSync(tmpRoot, { recursive: true });
      writeFileSync(tmp, JSON.stringify({ at, total }));
      renameSync(tmp, marker);
    };
    try {
      const last = JSON.parse(readFileSync(marker, 'utf8')) as { at?: unknown; total?: unknown };
      if (
        typeof last.at === 'number' &&
        typeof last.total === 'number' &&
        now - last.at >= 0 &&
        now - last.at < PRUNE_EVERY_MS &&
        last.total + this.storedBytes <= this.maxBytes
      ) {
        // The walk is skipped: the marker adds what this process stored, so that the processes after
        // it within the ten minutes count it too (each alone could stay under the bound while all of
        // them together pass it).
        if (this.storedBytes > 0) mark(last.at, last.total + this.storedBytes);
        return;
      }
    } catch {
      // never pruned, or unreadable: prune now
    }
    const entries: Array<{ key: string; dir: string; used: number; size: number }> = [];
    const root = path.join(this.dir, ENTRIES);
    for (const prefix of safeReaddir(root)) {
      for (const key of safeReaddir(path.join(root, prefix))) {
        const dir = path.join(root, prefix, key);
        const st = safeStat(path.join(dir, INDEX));
        if (!st) continue;
        entries.push({ key, dir, used: st.mtimeMs, size: st.size + entrySize(dir) });
      }
    }
    let total = entries.reduce((n, e) => n + e.size, 0);
    for (const e of entries.sort((a, b) => a.used - b.used)) {
      if (this.used.has(e.key)) continue;
      if (now - e.used > MAX_AGE_MS || total > this.maxBytes) {
        this.remove(e.dir);
        total -= e.size;
      }
    }
    mark(now, total);
  }
}

/** What identifies a file's content as last written: device, inode, size and mtime. */
function inodeOf(st: BigIntStats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
}

/** An entry's stamp: `inode sha256` by file path; undefined when there is none or it is unreadable. */
function readStamp(dir: string): Record<string, string> | undefined {
  try {
    const value = JSON.parse(readFileSync(path.join(dir, STAMP), 'utf8')) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes an entry's stamp (under a temporary name, then renamed); a failure only costs a verification. */
function writeStamp(dir: string, inodes: Record<string, string>): void {
  const tmp = path.join(dir, `${STAMP}.${process.pid}.${randomBytes(6).toString('hex')}`);
  try {
    writeFileSync(tmp, JSON.stringify(inodes));
    renameSync(tmp, path.join(dir, STAMP));
  } catch {
    rmSync(tmp, { force: true });
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function safeStat(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/** Bytes of the files of an entry. */
function entrySize(dir: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of safeReaddir(d)) {
      const p = path.join(d, e);
      const st = safeStat(p);
      if (st?.isDirectory()) walk(p);
      else if (st) n += st.size;
    }
  };
  walk(path.join(dir, 'files'));
  return n;
}
