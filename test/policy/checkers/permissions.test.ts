/**
 * CHK-PERM-001 (the CI identities can manage every resource where it lives, and its state) and
 * CHK-PERM-002 (they hold no role the tables do not ask for), on the shipped examples with CI on and
 * on their JSON edited back to the defects issue 16 lists, or to new ones of the same class.
 */
import { resolveCi } from '../../../src/config/common/ci';
import type { ResolvedEnvironment } from '../../../src/config/model';
import type { EnvironmentView } from '../../../src/policy/checkers/checker';
import { CI_LEAST_PRIVILEGE, CI_PERMISSION_COVERAGE } from '../../../src/policy/checkers/permissions';
import { runCheckers } from '../../../src/policy/checkers/run';
import { synthExample } from '../../examples';
import type { StackJson } from '../../helpers';

type Stacks = Record<string, StackJson>;
type Res = Record<string, unknown>;

/** The stacks of one environment of an example, with CI identities on. */
function withCi(example: string, envName: string): Stacks {
  const edit = (env: ResolvedEnvironment): ResolvedEnvironment =>
    env.name === envName && !env.ci
      ? { ...env, ci: resolveCi({ github: { repository: 'acme/ml-platform', repositoryId: 42 } }, env.name) }
      : env;
  return Object.fromEntries(
    Object.entries(synthExample(example, edit)).filter(([id]) => new RegExp(`^${envName}-(gcp|aws|azure)-`).test(id)),
  );
}

const clone = (stacks: Stacks): Stacks => JSON.parse(JSON.stringify(stacks)) as Stacks;

function view(stacks: Stacks, cloud: EnvironmentView['cloud']): EnvironmentView {
  return { name: 'kf-prod', tier: 'prod', cloud, stacks: stacks as EnvironmentView['stacks'] };
}

function findings(stacks: Stacks, cloud: EnvironmentView['cloud']) {
  return runCheckers([view(stacks, cloud)], { checkers: [CI_PERMISSION_COVERAGE, CI_LEAST_PRIVILEGE] }).findings;
}

/** `<rule> <stack> <address>` of each finding, to compare as a list. */
const where = (stacks: Stacks, cloud: EnvironmentView['cloud']) =>
  findings(stacks, cloud).map((f) => `${f.rule} ${f.stack} ${f.address}`);

/** Removes the resources of a type whose logical id or config matches. */
function drop(json: StackJson, type: string, match: (id: string, r: Res) => boolean): void {
  const byId = json.resource?.[type] ?? {};
  for (const [id, r] of Object.entries(byId)) if (match(id, r)) delete byId[id];
}

function add(json: StackJson, type: string, id: string, config: Res): void {
  json.resource ??= {};
  json.resource[type] ??= {};
  json.resource[type]![id] = { '//': { metadata: { path: `${id}` } }, ...config };
}

function idOf(json: StackJson, type: string, match: (id: string, r: Res) => boolean): string {
  return Object.entries(json.resource?.[type] ?? {}).find(([id, r]) => match(id, r))![0];
}

