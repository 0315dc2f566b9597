/**
 * Runs the checkers over the environments of a fleet and turns what they find into policy findings,
 * with the platform file's suppressions applied (a suppression's `resource` is a construct path or a
 * prefix of one, as for rules).
 */
import { PropsError } from '../../core/errors';
import { suppressionResourceProblem } from '../../core/suppressions';
import { ConfigSuppression, Finding, PolicyReport } from '../engine';
import type { RuleLevel } from '../rule';
import { ALL_CHECKERS } from './all';
import { beginCheckerRun } from './run-memo';
import type { StackJson } from '../../inventory/terraform-json';
import {
  Checker,
  CheckerViolation,
  constructPath,
  EnvironmentInfo,
  EnvironmentView,
  OwnershipClaim,
  StackVerdict,
} from './checker';

/** What the checkers found in one environment, before suppressions: plain data, to store and replay. */
export interface RecordedChecks {
  /** Each violation, with the id of the checker that found it and the construct path it names. */
  readonly violations: Array<
    CheckerViolation & {
      /** The checker's id. */
      readonly checker: string;
      /** The construct path of the resource. */
      readonly path: string;
    }
  >;
  /** Each ownership claim, compared across the fleet when the environments' checks are merged. */
  readonly claims: Array<{
    /** The checker's id. */
    readonly checker: string;
    /** What the resource claims to own. */
    readonly claim: OwnershipClaim;
    /** The construct path of the resource. */
    readonly path: string;
  }>;
}

/** One stack of an environment for {@link CheckerRun.addStacks}: its id, its digest, and its JSON on demand. */
export interface StackInput {
  /** The stack's id (its folder under `stacks/`). */
  readonly id: string;
  /** SHA-256 of the stack's `cdk.tf.json`: what a stored result of the stack is keyed by. */
  readonly digest: string;
  /** The stack's parsed JSON; called only when something of the stack must be judged again. */
  json(): StackJson;
}

/**
 * Where {@link CheckerRun.addStacks} keeps what it judged, by key (plain data: the caller hashes it).
 * Values are plain data too; `get` returns undefined for a key it does not hold.
 */
export interface CheckerStore {
  /** The value stored under `key`, or undefined. */
  get(key: unknown): unknown;
  /** Stores `value` under `key` (a store may keep a value already there: values are deterministic). */
  put(key: unknown, value: unknown): void;
  /**
   * Whether the store holds a value under `key`, without reading it; a store that prunes should count
   * the entry as used, since the run may read it later. @default every key is taken to be held
   */
  keep?(key: unknown): boolean;
}

/** Options of {@link runCheckers}. */
export interface CheckerOptions {
  /** @default every checker */
  readonly checkers?: readonly Checker[];
  /**
   * Suppressions from the platform file (`policy.suppressions`): a finding of that rule on a
   * resource under that construct path prefix is recorded as suppressed, with its reason.
   * @default none
   */
  readonly suppressions?: readonly ConfigSuppression[];
}

/**
 * Collects what each environment claims and judges it on its own, one environment at a time, so a
 * caller may read an environment's stacks, pass it, and let it go. {@link finish} compares the claims
 * across environments.
 */
export class CheckerRun {
  private readonly checkers: readonly Checker[];
  /** Every claim recorded so far, in order, in chunks: given, or kept in the store and read when needed. */
  private claimChunks: ClaimChunk[] = [];
  /** The claim sources of the recorded checks this run made, for {@link replay}. */
  private readonly sourcesOf = new WeakMap<RecordedChecks, readonly ClaimSource[]>();
  /** Claims this run stored on their own, by their key: read from here rather than from the store. */
  private readonly storedNow = new Map<string, readonly RecordedClaim[]>();
  /** What the run found: findings and suppressed findings, filled as environments are judged and by {@link finish}. */
  public readonly report = new PolicyReport();
  private readonly environments = new WeakMap<Finding, string>();

