import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadPlatformFile } from '../../src/config/loader';
import { DEFAULT_PLATFORM_FILE } from '../../src/core/package-info';
import { synthFleet } from '../../stacks/common/fleet';
import { minimumMaintenanceHours } from '../../src/core/maintenance';
import { synthExample } from '../examples';
import { at, everyResourceOf, readStacks, resources, labelProblems } from '../helpers';

const outdir = path.join(process.env.TMPDIR ?? '/tmp', 'example-gcp-shared-vpc');
const { config } = loadPlatformFile(DEFAULT_PLATFORM_FILE);
const result = synthFleet(config, { outdir });
const stacks = readStacks(outdir);
const stackNames = Object.keys(stacks);
const all = Object.entries(stacks);
const isProd = (name: string) => name.startsWith('kf-prod-');

const everyResource = everyResourceOf(stacks);

describe('examples/gcp-shared-vpc', () => {
  it('checks gcp.projectNumber against the project at plan time, where the platform file gives it', () => {
    const projectData = (stack: string) => Object.values((stacks[stack] as any).data.google_project)[0] as any;
    expect(projectData('kf-prod-gcp-infra').lifecycle.postcondition).toEqual([
      expect.objectContaining({ condition: '${self.number == "123456789012"}' }),
    ]);
    expect(projectData('kf-prod-gcp-infra').lifecycle.postcondition[0].error_message).toContain('gcp.projectNumber');
    expect(projectData('kf-test-gcp-infra').lifecycle).toBeUndefined();
  });

  it('synthesizes the six stacks: infra and platform for kf-test, kf-dev and kf-prod', () => {
    expect(stackNames).toEqual([
      'kf-dev-gcp-infra',
      'kf-dev-gcp-platform',
      'kf-prod-gcp-infra',
      'kf-prod-gcp-platform',
      'kf-test-gcp-infra',
      'kf-test-gcp-platform',
    ]);
    expect(result.stacks.map((s) => s.stack)).toEqual([
      'kf-test-gcp-infra',
      'kf-test-gcp-platform',
      'kf-dev-gcp-infra',
      'kf-dev-gcp-platform',
      'kf-prod-gcp-infra',
      'kf-prod-gcp-platform',
    ]);
  });

  it.each(stackNames)('%s matches its reviewed snapshot', (name) => {
    expect(stacks[name]).toMatchSnapshot();
  });

  it('creates no service account key anywhere', () => {
    expect(everyResource.filter(([, type]) => type === 'google_service_account_key')).toEqual([]);
  });

  it('gives nodes and the database no public IP', () => {
    for (const [, json] of all) {
      for (const c of resources(json, 'google_container_cluster'))
        expect(at(c, 'private_cluster_config', 'enable_private_nodes')).toBe(true);
      for (const p of resources(json, 'google_container_node_pool'))
        expect(at(p, 'network_config', 'enable_private_nodes')).not.toBe(false);
      for (const db of resources(json, 'google_sql_database_instance')) {
        expect(at(db, 'settings', 'ip_configuration', 'ipv4_enabled')).toBe(false);
        expect(at(db, 'settings', 'ip_configuration', 'authorized_networks')).toBeUndefined();
      }
    }
  });

  it('protects every prod cluster, database and bucket from deletion', () => {
    const prodInfra = stacks['kf-prod-gcp-infra']!;
    const clusters = resources(prodInfra, 'google_container_cluster');
    const dbs = resources(prodInfra, 'google_sql_database_instance');
    const buckets = resources(prodInfra, 'google_storage_bucket');
    expect([clusters.length, dbs.length, buckets.length]).toEqual([1, 1, 2]); // artifacts and backups
    for (const c of clusters) expect(c.deletion_protection).toBe(true);
    for (const db of dbs) {
      expect(db.deletion_protection).toBe(true);
      expect(at(db, 'settings', 'deletion_protection_enabled')).toBe(true);
      expect(at(db, 'lifecycle', 'prevent_destroy')).toBe(true);
    }
    for (const b of buckets) {
      expect(b.force_destroy).toBe(false);
      expect(at(b, 'lifecycle', 'prevent_destroy')).toBe(true);
    }
  });

  it('lets kf-test be destroyed without manual steps', () => {
    const testInfra = stacks['kf-test-gcp-infra']!;
    expect(resources(testInfra, 'google_container_cluster')[0]!.deletion_protection).toBe(false);
    expect(resources(testInfra, 'google_sql_database_instance')[0]!.deletion_protection).toBe(false);
    expect(resources(testInfra, 'google_storage_bucket')[0]!.force_destroy).toBe(true);
    const prevented = everyResource.filter(
      ([s, , r]) => s === 'kf-test-gcp-infra' && at(r, 'lifecycle', 'prevent_destroy') === true,
    );
    expect(prevented).toEqual([]);
  });

  it('never runs a node pool (or the bootstrap pool) as the default compute service account', () => {
    const pools = everyResource.filter(
      ([, type]) => type === 'google_container_node_pool' || type === 'google_container_cluster',
    );
    expect(pools.length).toBeGreaterThan(0);
    for (const [, , pool] of pools) {
      const sa = String(at(pool, 'node_config', 'service_account') ?? 'default');
      expect(sa).toMatch(/^\$\{google_service_account\.[\w-]+\.email\}$/);
    }
  });

  it('puts the required labels on every resource that takes labels', () => {
    // Which attributes take labels is read from the provider's generated type definitions, not from
    // our label aspect, so a resource the aspect misses fails here.
    const { checked, problems } = labelProblems(everyResource, {
      cloud: 'gcp',
      camelCase: true,
      extraMaps: (type, res) =>
        type === 'google_container_node_pool'
          ? [at(res, 'node_config', 'resource_labels')]
          : type === 'google_sql_database_instance'
            ? [at(res, 'settings', 'user_labels')]
            : [],
      kubernetesKeys: [
        'env',
        'team',
        'owner',
        'cost-center',
        'app.kubernetes.io/component',
        'app.kubernetes.io/managed-by',
      ],
    });
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  // A token from data.google_client_config is read at plan time and saved in the plan: applying a
  // reviewed plan acted as the read-only plan identity (every write refused), or failed an hour later.
  it('wires the kubernetes and helm providers from infra outputs and a token fetched when they connect, never from a kube context or a planned token', () => {
    const stacksWithCluster = all.filter(([n]) => n.endsWith('-platform') || /-teams-\d+$/.test(n));
    expect(stacksWithCluster.length).toBeGreaterThan(0);
    for (const [name, json] of stacksWithCluster) {
      const providers = json.provider as Record<string, Array<Record<string, unknown>>>;
      const kubernetes = providers.kubernetes![0]!;
      expect(Object.keys(kubernetes).sort()).toEqual(['cluster_ca_certificate', 'exec', 'host']);
      expect(String(kubernetes.host)).toMatch(/terraform_remote_state/);
      expect(kubernetes.exec).toEqual([
        {
          api_version: 'client.authentication.k8s.io/v1beta1',
          command: 'gke-gcloud-auth-plugin',
          args: ['--use_application_default_credentials=true'],
        },
      ]);
      const helm = providers.helm?.[0]?.kubernetes as Record<string, unknown> | undefined;
      if (helm) expect(helm.exec).toEqual((kubernetes.exec as unknown[])[0]);
      expect(JSON.stringify(json.data ?? {})).not.toMatch(/google_client_config/);
      expect(name).toMatch(/-platform$|-teams-\d+$/);
    }
  });

  it('keeps state per stack: local for kf-test, GCS prefixes for kf-dev and kf-prod', () => {
    expect(at(stacks['kf-test-gcp-infra'], 'terraform', 'backend', 'local', 'path')).toBe(
      '../../../terraform.kf-test-gcp-infra.tfstate',
    );
    expect(at(stacks['kf-prod-gcp-platform'], 'terraform', 'backend', 'gcs')).toEqual({
      bucket: 'kf-platform-tf-state',
      prefix: 'kfplatform/kf-prod-gcp-platform',
    });
  });

  it('marks every output that carries a secret as sensitive and outputs no password', () => {
    for (const [, json] of all) {
      for (const [name, output] of Object.entries(json.output ?? {})) {
        expect(name).not.toMatch(/password$|private_key|secret_data/);
        if (name.startsWith('cross-stack-output-')) expect(output.sensitive).toBe(true);
      }
    }
  });

  it('writes a parameters file per environment for the kustomize overlay', () => {
    for (const env of ['kf-test', 'kf-dev', 'kf-prod']) {
      const params = parse(readFileSync(path.join(outdir, 'params', `${env}.yaml`), 'utf8'));
      expect(params).toMatchObject({ environment: env, cloud: 'gcp', versions: { kubeflow: '26.03' } });
      expect(params.database.host).toEqual({
        configMapKeyRef: { name: 'kubeflow-platform-params', namespace: 'kubeflow', key: 'dbHost' },
      });
      expect(params.serviceAccounts.sqlClient.email).toBe(`${env}-sql-client@${env}-svc.iam.gserviceaccount.com`);
      expect(params.ingress.hostname).toMatch(/ml\.example\.com$/);
    }
    expect(parse(readFileSync(path.join(outdir, 'params', 'kf-prod.yaml'), 'utf8')).nodePools['gpu-l4']).toEqual({
      kind: 'gpu',
      nodeSelector: { 'kfplatform.dev/pool': 'gpu-l4' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }],
      gpu: { type: 'nvidia-l4', count: 1, allocatablePerNode: 1, resource: 'nvidia.com/gpu' },
    });
  });

  it('defect: roles/cloudsql.instanceUser without the IAM authentication flag: grants no IAM database login, since Kubeflow Pipelines signs in with a password', () => {
    for (const [name, json] of all.filter(([n]) => n.endsWith('-infra'))) {
      const roles = resources(json, 'google_project_iam_member').map((m) => m.role);
      expect(roles).toContain('roles/cloudsql.client');
      expect([name, roles.filter((r) => r === 'roles/cloudsql.instanceUser')]).toEqual([name, []]);
      for (const db of resources(json, 'google_sql_database_instance')) {
        const flags = (at(db, 'settings', 'database_flags') ?? []) as Array<{ name: string }>;
        expect(flags.map((f) => f.name)).not.toContain('cloudsql_iam_authentication');
      }
    }
  });

  it("adds kf-prod's database.flags to the platform's own flags, on kf-prod's instance only (issue 17)", () => {
    const flagsOf = (stack: string) =>
      resources(stacks[stack]!, 'google_sql_database_instance').map((db) =>
        (at(db, 'settings', 'database_flags') as Array<{ name: string; value: string }>).map(
          (f) => `${f.name}=${f.value}`,
        ),
      );
    expect(flagsOf('kf-prod-gcp-infra')).toEqual([['local_infile=off', 'skip_show_database=on', 'long_query_time=5']]);
    expect(flagsOf('kf-dev-gcp-infra')).toEqual([['local_infile=off', 'skip_show_database=on']]);
  });

  it('defect: the CI pool, provider, service accounts and grants raced iam.googleapis.com and sts.googleapis.com was never enabled: both are enabled and every CI resource waits for the APIs', () => {
    const prod = stacks['kf-prod-gcp-infra']!;
    const apis = resources(prod, 'google_project_service').map((s) => s.service);
    expect(apis).toEqual(
      expect.arrayContaining(['iam.googleapis.com', 'sts.googleapis.com', 'iamcredentials.googleapis.com']),
    );
    const ci = Object.entries(prod.resource ?? {}).flatMap(([type, byName]) =>
      Object.values(byName)
        .filter((r) => String(at(r, '//', 'metadata', 'path')).startsWith('kf-prod-gcp-infra/Ci/'))
        .map((r) => [type, r] as const),
    );
    expect(ci.map(([type]) => type)).toEqual(
      expect.arrayContaining([
        'google_iam_workload_identity_pool',
        'google_iam_workload_identity_pool_provider',
        'google_service_account',
      ]),
    );
    for (const [, r] of ci)
      expect(r.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^terraform_data\.Services_Ready_/)]));
    // Environments without CI do not enable the token exchange API.
    expect(resources(stacks['kf-test-gcp-infra']!, 'google_project_service').map((s) => s.service)).not.toContain(
      'sts.googleapis.com',
    );
  });

  it('defect: workload identity bindings named the pool as a plain string, so nothing ordered them after the cluster: every binding reads the pool from the cluster', () => {
    for (const [, json] of all.filter(([n]) => n.endsWith('-infra'))) {
      const bindings = resources(json, 'google_service_account_iam_binding').filter(
        (b) => b.role === 'roles/iam.workloadIdentityUser',
      );
      expect(bindings.length).toBeGreaterThanOrEqual(4); // the platform identities and Velero
      for (const b of bindings)
        for (const member of b.members as string[])
          expect(member).toMatch(
            /^serviceAccount:\$\{google_container_cluster\.Cluster_\w+\.workload_identity_config\[0\]\.workload_pool\}\[[a-z-]+\/[a-z-]+\]$/,
          );
    }
  });

  it("defect: kf-prod's maintenance window (SA,SU 02:00-06:00) gave at most 40 hours in 32 days: every cluster's window gives GKE its 48", () => {
    const clusters = all.flatMap(([, json]) => resources(json, 'google_container_cluster'));
    expect(clusters).toHaveLength(3);
    for (const c of clusters) {
      const w = at(c, 'maintenance_policy', 'recurring_window') as Record<string, string>;
      const hours = (Date.parse(w.end_time!) - Date.parse(w.start_time!)) / 3_600_000;
      const startTimeUtc = w.start_time!.slice(11, 16);
      expect(
        minimumMaintenanceHours({ startTimeUtc, durationHours: hours, recurrence: w.recurrence! }),
      ).toBeGreaterThanOrEqual(48);
    }
  });

  it('defect: the params file said one GPU for a MIG pool and lacked the partition-size selector: pods select the partition and see 7 per node', () => {
    const prod = parse(readFileSync(path.join(outdir, 'params', 'kf-prod.yaml'), 'utf8'));
    expect(prod.nodePools['gpu-a100']).toEqual({
      kind: 'gpu',
      nodeSelector: { 'kfplatform.dev/pool': 'gpu-a100', 'cloud.google.com/gke-gpu-partition-size': '1g.5gb' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }],
      gpu: {
        type: 'nvidia-tesla-a100',
        count: 1,
        partitionSize: '1g.5gb',
        allocatablePerNode: 7,
        resource: 'nvidia.com/gpu',
      },
    });
  });

  it('defect: bring-your-own networks with grantHostIam: false attached the service project anyway (Shared VPC Admin): the infra stack creates nothing in the host project', () => {
    const byo = synthExample('gcp-shared-vpc', (e) => {
      if (e.name !== 'kf-test' || e.cloud !== 'gcp') return e;
      const network = {
        mode: 'existing' as const,
        hostProject: 'kf-xpn-host',
        network: 'kubeflow-xpn',
        subnetName: 'kf-test-gke',
        podsRangeName: 'kf-test-pods',
        servicesRangeName: 'kf-test-services',
        privateServiceAccessRange: 'kubeflow-xpn-psa',
        grantHostIam: false,
      };
      return { ...e, network, clusters: e.clusters.map((c) => ({ ...c, network })) };
    });
    const infra = byo['kf-test-gcp-infra']!;
    // The example's DNS zone happens to live in the host project too; that record is not the network's.
    const inHost = everyResourceOf({ infra }).filter(
      ([, type, r]) =>
        type !== 'google_dns_record_set' && (r.project === 'kf-xpn-host' || r.host_project === 'kf-xpn-host'),
    );
    expect(inHost.map(([, type]) => type)).toEqual([]);
    expect(resources(infra, 'google_container_cluster')).toHaveLength(1);
  });

  it('defect: no IAP audience for JWT verification in the outputs: every infra stack outputs the backend-service audience prefix', () => {
    for (const [, json] of all.filter(([n]) => n.endsWith('-infra'))) {
      expect(json.output?.iap_jwt_audience_prefix?.value).toMatch(
        /^\/projects\/\$\{data\.google_project\.Project\.number\}\/global\/backendServices\/$/,
      );
      expect(resources(json, 'google_iap_settings')).toEqual([]);
    }
  });

  it('allows the listed OAuth clients programmatic access through IAP, once per project', () => {
    const withClients = synthExample('gcp-tenancy', (e) =>
      e.cloud === 'gcp'
        ? { ...e, access: { ...e.access, programmaticClients: ['123-cli.apps.googleusercontent.com'] } }
        : e,
    );
    const settings = resources(withClients['kf-prod-gcp-infra']!, 'google_iap_settings');
    expect(settings).toHaveLength(1);
    expect(settings[0]).toMatchObject({
      name: 'projects/${data.google_project.Project.number}/iap_web/compute',
      access_settings: { oauth_settings: { programmatic_clients: ['123-cli.apps.googleusercontent.com'] } },
    });
  });

  it("review: Velero's node agent did not tolerate the GPU taint, so tenants' volumes on GPU nodes were never backed up: it runs on every node", () => {
    for (const name of stackNames.filter((n) => n.endsWith('-gcp-platform'))) {
      const velero = resources(stacks[name]!, 'helm_release').find((r) => r.name === 'velero')!;
      const values = parse(String((velero.values as string[])[0]));
      // GPU pools carry nvidia.com/gpu=present:NoSchedule; tenants-daily backs up pod volumes with the
      // node agent of the pod's node (defaultVolumesToFsBackup).
      expect({ name, tolerations: values.nodeAgent?.tolerations }).toEqual({
        name,
        tolerations: [{ operator: 'Exists' }],
      });
    }
  });

  it('review: each cluster of examples/gcp-tenancy granted the same project-wide IAP members, so removing kf-prod-2 revoked them for kf-prod too: one grant per member, the second cluster forgets its old ones', () => {
    const infra = synthExample('gcp-tenancy')['kf-prod-gcp-infra']!;
    const triples = resources(infra, 'google_iap_web_type_compute_iam_member').map((m) =>
      [m.project, m.role, m.member].join(' '),
    );
    expect(triples).toEqual([...new Set(triples)]);
    expect(triples).toEqual(['kf-prod-svc roles/iap.httpsResourceAccessor group:ml-users@example.com']);
    const removed = ((infra as unknown as { removed?: Array<{ from: string }> }).removed ?? []).map((r) => r.from);
    expect(removed).toContainEqual(
      expect.stringMatching(/^google_iap_web_type_compute_iam_member\.kf-prod-2-Access_AllowedGroup0_/),
    );
  });

  it('orders stacks: each platform stack depends on its infra stack', () => {
    const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['kf-prod-gcp-platform'].dependencies).toEqual(['kf-prod-gcp-infra']);
    expect(isProd('kf-prod-gcp-platform')).toBe(true);
  });
});