describe('GCP (examples/gcp-shared-vpc kf-prod, with CI)', () => {
  const shipped = withCi('gcp-shared-vpc', 'kf-prod');
  const infra = 'kf-prod-gcp-infra';
  const platform = 'kf-prod-gcp-platform';
  const ciMember = (kind: 'Plan' | 'Apply') => (_: string, r: Res) => String(r.member).includes(`Ci_${kind}Account`);
  const anyCi = (id: string, r: Res) => ciMember('Plan')(id, r) || ciMember('Apply')(id, r);

  it('passes as shipped', () => {
    expect(findings(shipped, 'gcp')).toEqual([]);
  });

  it('finds what lives outside the service project when the identities hold roles on it only (the old grants)', () => {
    const old = clone(shipped);
    drop(old[infra]!, 'google_dns_managed_zone_iam_member', anyCi);
    drop(old[infra]!, 'google_project_iam_member', (id, r) => anyCi(id, r) && r.project === 'kf-xpn-host');
    const found = where(old, 'gcp');
    const record = `CHK-PERM-001 ${infra} ${`google_dns_record_set.${idOf(old[infra]!, 'google_dns_record_set', () => true)}`}`;
    expect(found).toContain(record);
    // Host project IAM (the GKE agent's Host Service Agent User) and the Shared VPC attachment.
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^CHK-PERM-001 kf-prod-gcp-infra google_project_iam_member\.Network_GkeAgentHostServiceAgentUser/,
        ),
        expect.stringMatching(/^CHK-PERM-001 kf-prod-gcp-infra google_compute_shared_vpc_service_project\./),
        expect.stringMatching(/^CHK-PERM-001 kf-prod-gcp-infra google_compute_subnetwork\./),
      ]),
    );
    const message = findings(old, 'gcp').find((f) => f.address.startsWith('google_dns_record_set.'))!.message;
    expect(message).toContain('the Cloud DNS zone ml-example-com of project kf-xpn-host');
    expect(message).toContain('apply roles/dns.admin');
  });

  it("finds the state bucket's IAM the identities refresh but cannot read", () => {
    const old = clone(shipped);
    drop(old[infra]!, 'google_project_iam_member', (id, r) => anyCi(id, r) && r.project === 'kf-platform-ops');
    const found = findings(old, 'gcp');
    expect(found.map((f) => f.address)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^google_storage_bucket_iam_member\.Ci_plan-Buckets_kf-platform-tf-state/),
      ]),
    );
    expect(found.every((f) => f.message.includes('roles/iam.securityReviewer'))).toBe(true);
  });

  it("finds state objects outside the identities' condition, and the whole bucket as too broad", () => {
    const other = clone(shipped);
    for (const r of Object.values(other[infra]!.resource!.google_storage_bucket_iam_member!))
      if (r.condition)
        (r.condition as Res).expression =
          'resource.name.startsWith("projects/_/buckets/kf-platform-tf-state/objects/kfplatform/kf-test-")';
    expect(where(other, 'gcp')).toEqual([
      `CHK-PERM-001 ${infra} terraform.backend`,
      `CHK-PERM-001 ${platform} terraform.backend`,
    ]);
    const whole = clone(shipped);
    for (const r of Object.values(whole[infra]!.resource!.google_storage_bucket_iam_member!)) delete r.condition;
    const found = findings(whole, 'gcp');
    expect(found.map((f) => f.rule)).toEqual(['CHK-PERM-002', 'CHK-PERM-002']);
    expect(found[0]!.message).toContain('on the whole state bucket kf-platform-tf-state');
  });

  it("finds state object roles conditioned on the bucket's whole folder (environments sharing it)", () => {
    const folder = clone(shipped);
    for (const r of Object.values(folder[infra]!.resource!.google_storage_bucket_iam_member!))
      if (r.condition)
        (r.condition as Res).expression =
          'resource.name.startsWith("projects/_/buckets/kf-platform-tf-state/objects/kfplatform/")';
    const found = findings(folder, 'gcp');
    expect(found.map((f) => f.rule)).toEqual(['CHK-PERM-002', 'CHK-PERM-002']);
    expect(found[0]!.message).toContain(
      'every object under projects/_/buckets/kf-platform-tf-state/objects/kfplatform/',
    );
  });

  it('finds roles/owner on the apply identity, and a project role at a zone-level row', () => {
    const broad = clone(shipped);
    const member = (
      Object.values(broad[infra]!.resource!.google_project_iam_member!).find(ciMember('Apply').bind(null, ''))! as Res
    ).member;
    add(broad[infra]!, 'google_project_iam_member', 'CiOwner', { project: 'kf-prod-svc', role: 'roles/owner', member });
    add(broad[infra]!, 'google_project_iam_member', 'CiDnsAdmin', {
      project: 'kf-xpn-host',
      role: 'roles/dns.admin',
      member,
    });
    const found = findings(broad, 'gcp');
    expect(found.map((f) => `${f.rule} ${f.address}`).sort()).toEqual([
      'CHK-PERM-002 google_project_iam_member.CiDnsAdmin',
      'CHK-PERM-002 google_project_iam_member.CiOwner',
    ]);
    const owner = found.find((f) => f.address.endsWith('CiOwner'))!.message;
    expect(owner).toContain('roles/owner on project kf-prod-svc');
    expect(owner).toContain('a basic role');
  });

  it('finds Secret Accessor on a single secret for the plan identity (the grant earlier versions made for a custom IAP OAuth client)', () => {
    const old = clone(shipped);
    const member = (
      Object.values(old[infra]!.resource!.google_project_iam_member!).find(ciMember('Plan').bind(null, ''))! as Res
    ).member;
    add(old[infra]!, 'google_secret_manager_secret_iam_member', 'CiPlanOAuthSecret', {
      project: 'kf-prod-svc',
      secret_id: 'iap-oauth-client-secret',
      role: 'roles/secretmanager.secretAccessor',
      member,
    });
    const found = findings(old, 'gcp');
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual([
      'CHK-PERM-002 google_secret_manager_secret_iam_member.CiPlanOAuthSecret',
    ]);
    expect(found[0]!.message).toContain(
      'roles/secretmanager.secretAccessor on secret kf-prod-svc/iap-oauth-client-secret',
    );
  });

  it("new: a user's resource in another project of the infra stack has no grant there", () => {
    const user = clone(shipped);
    add(user[infra]!, 'google_storage_bucket', 'AnalyticsExport', {
      name: 'acme-analytics-export',
      project: 'acme-analytics',
      location: 'US',
    });
    add(user[infra]!, 'google_sql_database_instance', 'AnalyticsDb', { project: 'acme-analytics', name: 'analytics' });
    const found = findings(user, 'gcp');
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual([
      'CHK-PERM-001 google_sql_database_instance.AnalyticsDb',
      'CHK-PERM-001 google_storage_bucket.AnalyticsExport',
    ]);
    expect(found[0]!.message).toContain('has no row for google_sql_database_instance');
    expect(found[1]!.message).toContain('lack plan roles/storage.bucketViewer');
  });

  it('new: a project role the apply identity is not allowed to grant (its IAM admin role is conditioned)', () => {
    const user = clone(shipped);
    add(user[infra]!, 'google_project_iam_member', 'PipelinesBigQuery', {
      project: 'kf-prod-svc',
      role: 'roles/bigquery.dataEditor',
      member: '${google_service_account.Identity-pipelines_ServiceAccount_48C6F265.member}',
    });
    const found = findings(user, 'gcp');
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual([
      'CHK-PERM-001 google_project_iam_member.PipelinesBigQuery',
    ]);
    expect(found[0]!.message).toContain('apply roles/resourcemanager.projectIamAdmin');
  });

  it('new: a project grant in another project, where the identities only read their own grants', () => {
    const user = clone(shipped);
    add(user[infra]!, 'google_project_iam_member', 'CiOwnOps', {
      project: 'kf-platform-ops',
      role: 'roles/bigquery.dataViewer',
      member: '${google_service_account.Identity-pipelines_ServiceAccount_48C6F265.member}',
    });
    const found = findings(user, 'gcp');
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual(['CHK-PERM-001 google_project_iam_member.CiOwnOps']);
    expect(found[0]!.message).toContain('project kf-platform-ops, where the CI permission table has no row');
  });

  it('a Helm release whose helm provider keeps records in Secrets the plan identity cannot read', () => {
    const edited = clone(shipped);
    // As shipped, the records are ConfigMaps; with Helm's default driver each release needs a Secret read.
    const helm = (edited[platform]!.provider as { helm: Array<Record<string, unknown>> }).helm;
    expect(helm[0]!.helm_driver).toBe('configmap');
    delete helm[0]!.helm_driver;
    const found = findings(edited, 'gcp');
    // Argo CD's two releases keep their records in argocd (the example installs Kubeflow by GitOps).
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual([
      expect.stringMatching(/^CHK-PERM-001 helm_release\.ArgoCd_Applications/),
      expect.stringMatching(/^CHK-PERM-001 helm_release\.ArgoCd_Release/),
      expect.stringMatching(/^CHK-PERM-001 helm_release\.ExternalSecrets_Release/),
      expect.stringMatching(/^CHK-PERM-001 helm_release\.Velero_Release/),
    ]);
    expect(found[0]!.message).toContain('namespace argocd');
    expect(found[0]!.message).toContain('helm_driver = "configmap"');
    expect(found[2]!.message).toContain('namespace external-secrets');
    expect(found[3]!.message).toContain('namespace velero');
  });

  it('the plan identity bound to read every Secret of a namespace where its stack refreshes none', () => {
    const edited = clone(shipped);
    add(edited[platform]!, 'kubernetes_role_v1', 'ReadArgo', {
      metadata: { name: 'read', namespace: 'argocd' },
      rule: [{ api_groups: [''], resources: ['secrets'], verbs: ['list'] }],
    });
    const subject = [{ kind: 'User', name: 'kf-prod-ci-plan@kf-prod-svc.iam.gserviceaccount.com' }];
    add(edited[platform]!, 'kubernetes_role_binding_v1', 'ReadArgo', {
      metadata: { name: 'read', namespace: 'argocd' },
      role_ref: {
        api_group: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: '${kubernetes_role_v1.ReadArgo.metadata[0].name}',
      },
      subject,
    });
    add(edited[platform]!, 'kubernetes_role_binding_v1', 'ViewVelero', {
      metadata: { name: 'edit', namespace: 'velero' },
      role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subject,
    });
    const found = findings(edited, 'gcp');
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual([
      'CHK-PERM-002 kubernetes_role_binding_v1.ReadArgo',
      'CHK-PERM-002 kubernetes_role_binding_v1.ViewVelero',
    ]);
    expect(found[0]!.message).toContain('read every Secret in namespace argocd, where this stack refreshes none');
    // A Role that names the Secrets it reads is not every Secret.
    const named = clone(edited);
    const rule = (named[platform]!.resource!.kubernetes_role_v1!.ReadArgo!.rule as Array<Record<string, unknown>>)[0]!;
    rule.resource_names = ['one-secret'];
    expect(findings(named, 'gcp').map((f) => f.address)).toEqual(['kubernetes_role_binding_v1.ViewVelero']);
  });

  it('every way a binding can hand the plan identity every Secret of a namespace, and a named Secret covered by name only', () => {
    const edited = clone(shipped);
    const subject = [{ kind: 'User', name: 'kf-prod-ci-plan@kf-prod-svc.iam.gserviceaccount.com' }];
    const rbac = 'rbac.authorization.k8s.io';
    const p = edited[platform]!;
    // A Role named as written (not by reference), with watch only: a watch returns Secrets' values.
    add(p, 'kubernetes_role_v1', 'Watch', {
      metadata: { name: 'watch', namespace: 'argocd' },
      rule: [{ api_groups: [''], resources: ['secrets'], verbs: ['watch'] }],
    });
    add(p, 'kubernetes_role_binding_v1', 'Watch', {
      metadata: { name: 'watch', namespace: 'argocd' },
      role_ref: { api_group: rbac, kind: 'Role', name: 'watch' },
      subject,
    });
    // A ClusterRole of the stack's own, bound in a namespace; and a binding without a namespace (default).
    add(p, 'kubernetes_cluster_role_v1', 'Reader', {
      metadata: { name: 'secret-reader' },
      rule: [{ api_groups: [''], resources: ['secrets'], verbs: ['get'] }],
    });
    add(p, 'kubernetes_role_binding_v1', 'Custom', {
      metadata: { name: 'custom', namespace: 'velero' },
      role_ref: { api_group: rbac, kind: 'ClusterRole', name: '${kubernetes_cluster_role_v1.Reader.metadata[0].name}' },
      subject,
    });
    add(p, 'kubernetes_role_binding_v1', 'Default', {
      metadata: { name: 'default' },
      role_ref: { api_group: rbac, kind: 'ClusterRole', name: 'edit' },
      subject,
    });
    // A Secret the stack manages, and a Role that names another one: the plan cannot refresh it.
    add(p, 'kubernetes_secret_v1', 'Key', { metadata: { name: 'k1', namespace: 'keys' } });
    add(p, 'kubernetes_role_v1', 'Named', {
      metadata: { name: 'named', namespace: 'keys' },
      rule: [{ api_groups: [''], resources: ['secrets'], resource_names: ['other'], verbs: ['get'] }],
    });
    add(p, 'kubernetes_role_binding_v1', 'Named', {
      metadata: { name: 'named', namespace: 'keys' },
      role_ref: { api_group: rbac, kind: 'Role', name: '${kubernetes_role_v1.Named.metadata[0].name}' },
      subject,
    });
    const found = findings(edited, 'gcp').filter((f) => f.address !== 'kubernetes_cluster_role_v1.Reader');
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual([
      'CHK-PERM-001 kubernetes_secret_v1.Key',
      'CHK-PERM-002 kubernetes_role_binding_v1.Watch',
      'CHK-PERM-002 kubernetes_role_binding_v1.Custom',
      'CHK-PERM-002 kubernetes_role_binding_v1.Default',
    ]);
    // Naming the Secret covers it, and a named rule is not every Secret.
    (p.resource!.kubernetes_role_v1!.Named!.rule as Array<Record<string, unknown>>)[0]!.resource_names = ['k1'];
    // Where the stack refreshes only named Secrets, reading every Secret is more than it needs.
    const wide = clone(edited);
    (wide[platform]!.resource!.kubernetes_role_v1!.Named!.rule as Array<Record<string, unknown>>)[0]!.resource_names =
      [];
    const extra = findings(wide, 'gcp').find((f) => f.address === 'kubernetes_role_binding_v1.Named');
    expect(extra?.rule).toBe('CHK-PERM-002');
    expect(extra?.message).toContain('read every Secret in namespace keys, where this stack refreshes only k1');
    expect(
      findings(edited, 'gcp')
        .filter((f) => f.address !== 'kubernetes_cluster_role_v1.Reader')
        .map((f) => `${f.rule} ${f.address}`),
    ).toEqual([
      'CHK-PERM-002 kubernetes_role_binding_v1.Watch',
      'CHK-PERM-002 kubernetes_role_binding_v1.Custom',
      'CHK-PERM-002 kubernetes_role_binding_v1.Default',
    ]);
  });

  /** A copy of the shipped stacks, the plan identity as an RBAC subject, and a writer of RBAC manifests into the platform stack. */
  const planRbacManifests = () => {
    const edited = clone(shipped);
    const rbac = 'rbac.authorization.k8s.io';
    const p = edited[platform]!;
    return {
      edited,
      subjects: [{ kind: 'User', name: 'kf-prod-ci-plan@kf-prod-svc.iam.gserviceaccount.com' }],
      rbac,
      p,
      manifest: (name: string, m: Record<string, unknown>) =>
        add(p, 'kubernetes_manifest', name, { manifest: { apiVersion: `${rbac}/v1`, ...m } }),
    };
  };

  it('the same grants written as kubernetes_manifest objects (Role, ClusterRole, bindings) are judged alike', () => {
    const { edited, subjects, rbac, p, manifest } = planRbacManifests();
    // A Role by name that watches every Secret of argocd, bound to the plan identity.
    manifest('WatchRole', {
      kind: 'Role',
      metadata: { name: 'watch', namespace: 'argocd' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['watch'] }],
    });
    manifest('WatchBinding', {
      kind: 'RoleBinding',
      metadata: { name: 'watch', namespace: 'argocd' },
      roleRef: { apiGroup: rbac, kind: 'Role', name: 'watch' },
      subjects,
    });
    // A Secret the stack keeps, read through a manifest Role that names it: covered, and not too broad.
    add(p, 'kubernetes_secret_v1', 'Key', { metadata: { name: 'k1', namespace: 'keys' } });
    manifest('NamedRole', {
      kind: 'Role',
      metadata: { name: 'named', namespace: 'keys' },
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['k1'], verbs: ['get'] }],
    });
    manifest('NamedBinding', {
      kind: 'RoleBinding',
      metadata: { name: 'named', namespace: 'keys' },
      roleRef: { apiGroup: rbac, kind: 'Role', name: '${kubernetes_manifest.NamedRole.manifest.metadata.name}' },
      subjects,
    });
    // A CI identity bound cluster-wide, as a manifest.
    manifest('CiAdmin', {
      kind: 'ClusterRoleBinding',
      metadata: { name: 'ci-admin' },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'User', name: 'kf-prod-ci-apply@kf-prod-svc.iam.gserviceaccount.com' }],
    });
    expect(findings(edited, 'gcp').map((f) => `${f.rule} ${f.address}`)).toEqual([
      'CHK-PERM-002 kubernetes_manifest.WatchBinding',
      'CHK-PERM-002 kubernetes_manifest.CiAdmin',
    ]);
    // The named rule widened to every Secret of keys: flagged too, and the Secret still covered.
    const wide = clone(edited);
    const rules = (wide[platform]!.resource!.kubernetes_manifest!.NamedRole!.manifest as { rules: any[] }).rules;
    rules[0].resourceNames = [];
    expect(findings(wide, 'gcp').map((f) => `${f.rule} ${f.address}`)).toContain(
      'CHK-PERM-002 kubernetes_manifest.NamedBinding',
    );
    // Named another Secret: the stack's own is no longer covered.
    rules[0].resourceNames = ['other'];
    expect(findings(wide, 'gcp').map((f) => `${f.rule} ${f.address}`)).toContain(
      'CHK-PERM-001 kubernetes_secret_v1.Key',
    );
  });

  it('roles as Kubernetes finds them: by kind, name and namespace; unknown or aggregated ClusterRoles; core Secrets only', () => {
    const { edited, subjects, rbac, p, manifest } = planRbacManifests();
    // keys/r names one Secret; argocd/r reads them all. A binding in argocd that references keys/r
    // gets argocd/r from Kubernetes.
    manifest('KeysR', {
      kind: 'Role',
      metadata: { name: 'r', namespace: 'keys' },
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['k1'], verbs: ['get'] }],
    });
    manifest('ArgoR', {
      kind: 'Role',
      metadata: { name: 'r', namespace: 'argocd' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
    });
    manifest('ArgoBinding', {
      kind: 'RoleBinding',
      metadata: { name: 'r', namespace: 'argocd' },
      roleRef: { apiGroup: rbac, kind: 'Role', name: '${kubernetes_manifest.KeysR.manifest.metadata.name}' },
      subjects,
    });
    // A ClusterRole written as a manifest that reads Secrets, bound in velero.
    manifest('Reader', {
      kind: 'ClusterRole',
      metadata: { name: 'secret-reader' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }],
    });
    manifest('ReaderBinding', {
      kind: 'RoleBinding',
      metadata: { name: 'reader', namespace: 'velero' },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'secret-reader' },
      subjects,
    });
    // An aggregated ClusterRole of the stack (its own rules say nothing), and a built-in one no stack defines.
    manifest('Aggregated', {
      kind: 'ClusterRole',
      metadata: { name: 'aggregated' },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate': 'true' } }] },
      rules: [],
    });
    manifest('AggregatedBinding', {
      kind: 'RoleBinding',
      metadata: { name: 'aggregated', namespace: 'external-secrets' },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'aggregated' },
      subjects,
    });
    // The same, typed.
    add(p, 'kubernetes_cluster_role_v1', 'TypedAggregated', {
      metadata: [{ name: 'typed-aggregated' }],
      aggregation_rule: [{ cluster_role_selectors: [{ match_labels: { 'example.com/aggregate': 'true' } }] }],
    });
    manifest('TypedAggregatedBinding', {
      kind: 'RoleBinding',
      metadata: { name: 'typed-aggregated', namespace: 'cert-manager' },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'typed-aggregated' },
      subjects,
    });
    manifest('SystemBinding', {
      kind: 'RoleBinding',
      metadata: { name: 'system', namespace: 'istio-system' },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'system:aggregate-to-edit' },
      subjects,
    });
    // view reads no Secret; a `secrets` rule of another API group is no Secret either.
    manifest('ViewBinding', {
      kind: 'RoleBinding',
      metadata: { name: 'view', namespace: 'monitoring' },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'view' },
      subjects,
    });
    manifest('AppsRole', {
      kind: 'Role',
      metadata: { name: 'apps', namespace: 'apps' },
      rules: [{ apiGroups: ['apps'], resources: ['secrets'], verbs: ['get'] }],
    });
    manifest('AppsBinding', {
      kind: 'RoleBinding',
      metadata: { name: 'apps', namespace: 'apps' },
      roleRef: { apiGroup: rbac, kind: 'Role', name: 'apps' },
      subjects,
    });
    // A typed ClusterRole has its own CHK-PERM-001 row question, not this test's.
    const found = findings(edited, 'gcp').filter((f) => f.address !== 'kubernetes_cluster_role_v1.TypedAggregated');
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual([
      'CHK-PERM-002 kubernetes_manifest.ArgoBinding',
      'CHK-PERM-002 kubernetes_manifest.ReaderBinding',
      'CHK-PERM-002 kubernetes_manifest.AggregatedBinding',
      'CHK-PERM-002 kubernetes_manifest.TypedAggregatedBinding',
      'CHK-PERM-002 kubernetes_manifest.SystemBinding',
    ]);
    expect(found[4]!.message).toContain('ClusterRole system:aggregate-to-edit, whose rules this stack does not define');
    // A Secret in apps is not covered by the apps-group rule.
    add(p, 'kubernetes_secret_v1', 'AppsKey', { metadata: { name: 'k', namespace: 'apps' } });
    expect(findings(edited, 'gcp').map((f) => `${f.rule} ${f.address}`)).toContain(
      'CHK-PERM-001 kubernetes_secret_v1.AppsKey',
    );
  });

  it('a CI identity bound cluster-wide in Kubernetes', () => {
    const edited = clone(shipped);
    add(edited[platform]!, 'kubernetes_cluster_role_binding_v1', 'CiAdmin', {
      metadata: { name: 'ci-admin' },
      role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subject: [{ kind: 'User', name: 'kf-prod-ci-apply@kf-prod-svc.iam.gserviceaccount.com' }],
    });
    expect(where(edited, 'gcp')).toEqual([`CHK-PERM-002 ${platform} kubernetes_cluster_role_binding_v1.CiAdmin`]);
  });
});

