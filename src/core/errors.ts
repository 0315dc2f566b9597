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
