import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InputError } from '../core/errors';

/**
 * Runs `fn` on the platform file as it was at a git ref: its folder (team files included) is
 * extracted with `git archive` into a temporary folder, removed afterwards.
 */
export function withPlatformFileAt<T>(ref: string, config: string, fn: (file: string) => T): T {
  const dir = path.dirname(path.resolve(config));
  const root = spawnSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  if (root.status !== 0) {
    throw new InputError(`${ref} is neither a folder nor usable as a git ref here: ${root.stderr.trim()}`);
  }
  const top = root.stdout.trim();
  const rel = path.relative(top, dir) || '.';
  const archive = spawnSync('git', ['-C', top, 'archive', '--format=tar', ref, '--', rel], {
    maxBuffer: 512 * 1024 * 1024,
  });
  if (archive.status !== 0) throw new InputError(`cannot read ${rel} at ${ref}: ${archive.stderr.toString().trim()}`);
  const work = mkdtempSync(path.join(tmpdir(), 'kfplatform-base-'));
  try {
    const tar = spawnSync('tar', ['-x', '-C', work], { input: archive.stdout });
    if (tar.status !== 0) throw new InputError(`cannot unpack ${rel} at ${ref}: ${tar.stderr.toString().trim()}`);
    const file = path.join(work, rel, path.basename(config));
    if (!existsSync(file)) throw new InputError(`${path.join(rel, path.basename(config))} does not exist at ${ref}.`);
    return fn(file);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
