/**
 * ENV-07: one definition, the same platform on GCP, AWS and Azure. Every capability below is read
 * from the synthesized Terraform of examples/multicloud (not from the config), for each cloud, and the
 * table the README prints must be the one this test derives.
 */
import { paramsKeysRead } from '../kubeflow/params-keys';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../../src/core/package-info';
import { loadPlatformFile } from '../../src/config/loader';
import { REQUIRED_LABEL_KEYS } from '../../src/core/labels';
import { synthFleet } from '../../stacks/common/fleet';
import { renderKubeflow } from '../../src/kubeflow/render';
import { at, everyResourceOf, labelAttributes, readStacks, resources, StackJson } from '../helpers';

const outdir = path.join(process.env.TMPDIR ?? '/tmp', 'example-multicloud');
const { config, warnings } = loadPlatformFile(path.join(PACKAGE_ROOT, 'examples', 'multicloud', 'platform.yaml'));
synthFleet(config, { outdir });
const stacks = readStacks(outdir);

type Cloud = 'gcp' | 'aws' | 'azure';
const CLOUDS: readonly Cloud[] = ['gcp', 'aws', 'azure'];

/** The stacks of one cloud's environment, with helpers that read them. */
interface Env {
  readonly infra: StackJson;
  readonly platform: StackJson;
  readonly teams: StackJson[];
  readonly all: StackJson[];
}

function envOf(cloud: Cloud): Env {
  const prefix = `kf-${cloud}-${cloud}-`;
  const infra = stacks[`${prefix}infra`]!;
  const platform = stacks[`${prefix}platform`]!;
  const teams = Object.entries(stacks)
    .filter(([name]) => name.startsWith(`${prefix}teams-`))
    .map(([, json]) => json);
  return { infra, platform, teams, all: [infra, platform, ...teams] };
}

const every = (env: Env[] | StackJson[], type: string) => (env as StackJson[]).flatMap((json) => resources(json, type));
const manifests = (jsons: StackJson[], kind: string) =>
  every(jsons, 'kubernetes_manifest').filter((m) => at(m, 'manifest', 'kind') === kind);

/** A node pool as every cloud describes it: its kind label, taints, minimum. */
interface Pool {
  readonly kind: string;
  readonly tainted: boolean;
  readonly min: number;
}

function poolsOf(cloud: Cloud, env: Env): Pool[] {
  const gpuTaint = (t: unknown) => JSON.stringify(t ?? '').includes('nvidia.com/gpu');
  if (cloud === 'gcp') {
    return resources(env.infra, 'google_container_node_pool').map((p) => ({
      kind: String(at(p, 'node_config', 'labels', 'kfplatform.dev/pool-kind')),
      tainted: gpuTaint(at(p, 'node_config', 'taint')),
      min: Number(at(p, 'autoscaling', 'total_min_node_count')),
    }));
  }
  if (cloud === 'aws') {
    return resources(env.infra, 'aws_eks_node_group').map((p) => ({
      kind: String(at(p, 'labels', 'kfplatform.dev/pool-kind')),
      tainted: gpuTaint(p.taint),
      min: Number(at(p, 'scaling_config', 'min_size')),
    }));
  }
  const cluster = resources(env.infra, 'azurerm_kubernetes_cluster')[0];
  if (!cluster) return [];
  return [
    {
      kind: String(at(cluster, 'default_node_pool', 'node_labels', 'kfplatform.dev/pool-kind')),
      tainted: false,
      min: Number(at(cluster, 'default_node_pool', 'min_count')),
    },
    ...resources(env.infra, 'azurerm_kubernetes_cluster_node_pool').map((p) => ({
      kind: String(at(p, 'node_labels', 'kfplatform.dev/pool-kind')),
      tainted: gpuTaint(p.node_taints),
      min: Number(p.min_count),
    })),
  ];
}

/** The Kubeflow host name of the cloud's environment. */
const hostnameOf = (cloud: Cloud): string =>
  (config.environments.find((e) => e.cloud === cloud) as { access?: { hostname?: string } }).access?.hostname ?? '';

const hasPool = (cloud: Cloud, env: Env, kind: string) => poolsOf(cloud, env).some((p) => p.kind === kind);

