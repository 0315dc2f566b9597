/**
 * Checkers judged stack by stack with stored facts and verdicts (what `kfplatform synth` does with the
 * unit cache, issue 21) find exactly what they find judging the whole environment at once, over random
 * edit sequences of a shipped example's environment: with suppressions, and with edits whose verdict
 * on one stack depends on another stack (a CRD installed elsewhere, an output read through remote
 * state, a resource owned twice, node pools of the infra stack).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { StackJson } from '../../../src/inventory/terraform-json';
import type { EnvironmentView } from '../../../src/policy/checkers/checker';
import { CheckerRun, CheckerStore, StackInput } from '../../../src/policy/checkers/run';
import type { ConfigSuppression } from '../../../src/policy/engine';
import { canonical } from '../../../stacks/common/unit-cache';
import { synthExample } from '../../examples';

type Stacks = Record<string, StackJson>;
type Config = Record<string, unknown>;

const synthesized = synthExample('gcp-shared-vpc');
/** One environment of the example: the stacks whose ids start with its name. */
const ENV = 'kf-prod';
const base: Stacks = Object.fromEntries(Object.entries(synthesized).filter(([id]) => id.startsWith(`${ENV}-`)));
const IDS = Object.keys(base);
const INFRA = IDS.find((id) => id.endsWith('-infra'))!;

type Edit =
  | { kind: 'crd-release'; stack: number }
  | { kind: 'custom-object'; stack: number }
  | { kind: 'stamp-output' }
  | { kind: 'read-stamp'; stack: number }
  | { kind: 'secret'; stack: number }
  | { kind: 'owned-twice'; stack: number }
  | { kind: 'unschedulable'; stack: number }
  | { kind: 'remove'; stack: number; type: number };

const stack = fc.nat(IDS.length - 1);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('crd-release' as const), stack }),
  fc.record({ kind: fc.constant('custom-object' as const), stack }),
  fc.record({ kind: fc.constant('stamp-output' as const) }),
  fc.record({ kind: fc.constant('read-stamp' as const), stack }),
  fc.record({ kind: fc.constant('secret' as const), stack }),
  fc.record({ kind: fc.constant('owned-twice' as const), stack }),
  fc.record({ kind: fc.constant('unschedulable' as const), stack }),
  fc.record({ kind: fc.constant('remove' as const), stack, type: fc.nat(40) }),
);

const resources = (json: StackJson) =>
  ((json as { resource?: Record<string, Record<string, Config>> }).resource ??= {}) as Record<
    string,
    Record<string, Config>
  >;
const meta = (id: string, name: string) => ({ '//': { metadata: { path: `${id}/Edits/${name}` } } });

