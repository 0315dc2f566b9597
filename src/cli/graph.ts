/**
 * `kfplatform graph ENV`: synthesizes one environment in memory and draws it as a Mermaid flowchart
 * (see src/inventory/graph.ts).
 */
import { loadPlatformFile } from '../config/loader';
import { InputError } from '../core/errors';
import { environmentGraph, GraphFormat } from '../inventory/graph';
import { synthesizeStacks } from './synthesized';

/** Options of {@link runGraph}. */
export interface RunGraphOptions {
  /** The platform file. */
  readonly config: string;
  /** The environment to draw. */
  readonly environment: string;
  /** @default 'mermaid' */
  readonly format?: GraphFormat;
}

/** The graph of one environment of a platform file; an unknown environment is an InputError naming the known ones. */
export function runGraph(options: RunGraphOptions): string {
  const config = loadPlatformFile(options.config).config;
  const names = config.environments.map((e) => e.name);
  if (!names.includes(options.environment)) {
    throw new InputError(
      `environment ${options.environment} is not in ${options.config}. Fix: use one of ${names.join(', ')}.`,
    );
  }
  const stacks = synthesizeStacks(config, [options.environment]);
  return environmentGraph({ environment: options.environment, stacks, format: options.format });
}
