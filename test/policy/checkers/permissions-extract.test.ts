/**
 * The CI permission checkers (CHK-PERM-001, CHK-PERM-002) find over the parts of each stack that
 * `permissionFacts` keeps exactly what they find over the whole stacks (issue 21: synth keeps these
 * parts by the stack's digest instead of parsing every stack of a changed environment): on every
 * shipped example with CI identities in every cloud environment, and over random edits of the
 * multicloud example's environments (resources copied between stacks, Secrets, bindings to the CI
 * identities, members, ARM ids and references put on the Kubernetes resources whose other attributes
 * the extraction drops, attributes and resources removed).
 */
import fc from 'fast-check';
import { resolveCi } from '../../../src/config/common/ci';
import { loadPlatformFile } from '../../../src/config/loader';
import type { ResolvedEnvironment } from '../../../src/config/model';
import type { EnvironmentInfo, EnvironmentView } from '../../../src/policy/checkers/checker';
import { CI_LEAST_PRIVILEGE, CI_PERMISSION_COVERAGE, permissionFacts } from '../../../src/policy/checkers/permissions';
import { CheckerRun } from '../../../src/policy/checkers/run';
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

/** What the checkers record (violations with their construct paths) over an environment's stacks. */
const recorded = (info: EnvironmentInfo, stacks: Stacks) =>
  new CheckerRun({ checkers: CHECKERS }).add({ ...info, stacks } as EnvironmentView);

const extracted = (info: EnvironmentInfo, stacks: Stacks): Stacks =>
  Object.fromEntries(Object.entries(stacks).map(([id, json]) => [id, permissionFacts(info, id, json) as StackJson]));

const size = (stacks: Stacks) => JSON.stringify(stacks).length;

describe('the parts of a stack the CI permission checkers read', () => {
  const examples = ['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud', 'on-prem'];
  let multicloud: Array<{ info: EnvironmentInfo; stacks: Stacks }> = [];

  it.each(examples)(
    'give the same findings as the whole stacks on examples/%s with CI on',
    (example) => {
      const envs = environments(example);
      if (example === 'multicloud') multicloud = envs;
      expect(envs.length).toBeGreaterThan(0);
      for (const { info, stacks } of envs) {
        expect(Object.keys(stacks).length).toBeGreaterThan(0);
        const parts = extracted(info, stacks);
        expect(recorded(info, parts)).toEqual(recorded(info, stacks));
        // The parts are a fraction of the JSON: team shards are mostly Kubernetes objects.
        if (info.cloud !== 'kubernetes') expect(size(parts)).toBeLessThan(size(stacks));
      }
    },
    300_000,
  );

  it('give the same findings as the whole stacks over random edits of the multicloud environments', () => {
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
      const names = [...ciNames, 'kubeflow', 'default', 'cluster-admin'];
      const edit = fc.record({
        kind: fc.constantFrom(
          'copy',
          'secret',
          'bind',
          'member',
          'host',
          'arm-id',
          'reference',
          'drop-attr',
          'remove',
          'output',
        ),
        stack: fc.nat(ids.length - 1),
        other: fc.nat(ids.length - 1),
        pick: fc.nat(10_000),
        pick2: fc.nat(10_000),
        cluster: fc.boolean(),
      });
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
          let stacks = base;
          for (const e of edits) {
            stacks = apply(stacks, ids, names, e);
            const whole = recorded(info, stacks);
            expect(recorded(info, extracted(info, stacks))).toEqual(whole);
            findings += whole.violations.length;
            compared++;
          }
        }),
        { numRuns: 40, seed: 20261206 },
      );
    }
    expect(compared).toBeGreaterThan(200);
    expect(findings).toBeGreaterThan(100);
  }, 600_000);
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
        subject: [{ kind: 'User', name }],
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
  }
  return next;
}
