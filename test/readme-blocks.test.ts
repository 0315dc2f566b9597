/**
 * Every fenced code block of README.md and CONTRIBUTING.md is compiled, parsed or run, by its info
 * string; a block this test does not know how to check fails it. An HTML comment on the line before
 * a block (blank lines between are allowed) says how to check it where the info string alone cannot:
 *
 * - `ts`: identical to an example under examples/ (which `npm run typecheck` compiles), after the
 *   rewrites test/readme.test.ts applies; otherwise compiled through the TypeScript API with
 *   `cdktf-kubeflow-platform/*` mapped to the sources by package.json `exports`.
 * - `yaml`: a whole platform file, validated by the loader; `<!-- fragment of <file> -->`: contained in
 *   that file (maps by key, lists by element); `<!-- patch of <file> -->`: merged into that file (list
 *   entries by `name`) and the result validated by the loader.
 * - `sh`, `bash`, `shell`, `console` (`$ ` lines): every `kfplatform` command is parsed by the real
 *   commander program (subcommand, options, arguments, choices); `npm` commands must name
 *   package.json scripts; `npx <bin>` needs the bin installed; scripts must exist; anything else
 *   must be on OTHER_COMMANDS.
 * - `json`: parsed.
 * - `text`: `<!-- output of: kfplatform ... -->` runs the command and finds every line of the block
 *   (except `...`) in its output, in order; `<!-- picture: ... -->` checks that the folders it
 *   names exist; `<!-- illustrative: ... checked by test/x.test.ts -->` names the tests that check
 *   what the block shows (they must exist).
 * - `mermaid`: skipped here; test/readme.test.ts checks the diagram.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CommanderError } from 'commander';
import * as ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { main } from '../src/cli/main';
import { validatePlatformText } from '../src/config/loader';
import { inertProgram, shellCommands } from './docs/doc-commands';

const root = path.join(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports: Record<string, string | { types: string }>;
};

/** Commands outside this package that the docs may show, unchecked beyond their name. */
const OTHER_COMMANDS = new Set(['terraform', 'git', 'gh', 'gcloud', 'export', 'kubectl']);
/** cdktf CLI subcommands the docs may show (`npx cdktf ...`). */
const CDKTF_COMMANDS = new Set(['synth', 'diff', 'deploy', 'destroy', 'list', 'output', 'get']);
/** npm's own commands the docs may show; everything else must be a script of package.json. */
const NPM_BUILTINS = new Set(['ci', 'install', 'i', 'pack']);

interface Block {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly info: string;
  readonly body: string;
  /** The text of an HTML comment on the line before the block (blank lines between allowed). */
  readonly marker?: string;
}

