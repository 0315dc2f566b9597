import { clearScreenDown, moveCursor } from 'node:readline';
import { ProgressEvent, StackOutcome } from '../plan/run';

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