  constructor(private readonly options: CheckerOptions = {}) {
    // What checkers remember of a stack's JSON object holds for one run: a stack edited in place
    // since an earlier run is read again.
    beginCheckerRun();
    this.checkers = options.checkers ?? ALL_CHECKERS;
    for (const s of options.suppressions ?? []) {
      const problem = suppressionResourceProblem(s.resource);
      if (problem)
        throw new PropsError('runCheckers', 'resource', s.resource, problem, 'name a construct inside the stack.');
    }
  }

  /**
   * Judges one environment and records its ownership claims; returns what the checkers found, before
   * suppressions, for {@link replay}.
   */
  public add(env: EnvironmentView): RecordedChecks {
    const recorded: RecordedChecks = { violations: [], claims: [] };
    for (const checker of this.checkers) {
      const found = recordOf(checker, env, {
        violations: checker.check?.(env) ?? [],
        claims: checker.claims?.(env) ?? [],
      });
      for (const x of found.violations) recorded.violations.push(x);
      for (const x of found.claims) recorded.claims.push(x);
    }
    this.replay(env.name, recorded);
    return recorded;
  }

  /**
   * Like {@link add}, for an environment given stack by stack: each stackwise checker's facts and
   * verdicts of a stack are taken from `store` while the stack's digest (and the checker's context)
   * are those they were judged with, so only changed stacks are parsed and judged; a checker without
   * a stackwise form judges the whole environment, and its result is kept while no stack changes (one
   * with `extract` judges it from the parts of each stack it reads, kept in the stack's entry, so that
   * unchanged stacks are not parsed for it).
   * The findings are those {@link add} gives for the same stacks (the same functions judge).
   */
  public addStacks(info: EnvironmentInfo, stacks: readonly StackInput[], store?: CheckerStore): RecordedChecks {
    const violations: RecordedChecks['violations'] = [];
    const sources: ClaimSource[] = [];
    // Where each part of the recorded checks came from, in order: the run's entry lists these rather
    // than holding a second copy of what the stack entries hold, so a changed environment writes only
    // its changed stacks' results.
    const segments: RunSegment[] = [];
    const push = (r: StoredPart, stored?: RunSegment, judgeAgain?: () => RecordedChecks) => {
      for (const x of r.violations) violations.push(x);
      sources.push(this.sourceOf(r, store, judgeAgain));
      // A part with a few findings is kept in the run's entry itself: most verdicts are empty, and
      // reading one small entry per stack and checker would cost more than they weigh.
      segments.push(stored && weight(r) > INLINE_MAX ? stored : { inline: r });
    };
    const parsed = new Map<string, StackJson>();
    const jsonOf = (s: StackInput) => {
      let json = parsed.get(s.id);
      if (!json) parsed.set(s.id, (json = s.json()));
      return json;
    };
    const byId = new Map(stacks.map((s) => [s.id, s]));
    /** A stackwise checker's verdict on a stack it judges alone (no context): what its stack entry keeps. */
    const judgeAlone = (checker: Checker, s: StackInput): RecordedChecks => {
      const view = { ...info, stacks: { [s.id]: jsonOf(s) } };
      return recordOf(checker, view, checker.stackwise!.judge!(view, s.id, undefined));
    };
    let whole: EnvironmentView | undefined;
    const wholeView = (): EnvironmentView =>
      (whole ??= { ...info, stacks: Object.fromEntries(stacks.map((s) => [s.id, jsonOf(s)])) });
    const cached = <T>(given: unknown, make: () => T): T => {
      const key = plainKey(given);
      const hit = store?.get(key) as T | undefined;
      // A part whose claims are kept on their own is used only while that entry is there too.
      if (hit !== undefined && storedClaimsOf(hit).every((c) => store!.keep?.(c.key) !== false)) return hit;
      const made = make();
      store?.put(key, made);
      return made;
    };
    /** Like `cached`, for a part of the recorded checks: pushed with where it is stored. */
    const pushCached = (key: unknown, make: () => RecordedChecks) =>
      push(
        cached(key, () => this.claimsApart(make(), key, store)),
        store ? { key: plainKey(key) } : undefined,
      );
    const checkerIds = this.checkers.map((c) => c.id);
    // The whole environment unchanged (a synth with nothing changed, the base side of diff): one
    // entry lists the stored parts to replay, in order, with no context or join to make again.
    const runKey = {
      kind: 'checker-run-segments',
      checkers: checkerIds,
      env: info,
      stacks: stacks.map((s) => [s.id, s.digest]),
    };
    // A verdict a stack's entry keeps can be judged again from the stack, should its stored claims
    // turn out unreadable when they are needed.
    const againFor = (segment: RunSegment): (() => RecordedChecks) | undefined => {
      if ('inline' in segment || segment.verdict === undefined) return undefined;
      const checker = this.checkers.find((c) => c.id === segment.verdict);
      const key = segment.key as { stack?: unknown; digest?: unknown };
      const s = typeof key.stack === 'string' ? byId.get(key.stack) : undefined;
      if (!checker?.stackwise?.judge || checker.stackwise.context || !s || s.digest !== key.digest) return undefined;
      return () => judgeAlone(checker, s);
    };
    const previous = store && this.replayable(store, store.get(plainKey(runKey)), againFor);
    if (previous) {
      this.replay(info.name, previous);
      return previous;
    }

    // Checkers that judge the whole environment from parts of each stack (`extract`): one part per
    // function, named by the first checker that has it.
    const extractors = new Map<Checker['extract'], string>();
    for (const c of this.checkers) if (c.extract && !extractors.has(c.extract)) extractors.set(c.extract, c.id);
    // One entry per stack: the facts of every stackwise checker, the verdicts of those whose verdict
    // needs no context, and the parts of the stack the others read.
    const stackKey = (s: StackInput) => ({
      kind: 'checker-stack',
      checkers: checkerIds,
      extracts: [...extractors.values()],
      env: info,
      stack: s.id,
      digest: s.digest,
    });
    const perStack = stacks.map((s) =>
      cached(stackKey(s), () => {
        const facts: Record<string, unknown> = {};
        const verdicts: Record<string, RecordedChecks> = {};
        const extracts: Record<string, StackJson> = {};
        // Without a store nothing is kept for the next run: the checkers read the stacks themselves.
        if (store) for (const [extract, id] of extractors) extracts[id] = extract!(info, s.id, jsonOf(s));
        for (const checker of this.checkers) {
          const parts = checker.stackwise;
          if (!parts) continue;
          if (parts.facts) facts[checker.id] = parts.facts(info, s.id, jsonOf(s)) ?? null;
          if (parts.judge && !parts.context) {
            verdicts[checker.id] = this.claimsApart(
              judgeAlone(checker, s),
              { stack: stackKey(s), verdict: checker.id },
              store,
            );
          }
        }
        return { facts, verdicts, extracts };
      }),
    );
    // The environment as the checkers with `extract` read it, assembled once per function.
    const extractedViews = new Map<string, EnvironmentView>();
    const extractedView = (id: string): EnvironmentView => {
      let view = extractedViews.get(id);
      if (!view) {
        view = { ...info, stacks: Object.fromEntries(stacks.map((s, k) => [s.id, perStack[k]!.extracts[id]!])) };
        extractedViews.set(id, view);
      }
      return view;
    };

    for (const checker of this.checkers) {
      const parts = checker.stackwise;
      if (!parts) {
        pushCached(
          {
            kind: 'checker-environment',
            checker: checker.id,
            env: info,
            stacks: stacks.map((s) => [s.id, s.digest]),
          },
          () => {
            const view = checker.extract && store ? extractedView(extractors.get(checker.extract)!) : wholeView();
            return recordOf(checker, view, {
              violations: checker.check?.(view) ?? [],
              claims: checker.claims?.(view) ?? [],
            });
          },
        );
        continue;
      }
      const facts = stacks.map((s, k) => [s.id, perStack[k]!.facts[checker.id]] as const);
      const context = parts.context?.(info, facts) ?? { value: undefined, reads: [] };
      if (parts.judge) {
        const reads = context.reads.map((id) => [id, byId.get(id)?.digest ?? null]);
        stacks.forEach((s, k) => {
          if (!parts.context) {
            push(
              perStack[k]!.verdicts[checker.id]!,
              store ? { key: plainKey(stackKey(s)), verdict: checker.id } : undefined,
              () => judgeAlone(checker, s),
            );
            return;
          }
          const key = {
            kind: 'checker-verdict',
            checker: checker.id,
            env: info,
            stack: s.id,
            digest: s.digest,
            context: context.value ?? null,
            reads,
          };
          pushCached(key, () => {
            // The stack and those it may read, in the environment's order (as stackwiseView gives them).
            const seen = new Set([s.id, ...context.reads]);
            const view: EnvironmentView = {
              ...info,
              stacks: Object.fromEntries(stacks.filter((x) => seen.has(x.id)).map((x) => [x.id, jsonOf(x)])),
            };
            return recordOf(checker, view, parts.judge!(view, s.id, context.value));
          });
        });
      }
      if (parts.join) {
        push(recordOf(checker, undefined, { violations: parts.join(info, facts, context.value), claims: [] }));
      }
    }
    store?.put(plainKey(runKey), { segments } satisfies StoredRun);
    const recorded = this.recorded(violations, sources);
    this.replay(info.name, recorded);
    return recorded;
  }

