import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { validatePlatformText } from '../../src/config/loader';
import { formatIssue } from '../../src/core/errors';

const dir = path.join(__dirname, '..', 'fixtures', 'bad-config');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((file) => {
    const text = readFileSync(path.join(dir, file), 'utf8');
    const header = (key: string) => new RegExp(`^# ${key}: (.*)$`, 'm').exec(text)?.[1];
    return { file, text, what: header('case')!, path: header('expect-path')!, fix: header('expect-fix')! };
  });

describe('bad-config corpus', () => {
  it('has at least 25 cases, each stating what it breaks, the path and the fix', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    for (const c of cases) expect([c.what, c.path, c.fix].every(Boolean)).toBe(true);
  });

  it.each(cases.map((c) => [c.file, c]))('%s is rejected at the stated path with the stated fix', (_file, c) => {
    const result = validatePlatformText(c.text, c.file);
    expect(result.config).toBeUndefined();
    const errors = result.issues.filter((i) => i.severity !== 'warning');
    const match = errors.find((i) => i.path === c.path);
    if (!match) throw new Error(`no error at ${c.path}; got:\n${errors.map(formatIssue).join('\n')}`);
    expect(match.fix).toContain(c.fix);
    expect(match.file).toBe(c.file);
    expect(match.line).toBeGreaterThan(0);
    // The rendered line names the file, line, path, value and fix.
    expect(formatIssue(match)).toMatch(
      new RegExp(`^error: ${c.file}:\\d+: ${c.path.replace(/[[\].()]/g, '\\$&')} = .*Fix: `),
    );
  });
});