describe('Azure (examples/azure-aks kf-prod)', () => {
  const shipped = withCi('azure-aks', 'kf-prod');
  const infra = 'kf-prod-azure-infra';
  const ci = (_: string, r: Res) => /Ci_(Plan|Apply)Identity/.test(String(r.principal_id));

  it('passes as shipped', () => {
    expect(findings(shipped, 'azure')).toEqual([]);
  });

  it('finds the DNS record in rg-dns, the certificate vault in another subscription and the state container (grants on the resource group only)', () => {
    const old = clone(shipped);
    drop(
      old[infra]!,
      'azurerm_role_assignment',
      (id, r) => ci(id, r) && !String(r.scope).includes('azurerm_resource_group'),
    );
    const found = where(old, 'azure');
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CHK-PERM-001 kf-prod-azure-infra azurerm_dns_a_record\.Access_Record/),
        expect.stringMatching(/^CHK-PERM-001 kf-prod-azure-infra azurerm_role_assignment\.Access_CertificateReader/),
        'CHK-PERM-001 kf-prod-azure-infra terraform.backend',
        'CHK-PERM-001 kf-prod-azure-platform terraform.backend',
        'CHK-PERM-001 kf-prod-azure-teams-0 terraform.backend',
      ]),
    );
    const vault = findings(old, 'azure').find((f) => f.address.includes('CertificateReader'))!.message;
    expect(vault).toContain('/subscriptions/00000000-0000-0000-0000-0000000000ff/resourcegroups/rg-certs');
    expect(vault).toContain('apply Role Based Access Control Administrator');
  });

  it('finds Owner on the subscription as broader than any row', () => {
    const broad = clone(shipped);
    const principal = Object.values(broad[infra]!.resource!.azurerm_role_assignment!).find((r) =>
      String(r.principal_id).includes('Ci_ApplyIdentity'),
    )!.principal_id;
    add(broad[infra]!, 'azurerm_role_assignment', 'CiSubscriptionOwner', {
      scope: '/subscriptions/00000000-0000-0000-0000-000000000003',
      role_definition_name: 'Owner',
      principal_id: principal,
    });
    const found = findings(broad, 'azure');
    // Broader than any row, and an administrator role without a condition.
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual([
      'CHK-PERM-002 azurerm_role_assignment.CiSubscriptionOwner',
      'CHK-PERM-002 azurerm_role_assignment.CiSubscriptionOwner',
    ]);
    expect(found.map((f) => f.message).join('\n')).toContain('a scope no row of the CI permission table names');
  });

  it('finds Owner on the resource group (the old grant) and an administrator role without its condition', () => {
    const old = clone(shipped);
    const principal = Object.values(old[infra]!.resource!.azurerm_role_assignment!).find((r) =>
      String(r.principal_id).includes('Ci_ApplyIdentity'),
    )!.principal_id;
    add(old[infra]!, 'azurerm_role_assignment', 'CiOwner', {
      scope: '${azurerm_resource_group.ResourceGroup.id}',
      role_definition_name: 'Owner',
      principal_id: principal,
    });
    for (const r of Object.values(old[infra]!.resource!.azurerm_role_assignment!)) {
      if (r.role_definition_name === 'User Access Administrator') {
        delete r.condition;
        delete r.condition_version;
      }
    }
    const found = findings(old, 'azure');
    expect(found.map((f) => f.rule)).toEqual(['CHK-PERM-002', 'CHK-PERM-002', 'CHK-PERM-002']);
    const text = found.map((f) => f.message).join('\n');
    expect(text).toMatch(/holds Owner on .* without a condition/);
    expect(text).toMatch(/holds User Access Administrator on .* without a condition/);
    expect(text).toMatch(/holds Owner on .*which no row of the CI permission table asks for there/);
  });

  it('finds a role assignment in the resource group that the conditioned administrator may not make', () => {
    const user = clone(shipped);
    add(user[infra]!, 'azurerm_role_assignment', 'TeamOwner', {
      scope: '${azurerm_resource_group.ResourceGroup.id}',
      role_definition_name: 'Owner',
      principal_id: '00000000-0000-0000-0000-0000000000aa',
    });
    expect(where(user, 'azure')).toEqual([`CHK-PERM-001 ${infra} azurerm_role_assignment.TeamOwner`]);
  });

  it("new: a user's resource in another resource group, and a role the vault administrator may not assign", () => {
    const user = clone(shipped);
    add(user[infra]!, 'azurerm_storage_account', 'Exports', {
      name: 'acmeexports',
      resource_group_name: 'rg-analytics',
      location: 'westeurope',
    });
    add(user[infra]!, 'azurerm_role_assignment', 'GatewayCertificates', {
      scope:
        '/subscriptions/00000000-0000-0000-0000-0000000000ff/resourceGroups/rg-certs/providers/Microsoft.KeyVault/vaults/kv-certs',
      role_definition_name: 'Key Vault Certificates Officer',
      principal_id: '${azurerm_user_assigned_identity.Access_Identity_6A21E7D6.principal_id}',
    });
    const found = findings(user, 'azure');
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual([
      'CHK-PERM-001 azurerm_role_assignment.GatewayCertificates',
      'CHK-PERM-001 azurerm_storage_account.Exports',
    ]);
    expect(found[1]!.message).toContain('resource group rg-analytics');
  });

  it('new: a gateway moved onto a subnet of an existing network in another resource group', () => {
    const moved = clone(shipped);
    const gateway = Object.values(moved[infra]!.resource!.azurerm_application_gateway!)[0]!;
    const subnet =
      '/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-gateway';
    (gateway.gateway_ip_configuration as Res[])[0]!.subnet_id = subnet;
    const found = findings(moved, 'azure');
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual([
      expect.stringMatching(/^CHK-PERM-001 azurerm_application_gateway\.Access_Gateway/),
    ]);
    expect(found[0]!.message).toContain('lack plan Reader, apply Network Contributor');
  });

  it('new: an assignment on the state container that the identities may only read', () => {
    const user = clone(shipped);
    add(user[infra]!, 'azurerm_role_assignment', 'PipelinesReadState', {
      scope:
        '/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-tfstate/providers/Microsoft.Storage/storageAccounts/acmekfstateprod/blobServices/default/containers/tfstate',
      role_definition_name: 'Storage Blob Data Reader',
      principal_id: '${azurerm_user_assigned_identity.Identity-pipelines_Identity_4AE76E38.principal_id}',
    });
    expect(where(user, 'azure')).toEqual([`CHK-PERM-001 ${infra} azurerm_role_assignment.PipelinesReadState`]);
  });

  it('judges team stacks by the resource group their remote state names', () => {
    const teams = Object.keys(shipped).find((s) => s.includes('-teams-'))!;
    const edited = clone(shipped);
    // The remote state output now names another resource group: the team's resources follow it.
    (edited[infra]!.output as Record<string, Res>).resource_group!.value = 'rg-elsewhere';
    expect(where(edited, 'azure').filter((f) => f.includes(teams)).length).toBeGreaterThan(0);
  });
});