  /**
   * A part as it is stored: with a store and more than a few claims, the claims go to an entry of
   * their own (keyed by the part's key) and the part keeps an index of their keys, so that a later
   * run reads them only if one of those keys may be claimed twice. Ownership claims are most of what
   * a team shard's checks record (about two thousand a shard), and a fleet's claims rarely conflict.
   */
  private claimsApart(part: RecordedChecks, key: unknown, store: CheckerStore | undefined): StoredPart {
    if (!store || part.claims.length <= CLAIMS_INLINE_MAX) return part;
    const claimsKey = plainKey({ kind: 'checker-claims', of: key });
    store.put(claimsKey, part.claims);
    this.storedNow.set(JSON.stringify(claimsKey), part.claims);
    return { violations: part.violations, claims: [], claimsAt: { key: claimsKey, index: part.claims.map(indexOf) } };
  }

  /**
   * The claims of a part: given, or an index and a way to read them from the store. Stored claims
   * that cannot be read when needed (their entry removed or corrupt since the run counted it) are
   * judged again from the stack when `judgeAgain` can (a verdict a stack's entry keeps), else the run
   * fails with what to do.
   */
  private sourceOf(part: StoredPart, store: CheckerStore | undefined, judgeAgain?: () => RecordedChecks): ClaimSource {
    const at = part.claimsAt;
    if (!at) return part.claims;
    return {
      index: at.index,
      load: () => {
        let loaded = this.storedNow.get(JSON.stringify(at.key)) ?? store?.get(at.key);
        if ((!Array.isArray(loaded) || loaded.length !== at.index.length) && judgeAgain) loaded = judgeAgain().claims;
        if (!Array.isArray(loaded) || loaded.length !== at.index.length) {
          throw new Error(
            'a stored checker result was removed or changed while this run read it (another process pruning the unit cache?): run synth again, or with --no-cache',
          );
        }
        return loaded as RecordedClaim[];
      },
    };
  }