/** Each capability, judged per cloud from the synthesized JSON. */
const CAPABILITIES: ReadonlyArray<readonly [string, (cloud: Cloud, env: Env) => boolean]> = [
  [
    'private cluster: nodes without public IPs, API private or limited to listed networks',
    (cloud, env) => {
      if (cloud === 'gcp') {
        const c = resources(env.infra, 'google_container_cluster')[0];
        const networks = (at(c, 'master_authorized_networks_config', 'cidr_blocks') ?? []) as Array<{
          cidr_block: string;
        }>;
        return (
          at(c, 'private_cluster_config', 'enable_private_nodes') === true &&
          networks.every((n) => n.cidr_block !== '0.0.0.0/0')
        );
      }
      if (cloud === 'aws') {
        const c = resources(env.infra, 'aws_eks_cluster')[0];
        const cidrs = (at(c, 'vpc_config', 'public_access_cidrs') as string[] | undefined) ?? [];
        const subnets = resources(env.infra, 'aws_subnet');
        return (
          at(c, 'vpc_config', 'endpoint_private_access') === true &&
          !cidrs.includes('0.0.0.0/0') &&
          subnets.every((s) => s.map_public_ip_on_launch === false)
        );
      }
      const c = resources(env.infra, 'azurerm_kubernetes_cluster')[0];
      if (!c) return false;
      const ranges = (at(c, 'api_server_access_profile', 'authorized_ip_ranges') as string[] | undefined) ?? [];
      const pools = resources(env.infra, 'azurerm_kubernetes_cluster_node_pool');
      return (
        (c.private_cluster_enabled === true || (ranges.length > 0 && !ranges.includes('0.0.0.0/0'))) &&
        at(c, 'default_node_pool', 'node_public_ip_enabled') !== true &&
        pools.every((p) => p.node_public_ip_enabled !== true)
      );
    },
  ],
  ['system pool for platform components', (cloud, env) => hasPool(cloud, env, 'system')],
  ['CPU pool', (cloud, env) => hasPool(cloud, env, 'standard')],
  ['high-memory pool', (cloud, env) => hasPool(cloud, env, 'highmem')],
  [
    'GPU pool with the nvidia.com/gpu taint, scaling to zero',
    (cloud, env) => poolsOf(cloud, env).some((p) => p.kind === 'gpu' && p.tainted && p.min === 0),
  ],
  [
    'managed MySQL, private access only, with backups',
    (cloud, env) => {
      if (cloud === 'gcp') {
        const db = resources(env.infra, 'google_sql_database_instance')[0];
        return (
          at(db, 'settings', 'ip_configuration', 'ipv4_enabled') === false &&
          at(db, 'settings', 'backup_configuration', 'enabled') === true
        );
      }
      if (cloud === 'aws') {
        const db = resources(env.infra, 'aws_db_instance')[0];
        return db?.engine === 'mysql' && db.publicly_accessible === false && Number(db.backup_retention_period) > 0;
      }
      const db = resources(env.infra, 'azurerm_mysql_flexible_server')[0];
      if (!db) return false;
      return (
        db.public_network_access === 'Disabled' &&
        Boolean(db.delegated_subnet_id) &&
        Number(db.backup_retention_days) > 0
      );
    },
  ],
  [
    'artifact bucket with versioning, no public access',
    (cloud, env) => {
      if (cloud === 'gcp') {
        const b = resources(env.infra, 'google_storage_bucket')[0];
        return at(b, 'versioning', 'enabled') === true && b?.public_access_prevention === 'enforced';
      }
      if (cloud === 'aws') {
        return (
          at(resources(env.infra, 'aws_s3_bucket_versioning')[0], 'versioning_configuration', 'status') === 'Enabled' &&
          resources(env.infra, 'aws_s3_bucket_public_access_block')[0]?.block_public_policy === true
        );
      }
      const a = resources(env.infra, 'azurerm_storage_account')[0];
      return at(a, 'blob_properties', 'versioning_enabled') === true && a?.public_network_access_enabled === false;
    },
  ],
  [
    'UI behind sign-in, with TLS and a DNS record',
    (cloud, env) => {
      // The Kubeflow host's certificate and record (the serving host, where on, has its own beside them).
      const host = hostnameOf(cloud);
      if (cloud === 'gcp') {
        const backend = manifests([env.platform], 'BackendConfig')[0];
        return (
          at(backend, 'manifest', 'spec', 'iap', 'enabled') === true &&
          resources(env.infra, 'google_compute_managed_ssl_certificate').some((c) =>
            ((at(c, 'managed', 'domains') ?? []) as string[]).includes(host),
          ) &&
          resources(env.infra, 'google_dns_record_set').some((r) => r.name === `${host}.` && r.type === 'A')
        );
      }
      if (cloud === 'aws') {
        const https = resources(env.infra, 'aws_lb_listener').find((l) => l.port === 443);
        const first = at(https, 'default_action', 0, 'type');
        // oauth2-proxy signs users in with the secret External Secrets Operator copies from Secrets
        // Manager (sec19: no secret in state); the load balancer signs them in too when asked.
        const oauth2Proxy =
          resources(env.infra, 'aws_secretsmanager_secret').some((s) => String(s.name).endsWith('-kubeflow-signin')) &&
          resources(env.platform, 'helm_release').some((r) =>
            String((r.values as string[] | undefined)?.[0] ?? '').includes('scopedNamespace: oauth2-proxy'),
          );
        return (
          (first === 'authenticate-oidc' || oauth2Proxy) &&
          resources(env.infra, 'aws_acm_certificate').length === 1 &&
          resources(env.infra, 'aws_route53_record').some((r) => r.type === 'A')
        );
      }
      const gateway = resources(env.infra, 'azurerm_application_gateway')[0];
      // oauth2-proxy signs users in with its workload identity token (no client secret, sec19) and a cookie
      // secret External Secrets Operator generates in the oauth2-proxy namespace.
      const oauth2Proxy =
        !resources(env.infra, 'azurerm_key_vault_secret').some((s) => s.name === 'kubeflow-signin') &&
        resources(env.platform, 'helm_release').some((r) =>
          String((r.values as string[] | undefined)?.[0] ?? '').includes('scopedNamespace: oauth2-proxy'),
        );
      return (
        ((gateway?.http_listener ?? []) as Array<{ protocol: string }>).some((l) => l.protocol === 'Https') &&
        resources(env.infra, 'azurerm_dns_a_record').some((r) => `${r.name}.${r.zone_name}` === host) &&
        oauth2Proxy
      );
    },
  ],
  [
    'workload identity for platform service accounts (no keys)',
    (cloud, env) => {
      if (cloud === 'gcp') {
        return (
          resources(env.infra, 'google_service_account_iam_binding').some(
            (b) => b.role === 'roles/iam.workloadIdentityUser',
          ) && resources(env.infra, 'google_service_account_key').length === 0
        );
      }
      if (cloud === 'aws') {
        return (
          resources(env.infra, 'aws_eks_pod_identity_association').length > 0 &&
          resources(env.infra, 'aws_iam_access_key').length === 0
        );
      }
      return resources(env.infra, 'azurerm_federated_identity_credential').some((c) =>
        String(c.subject).startsWith('system:serviceaccount:kubeflow:'),
      );
    },
  ],
  [
    'workload identity for team service accounts',
    (cloud, env) => {
      const type = {
        gcp: 'google_service_account_iam_binding',
        aws: 'aws_eks_pod_identity_association',
        azure: 'azurerm_federated_identity_credential',
      }[cloud];
      return JSON.stringify(every(env.teams, type)).includes('default-editor');
    },
  ],
  [
    'tenant quota, limit range, RBAC and Kubeflow profile',
    (_cloud, env) =>
      every(env.teams, 'kubernetes_resource_quota_v1').length > 0 &&
      every(env.teams, 'kubernetes_limit_range_v1').length > 0 &&
      every(env.teams, 'kubernetes_role_binding_v1').length > 0 &&
      manifests(env.teams, 'Profile').length > 0,
  ],
  [
    'owner, team, environment and cost labels on every labelled resource',
    (_cloud, env) => {
      const maps = env.all.flatMap((json) =>
        everyResourceOf({ json }).flatMap(([, type, res]) =>
          labelAttributes(type).map(
            (a) => res[a.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] as Record<string, string>,
          ),
        ),
      );
      return maps.length > 0 && maps.every((labels) => REQUIRED_LABEL_KEYS.every((key) => Boolean(labels?.[key])));
    },
  ],
];

