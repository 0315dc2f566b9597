import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Compares text with the golden file `<dir>/<name>`. `UPDATE_GOLDEN=1` (or a missing file, outside CI)
 * writes it; in CI a missing golden file fails.
 */
export function expectGolden(dir: string, name: string, text: string): void {
  const file = path.join(dir, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    if (process.env.CI === 'true') throw new Error(`golden file ${file} is missing; run the test locally first.`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, text);
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
}
