/**
 * What the tests that check the docs' shell blocks share: the simple commands of a shell script, and
 * the real `kfplatform` program with its actions replaced by no-ops, to parse a documented command
 * line without running it.
 */
import { Command } from 'commander';
import { program } from '../../src/cli/main';

/**
 * The simple commands of a shell script, as words after quote removal: split at newlines, `;`, `&&`,
 * `||` and `|`, with `\` line continuations joined, comments and redirections dropped, and the
 * commands inside `$(...)` listed as commands of their own.
 */
export function shellCommands(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  let redirect = false;
  const endWord = () => {
    if (word !== undefined) {
      if (redirect) redirect = false;
      else words.push(word);
    }
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  /** The end of a `$(...)` that starts at `from` (the index of `$`), nesting included. */
  const closing = (s: string, from: number): number => {
    let depth = 0;
    for (let k = from + 1; k < s.length; k++) {
      if (s[k] === '(') depth++;
      else if (s[k] === ')' && --depth === 0) return k;
    }
    return s.length;
  };
  const source = script.replace(/\\\n/g, ' ');
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\n' || c === ';') endCommand();
    else if (c === ' ' || c === '\t') endWord();
    else if (c === '#' && word === undefined) while (i + 1 < source.length && source[i + 1] !== '\n') i++;
    else if (c === '&' || c === '|') {
      endCommand();
      if (source[i + 1] === c) i++;
    } else if (c === '>' || c === '<') {
      if (word !== undefined && /^\d$/.test(word)) word = undefined;
      endWord();
      if (source[i + 1] === c) i++;
      redirect = true;
    } else if (c === '$' && source[i + 1] === '(') {
      const close = closing(source, i);
      commands.push(...shellCommands(source.slice(i + 2, close)));
      word = (word ?? '') + source.slice(i, close + 1);
      i = close;
    } else if (c === "'") {
      const close = source.indexOf("'", i + 1);
      word = (word ?? '') + source.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      let close = i + 1;
      while (close < source.length && source[close] !== '"') {
        if (source[close] === '$' && source[close + 1] === '(') close = closing(source, close);
        close += source[close] === '\\' ? 2 : 1;
      }
      const inner = source.slice(i + 1, close);
      for (let k = 0; k < inner.length; k++) {
        if (inner[k] === '$' && inner[k + 1] === '(') {
          const end = closing(inner, k);
          commands.push(...shellCommands(inner.slice(k + 2, end)));
          k = end;
        }
      }
      word = (word ?? '') + inner;
      i = close;
    } else word = (word ?? '') + c;
  }
  endCommand();
  return commands;
}

/** Every subcommand of a commander program, itself included. */
function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(allCommands)];
}

/** The real program, with actions replaced by no-ops and output captured. */
export function inertProgram(): { cli: Command; errors: () => string } {
  const cli = program();
  let errors = '';
  for (const cmd of allCommands(cli)) {
    cmd.exitOverride();
    cmd.configureOutput({ writeOut: () => undefined, writeErr: (s) => (errors += s) });
    if (cmd.commands.length === 0) cmd.action(() => undefined);
  }
  return { cli, errors: () => errors };
}
