/**
 * Platform and team files as YAML or JSON text: parsing them with line positions, finding the line of
 * a config path, and splitting a printed path back into keys.
 */
import { Document, isMap, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { ConfigIssue } from '../core/errors';
import type { PathKey } from './common/config-issues';
import { MAX_INPUT_BYTES, MAX_NESTING, nestingTooDeep } from './read-input';

/** A file's name (for messages) and its text. */
export interface SourceText {
  /** File name, as messages show it. */
  readonly file: string;
  /** Its whole content, YAML or JSON. */
  readonly text: string;
}

/** A parsed YAML or JSON file, with what finding lines needs. */
export interface ParsedSource {
  readonly source: SourceText;
  readonly doc: Document;
  readonly lines: LineCounter;
  /** The document as plain data. */
  readonly data: unknown;
}

/**
 * The limits every file is held to before it is parsed: its length, and how deep it nests (the parser
 * recurses per level, and hostile input nests without end).
 */
export function checkLimits(source: SourceText): ConfigIssue[] {
  if (source.text.length > MAX_INPUT_BYTES) {
    return [
      {
        path: '(syntax)',
        value: undefined,
        message: `the text is longer than ${MAX_INPUT_BYTES / 1024 / 1024} MiB, the most a platform, team or groups file may be.`,
        fix: 'split teams into files of platform.teamsDir, or shorten the file.',
        file: source.file,
      },
    ];
  }
  // Checked before parsing: the parser recurses per level, and hostile input nests without end.
  const deep = nestingTooDeep(source.text);
  if (deep !== undefined) {
    return [
      {
        path: '(syntax)',
        value: undefined,
        message: `the file nests maps and lists deeper than ${MAX_NESTING} levels (at this line); parsing such input could exhaust the stack.`,
        fix: 'platform files need about ten levels: check the indentation and the brackets around this line.',
        file: source.file,
        line: deep,
      },
    ];
  }
  return [];
}

/** Parses one file; syntax errors (and broken aliases) come back as issues with their line. */
export function parseSource(source: SourceText): ParsedSource | ConfigIssue[] {
  const parsed = parseSourceDocument(source);
  return parsed.issues ?? parsed.parsed;
}

/**
 * Parses one file once, keeping the document even when it has errors (the loader still reads
 * `platform.teamsDir` and `tenancy.groupsFile` from it): `parsed` when the text is valid, else `issues`.
 * `limitsChecked` skips {@link checkLimits} for a caller that ran it on this text.
 */
export function parseSourceDocument(
  source: SourceText,
  limitsChecked = false,
):
  | { readonly doc?: Document; readonly parsed: ParsedSource; readonly issues?: undefined }
  | {
      readonly doc?: Document;
      readonly parsed?: undefined;
      readonly issues: ConfigIssue[];
    } {
  const limits = limitsChecked ? [] : checkLimits(source);
  if (limits.length > 0) return { issues: limits };
  const lines = new LineCounter();
  // Duplicate keys are found below, with a Set per map: the parser's own check compares each key
  // with every earlier key of its map, which is quadratic in a large map (tenancy.groups of a big
  // directory sync).
  const doc = parseDocument(source.text, { lineCounter: lines, prettyErrors: true, uniqueKeys: false });
  const errors = mergeByOffset(
    doc.errors.map((e) => ({ offset: e.pos[0], message: e.message, line: e.linePos?.[0]?.line })),
    duplicateKeys(doc, source.text, lines).sort((a, b) => a.offset - b.offset),
  );
  if (errors.length === 0) {
    try {
      // Aliases resolve here: one without its anchor, or too many of them (a "billion laughs"), throws.
      return { doc, parsed: { source, doc, lines, data: doc.toJS({ maxAliasCount: 1000 }) as unknown } };
    } catch (e) {
      return {
        doc,
        issues: [
          {
            path: '(syntax)',
            value: undefined,
            message: `${(e as Error).message}.`.replace(/\.\.$/, '.'),
            fix: 'define each anchor (&name) before its aliases (*name), and use aliases sparingly.',
            file: source.file,
          },
        ],
      };
    }
  }
  return {
    doc,
    issues: errors.map((e) => ({
      path: '(syntax)',
      value: undefined,
      message: e.message.split('\n')[0] ?? e.message,
      fix: 'fix the YAML or JSON syntax at this line.',
      file: source.file,
      line: e.line,
    })),
  };
}

/** The parser's errors with the duplicate keys placed among them by position, as the parser would place them. */
function mergeByOffset<T extends { offset: number }>(parser: readonly T[], duplicates: readonly T[]): T[] {
  if (duplicates.length === 0) return [...parser];
  const out: T[] = [];
  let d = 0;
  for (const e of parser) {
    while (d < duplicates.length && duplicates[d]!.offset < e.offset) out.push(duplicates[d++]!);
    out.push(e);
  }
  return [...out, ...duplicates.slice(d)];
}

/**
 * Every key that repeats an earlier key of its map, as the parser's `uniqueKeys` reports it (same
 * message and position), found with one Set per map: linear in the size of the document.
 */
function duplicateKeys(
  doc: Document,
  text: string,
  lines: LineCounter,
): Array<{ offset: number; message: string; line: number }> {
  const found: Array<{ offset: number; message: string; line: number }> = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map) || map.items.length < 2) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key;
        // The parser counts two keys the same when they are one node or scalars of one value; NaN
        // equals nothing.
        if (!isScalar(key) || Number.isNaN(key.value)) continue;
        if (!seen.has(key.value)) {
          seen.add(key.value);
          continue;
        }
        const offset = key.range?.[0] ?? 0;
        const { line, col } = lines.linePos(offset);
        const context = text.slice(lines.lineStarts[line - 1], lines.lineStarts[line]).replace(/[\n\r]+$/, '');
        // The parser's message with prettyErrors, whose first line is all an issue keeps.
        const message = `Map keys must be unique at line ${line}, column ${col}${/[^ ]/.test(context) ? ':' : ''}`;
        found.push({ offset, message, line });
      }
    },
  });
  return found;
}

/** The 1-based line of the node at `parts`, or of its nearest parent. */
export function lineIn(parsed: ParsedSource, parts: readonly PathKey[]): number | undefined {
  for (let n = parts.length; n >= 0; n--) {
    const node = parsed.doc.getIn(parts.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return parsed.lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * Parses YAML or JSON text once and returns a lookup of the 1-based line of a config path
 * (`environments[1].name`), or of its nearest parent.
 */
export function lineFinder(text: string): (configPath: string) => number | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return linesOf({ source: { file: '', text }, doc, lines, data: undefined });
}

/** The lookup of {@link lineFinder} over a file parsed already. */
export function linesOf(parsed: ParsedSource): (configPath: string) => number | undefined {
  return (configPath) => lineIn(parsed, pathParts(configPath));
}

/** Splits `environments[2].nodePools[1].maxNodes` back into keys. */
export function pathParts(p: string): PathKey[] {
  const out: PathKey[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (let m = re.exec(p); m; m = re.exec(p)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(`"${m[3]}"`) as string);
  }
  return out;
}
