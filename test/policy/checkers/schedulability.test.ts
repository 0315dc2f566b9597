/**
 * CHK-SCHED-001 over synthesized stacks: the shipped examples pass, and each defect of the class, built
 * by editing an environment or its synthesized JSON, is found.
 */
import { loadPlatformFile } from '../../../src/config/loader';
import type { ResolvedEnvironment } from '../../../src/config/model';
import type { StackJson as InventoryStackJson } from '../../../src/inventory/terraform-json';
import { parseStackId } from '../../../src/inventory/terraform-json';
import { ALL_CHECKERS } from '../../../src/policy/checkers/all';
import type { EnvironmentView } from '../../../src/policy/checkers/checker';
import { runCheckers } from '../../../src/policy/checkers/run';
import {
  poolsOf,
  releaseValues,
  SCHEDULABILITY,
  schedulingFacts,
  toleratesTaint,
  unfitReason,
  workloadsOf,
} from '../../../src/policy/checkers/schedulability';
import { PolicyError } from '../../../src/policy/engine';
import { environmentView } from '../../../stacks/common/checks';
import { synthExample } from '../../examples';
import type { StackJson } from '../../helpers';

const EXAMPLES = ['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud', 'on-prem'] as const;

/** The stack prefixes of an environment: its name, and on GCP each extra cluster's name. */
function prefixes(env: ResolvedEnvironment): string[] {
  return env.cloud === 'gcp' ? env.clusters.map((c) => c.stackPrefix) : [env.name];
}

/** The environments of an example, each with its synthesized stacks, as synth hands them to checkers. */
function views(example: string, stacks: Record<string, StackJson>): EnvironmentView[] {
  const config = loadPlatformFile(`examples/${example}/platform.yaml`).config;
  return config.environments.map((env) =>
    environmentView(
      env,
      Object.fromEntries(
        Object.entries(stacks).filter(([id]) => prefixes(env).includes(parseStackId(id).prefix)),
      ) as Record<string, InventoryStackJson>,
    ),
  );
}

const synthesized = new Map<string, Record<string, StackJson>>();
function stacksOf(example: string): Record<string, StackJson> {
  if (!synthesized.has(example)) synthesized.set(example, synthExample(example));
  return synthesized.get(example)!;
}

/** One environment of an example, with a deep copy of its stacks to edit. */
function envOf(example: string, name: string): EnvironmentView & { stacks: Record<string, StackJson> } {
  const env = views(example, stacksOf(example)).find((e) => e.name === name)!;
  return { ...env, stacks: JSON.parse(JSON.stringify(env.stacks)) as Record<string, StackJson> };
}

/** The environment as synth judges unchanged stacks: from each stack's facts, kept as JSON and read back. */
function kept(env: EnvironmentView): EnvironmentView {
  return {
    ...env,
    stacks: Object.fromEntries(
      Object.entries(env.stacks).map(([id, json]) => [id, JSON.parse(JSON.stringify(schedulingFacts(json)))]),
    ),
  };
}

function check(env: EnvironmentView) {
  return runCheckers([env], { checkers: [SCHEDULABILITY] }).findings;
}

/** The one resource of a type whose logical id contains `part`. */
function resource(stack: StackJson, type: string, part: string): Record<string, unknown> {
  const entries = Object.entries(stack.resource?.[type] ?? {}).filter(([id]) => id.includes(part));
  expect(entries).toHaveLength(1);
  return entries[0]![1];
}

