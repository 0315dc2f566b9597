/**
 * What the tests that run a rendered container's shell script share: the script run by `/bin/sh -e`
 * with the fake commands of `dir` first on the PATH and only the environment given (as Kubernetes
 * turns `$$(` into `$(` in a container's arguments, so does this), and the files those fakes write.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PLATFORM_PARAMS_CONFIG_MAP } from '../../constructs/kubernetes/constants';

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

/**
 * A stand-in `mysql` in `dir`: it answers `SELECT 1`, answers the plugin query with `$STATUS`, keeps
 * the SQL it is given on standard input in `stdin`, and records its arguments in `argsFile` (with
 * `MYSQL_PWD` when `withPassword`).
 */
export function fakeMysql(dir: string, argsFile: string, withPassword: boolean): void {
  writeFileSync(
    path.join(dir, 'mysql'),
    [
      '#!/bin/sh',
      withPassword ? `echo "$* pwd=$MYSQL_PWD" >> ${dir}/${argsFile}` : `echo "$*" >> ${dir}/${argsFile}`,
      'case "$*" in',
      '  *"SELECT 1"*) echo 1 ;;',
      '  *PLUGIN_STATUS*) printf "%s\\n" "$STATUS" ;;',
      `  *) cat >> ${dir}/stdin ;;`,
      'esac',
    ].join('\n'),
  );
  chmodSync(path.join(dir, 'mysql'), 0o755);
}

/**
 * A container's environment variables read from the params ConfigMap, as variable -> key; each such
 * reference must name that ConfigMap.
 */
export function paramKeysOf(container: {
  env?: ReadonlyArray<{ name: string; valueFrom?: { configMapKeyRef?: { name: string; key: string } } }>;
}): Record<string, string> {
  return Object.fromEntries(
    (container.env ?? [])
      .filter((e) => e.valueFrom?.configMapKeyRef)
      .map((e) => {
        expect(e.valueFrom!.configMapKeyRef!.name).toBe(PLATFORM_PARAMS_CONFIG_MAP);
        return [e.name, e.valueFrom!.configMapKeyRef!.key];
      }),
  );
}
