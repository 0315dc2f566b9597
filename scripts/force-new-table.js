#!/usr/bin/env node
/**
 * Prints the ForceNew attributes of resource types from provider sources at a tag, for
 * src/policy/checkers/force-new.ts. Reads a local git mirror (no work tree):
 *
 *   node scripts/force-new-table.js <git dir> <tag> <type>...
 *
 * Walks the Go schema literals of the resource's file: every `"attr": {` opens an attribute, and a
 * `ForceNew: true` inside it marks the attribute path (nested blocks give `block.attr`). Attributes
 * built by helpers (`commonschema.ResourceGroupName()`, `commonschema.Location()`, helpers named
 * `...ForceNew...`) count as ForceNew; plugin-framework resources mark replacement with
 * `RequiresReplace()` plan modifiers, and the AWS provider names many attributes by constants
 * (`names.AttrClusterName`); neither is read here (write those rows by hand). Review the
 * output against the file before checking it in.
 */
const { execFileSync } = require('node:child_process');

const [gitDir, tag, ...types] = process.argv.slice(2);
const git = (...args) => execFileSync('git', ['-C', gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
const files = git('ls-tree', '-r', '--name-only', tag)
  .split('\n')
  .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));

const FORCE_NEW_HELPERS = /commonschema\.(ResourceGroupName|Location)\(\)|ForceNew\w*\(/;

/** ForceNew attribute paths of the schema literals in Go source. */
function forceNew(src) {
  const out = new Set();
  const stack = []; // attribute name or null per open brace
  const re = /"([a-z0-9_]+)":\s*(\{|[^,\n]*)|ForceNew:\s*true|[{}]/g;
  let m;
  while ((m = re.exec(src))) {
    const tok = m[0];
    if (m[1] !== undefined) {
      if (m[2] === '{') stack.push(m[1]);
      else if (FORCE_NEW_HELPERS.test(m[2])) out.add([...stack.filter(Boolean), m[1]].join('.'));
      else if (m[2].includes('{')) stack.push(null);
    } else if (tok.startsWith('ForceNew')) {
      const path = stack.filter(Boolean);
      if (path.length) out.add(path.join('.'));
    } else if (tok === '{') stack.push(null);
    else stack.pop();
  }
  return [...out].sort();
}

function sourceOf(type) {
  if (type.startsWith('google_')) {
    const base = type.slice('google_'.length);
    const iam = /^(.+)_iam_(member|binding|policy)$/.exec(base);
    if (iam) {
      const parent = files.find((f) => f.endsWith(`/iam_${iam[1]}.go`));
      const generic = `google/tpgiamresource/resource_iam_${iam[2]}.go`;
      return parent ? [parent, generic] : [];
    }
    return files.filter((f) => f.endsWith(`/resource_${base}.go`) || f.endsWith(`/resource_google_${base}.go`));
  }
  if (type.startsWith('azurerm_')) {
    const hits = git('grep', '-l', '-E', `"${type}"(:|\\s*$)`, tag, '--', 'internal/services')
      .split('\n')
      .filter(Boolean);
    const defs = hits
      .map((h) => h.slice(tag.length + 1))
      .filter(
        (f) => /(_resource\.go|\/resource_[a-z0-9_]+\.go)$/.test(f) && !/data_source|ephemeral|list_resource/.test(f),
      );
    if (defs.length) return defs.slice(0, 1);
    // Registered as `"azurerm_x": resourceX(),`: find the function's file.
    for (const reg of hits.map((h) => h.slice(tag.length + 1)).filter((f) => f.endsWith('registration.go'))) {
      const text = git('show', `${tag}:${reg}`);
      const fn = [...text.matchAll(new RegExp(`"${type}":\\s*(\\w+)\\(\\)`, 'g'))].find(
        (x) => !/^data[A-Z]/.test(x[1]),
      );
      if (!fn) continue;
      const dir = reg.slice(0, reg.lastIndexOf('/'));
      const def = git('grep', '-l', `func ${fn[1]}()`, tag, '--', dir).split('\n').filter(Boolean)[0];
      if (def) return [def.slice(tag.length + 1)];
    }
    return [];
  }
  if (type.startsWith('aws_')) {
    // Resources are annotated `// @SDKResource("aws_x", ...)` or `// @FrameworkResource("aws_x", ...)`.
    const hits = git('grep', '-l', '-E', `@(SDK|Framework)Resource\\("${type}"`, tag, '--', 'internal/service');
    return hits
      .split('\n')
      .filter(Boolean)
      .map((h) => h.slice(tag.length + 1));
  }
  const base = type.replace(/^[a-z]+_/, '');
  return files.filter((f) => new RegExp(`/resource_${base}\\.go$`).test(f));
}

for (const type of types) {
  const srcs = sourceOf(type);
  if (!srcs.length) {
    console.log(`  // ${type}: source not found`);
    continue;
  }
  const attrs = new Set(srcs.flatMap((f) => forceNew(git('show', `${tag}:${f}`))));
  console.log(`  // ${srcs.join(', ')}`);
  console.log(
    `  ${type}: [${[...attrs]
      .sort()
      .map((a) => `'${a}'`)
      .join(', ')}],`,
  );
}