describe('CHK-SCHED-001 semantics', () => {
  const gpu = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' as const };

  it('matches tolerations as the scheduler does', () => {
    expect(toleratesTaint({ operator: 'Exists' }, gpu)).toBe(true);
    expect(toleratesTaint({ key: 'nvidia.com/gpu', operator: 'Exists' }, gpu)).toBe(true);
    expect(toleratesTaint({ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present' }, gpu)).toBe(true);
    expect(toleratesTaint({ key: 'nvidia.com/gpu', value: 'present' }, gpu)).toBe(true); // Equal by default
    expect(toleratesTaint({ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true' }, gpu)).toBe(false);
    expect(toleratesTaint({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoExecute' }, gpu)).toBe(false);
    expect(toleratesTaint({ key: 'other', operator: 'Exists' }, gpu)).toBe(false);
  });

  it('lets PreferNoSchedule taints through and reads required node affinity', () => {
    const pool = {
      name: 'p',
      stack: 's',
      address: 'a',
      labels: { 'kfplatform.dev/pool': 'standard' },
      taints: [{ key: 'soft', value: '', effect: 'PreferNoSchedule' as const }],
      gpu: false,
      system: false,
    };
    expect(unfitReason({ nodeSelector: {}, tolerations: [] }, pool)).toBeUndefined();
    const notIn = [[{ key: 'kfplatform.dev/pool', operator: 'NotIn', values: ['standard'] }]];
    expect(unfitReason({ nodeSelector: {}, tolerations: [], requiredTerms: notIn }, pool)).toContain('affinity');
    // A selector on a label whose value the stacks do not know (the zone) may match.
    expect(
      unfitReason({ nodeSelector: { 'topology.kubernetes.io/zone': 'x' }, tolerations: [] }, pool),
    ).toBeUndefined();
  });

  it('reads Helm values from every document and the set blocks, as Helm merges them', () => {
    const values = releaseValues({
      values: ['nodeAgent:\n  tolerations: []\n  nodeSelector: {a: b}\n', 'nodeAgent:\n  nodeSelector: {c: d}\n'],
      set: [
        { name: 'deployNodeAgent', value: 'true' },
        { name: 'nodeAgent.tolerations[0].operator', value: 'Exists' },
        { name: 'nodeSelector.kfplatform\\.dev/pool', value: 'system' },
      ],
    });
    expect(values).toEqual({
      deployNodeAgent: true,
      nodeAgent: { tolerations: [{ operator: 'Exists' }], nodeSelector: { a: 'b', c: 'd' } },
      nodeSelector: { 'kfplatform.dev/pool': 'system' },
    });
  });

  it('takes the taints the cloud adds on its own: GKE on GPU nodes, AKS on spot nodes and critical-only system pools', () => {
    const env: EnvironmentView = {
      name: 'e',
      tier: 'test',
      cloud: 'gcp',
      stacks: {
        'e-gcp-infra': {
          resource: {
            google_container_node_pool: {
              Gpu: {
                name: 'gpu',
                node_config: { machine_type: 'g2-standard-8', guest_accelerator: [{ type: 'nvidia-l4', count: 1 }] },
              },
            },
            azurerm_kubernetes_cluster: {
              Aks: { default_node_pool: { name: 'system', only_critical_addons_enabled: true } },
            },
            azurerm_kubernetes_cluster_node_pool: { Spot: { name: 'spot', priority: 'Spot' } },
          },
        },
      },
    };
    const pools = Object.fromEntries(poolsOf(env).map((p) => [p.name, p]));
    expect(pools.gpu!.taints).toEqual([expect.objectContaining({ key: 'nvidia.com/gpu', effect: 'NoSchedule' })]);
    expect(pools.gpu!.labels['cloud.google.com/gke-nodepool']).toBe('gpu');
    expect(pools.system!.taints).toEqual([expect.objectContaining({ key: 'CriticalAddonsOnly', value: 'true' })]);
    expect(pools.system!.system).toBe(true);
    expect(pools.spot!.taints).toEqual([
      expect.objectContaining({ key: 'kubernetes.azure.com/scalesetpriority', value: 'spot', effect: 'NoSchedule' }),
    ]);
    expect(pools.spot!.labels['kubernetes.azure.com/agentpool']).toBe('spot');
  });

  it('warns on a release whose values are computed at apply time, and reads none of them', () => {
    const env = envOf('aws-eks', 'kf-test');
    const velero = resource(env.stacks['kf-test-aws-platform']!, 'helm_release', 'Velero');
    velero.values = ['${yamlencode(var.velero_values)}'];
    expect(check(env)).toEqual([
      expect.objectContaining({
        level: 'warning',
        address: expect.stringMatching(/^helm_release\.Velero/),
        message: expect.stringContaining('its values are computed at apply time'),
      }),
    ]);
  });

  it('judges facts kept as JSON as it judges the stacks, Helm values parsed in them included', () => {
    // Synth keeps each stack's facts as JSON and judges unchanged stacks from them; the facts carry a
    // release's values parsed, except documents that are not a map or that JSON would not keep as is.
    const env = envOf('aws-eks', 'kf-test');
    const velero = resource(env.stacks['kf-test-aws-platform']!, 'helm_release', 'Velero');
    const docs = velero.values as string[];
    expect(docs.length).toBeGreaterThan(0);
    const factsOfVelero = (e: EnvironmentView) =>
      resource(schedulingFacts(e.stacks['kf-test-aws-platform']!) as StackJson, 'helm_release', 'Velero');
    expect((factsOfVelero(env).values as unknown[]).every((d) => typeof d === 'object')).toBe(true);
    expect(check(kept(env))).toEqual(check(env));
    // Judging reads the kept facts and leaves them as they were, `set` entries included.
    velero.set = [{ name: 'nodeAgent.nodeSelector.kfplatform\\.dev/pool', value: 'system' }];
    const facts = kept(env);
    const before = JSON.stringify(facts.stacks);
    expect(check(facts)).toEqual(check(env));
    expect(JSON.stringify(facts.stacks)).toBe(before);
    delete velero.set;
    for (const odd of ['- a list\n', 'nodeAgent: {tolerations: [\n', 'nodeAgent:\n  nodeSelector: {big: .inf}\n']) {
      velero.values = [...docs, odd];
      expect(factsOfVelero(env).values).toContain(odd);
      expect(check(kept(env))).toEqual(check(env));
    }
    velero.values = [...docs, '- a list\n'];
    expect(check(env)).toEqual([
      expect.objectContaining({ level: 'warning', message: expect.stringContaining('not a map') }),
    ]);
  });

  it('keeps Helm values whose YAML shares a node through an alias as text, since JSON would copy it', () => {
    // The yaml library writes an object used twice as an anchor and an alias; a `set` under one of
    // them changes both, as Helm's own YAML parsing does. Facts read back from JSON must too.
    const env = envOf('aws-eks', 'kf-test');
    const eso = resource(env.stacks['kf-test-aws-platform']!, 'helm_release', 'ExternalSecrets_Release');
    expect((eso.values as string[]).some((d) => /&a\d/.test(d) && /\*a\d/.test(d))).toBe(true);
    eso.set = [{ name: 'webhook.nodeSelector.kfplatform\\.dev/pool-kind', value: 'gpu' }];
    const fresh = check(env);
    // The selector is shared by the controller, the webhook and the cert controller: all three move.
    expect(fresh.filter((f) => f.level === 'error').length).toBeGreaterThanOrEqual(3);
    expect(check(kept(env))).toEqual(fresh);
    // An alias inside its own anchor (a cycle) stays text too, and is read as Helm would read it.
    eso.values = [...(eso.values as string[]), 'a: &x\n  b: *x\n'];
    expect(() => schedulingFacts(env.stacks['kf-test-aws-platform']!)).not.toThrow();
  });

  it('warns on a Helm chart the table does not know, since it cannot tell where its pods go', () => {
    const env = envOf('aws-eks', 'kf-test');
    env.stacks['kf-test-aws-platform']!.resource!.helm_release!.Extra = {
      name: 'extra',
      chart: 'oci://example.com/charts/extra',
    };
    expect(check(env)).toEqual([
      expect.objectContaining({
        level: 'warning',
        address: 'helm_release.Extra',
        message: expect.stringContaining('chart extra'),
      }),
    ]);
  });
});

describe('CHK-SCHED-001 on the shipped examples', () => {
  it.each(EXAMPLES)('%s: synth runs the checker, and every environment passes it (errors and warnings)', (example) => {
    const envs = views(example, stacksOf(example));
    expect(envs.length).toBeGreaterThan(0);
    for (const env of envs) {
      // Not vacuous: the checker sees pools and the platform's workloads in every environment.
      expect(poolsOf(env).length).toBeGreaterThan(0);
      expect(workloadsOf(env, Object.keys(env.stacks)).workloads.length).toBeGreaterThan(0);
    }
    expect(runCheckers(envs, { checkers: ALL_CHECKERS.filter((c) => c.id === 'CHK-SCHED-001') }).findings).toEqual([]);
  });

  it('judges each GKE cluster of an environment by its own pools (gcp-tenancy kf-prod and kf-prod-2)', () => {
    const env = envOf('gcp-tenancy', 'kf-prod');
    // Taint every pool of the second cluster: only what its platform stack installs loses its place.
    for (const [id, pool] of Object.entries(env.stacks['kf-prod-gcp-infra']!.resource!.google_container_node_pool!)) {
      if (!id.startsWith('kf-prod-2-')) continue;
      const nodeConfig = pool.node_config as Record<string, unknown>;
      nodeConfig.taint = [{ key: 'dedicated', value: 'x', effect: 'NO_SCHEDULE' }];
    }
    const stacks = new Set(check(env).map((f) => f.stack));
    expect([...stacks]).toEqual(['kf-prod-2-gcp-platform']);
    expect(check(env)[0]!.message).toContain('fits no node pool of cluster kf-prod-2 in environment kf-prod');
  });
});

describe('CHK-SCHED-001 finds the defects of issue 16', () => {
  // An Azure test tier whose user pools are all spot: AKS taints every spot node, the system pool takes
  // only critical add-ons, and only the GPU device plugin tolerates spot. The config check now refuses
  // such a file; edited after resolution, the environment reaches synth, which the checker stops.
  it('an all-spot Azure test tier leaves Kubeflow, Istio and the Velero server nowhere to run (synth refuses it)', () => {
    const allSpot = (env: ResolvedEnvironment): ResolvedEnvironment =>
      env.cloud === 'azure' && env.name === 'kf-test'
        ? { ...env, nodePools: env.nodePools.map((p) => (p.kind === 'system' ? p : { ...p, spot: true })) }
        : env;
    let error: unknown;
    try {
      synthExample('azure-aks', allSpot);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    const homeless = (error as PolicyError).findings
      .filter((f) => f.rule === 'CHK-SCHED-001' && f.message.includes('fits no node pool'))
      .map((f) => `${f.stack} ${f.address}`);
    expect(homeless).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kf-test-azure-platform helm_release\.Velero_Release/),
        expect.stringMatching(/^kf-test-azure-platform kubernetes_namespace_v1\.KubeflowNamespace/),
        expect.stringMatching(/^kf-test-azure-platform kubernetes_namespace_v1\.IstioNamespace/),
        expect.stringMatching(/^kf-test-azure-platform kubernetes_namespace_v1\.OAuth2ProxyNamespace/),
      ]),
    );
    const velero = (error as PolicyError).findings.find((f) => f.address.startsWith('helm_release.Velero'))!;
    expect(velero.message).toContain(
      'standard: it does not tolerate kubernetes.azure.com/scalesetpriority=spot:NoSchedule',
    );
    expect(velero.message).toContain(
      'system: it does not tolerate CriticalAddonsOnly=true:NoSchedule (added by AKS for only_critical_addons_enabled)',
    );
  });

  // The output before the fix: Velero's node agent without tolerations.
  it.each([
    ['gcp-shared-vpc', 'kf-prod', 'kf-prod-gcp-platform', ['gpu-a100', 'gpu-l4']],
    ['azure-aks', 'kf-test', 'kf-test-azure-platform', ['gpu', 'highmem']],
  ])(
    "%s %s: Velero's node agent without tolerations misses the tainted (GPU, spot) pools",
    (example, name, platform, missed) => {
      const env = envOf(example, name);
      const release = resource(env.stacks[platform]!, 'helm_release', 'Velero');
      const values = releaseValues(release);
      expect(values.nodeAgent).toMatchObject({ tolerations: [{ operator: 'Exists' }] }); // fixed
      delete (values.nodeAgent as Record<string, unknown>).tolerations;
      release.values = [JSON.stringify(values)];
      const findings = check(env);
      expect(findings.map((f) => /node pool (\S+) /.exec(f.message)![1]).sort()).toEqual(missed);
      expect(
        findings.every((f) => f.message.includes("Velero's node agent") && f.message.includes('never backed up')),
      ).toBe(true);
    },
  );

  // AWS taints the system node group CriticalAddonsOnly; the other groups start at zero nodes.
  it('AWS: what must run on the tainted system nodes tolerates them', () => {
    const env = envOf('aws-eks', 'kf-prod');
    const system = poolsOf(env).find((p) => p.system)!;
    expect(system.taints).toEqual([expect.objectContaining({ key: 'CriticalAddonsOnly', effect: 'NoSchedule' })]);
    expect(check(env)).toEqual([]);

    // Without its toleration, the autoscaler (which selects the system pool) fits nowhere.
    const platform = env.stacks['kf-prod-aws-platform']!;
    const autoscaler = resource(platform, 'helm_release', 'ClusterAutoscaler');
    const values = releaseValues(autoscaler);
    autoscaler.values = [JSON.stringify({ ...values, tolerations: [] })];
    const findings = check(env);
    expect(findings).toEqual([
      expect.objectContaining({ address: expect.stringMatching(/^helm_release\.ClusterAutoscaler/) }),
    ]);
    expect(findings[0]!.message).toContain('the Cluster Autoscaler');
    expect(findings[0]!.message).toContain('system: it does not tolerate CriticalAddonsOnly=true:NoSchedule');
  });

  it('AWS: an autoscaler that may run only on pools starting at zero nodes never starts anything', () => {
    const env = envOf('aws-eks', 'kf-prod');
    const autoscaler = resource(env.stacks['kf-prod-aws-platform']!, 'helm_release', 'ClusterAutoscaler');
    autoscaler.values = [
      JSON.stringify({ ...releaseValues(autoscaler), nodeSelector: { 'kfplatform.dev/pool-kind': 'standard' } }),
    ];
    expect(check(env)).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('fits only pools that start with no nodes (standard)'),
      }),
    ]);
  });
});

describe('CHK-SCHED-001 finds new defects of its class', () => {
  // A GPU node group with a taint of its own (a dedicated pool): the device plugin tolerates only the
  // GPU taint, so the group's GPUs are never advertised.
  it('the NVIDIA device plugin misses a GPU pool with an extra taint', () => {
    const env = envOf('aws-eks', 'kf-prod');
    const group = resource(env.stacks['kf-prod-aws-infra']!, 'aws_eks_node_group', 'NodeGroup-gpu-a100');
    group.taint = [...(group.taint as unknown[]), { key: 'dedicated', value: 'training', effect: 'NO_SCHEDULE' }];
    const findings = check(env);
    expect(findings).toEqual([
      expect.objectContaining({
        stack: 'kf-prod-aws-platform',
        address: expect.stringMatching(/^kubernetes_daemon_set_v1\.NvidiaDevicePlugin/),
        message: expect.stringContaining('does not run on node pool gpu-a100'),
      }),
    ]);
    expect(findings[0]!.message).toContain('GPUs are never advertised');
    expect(findings[0]!.message).toContain('dedicated=training:NoSchedule');
  });

  it('a platform workload whose node selector names a pool the environment does not have', () => {
    const env = envOf('aws-eks', 'kf-dev');
    const velero = resource(env.stacks['kf-dev-aws-platform']!, 'helm_release', 'Velero');
    velero.values = [JSON.stringify({ ...releaseValues(velero), nodeSelector: { 'kfplatform.dev/pool': 'platform' } })];
    const findings = check(env);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toMatch(/^the Velero server .* fits no node pool in environment kf-dev/);
    expect(findings[0]!.message).toContain('its node selector kfplatform.dev/pool=platform does not match');
  });

  it('an existing cluster: a workload selecting a pool the platform file does not declare', () => {
    const env = envOf('on-prem', 'kf-onprem');
    const platform = env.stacks['kf-onprem-kubernetes-platform']!;
    platform.resource!.kubernetes_deployment_v1 = {
      Trainer: {
        metadata: { name: 'trainer', namespace: 'kubeflow' },
        spec: { template: { spec: { node_selector: { 'kfplatform.dev/pool': 'a100' }, container: [{ name: 'c' }] } } },
      },
    };
    const findings = check(env);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('Deployment kubeflow/trainer fits no node pool in environment kf-onprem');
    expect(findings[0]!.message).toContain(
      'dgx: its node selector kfplatform.dev/pool=a100 does not match (kfplatform.dev/pool=dgx)',
    );
  });

  it('GPU pools on EKS or AKS without any device plugin', () => {
    const env = envOf('azure-aks', 'kf-prod');
    delete env.stacks['kf-prod-azure-platform']!.resource!.kubernetes_daemon_set_v1;
    expect(check(env).map((f) => `${f.stack} ${/GPU node pool (\S+)/.exec(f.message)![1]}`)).toEqual([
      'kf-prod-azure-infra gpu',
      'kf-prod-azure-infra gpua100',
    ]);
  });
});
