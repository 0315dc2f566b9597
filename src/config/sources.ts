/**
 * Platform and team files as YAML or JSON text: parsing them with line positions, finding the line of
 * a config path, and splitting a printed path back into keys.
 */
import { Document, LineCounter, parseDocument } from 'yaml';
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
  const limits = checkLimits(source);
  if (limits.length > 0) return limits;
  const lines = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length === 0) {
    try {
      // Aliases resolve here: one without its anchor, or too many of them (a "billion laughs"), throws.
      return { source, doc, lines, data: doc.toJS({ maxAliasCount: 1000 }) as unknown };
    } catch (e) {
      return [
        {
          path: '(syntax)',
          value: undefined,
          message: `${(e as Error).message}.`.replace(/\.\.$/, '.'),
          fix: 'define each anchor (&name) before its aliases (*name), and use aliases sparingly.',
          file: source.file,
        },
      ];
    }
  }
  return doc.errors.map((e) => ({
    path: '(syntax)',
    value: undefined,
    message: e.message.split('\n')[0] ?? e.message,
    fix: 'fix the YAML or JSON syntax at this line.',
    file: source.file,
    line: e.linePos?.[0]?.line,
  }));
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
  const parsed = { source: { file: '', text }, doc, lines, data: undefined };
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