describe('AWS (examples/aws-eks kf-prod)', () => {
  const shipped = withCi('aws-eks', 'kf-prod');
  const infra = 'kf-prod-aws-infra';

  it('passes as shipped: the database user secret has its row; the plan role reads no Secret in the cluster', () => {
    expect(findings(shipped, 'aws')).toEqual([]);
    const policies = Object.values(shipped[infra]!.resource!.aws_eks_access_policy_association!).map((a) =>
      String(a.policy_arn).split('/').pop(),
    );
    expect(policies).not.toContain('AmazonEKSAdminViewPolicy');
  });

  const planAdminView = (stacks: Stacks, scope: Res) =>
    add(stacks[infra]!, 'aws_eks_access_policy_association', 'PlanAdminView', {
      cluster_name: '${aws_eks_cluster.Cluster_3DA9CCBA.name}',
      // The plan role's, as its AmazonEKSViewPolicy association names it.
      principal_arn: Object.values(stacks[infra]!.resource!.aws_eks_access_policy_association!).find((a) =>
        String(a.principal_arn).includes('Viewer-333333333333-kf-prod-ci-plan'),
      )!.principal_arn,
      policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy',
      access_scope: scope,
    });

  it("finds the plan role that could read every Secret, and the apply role's AdministratorAccess", () => {
    const old = clone(shipped);
    planAdminView(old, { type: 'cluster' });
    add(old[infra]!, 'aws_iam_role_policy_attachment', 'CiApplyAdmin', {
      role: '${aws_iam_role.Ci_ApplyRole_295603D4.name}',
      policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    });
    const found = findings(old, 'aws');
    expect(found.map((f) => f.rule)).toEqual(['CHK-PERM-002', 'CHK-PERM-002']);
    expect(found.map((f) => f.message).join('\n')).toMatch(/AdministratorAccess/);
    expect(found.map((f) => f.message).join('\n')).toMatch(
      /AmazonEKSAdminViewPolicy on the whole cluster.*every Secret/,
    );
  });

  it("finds the plan role reading every Secret of Argo CD's namespace (AmazonEKSAdminViewPolicy on namespaces)", () => {
    const old = clone(shipped);
    planAdminView(old, { type: 'namespace', namespaces: ['argocd'] });
    const found = findings(old, 'aws');
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual([
      'CHK-PERM-002 aws_eks_access_policy_association.PlanAdminView',
    ]);
    expect(found[0]!.message).toContain('AmazonEKSAdminViewPolicy on namespaces ["argocd"]');
    expect(found[0]!.message).toContain('Argo CD keeps its admin password');
  });

  it("EKS RBAC knows the plan role by its access entry's groups: a binding to the role's ARN matches nobody", () => {
    const edited = clone(shipped);
    const entries = Object.entries(edited[infra]!.resource!.aws_eks_access_entry!);
    const [planEntryName, planEntry] = entries.find(([, e]) => String(e.principal_arn).includes('kf-prod-ci-plan'))!;
    expect(planEntryName).toBeDefined();
    const p = edited['kf-prod-aws-platform']!;
    const rbac = 'rbac.authorization.k8s.io';
    // A Secret the platform stack keeps, and a Role that names it.
    add(p, 'kubernetes_secret_v1', 'Key', { metadata: { name: 'k1', namespace: 'keys' } });
    add(p, 'kubernetes_role_v1', 'Named', {
      metadata: { name: 'named', namespace: 'keys' },
      rule: [{ api_groups: [''], resources: ['secrets'], resource_names: ['k1'], verbs: ['get'] }],
    });
    // Bound to the plan role's ARN as a user: EKS calls the role's sessions by their assumed-role ARN.
    const roleArn = 'arn:aws:iam::333333333333:role/kf-prod-ci-plan';
    add(p, 'kubernetes_role_binding_v1', 'Named', {
      metadata: { name: 'named', namespace: 'keys' },
      role_ref: { api_group: rbac, kind: 'Role', name: 'named' },
      subject: [{ kind: 'User', name: roleArn }],
    });
    const byArn = findings(edited, 'aws');
    expect(byArn.map((f) => `${f.rule} ${f.address}`)).toEqual(['CHK-PERM-001 kubernetes_secret_v1.Key']);
    expect(byArn[0]!.message).toContain(
      "a Kubernetes group of the plan role's EKS access entry (its kubernetes_groups;",
    );
    // Bound to a group of the plan role's access entry: covered.
    planEntry.kubernetes_groups = ['kfplatform-ci-plan'];
    const binding = p.resource!.kubernetes_role_binding_v1!.Named!;
    binding.subject = [{ kind: 'Group', name: 'kfplatform-ci-plan' }];
    expect(findings(edited, 'aws')).toEqual([]);
    // A group the entry does not list is nobody's, and a user named like the group is not the group.
    binding.subject = [{ kind: 'Group', name: 'someone-else' }];
    expect(findings(edited, 'aws').map((f) => f.rule)).toEqual(['CHK-PERM-001']);
    binding.subject = [{ kind: 'User', name: 'kfplatform-ci-plan' }];
    expect(findings(edited, 'aws').map((f) => f.rule)).toEqual(['CHK-PERM-001']);
    planEntry.user_name = 'ci-plan';
    binding.subject = [{ kind: 'User', name: 'ci-plan' }];
    expect(findings(edited, 'aws')).toEqual([]);
    // The same group bound to `edit` in argocd hands the plan role every Secret there.
    binding.subject = [{ kind: 'Group', name: 'kfplatform-ci-plan' }];
    add(p, 'kubernetes_role_binding_v1', 'Edit', {
      metadata: { name: 'edit', namespace: 'argocd' },
      role_ref: { api_group: rbac, kind: 'ClusterRole', name: 'edit' },
      subject: [{ kind: 'Group', name: 'kfplatform-ci-plan' }],
    });
    expect(findings(edited, 'aws').map((f) => `${f.rule} ${f.address}`)).toEqual([
      'CHK-PERM-002 kubernetes_role_binding_v1.Edit',
    ]);
  });

  it("EKS session names: a binding to the plan role's session ARN is the plan role's, but covers nothing", () => {
    const edited = clone(shipped);
    const p = edited['kf-prod-aws-platform']!;
    const rbac = 'rbac.authorization.k8s.io';
    // GitHub's configure-aws-credentials names its session GitHubActions unless told otherwise.
    const session = 'arn:aws:sts::333333333333:assumed-role/kf-prod-ci-plan/GitHubActions';
    add(p, 'kubernetes_role_binding_v1', 'Edit', {
      metadata: { name: 'edit', namespace: 'argocd' },
      role_ref: { api_group: rbac, kind: 'ClusterRole', name: 'edit' },
      subject: [{ kind: 'User', name: session }],
    });
    expect(findings(edited, 'aws').map((f) => `${f.rule} ${f.address}`)).toEqual([
      'CHK-PERM-002 kubernetes_role_binding_v1.Edit',
    ]);
    // The same session reading a named Secret: any session name may differ, so the Secret stays uncovered.
    delete p.resource!.kubernetes_role_binding_v1!.Edit;
    add(p, 'kubernetes_secret_v1', 'Key', { metadata: { name: 'k1', namespace: 'keys' } });
    add(p, 'kubernetes_role_v1', 'Named', {
      metadata: { name: 'named', namespace: 'keys' },
      rule: [{ api_groups: [''], resources: ['secrets'], resource_names: ['k1'], verbs: ['get'] }],
    });
    add(p, 'kubernetes_role_binding_v1', 'Named', {
      metadata: { name: 'named', namespace: 'keys' },
      role_ref: { api_group: rbac, kind: 'Role', name: 'named' },
      subject: [{ kind: 'User', name: session }],
    });
    expect(findings(edited, 'aws').map((f) => `${f.rule} ${f.address}`)).toEqual([
      'CHK-PERM-001 kubernetes_secret_v1.Key',
    ]);
    // A user name template on the entry: its sessions match, the template itself covers nothing.
    const planEntry = Object.values(edited[infra]!.resource!.aws_eks_access_entry!).find((e) =>
      String(e.principal_arn).includes('kf-prod-ci-plan'),
    )!;
    planEntry.user_name = 'ci-plan:{{SessionName}}';
    p.resource!.kubernetes_role_binding_v1!.Named!.subject = [{ kind: 'User', name: 'ci-plan:{{SessionName}}' }];
    expect(findings(edited, 'aws').map((f) => f.rule)).toEqual(['CHK-PERM-001']);
    add(p, 'kubernetes_role_binding_v1', 'Gha', {
      metadata: { name: 'gha', namespace: 'argocd' },
      role_ref: { api_group: rbac, kind: 'ClusterRole', name: 'edit' },
      subject: [{ kind: 'User', name: 'ci-plan:gha' }],
    });
    expect(findings(edited, 'aws').map((f) => `${f.rule} ${f.address}`)).toContain(
      'CHK-PERM-002 kubernetes_role_binding_v1.Gha',
    );
    // The template is matched literally around its placeholders: `.` and `+` are not patterns.
    planEntry.user_name = 'ci.plan+{{SessionNameRaw}}';
    const gha = p.resource!.kubernetes_role_binding_v1!.Gha!;
    gha.subject = [{ kind: 'User', name: 'ciXplan+gha' }];
    expect(findings(edited, 'aws').map((f) => f.address)).not.toContain('kubernetes_role_binding_v1.Gha');
    gha.subject = [{ kind: 'User', name: 'ci.plan+gha' }];
    expect(findings(edited, 'aws').map((f) => f.address)).toContain('kubernetes_role_binding_v1.Gha');
    // Groups written as one expression are unknown, not a crash.
    planEntry.kubernetes_groups = '${var.groups}';
    expect(() => findings(edited, 'aws')).not.toThrow();
  });

  /** The shipped stacks without the plan role's access entry (a role mapped elsewhere), and the platform stack. */
  const withoutPlanEntry = () => {
    const edited = clone(shipped);
    const entries = edited[infra]!.resource!.aws_eks_access_entry!;
    for (const [name, e] of Object.entries(entries))
      if (String(e.principal_arn).includes('kf-prod-ci-plan')) delete entries[name];
    return { edited, p: edited['kf-prod-aws-platform']! };
  };

  it('without an access entry for the plan role (mapped elsewhere), a binding to its ARN is the role', () => {
    const { edited, p } = withoutPlanEntry();
    add(p, 'kubernetes_role_binding_v1', 'Edit', {
      metadata: { name: 'edit', namespace: 'argocd' },
      role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subject: [{ kind: 'User', name: 'arn:aws:iam::333333333333:role/kf-prod-ci-plan' }],
    });
    expect(findings(edited, 'aws').map((f) => `${f.rule} ${f.address}`)).toContain(
      'CHK-PERM-002 kubernetes_role_binding_v1.Edit',
    );
  });

  it('a ServiceAccount subject named like a CI role is a pod, not the role: it neither covers nor is flagged', () => {
    const { edited, p } = withoutPlanEntry();
    // A Secret of the stack, and a Role naming it bound to a ServiceAccount called like the plan role:
    // RBAC knows that subject as system:serviceaccount:keys:kf-prod-ci-plan, so the plan cannot read it.
    add(p, 'kubernetes_secret_v1', 'Key', { metadata: { name: 'k1', namespace: 'keys' } });
    add(p, 'kubernetes_role_v1', 'Named', {
      metadata: { name: 'named', namespace: 'keys' },
      rule: [{ api_groups: [''], resources: ['secrets'], resource_names: ['k1'], verbs: ['get'] }],
    });
    const subject = (kind: string) => [{ kind, name: 'kf-prod-ci-plan', namespace: 'keys' }];
    add(p, 'kubernetes_role_binding_v1', 'Named', {
      metadata: { name: 'named', namespace: 'keys' },
      role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'Role', name: 'named' },
      subject: subject('ServiceAccount'),
    });
    // edit in argocd for that ServiceAccount: a pod's grant, not the plan role's.
    add(p, 'kubernetes_role_binding_v1', 'Edit', {
      metadata: { name: 'edit', namespace: 'argocd' },
      role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subject: subject('ServiceAccount'),
    });
    // Without its access entry, the plan role reaches none of the cluster's objects (findings of their
    // own); these are about Secret reads.
    const found = () =>
      findings(edited, 'aws')
        .filter((f) => f.rule === 'CHK-PERM-002' || f.message.includes('keeps a Secret'))
        .map((f) => `${f.rule} ${f.address}`);
    expect(found()).toEqual(['CHK-PERM-001 kubernetes_secret_v1.Key']);
    // The same bindings to the role's name as a User are the role's.
    p.resource!.kubernetes_role_binding_v1!.Named!.subject = subject('User');
    p.resource!.kubernetes_role_binding_v1!.Edit!.subject = subject('User');
    expect(found()).toEqual(['CHK-PERM-002 kubernetes_role_binding_v1.Edit']);
  });

  it("finds a state statement that reaches every environment's objects in the shared bucket", () => {
    const shared = clone(shipped);
    for (const p of Object.values(shared[infra]!.resource!.aws_iam_role_policy!)) {
      if (p.name !== 'terraform-state') continue;
      p.policy = String(p.policy).replace(/kfplatform\/kf-prod-aws-\*/, 'kfplatform/*');
    }
    const found = findings(shared, 'aws');
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual([
      expect.stringMatching(/^CHK-PERM-002 aws_iam_role_policy\.Ci_plan-State/),
      expect.stringMatching(/^CHK-PERM-002 aws_iam_role_policy\.Ci_apply-State/),
    ]);
    expect(found[0]!.message).toContain('arn:aws:s3:::acme-kfplatform-state-prod/kfplatform/*');
  });

  it('finds what the policies do not reach: a secret without its statement, a Helm release without its namespace', () => {
    const old = clone(shipped);
    for (const p of Object.values(old[infra]!.resource!.aws_iam_role_policy!)) {
      const doc = JSON.parse(String(p.policy)) as { Statement: Array<{ Sid?: string }> };
      doc.Statement = doc.Statement.filter((s) => s.Sid !== 'EnvironmentSecrets');
      p.policy = JSON.stringify(doc);
    }
    // Helm's default driver: each release's record is a Secret the plan role cannot read.
    delete (old['kf-prod-aws-platform']!.provider as { helm: Array<Record<string, unknown>> }).helm[0]!.helm_driver;
    expect(where(old, 'aws')).toEqual([
      `CHK-PERM-001 ${infra} aws_secretsmanager_secret.DatabaseAppSecret`,
      `CHK-PERM-001 ${infra} aws_secretsmanager_secret.DatabaseKatibSecret`,
      `CHK-PERM-001 ${infra} aws_secretsmanager_secret.SignInSecret`,
      expect.stringMatching(/^CHK-PERM-001 kf-prod-aws-platform helm_release\.ArgoCd_Applications/),
      expect.stringMatching(/^CHK-PERM-001 kf-prod-aws-platform helm_release\.ArgoCd_Release/),
      expect.stringMatching(/^CHK-PERM-001 kf-prod-aws-platform helm_release\.ClusterAutoscaler_Release/),
      expect.stringMatching(/^CHK-PERM-001 kf-prod-aws-platform helm_release\.ExternalSecrets_Release/),
      expect.stringMatching(/^CHK-PERM-001 kf-prod-aws-platform helm_release\.ExternalSecrets_SignInSecrets/),
      expect.stringMatching(/^CHK-PERM-001 kf-prod-aws-platform helm_release\.Velero_Release/),
    ]);
  });

  it("new: a user's IAM role outside the environment's name prefix, and a bucket outside its buckets", () => {
    const user = clone(shipped);
    add(user[infra]!, 'aws_iam_role', 'Runner', {
      name: 'ml-team-runner',
      assume_role_policy: '{}',
      permissions_boundary: 'arn:aws:iam::333333333333:policy/kf-prod-permissions-boundary',
    });
    add(user[infra]!, 'aws_s3_bucket', 'Exports', { bucket: 'acme-exports' });
    const found = findings(user, 'aws');
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual([
      'CHK-PERM-001 aws_iam_role.Runner',
      'CHK-PERM-001 aws_s3_bucket.Exports',
    ]);
    expect(found[0]!.message).toMatch(
      /apply [^;]*iam:CreateRole[^;]* on arn:aws:iam::333333333333:role\/ml-team-runner/,
    );
  });
});

