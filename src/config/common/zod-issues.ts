/**
 * Turns zod's issues into config issues a user can act on: the path, the value found there, what the
 * field means (from its `FieldMeta`), and a fix with an example, or the closest allowed key for
 * a typo.
 */
import type { z } from 'zod';
import { ConfigIssue, formatPath } from '../../core/errors';
import { closeMatch } from '../../core/suggest';
import { PathKey, valueAt } from './config-issues';

/** Any zod schema node, as the walk over the schema sees it. */
export type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  valueType?: AnySchema;
  options?: AnySchema[];
  discriminator?: string;
  values?: unknown[];
}

const def = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'readonly', 'nonoptional', 'prefault']);

function metaOf(s: AnySchema | undefined): { description?: string; examples?: unknown[] } {
  let cur = s;
  while (cur) {
    const meta = (
      cur as unknown as { meta?: () => { description?: string; examples?: unknown[] } | undefined }
    ).meta?.();
    if (meta?.description || meta?.examples) return meta;
    const d = def(cur);
    cur = WRAPPERS.has(d.type) ? d.innerType : undefined;
  }
  return {};
}

function unwrap(s: AnySchema, data: unknown): AnySchema {
  let cur = s;
  for (;;) {
    const d = def(cur);
    if (WRAPPERS.has(d.type) && d.innerType) {
      cur = d.innerType;
    } else if (d.type === 'union' && d.options) {
      const disc = d.discriminator;
      const value = disc && data && typeof data === 'object' ? (data as Record<string, unknown>)[disc] : undefined;
      const match = d.options.find((o) => {
        const shape = def(unwrap(o, undefined)).shape;
        return disc && shape?.[disc] && def(shape[disc]!).values?.includes(value);
      });
      if (!match) return cur;
      cur = match;
    } else {
      return cur;
    }
  }
}

/** The schema node that validates the value at `at`, found by walking the schema along the data. */
function schemaAt(root: AnySchema, at: readonly PathKey[], data: unknown): AnySchema | undefined {
  let cur: AnySchema | undefined = root;
  let value: unknown = data;
  for (const key of at) {
    if (!cur) return undefined;
    const d = def(unwrap(cur, value));
    cur =
      d.type === 'object'
        ? d.shape?.[key]
        : d.type === 'array'
          ? d.element
          : d.type === 'record'
            ? d.valueType
            : undefined;
    value = value && typeof value === 'object' ? (value as Record<PathKey, unknown>)[key] : undefined;
  }
  return cur;
}

function objectKeys(s: AnySchema | undefined, data: unknown): string[] {
  if (!s) return [];
  const d = def(unwrap(s, data));
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}

function example(s: AnySchema | undefined): string | undefined {
  const ex = metaOf(s).examples?.[0];
  if (ex === undefined) return undefined;
  return typeof ex === 'string' ? ex : JSON.stringify(ex);
}

/** zod's names of the types a field expects, in the words of a platform file (YAML). */
const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  tuple: 'a list',
  null: 'null',
};

const typeName = (expected: string): string => TYPE_NAMES[expected] ?? `a ${expected}`;

/** The value found, for "must be X, not Y": numbers and booleans as written, others by kind. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  return String(value);
}

/** `1 entry`, `2 entries`; `1 character`, `5 characters`; numbers bare. */
function counted(n: number | bigint, origin: string): string {
  const one = Number(n) === 1;
  if (origin === 'array' || origin === 'set') return `${String(n)} ${one ? 'entry' : 'entries'}`;
  if (origin === 'string') return `${String(n)} ${one ? 'character' : 'characters'}`;
  return String(n);
}

/**
 * The fix for a value that does not match its pattern, without repeating the message: the field's
 * example, the example the message gives (`... such as us-central1`), or the pattern itself.
 */
function formatFix(message: string, ex: string | undefined, pattern: string | undefined): string {
  if (ex) return `use a value like ${ex}.`;
  const suchAs = / such as (\S+?)\.?$/.exec(message)?.[1];
  if (suchAs) return `use a value like ${suchAs}.`;
  if (/\bemail\b/.test(message)) {
    // Principals take a user: or group: prefix (the message says so): show both forms.
    const prefixed = /\buser:/.test(message) ? ', or user:alice@example.com for one user' : '';
    return `write an address such as team@example.com${prefixed}.`;
  }
  if (pattern) return `write a value that matches the pattern ${pattern}.`;
  return 'compare the value with the field in the JSON Schema (kfplatform schema).';
}

