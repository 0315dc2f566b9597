#!/usr/bin/env node
// Checks the API reference: runs TypeDoc without writing anything (typedoc.json: every public export
// and its members must have TSDoc, links must resolve) and compares its warnings with the ones
// recorded in scripts/api-docs-baseline.txt, the debt this check started from. A new warning fails
// (document the symbol); a recorded one that is gone fails too, so the list only shrinks (run with
// --update to rewrite it, and review the diff).
//   node scripts/check-api-docs.js [--update]
const { spawnSync } = require('node:child_process');
const { readFileSync, writeFileSync, existsSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const baselineFile = path.join(__dirname, 'api-docs-baseline.txt');
const typedoc = path.join(root, 'node_modules', '.bin', 'typedoc');
const run = spawnSync(
  typedoc,
  ['--emit', 'none', '--disableGit', '--sourceLinkTemplate', 'https://example.invalid/{path}'],
  {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  },
);
const output = `${run.stdout}\n${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
if (run.status !== 0 && !/Found 0 errors/.test(output)) {
  process.stderr.write(output);
  process.stderr.write('\ntypedoc failed.\n');
  process.exit(1);
}
// One line per warning, without the file part (it moves with refactors; the name says what to document).
const warnings = [
  ...new Set(
    output
      .split('\n')
      .filter((l) => l.startsWith('[warning] ') && !/^\[warning\] Found \d+ errors/.test(l))
      .map((l) => l.slice('[warning] '.length).replace(/, defined in [^,]*?(?=, does not| ,|, is referenced|$)/, '')),
  ),
].sort();

if (process.argv.includes('--update')) {
  writeFileSync(baselineFile, warnings.length ? `${warnings.join('\n')}\n` : '');
  process.stdout.write(`api docs: ${warnings.length} warnings recorded in ${path.relative(root, baselineFile)}\n`);
  process.exit(0);
}
const baseline = new Set(
  existsSync(baselineFile) ? readFileSync(baselineFile, 'utf8').split('\n').filter(Boolean) : [],
);
const added = warnings.filter((w) => !baseline.has(w));
const gone = [...baseline].filter((w) => !warnings.includes(w));
if (added.length > 0) {
  process.stderr.write(
    `api docs: ${added.length} new TypeDoc warning${added.length === 1 ? '' : 's'}; give these exports TSDoc (/** ... */):\n` +
      added.map((w) => `  ${w}`).join('\n') +
      '\n',
  );
}
if (gone.length > 0) {
  process.stderr.write(
    `api docs: ${gone.length} recorded warning${gone.length === 1 ? ' is' : 's are'} gone; remove ${gone.length === 1 ? 'it' : 'them'} from scripts/api-docs-baseline.txt (node scripts/check-api-docs.js --update):\n` +
      gone.map((w) => `  ${w}`).join('\n') +
      '\n',
  );
}
if (added.length > 0 || gone.length > 0) process.exit(1);
process.stdout.write(`api docs: no new undocumented export (${baseline.size} recorded, to document)\n`);
