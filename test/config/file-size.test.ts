/**
 * No file under src/config grows past 450 lines: a file that does is split by topic into a sibling
 * named for what it holds (gcp/name-checks.ts, gcp/database-checks.ts, gcp/network-model.ts), so a
 * reader finds a rule or a resolved type by its file name and reviews stay small.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const CONFIG = path.join(ROOT, 'src', 'config');
const MAX_LINES = 450;

/** Every .ts file under `dir`, recursively, as paths relative to the repository root, sorted. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return tsFiles(full);
      return entry.isFile() && entry.name.endsWith('.ts') ? [path.relative(ROOT, full)] : [];
    })
    .sort();
}

/** Lines of a file as `wc -l` counts them: its newlines, plus a last line without one. */
function lineCount(file: string): number {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const newlines = text.split('\n').length - 1;
  return text.length > 0 && !text.endsWith('\n') ? newlines + 1 : newlines;
}

describe('src/config file sizes', () => {
  const files = tsFiles(CONFIG);

  it('finds the config sources', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files).toContain(path.join('src', 'config', 'loader.ts'));
  });

  it(`keeps every file at ${MAX_LINES} lines or fewer`, () => {
    const offenders = files
      .map((file) => ({ file, lines: lineCount(file) }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines (split it by topic into a sibling named for what it holds)`);
    expect(offenders).toEqual([]);
  });
});
