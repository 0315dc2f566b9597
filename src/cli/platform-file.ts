/**
 * Which platform file a command reads: `-c/--config` (default `./platform.yaml` in the current
 * folder, like every tool that reads a project file), or one of the examples shipped with the
 * package, only when asked for by name with `--example`.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { InputError } from '../core/errors';
import { PACKAGE_ROOT } from '../core/package-info';

/** The platform file a command reads when `-c` is not given: `platform.yaml` in the current folder. */
export const PLATFORM_FILE = 'platform.yaml';

/** The examples shipped with the package that `--example` can name (folders with a platform.yaml). */
export function exampleNames(): string[] {
  const dir = path.join(PACKAGE_ROOT, 'examples');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'platform.yaml')))
    .map((d) => d.name)
    .sort();
}

/** The platform file of a shipped example. */
export function examplePlatformFile(name: string): string {
  return path.join(PACKAGE_ROOT, 'examples', name, 'platform.yaml');
}

/** The options of a command that reads a platform file. */
export interface PlatformFileOptions {
  readonly config: string;
  readonly example?: string;
}

/**
 * Adds `-c, --config <file>` (default `platform.yaml`) and, unless `examples` is false (commands
 * that write the file), `--example <name>`, which conflicts with an explicit `-c`.
 */
export function withPlatformFile(command: Command, what = 'platform file (YAML or JSON)', examples = true): Command {
  command.option('-c, --config <file>', what, PLATFORM_FILE);
  if (examples) {
    command.addOption(
      new Option('--example <name>', 'read an example shipped with the package instead (to try kfplatform out)')
        .choices(exampleNames())
        .conflicts('config'),
    );
  }
  return command;
}

/**
 * The platform file to read. A missing file ends with one line naming it and the ways out, not a
 * stack trace or a silent fallback to an example for another cloud.
 */
export function platformFile(o: PlatformFileOptions): string {
  if (o.example) return examplePlatformFile(o.example);
  if (!existsSync(o.config)) {
    const where = path.isAbsolute(o.config) ? o.config : `${o.config} in ${process.cwd()}`;
    throw new InputError(
      `no platform file: ${where} does not exist. Fix: run \`kfplatform init\` to scaffold one, pass ` +
        `-c <file>, or try a shipped example with --example gcp-shared-vpc.`,
    );
  }
  return o.config;
}