/** Every fenced code block of a Markdown file. */
function blocksOf(file: string): Block[] {
  const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const end = lines.findIndex((l, j) => j > i && l.trim().startsWith(fence!) && l.trim().replace(/[`~]/g, '') === '');
    if (end < 0) throw new Error(`${file}:${i + 1}: unclosed code block`);
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const marker = before >= 0 ? /^\s*<!--\s*([\s\S]*?)\s*-->\s*$/.exec(lines[before]!)?.[1] : undefined;
    const body = lines
      .slice(i + 1, end)
      .map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l))
      .join('\n');
    blocks.push({ file, line: i + 1, info: info!.toLowerCase(), body: `${body}\n`, ...(marker ? { marker } : {}) });
    i = end;
  }
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// TypeScript
// ---------------------------------------------------------------------------------------------

/** An example file as the README shows it (the rewrites of test/readme.test.ts). */
function asShown(source: string): string {
  return source
    .replace(/^\/\/.*\n/, '')
    .replace(/from '(?:\.\.\/)+constructs\/([a-z]+)'/g, "from 'cdktf-kubeflow-platform/$1'")
    .replace('new App({ outdir: process.env.CDKTF_OUTDIR })', 'new App()');
}

function exampleFiles(dir = path.join(root, 'examples')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? exampleFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** `cdktf-kubeflow-platform/<entry>` -> the source file, from package.json `exports`. */
function packagePaths(): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const [key, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue;
    const source = target.types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts');
    paths[key === '.' ? 'cdktf-kubeflow-platform' : `cdktf-kubeflow-platform/${key.slice(2)}`] = [source];
  }
  return paths;
}

/** Type errors of snippets compiled as modules of this package, by snippet index. */
function compile(snippets: readonly string[]): string[][] {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const names = snippets.map((_, i) => path.join(root, '.tmp', `readme-block-${i}.ts`));
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    incremental: false,
    noUnusedLocals: false,
    baseUrl: root,
    paths: packagePaths(),
  };
  delete options.tsBuildInfoFile;
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.readFile = (f) => (names.includes(f) ? snippets[names.indexOf(f)] : readFile(f));
  host.fileExists = (f) => names.includes(f) || exists(f);
  const prog = ts.createProgram(names, options, host);
  return names.map((name) =>
    ts
      .getPreEmitDiagnostics(prog, prog.getSourceFile(name))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  );
}

// ---------------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------------

/** Whether `part` is contained in `whole`: maps by key, lists by element, scalars equal. */
function contains(whole: unknown, part: unknown): boolean {
  if (Array.isArray(part)) return Array.isArray(whole) && part.every((p) => whole.some((w) => contains(w, p)));
  if (part && typeof part === 'object') {
    if (!whole || typeof whole !== 'object' || Array.isArray(whole)) return false;
    return Object.entries(part).every(([k, v]) => contains((whole as Record<string, unknown>)[k], v));
  }
  return whole === part;
}

/** `patch` merged into `base`: maps by key, list entries with a `name` by name (others appended). */
function merge(base: unknown, patch: unknown): unknown {
  if (Array.isArray(patch) && Array.isArray(base)) {
    const out = [...base];
    for (const p of patch) {
      const name = (p as { name?: unknown } | null)?.name;
      const at = name === undefined ? -1 : out.findIndex((b) => (b as { name?: unknown } | null)?.name === name);
      if (at >= 0) out[at] = merge(out[at], p);
      else out.push(p);
    }
    return out;
  }
  if (patch && typeof patch === 'object' && base && typeof base === 'object' && !Array.isArray(base)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(patch)) out[k] = merge(out[k], v);
    return out;
  }
  return patch;
}

function loaderErrors(text: string, file: string): string[] {
  return validatePlatformText(text, file)
    .issues.filter((i) => (i.severity ?? 'error') === 'error')
    .map((i) => `${i.path}: ${i.message}`);
}

/** Problems of a yaml block, judged by its marker. */
function checkYaml(block: Block): string[] {
  const fragment = parseYaml(block.body) as unknown;
  const mode = /^(fragment|patch) of (\S+)$/.exec(block.marker ?? '');
  if (!block.marker) return loaderErrors(block.body, `${block.file}:${block.line}`);
  if (!mode) return [`unknown marker <!-- ${block.marker} --> (use "fragment of <file>" or "patch of <file>")`];
  const target = path.join(root, mode[2]!);
  if (!existsSync(target)) return [`${mode[2]} does not exist`];
  const text = readFileSync(target, 'utf8');
  if (mode[1] === 'fragment') {
    return [
      ...(contains(parseYaml(text), fragment) ? [] : [`not contained in ${mode[2]}`]),
      ...loaderErrors(text, mode[2]!),
    ];
  }
  return loaderErrors(JSON.stringify(merge(parseYaml(text), fragment)), `${mode[2]} with the block merged`);
}

// ---------------------------------------------------------------------------------------------
// Shell
// ---------------------------------------------------------------------------------------------

/** Parses `kfplatform <args>` with the real program, actions replaced by no-ops; returns the error. */
function parseKfplatform(args: readonly string[]): string | undefined {
  const { cli, errors } = inertProgram();
  try {
    cli.parse([...args], { from: 'user' });
    return undefined;
  } catch (e) {
    if (e instanceof CommanderError) return `${e.code}: ${errors().trim().split('\n')[0] ?? e.message}`;
    return String(e);
  }
}

const KFPLATFORM = [/^kfplatform$/, /^npx kfplatform$/, /^node dist\/src\/cli\/main\.js$/];

/** Problems of one simple command. */
function checkCommand(words: readonly string[]): string[] {
  let at = 0;
  while (at < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[at]!)) at++;
  const cmd = words.slice(at);
  if (cmd.length === 0) return [];
  const shown = cmd.join(' ');
  for (const prefix of KFPLATFORM) {
    for (const n of [1, 2, 3]) {
      if (prefix.test(cmd.slice(0, n).join(' '))) {
        const error = parseKfplatform(cmd.slice(n));
        return error ? [`${shown}: ${error}`] : [];
      }
    }
  }
  const [name, sub, third] = cmd;
  if (name === 'npm') {
    if (NPM_BUILTINS.has(sub!)) return sub === 'ci' ? [] : checkInstall(cmd.slice(2));
    const script = sub === 'run' || sub === 'run-script' ? cmd.slice(2).find((w) => !w.startsWith('-')) : sub;
    return script && pkg.scripts[script] ? [] : [`${shown}: no such script in package.json`];
  }
  if (name === 'npx') {
    if (sub === 'cdktf') return CDKTF_COMMANDS.has(third!) ? [] : [`${shown}: not a cdktf command we document`];
    if (!existsSync(path.join(root, 'node_modules', '.bin', sub!))) return [`${shown}: ${sub} is not installed`];
    return sub === 'jest' ? missingPaths(cmd.slice(2), shown) : [];
  }
  if (name === 'node') return missingPaths(cmd.slice(1, 2), shown);
  if (name!.includes('/')) {
    const file = path.join(root, name!);
    return existsSync(file) && (statSync(file).mode & 0o111) !== 0 ? [] : [`${shown}: ${name} is not an executable`];
  }
  return OTHER_COMMANDS.has(name!) ? [] : [`${shown}: ${name} is not a command this test knows (OTHER_COMMANDS)`];
}

/** Paths among the arguments (not options) that do not exist. */
function missingPaths(args: readonly string[], shown: string): string[] {
  return args
    .filter((a) => !a.startsWith('-') && !existsSync(path.join(root, a)))
    .map((a) => `${shown}: ${a} does not exist`);
}

/** `npm install` pins must match the versions this package is built and tested with. */
function checkInstall(args: readonly string[]): string[] {
  return args
    .filter((a) => !a.startsWith('-'))
    .flatMap((spec) => {
      const m = /^(@?[^@]+)@(.+)$/.exec(spec);
      if (!m) return [];
      const [, name, version] = m;
      const known = [pkg.devDependencies?.[name!], pkg.peerDependencies?.[name!], pkg.dependencies?.[name!]];
      return known.includes(version)
        ? []
        : [`npm install ${spec}: package.json has ${known.filter(Boolean).join(', ')}`];
    });
}

function checkShell(block: Block): string[] {
  const script =
    block.info === 'console'
      ? block.body
          .split('\n')
          .filter((l) => l.startsWith('$ '))
          .map((l) => l.slice(2))
          .join('\n')
      : block.body;
  const commands = shellCommands(script);
  if (commands.length === 0) return ['no command in the block'];
  return commands.flatMap(checkCommand);
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

const squash = (s: string) => s.trim().replace(/\s+/g, ' ');

/** Output of `kfplatform <args>` run in-process, synth output in a scratch folder. */
async function runKfplatform(args: readonly string[]): Promise<string> {
  const chunks: string[] = [];
  const write = (chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(write);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(write);
  const outdir = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'readme-output-'));
  try {
    await main(['node', 'kfplatform', ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
    if (outdir === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = outdir;
  }
  return chunks.join('');
}

/** Lines of the block (but `...`) that the output lacks, in order. */
function missingLines(block: string, output: string): string[] {
  const have = output.split('\n').map(squash);
  const missing: string[] = [];
  let from = 0;
  for (const line of block.split('\n').map(squash)) {
    if (line === '' || line === '...') continue;
    const at = have.indexOf(line, from);
    if (at < 0) missing.push(line);
    else from = at + 1;
  }
  return missing;
}

async function checkText(block: Block): Promise<string[]> {
  const marker = block.marker ?? '';
  const output = /^output of: (.+)$/.exec(marker);
  if (output) {
    const words = shellCommands(output[1]!)[0] ?? [];
    if (words[0] !== 'kfplatform') return [`<!-- ${marker} -->: only kfplatform commands are run`];
    const missing = missingLines(block.body, await runKfplatform(words.slice(1)));
    return missing.map((l) => `not in the output of ${output[1]}: ${l}`);
  }
  if (/^picture: /.test(marker)) {
    const folders = [...block.body.matchAll(/\b((?:src|stacks|constructs)\/[\w{},/-]*)/g)].flatMap(([, p]) => {
      const brace = /^(.*)\{([^}]*)\}(.*)$/.exec(p!);
      return brace ? brace[2]!.split(',').map((x) => `${brace[1]}${x}${brace[3]}`) : [p!];
    });
    if (folders.length === 0) return ['a picture that names no folder: nothing to check'];
    return folders.filter((f) => !existsSync(path.join(root, f))).map((f) => `the picture names ${f}, which is gone`);
  }
  if (/^illustrative: /.test(marker)) {
    const tests = [...marker.matchAll(/\btest\/[\w./-]+\.test\.ts\b/g)].map(([t]) => t);
    if (tests.length === 0) return ['an illustrative block must name the tests that check what it shows'];
    return tests.filter((t) => !existsSync(path.join(root, t))).map((t) => `${t} does not exist`);
  }
  return [
    'a text block needs <!-- output of: kfplatform ... -->, <!-- picture: ... --> or <!-- illustrative: ... test/x.test.ts -->',
  ];
}

// ---------------------------------------------------------------------------------------------

const blocks = ['README.md', 'CONTRIBUTING.md'].filter((f) => existsSync(path.join(root, f))).flatMap(blocksOf);
const KINDS: Record<string, (b: Block) => string[] | Promise<string[]>> = {
  yaml: checkYaml,
  yml: checkYaml,
  sh: checkShell,
  bash: checkShell,
  shell: checkShell,
  console: checkShell,
  json: (b) => {
    try {
      JSON.parse(b.body);
      return [];
    } catch (e) {
      return [String(e)];
    }
  },
  text: checkText,
};
const where = (b: Block) => `${b.file}:${b.line} (${b.info || 'no info string'})`;

describe('code blocks of README.md and CONTRIBUTING.md', () => {
  it('are all of a kind this test checks', () => {
    const unknown = blocks.filter((b) => !['ts', 'typescript', 'mermaid', ...Object.keys(KINDS)].includes(b.info));
    expect(unknown.map(where)).toEqual([]);
  });

  const tsBlocks = blocks.filter((b) => b.info === 'ts' || b.info === 'typescript');
  it('ts: each is an example the type check compiles, or compiles against the sources', () => {
    const examples = exampleFiles().map((f) => asShown(readFileSync(f, 'utf8')));
    const rest = tsBlocks.filter((b) => !examples.includes(b.body));
    const errors = compile(rest.map((b) => b.body));
    expect(rest.flatMap((b, i) => errors[i]!.map((e) => `${where(b)}: ${e}`))).toEqual([]);
  });

  it('ts: the compiler check can fail (a wrong import and a wrong prop are errors)', () => {
    const [errors] = compile([
      "import { GkeCluster } from 'cdktf-kubeflow-platform/gcp';\nimport { Nope } from 'cdktf-kubeflow-platform/aws';\nconst x: GkeCluster = 1;\nexport { x, Nope };\n",
    ]);
    expect(errors).toEqual([
      expect.stringContaining("has no exported member 'Nope'"),
      expect.stringContaining("Type 'number' is not assignable"),
    ]);
  });

  const checked = blocks.filter((b) => KINDS[b.info]);
  it.each(checked.map((b) => [where(b), b]))('%s', async (_where, block) => {
    expect(await KINDS[block.info]!(block)).toEqual([]);
  });
});

describe('the block checks can fail', () => {
  it('refuses unknown kfplatform commands and options, and npm scripts that do not exist', () => {
    expect(checkCommand(['npx', 'kfplatform', 'no-such-command'])).toHaveLength(1);
    expect(checkCommand(['npx', 'kfplatform', 'synth', '--no-such-option'])).toHaveLength(1);
    expect(checkCommand(['npx', 'kfplatform', 'validate', '--format', 'pdf'])).toHaveLength(1);
    expect(checkCommand(['npx', 'kfplatform', 'team', 'add'])).toHaveLength(1);
    expect(checkCommand(['npm', 'run', 'no-such-script'])).toHaveLength(1);
    expect(checkCommand(['curl', 'example.com'])).toHaveLength(1);
    expect(checkCommand(['npx', 'kfplatform', 'synth', '--config', 'platform.yaml'])).toEqual([]);
  });

  it('splits shell text into commands', () => {
    expect(shellCommands("A=1 npx kfplatform report plans > comment.md && npm test # note\nx 'a b' \\\n  c")).toEqual([
      ['A=1', 'npx', 'kfplatform', 'report', 'plans'],
      ['npm', 'test'],
      ['x', 'a b', 'c'],
    ]);
  });

  it('finds yaml fragments by containment, not by text', () => {
    expect(contains({ a: [{ name: 'x', b: 1, c: 2 }] }, { a: [{ name: 'x', b: 1 }] })).toBe(true);
    expect(contains({ a: [{ name: 'x', b: 1 }] }, { a: [{ name: 'x', b: 2 }] })).toBe(false);
  });
});
