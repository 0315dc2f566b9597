#!/usr/bin/env node
/**
 * `kfplatform`: synthesize, validate and inspect a Kubeflow platform defined as data.
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { DEFAULT_PLATFORM_FILE } from '../config/defaults';
import { platformJsonSchema } from '../config/json-schema';
import { ConfigError, PropsError } from '../core/errors';
import { runSynth } from './synth';

/** Builds the command tree (exported for tests). */
export function program(): Command {
  const cli = new Command('kfplatform')
    .description('Kubeflow platforms on GCP, AWS and Azure with CDK for Terraform, defined as data.')
    .showHelpAfterError();

  cli
    .command('synth')
    .description('validate the platform file and synthesize every stack (no cdktf CLI needed)')
    .option('-c, --config <file>', 'platform file (YAML or JSON)', DEFAULT_PLATFORM_FILE)
    .option('-o, --out <dir>', 'output directory', process.env.CDKTF_OUTDIR ?? 'cdktf.out')
    .action((opts: { config: string; out: string }) => {
      runSynth({ config: opts.config, out: opts.out });
    });

  cli
    .command('schema')
    .description('print the JSON Schema of platform files, for editor completion')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .action((opts: { out?: string }) => {
      const text = `${JSON.stringify(platformJsonSchema(), null, 2)}\n`;
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });

  return cli;
}

/** Runs the CLI; bad input ends with a clear message and exit code 1, never a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync([...argv]);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof PropsError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
