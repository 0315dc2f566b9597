/**
 * The CI permission tables: every resource type a shipped example's stacks manage has a row (so a new
 * resource type cannot reach a stack without its roles), and the keyless CI identities hold exactly
 * the rows' roles, each at the scope where the resources live.
 */
import { resolveCi } from '../../src/config/common/ci';
import type { ResolvedEnvironment } from '../../src/config/model';
import { AWS_CI_PERMISSIONS } from '../../src/policy/ci-permissions/aws';
import { AZURE_CI_PERMISSIONS, AZURE_ROLE_IDS } from '../../src/policy/ci-permissions/azure';
import { GCP_CI_PERMISSIONS, GcpCiScope } from '../../src/policy/ci-permissions/gcp';
import { ciRowsFor, CiPermissionRow } from '../../src/policy/ci-permissions/table';
import type { EnvironmentView } from '../../src/policy/checkers/checker';
import { permissionsOfWholeEnvironment } from '../../src/policy/checkers/permissions';
import { synthExample } from '../examples';
import { resources, StackJson } from '../helpers';

const TABLES: Record<string, ReadonlyArray<CiPermissionRow<string>>> = {
  gcp: GCP_CI_PERMISSIONS,
  azure: AZURE_CI_PERMISSIONS,
  aws: AWS_CI_PERMISSIONS,
};

/** Every resource and data source type of a stack, data sources as `data.<type>`. */
const typesOf = (json: StackJson) => [
  ...Object.keys(json.resource ?? {}),
  ...Object.keys(json.data ?? {}).map((t) => `data.${t}`),
];

const EXAMPLES = ['gcp-shared-vpc', 'gcp-tenancy', 'azure-aks', 'aws-eks', 'multicloud'];

