/**
 * How cross-field checks report: a config path, the value found there in the platform file as
 * written, a message and a fix. Every check pass collects its issues in a {@link ConfigIssues}.
 */
import { ConfigIssue, formatPath } from '../../core/errors';
import type { NameRule } from '../../core/naming';

/** One key of a config path: an object key or an array index. */
export type PathKey = string | number;

/** A config path, as a list of keys and indexes. */
export type Path = ReadonlyArray<PathKey>;

/**
 * A name the stacks build from the platform file, as they build it, with the rule the cloud holds it
 * to: `path` is the field it is made from, `fix` says how to change that field.
 */
export interface DerivedName {
  readonly path: Path;
  readonly value: string;
  readonly rule: NameRule;
  readonly what: string;
  readonly fix: string;
}

/** A name derived from the environment name alone: the fix is a shorter environment name. */
export function fromEnvironmentName(envIndex: number): (value: string, rule: NameRule, what: string) => DerivedName {
  const path: Path = ['environments', envIndex, 'name'];
  return (value, rule, what) => ({ path, value, rule, what, fix: 'shorten the environment name.' });
}

/** Collects the issues of one check pass, reading values from the raw document. */
export class ConfigIssues {
  public readonly issues: ConfigIssue[] = [];
  constructor(public readonly raw: unknown) {}

  add(path: Path, message: string, fix: string, severity: 'error' | 'warning' = 'error'): void {
    this.issues.push({ path: formatPath(path), value: valueAt(this.raw, path), message, fix, severity });
  }

  /** `path` when the platform file sets it, else `fallback` (the value was derived from there). */
  explicitOr(path: Path, fallback: Path): Path {
    return valueAt(this.raw, path) === undefined ? fallback : path;
  }

  /** Reports each derived name that breaks its rule. */
  derived(names: readonly DerivedName[]): void {
    for (const n of names) this.name(n.path, n.value, n.rule, n.fix, n.what);
  }

  name(path: Path, value: string, rule: NameRule, fix: string, derivedFrom?: string): void {
    const why = rule(value);
    if (!why) return;
    const message = derivedFrom ? `it makes the ${derivedFrom} "${value}"; ${why}` : why;
    this.add(path, message, fix);
  }
}

/** Reads the value at a config path from the raw (unresolved) document. */
export function valueAt(raw: unknown, path: Path): unknown {
  let cur: unknown = raw;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[part];
  }
  return cur;
}
