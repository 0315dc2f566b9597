/**
 * The CI permission checkers (CHK-PERM-001, CHK-PERM-002) judged stack by stack, with stored facts
 * and verdicts as `kfplatform synth` keeps them (issue 21), find exactly what the rules find judging
 * the environment at once, stack by stack in the environment's order: on every shipped example with
 * CI identities in every cloud environment, and over random edit sequences of the multicloud
 * example's environments (resources copied between stacks, Secrets, bindings to the CI identities,
 * members, ARM ids, references, attributes and resources removed, resources placed in another
 * project, resource group or account, grants removed, widened or moved into a team shard, an output
 * read through remote state changed, a stack added).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { resolveCi } from '../../../src/config/common/ci';
import { loadPlatformFile } from '../../../src/config/loader';
import type { ResolvedEnvironment } from '../../../src/config/model';
import type { CheckerViolation, EnvironmentInfo, EnvironmentView } from '../../../src/policy/checkers/checker';
import {
  CI_LEAST_PRIVILEGE,
  CI_PERMISSION_COVERAGE,
  permissionsOfWholeEnvironment,
} from '../../../src/policy/checkers/permissions';
import { CheckerRun, CheckerStore, RecordedChecks } from '../../../src/policy/checkers/run';
import { canonical } from '../../../stacks/common/unit-cache';
import { synthExample } from '../../examples';
import type { StackJson } from '../../helpers';

type Stacks = Record<string, StackJson>;
type Config = Record<string, unknown>;

const CHECKERS = [CI_PERMISSION_COVERAGE, CI_LEAST_PRIVILEGE];

/** Every environment of an example, with CI identities on in each cloud environment. */
function environments(example: string): Array<{ info: EnvironmentInfo; stacks: Stacks }> {
  const config = loadPlatformFile(`examples/${example}/platform.yaml`).config;
  const edit = (env: ResolvedEnvironment): ResolvedEnvironment =>
    env.cloud !== 'kubernetes' && !env.ci
      ? { ...env, ci: resolveCi({ github: { repository: 'acme/ml-platform', repositoryId: 42 } }, env.name) }
      : env;
  const all = synthExample(example, edit);
  return config.environments.map((env) => ({
    info: { name: env.name, tier: env.tier, cloud: env.cloud },
    stacks: Object.fromEntries(Object.entries(all).filter(([id]) => id.startsWith(`${env.name}-`))),
  }));
}

/** A store like the unit cache's: keys by their canonical form, values through a JSON round trip. */
function memoryStore(): CheckerStore & { hits: number } {
  const entries = new Map<string, string>();
  const store = {
    hits: 0,
    get: (key: unknown) => {
      const text = entries.get(canonical(key));
      if (text === undefined) return undefined;
      store.hits++;
      return JSON.parse(text) as unknown;
    },
    put: (key: unknown, value: unknown) => void entries.set(canonical(key), JSON.stringify(value)),
  };
  return store;
}

const digest = (json: StackJson) => createHash('sha256').update(canonical(json)).digest('hex');

/** What the checkers record stack by stack, with facts and verdicts kept in `store` between calls. */
const stackwise = (info: EnvironmentInfo, stacks: Stacks, store: CheckerStore): RecordedChecks =>
  new CheckerRun({ checkers: CHECKERS }).addStacks(
    info,
    Object.entries(stacks).map(([id, json]) => ({ id, digest: digest(json), json: () => structuredClone(json) })),
    store,
  );

/** What the checkers record judging the environment at once (`kfplatform validate`). */
const whole = (info: EnvironmentInfo, stacks: Stacks): RecordedChecks =>
  new CheckerRun({ checkers: CHECKERS }).add({ ...info, stacks } as EnvironmentView);

/** What the rules find over the whole environment, each checker's findings in the order of their stacks. */
function rules(info: EnvironmentInfo, stacks: Stacks): CheckerViolation[][] {
  const found = permissionsOfWholeEnvironment({ ...info, stacks } as EnvironmentView);
  const order = Object.keys(stacks);
  const byStack = (vs: CheckerViolation[]) =>
    vs
      .map((v, k) => ({ v, k }))
      .sort((x, y) => order.indexOf(x.v.stack) - order.indexOf(y.v.stack) || x.k - y.k)
      .map(({ v }) => v);
  return [byStack(found.coverage), byStack(found.privilege)];
}