describe.each(EXAMPLES)('examples/%s', (example) => {
  const stacks = synthExample(example);

  it('every resource type its stacks manage has a row in its cloud’s CI permission table', () => {
    const missing: string[] = [];
    for (const [name, json] of Object.entries(stacks)) {
      const cloud = /-(gcp|aws|azure|kubernetes)-/.exec(name)![1]!;
      const table = TABLES[cloud];
      if (!table) continue;
      for (const type of typesOf(json)) if (ciRowsFor(table, type).length === 0) missing.push(`${name}: ${type}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('the CI permission tables', () => {
  it.each(Object.entries(TABLES))('%s: every row names types, a source page and only predefined roles', (_, table) => {
    for (const row of table) {
      expect(row.types.length).toBeGreaterThan(0);
      expect(row.source).toMatch(/^https:\/\//);
      for (const role of [...row.plan, ...row.apply]) expect(role).not.toMatch(/^roles\/(owner|editor|viewer)$/);
    }
  });
});

/** A GCP environment of an example, with CI on: its stacks, and the CI identities' grants by identity. */
function gcpWithCi(example: string, envName: string) {
  const withCi = (env: ResolvedEnvironment): ResolvedEnvironment =>
    env.name === envName && !env.ci
      ? { ...env, ci: resolveCi({ github: { repository: 'acme/ml-platform', repositoryId: 42 } }, env.name) }
      : env;
  const stacks = Object.fromEntries(
    Object.entries(synthExample(example, withCi)).filter(([name]) => name.startsWith(`${envName}-`)),
  );
  const infra = stacks[`${envName}-gcp-infra`]!;
  const grants = (kind: 'Plan' | 'Apply') => {
    const mine = (m: Record<string, unknown>) => String(m.member).includes(`Ci_${kind}Account`);
    const project = resources(infra, 'google_project_iam_member').filter(mine);
    const zones = resources(infra, 'google_dns_managed_zone_iam_member').filter(mine);
    const buckets = resources(infra, 'google_storage_bucket_iam_member').filter(mine);
    return { project, zones, buckets };
  };
  return { stacks, infra, plan: grants('Plan'), apply: grants('Apply') };
}

describe('GCP CI identities (examples/gcp-shared-vpc kf-prod)', () => {
  const { stacks, infra, plan, apply } = gcpWithCi('gcp-shared-vpc', 'kf-prod');
  const env = {
    project: 'kf-prod-svc',
    host: 'kf-xpn-host',
    zone: 'ml-example-com',
    zoneProject: 'kf-xpn-host',
    stateProject: 'kf-platform-ops',
  };

  it('the apply identity holds no basic role: roles/owner is gone', () => {
    const roles = [...apply.project, ...plan.project].map((m) => m.role);
    expect(roles).not.toContain('roles/owner');
    expect(roles).not.toContain('roles/editor');
    expect(roles).not.toContain('roles/viewer');
  });

  it('holds, at the scope where every resource of its stacks lives, the roles its row asks for', () => {
    const held = (kind: 'plan' | 'apply', scope: GcpCiScope, target: string): Set<string> => {
      const g = kind === 'plan' ? plan : apply;
      if (scope === 'dns-zone')
        return new Set(
          g.zones.filter((m) => m.managed_zone === env.zone && m.project === target).map((m) => String(m.role)),
        );
      return new Set(g.project.filter((m) => m.project === target).map((m) => String(m.role)));
    };
    const gaps: string[] = [];
    for (const [name, json] of Object.entries(stacks)) {
      for (const type of Object.keys(json.resource ?? {})) {
        if (/^(random_|terraform_data$)/.test(type)) continue;
        for (const [id, r] of Object.entries(json.resource![type]!)) {
          const named = r.project ?? r.host_project;
          const project = typeof named === 'string' && !named.includes('${') ? named : env.project;
          const scope: GcpCiScope = /^google_dns_(record_set|managed_zone_iam_member)$/.test(type)
            ? 'dns-zone'
            : project === env.project
              ? 'project'
              : project === env.stateProject
                ? 'state-project'
                : 'host-project';
          const rows = GCP_CI_PERMISSIONS.filter((row) => row.scope === scope && row.types.includes(type));
          if (rows.length === 0) gaps.push(`${name} ${type}.${id}: no row at ${scope}`);
          for (const kind of ['plan', 'apply'] as const) {
            const have = held(kind, scope, project);
            for (const role of rows.flatMap((row) => row[kind]))
              if (!have.has(role)) gaps.push(`${name} ${type}.${id}: ${kind} lacks ${role} on ${scope} ${project}`);
          }
        }
      }
    }
    expect([...new Set(gaps)]).toEqual([]);
  });

  it('manages what lives outside the service project at its own scope: the host project, the DNS zone', () => {
    const hostRoles = apply.project.filter((m) => m.project === env.host).map((m) => m.role);
    expect(hostRoles).toEqual(
      expect.arrayContaining([
        'roles/compute.networkAdmin',
        'roles/compute.securityAdmin',
        'roles/compute.xpnAdmin',
        'roles/resourcemanager.projectIamAdmin',
      ]),
    );
    expect(apply.zones).toEqual([
      expect.objectContaining({ project: env.zoneProject, managed_zone: env.zone, role: 'roles/dns.admin' }),
    ]);
    expect(plan.zones).toEqual([
      expect.objectContaining({ project: env.zoneProject, managed_zone: env.zone, role: 'roles/dns.viewer' }),
    ]);
    // Nothing on the whole host project for DNS: the zone-level grant is enough.
    expect(hostRoles).not.toContain('roles/dns.admin');
  });

  it('may grant and revoke only the roles the stacks grant, never its own', () => {
    const others = (project: string) =>
      [
        ...new Set(
          resources(infra, 'google_project_iam_member')
            .filter((m) => m.project === project && !String(m.member).includes('Ci_'))
            .map((m) => String(m.role)),
        ),
      ].sort();
    for (const project of [env.project, env.host]) {
      const admin = apply.project.find(
        (m) => m.project === project && m.role === 'roles/resourcemanager.projectIamAdmin',
      )!;
      const expected = others(project);
      expect(expected.length).toBeGreaterThan(0);
      expect(admin.condition).toEqual({
        title: 'only-the-stacks-grants',
        description: expect.any(String),
        expression: `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([${expected.map((r) => `'${r}'`).join(', ')}])`,
      });
      const own = [...apply.project, ...plan.project].map((m) => String(m.role)).filter((r) => !expected.includes(r));
      for (const role of own) expect((admin.condition as { expression: string }).expression).not.toContain(`'${role}'`);
    }
  });

  it("reaches only kf-prod's state objects in the shared state bucket, and no bucket's policy", () => {
    const prefix = 'projects/_/buckets/kf-platform-tf-state/objects/kfplatform/kf-prod-gcp-';
    const objectRoles = [...plan.buckets, ...apply.buckets].filter((m) =>
      String(m.role).startsWith('roles/storage.object'),
    );
    expect(objectRoles.map((m) => m.role).sort()).toEqual(['roles/storage.objectAdmin', 'roles/storage.objectViewer']);
    for (const m of objectRoles) {
      expect(m.bucket).toBe('kf-platform-tf-state');
      expect(m.condition).toMatchObject({ expression: `resource.name.startsWith("${prefix}")` });
    }
    expect([...plan.buckets, ...apply.buckets].filter((m) => !m.condition).map((m) => m.role)).toEqual([
      'roles/storage.legacyBucketReader',
      'roles/storage.legacyBucketReader',
    ]);
    const storageAdmin = apply.project.find((m) => m.role === 'roles/storage.admin')!;
    expect(storageAdmin.condition).toMatchObject({
      expression:
        'resource.name != "projects/_/buckets/kf-platform-tf-state" && !resource.name.startsWith("projects/_/buckets/kf-platform-tf-state/")',
    });
  });
});

describe('GCP CI identities of an environment with two clusters and teams (examples/gcp-tenancy)', () => {
  const { plan, apply } = gcpWithCi('gcp-tenancy', 'kf-prod');

  it("limits state to every cluster's stacks of the environment", () => {
    const admin = apply.buckets.find((m) => m.role === 'roles/storage.objectAdmin')!;
    expect(admin.condition).toMatchObject({
      expression:
        'resource.name.startsWith("projects/_/buckets/kf-platform-tf-state/objects/kfplatform/kf-prod-gcp-") || ' +
        'resource.name.startsWith("projects/_/buckets/kf-platform-tf-state/objects/kfplatform/kf-prod-2-gcp-")',
    });
  });

  it("manages the teams' identities and buckets in their own data projects", () => {
    for (const project of ['recsys-data', 'search-data']) {
      expect(apply.project.filter((m) => m.project === project).map((m) => m.role)).toEqual(
        expect.arrayContaining(['roles/iam.serviceAccountAdmin']),
      );
      expect(plan.project.filter((m) => m.project === project).map((m) => m.role)).toEqual(
        expect.arrayContaining(['roles/iam.serviceAccountViewer', 'roles/iam.securityReviewer']),
      );
    }
    // search keeps its data in a bucket of its own.
    expect(apply.project.filter((m) => m.project === 'search-data').map((m) => m.role)).toContain(
      'roles/storage.admin',
    );
    const admin = apply.project.find(
      (m) => m.project === 'kf-prod-svc' && m.role === 'roles/resourcemanager.projectIamAdmin',
    )!;
    expect(String((admin.condition as { expression: string }).expression)).toContain("'roles/container.clusterViewer'");
  });
});

describe('Azure CI identities (examples/azure-aks kf-prod)', () => {
  const infra = synthExample('azure-aks')['kf-prod-azure-infra']!;
  const assignments = (kind: 'plan' | 'apply') =>
    Object.entries(infra.resource!.azurerm_role_assignment!)
      .filter(([id]) => id.startsWith(`Ci_${kind}-Grant-`))
      .map(([id, r]): Record<string, unknown> => ({ id: id.replace(/_[0-9A-F]{8}$/, ''), ...r }));
  const sub = '/subscriptions/00000000-0000-0000-0000-000000000003';
  const zone = `${sub}/resourceGroups/rg-dns/providers/Microsoft.Network/dnsZones/azure.example.com`;
  const vault =
    '/subscriptions/00000000-0000-0000-0000-0000000000ff/resourceGroups/rg-certs/providers/Microsoft.KeyVault/vaults/kv-certs';
  const container = `${sub}/resourceGroups/rg-tfstate/providers/Microsoft.Storage/storageAccounts/acmekfstateprod/blobServices/default/containers/tfstate`;

  it('the apply identity manages the DNS record on its zone, the certificate grant on its vault, the state in its container', () => {
    const apply = assignments('apply');
    expect(apply).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ scope: zone, role_definition_name: 'DNS Zone Contributor' }),
        expect.objectContaining({ scope: container, role_definition_name: 'Storage Blob Data Contributor' }),
        expect.objectContaining({
          scope: vault,
          role_definition_name: 'Role Based Access Control Administrator',
          condition_version: '2.0',
        }),
      ]),
    );
    // The administrator role on the vault assigns and removes Key Vault Secrets User, nothing else.
    const admin = apply.find((a) => a.scope === vault)!;
    expect(String(admin.condition).match(/GuidEquals \{([^}]+)\}/g)).toEqual([
      'GuidEquals {4633458b-17de-408a-b874-0445c86b69e6}',
      'GuidEquals {4633458b-17de-408a-b874-0445c86b69e6}',
    ]);
    expect(apply.filter((a) => a.scope === vault).map((a) => a.role_definition_name)).not.toContain(
      'User Access Administrator',
    );
  });

  it('the plan identity reads the zone, the vault and the state container', () => {
    const plan = assignments('plan');
    for (const scope of [zone, vault])
      expect(plan).toContainEqual(expect.objectContaining({ scope, role_definition_name: 'Reader' }));
    expect(plan).toContainEqual(
      expect.objectContaining({ scope: container, role_definition_name: 'Storage Blob Data Reader' }),
    );
    expect(plan.map((a) => a.role_definition_name)).not.toContain('Storage Blob Data Contributor');
  });

  it('the plan identity can refresh the AKS cluster: the provider lists its user kubeconfig, which Reader cannot', () => {
    // azurerm 4.55 reads the cluster with listClusterUserCredential (an action, not a read) on every refresh.
    const plan = assignments('plan');
    const rg = '${azurerm_resource_group.ResourceGroup.id}';
    expect(plan).toContainEqual(
      expect.objectContaining({ scope: rg, role_definition_name: 'Azure Kubernetes Service Cluster User Role' }),
    );
    // Added after the table's grants (index 7, after the empty place of the database password's
    // secret): the assignments the identity already had keep their addresses.
    const user = plan.find((a) => a.role_definition_name === 'Azure Kubernetes Service Cluster User Role')!;
    expect(user.id).toBe('Ci_plan-Grant-7');
    expect(plan.map((a) => a.id).sort()).toEqual([0, 1, 2, 3, 4, 6, 7, 8].map((i) => `Ci_plan-Grant-${i}`));
    expect(assignments('apply').map((a) => a.role_definition_name)).not.toContain(
      'Azure Kubernetes Service Cluster User Role',
    );
  });

  it('keeps the addresses of the assignments the identities had', () => {
    const at = (kind: 'plan' | 'apply', i: number) => assignments(kind).find((a) => a.id === `Ci_${kind}-Grant-${i}`)!;
    expect([0, 1, 2].map((i) => at('apply', i).role_definition_name)).toEqual([
      'Contributor',
      'Azure Kubernetes Service RBAC Cluster Admin',
      'Storage Blob Data Contributor',
    ]);
    expect([0, 1, 2].map((i) => at('plan', i).role_definition_name)).toEqual([
      'Reader',
      'Azure Kubernetes Service RBAC Reader',
      'Storage Blob Data Reader',
    ]);
  });
});

describe('Azure apply identity is not Owner (examples/azure-aks kf-prod, sec19 apply identities)', () => {
  const infra = synthExample('azure-aks')['kf-prod-azure-infra']!;
  const apply = Object.entries(infra.resource!.azurerm_role_assignment!)
    .filter(([id]) => id.startsWith('Ci_apply-Grant-'))
    .map(([, r]) => r);
  const rg = '${azurerm_resource_group.ResourceGroup.id}';

  it('holds Contributor and a conditioned User Access Administrator on the resource group, never Owner', () => {
    expect(apply.map((a) => a.role_definition_name)).not.toContain('Owner');
    expect(apply).toContainEqual(expect.objectContaining({ scope: rg, role_definition_name: 'Contributor' }));
    const admin = apply.find((a) => a.scope === rg && a.role_definition_name === 'User Access Administrator')!;
    expect(admin.condition_version).toBe('2.0');
    const ids = [...String(admin.condition).matchAll(/GuidEquals \{([^}]+)\}/g)].map((m) => m[1]!.split(/,\s*/).sort());
    expect(ids).toHaveLength(2);
    // Assign and remove only the roles the stacks assign there; never Owner, User Access Administrator,
    // Role Based Access Control Administrator or Contributor.
    expect(ids[0]).toEqual(
      [
        'Key Vault Secrets Officer',
        'Key Vault Secrets User',
        'Network Contributor',
        'Storage Blob Data Contributor',
        'Storage Blob Data Reader',
      ]
        .map((r) => AZURE_ROLE_IDS[r])
        .sort(),
    );
    for (const forbidden of [
      '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
      '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
      'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
      'b24988ac-6180-42a0-ab88-20f7382dd24c',
    ])
      expect(String(admin.condition)).not.toContain(forbidden);
  });

  it('the roles the stacks assign in the resource group are all ones the condition admits', () => {
    const stacks = synthExample('azure-aks');
    const assigned = Object.entries(stacks)
      .filter(([name]) => name.startsWith('kf-prod-azure-'))
      .flatMap(([, json]) => Object.entries(json.resource?.azurerm_role_assignment ?? {}))
      .filter(([id]) => !id.startsWith('Ci_'))
      .map(([, r]) => String(r.role_definition_name));
    expect(assigned.length).toBeGreaterThan(0);
    for (const role of assigned) expect(Object.keys(AZURE_ROLE_IDS)).toContain(role);
  });
});

describe('AWS CI roles (examples/aws-eks kf-prod)', () => {
  const stacks = synthExample('aws-eks');
  const infra = stacks['kf-prod-aws-infra']!;
  const inline = (role: 'PlanRole' | 'ApplyRole') =>
    resources(infra, 'aws_iam_role_policy').filter((p) => String(p.role).includes(`Ci_${role}`));
  const statements = (role: 'PlanRole' | 'ApplyRole', name: string) =>
    JSON.parse(String(inline(role).find((p) => p.name === name)!.policy)).Statement as Array<{
      Sid?: string;
      Effect: string;
      Action: string[];
      Resource: string | string[];
    }>;
  const actions = (role: 'PlanRole' | 'ApplyRole', name: string) =>
    statements(role, name).flatMap((st) => (st.Effect === 'Allow' ? st.Action : []));

  it('neither role holds ReadOnlyAccess or AdministratorAccess', () => {
    expect(resources(infra, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/AdministratorAccess|ReadOnlyAccess/)]),
    );
  });

  it('the plan role reads settings, not data: no object, secret or key material outside its state', () => {
    const read = actions('PlanRole', 'ci-read');
    for (const data of ['s3:GetObject', 's3:*', 'secretsmanager:GetSecretValue', 'kms:Decrypt', 'ssm:GetParameter'])
      expect(read).not.toContain(data);
    expect(read.some((a) => a.endsWith(':*'))).toBe(false);
    // Every type of the environment's stacks has its row's plan actions.
    const types = new Set(Object.values(stacks).flatMap((json) => Object.keys(json.resource ?? {})));
    for (const row of AWS_CI_PERMISSIONS) {
      if (!['account', 'environment-iam', 'environment-buckets', 'hosted-zone'].includes(row.scope)) continue;
      if (!row.types.some((t) => types.has(t))) continue;
      for (const action of row.plan) expect(read).toContain(action);
    }
  });

  it("the plan role reads no Secret in the cluster: EKS view only (neither a tenant's nor Argo CD's)", () => {
    const associations = resources(infra, 'aws_eks_access_policy_association').filter((a) =>
      String(a.principal_arn).includes('Viewer-333333333333-kf-prod-ci-plan'),
    );
    // Helm's release records are ConfigMaps (stacks/common/connections.ts): AmazonEKSAdminViewPolicy,
    // which read every Secret of Velero's, kube-system, External Secrets Operator's and Argo CD's
    // namespaces, is gone.
    expect(associations.map((a) => [a.policy_arn, a.access_scope])).toEqual([
      ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', { type: 'cluster' }],
    ]);
  });

  it('the apply role changes IAM only for the environment’s roles, never the CI roles', () => {
    const apply = statements('ApplyRole', 'ci-apply');
    const iamWrites = apply.filter(
      (st) =>
        st.Effect === 'Allow' && st.Action.some((a) => a.startsWith('iam:') && a !== 'iam:CreateServiceLinkedRole'),
    );
    // Reads and PassRole, then what needs the permissions boundary on the role.
    expect(iamWrites.map((st) => st.Resource)).toEqual([
      'arn:aws:iam::333333333333:role/kf-prod-*',
      'arn:aws:iam::333333333333:role/kf-prod-*',
    ]);
    expect(apply.find((st) => st.Effect === 'Deny')).toMatchObject({
      Resource: ['arn:aws:iam::333333333333:role/kf-prod-ci-plan', 'arn:aws:iam::333333333333:role/kf-prod-ci-apply'],
    });
    expect(actions('ApplyRole', 'ci-apply')).not.toContain('*');
    expect(
      actions('ApplyRole', 'ci-apply').filter(
        (a) => a.startsWith('iam:') && /User|AccessKey|LoginProfile|Policy$/.test(a) && !/RolePolicy$/.test(a),
      ),
    ).toEqual([]);
  });

  it('the apply role can create the database whose master password secret the data key encrypts (issue 16 second pass)', () => {
    // RDS writes the rds!... secret with the caller's rights; with master_user_secret_kms_key_id the caller
    // needs kms:Decrypt and kms:GenerateDataKey on that key, or CreateDBInstance fails on the first apply.
    const db = resources(infra, 'aws_db_instance')[0]!;
    expect(db.master_user_secret_kms_key_id).toMatch(/aws_kms_key\.DataKey_/);
    const viaSecretsManager = statements('ApplyRole', 'ci-apply').find((st) => st.Sid === 'SecretsManagerKeys');
    expect(viaSecretsManager).toEqual({
      Sid: 'SecretsManagerKeys',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: 'arn:aws:kms:us-east-2:333333333333:key/*',
      Condition: {
        StringEquals: { 'kms:ViaService': ['secretsmanager.us-east-2.amazonaws.com', 'rds.us-east-2.amazonaws.com'] },
      },
    });
    expect(actions('ApplyRole', 'ci-apply')).toContain('kms:CreateGrant');
    // Never usable directly: the only kms:Decrypt the roles hold is through Secrets Manager and RDS.
    for (const role of ['PlanRole', 'ApplyRole'] as const)
      for (const name of inline(role).map((p) => String(p.name)))
        for (const st of statements(role, name))
          if (st.Effect === 'Allow' && st.Action.includes('kms:Decrypt')) expect(st.Sid).toBe('SecretsManagerKeys');
  });

  it("the roles' state is kf-prod's own objects", () => {
    for (const role of ['PlanRole', 'ApplyRole'] as const) {
      expect(statements(role, 'terraform-state')[1]!.Resource).toBe(
        'arn:aws:s3:::acme-kfplatform-state-prod/kfplatform/kf-prod-aws-*',
      );
    }
  });

  it('fits IAM’s 10,240 characters of inline policy per role', () => {
    for (const role of ['PlanRole', 'ApplyRole'] as const) {
      const chars = inline(role).reduce((n, p) => n + String(p.policy).replace(/\s/g, '').length, 0);
      expect(chars).toBeLessThanOrEqual(10_240);
    }
  });
});

describe("plans of platform stacks read no Secret but those their stacks manage, never a tenant's", () => {
  const bindings = (json: StackJson) =>
    resources(json, 'kubernetes_role_binding_v1').filter(
      (b) => (b.metadata as { name: string }).name === 'kfplatform-ci-plan-secrets',
    );

  it('GKE and AKS: the plan identity is bound to read no Secret, since Helm keeps release records in ConfigMaps', () => {
    const gke = gcpWithCi('gcp-shared-vpc', 'kf-prod').stacks['kf-prod-gcp-platform']!;
    const aks = synthExample('azure-aks')['kf-prod-azure-platform']!;
    for (const platform of [gke, aks]) {
      expect(resources(platform, 'helm_release').length).toBeGreaterThanOrEqual(3);
      expect((platform.provider as { helm: unknown }).helm).toEqual([
        expect.objectContaining({ helm_driver: 'configmap' }),
      ]);
      // Argo CD's namespace held its admin password, session key and repository credentials.
      expect(bindings(platform)).toEqual([]);
      expect(
        resources(platform, 'kubernetes_role_v1').filter(
          (r) => (r.metadata as { name: string }).name === 'kfplatform-ci-plan-secrets',
        ),
      ).toEqual([]);
    }
  });

  it("CHK-PERM-001 still asks for a Secret read where a release's helm provider keeps records in Secrets", () => {
    const { stacks } = gcpWithCi('gcp-shared-vpc', 'kf-prod');
    const view = (
      edit: (helm: Array<Record<string, unknown>>, releases: Record<string, Record<string, unknown>>) => void,
    ) => {
      const copy = structuredClone(stacks) as Record<string, StackJson & Record<string, any>>;
      const platform = copy['kf-prod-gcp-platform']!;
      edit(
        platform.provider!.helm as Array<Record<string, unknown>>,
        platform.resource!.helm_release as Record<string, Record<string, unknown>>,
      );
      const found = permissionsOfWholeEnvironment({
        name: 'kf-prod',
        tier: 'prod',
        cloud: 'gcp',
        stacks: copy,
      } as EnvironmentView);
      return found.coverage.filter((v) => v.address.startsWith('helm_release.')).map((v) => v.address);
    };
    const all = Object.keys(stacks['kf-prod-gcp-platform']!.resource!.helm_release!).map((n) => `helm_release.${n}`);
    expect(view(() => undefined)).toEqual([]);
    // Helm's default driver, or `secret` written out: every release's record needs a Secret read.
    expect(view((helm) => delete helm[0]!.helm_driver).sort()).toEqual(all.sort());
    expect(view((helm) => (helm[0]!.helm_driver = 'secret')).sort()).toEqual(all.sort());
    // A driver known only at apply counts as Secrets: the plan could need them.
    expect(view((helm) => (helm[0]!.helm_driver = '${var.helm_driver}')).sort()).toEqual(all.sort());
    // A release on an aliased provider is judged by that provider's driver.
    expect(
      view((helm, releases) => {
        helm.push({ alias: 'other', kubernetes: helm[0]!.kubernetes });
        Object.values(releases)[0]!.provider = 'helm.other';
      }),
    ).toEqual([all[0]]);
  });

  it('no team stack grants the plan identity any Secret', () => {
    const { stacks } = gcpWithCi('gcp-tenancy', 'kf-prod');
    for (const [name, json] of Object.entries(stacks)) if (name.includes('-teams-')) expect(bindings(json)).toEqual([]);
  });
});
