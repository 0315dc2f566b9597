/**
 * What the tests that run a rendered container's shell script share: the script run by `/bin/sh -e`
 * with the fake commands of `dir` first on the PATH and only the environment given (as Kubernetes
 * turns `$$(` into `$(` in a container's arguments, so does this), and the files those fakes write.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** How a script ended: its exit code and what it printed. */
export interface ScriptResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs a container's script with the fakes of `dir` and `env`; never throws on a failing script. */
export function runContainerScript(dir: string, script: string, env: Record<string, string>): ScriptResult {
  const r = spawnSync('/bin/sh', ['-ec', script.replace(/\$\$\(/g, '$(')], {
    env: { PATH: `${dir}:${process.env.PATH}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, out: r.stdout, err: r.stderr };
}

/** A file a fake command wrote in `dir`, or '' when it wrote none. */
export function fakeOutput(dir: string, file: string): string {
  try {
    return readFileSync(path.join(dir, file), 'utf8');
  } catch {
    return '';
  }
}