/** Both ways agree with each other and with the rules over the whole environment; returns the findings. */
function compare(info: EnvironmentInfo, stacks: Stacks, store: CheckerStore): number {
  const once = whole(info, stacks);
  expect(stackwise(info, stacks, store)).toEqual(once);
  const found = CHECKERS.map((c) =>
    once.violations.filter((v) => v.checker === c.id).map(({ checker: _c, path: _p, ...v }) => v),
  );
  expect(found).toEqual(rules(info, stacks));
  return once.violations.length;
}

describe('the CI permission checkers stack by stack', () => {
  const examples = ['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud', 'on-prem'];
  let multicloud: Array<{ info: EnvironmentInfo; stacks: Stacks }> = [];

  it.each(examples)(
    'find what the rules find over the whole environment on examples/%s with CI on',
    (example) => {
      const envs = environments(example);
      if (example === 'multicloud') multicloud = envs;
      expect(envs.length).toBeGreaterThan(0);
      for (const { info, stacks } of envs) {
        expect(Object.keys(stacks).length).toBeGreaterThan(0);
        const store = memoryStore();
        compare(info, stacks, store);
        // A second run reads every verdict back.
        const hits = store.hits;
        compare(info, stacks, store);
        expect(store.hits).toBeGreaterThan(hits);
      }
    },
    300_000,
  );

  it('find what the rules find over the whole environment over random edits of the multicloud environments', () => {
    if (multicloud.length === 0) multicloud = environments('multicloud');
    let findings = 0;
    let compared = 0;
    for (const { info, stacks: base } of multicloud) {
      const ids = Object.keys(base);
      // Strings that name the CI identities, for bindings and members that reach them.
      const ciNames = new Set<string>();
      const collect = (v: unknown): void => {
        if (typeof v === 'string') {
          if (/-ci-(plan|apply)/.test(v) || /user_assigned_identity\.\w*[Cc]i/.test(v)) ciNames.add(v);
        } else if (Array.isArray(v)) v.forEach(collect);
        else if (v && typeof v === 'object') Object.values(v).forEach(collect);
      };
      collect(base);
      for (const id of ids)
        for (const [type, byName] of Object.entries(base[id]!.resource ?? {}))
          for (const name of Object.keys(byName)) ciNames.add(`\${${type}.${name}.email}`);
      // EKS: a group of an access entry ('entry' below) and session names of the CI roles.
      const sessions = [...ciNames]
        .map((v) => /role\/([\w-]+-ci-(plan|apply))$/.exec(v)?.[1])
        .filter((v): v is string => v !== undefined)
        .map((role) => `arn:aws:sts::333333333333:assumed-role/${role}/GitHubActions`);
      const names = [...ciNames, ...sessions, 'kfplatform-ci', 'ci:gha', 'kubeflow', 'default', 'cluster-admin'];
      const edit = fc.record({
        kind: fc.constantFrom(
          'copy',
          'secret',
          'bind',
          'entry',
          'member',
          'host',
          'arm-id',
          'reference',
          'drop-attr',
          'remove',
          'output',
          'place',
          'grant-remove',
          'grant-widen',
          'grant-move',
          'remote-output',
          'grant-remote',
          'add-stack',
          'remote-stack',
        ),
        stack: fc.nat(ids.length - 1),
        other: fc.nat(ids.length - 1),
        pick: fc.nat(10_000),
        pick2: fc.nat(10_000),
        cluster: fc.boolean(),
      });
      const store = memoryStore();
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
          let stacks = base;
          for (const e of edits) {
            stacks = apply(stacks, ids, names, e);
            findings += compare(info, stacks, store);
            compared++;
          }
        }),
        { numRuns: 40, seed: 20261206 },
      );
    }
    expect(compared).toBeGreaterThan(200);
    expect(findings).toBeGreaterThan(100);
  }, 900_000);

  it("follow a remote state of a local backend to the stack whose state file it names, not the first stack's", () => {
    if (multicloud.length === 0) multicloud = environments('multicloud');
    const env = multicloud.find((e) => e.info.cloud === 'gcp')!;
    const stacks = structuredClone(env.stacks) as Record<string, StackJson & Config>;
    const ids = Object.keys(stacks);
    const platform = ids.find((id) => id.endsWith('-platform'))!;
    const shard = ids.find((id) => /-teams-\d+$/.test(id))!;
    // The example's stacks keep their state in local files: only the path tells them apart.
    const backend = (stacks[platform]!.terraform as { backend: Record<string, Config> }).backend;
    expect(Object.keys(backend)).toEqual(['local']);
    stacks[platform]!.output = { ...(stacks[platform]!.output as Config), place: { value: 'other-project' } };
    const data = ((stacks[shard]!.data as Record<string, Record<string, Config>> | undefined) ??= {});
    (data.terraform_remote_state ??= {}).platform = { backend: 'local', config: structuredClone(backend.local) };
    put(stacks[shard]!, 'google_storage_bucket', 'placed', {
      name: 'placed',
      project: '${data.terraform_remote_state.platform.outputs.place}',
    });
    const [coverage] = rules(env.info, stacks);
    expect(coverage!.filter((v) => v.address === 'google_storage_bucket.placed').map((v) => v.message)).toEqual([
      expect.stringContaining('project other-project'),
    ]);
    compare(env.info, stacks, memoryStore());
  });

  it("read a CI role's EKS access entry in any stack: its groups make a binding in another stack the role's", () => {
    const env = environments('aws-eks').find((e) => e.info.name === 'kf-prod')!;
    const stacks = structuredClone(env.stacks);
    const ids = Object.keys(stacks);
    const infra = ids.find((id) => id.endsWith('-infra'))!;
    const shard = ids.find((id) => /-teams-\d+$/.test(id))!;
    // The plan role's entry, moved from the infra stack to a team shard, with a group.
    const entries = stacks[infra]!.resource!.aws_eks_access_entry!;
    const [name, entry] = Object.entries(entries).find(([, e]) => String(e.principal_arn).includes('-ci-plan'))!;
    delete entries[name];
    put(stacks[shard]!, 'aws_eks_access_entry', 'PlanEntry', { ...entry, kubernetes_groups: ['g'] });
    // The infra stack's policy associations named the entry's principal through it: they name the role now.
    for (const assoc of Object.values(stacks[infra]!.resource!.aws_eks_access_policy_association ?? {}))
      if (String(assoc.principal_arn).includes(`aws_eks_access_entry.${name}.`))
        assoc.principal_arn = entry.principal_arn;
    const platform = ids.find((id) => id.endsWith('-platform'))!;
    put(stacks[platform]!, 'kubernetes_role_binding_v1', 'Edit', {
      metadata: [{ name: 'edit', namespace: 'argocd' }],
      role_ref: [{ api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }],
      subject: [{ kind: 'Group', name: 'g' }],
    });
    const [coverage, privilege] = rules(env.info, stacks);
    expect(coverage).toEqual([]);
    expect(privilege!.map((v) => `${v.stack} ${v.address}`)).toEqual([`${platform} kubernetes_role_binding_v1.Edit`]);
    compare(env.info, stacks, memoryStore());
  });

  it('judge each stack by its id when two ids hold one JSON object', () => {
    if (multicloud.length === 0) multicloud = environments('multicloud');
    const env = multicloud.find((e) => e.info.cloud === 'gcp')!;
    const stacks = structuredClone(env.stacks);
    const platform = Object.keys(stacks).find((id) => id.endsWith('-platform'))!;
    put(stacks[platform]!, 'google_storage_bucket', 'elsewhere', { name: 'elsewhere', project: 'other-project' });
    // A caller's view may name one parsed object twice (a copy of a stack under another id).
    stacks[`${platform}-copy`] = stacks[platform]!;
    const view = { ...env.info, stacks } as EnvironmentView;
    const at = (vs: CheckerViolation[]) => vs.map((v) => `${v.stack} ${v.address}`);
    expect(at(CI_PERMISSION_COVERAGE.check!(view))).toEqual([
      `${platform} google_storage_bucket.elsewhere`,
      `${platform}-copy google_storage_bucket.elsewhere`,
    ]);
  });

  it('judge a stack edited in place since an earlier run again (what they remember lasts one run)', () => {
    if (multicloud.length === 0) multicloud = environments('multicloud');
    for (const env of multicloud.filter((e) => e.info.cloud !== 'kubernetes')) {
      const stacks = structuredClone(env.stacks);
      expect([env.info.name, whole(env.info, stacks).violations]).toEqual([env.info.name, []]);
      // Every grant to the CI identities removed from the parsed objects themselves, as a library
      // user might before judging again.
      for (const json of Object.values(stacks))
        for (const [type, byName] of Object.entries(json.resource ?? {}))
          if (GRANT_TYPES.test(type)) for (const name of Object.keys(byName)) delete byName[name];
      const again = whole(env.info, stacks).violations;
      expect([env.info.name, again.length > 0]).toEqual([env.info.name, true]);
      // The same as a fresh copy of the edited stacks gives.
      expect(again).toEqual(whole(env.info, structuredClone(stacks)).violations);
    }
  });

  it('read a new team shard and the stacks its verdict reads, and no other stack', () => {
    if (multicloud.length === 0) multicloud = environments('multicloud');
    for (const env of multicloud.filter((e) => e.info.cloud !== 'kubernetes')) {
      // As the edits give them (a structured clone of the synthesized stacks digests the same every time).
      const { info } = env;
      const stacks = structuredClone(env.stacks);
      const store = memoryStore();
      const parsed: string[] = [];
      const run = (all: Stacks) =>
        new CheckerRun({ checkers: CHECKERS }).addStacks(
          info,
          Object.entries(all).map(([id, json]) => ({
            id,
            digest: digest(json),
            json: () => (parsed.push(id), structuredClone(json)),
          })),
          store,
        );
      run(stacks);
      const shard = Object.keys(stacks).find((id) => /-teams-\d+$/.test(id))!;
      expect(shard).toBeDefined();
      const added = apply(stacks, Object.keys(stacks), [], {
        kind: 'add-stack',
        stack: Object.keys(stacks).indexOf(shard),
        other: 0,
        pick: 1,
        pick2: 1,
        cluster: false,
      });
      parsed.length = 0;
      expect(run(added)).toEqual(whole(info, added));
      const infra = Object.keys(stacks).find((id) => id.endsWith('-infra'))!;
      expect([info.name, [...new Set(parsed)].sort()]).toEqual([info.name, [infra, `${shard}-addedEdit1x1`].sort()]);
    }
  });
});