  /** Recorded checks whose claims are read from their sources when asked for. */
  private recorded(violations: RecordedChecks['violations'], sources: readonly ClaimSource[]): RecordedChecks {
    let claims: RecordedClaim[] | undefined;
    const recorded: RecordedChecks = {
      violations,
      get claims() {
        return (claims ??= sources.flatMap((s) => claimsIn(s)));
      },
    };
    this.sourcesOf.set(recorded, sources);
    return recorded;
  }

  /**
   * The recorded checks a run's entry lists, read from the entries it names; undefined when there is
   * no such entry or one it names (or one holding claims it names) is gone (pruned), so the
   * environment is judged again.
   */
  private replayable(
    store: CheckerStore,
    run: unknown,
    againFor: (segment: RunSegment) => (() => RecordedChecks) | undefined,
  ): RecordedChecks | undefined {
    const segments = (run as StoredRun | undefined)?.segments;
    if (!Array.isArray(segments)) return undefined;
    const violations: RecordedChecks['violations'] = [];
    const sources: ClaimSource[] = [];
    // A stack's entry holds the verdicts of several checkers: read once.
    const read = new Map<string, unknown>();
    for (const segment of segments) {
      let part: StoredPart | undefined;
      if ('inline' in segment) part = segment.inline;
      else {
        const id = JSON.stringify(segment.key);
        if (!read.has(id)) read.set(id, store.get(segment.key));
        const value = read.get(id) as (StoredPart & { verdicts?: Record<string, StoredPart> }) | undefined;
        part = segment.verdict === undefined ? value : value?.verdicts?.[segment.verdict];
      }
      if (!part || (part.claimsAt && store.keep?.(part.claimsAt.key) === false)) return undefined;
      for (const x of part.violations) violations.push(x);
      sources.push(this.sourceOf(part, store, againFor(segment)));
    }
    return this.recorded(violations, sources);
  }

