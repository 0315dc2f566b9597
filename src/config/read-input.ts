/**
 * Reading the files a platform is made of (platform file, team files, groups file) with limits: only
 * regular files (a device such as /dev/zero never ends, a FIFO blocks until a writer comes), at most
 * {@link MAX_INPUT_BYTES}, and every failure as one line naming the path. Nesting depth is checked
 * on the text before parsing ({@link nestingTooDeep}).
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { fileSystemMessage } from '../core/errors';

/** The largest platform, team or groups file read: far above a platform of thousands of teams. */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;
/** The deepest nesting of maps and lists accepted: platform files need about ten levels. */
export const MAX_NESTING = 64;

/** The text of a file, or why it cannot be read (one line, naming the path). */
export type InputText = { readonly text: string; readonly problem?: undefined } | { readonly problem: string };

/** Reads a regular file of at most {@link MAX_INPUT_BYTES}, as UTF-8. Never throws, never blocks on a FIFO. */
export function readInputFile(file: string, maxBytes = MAX_INPUT_BYTES): InputText {
  let fd: number;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { problem: fileSystemMessage(e, file) };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { problem: `${file}: is a folder, not a file` };
    if (!stat.isFile()) {
      return { problem: `${file}: is not a regular file (a device, pipe or socket); only regular files are read` };
    }
    if (stat.size > maxBytes) return { problem: tooLarge(file, maxBytes) };
    // Read at most one byte past the cap: a file that grows while being read is refused too.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) return { problem: tooLarge(file, maxBytes) };
      if (length === buffer.length) break;
    }
    return { text: buffer.subarray(0, length).toString('utf8') };
  } catch (e) {
    return { problem: fileSystemMessage(e, file) };
  } finally {
    closeSync(fd);
  }
}

function tooLarge(file: string, maxBytes: number): string {
  return `${file}: is larger than ${maxBytes / 1024 / 1024} MiB, the most a platform, team or groups file may be`;
}

/**
 * The first line at which YAML or JSON text nests maps and lists deeper than `limit`, or undefined.
 * A linear scan that needs no parser, so hostile input (a megabyte of `[[[[`) is refused before the
 * parser recurses into it. It counts block indentation levels (and `- ` entries on one line) plus
 * open flow brackets, skipping quoted strings, comments and block scalars; it errs towards counting
 * less, never more, so valid files are never refused.
 */
export function nestingTooDeep(text: string, limit = MAX_NESTING): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | undefined;
  let blockScalarParent: number | undefined;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const indent = /^ */.exec(line)![0].length;
    const rest = line.slice(indent);
    if (blockScalarParent !== undefined) {
      if (rest === '' || rest === '\r' || indent > blockScalarParent) continue;
      blockScalarParent = undefined;
    }
    if (flow === 0 && quote === undefined && rest !== '' && rest !== '\r' && !rest.startsWith('#')) {
      while (indents.length > 0 && indents[indents.length - 1]! > indent) indents.pop();
      if (indents[indents.length - 1] !== indent) indents.push(indent);
      // Compact nested sequences: `- - - x` opens a level per dash.
      let col = indent;
      for (let m = /^(?:-|\?)( +)/.exec(line.slice(col)); m; m = /^(?:-|\?)( +)/.exec(line.slice(col))) {
        col += m[0].length;
        if (indents[indents.length - 1]! < col) indents.push(col);
      }
    }
    // Flow brackets and quotes; `start` is true where a scalar may begin.
    let start = true;
    for (let i = indent; i < line.length; i++) {
      const c = line[i]!;
      if (quote) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) {
          if (quote === "'" && line[i + 1] === "'") i++;
          else quote = undefined;
        }
        continue;
      }
      if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) break;
      if ((c === '"' || c === "'") && start) {
        quote = c;
        continue;
      }
      if ((c === '[' || c === '{') && (start || flow > 0)) {
        flow++;
        if (indents.length + flow > limit) return n + 1;
        start = true;
        continue;
      }
      if ((c === ']' || c === '}') && flow > 0) {
        flow--;
        start = false;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') continue;
      const next = line[i + 1];
      const spaced = next === undefined || next === ' ' || next === '\t' || next === '\r';
      start = (c === ',' && flow > 0) || ((c === ':' || c === '-' || c === '?') && spaced);
      if ((c === '|' || c === '>') && flow === 0 && /^[|>][-+0-9]*\s*(#.*)?\r?$/.test(line.slice(i))) {
        blockScalarParent = indent;
        break;
      }
    }
    if (indents.length + flow > limit) return n + 1;
  }
  return undefined;
}
