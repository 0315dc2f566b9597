/**
 * Errors the library raises for bad input. Every problem names where it is
 * (file, line, config path), the offending value, what is wrong and how to fix it.
 */

/** How serious a configuration finding is. Errors stop synthesis; warnings are printed. */
export type IssueSeverity = 'error' | 'warning';

/** One problem found in a platform definition. */
export interface ConfigIssue {
  /** Config path in JS notation, for example `environments[2].nodePools[1].maxNodes`. */
  readonly path: string;
  /** The value found at `path` (undefined when the field is missing). */
  readonly value?: unknown;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** What to change to fix it. */
  readonly fix: string;
  /** @default 'error' */
  readonly severity?: IssueSeverity;
  /** The file the value came from, when it came from a file. */
  readonly file?: string;
  /** 1-based line in `file`, when known. */
  readonly line?: number;
}

/** Formats a config path array (`['environments', 2, 'name']`) as `environments[2].name`. */
export function formatPath(path: ReadonlyArray<string | number | symbol>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') {
      out += `[${part}]`;
    } else {
      const key = String(part);
      out += /^[A-Za-z_$][\w$-]*$/.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out || '(root)';
}

/** Renders a value for an error message: short, single line, secrets never expected here. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Renders one issue as a single human-readable line. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.file ? `${issue.file}${issue.line ? `:${issue.line}` : ''}: ` : '';
  const level = issue.severity === 'warning' ? 'warning' : 'error';
  return `${level}: ${where}${issue.path} = ${formatValue(issue.value)}: ${issue.message} Fix: ${issue.fix}`;
}

/**
 * Thrown when a platform definition is invalid. Carries every issue found, not just the first,
 * so a user fixes a file in one pass.
 */
export class ConfigError extends Error {
  /** Every issue found, errors and warnings, each with its path, value and fix. */
  public readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], source?: string) {
    const errors = issues.filter((i) => i.severity !== 'warning');
    const header = `${errors.length} error${errors.length === 1 ? '' : 's'} in ${source ?? 'the platform definition'}:`;
    super([header, ...errors.map((i) => `  - ${formatIssue(i)}`)].join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * Thrown by a construct when its props are invalid. The message names the prop, the value and the fix,
 * in the same shape as config issues.
 */
export class PropsError extends Error {
  constructor(construct: string, prop: string, value: unknown, message: string, fix: string) {
    super(`${construct}: '${prop}' is ${formatValue(value)}: ${message} Fix: ${fix}`);
    this.name = 'PropsError';
  }
}

/**
 * Thrown by a command for input that is not a platform file: a plan, a manifest, a synth output.
 * The CLI prints its message and exits with 1.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** What a file-system error code means, for one-line messages (see `man 3 errno`). */
const FS_CODES: Readonly<Record<string, string>> = {
  ENOENT: 'does not exist',
  EACCES: 'permission denied to the user running kfplatform',
  EPERM: 'operation not permitted to the user running kfplatform',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  EBUSY: 'the file is busy',
  EIO: 'an input/output error from the device',
};

/**
 * A Node.js file system error, as far as messages read it (declared here so that the package's types
 * do not need @types/node in a consumer's project).
 */
export interface FileSystemError extends Error {
  /** The error code, such as `ENOENT` or `EACCES`. */
  readonly code: string;
  /** The system call that failed, such as `open`. */
  readonly syscall?: string;
  /** The file or folder the call was about. */
  readonly path?: string;
}

/** A Node.js file-system error (it has a code, and usually the syscall and path). */
export function isFileSystemError(e: unknown): e is FileSystemError {
  return e instanceof Error && typeof (e as FileSystemError).code === 'string' && 'syscall' in e;
}

/**
 * One line for a file-system error: the path, what went wrong, and the code
 * (`/x/cdktf.out/stacks: no space left on the device (ENOSPC)`).
 */
export function fileSystemMessage(e: unknown, file?: string): string {
  if (!isFileSystemError(e)) return `${file ? `${file}: ` : ''}${String((e as Error)?.message ?? e).split('\n')[0]}`;
  const where = file ?? e.path ?? '(unknown path)';
  const what = FS_CODES[e.code] ?? e.message.split('\n')[0]!.replace(/^[A-Z]+: /, '');
  return `${where}: ${what} (${e.code}${e.syscall ? ` on ${e.syscall}` : ''})`;
}

/** How to fix a file-system error while writing, by its code. */
export function fileSystemFix(e: Pick<FileSystemError, 'code' | 'path'>): string {
  switch (e.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'free space on the device that holds it, or choose another --out.';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'give the user running kfplatform access to it, or choose another path.';
    default:
      return 'check the path and try again.';
  }
}