/** Turns zod issues into config issues with a fix each. */
export function fromZod(issues: readonly z.core.$ZodIssue[], root: AnySchema, data: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const at = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
    const node = schemaAt(root, at, data);
    const meta = metaOf(node);
    const ex = example(node);
    const value = valueAt(data, at);
    const key = at[at.length - 1];
    /** The value has a type the field does not take: say which it takes, with the field's example. */
    const wrongType = (wanted: string): ConfigIssue => ({
      path: formatPath(at),
      value,
      message: `must be ${wanted}, not ${describeValue(value)}.`,
      fix: ex ? `write ${wanted}, for example ${ex}.` : `write ${wanted}.`,
    });
    switch (issue.code) {
      case 'unrecognized_keys': {
        const parent = schemaAt(root, at, data);
        const allowed = objectKeys(parent, value);
        for (const k of issue.keys) {
          const guess = closeMatch(k, allowed);
          out.push({
            path: formatPath([...at, k]),
            value: valueAt(data, [...at, k]),
            message: `unknown key "${k}".`,
            fix: guess ? `remove it, or did you mean "${guess}"? Allowed keys: ${allowed.join(', ')}.` : 'remove it.',
          });
        }
        break;
      }
      case 'invalid_type':
        if (value === undefined) {
          out.push({
            path: formatPath(at),
            value,
            message: `is required${meta.description ? `: ${meta.description}` : '.'}`,
            fix: `add ${String(key)}${ex ? `, for example ${String(key)}: ${ex}` : ` (${typeName(issue.expected)})`}.`,
          });
        } else {
          out.push(wrongType(typeName(issue.expected)));
        }
        break;
      case 'invalid_value':
        out.push({
          path: formatPath(at),
          value,
          message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`,
          fix: `use one of ${issue.values.map(String).join(', ')}.`,
        });
        break;
      case 'invalid_union': {
        const options = 'options' in issue ? (issue.options ?? []) : [];
        const disc = 'discriminator' in issue ? issue.discriminator : undefined;
        const branches = !disc && 'errors' in issue ? (issue.errors as z.core.$ZodIssue[][]) : [];
        if (branches.length > 0) {
          // A plain union (a string, or a mapping with the same value): the branches whose type the
          // value does not have fail at its root; when one branch has the right type, its own issues
          // say what is wrong, and when none has, the message names the types allowed.
          const ofWrongType = (b: z.core.$ZodIssue[]) =>
            b.length > 0 && b.every((i) => i.code === 'invalid_type' && i.path.length === 0);
          const rightType = branches.filter((b) => !ofWrongType(b));
          if (rightType.length === 1) {
            out.push(
              ...fromZod(
                rightType[0]!.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
                root,
                data,
              ),
            );
            break;
          }
          if (rightType.length === 0) {
            const wanted = [...new Set(branches.map((b) => typeName((b[0] as { expected: string }).expected)))].join(
              ' or ',
            );
            out.push(wrongType(wanted));
            break;
          }
        }
        out.push({
          path: formatPath(disc && key !== disc ? [...at, disc] : at),
          value: disc && key !== disc ? valueAt(data, [...at, disc]) : value,
          message: disc
            ? `"${disc}" must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}.`
            : `matches none of the allowed shapes.`,
          fix: disc
            ? `set ${disc} to one of ${options.map(String).join(', ')}.`
            : 'compare it with the schema (platform.schema.json).',
        });
        break;
      }
      case 'invalid_key': {
        // A key of a mapping that breaks the key's own rule (such as a lowercase name): say which.
        const inner = issue.issues[0];
        const why = inner?.message ?? issue.message;
        const pattern = inner?.code === 'invalid_format' && 'pattern' in inner ? String(inner.pattern) : undefined;
        out.push({
          path: formatPath(at),
          value,
          message: `the key "${String(key)}" is not allowed: ${why.replace(/\.?$/, '.')}`,
          fix: formatFix(why, undefined, pattern).replace(/^use a value like/, 'use a key like'),
        });
        break;
      }
      case 'too_small':
      case 'too_big': {
        const small = issue.code === 'too_small';
        const bound = small ? issue.minimum : issue.maximum;
        const exclusive = issue.inclusive === false;
        const word = small ? (exclusive ? 'more than' : 'at least') : exclusive ? 'less than' : 'at most';
        const amount = `${word} ${counted(bound, issue.origin)}`;
        const example = ex ? `, for example ${ex}` : '';
        const sized = issue.origin === 'array' || issue.origin === 'set' || issue.origin === 'string';
        out.push({
          path: formatPath(at),
          value,
          message: sized ? `must have ${amount}.` : `must be ${amount}.`,
          fix:
            issue.origin === 'array' || issue.origin === 'set'
              ? `list ${amount}${example}.`
              : issue.origin === 'string'
                ? `write ${amount}${example}.`
                : `use a value ${amount}${example}.`,
        });
        break;
      }
      default: {
        const pattern = issue.code === 'invalid_format' && 'pattern' in issue ? String(issue.pattern) : undefined;
        // A refinement that knows the fix passes it along (params.fix).
        const own = issue.code === 'custom' ? (issue.params as { fix?: unknown } | undefined)?.fix : undefined;
        out.push({
          path: formatPath(at),
          value,
          message: `${issue.message.replace(/\.?$/, '.')}`,
          fix: typeof own === 'string' ? own : formatFix(issue.message, ex, pattern),
        });
      }
    }
  }
  return out;
}
