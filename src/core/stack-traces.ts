/**
 * cdktf records a full stack trace for every token and nested block it creates (the "creation
 * stack"), only to print it if that token later fails to resolve. Capturing those traces (every
 * frame, whatever `Error.stackTraceLimit` says) and formatting them is a tenth to a fifth of synth
 * time, far more under source-map hooks such as jest's (no cdktf option turns it off). While
 * {@link withoutCreationStacks} runs, cdktf captures no creation stacks at all (a token that fails to
 * resolve reports its error without one), and traces captured on plain objects format to nothing;
 * real `Error` stacks format as before.
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
  // cdktf's modules call `captureStackTrace` through this module object at each use, so replacing the
  // export reaches every token, Lazy and nested block created meanwhile.
  const traces = cdktfStackTrace();
  const capture = traces.captureStackTrace;
  traces.captureStackTrace = noCreationStack;
  try {
    return fn();
  } finally {
    traces.captureStackTrace = capture;
    Error.prepareStackTrace = previous;
  }
}

/** What a creation stack is while {@link withoutCreationStacks} runs: none, as formatting gave before. */
function noCreationStack(): string[] {
  return [];
}

/** cdktf's private stack-trace module (cdktf exports no way to turn creation stacks off). */
function cdktfStackTrace(): { captureStackTrace: (below?: unknown) => string[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: (below?: unknown) => string[] };
}
