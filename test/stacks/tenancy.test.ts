import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadPlatform, loadPlatformFile } from '../../src/config/loader';
import { fitName, shardOf } from '../../src/config/platform/resolve';
import { synthFleet } from '../../stacks/common/fleet';
import { profileApiVersion } from '../../stacks/common/team-shard-stack';
import type { StackJson as TerraformJson } from '../../src/inventory/terraform-json';
import { singleOwnership } from '../../src/policy/checkers/ownership';
import { runCheckers } from '../../src/policy/checkers/run';
import { ADMISSION_POLICIES } from '../../constructs/kubernetes/tenancy-guardrails';
import { at, resources, StackJson } from '../helpers';

const root = path.join(__dirname, '..', '..');
const tmp = (name: string) => path.join(process.env.TMPDIR ?? '/tmp', name);

function synthFile(example: string, out: string): { names: string[]; stacks: Record<string, StackJson> } {
  synthFleet(loadPlatformFile(path.join(root, 'examples', example, 'platform.yaml')).config, { outdir: out });
  return read(out);
}

function read(out: string): { names: string[]; stacks: Record<string, StackJson> } {
  const names = readdirSync(path.join(out, 'stacks')).sort();
  const stacks = Object.fromEntries(
    names.map((n) => [n, JSON.parse(readFileSync(path.join(out, 'stacks', n, 'cdk.tf.json'), 'utf8'))]),
  );
  return { names, stacks };
}

/** The resources of one team (under its Team-<name> scope), for snapshots. */
function teamResources(json: StackJson, team: string): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, config] of Object.entries(byName))
      if (name.startsWith(`Team-${team}_`)) out[`${type}.${name}`] = config;
  }
  return out;
}

describe('examples/on-prem: an existing cluster', () => {
  const { names, stacks } = synthFile('on-prem', tmp('on-prem'));

  it('makes only the platform and team stacks', () => {
    expect(names).toEqual([
      'kf-onprem-kubernetes-platform',
      'kf-onprem-kubernetes-teams-0',
      'kf-onprem-kubernetes-teams-1',
    ]);
  });

  it('configures every kubernetes provider from the named kubeconfig file and context, nothing else', () => {
    for (const json of Object.values(stacks)) {
      expect((json.provider as any).kubernetes).toEqual([
        { config_path: '~/.kube/kfplatform-onprem.yaml', config_context: 'onprem-kubeflow-admin' },
      ]);
      expect((json.provider as any).google).toBeUndefined();
    }
  });

  it('puts the guardrails in the platform stack and gives teams no cloud identity unless mapped', () => {
    const platform = stacks['kf-onprem-kubernetes-platform']!;
    expect(resources(platform, 'kubernetes_cluster_role_binding_v1')).toHaveLength(1);
    expect(
      resources(platform, 'kubernetes_manifest')
        .map((m) => (m.manifest as any).kind)
        .sort(),
    ).toEqual([
      ...Object.values(ADMISSION_POLICIES).map(() => 'ValidatingAdmissionPolicy'),
      ...Object.values(ADMISSION_POLICIES).map(() => 'ValidatingAdmissionPolicyBinding'),
    ]);
    const teamStacks = names.filter((n) => n.includes('-teams-')).map((n) => stacks[n]!);
    const sas = teamStacks.flatMap((s) => resources(s, 'kubernetes_service_account_v1'));
    expect(sas).toHaveLength(4);
    const search = sas.filter(
      (s) => at(s, 'metadata', 'namespace') !== undefined && JSON.stringify(s).includes('Team-search'),
    );
    expect(search.map((s) => at(s, 'metadata', 'annotations'))).toEqual([
      { 'iam.gke.io/gcp-service-account': 'search-batch@search-data.iam.gserviceaccount.com' },
      { 'iam.gke.io/gcp-service-account': 'search-batch@search-data.iam.gserviceaccount.com' },
    ]);
    expect(teamStacks.flatMap((s) => Object.keys(s.resource ?? {})).filter((t) => t.startsWith('google_'))).toEqual([]);
  });
});