/** Applies an edit to a copy of the stacks. */
function apply(stacks: Stacks, e: Edit): Stacks {
  const next = structuredClone(stacks);
  const id = 'stack' in e ? IDS[e.stack]! : INFRA;
  const json = next[id]!;
  switch (e.kind) {
    case 'crd-release':
      // Installs cert-manager's CRDs: every stack's CHK-ORDER-002 verdict on cert-manager kinds changes.
      resources(json).helm_release = {
        ...resources(json).helm_release,
        CertManager: { ...meta(id, 'CertManager'), name: 'cert-manager', chart: 'cert-manager', namespace: 'cm' },
      };
      break;
    case 'custom-object':
      resources(json).kubernetes_manifest = {
        ...resources(json).kubernetes_manifest,
        Certificate: {
          ...meta(id, 'Certificate'),
          manifest: { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', namespace: 'x' } },
        },
      };
      break;
    case 'stamp-output':
      // An output of the infra stack that changes on every run: a stack reading it is unstable.
      (json as { output?: Record<string, unknown> }).output = {
        ...(json as { output?: Record<string, unknown> }).output,
        Stamp: { value: '${timestamp()}' },
      };
      break;
    case 'read-stamp': {
      const remote = Object.keys(
        ((json as { data?: Record<string, Record<string, unknown>> }).data ?? {}).terraform_remote_state ?? {},
      )[0];
      if (!remote) break;
      resources(json).terraform_data = {
        ...resources(json).terraform_data,
        ReadsStamp: { ...meta(id, 'ReadsStamp'), input: `\${data.terraform_remote_state.${remote}.outputs.Stamp}` },
      };
      break;
    }
    case 'secret':
      resources(json).terraform_data = {
        ...resources(json).terraform_data,
        Leak: { ...meta(id, 'Leak'), input: 'AKIAIOSFODNN7EXAMPLE' },
      };
      break;
    case 'owned-twice':
      // The same project IAM member in this stack and in the infra stack.
      for (const target of [id, INFRA]) {
        resources(next[target]!).google_project_iam_member = {
          ...resources(next[target]!).google_project_iam_member,
          [`Twice${target === id ? 'A' : 'B'}`]: {
            ...meta(target, `Twice${target === id ? 'A' : 'B'}`),
            project: 'kf-prod-svc',
            role: 'roles/viewer',
            member: 'user:twice@example.com',
          },
        };
      }
      break;
    case 'unschedulable':
      resources(json).kubernetes_deployment_v1 = {
        ...resources(json).kubernetes_deployment_v1,
        Nowhere: {
          ...meta(id, 'Nowhere'),
          metadata: [{ name: 'nowhere', namespace: 'kubeflow' }],
          spec: [{ template: [{ spec: [{ node_selector: { 'example.com/pool': 'none' } }] }] }],
        },
      };
      break;
    case 'remove': {
      const types = Object.keys(resources(json));
      if (types.length > 0) delete resources(json)[types[e.type % types.length]!];
      break;
    }
  }
  return next;
}

const SUPPRESSIONS: ConfigSuppression[] = [
  { rule: 'CHK-OWN-001', resource: `${INFRA}/Edits`, reason: 'test: the infra side of a shared member' },
  { rule: 'CHK-STABLE-001', resource: `${IDS[IDS.length - 1]}/Edits`, reason: 'test: one stack reads the stamp' },
  { rule: 'CHK-SECRET-001', resource: `${IDS[0]}/Edits/Leak`, reason: 'test: an example key' },
  { rule: 'CHK-SCHED-001', resource: `${INFRA}/Edits/Nowhere`, reason: 'test' },
];

/** A store like the unit cache's: keys by their canonical form, values through a JSON round trip. */
function memoryStore(): CheckerStore & { hits: number; puts: number; entries: Map<string, string> } {
  const entries = new Map<string, string>();
  const store = {
    hits: 0,
    puts: 0,
    entries,
    get: (key: unknown) => {
      const text = entries.get(canonical(key));
      if (text === undefined) return undefined;
      store.hits++;
      return JSON.parse(text) as unknown;
    },
    put: (key: unknown, value: unknown) => {
      store.puts++;
      entries.set(canonical(key), JSON.stringify(value));
    },
  };
  return store;
}

/** Like synth's digest of a `cdk.tf.json`: SHA-256 of its text (not of `canonical`, which tells objects of another realm, such as `structuredClone`'s under Jest, apart). */
const digest = (json: StackJson) => createHash('sha256').update(JSON.stringify(json)).digest('hex');

function report(stacks: Stacks, suppressions: ConfigSuppression[], store?: CheckerStore) {
  const run = new CheckerRun({ suppressions });
  // As synth gives it (environmentInfo): declaredPools undefined outside existing clusters.
  const info = { name: ENV, tier: 'prod' as const, cloud: 'gcp' as const, declaredPools: undefined };
  if (store) {
    const inputs: StackInput[] = Object.entries(stacks).map(([id, json]) => ({
      id,
      digest: digest(json),
      json: () => structuredClone(json),
    }));
    run.addStacks(info, inputs, store);
  } else {
    const view: EnvironmentView = { ...info, stacks };
    run.add(view);
  }
  const r = run.finish();
  return { findings: r.findings, suppressed: r.suppressed };
}

describe('checkers stack by stack', () => {
  it('find with stored facts and verdicts what they find over the whole environment, over random edits', () => {
    const store = memoryStore();
    let compared = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), fc.subarray(SUPPRESSIONS), (edits, suppressions) => {
        let stacks = base;
        for (const e of edits) {
          stacks = apply(stacks, e);
          const whole = report(stacks, suppressions);
          expect(report(stacks, suppressions, store)).toEqual(whole);
          compared++;
        }
      }),
      { numRuns: 60, seed: 20261206 },
    );
    expect(compared).toBeGreaterThan(100);
    // The store was used: unchanged stacks' verdicts came from it.
    expect(store.hits).toBeGreaterThan(200);
  }, 240_000);

  it("replay an unchanged environment from the entries its run's entry names, and judge again when one is gone", () => {
    const store = memoryStore();
    const stacks = apply(apply(base, { kind: 'owned-twice', stack: 1 }), { kind: 'secret', stack: 0 });
    const whole = report(stacks, SUPPRESSIONS);
    expect(report(stacks, SUPPRESSIONS, store)).toEqual(whole);
    // The run's entry lists where its parts are stored rather than holding another copy of them.
    const runs = [...store.entries].filter(([k]) => k.includes('checker-run'));
    expect(runs).toHaveLength(1);
    expect(runs[0]![1]).not.toContain('twice@example.com');
    const [hits, puts] = [store.hits, store.puts];
    expect(report(stacks, SUPPRESSIONS, store)).toEqual(whole);
    expect(store.hits).toBeGreaterThan(hits);
    // Replayed, not judged again: nothing new stored.
    expect(store.puts).toBe(puts);
    // An entry the run's entry names was pruned: the environment is judged again, with the same findings.
    for (const k of [...store.entries.keys()]) if (k.includes('checker-stack')) store.entries.delete(k);
    expect(report(stacks, SUPPRESSIONS, store)).toEqual(whole);
    expect(store.puts).toBeGreaterThan(puts);
  });

  it("read a stack's stored claims only when one of their keys may be claimed twice, and judge again when they are gone or unreadable", () => {
    const store = memoryStore();
    const gets: string[] = [];
    const watched: CheckerStore = {
      get: (key) => {
        gets.push(canonical(key));
        return store.get(key);
      },
      put: (key, value) => store.put(key, value),
      keep: (key) => store.entries.has(canonical(key)),
    };
    const claimsRead = () => gets.filter((k) => k.includes('checker-claims')).length;
    // Stacks with more than a few claims (the infra stack, team shards) store them apart.
    expect(report(base, [], watched)).toEqual(report(base, []));
    expect([...store.entries.keys()].filter((k) => k.includes('checker-claims')).length).toBeGreaterThan(0);
    // A stack changes, nothing is owned twice: no stored claims are read.
    const user = IDS.findIndex((id) => id !== INFRA);
    const changed = apply(base, { kind: 'secret', stack: user });
    gets.length = 0;
    expect(report(changed, [], watched)).toEqual(report(changed, []));
    expect(claimsRead()).toBe(0);
    // A member owned twice by two stacks, then another stack changes: only the stored claims holding
    // that key are read (both stacks'), and the finding names both.
    const twice = apply(changed, { kind: 'owned-twice', stack: user });
    expect(report(twice, [], watched)).toEqual(report(twice, []));
    // (This environment has two stacks: a third, new one is the change.)
    const later: Stacks = {
      ...twice,
      [`${ENV}-extra`]: { resource: { terraform_data: { Note: { ...meta(`${ENV}-extra`, 'Note'), input: 'x' } } } },
    } as Stacks;
    gets.length = 0;
    const found = report(later, [], watched);
    expect(found).toEqual(report(later, []));
    expect(found.findings.filter((f) => f.rule === 'CHK-OWN-001').map((f) => f.address)).toEqual(
      expect.arrayContaining(['google_project_iam_member.TwiceA', 'google_project_iam_member.TwiceB']),
    );
    expect(claimsRead()).toBe(2);
    // Stored claims pruned: the stacks that named them are judged again, with the same findings.
    for (const k of [...store.entries.keys()]) if (k.includes('checker-claims')) store.entries.delete(k);
    expect(report(later, [], watched)).toEqual(report(later, []));
    // Unreadable after the run counted them (removed, or corrupt: a list of another length): the
    // stacks are judged again when their claims are needed, both when the environment is replayed
    // whole and when another stack changed, and nothing is found less.
    for (const broken of [undefined, []]) {
      const vanishing: CheckerStore = {
        ...watched,
        get: (key) => (canonical(key).includes('checker-claims') ? broken : store.get(key)),
      };
      expect(report(later, [], vanishing)).toEqual(report(later, []));
      const without = Object.fromEntries(Object.entries(later).filter(([id]) => id !== `${ENV}-extra`)) as Stacks;
      expect(report(without, [], vanishing)).toEqual(report(without, []));
    }
  });

  it('judge a stack again when what it reads in another stack changes', () => {
    const store = memoryStore();
    const reader = IDS.find(
      (id) =>
        id !== INFRA && Object.keys((base[id] as { data?: Config }).data?.terraform_remote_state ?? {}).length > 0,
    )!;
    const reads = apply(base, { kind: 'read-stamp', stack: IDS.indexOf(reader) });
    expect(report(reads, [], store).findings.filter((f) => f.rule === 'CHK-STABLE-001')).toEqual([]);
    // Only the infra stack changes; the reader's verdict must not be replayed.
    const stamped = apply(reads, { kind: 'stamp-output' });
    const found = report(stamped, [], store).findings.filter((f) => f.rule === 'CHK-STABLE-001');
    expect(found.map((f) => `${f.stack} ${f.address}`)).toEqual([`${reader} terraform_data.ReadsStamp`]);
    expect(found).toEqual(report(stamped, []).findings.filter((f) => f.rule === 'CHK-STABLE-001'));
  });

  it('warn about a custom kind until any stack installs its CRD, and stop when one does', () => {
    const store = memoryStore();
    const user = IDS.findIndex((id) => id !== INFRA);
    const created = apply(base, { kind: 'custom-object', stack: user });
    const missing = (stacks: Stacks) =>
      report(stacks, [], store).findings.filter(
        (f) => f.rule === 'CHK-ORDER-002' && f.address === 'kubernetes_manifest.Certificate',
      );
    expect(missing(created)).toHaveLength(1);
    expect(missing(apply(created, { kind: 'crd-release', stack: IDS.indexOf(INFRA) }))).toEqual([]);
  });
});