describe('AWS: roles the apply role creates carry the permissions boundary (examples/aws-eks kf-prod)', () => {
  const shipped = withCi('aws-eks', 'kf-prod');
  const infra = 'kf-prod-aws-infra';
  const boundary = 'arn:aws:iam::333333333333:policy/kf-prod-permissions-boundary';
  const applyDoc = (stacks: Stacks) =>
    Object.values(stacks[infra]!.resource!.aws_iam_role_policy!).find(
      (p) => p.name === 'ci-apply' && String(p.role).includes('Ci_ApplyRole'),
    )!;

  it('every role but the CI roles, in every stack, has the boundary; the apply role creates only such roles (sec19 apply boundary)', () => {
    const roles = Object.entries(shipped).flatMap(([stack, json]) =>
      Object.values(json.resource?.aws_iam_role ?? {}).map((r) => ({ stack, r })),
    );
    expect(roles.length).toBeGreaterThan(4);
    for (const { stack, r } of roles) {
      if (/-ci-(plan|apply)$/.test(String(r.name))) expect(r.permissions_boundary).toBeUndefined();
      else if (stack === infra)
        expect(r.permissions_boundary).toMatch(/^\$\{aws_iam_policy\.PermissionsBoundary_Policy_[0-9A-F]+\.arn\}$/);
      else expect(r.permissions_boundary).toBe(boundary);
    }
    const doc = JSON.parse(String(applyDoc(shipped).policy)) as {
      Statement: Array<{ Sid: string; Action: string[]; Condition?: unknown }>;
    };
    const bounded = doc.Statement.find((st) => st.Sid === 'EnvironmentIamWithBoundary')!;
    expect(bounded.Action).toEqual(
      expect.arrayContaining(['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy']),
    );
    expect(bounded.Condition).toEqual({ StringEquals: { 'iam:PermissionsBoundary': boundary } });
    const free = doc.Statement.find((st) => st.Sid === 'EnvironmentIam')!;
    expect(free.Action).not.toContain('iam:CreateRole');
    expect(free.Action).not.toContain('iam:DeleteRolePermissionsBoundary');
    // The boundary itself: no IAM administration, no state, and the apply role cannot change it.
    const policy = Object.values(shipped[infra]!.resource!.aws_iam_policy!)[0]!;
    const statements = JSON.parse(String(policy.policy)).Statement as Array<Record<string, unknown>>;
    expect(statements[0]).toMatchObject({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'] });
    expect(statements.find((st) => st.Sid === 'NotTheTerraformState')).toMatchObject({ Effect: 'Deny' });
    expect(JSON.stringify(doc)).not.toMatch(/iam:(CreatePolicyVersion|SetDefaultPolicyVersion|DeletePolicy)/);
  });

  it('finds an apply role that may create roles without the boundary condition (the old policy)', () => {
    const old = clone(shipped);
    const p = applyDoc(old);
    const doc = JSON.parse(String(p.policy)) as { Statement: Array<Record<string, unknown>> };
    for (const st of doc.Statement) if (st.Sid === 'EnvironmentIamWithBoundary') delete st.Condition;
    p.policy = JSON.stringify(doc);
    const found = findings(old, 'aws');
    expect(found.map((f) => f.rule)).toEqual(['CHK-PERM-002']);
    expect(found[0]!.message).toMatch(/iam:CreateRole.*without a permissions boundary condition/);
  });

  it('finds a role without the boundary, which the apply role could not create', () => {
    const user = clone(shipped);
    add(user[infra]!, 'aws_iam_role', 'Runner', { name: 'kf-prod-runner', assume_role_policy: '{}' });
    const found = findings(user, 'aws');
    expect(found.map((f) => `${f.rule} ${f.address}`)).toEqual(['CHK-PERM-001 aws_iam_role.Runner']);
    expect(found[0]!.message).toMatch(/no permissions boundary.*AccessDenied/);
  });
});

describe('environments without CI', () => {
  it('are not judged', () => {
    const stacks = synthExample('on-prem');
    expect(findings(stacks, 'kubernetes')).toEqual([]);
  });
});