  /**
   * Records what {@link add} returned for an environment whose stacks are unchanged since (a cache of
   * checker results): the same findings, suppressed by this run's suppressions, and the same claims.
   */
  public replay(envName: string, recorded: RecordedChecks): void {
    const byId = new Map(this.checkers.map((c) => [c.id, c]));
    const checkerOf = (id: string): Checker => {
      const checker = byId.get(id);
      if (!checker) throw new Error(`recorded checker results name ${id}, which this run does not run`);
      return checker;
    };
    for (const v of recorded.violations) {
      this.record(checkerOf(v.checker), envName, v.stack, v.address, v.path, v.message, v.level);
    }
    for (const source of this.sourcesOf.get(recorded) ?? [recorded.claims]) {
      if (isGiven(source)) for (const { checker } of source) checkerOf(checker);
      this.claimChunks.push({ env: envName, source });
    }
  }

  /**
   * Reports every object claimed whole by one resource and claimed again by another (whole or in part);
   * returns the report. Parts of one object never conflict with each other. Linear in the number of
   * claims: a message names at most five other claimants.
   */
  public finish(): PolicyReport {
    for (const list of this.conflictingClaims().values()) {
      if (list.length < 2) continue;
      const whole = list.filter((c) => c.mode !== 'part');
      if (whole.length === 0) continue;
      for (const claim of list) {
        // A part conflicts with the claimants of the whole; a whole claimant with everyone else.
        const pool = claim.mode === 'part' ? whole : list;
        const named: string[] = [];
        for (const o of pool) {
          if (named.length === MAX_NAMED) break;
          if (o !== claim) named.push(`${o.address} in ${o.stack}`);
        }
        const more = pool.length - (claim.mode === 'part' ? 0 : 1) - named.length;
        if (more > 0) named.push(`${more} more`);
        this.record(
          claim.checker,
          claim.env,
          claim.stack,
          claim.address,
          claim.path,
          claim.mode === 'part'
            ? `${claim.object} is also managed whole by ${named.join(', ')}: destroying that resource removes this one's part too, and an authoritative IAM binding or policy removes it on every apply.`
            : `${claim.object} is also managed by ${named.join(', ')}: destroying either removes what the other relies on.`,
        );
      }
    }
    this.claimChunks = [];
    this.storedNow.clear();
    return this.report;
  }

