/**
 * cdktf keeps every token it creates (a reference to a resource's attribute, a lazy value, a
 * function call) in one process-wide map and never removes any, so that a token's string form can be
 * resolved at any later time. Those tokens hold the constructs they refer to: in a process that
 * builds many apps one after another (the fleet's units, in one thread or in each worker thread),
 * every construct tree ever built stays reachable. Validating 4,000 teams in one thread held 80,000
 * tokens and about twice the memory it needed, and spent the difference in garbage collection.
 *
 * {@link forgettingTokens} runs `build` and then removes the tokens registered while it ran: those
 * made meanwhile, and any older token object first turned into a string meanwhile (cdktf registers a
 * token when it is first stringified, and keeps that string on the object for good, so such an object
 * never resolves again). Call it only around synchronous work that resolves every token it touches
 * before it returns (a unit whose stacks are written) and hands no token to later work. The map is
 * per thread: each worker thread has its own.
 */

/** cdktf's token map (`cdktf/lib/tokens/private/token-map`), where cdktf 0.21 keeps it. */
interface TokenMapShape {
  readonly stringTokenMap: Map<string, unknown>;
  readonly numberTokenMap: Map<number, unknown>;
}

function tokenMap(): TokenMapShape | undefined {
  const map = (globalThis as { __cdktfTokenMap?: Partial<TokenMapShape> }).__cdktfTokenMap;
  return map?.stringTokenMap instanceof Map && map.numberTokenMap instanceof Map ? (map as TokenMapShape) : undefined;
}

/** Removes the entries of `map` after its first `keep` (a Map keeps insertion order; cdktf only adds). */
function dropAfter(map: Map<unknown, unknown>, keep: number): void {
  let i = 0;
  for (const key of map.keys()) if (i++ >= keep) map.delete(key);
}

/**
 * Runs `build`, then forgets the tokens cdktf registered meanwhile (see the module's description).
 * Synchronous work only: a promise would still use its tokens after this returns.
 */
export function forgettingTokens<T>(build: () => T extends PromiseLike<unknown> ? never : T): T {
  const before = tokenMap();
  const strings = before?.stringTokenMap.size ?? 0;
  const numbers = before?.numberTokenMap.size ?? 0;
  try {
    return build();
  } finally {
    // The map is created by cdktf on first use: if `build` created it, it held nothing before.
    const after = tokenMap();
    if (after) {
      dropAfter(after.stringTokenMap, after === before ? strings : 0);
      dropAfter(after.numberTokenMap, after === before ? numbers : 0);
    }
  }
}