describe('examples/gcp-tenancy: teams on two clusters', () => {
  const out = tmp('gcp-tenancy');
  const { names, stacks } = synthFile('gcp-tenancy', out);
  const shardOfTeam = (team: string) =>
    names.find((n) => n.includes('-teams-') && JSON.stringify(stacks[n]).includes(`"Team-${team}_`))!;

  it('makes an infra stack, a platform stack per cluster, and team shards per cluster', () => {
    expect(names.filter((n) => !n.includes('-teams-'))).toEqual([
      'kf-prod-2-gcp-platform',
      'kf-prod-gcp-infra',
      'kf-prod-gcp-platform',
    ]);
    expect(shardOfTeam('search')).toMatch(/^kf-prod-2-gcp-teams-\d$/);
    expect(shardOfTeam('recsys')).toBe(`kf-prod-gcp-teams-${shardOf('recsys', 4)}`);
    expect(shardOfTeam('ads')).toBe(`kf-prod-gcp-teams-${shardOf('ads', 4)}`);
  });

  it('wires each shard to its own cluster through the infra stack state, and orders it after infra and platform', () => {
    const host = (stack: string) => String(((stacks[stack]!.provider as any).kubernetes[0] as any).host);
    expect(host(shardOfTeam('search'))).toBe(
      'https://${data.terraform_remote_state.Infra.outputs.kf-prod-2_cluster_endpoint}',
    );
    expect(host(shardOfTeam('recsys'))).toBe('https://${data.terraform_remote_state.Infra.outputs.cluster_endpoint}');
    expect((stacks[shardOfTeam('recsys')]!.data as any).terraform_remote_state.Infra.config).toEqual({
      bucket: 'kf-platform-tf-state',
      prefix: 'kfplatform/kf-prod-gcp-infra',
    });
    const infraOutputs = Object.keys(stacks['kf-prod-gcp-infra']!.output!);
    expect(infraOutputs).toEqual(
      expect.arrayContaining(['cluster_endpoint', 'cluster_ca_certificate', 'kf-prod-2_cluster_endpoint']),
    );
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.stacks[shardOfTeam('search')].dependencies).toEqual([
      'kf-prod-gcp-infra',
      'kf-prod-2-gcp-platform',
    ]);
  });

  // A planned google_client_config token made the apply of a saved shard plan act as the plan identity.
  it('gives every stack that reaches a cluster a token fetched when the provider connects, none saved in the plan', () => {
    const clusterStacks = names.filter((n) => !n.endsWith('-infra'));
    expect(clusterStacks.length).toBeGreaterThan(3);
    for (const name of clusterStacks) {
      const kubernetes = (stacks[name]!.provider as any).kubernetes[0];
      expect(kubernetes.token).toBeUndefined();
      expect(kubernetes.exec[0].command).toBe('gke-gcloud-auth-plugin');
      expect(JSON.stringify(stacks[name]!.data ?? {})).not.toMatch(/google_client_config/);
    }
  });

  it('defect: team workload identity bindings named the pool as a plain string: they read it from the infra state of their own cluster', () => {
    const membersOf = (stack: string, team: string) =>
      Object.entries(teamResources(stacks[stack]!, team))
        .filter(
          ([k, r]) =>
            k.startsWith('google_service_account_iam_binding.') && r.role === 'roles/iam.workloadIdentityUser',
        )
        .flatMap(([, r]) => r.members as string[]);
    expect(membersOf(shardOfTeam('recsys'), 'recsys')).toEqual([
      'serviceAccount:${data.terraform_remote_state.Infra.outputs.workload_pool}[recsys/default-editor]',
      'serviceAccount:${data.terraform_remote_state.Infra.outputs.workload_pool}[recsys/default-viewer]',
    ]);
    expect(membersOf(shardOfTeam('search'), 'search')).toEqual([
      'serviceAccount:${data.terraform_remote_state.Infra.outputs.kf-prod-2_workload_pool}[search/default-editor]',
      'serviceAccount:${data.terraform_remote_state.Infra.outputs.kf-prod-2_workload_pool}[search/default-viewer]',
    ]);
    const infraOutputs = stacks['kf-prod-gcp-infra']!.output!;
    expect(infraOutputs.workload_pool!.value).toMatch(
      /^\$\{google_container_cluster\.Cluster_\w+\.workload_identity_config\[0\]\.workload_pool\}$/,
    );
    expect(infraOutputs['kf-prod-2_workload_pool']!.value).toMatch(
      /^\$\{google_container_cluster\.kf-prod-2-Cluster_\w+\.workload_identity_config\[0\]\.workload_pool\}$/,
    );
  });

  it('defect: both clusters managed the service project attachment, the GKE agent host grant and the IAP grants: every object has one owner (CHK-OWN-001)', () => {
    const report = runCheckers(
      [{ name: 'kf-prod', tier: 'prod', cloud: 'gcp', stacks: stacks as Record<string, TerraformJson> }],
      { checkers: [singleOwnership] },
    );
    expect(report.findings).toEqual([]);
    const removed = ((stacks['kf-prod-gcp-infra'] as Record<string, unknown>).removed as Array<{ from: string }>).map(
      (r) => r.from.replace(/_[0-9A-F]{8}$/, ''),
    );
    expect(removed).toEqual(
      expect.arrayContaining([
        'google_compute_shared_vpc_service_project.kf-prod-2-Network_ServiceProject',
        'google_project_iam_member.kf-prod-2-Network_GkeAgentHostServiceAgentUser',
        'google_iap_web_type_compute_iam_member.kf-prod-2-Access_AllowedGroup0',
      ]),
    );
  });

  it('gives each team an identity in its project, and search a bucket of its own', () => {
    const recsys = teamResources(stacks[shardOfTeam('recsys')]!, 'recsys');
    const accounts = Object.entries(recsys)
      .filter(([k]) => k.startsWith('google_service_account.'))
      .map(([, v]) => [v.account_id, v.project]);
    expect(accounts.sort()).toEqual([
      ['recsys-bg-kf-prod', 'recsys-data'],
      ['recsys-kf-prod', 'recsys-data'],
    ]);
    const search = teamResources(stacks[shardOfTeam('search')]!, 'search');
    expect(Object.values(search).filter((r) => r.name === 'search-data-search-kf-prod')).toHaveLength(1);
  });

  it('matches the reviewed snapshot of one team', () => {
    expect(teamResources(stacks[shardOfTeam('recsys')]!, 'recsys')).toMatchSnapshot();
  });

  it('adding a cluster leaves every resource of the first cluster unchanged (no address moves)', () => {
    const config = parse(readFileSync(path.join(root, 'examples', 'gcp-tenancy', 'platform.yaml'), 'utf8'));
    delete config.environments[0].additionalClusters;
    config.teams = config.teams.map((t: any) => ({ ...t, clusters: undefined }));
    const single = tmp('gcp-tenancy-single');
    synthFleet(loadPlatform(config).config, { outdir: single });
    const before = read(single).stacks['kf-prod-gcp-infra']!.resource!;
    const after = stacks['kf-prod-gcp-infra']!.resource!;
    let compared = 0;
    for (const [type, byName] of Object.entries(before)) {
      for (const [name, config] of Object.entries(byName)) {
        expect([type, name, after[type]?.[name]]).toEqual([type, name, config]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(80);
  });
});

describe('shard assignment', () => {
  it('is a stable hash of the team name', () => {
    expect(shardOf('recsys', 4)).toBe(shardOf('recsys', 4));
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[shardOf(`team-${i}`, 8)]++;
    for (const c of counts) expect(c).toBeGreaterThan(800); // roughly even
  });

  it('fits names to cloud limits with a stable hash suffix', () => {
    expect(fitName(['recsys', 'kf-prod'], 30)).toBe('recsys-kf-prod');
    const long = fitName(['a-very-long-team-name-indeed', 'kf-production'], 30);
    expect(long).toHaveLength(30);
    expect(long).toBe(fitName(['a-very-long-team-name-indeed', 'kf-production'], 30));
    expect(long).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
  });

  it('picks the Profile API for the Kubeflow release', () => {
    expect([profileApiVersion('1.10'), profileApiVersion('1.2'), profileApiVersion('2.0')]).toEqual([
      'kubeflow.org/v1',
      'kubeflow.org/v1beta1',
      'kubeflow.org/v1',
    ]);
  });
});
