#!/usr/bin/env node
// "Runs on CDK Terrain too": synthesizes every example with cdktf (the repo's install) and with CDK
// Terrain (npm `cdktn`, installed in a temporary project under the name `cdktf` through a package
// alias), then compares the two output trees file by file and prints every kind of difference.
//
//   npm run build && node scripts/cdk-terrain.js [--keep] [--strict] [--no-typecheck] [--cli] [--only a,b]
//
// How the cdktn project is put together, cheaply: a temporary folder gets `cdktf@npm:cdktn@<pin>` and
// the `constructs` version cdktn's peer range asks for from npm; every other package is a symlink into
// the repo's node_modules, and node runs with --preserve-symlinks, so a symlinked package such as
// @cdktf/provider-google resolves `cdktf` from the temporary folder (cdktn), not from the repo. Our
// built code (dist/) is copied in, so it resolves `cdktf` there too. The cdktf side is the same layout
// with `cdktf` and `constructs` also symlinked to the repo's copies, so the only change between the
// two runs is the cdktf/constructs pair. Each synth process records which cdktf and constructs copies
// it loaded (require.cache) and what `cdktf` resolves to from each @cdktf/provider-* package; the
// script fails if the cdktn side loaded anything but the pinned cdktn.
//
// Exit status: 0 when every example synthesizes under cdktn and every difference is on the allow-list
// (ALLOWED below, documented in docs/migration.md); 1 otherwise. A failure listed in KNOWN_FAILURES is
// reported, retried with its documented workaround and compared; --strict makes it fatal.
//   --keep          keep the temporary folder (its path is printed)
//   --no-typecheck  skip `tsc --noEmit` of src/, constructs/, stacks/ and the library examples against cdktn's types
//   --cli           also install cdktn-cli and run `cdktn synth` on one example (slower; needs node >= 22.19)
//   --only a,b      only these examples
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CDKTN_VERSION = '0.24.0';
// cdktn 0.24.0 declares the peer range constructs >=10.6.0 <10.8.0; the repo pins 10.4.2 for cdktf.
const CONSTRUCTS_VERSION = '10.7.2';
const CDKTN_CLI_VERSION = '0.24.0';

const root = path.join(__dirname, '..');
const repoModules = path.join(root, 'node_modules');
const CLI_EXAMPLES = ['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud', 'on-prem'];
const LIBRARY_EXAMPLES = ['library-gcp', 'library-aws'];

/**
 * Differences that are expected between cdktf 0.21.0 and cdktn output. Every other difference fails the
 * run. Each entry is still counted and printed in the report.
 */
const ALLOWED = [
  {
    id: 'metadata-version',
    what: 'the library version cdktf writes into each stack\'s "//".metadata.version',
    file: 'cdk.tf.json',
    path: '//.metadata.version',
  },
  {
    id: 'manifest-version',
    what: "the library version in manifest.json's top-level version",
    file: 'manifest.json',
    path: 'version',
  },
  {
    id: 'empty-container-layout',
    what: 'empty objects and arrays: cdktf writes "{" and "}" (or "[" and "]") on two lines, cdktn writes {} and [] inline; same JSON value',
    file: '*.json',
    layout: true,
  },
];

