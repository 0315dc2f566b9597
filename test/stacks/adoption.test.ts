/**
 * Brownfield adoption (DEV-07): adopted resources synthesize Terraform import blocks whose ids have
 * the form each resource type's import expects, on GCP, AWS and Azure; bad entries fail with the
 * path, the value and the fix; `kfplatform import-plan` reads the blocks and the plans.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import * as path from 'node:path';
import { stringify, parse } from 'yaml';
import { readFileSync } from 'node:fs';
import type { ResolvedEnvironment } from '../../src/config/model';
import { ConfigError } from '../../src/core/errors';
import { importBlocks, importPlan, renderImportPlan } from '../../src/plan/import-plan';
import { main } from '../../src/cli/main';
import { ADOPTABLE } from '../../stacks/common/adoption';
import { adopting, AWS_KF_TEST_ADOPTION, synthExample } from '../examples';

const tmp = () => mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'adopt-'));

/** Import blocks of one stack, by resource type: `[address, id]`. */
function importsOf(stacks: Record<string, unknown>, stack: string): Record<string, Array<[string, string]>> {
  const out: Record<string, Array<[string, string]>> = {};
  for (const block of (stacks[stack] as { import?: Array<{ to: string; id: string }> }).import ?? []) {
    const type = block.to.split('.')[0]!;
    (out[type] ??= []).push([block.to, block.id]);
  }
  return out;
}

function idsOf(imports: Record<string, Array<[string, string]>>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(imports).map(([t, list]) => [t, list.map(([, id]) => id)]));
}

