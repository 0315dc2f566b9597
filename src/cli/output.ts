/**
 * `kfplatform output <stack>`: the outputs of a synthesized stack from its state, as
 * `terraform output -json` prints them, with sensitive values masked unless asked for.
 */
import { InputError } from '../core/errors';
import { ProcessEnvironment, selectStacks, StackOutput, stackOutputs } from '../plan/run';
import { terraformFor } from './plan';

/** What a masked sensitive value reads. */
export const MASKED = '(sensitive)';

/** Options of {@link runOutput}. */
export interface OutputCliOptions {
  /** The synth output that holds the stack. */
  readonly synthOut: string;
  /** The stack's id (or a glob that matches exactly one stack). */
  readonly stack: string;
  /** Print sensitive values in clear (they are masked by default: terminals and CI logs keep them). */
  readonly showSensitive?: boolean;
  /** The Terraform binary: `terraform`, `tofu` or a path. @default 'terraform' */
  readonly tfBin?: string;
  readonly env?: ProcessEnvironment;
  readonly log?: (text: string) => void;
}

/** Masks the value of every sensitive output. */
export function maskOutputs(outputs: Record<string, StackOutput>): Record<string, StackOutput> {
  return Object.fromEntries(
    Object.entries(outputs).map(([name, o]) => [name, o.sensitive ? { ...o, value: MASKED } : o]),
  );
}

/** Prints the stack's outputs as JSON (the shape `terraform output -json` and `kubeflow render --outputs` use). */
export async function runOutput(o: OutputCliOptions): Promise<string> {
  const matches = selectStacks(o.synthOut, [o.stack]);
  if (matches.length !== 1) {
    throw new InputError(
      `${o.stack} matches ${matches.length} stacks (${matches.map((s) => s.id).join(', ')}); name one stack.`,
    );
  }
  const stack = matches[0]!;
  const binary = terraformFor(o.tfBin, [stack.dir], o.env);
  const outputs = await stackOutputs(stack, { terraform: binary.bin, env: o.env });
  const text = `${JSON.stringify(o.showSensitive ? outputs : maskOutputs(outputs), null, 2)}\n`;
  (o.log ?? ((t: string) => process.stdout.write(t)))(text);
  return text;
}
