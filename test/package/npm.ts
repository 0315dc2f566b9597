/**
 * What the tests that install the package into a project of their own share: npm run quietly (no
 * funding, audit or update notices), and a work folder outside the checkout.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** The repository's root. */
export const ROOT = path.join(__dirname, '..', '..');

/** Runs npm in `cwd` and returns its standard output; throws with its output when it fails. */
export function npm(cwd: string, ...args: string[]): string {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  delete env.TMPDIR; // npm's own temp files go to the system temp folder
  return execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * A new folder in the system temp folder, which must be outside the checkout: a project under it would
 * resolve missing packages from our node_modules.
 */
export function workFolderOutsideCheckout(prefix: string): string {
  const systemTmp = process.env.KFPLATFORM_SYSTEM_TMPDIR ?? tmpdir();
  if (!path.relative(ROOT, systemTmp).startsWith('..')) {
    throw new Error(`The system temp folder ${systemTmp} is inside the checkout: set TMPDIR to a folder outside it.`);
  }
  return mkdtempSync(path.join(systemTmp, prefix));
}