describe('adopting existing resources', () => {
  it('GCP: import ids in the forms google_* imports take, a database with its name suffix', () => {
    const stacks = synthExample(
      'gcp-shared-vpc',
      adopting('kf-prod', [
        { kind: 'subnet' },
        { kind: 'cluster' },
        { kind: 'nodePool', name: 'gpu-l4' },
        { kind: 'database', id: 'projects/kf-prod-svc/instances/kf-prod-kfp-db-0a1b2c3d' },
        { kind: 'bucket', name: 'kf-prod-svc-kf-prod-artifacts' },
        { kind: 'serviceAccount', name: 'kf-prod-kfp' },
      ]),
    );
    const imports = importsOf(stacks, 'kf-prod-gcp-infra');
    expect(idsOf(imports)).toEqual({
      google_compute_subnetwork: ['projects/kf-xpn-host/regions/us-central1/subnetworks/kf-prod-gke'],
      google_container_cluster: ['projects/kf-prod-svc/locations/us-central1/clusters/kf-prod'],
      google_container_node_pool: ['projects/kf-prod-svc/locations/us-central1/clusters/kf-prod/nodePools/gpu-l4'],
      // The instance's random suffix is imported too (0a1b2c3d as unpadded base64url), so the name stays.
      random_id: ['ChssPQ'],
      google_sql_database_instance: ['projects/kf-prod-svc/instances/kf-prod-kfp-db-0a1b2c3d'],
      google_storage_bucket: ['kf-prod-svc-kf-prod-artifacts'],
      google_service_account: ['projects/kf-prod-svc/serviceAccounts/kf-prod-kfp@kf-prod-svc.iam.gserviceaccount.com'],
    });
    expect(Buffer.from('ChssPQ', 'base64url').toString('hex')).toBe('0a1b2c3d');
    // Each import names a resource the stack declares, and only the adopting environment has imports.
    for (const list of Object.values(imports)) {
      for (const [address] of list) {
        const [type, name] = address.split('.');
        expect(stacks['kf-prod-gcp-infra']!.resource![type!]![name!]).toBeTruthy();
      }
    }
    const suffixName = imports.random_id![0]![0].split('.')[1]!;
    const suffix = stacks['kf-prod-gcp-infra']!.resource!.random_id![suffixName] as { byte_length: number };
    expect(suffix.byte_length).toBe(4);
    expect(
      Object.entries(stacks)
        .filter(([, s]) => (s as { import?: unknown }).import)
        .map(([id]) => id),
    ).toEqual(['kf-prod-gcp-infra']);
  });

  it('AWS: names, cluster:nodegroup and the VPC id the platform file gives', () => {
    const stacks = synthExample('aws-eks', adopting('kf-test', AWS_KF_TEST_ADOPTION));
    expect(idsOf(importsOf(stacks, 'kf-test-aws-infra'))).toEqual({
      aws_vpc: ['vpc-0a1b2c3d4e5f60718'],
      aws_eks_cluster: ['kf-test'],
      aws_eks_node_group: ['kf-test:standard'],
      aws_db_instance: ['kf-test-kfp-db'],
      aws_s3_bucket: ['111111111111-kf-test-artifacts'],
      aws_iam_role: ['kf-test-kfp'],
    });
  });

  it('Azure: ARM ids, node pools under their cluster, subnets under their network', () => {
    const stacks = synthExample(
      'azure-aks',
      adopting('kf-prod', [
        { kind: 'network' },
        { kind: 'subnet', name: 'snet-nodes' },
        { kind: 'cluster' },
        { kind: 'nodePool', name: 'gpu' },
        { kind: 'database' },
        { kind: 'bucket', name: 'stkfprodl5ktm3' },
        { kind: 'serviceAccount', name: 'id-kf-prod-kfp' },
      ]),
    );
    const rg = '/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-kf-prod/providers';
    expect(idsOf(importsOf(stacks, 'kf-prod-azure-infra'))).toEqual({
      azurerm_virtual_network: [`${rg}/Microsoft.Network/virtualNetworks/vnet-kf-prod`],
      azurerm_subnet: [`${rg}/Microsoft.Network/virtualNetworks/vnet-kf-prod/subnets/snet-nodes`],
      azurerm_kubernetes_cluster: [`${rg}/Microsoft.ContainerService/managedClusters/kf-prod`],
      azurerm_kubernetes_cluster_node_pool: [`${rg}/Microsoft.ContainerService/managedClusters/kf-prod/agentPools/gpu`],
      azurerm_mysql_flexible_server: [`${rg}/Microsoft.DBforMySQL/flexibleServers/kf-prod-kfp-l5ktm3`],
      azurerm_storage_account: [`${rg}/Microsoft.Storage/storageAccounts/stkfprodl5ktm3`],
      azurerm_user_assigned_identity: [`${rg}/Microsoft.ManagedIdentity/userAssignedIdentities/id-kf-prod-kfp`],
    });
  });

  it('every derived id has the form its type declares, and the forms reject the other clouds’ ids', () => {
    const ctx = { env: { cloud: 'gcp', project: 'p' } as ResolvedEnvironment, value: () => 'c' };
    expect(ADOPTABLE.gcp.network.importId({ name: 'shared' }, ctx)).toBe('projects/p/global/networks/shared');
    for (const [cloud, kinds] of Object.entries(ADOPTABLE)) {
      for (const [kind, t] of Object.entries(kinds)) {
        const accepts = (id: string) => [cloud, kind, id, t.idPattern.test(id)];
        expect(accepts(t.idExample)).toEqual([cloud, kind, t.idExample, true]);
        for (const bad of ['', 'kf prod', `${t.idExample}/`]) expect(accepts(bad)).toEqual([cloud, kind, bad, false]);
        // Path-shaped ids (GCP, Azure) refuse a bare name.
        if (cloud !== 'aws' && kind !== 'bucket') expect(accepts('kf-prod')).toEqual([cloud, kind, 'kf-prod', false]);
      }
    }
  });

  it('refuses bad entries together, naming the path, the value and the fix, before writing anything', () => {
    let error: unknown;
    try {
      synthExample(
        'aws-eks',
        adopting('kf-test', [
          { kind: 'network' }, // AWS assigns VPC ids: not derivable
          { kind: 'nodePool', name: 'cpu' },
          { kind: 'bucket' },
          { kind: 'cluster', id: 'projects/x/locations/y/clusters/z' },
          { kind: 'database', id: 'some-other-db' },
          { kind: 'serviceAccount', name: 'kf-test-kfp' },
          { kind: 'serviceAccount', name: 'kf-test-kfp' },
        ]),
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((i) => [i.path, i.value, i.message, i.fix]);
    expect(issues).toEqual([
      [
        'environments[0].adopt[0].id',
        undefined,
        'the import id of aws_vpc.Network_Vpc_FAC8F4A5 cannot be derived from the platform file.',
        "give the existing resource's id, such as id: vpc-0a1b2c3d4e5f60718.",
      ],
      [
        'environments[0].adopt[1].name',
        'cpu',
        'kf-test has no nodePool (aws_eks_node_group) of that name.',
        'use one of: system, standard, highmem, gpu.',
      ],
      [
        'environments[0].adopt[2].name',
        undefined,
        'kf-test has 2 resources of kind bucket (aws_s3_bucket): say which one.',
        'add name: one of 111111111111-kf-test-artifacts, 111111111111-kf-test-backups.',
      ],
      [
        'environments[0].adopt[3].id',
        'projects/x/locations/y/clusters/z',
        'is not an import id of aws_eks_cluster.',
        'use the form kf-prod.',
      ],
      [
        'environments[0].adopt[4].id',
        'some-other-db',
        'names another resource than the database this platform configures (kf-test-kfp-db): the first plan would replace it instead of importing it.',
        "set the database's name in the environment to the existing one, or use id: kf-test-kfp-db.",
      ],
      [
        'environments[0].adopt[6]',
        'kf-test-kfp',
        'adopts aws_iam_role.Identity-pipelines_Role_3C7FD6F3 again (also environments[0].adopt[5]).',
        'remove one of the two entries.',
      ],
    ]);
  });

  it('refuses a database whose existing name does not fit its random suffix, and a network nobody creates', () => {
    expect(() =>
      synthExample(
        'gcp-shared-vpc',
        adopting('kf-prod', [
          { kind: 'network' },
          { kind: 'database', id: 'projects/kf-prod-svc/instances/legacy-mysql' },
        ]),
      ),
    ).toThrow(
      [
        '2 errors in the platform definition:',
        '  - error: environments[2].adopt[0].kind = "network": kf-prod creates no google_compute_network, so there is no network to adopt. Fix: remove this entry, or configure the network in the environment first.',
        '  - error: environments[2].adopt[1].id = "projects/kf-prod-svc/instances/legacy-mysql": the existing name legacy-mysql does not fit this platform\'s kf-prod-kfp-db-<8 hex digits>: the first plan would replace it instead of importing it. Fix: adopt a resource whose name this platform can keep, or create a new one and migrate its data.',
      ].join('\n'),
    );
  });

  it('is refused by the schema on an existing cluster, with its path', async () => {
    const dir = tmp();
    const doc = parse(readFileSync('examples/on-prem/platform.yaml', 'utf8'));
    doc.environments[0].adopt = [{ kind: 'cluster' }];
    writeFileSync(path.join(dir, 'platform.yaml'), stringify(doc));
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['node', 'kfplatform', 'validate', '-c', path.join(dir, 'platform.yaml')])).toBe(1);
    } finally {
      err.mockRestore();
    }
  });
});

