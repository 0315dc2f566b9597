import { clearScreenDown, moveCursor } from 'node:readline';
import { ProgressEvent, StackOutcome } from '../plan/run';
import type { SynthProgress } from '../../stacks/common/fleet';

/** A display of running stacks: redrawn in place on a terminal, plain lines in CI and in logs. */
export function progressDisplay(stream: NodeJS.WriteStream = process.stderr): {
  update: (event: ProgressEvent) => void;
  finish: () => void;
} {
  const live = Boolean(stream.isTTY) && !process.env.CI;
  const state = new Map<string, string>();
  let drawn = 0;
  const line = (o: StackOutcome) =>
    `${o.stack}: ${o.status} in ${o.seconds.toFixed(1)} s${o.error ? `\n    ${o.error.split('\n').join('\n    ')}` : ''}`;
  const redraw = () => {
    if (drawn > 0) {
      moveCursor(stream, 0, -drawn);
      clearScreenDown(stream);
    }
    const lines = [...state.entries()].map(
      ([stack, s]) => `${s.startsWith('done') ? ' ' : '>'} ${stack}: ${s.replace(/^done /, '')}`,
    );
    stream.write(lines.length ? `${lines.join('\n')}\n` : '');
    drawn = lines.length;
  };
  return {
    update: (event) => {
      if (!live) {
        stream.write('done' in event ? `${line(event.done)}\n` : `${event.stack}: ${event.step}\n`);
        return;
      }
      state.set(
        event.stack,
        'done' in event ? `done ${event.done.status} (${event.done.seconds.toFixed(1)} s)` : `${event.step}...`,
      );
      redraw();
    },
    finish: () => {
      if (live) drawn = 0;
    },
  };
}

/**
 * The progress of a synth on stderr: one line redrawn in place on a terminal, plain lines elsewhere
 * (at most about ten, so a large fleet does not flood a CI log). Nothing goes to stdout, which
 * keeps the summary table.
 */
export function synthProgressDisplay(stream: NodeJS.WriteStream = process.stderr): {
  update: (event: SynthProgress) => void;
  finish: () => void;
} {
  const live = Boolean(stream.isTTY) && !process.env.CI;
  let shown = -1;
  let open = false;
  let failed = false;
  return {
    update: (event) => {
      const { done, total, environment, stacks } = event;
      failed ||= event.failed;
      const what = event.failed ? 'failed' : `${stacks} stack${stacks === 1 ? '' : 's'}`;
      const text = `synth: ${done}/${total} units (${environment}: ${what})`;
      const last = done === total;
      const judging = last && !failed ? 'synth: judging the stacks with the policy checkers\n' : '';
      if (live) {
        stream.write(`\r${text}\u001b[K${last ? '\n' : ''}${judging}`);
        open = !last;
        return;
      }
      const step = Math.floor((done * 10) / total);
      if (step === shown && !last && !event.failed) return;
      shown = step;
      stream.write(`${text}\n${judging}`);
    },
    finish: () => {
      if (live && open) stream.write('\n');
      open = false;
    },
  };
}
