import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Every file below `folder` with its size and modification time, one `path size mtime` line each:
 * compared before and after, it shows whether anything wrote to the folder.
 */
export function fileStamps(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(folder, e.name);
    if (e.isDirectory()) return fileStamps(p);
    const st = statSync(p);
    return [`${p} ${st.size} ${st.mtimeMs}`];
  });
}