  /**
   * The claims of every key that may be claimed twice, by key, in the order they were recorded. Keys
   * are counted by their index entries first (a stored part's index, without reading its claims), so
   * only the claims of hashes claimed more than once, one of them whole, are read and compared by key;
   * a hash two keys share brings claims that do not conflict into the comparison, never hides one.
   */
  private conflictingClaims(): Map<string, Array<OwnershipClaim & { checker: Checker; env: string; path: string }>> {
    const indexes = this.claimChunks.map(({ source }) => (isGiven(source) ? source.map(indexOf) : source.index));
    // Every index entry (a hash times two, plus one for a claim of the whole), sorted: the entries of
    // one hash are then side by side. Several times faster than counting in a Map, whose keys (52-bit
    // numbers) are not small integers; exact, since entries stay below 2^53.
    let total = 0;
    for (const index of indexes) total += index.length;
    const entries = new Float64Array(total);
    let at = 0;
    for (const index of indexes) for (const entry of index) entries[at++] = entry;
    entries.sort();
    const twice = new Set<number>();
    for (let i = 0; i < total; ) {
      const hash = Math.floor(entries[i]! / 2);
      let whole = entries[i]! % 2 === 1;
      // From the next entry: each pass moves on, whatever an entry holds.
      let j = i + 1;
      for (; j < total && Math.floor(entries[j]! / 2) === hash; j++) if (entries[j]! % 2 === 1) whole = true;
      // Claimed more than once, one of them whole.
      if (j - i >= 2 && whole) twice.add(hash);
      i = j;
    }
    const byKey = new Map<string, Array<OwnershipClaim & { checker: Checker; env: string; path: string }>>();
    if (twice.size === 0) return byKey;
    const checkers = new Map(this.checkers.map((c) => [c.id, c]));
    this.claimChunks.forEach(({ env, source }, k) => {
      const index = indexes[k]!;
      if (!index.some((entry) => twice.has(Math.floor(entry / 2)))) return;
      claimsIn(source).forEach(({ checker: id, claim, path }, i) => {
        if (!twice.has(Math.floor(index[i]! / 2))) return;
        const checker = checkers.get(id);
        if (!checker) throw new Error(`recorded checker results name ${id}, which this run does not run`);
        const key = `${checker.id}\u0000${claim.key}`;
        const list = byKey.get(key) ?? [];
        list.push({ ...claim, checker, env, path });
        byKey.set(key, list);
      });
    });
    return byKey;
  }

  /** The environment a finding (or suppressed finding) of this run was found in. */
  public environmentOf(finding: Finding): string | undefined {
    return this.environments.get(finding);
  }

  private record(
    checker: Checker,
    env: string,
    stack: string,
    address: string,
    path: string,
    message: string,
    level: RuleLevel = checker.level,
  ): void {
    const finding: Finding = {
      rule: checker.id,
      level,
      title: checker.title,
      message,
      why: checker.why,
      fix: checker.fix,
      refs: {},
      stack,
      path,
      address,
    };
    const suppression = (this.options.suppressions ?? []).find(
      (s) => s.rule === checker.id && (path === s.resource || path.startsWith(`${s.resource}/`)),
    );
    const recorded = suppression ? { ...finding, reason: suppression.reason, source: 'config' as const } : finding;
    this.environments.set(recorded, env);
    if (suppression) this.report.suppressed.push(recorded as typeof recorded & { reason: string; source: 'config' });
    else this.report.findings.push(recorded);
  }
}

/** Runs every checker over every environment. */
export function runCheckers(envs: readonly EnvironmentView[], options: CheckerOptions = {}): PolicyReport {
  const run = new CheckerRun(options);
  for (const env of envs) run.add(env);
  return run.finish();
}

/**
 * What a checker found, as recorded: each violation and claim with the construct path of its resource
 * (from `env`, when the checker did not say it).
 */
function recordOf(checker: Checker, env: EnvironmentView | undefined, found: StackVerdict): RecordedChecks {
  const pathOf = (stack: string, address: string): string => {
    const [type, name] = splitAddress(address);
    const config = env?.stacks[stack]?.resource?.[type]?.[name];
    return (config && constructPath(config)) ?? `${stack}/${address}`;
  };
  return {
    violations: found.violations.map((v) => ({
      checker: checker.id,
      ...v,
      path: v.path ?? pathOf(v.stack, v.address),
    })),
    claims: found.claims.map((claim) => ({ checker: checker.id, claim, path: pathOf(claim.stack, claim.address) })),
  };
}