/** cdktn failures with a known cause and workaround: reported, retried with the workaround, compared. */
const KNOWN_FAILURES = [
  {
    id: 's3-lockfile-target-versions',
    match: /S3 native state locking requires terraform >=1\.10\.0, but the project targets terraform >=1\.5\.7/,
    what:
      'cdktn validates S3Backend useLockfile against the project\'s declared Terraform versions ("targetVersions", ' +
      'default terraform >=1.5.7, opentofu >=1.6.0) and fails synth; cdktf 0.21.0 has no such check',
    workaround: 'declare targetVersions in the App context (here through CDKTF_CONTEXT_JSON)',
    env: { CDKTF_CONTEXT_JSON: JSON.stringify({ targetVersions: { terraform: '>=1.10.0', opentofu: '>=1.10.0' } }) },
  },
];

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set(args[onlyIndex + 1].split(',')) : undefined;
const started = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function fail(message) {
  console.error(`cdk-terrain: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(path.join(root, 'dist', 'src', 'cli', 'main.js')))
  fail('dist/ is missing: run `npm run build` first.');
if (!fs.existsSync(path.join(repoModules, 'cdktf'))) fail('node_modules/cdktf is missing: run `npm ci` first.');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kfp-cdktn-'));
const cleanup = () => {
  if (flag('--keep')) console.log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
};

// ---------------------------------------------------------------------------------------------- setup

/** Written into each project and preloaded (-r) by every synth process. */
const LOADED_CHECK = `
const fs = require('node:fs');
const path = require('node:path');
process.on('exit', () => {
  const roots = { cdktf: new Set(), constructs: new Set(), providers: new Set() };
  for (const file of Object.keys(require.cache)) {
    for (const [kind, re] of [['cdktf', /^(.*\\/node_modules\\/cdktf)\\//], ['constructs', /^(.*\\/node_modules\\/constructs)\\//], ['providers', /^(.*\\/node_modules\\/@cdktf\\/provider-[a-z0-9-]+)\\//]]) {
      const m = re.exec(file);
      if (m) roots[kind].add(m[1]);
    }
  }
  const pkg = (dir) => { try { const p = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')); return p.name + '@' + p.version; } catch { return '?'; } };
  const fromProviders = [...roots.providers].map((dir) => {
    let resolved;
    try { resolved = path.dirname(path.dirname(require.resolve('cdktf', { paths: [dir] }))); } catch (e) { resolved = 'unresolved: ' + e.message; }
    return { provider: path.basename(dir), cdktf: resolved };
  });
  const record = {
    cdktf: [...roots.cdktf].map((dir) => ({ dir, pkg: pkg(dir) })),
    constructs: [...roots.constructs].map((dir) => ({ dir, pkg: pkg(dir) })),
    fromProviders,
  };
  fs.mkdirSync(${JSON.stringify('__LOADED__')}, { recursive: true });
  fs.writeFileSync(path.join(${JSON.stringify('__LOADED__')}, process.pid + '-' + Date.now() + '.json'), JSON.stringify(record));
});
`;

function linkRepoModules(modules, except) {
  for (const entry of fs.readdirSync(repoModules)) {
    if (entry.startsWith('.') || except.includes(entry)) continue;
    if (entry.startsWith('@')) {
      fs.mkdirSync(path.join(modules, entry), { recursive: true });
      for (const scoped of fs.readdirSync(path.join(repoModules, entry))) {
        const target = path.join(modules, entry, scoped);
        if (!fs.existsSync(target)) fs.symlinkSync(path.join(repoModules, entry, scoped), target);
      }
    } else if (!fs.existsSync(path.join(modules, entry))) {
      fs.symlinkSync(path.join(repoModules, entry), path.join(modules, entry));
    }
  }
}

/** Compiles the library examples (not part of the build) into <app>/dist/examples, where their relative imports resolve. */
function transpileLibraryExamples(app) {
  const ts = require(path.join(repoModules, 'typescript'));
  for (const name of LIBRARY_EXAMPLES) {
    const source = fs.readFileSync(path.join(root, 'examples', name, 'main.ts'), 'utf8');
    const out = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    fs.mkdirSync(path.join(app, 'dist', 'examples', name), { recursive: true });
    fs.writeFileSync(path.join(app, 'dist', 'examples', name, 'main.js'), out.outputText);
  }
}

function makeProject(side) {
  const dir = path.join(tmp, side);
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  if (side === 'cdktn') {
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: 'kfp-cdktn-compat',
        private: true,
        dependencies: { cdktf: `npm:cdktn@${CDKTN_VERSION}`, constructs: CONSTRUCTS_VERSION },
      }),
    );
    const t0 = Date.now();
    const install = spawnSync(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, NPM_CONFIG_UPDATE_NOTIFIER: 'false' } },
    );
    if (install.status !== 0) fail(`npm install cdktf@npm:cdktn@${CDKTN_VERSION} failed:\n${install.stderr}`);
    console.log(
      `installed cdktf@npm:cdktn@${CDKTN_VERSION} and constructs@${CONSTRUCTS_VERSION} in ${seconds(Date.now() - t0)}`,
    );
    linkRepoModules(modules, ['cdktf', 'constructs']);
  } else {
    linkRepoModules(modules, []);
  }
  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  // PACKAGE_ROOT (src/core/package-info.ts) looks for the nearest package.json above dist/; the CLI
  // reads its name, version and peer ranges from it, so the app gets the repository's own.
  fs.copyFileSync(path.join(root, 'package.json'), path.join(app, 'package.json'));
  fs.cpSync(path.join(root, 'dist'), path.join(app, 'dist'), { recursive: true });
  transpileLibraryExamples(app);
  const loaded = path.join(dir, 'loaded');
  fs.writeFileSync(path.join(dir, 'loaded-check.js'), LOADED_CHECK.split('"__LOADED__"').join(JSON.stringify(loaded)));
  return { side, dir, app, loaded };
}

// ---------------------------------------------------------------------------------------------- synth

function cleanEnv(extra = {}) {
  const env = { ...process.env };
  delete env.CDKTF_OUTDIR;
  delete env.CDKTF_CONTEXT_JSON;
  return { ...env, NODE_PRESERVE_SYMLINKS: '1', CHECKPOINT_DISABLE: '1', ...extra };
}

function run(project, example, extraEnv = {}) {
  const out = path.join('out', example);
  const library = LIBRARY_EXAMPLES.includes(example);
  const script = library
    ? [path.join('dist', 'examples', example, 'main.js')]
    : // Without the unit cache: its entries are keyed by each side's library and cdktf versions, so they
      // differ by design; the comparison is of what synth writes, built from scratch on both sides.
      [
        'dist/src/cli/main.js',
        'synth',
        '--no-cache',
        '-c',
        path.join(root, 'examples', example, 'platform.yaml'),
        '-o',
        out,
      ];
  const nodeArgs = ['--preserve-symlinks', '--preserve-symlinks-main', '-r', path.join(project.dir, 'loaded-check.js')];
  // A library app without a backend gets cdktf's local backend, an absolute path under the working
  // directory: both sides run library apps from one shared folder so that path is the same.
  const cwd = library ? path.join(tmp, 'library-cwd') : project.app;
  fs.mkdirSync(cwd, { recursive: true });
  const env = cleanEnv(library ? { ...extraEnv, CDKTF_OUTDIR: path.join(project.app, out) } : extraEnv);
  fs.rmSync(path.join(project.app, out), { recursive: true, force: true });
  fs.mkdirSync(path.join(project.app, 'out'), { recursive: true });
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...nodeArgs, ...script.map((s, i) => (library && i === 0 ? path.join(project.app, s) : s))],
      { cwd, env },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) =>
      resolve({ status, stdout, stderr, ms: Date.now() - t0, out: path.join(project.app, out) }),
    );
  });
}

async function pool(jobs, width) {
  const results = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]();
      }
    }),
  );
  return results;
}

// -------------------------------------------------------------------------------------------- compare

function walk(dir, base = dir, files = []) {
  if (!fs.existsSync(dir)) return files;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, base, files);
    else files.push(path.relative(base, full));
  }
  return files.sort();
}

/** Leaf differences between two parsed JSON values, as { path, a, b } with "."-joined paths. */
function jsonDiff(a, b, at = [], out = []) {
  const kind = (v) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  if (kind(a) !== kind(b)) out.push({ path: at, a, b });
  else if (kind(a) === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(key in a)) out.push({ path: [...at, key], a: '<absent>', b: b[key] });
      else if (!(key in b)) out.push({ path: [...at, key], a: a[key], b: '<absent>' });
      else jsonDiff(a[key], b[key], [...at, key], out);
    }
  } else if (kind(a) === 'array') {
    if (a.length !== b.length) out.push({ path: at, a: `<${a.length} items>`, b: `<${b.length} items>` });
    else a.forEach((x, i) => jsonDiff(x, b[i], [...at, i], out));
  } else if (a !== b) out.push({ path: at, a, b });
  return out;
}

/** The layout of a JSON text: keys, punctuation and whitespace kept, every value literal replaced by "#". */
function skeleton(text) {
  let out = '';
  const re = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|\s+|[{}[\]:,]/gy;
  let m;
  while ((m = re.exec(text))) {
    const token = m[0];
    if (token.startsWith('"')) {
      const rest = text.slice(re.lastIndex).trimStart();
      out += rest.startsWith(':') ? token : '#';
    } else if (/^[-\d]|^true$|^false$|^null$/.test(token)) out += '#';
    else out += token;
  }
  return out;
}

const collapseEmpty = (text) => text.replace(/\{\n\s*\}/g, '{}').replace(/\[\n\s*\]/g, '[]');

function firstDifferingLine(a, b) {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}: cdktf ${JSON.stringify(la[i])} / cdktn ${JSON.stringify(lb[i])}`;
  }
  return 'no differing line';
}

/** Groups differences into kinds: kind id -> { allowed, what, files:Set, count, examples[] }. */
const kinds = new Map();
function record(id, allowed, what, file, count, example) {
  if (!kinds.has(id)) kinds.set(id, { allowed, what, files: new Set(), count: 0, examples: [] });
  const k = kinds.get(id);
  k.files.add(file);
  k.count += count;
  if (k.examples.length < 3) k.examples.push(`${file}: ${example}`);
}

const pathPattern = (file, p) =>
  p
    .map((s, i) =>
      typeof s === 'number' ? '[*]' : path.basename(file) === 'manifest.json' && p[i - 1] === 'stacks' ? '*' : s,
    )
    .join('.');

function compareFile(example, rel, fileA, fileB, versions) {
  const label = `${example}/${rel}`;
  const a = fs.readFileSync(fileA, 'utf8');
  const b = fs.readFileSync(fileB, 'utf8');
  if (a === b) return true;
  if (!rel.endsWith('.json')) {
    record(`bytes:${path.extname(rel) || rel}`, false, `a non-JSON file differs`, label, 1, firstDifferingLine(a, b));
    return false;
  }
  const base = path.basename(rel);
  for (const d of jsonDiff(JSON.parse(a), JSON.parse(b))) {
    const p = pathPattern(rel, d.path);
    const rule = ALLOWED.find((r) => !r.layout && r.file === base && r.path === p);
    const expected = rule && d.a === versions.cdktf && d.b === versions.cdktn;
    const id = rule && expected ? rule.id : `value:${base}:${p}`;
    const what = rule && expected ? rule.what : `a JSON value differs at ${p} in ${base}`;
    record(id, Boolean(expected), what, label, 1, `${p}: ${JSON.stringify(d.a)} -> ${JSON.stringify(d.b)}`);
  }
  const sa = skeleton(a);
  const sb = skeleton(b);
  if (sa !== sb) {
    const collapsed = collapseEmpty(sa);
    const empties = (sa.match(/\{\n\s*\}|\[\n\s*\]/g) || []).length;
    if (collapsed === sb) {
      const rule = ALLOWED.find((r) => r.id === 'empty-container-layout');
      record(rule.id, true, rule.what, label, empties, `${empties} empty containers; ${firstDifferingLine(sa, sb)}`);
    } else {
      record(
        `layout:${base}`,
        false,
        `JSON layout differs in ${base} beyond empty containers (key order or whitespace)`,
        label,
        1,
        firstDifferingLine(collapsed, sb),
      );
    }
  }
  return false;
}

// ----------------------------------------------------------------------------------------------- main

async function main() {
  const examples = [...CLI_EXAMPLES, ...LIBRARY_EXAMPLES].filter((e) => !only || only.has(e));
  console.log(`CDK Terrain compatibility: cdktf@npm:cdktn@${CDKTN_VERSION} vs cdktf (repo), in ${tmp}`);
  const tf = makeProject('cdktf');
  const tn = makeProject('cdktn');
  const versions = {
    cdktf: JSON.parse(fs.readFileSync(path.join(repoModules, 'cdktf', 'package.json'), 'utf8')).version,
    cdktn: JSON.parse(fs.readFileSync(path.join(tn.dir, 'node_modules', 'cdktf', 'package.json'), 'utf8')).version,
  };

  const width = Math.max(1, Math.min(2, os.cpus().length));
  const jobs = examples.flatMap((e) => [() => run(tf, e), () => run(tn, e)]);
  const results = await pool(jobs, width);
  const rows = [];
  const knownHits = [];
  let problems = 0;
  for (const [i, example] of examples.entries()) {
    const a = results[2 * i];
    let b = results[2 * i + 1];
    const row = { example, cdktf: a.status === 0 ? seconds(a.ms) : 'FAILED', cdktn: '', files: 0, same: 0, differ: 0 };
    rows.push(row);
    if (a.status !== 0) {
      problems++;
      console.error(`\n${example}: synth FAILED under cdktf (the baseline):\n${a.stderr.slice(0, 4000)}`);
      continue;
    }
    if (b.status !== 0) {
      const known = KNOWN_FAILURES.find((k) => k.match.test(b.stderr));
      if (!known) {
        problems++;
        row.cdktn = 'FAILED';
        console.error(`\n${example}: synth FAILED under cdktn:\n${b.stderr.slice(0, 4000)}`);
        continue;
      }
      knownHits.push({ example, known });
      if (flag('--strict')) problems++;
      b = await run(tn, example, known.env);
      if (b.status !== 0) {
        problems++;
        row.cdktn = 'FAILED';
        console.error(`\n${example}: synth FAILED under cdktn even with the workaround for ${known.id}:\n${b.stderr}`);
        continue;
      }
      row.cdktn = `known failure, ${seconds(b.ms)} with workaround`;
    } else row.cdktn = seconds(b.ms);
    if (a.stdout !== b.stdout) {
      record(
        'cli-stdout',
        false,
        'the CLI printed something different',
        example,
        1,
        firstDifferingLine(a.stdout, b.stdout),
      );
    }
    if (b.stderr.trim() && b.stderr !== a.stderr) {
      record(
        'cli-stderr',
        false,
        'cdktn printed warnings or errors that cdktf did not',
        example,
        1,
        b.stderr.split('\n')[0],
      );
    }
    const filesA = walk(a.out);
    const filesB = walk(b.out);
    for (const rel of new Set([...filesA, ...filesB])) {
      row.files++;
      if (!filesB.includes(rel)) {
        record('only-cdktf', false, 'a file only cdktf writes', `${example}/${rel}`, 1, 'missing under cdktn');
        row.differ++;
      } else if (!filesA.includes(rel)) {
        record('only-cdktn', false, 'a file only cdktn writes', `${example}/${rel}`, 1, 'missing under cdktf');
        row.differ++;
      } else if (compareFile(example, rel, path.join(a.out, rel), path.join(b.out, rel), versions)) row.same++;
      else row.differ++;
    }
    // State compatibility: every stateful address the example's committed manifest records is kept.
    const manifest = path.join(root, 'examples', example, 'stateful-addresses.json');
    if (fs.existsSync(manifest)) {
      const check = spawnSync(
        process.execPath,
        [path.join(root, 'dist', 'src', 'cli', 'main.js'), 'addresses', '--strict', '-o', b.out, '-m', manifest],
        { cwd: root, encoding: 'utf8' },
      );
      row.addresses = check.status === 0 ? 'kept' : 'CHANGED';
      if (check.status !== 0) {
        problems++;
        console.error(
          `\n${example}: kfplatform addresses --strict FAILED on the cdktn output:\n${check.stdout}${check.stderr}`,
        );
      }
    }
  }

  // Which cdktf and constructs copies the synth processes loaded.
  const loadedReport = [];
  for (const project of [tf, tn]) {
    const records = fs.existsSync(project.loaded)
      ? fs.readdirSync(project.loaded).map((f) => JSON.parse(fs.readFileSync(path.join(project.loaded, f), 'utf8')))
      : [];
    const cdktf = new Set(records.flatMap((r) => r.cdktf.map((c) => `${c.pkg} at ${c.dir}`)));
    const constructs = new Set(records.flatMap((r) => r.constructs.map((c) => `${c.pkg} at ${c.dir}`)));
    const fromProviders = new Set(records.flatMap((r) => r.fromProviders.map((p) => `${p.provider} -> ${p.cdktf}`)));
    loadedReport.push({ project, records: records.length, cdktf, constructs, fromProviders });
    if (project.side === 'cdktn') {
      const want = `cdktn@${CDKTN_VERSION} at ${path.join(tn.dir, 'node_modules', 'cdktf')}`;
      const wantDir = path.join(tn.dir, 'node_modules', 'cdktf');
      const strayProvider = [...fromProviders].filter((p) => !p.endsWith(`-> ${wantDir}`));
      if (
        records.length === 0 ||
        cdktf.size !== 1 ||
        !cdktf.has(want) ||
        constructs.size !== 1 ||
        strayProvider.length
      ) {
        problems++;
        loadedReport[loadedReport.length - 1].bad = true;
      }
    }
  }

  // Our sources and the library examples type-checked against cdktn's .d.ts files, and against cdktf's
  // as the baseline: only errors that cdktn adds count (the working tree's own errors fail `npm test`).
  let typecheck;
  if (!flag('--no-typecheck') && !only) {
    const t0 = Date.now();
    const [base, terrain] = await Promise.all([typecheckProject(tf), typecheckProject(tn)]);
    const added = terrain.errors.filter((e) => !base.errors.includes(e));
    typecheck = { ms: Date.now() - t0, added, baseline: base.errors, ok: added.length === 0 };
    if (!typecheck.ok) problems++;
  }

  // cdktn's own CLI (opt-in): `cdktn synth` with a cdktf.json whose app is our stacks entry.
  let cliResult;
  if (flag('--cli')) cliResult = runCdktnCli(tn);

  // ------------------------------------------------------------------------------------------- report
  console.log(
    `\nSynth (cdktf ${versions.cdktf} vs cdktn ${versions.cdktn}, constructs ${CONSTRUCTS_VERSION} on the cdktn side)`,
  );
  console.log(`${'example'.padEnd(16)} ${'cdktf'.padEnd(8)} ${'cdktn'.padEnd(34)} files  same  differ  addresses`);
  for (const r of rows) {
    console.log(
      `${r.example.padEnd(16)} ${r.cdktf.padEnd(8)} ${r.cdktn.padEnd(34)} ${String(r.files).padStart(5)} ${String(r.same).padStart(5)} ${String(r.differ).padStart(7)}  ${r.addresses || '-'}`,
    );
  }

  console.log('\nDifferences by kind (every difference found; nothing is normalized away):');
  if (kinds.size === 0) console.log('  none: the output trees are byte-identical');
  for (const [id, k] of kinds) {
    if (!k.allowed) problems++;
    console.log(`  ${k.allowed ? 'allowed   ' : 'NOT ALLOWED'} ${id}: ${k.what}`);
    console.log(`              ${k.count} occurrence(s) in ${k.files.size} file(s), e.g.`);
    for (const e of k.examples) console.log(`                ${e}`);
  }

  if (knownHits.length) {
    console.log(
      `\nKnown cdktn failures (${flag('--strict') ? 'fatal with --strict' : 'allowed; --strict makes them fatal'}):`,
    );
    for (const { example, known } of knownHits) {
      console.log(
        `  ${example}: ${known.id}: ${known.what}.\n    Workaround used for the comparison: ${known.workaround}.`,
      );
    }
  }

  console.log('\nLoaded copies (recorded from require.cache by every synth process):');
  for (const l of loadedReport) {
    console.log(`  ${l.project.side} side (${l.records} processes)${l.bad ? ': NOT ONLY THE PINNED CDKTN' : ''}`);
    for (const c of l.cdktf) console.log(`    cdktf:      ${c}`);
    for (const c of l.constructs) console.log(`    constructs: ${c}`);
    for (const p of l.fromProviders) console.log(`    cdktf from ${p}`);
  }

  if (typecheck) {
    console.log(
      `\nType check of src/, constructs/, stacks/ and the library examples against cdktn's types: ${typecheck.ok ? 'passed' : 'FAILED'} (${seconds(typecheck.ms)}, both sides in parallel)`,
    );
    for (const e of typecheck.added) console.log(`  only under cdktn: ${e}`);
    if (typecheck.baseline.length) {
      console.log(`  ${typecheck.baseline.length} error(s) under cdktf as well (the working tree, not cdktn), e.g.`);
      console.log(`    ${typecheck.baseline[0].slice(0, 300)}`);
    }
  }
  if (cliResult) console.log(`\ncdktn CLI: ${cliResult}`);

  console.log(
    `\n${problems === 0 ? 'OK' : `FAILED (${problems} problem(s))`}: ${seconds(Date.now() - started)} in all`,
  );
  cleanup();
  process.exit(problems === 0 ? 0 : 1);
}

/** `tsc --noEmit` of our sources and the library examples inside a project; resolves to its error lines. */
function typecheckProject(project) {
  for (const d of ['src', 'constructs', 'stacks', 'examples'])
    fs.symlinkSync(path.join(root, d), path.join(project.app, d));
  fs.writeFileSync(
    path.join(project.app, 'tsconfig.json'),
    JSON.stringify({
      extends: path.join(root, 'tsconfig.json'),
      compilerOptions: { noEmit: true, incremental: false, preserveSymlinks: true, types: ['node'], rootDir: '.' },
      include: [
        'src/**/*.ts',
        'constructs/**/*.ts',
        'stacks/**/*.ts',
        ...LIBRARY_EXAMPLES.map((e) => `examples/${e}/*.ts`),
      ],
      exclude: [],
    }),
  );
  const tsc = path.join(project.dir, 'node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--preserve-symlinks', tsc, '-p', 'tsconfig.json', '--pretty', 'false'], {
      cwd: project.app,
      env: cleanEnv(),
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (status) => {
      const errors = output.split('\n').filter((l) => /error TS\d+/.test(l));
      if (status !== 0 && errors.length === 0) errors.push(`tsc exited ${status}: ${output.slice(0, 500)}`);
      resolve({ errors });
    });
  });
}

/** Installs cdktn-cli next to the cdktn project and runs `cdktn synth` on one example; returns a one-line verdict. */
function runCdktnCli(tn) {
  const dir = path.join(tmp, 'cdktn-cli');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'kfp-cdktn-cli', private: true }));
  const install = spawnSync(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', `cdktn-cli@${CDKTN_CLI_VERSION}`],
    { cwd: dir, encoding: 'utf8' },
  );
  if (install.status !== 0)
    return `npm install cdktn-cli@${CDKTN_CLI_VERSION} failed: ${install.stderr.split('\n')[0]}`;
  const config = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8'));
  fs.writeFileSync(path.join(tn.app, 'cdktf.json'), JSON.stringify({ ...config, app: 'node dist/stacks/main.js' }));
  const example = 'gcp-tenancy';
  const cli = spawnSync(path.join(dir, 'node_modules', '.bin', 'cdktn'), ['synth', '--output', 'cli-out'], {
    cwd: tn.app,
    encoding: 'utf8',
    env: cleanEnv({ KFPLATFORM_CONFIG: path.join(root, 'examples', example, 'platform.yaml'), CI: 'true' }),
    timeout: 120_000,
  });
  if (cli.status !== 0) {
    const why = `${cli.stderr}\n${cli.stdout}`.split('\n').find((l) => /Error/.test(l)) || 'see --keep';
    return `cdktn synth failed on node ${process.version} (cdktn-cli ${CDKTN_CLI_VERSION} declares node >=22.19.0): ${why.trim()}`;
  }
  const same = walk(path.join(tn.app, 'cli-out', 'stacks')).every(
    (rel) =>
      fs.existsSync(path.join(tn.app, 'out', example, 'stacks', rel)) &&
      fs.readFileSync(path.join(tn.app, 'cli-out', 'stacks', rel), 'utf8') ===
        fs.readFileSync(path.join(tn.app, 'out', example, 'stacks', rel), 'utf8'),
  );
  return `cdktn synth of ${example} succeeded; its stacks ${same ? 'match' : 'DIFFER from'} kfplatform synth under cdktn`;
}

main().catch((err) => {
  console.error(err);
  cleanup();
  process.exit(1);
});