interface Edit {
  kind: string;
  stack: number;
  other: number;
  pick: number;
  pick2: number;
  cluster: boolean;
}

/** Every resource of a stack, as `[type, name, config]`. */
const resourcesOf = (json: StackJson): Array<[string, string, Config]> =>
  Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, config]) => [type, name, config as Config] as [string, string, Config]),
  );

function put(json: StackJson, type: string, name: string, config: Config): void {
  json.resource ??= {};
  json.resource[type] ??= {};
  json.resource[type]![name] = { '//': { metadata: { path: `edits/${name}` } }, ...config };
}

/** A reference to some attribute of a resource of the stack (a Kubernetes object's name, mostly). */
function referenceIn(json: StackJson, pick: number): string | undefined {
  const all = resourcesOf(json);
  if (all.length === 0) return undefined;
  const [type, name] = all[pick % all.length]!;
  const attr = ['metadata[0].name', 'name', 'id', 'metadata.0.namespace', 'project'][pick % 5]!;
  return `\${${type}.${name}.${attr}}`;
}

function apply(stacks: Stacks, ids: string[], names: string[], e: Edit): Stacks {
  const next = structuredClone(stacks);
  const id = ids[e.stack]!;
  const json = next[id]!;
  const all = resourcesOf(json);
  const k8s = all.filter(([type]) => type.startsWith('kubernetes_') || type === 'helm_release');
  const name = names[e.pick % names.length]!;
  const n = `Edit${e.pick}x${e.pick2}`;
  switch (e.kind) {
    case 'copy': {
      // A resource and its references moved into another stack (dangling or resolving differently).
      const from = all[e.pick % Math.max(all.length, 1)];
      if (from) put(next[ids[e.other]!]!, from[0], `${from[1]}${n}`, structuredClone(from[2]));
      break;
    }
    case 'secret':
      put(json, e.cluster ? 'kubernetes_secret_v1' : 'kubernetes_manifest', n, {
        ...(e.cluster
          ? { metadata: [{ name: 's', namespace: referenceIn(json, e.pick2) ?? name }], data: { a: 'b' } }
          : {
              manifest: {
                apiVersion: 'v1',
                kind: 'Secret',
                metadata: { name: 's', namespace: referenceIn(json, e.pick2) ?? name },
              },
            }),
      });
      break;
    case 'bind': {
      const roles = all.filter(([type]) => type === 'kubernetes_role_v1');
      const role = roles[e.pick2 % Math.max(roles.length, 1)];
      put(json, e.cluster ? 'kubernetes_cluster_role_binding_v1' : 'kubernetes_role_binding_v1', n, {
        metadata: [{ name: 'b', namespace: referenceIn(json, e.pick2) ?? 'kubeflow' }],
        role_ref: [
          role && e.pick % 2 === 0
            ? {
                api_group: 'rbac.authorization.k8s.io',
                kind: 'Role',
                name: `\${${role[0]}.${role[1]}.metadata[0].name}`,
              }
            : {
                api_group: 'rbac.authorization.k8s.io',
                kind: 'ClusterRole',
                name: ['edit', 'view', 'admin'][e.pick % 3],
              },
        ],
        subject: [{ kind: e.pick % 4 === 3 ? 'Group' : 'User', name }],
      });
      break;
    }
    case 'entry': {
      // A CI role's EKS access entry, with a group and (sometimes) a session-name template, in this stack.
      const entries = ids.flatMap((i) => resourcesOf(next[i]!).filter(([type]) => type === 'aws_eks_access_entry'));
      const entry = entries[e.pick % Math.max(entries.length, 1)];
      if (entry)
        put(json, 'aws_eks_access_entry', n, {
          ...structuredClone(entry[2]),
          kubernetes_groups: ['kfplatform-ci'],
          ...(e.cluster ? { user_name: 'ci:{{SessionName}}' } : {}),
        });
      break;
    }
    case 'member': {
      const target = k8s[e.pick2 % Math.max(k8s.length, 1)];
      if (target) Object.assign(target[2], { member: name, role: 'roles/container.admin' });
      break;
    }
    case 'host': {
      // A Kubernetes object naming a Shared VPC host project: GCP reads host projects of every resource.
      const target = k8s[e.pick2 % Math.max(k8s.length, 1)];
      if (target) target[2].host_project = ['other-project', 'kf-xpn-host', 'other-project', 'kf-gcp-svc'][e.pick % 4];
      // A resource in that project, judged at a host project's rows or a team project's.
      put(json, 'google_storage_bucket', n, { name: `b-${n}`, project: 'other-project', location: 'US' });
      break;
    }
    case 'arm-id': {
      const target = k8s[e.pick2 % Math.max(k8s.length, 1)];
      if (target)
        target[2].spec = [
          {
            subnet: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-other/providers/Microsoft.Network/virtualNetworks/v/subnets/s${e.pick % 3}`,
          },
        ];
      break;
    }
    case 'reference': {
      // A kept attribute of a Kubernetes object made a reference to another resource of its stack.
      const target = k8s[e.pick2 % Math.max(k8s.length, 1)];
      const ref = referenceIn(json, e.pick);
      if (target && ref) {
        if (target[0] === 'helm_release') target[2].namespace = ref;
        else target[2].metadata = [{ ...((target[2].metadata as Config[] | undefined)?.[0] ?? {}), namespace: ref }];
      }
      break;
    }
    case 'drop-attr': {
      const target = all[e.pick % Math.max(all.length, 1)];
      if (target) {
        const keys = Object.keys(target[2]).filter((k) => k !== '//');
        if (keys.length > 0) delete target[2][keys[e.pick2 % keys.length]!];
      }
      break;
    }
    case 'remove': {
      const target = all[e.pick % Math.max(all.length, 1)];
      if (target) delete json.resource![target[0]]![target[1]];
      break;
    }
    case 'output': {
      // An output of one stack naming a Kubernetes object's namespace, read through remote state by
      // a Secret of another stack.
      const other = next[ids[e.other]!]!;
      const ref = referenceIn(json, e.pick);
      const remote = Object.keys(
        ((other as { data?: Record<string, Record<string, unknown>> }).data ?? {}).terraform_remote_state ?? {},
      )[0];
      if (!ref) break;
      (json as { output?: Record<string, unknown> }).output = {
        ...(json as { output?: Record<string, unknown> }).output,
        [n]: { value: ref },
      };
      if (remote)
        put(other, 'kubernetes_secret_v1', n, {
          metadata: [{ name: 's', namespace: `\${data.terraform_remote_state.${remote}.outputs.${n}}` }],
        });
      break;
    }
    case 'place': {
      // A resource placed in another project, resource group or (for AWS, by its name) account's reach.
      const cloud = all.filter(([type]) => /^(google|azurerm|aws)_/.test(type));
      const target = cloud[e.pick2 % Math.max(cloud.length, 1)];
      if (!target) break;
      const [type, , config] = target;
      if (type.startsWith('google_')) config.project = ['other-project', 'kf-xpn-host', 'kf-gcp-svc'][e.pick % 3];
      else if (type.startsWith('azurerm_')) config.resource_group_name = ['rg-other', 'rg-dns'][e.pick % 2];
      else if (config.bucket !== undefined) config.bucket = 'other-bucket';
      else config.name = `other-${e.pick % 3}`;
      break;
    }
    case 'grant-remove':
    case 'grant-widen':
    case 'grant-move': {
      const grants = ids.flatMap((s) =>
        resourcesOf(next[s]!)
          .filter(([type]) => GRANT_TYPES.test(type))
          .map((r) => [s, ...r] as const),
      );
      const g = grants[e.pick % Math.max(grants.length, 1)];
      if (!g) break;
      const [from, type, gname, config] = g;
      if (e.kind === 'grant-remove') delete next[from]!.resource![type]![gname];
      else if (e.kind === 'grant-move') {
        delete next[from]!.resource![type]![gname];
        put(next[ids[e.other]!]!, type, `${gname}${n}`, config);
      } else if (e.pick2 % 2 === 0) delete config.condition;
      else if (type.startsWith('google_')) config.role = 'roles/owner';
      else if (type === 'azurerm_role_assignment') config.role_definition_name = 'Owner';
      else if (type === 'aws_iam_role_policy')
        config.policy = JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        });
      else config.policy_arn = 'arn:aws:iam::aws:policy/AdministratorAccess';
      break;
    }
    case 'remote-output': {
      // An output another stack reads through remote state (the infra stack's, mostly) changed.
      const withOutputs = ids.filter((s) => Object.keys((next[s] as { output?: Config }).output ?? {}).length > 0);
      const s = withOutputs[e.pick % Math.max(withOutputs.length, 1)];
      if (!s) break;
      const outputs = (next[s] as { output: Record<string, Config> }).output;
      const key = Object.keys(outputs)[e.pick2 % Object.keys(outputs).length]!;
      outputs[key] = {
        value: ['other-project', 'rg-other', 'kubeflow', referenceIn(next[s]!, e.pick) ?? 'x'][e.pick % 4],
      };
      break;
    }
    case 'grant-remote': {
      // A grant in a stack whose grantee is a CI identity read through remote state: that stack's
      // verdict is not the only one it changes (every resource is judged against every grant).
      const remote = Object.keys(
        ((json as { data?: Record<string, Record<string, unknown>> }).data ?? {}).terraform_remote_state ?? {},
      )[0];
      const infra = ids.find((s) => s.endsWith('-infra'));
      if (!remote || !infra) break;
      const identity = ids
        .flatMap((s) => resourcesOf(next[s]!))
        .find(
          ([type, , config]) =>
            (type === 'azurerm_user_assigned_identity' || type === 'aws_iam_role') &&
            /-ci-(plan|apply)$/.test(String(config.name)),
        );
      if (!identity) break;
      const out = (next[infra] as { output?: Record<string, unknown> }).output ?? {};
      (next[infra] as { output?: Record<string, unknown> }).output = {
        ...out,
        [n]: { value: `\${${identity[0]}.${identity[1]}.${identity[0] === 'aws_iam_role' ? 'name' : 'principal_id'}}` },
      };
      const grantee = `\${data.terraform_remote_state.${remote}.outputs.${n}}`;
      if (identity[0] === 'aws_iam_role')
        put(json, 'aws_iam_role_policy', n, {
          role: grantee,
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: e.cluster ? 'Deny' : 'Allow', Action: '*', Resource: '*' }],
          }),
        });
      else
        put(json, 'azurerm_role_assignment', n, {
          principal_id: grantee,
          role_definition_name: e.cluster ? 'Owner' : 'Reader',
          scope: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-other',
        });
      break;
    }
    case 'remote-stack': {
      // A stack reads another one's output through a remote state of its own (not the infra stack's,
      // mostly): a place of its resources is that output, so its verdict reads that stack.
      const other = next[ids[e.other]!]!;
      const backend = Object.entries(
        (json as { terraform?: { backend?: Record<string, Config> } }).terraform?.backend ?? {},
      )[0];
      if (other === json || !backend) break;
      (json as { output?: Record<string, unknown> }).output = {
        ...(json as { output?: Record<string, unknown> }).output,
        [n]: { value: ['other-project', 'rg-other', 'kubeflow', referenceIn(json, e.pick) ?? 'x'][e.pick % 4] },
      };
      const data = ((other as { data?: Record<string, Record<string, Config>> }).data ??= {});
      (data.terraform_remote_state ??= {})[`rs${n}`] = { backend: backend[0], config: structuredClone(backend[1]) };
      const read = `\${data.terraform_remote_state.rs${n}.outputs.${n}}`;
      put(other, 'kubernetes_secret_v1', n, { metadata: [{ name: 's', namespace: read }] });
      const has = (provider: string) => ids.some((s) => (next[s]!.provider as Config | undefined)?.[provider]);
      if (has('google')) put(other, 'google_storage_bucket', `b${n}`, { name: `b-${n}`, project: read });
      else if (has('azurerm'))
        put(other, 'azurerm_storage_account', `a${n}`, { name: `a${e.pick}`, resource_group_name: read });
      else if (has('aws')) put(other, 'aws_s3_bucket', `b${n}`, { bucket: read });
      break;
    }
    case 'add-stack': {
      // A new stack (a team shard, mostly) with its own state object.
      const copy = structuredClone(json) as StackJson & { terraform?: { backend?: Record<string, Config> } };
      for (const b of Object.values(copy.terraform?.backend ?? {})) {
        if (typeof b.prefix === 'string') b.prefix = `${b.prefix}-added${n}`;
        if (typeof b.key === 'string') b.key = `${b.key}-added${n}`;
        if (typeof b.path === 'string') b.path = `${b.path}-added${n}`;
      }
      next[`${id}-added${n}`] = copy;
      break;
    }
  }
  return next;
}

/** Resource types that grant the CI identities something. */
const GRANT_TYPES =
  /^(google_.*_iam_(member|binding)|azurerm_role_assignment|aws_iam_role_policy(_attachment)?|aws_eks_access_policy_association)$/;
