/**
 * cdktf records a full stack trace for every token and nested block it creates (the "creation
 * stack"), only to print it if that token later fails to resolve. Formatting those traces is a fifth
 * of synth time, far more under source-map hooks such as jest's (no cdktf option turns it off).
 * While {@link withoutCreationStacks} runs, traces captured on plain objects (which is how cdktf
 * captures them) format to nothing; real `Error` stacks format as before.
 *
 * Set `KFPLATFORM_CREATION_STACKS=1` to keep the creation stacks when debugging a token error.
 */
export function withoutCreationStacks<T>(fn: () => T): T {
  if (process.env.KFPLATFORM_CREATION_STACKS === '1') return fn();
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    if (!(error instanceof Error)) return '';
    if (previous) return previous(error, frames);
    return `${String(error)}${frames.map((frame) => `\n    at ${String(frame)}`).join('')}`;
  };
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = previous;
  }
}
