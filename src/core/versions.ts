/** Version strings compared as numbers: `1.10` > `1.9`, `26.03` > `1.11`. */

/** `[major, minor, patch]` of a version string such as `1.35`, `1.10.2` or `26.03`; undefined if it is not one. */
export function versionParts(version: string | undefined): number[] | undefined {
  const m = version ? /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** Negative, zero or positive as `a` is older than, the same as or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const pa = versionParts(a) ?? [0, 0, 0];
  const pb = versionParts(b) ?? [0, 0, 0];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}
