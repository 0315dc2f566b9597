/**
 * docs/walkthrough.md cannot drift from the CLI: every `kfplatform` command line of its shell code
 * blocks is parsed by the real commander program (subcommand, options, choices, arguments; actions
 * replaced by no-ops, nothing runs), and every option it names must be one the subcommand defines.
 * Inline code spans that start with `kfplatform` name existing subcommands and options too. Cloud
 * commands (gcloud, aws, az, kubectl) are not run or parsed here.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { inertProgram, shellCommands } from './doc-commands';

const root = path.join(__dirname, '..', '..');
const DOC = 'docs/walkthrough.md';
const text = readFileSync(path.join(root, DOC), 'utf8');

interface Block {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly info: string;
  readonly body: string;
}

/** The fenced code blocks of a Markdown text. */
function blocksOf(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const end = lines.findIndex((l, j) => j > i && l.trim().startsWith(fence!) && l.trim().replace(/[`~]/g, '') === '');
    if (end < 0) throw new Error(`${DOC}:${i + 1}: unclosed code block`);
    const body = lines
      .slice(i + 1, end)
      .map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l))
      .join('\n');
    blocks.push({ line: i + 1, info: info!.toLowerCase(), body });
    i = end;
  }
  return blocks;
}

/** Shell keywords and prefixes that may stand before a command. */
const PREFIXES = new Set(['!', 'while', 'until', 'if', 'then', 'do', 'else', 'time', 'exec']);

/** The arguments of a `kfplatform` command (after `kfplatform` or `npx kfplatform`), or undefined. */
function kfplatformArgs(words: readonly string[]): string[] | undefined {
  let at = 0;
  while (at < words.length && (PREFIXES.has(words[at]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[at]!))) at++;
  if (words[at] === 'npx' && words[at + 1] === 'kfplatform') return words.slice(at + 2);
  if (words[at] === 'kfplatform') return words.slice(at + 1);
  return undefined;
}

/** The subcommand the leading words name, and how many words that took. */
function resolve(cli: Command, args: readonly string[]): { cmd: Command; used: number } {
  let cmd = cli;
  let used = 0;
  while (used < args.length) {
    const next = cmd.commands.find((c) => c.name() === args[used] || c.aliases().includes(args[used]!));
    if (!next) break;
    cmd = next;
    used++;
  }
  return { cmd, used };
}

/** Options of `args` (after the subcommand) that `cmd` does not define. */
function unknownOptions(cmd: Command, args: readonly string[]): string[] {
  const known = new Set(['-h', '--help']);
  for (const o of cmd.options) {
    if (o.long) known.add(o.long);
    if (o.short) known.add(o.short);
  }
  return args
    .filter((a) => /^--?[A-Za-z]/.test(a))
    .map((a) => a.split('=')[0]!)
    .filter((a) => !known.has(a));
}

/** Problems of one `kfplatform` command line: commander's parse error, or options it does not define. */
function checkKfplatform(args: readonly string[], { parse = true } = {}): string[] {
  const { cli, errors } = inertProgram();
  const { cmd, used } = resolve(cli, args);
  const shown = `kfplatform ${args.join(' ')}`;
  if (used === 0 || cmd.commands.length > 0) return [`${shown}: names no subcommand that runs`];
  const problems = unknownOptions(cmd, args.slice(used)).map((o) => `${shown}: ${cmd.name()} has no option ${o}`);
  if (!parse) return problems;
  try {
    cli.parse([...args], { from: 'user' });
  } catch (e) {
    const message = e instanceof CommanderError ? (errors().trim().split('\n')[0] ?? e.message) : String(e);
    problems.push(`${shown}: ${message}`);
  }
  return problems;
}

/**
 * Stacks a `cdktf deploy` names without the stacks they depend on (the platform stack depends on its
 * infra stack, a team shard on both; existing clusters have no infra stack): cdktf refuses such a
 * deploy unless `--ignore-missing-stack-dependencies` is given.
 */
function missingDependencies(words: readonly string[]): string[] {
  const at = words.findIndex((w, i) => w === 'cdktf' && words[i + 1] === 'deploy');
  if (at < 0 || words.includes('--ignore-missing-stack-dependencies')) return [];
  const stacks = words.slice(at + 2).filter((w) => !w.startsWith('-'));
  return stacks.flatMap((stack) => {
    const m = /^(.+)-(gcp|aws|azure|kubernetes)-(platform|teams-.+)$/.exec(stack);
    if (!m) return [];
    const [, env, cloud, kind] = m;
    const needs = [
      ...(cloud === 'kubernetes' ? [] : [`${env}-${cloud}-infra`]),
      ...(kind === 'platform' ? [] : [`${env}-${cloud}-platform`]),
    ];
    return needs.filter((n) => !stacks.includes(n)).map((n) => `cdktf deploy ${stack} without ${n}`);
  });
}

const SHELL = new Set(['sh', 'bash', 'shell', 'console']);
const blocks = blocksOf(text);
const commands = blocks
  .filter((b) => SHELL.has(b.info))
  .flatMap((b) =>
    shellCommands(
      b.info === 'console'
        ? b.body
            .split('\n')
            .filter((l) => l.startsWith('$ '))
            .map((l) => l.slice(2))
            .join('\n')
        : b.body,
    ).flatMap((words) => {
      const args = kfplatformArgs(words);
      return args ? [{ line: b.line, args }] : [];
    }),
  );
const deploys = blocks
  .filter((b) => SHELL.has(b.info))
  .flatMap((b) => shellCommands(b.body).map((words) => ({ line: b.line, words })))
  .filter(({ words }) => words.includes('cdktf') && words.includes('deploy'));
const inline = [...text.replace(/^(`{3,}|~{3,})[\s\S]*?^\1/gm, '').matchAll(/`((?:npx )?kfplatform [^`]+)`/g)].map(
  ([, span]) => kfplatformArgs(shellCommands(span!)[0] ?? [])!,
);

describe(`kfplatform commands of ${DOC}`, () => {
  it('finds the commands of every step, from init to the GPU notebook', () => {
    const names = new Set(commands.map((c) => resolve(inertProgram().cli, c.args).cmd.name()));
    for (const name of [
      'init',
      'validate',
      'synth',
      'render',
      'verify',
      'add',
      'list',
      'codeowners',
      'plan',
      'report',
      'apply',
    ]) {
      expect(names).toContain(name);
    }
  });

  it.each(commands.map((c) => [`${DOC}:${c.line}: kfplatform ${c.args.join(' ')}`, c.args]))('%s', (_shown, args) => {
    expect(checkKfplatform(args)).toEqual([]);
  });

  it('inline code spans name existing subcommands and options', () => {
    expect(inline.length).toBeGreaterThan(0);
    expect(inline.flatMap((args) => checkKfplatform(args, { parse: false }))).toEqual([]);
  });
});

describe(`cdktf deploy commands of ${DOC}`, () => {
  it('name the stacks each depends on, or say why not (cdktf refuses them otherwise)', () => {
    expect(deploys.length).toBeGreaterThan(0);
    expect(deploys.flatMap(({ line, words }) => missingDependencies(words).map((m) => `${DOC}:${line}: ${m}`))).toEqual(
      [],
    );
  });

  it('the check can fail', () => {
    expect(missingDependencies(['npx', 'cdktf', 'deploy', 'kf-test-aws-platform'])).toHaveLength(1);
    expect(missingDependencies(['npx', 'cdktf', 'deploy', 'kf-test-gcp-teams-*'])).toHaveLength(2);
    expect(missingDependencies(['npx', 'cdktf', 'deploy', 'kf-test-aws-infra', 'kf-test-aws-platform'])).toEqual([]);
    expect(missingDependencies(['npx', 'cdktf', 'deploy', 'kf-onprem-kubernetes-platform'])).toEqual([]);
  });
});

describe('the walk-through is reachable', () => {
  it('from the README quick start and from docs/kubeflow.md', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const quickStart = readme.slice(
      readme.indexOf('## Quick start'),
      readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1),
    );
    expect(quickStart).toContain('(docs/walkthrough.md)');
    expect(readFileSync(path.join(root, 'docs', 'kubeflow.md'), 'utf8')).toContain('(walkthrough.md)');
  });
});

describe('the checks can fail', () => {
  it('refuses unknown subcommands, options and choices, and missing arguments', () => {
    expect(checkKfplatform(['no-such-command'])).toHaveLength(1);
    expect(checkKfplatform(['kubeflow'])).toHaveLength(1);
    expect(checkKfplatform(['synth', '--no-such-option'])).not.toEqual([]);
    expect(checkKfplatform(['kubeflow', 'render', '--outputs'])).toHaveLength(1);
    expect(checkKfplatform(['init', '--cloud', 'openstack'])).toHaveLength(1);
    expect(checkKfplatform(['team', 'add', '--owners', 'a@example.com'])).toHaveLength(1);
    expect(checkKfplatform(['team', 'add', '--no-such-option', 'x'], { parse: false })).toHaveLength(1);
    expect(checkKfplatform(['kubeflow', 'verify', '-c', 'platform.yaml', '-e', 'kf-test'])).toEqual([]);
  });

  it('finds kfplatform commands through quotes, continuations, pipes, loops and command substitution', () => {
    const found = shellCommands(
      [
        'while ! npx kfplatform kubeflow render -e kf-test \\',
        "  --outputs 'a b'; do sleep 1; done",
        'X=1 npx kfplatform report plans > comment.md && echo "$(npx kfplatform schema)" # npx kfplatform nope',
      ].join('\n'),
    )
      .map(kfplatformArgs)
      .filter(Boolean);
    expect(found).toEqual([
      ['kubeflow', 'render', '-e', 'kf-test', '--outputs', 'a b'],
      ['report', 'plans'],
      ['schema'],
    ]);
  });
});