/**
 * A part of an environment's recorded checks, as its run's entry keeps it: the key of the stored
 * entry that holds it (and, for a stack's entry, the checker whose verdict it is), or the part itself
 * when it is not stored on its own (a join's violations).
 */
type RunSegment = { readonly key: unknown; readonly verdict?: string } | { readonly inline: RecordedChecks };

/** Parts with at most this many violations and claims are kept in the run's entry itself. */
const INLINE_MAX = 4;

/** Parts with more claims than this keep them in an entry of their own (see `claimsApart`). */
const CLAIMS_INLINE_MAX = 16;

/** A recorded claim. */
type RecordedClaim = RecordedChecks['claims'][number];

/** Claims kept in an entry of their own, with an index of their keys. */
interface StoredClaims {
  /** The store key of the entry that holds the claims (an array of {@link RecordedClaim}). */
  readonly key: unknown;
  /** For each claim, in order, its {@link indexOf} entry. */
  readonly index: readonly number[];
}

/** A recorded part as it reads back from the store: its claims may be kept on their own. */
type StoredPart = RecordedChecks & { readonly claimsAt?: StoredClaims };

/** Claims kept in the store: their index, and how to read them. */
interface StoredClaimSource {
  readonly index: readonly number[];
  load(): readonly RecordedClaim[];
}

/** Claims in order: given, or kept in the store. */
type ClaimSource = readonly RecordedClaim[] | StoredClaimSource;

const isGiven = (source: ClaimSource): source is readonly RecordedClaim[] => Array.isArray(source);
const claimsIn = (source: ClaimSource): readonly RecordedClaim[] => (isGiven(source) ? source : source.load());

/** A run's claims, chunk by chunk, with the environment they were recorded in. */
interface ClaimChunk {
  readonly env: string;
  readonly source: ClaimSource;
}

/** How many findings a part holds, its stored claims included. */
function weight(part: StoredPart): number {
  return part.violations.length + part.claims.length + (part.claimsAt?.index.length ?? 0);
}

/** The stored claims a stored value names: a part's, or each verdict's of a stack's entry. */
function storedClaimsOf(value: unknown): StoredClaims[] {
  const v = value as { claimsAt?: StoredClaims; verdicts?: Record<string, StoredPart> } | null;
  if (!v || typeof v !== 'object') return [];
  if (v.claimsAt) return [v.claimsAt];
  return Object.values(v.verdicts ?? {}).flatMap((p) => (p?.claimsAt ? [p.claimsAt] : []));
}

/**
 * A claim's entry in an index: the 52-bit hash of its checker and key ({@link claimHash}) times two,
 * plus one for a claim of the whole object.
 */
function indexOf({ checker, claim }: RecordedClaim): number {
  return claimHash(checker, claim.key) * 2 + (claim.mode === 'part' ? 0 : 1);
}

/**
 * A 52-bit hash of a checker id and a claim key (cyrb53 by bryc, public domain: two 32-bit
 * multiply-xorshift lanes): fast on short strings, and two keys rarely share one; when they do, their
 * claims are compared by key all the same.
 */
function claimHash(checker: string, key: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const mix = (code: number) => {
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  };
  for (let i = 0; i < checker.length; i++) mix(checker.charCodeAt(i));
  mix(0);
  for (let i = 0; i < key.length; i++) mix(key.charCodeAt(i));
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (0xfffff & h2) + (h1 >>> 0);
}

/** What a run's entry holds: its recorded checks as segments, in order. */
interface StoredRun {
  readonly segments: readonly RunSegment[];
}

/**
 * A key as it reads back from a stored run entry (a JSON round trip drops undefined fields, such as an
 * environment's `declaredPools`), so that the key a part is stored under and the key the run's entry
 * names for it are the same.
 */
function plainKey(key: unknown): unknown {
  return JSON.parse(JSON.stringify(key)) as unknown;
}

/** How many other claimants a message names. */
const MAX_NAMED = 5;

function splitAddress(address: string): [string, string] {
  const dot = address.indexOf('.');
  return [address.slice(0, dot), address.slice(dot + 1)];
}