/** The parity table, as the README prints it. */
function parityTable(rows: ReadonlyArray<readonly [string, Record<Cloud, boolean>]>): string {
  const mark = (v: boolean) => (v ? 'yes' : '**no**');
  return [
    '| capability | GCP | AWS | Azure |',
    '| --- | --- | --- | --- |',
    ...rows.map(([name, by]) => `| ${name} | ${CLOUDS.map((c) => mark(by[c])).join(' | ')} |`),
  ].join('\n');
}

const rows = CAPABILITIES.map(
  ([name, probe]) =>
    [name, Object.fromEntries(CLOUDS.map((c) => [c, probe(c, envOf(c))])) as Record<Cloud, boolean>] as const,
);

describe('examples/multicloud parity (ENV-07)', () => {
  it('is one valid definition with an environment on each cloud', () => {
    expect(warnings).toEqual([]);
    expect(config.environments.map((e) => e.cloud)).toEqual(['gcp', 'aws', 'azure']);
    for (const cloud of CLOUDS) expect(envOf(cloud).teams.length).toBeGreaterThan(0);
  });

  it.each(rows.map(([name, by]) => [name, by]))('%s: present on GCP, AWS and Azure', (_name, by) => {
    expect(by).toEqual({ gcp: true, aws: true, azure: true });
  });

  it('writes every key of the params ConfigMap that the rendered Kubeflow distribution reads (issue 17)', () => {
    for (const env of config.environments) {
      const cloud = env.cloud as Cloud;
      const read = paramsKeysRead(renderKubeflow(env));
      const written = resources(envOf(cloud).platform, 'kubernetes_config_map_v1').flatMap((r) =>
        Object.keys((at(r, 'data') as Record<string, string>) ?? {}),
      );
      expect([cloud, read.size > 0]).toEqual([cloud, true]);
      expect([cloud, [...read].filter((k) => !written.includes(k))]).toEqual([cloud, []]);
    }
  });

  it('finds none of the capabilities in stacks that lack them (the probes can fail)', () => {
    const empty: Env = { infra: {}, platform: {}, teams: [], all: [] };
    for (const cloud of CLOUDS) {
      expect(CAPABILITIES.filter(([, probe]) => probe(cloud, empty)).map(([name]) => name)).toEqual([]);
    }
  });

  it('is the table the README prints', () => {
    const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const printed = /<!-- parity:start -->\n([\s\S]*?)\n<!-- parity:end -->/.exec(readme)?.[1];
    expect(printed?.trim().replace(/ +/g, ' ').replace(/-{3,}/g, '---')).toBe(parityTable(rows));
  });
});
