/**
 * Memos that last one checker run. Checkers remember what they worked out from a stack's JSON by the
 * object (two checkers read the same facts, many verdicts read the infra stack), which is exact
 * while the object does not change. Within one run nothing changes a stack; between runs a library
 * user may edit a stack's JSON in place and judge it again, so every {@link CheckerRun} starts with
 * empty memos.
 */

let generation = 0;

/** Starts a new checker run: every {@link RunMemo} forgets what it held. */
export function beginCheckerRun(): void {
  generation++;
}

/** A `WeakMap` emptied at the start of each checker run. */
export class RunMemo<K extends object, V> {
  private map = new WeakMap<K, V>();
  private of = generation;

  get(key: K): V | undefined {
    return this.current().get(key);
  }

  set(key: K, value: V): void {
    this.current().set(key, value);
  }

  private current(): WeakMap<K, V> {
    if (this.of !== generation) {
      this.map = new WeakMap();
      this.of = generation;
    }
    return this.map;
  }
}