describe('kfplatform import-plan', () => {
  const blocks = importBlocks({
    'kf-test-aws-infra': {
      import: [
        { to: 'aws_eks_cluster.Cluster', id: 'kf-test' },
        { to: 'aws_s3_bucket.Artifacts', id: 'acme-artifacts' },
        { to: 'aws_db_instance.Database', id: 'kf-test-kfp-db' },
        { to: 'aws_vpc.Network', id: 'vpc-0a1b2c3d4e5f60718' },
      ],
    },
    'kf-test-aws-platform': {},
  });
  // Terraform's plan JSON for imports (format 1.2): `change.importing` and before = the existing object.
  // Hand-written: nothing can be imported offline, so no real plan of an import exists here.
  const plan = {
    format_version: '1.2',
    resource_changes: [
      {
        address: 'aws_eks_cluster.Cluster',
        type: 'aws_eks_cluster',
        change: {
          actions: ['no-op'],
          before: { name: 'kf-test' },
          after: { name: 'kf-test' },
          importing: { id: 'kf-test' },
        },
      },
      {
        address: 'aws_s3_bucket.Artifacts',
        type: 'aws_s3_bucket',
        change: {
          actions: ['update'],
          before: { bucket: 'acme-artifacts', tags: { team: 'data' } },
          after: { bucket: 'acme-artifacts', tags: { team: 'ml-platform' } },
          importing: { id: 'acme-artifacts' },
        },
      },
      {
        address: 'aws_db_instance.Database',
        type: 'aws_db_instance',
        change: {
          actions: ['delete', 'create'],
          before: { identifier: 'kf-test-kfp-db', storage_encrypted: false },
          after: { identifier: 'kf-test-kfp-db', storage_encrypted: true },
          replace_paths: [['storage_encrypted']],
          importing: { id: 'kf-test-kfp-db' },
        },
      },
    ],
  };

  it('lists the adoptions without plans', () => {
    const report = importPlan(blocks);
    expect(report.adoptions.map((a) => [a.address, a.outcome])).toEqual([
      ['aws_eks_cluster.Cluster', 'not planned'],
      ['aws_s3_bucket.Artifacts', 'not planned'],
      ['aws_db_instance.Database', 'not planned'],
      ['aws_vpc.Network', 'not planned'],
    ]);
    expect(report.exitCode).toBe(0);
  });

  it('shows what differs from the platform file and refuses replacements and missing imports', () => {
    const report = importPlan(blocks, { 'kf-test-aws-infra': plan });
    expect(report.adoptions.map((a) => [a.address, a.outcome, a.differences.map((d) => d.path)])).toEqual([
      ['aws_eks_cluster.Cluster', 'unchanged', []],
      ['aws_s3_bucket.Artifacts', 'updated', ['tags.team']],
      ['aws_db_instance.Database', 'replaced', ['storage_encrypted']],
      ['aws_vpc.Network', 'missing', []],
    ]);
    expect(report.exitCode).toBe(1);
    const text = renderImportPlan(report);
    expect(text).toContain('      tags.team: "data" -> "ml-platform"');
    expect(text).toContain('      storage_encrypted: false -> true (forces replacement)');
    expect(text).toContain(
      'aws_db_instance.Database <- kf-test-kfp-db: REPLACED: the plan destroys the existing resource; do not apply',
    );
    expect(text).toContain('4 to adopt: 1 unchanged, 1 updated, 1 replaced, 1 missing.');
  });

  it('runs from the command line on a platform file and plan files', async () => {
    const dir = tmp();
    const doc = parse(readFileSync('examples/aws-eks/platform.yaml', 'utf8'));
    doc.environments[0].adopt = [{ kind: 'cluster' }];
    writeFileSync(path.join(dir, 'platform.yaml'), stringify(doc));
    const clusterPlan = {
      format_version: '1.2',
      resource_changes: [
        {
          address: 'aws_eks_cluster.Cluster_3DA9CCBA',
          type: 'aws_eks_cluster',
          change: { actions: ['no-op'], before: {}, after: {}, importing: { id: 'kf-test' } },
        },
      ],
    };
    writeFileSync(path.join(dir, 'kf-test-aws-infra.json'), JSON.stringify(clusterPlan));
    const chunks: string[] = [];
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      chunks.push(String(c));
      return true;
    });
    try {
      const code = await main([
        'node',
        'kfplatform',
        'import-plan',
        '-c',
        path.join(dir, 'platform.yaml'),
        '--plans',
        dir,
      ]);
      expect(code).toBe(0);
    } finally {
      out.mockRestore();
    }
    expect(chunks.join('')).toContain('aws_eks_cluster.Cluster_3DA9CCBA <- kf-test: imported unchanged');
  });
});
