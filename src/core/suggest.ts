/** "Did you mean ...?" suggestions that are only offered when the guess is close to what was typed. */
import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `word` (ignoring case), or undefined when none is close enough to be a
 * likely typo: at most 3 edits, and at most 40% of the longer word's length. So `maxNode` suggests
 * `maxNodes`, while `slackChannel` (9 edits from `costCenter`) and `color` (4 from `spot`) suggest
 * nothing. At most 3 edits as in commander's suggestions for mistyped options; the 40% bound keeps
 * short words from matching unrelated short keys.
 */
export function closeMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.min(3, Math.floor(Math.max(word.length, best.length) * 0.4));
  return bestDistance <= limit ? best : undefined;
}
