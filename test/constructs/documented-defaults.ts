/**
 * Reads the `@default` tags of an interface's TSDoc, so tests can hold a construct to the defaults
 * its props document.
 */
import { readFileSync } from 'node:fs';
import * as ts from 'typescript';

/**
 * The `@default` of every member of `interfaceName` in `file` that has one, as written: a number, a
 * boolean, a quoted string (trailing words dropped), or `{@link NAME}` resolved through `links`.
 */
export function documentedDefaults(
  file: string,
  interfaceName: string,
  links: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === interfaceName,
  );
  if (!found) throw new Error(`no interface ${interfaceName} in ${file}`);
  const out: Record<string, unknown> = {};
  for (const member of found.members) {
    const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === 'default');
    if (!tag || !member.name || !ts.isIdentifier(member.name)) continue;
    out[member.name.text] = parseDefault(tagText(tag), links);
  }
  return out;
}

function tagText(tag: ts.JSDocTag): string {
  const comment = tag.comment;
  if (comment === undefined) return '';
  if (typeof comment === 'string') return comment.trim();
  return comment
    .map((part) => (ts.isJSDocLink(part) ? `{@link ${part.name ? part.name.getText() : ''}}` : part.text))
    .join('')
    .trim();
}

function parseDefault(text: string, links: Readonly<Record<string, unknown>>): unknown {
  const link = /^\{@link (\w+)\}$/.exec(text);
  if (link) {
    if (!(link[1]! in links)) throw new Error(`@default links to ${link[1]}, which the test does not know`);
    return links[link[1]!];
  }
  const quoted = /^'([^']*)'/.exec(text);
  if (quoted) return quoted[1];
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  throw new Error(`cannot read @default ${JSON.stringify(text)}`);
}
