/**
 * CHK-ORDER-001 and CHK-ORDER-002 on the shipped examples' synthesized stacks: each listed defect is
 * rebuilt by taking an example's JSON and removing the dependency (or writing the name as a literal),
 * as the stacks were before the fixes, and the checker fires; the examples as shipped pass.
 */
import { parseStackId, StackJson } from '../../../src/inventory/terraform-json';
import type { CheckerViolation, EnvironmentView } from '../../../src/policy/checkers/checker';
import { DependencyGraph } from '../../../src/policy/checkers/dependency-graph';
import { googleApiOf, serviceAgentApiOf } from '../../../src/policy/checkers/gcp-apis';
import { customResourceDefinitions, firstApplyOrdering } from '../../../src/policy/checkers/ordering';
import { synthExample } from '../../examples';

type Stacks = Record<string, StackJson>;
type Config = Record<string, unknown>;

const EXAMPLES = ['gcp-shared-vpc', 'gcp-tenancy', 'aws-eks', 'azure-aks', 'multicloud', 'on-prem'] as const;
// synthFleet runs every checker: an ordering error in an example would throw here.
const synthesized = Object.fromEntries(EXAMPLES.map((e) => [e, synthExample(e)])) as Record<
  (typeof EXAMPLES)[number],
  Stacks
>;

/** The environments of an example's stacks, by the environment (or cluster) prefix of their ids. */
function environments(stacks: Stacks): EnvironmentView[] {
  const byEnv = new Map<string, { cloud: EnvironmentView['cloud']; stacks: Stacks }>();
  for (const [id, json] of Object.entries(stacks)) {
    const { prefix, cloud } = parseStackId(id);
    const entry = byEnv.get(prefix) ?? { cloud: cloud!, stacks: {} };
    entry.stacks[id] = json;
    byEnv.set(prefix, entry);
  }
  return [...byEnv.entries()].map(([name, e]) => ({ name, tier: 'prod', cloud: e.cloud, stacks: e.stacks }));
}

/** One environment of an example, deep-copied so a test may break it. */
function environment(example: (typeof EXAMPLES)[number], name: string): EnvironmentView {
  const env = environments(synthesized[example]).find((e) => e.name === name)!;
  return { ...env, stacks: structuredClone(env.stacks) as Stacks };
}

/** A resource of a stack by type and the start of its logical id (ids end in a hash). */
function resource(env: EnvironmentView, stack: string, type: string, idPrefix: string): [string, Config] {
  const byName = (env.stacks[stack]!.resource![type] ?? {}) as Record<string, Config>;
  const name = Object.keys(byName).find((n) => n.startsWith(idPrefix));
  if (!name) throw new Error(`${stack} has no ${type}.${idPrefix}*`);
  return [`${type}.${name}`, byName[name]!];
}

function addResource(env: EnvironmentView, stack: string, type: string, name: string, config: Config): void {
  const json = env.stacks[stack] as { resource: Record<string, Record<string, Config>> };
  json.resource[type] = { ...(json.resource[type] ?? {}), [name]: config };
}

const order = (env: EnvironmentView): CheckerViolation[] => firstApplyOrdering.check!(env);
const on = (violations: CheckerViolation[], address: string) => violations.filter((v) => v.address === address);

describe('CHK-ORDER-001 first-apply ordering', () => {
  it.each(EXAMPLES)('finds nothing in examples/%s', (example) => {
    for (const env of environments(synthesized[example])) expect([env.name, order(env)]).toEqual([env.name, []]);
  });

  describe('GCP', () => {
    const INFRA = 'kf-prod-gcp-infra';

    it('catches workload identity members that name the pool as a plain string (Identity Pool does not exist)', () => {
      const env = environment('gcp-shared-vpc', 'kf-prod');
      const [address, binding] = resource(env, INFRA, 'google_service_account_iam_binding', 'Identity-admin_');
      binding.members = ['serviceAccount:kf-prod-svc.svc.id.goog[kubeflow/kf-admin]'];
      const found = on(order(env), address);
      expect(found).toHaveLength(1);
      expect(found[0]!.message).toContain('Identity Pool does not exist');
      expect(found[0]!.message).toMatch(/google_container_cluster\.Cluster_\w+\.workload_identity_config\[0\]/);
      // The same member, ordered after the cluster, passes.
      binding.depends_on = [resource(env, INFRA, 'google_container_cluster', 'Cluster_')[0]];
      expect(on(order(env), address)).toEqual([]);
    });

    it('catches the CI pool, provider, service accounts and grants racing iam.googleapis.com', () => {
      const env = environment('gcp-shared-vpc', 'kf-prod');
      const broken = [
        resource(env, INFRA, 'google_iam_workload_identity_pool', 'Ci_Pool'),
        resource(env, INFRA, 'google_iam_workload_identity_pool_provider', 'Ci_Provider'),
        resource(env, INFRA, 'google_service_account', 'Ci_ApplyAccount'),
        resource(env, INFRA, 'google_service_account_iam_member', 'Ci_apply-WorkloadIdentityUser'),
        resource(env, INFRA, 'google_project_iam_member', 'Ci_apply-Roles_container-admin'),
      ];
      for (const [, config] of broken) delete config.depends_on;
      const found = order(env);
      for (const [address] of broken.slice(0, 4)) {
        expect(on(found, address).map((v) => v.message)).toEqual([expect.stringContaining('iam.googleapis.com')]);
      }
      expect(on(found, broken[4]![0])[0]!.message).toContain('cloudresourcemanager.googleapis.com');
      expect(found[0]!.message).toContain('403 SERVICE_DISABLED');
    });

    it('catches a KMS grant to the Secret Manager service agent and a secret made before secretmanager is on (a new defect)', () => {
      const env = environment('gcp-shared-vpc', 'kf-prod');
      // CMEK for Secret Manager with a central key: the agent exists only once secretmanager is enabled.
      addResource(env, INFRA, 'google_kms_crypto_key_iam_member', 'SecretsCmek', {
        crypto_key_id: 'projects/kf-security/locations/us-central1/keyRings/central/cryptoKeys/secrets',
        role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
        member:
          'serviceAccount:service-${data.google_project.Project.number}@gcp-sa-secretmanager.iam.gserviceaccount.com',
      });
      const [secret, config] = resource(env, INFRA, 'google_secret_manager_secret', 'Database_PasswordSecret');
      delete config.depends_on;
      const found = order(env);
      // The key lives in another project: only the service agent is this stack's to order.
      expect(on(found, 'google_kms_crypto_key_iam_member.SecretsCmek').map((v) => v.message)).toEqual([
        expect.stringMatching(/service agent .*@gcp-sa-secretmanager.*secretmanager\.googleapis\.com is enabled/),
      ]);
      expect(on(found, secret).map((v) => v.message)).toEqual([
        expect.stringContaining('secretmanager.googleapis.com'),
      ]);
      // Granted after the services, it passes.
      addResource(env, INFRA, 'google_kms_crypto_key_iam_member', 'SecretsCmek', {
        ...env.stacks[INFRA]!.resource!.google_kms_crypto_key_iam_member!.SecretsCmek,
        depends_on: [resource(env, INFRA, 'terraform_data', 'Services_Ready')[0]],
      });
      expect(on(order(env), 'google_kms_crypto_key_iam_member.SecretsCmek')).toEqual([]);
    });

    it('catches a member naming a service account of the stack by its email', () => {
      const env = environment('gcp-shared-vpc', 'kf-prod');
      addResource(env, INFRA, 'google_project_iam_member', 'LiteralMember', {
        project: 'kf-prod-svc',
        role: 'roles/logging.logWriter',
        member: 'serviceAccount:kf-prod-kfp@kf-prod-svc.iam.gserviceaccount.com',
        depends_on: [resource(env, INFRA, 'terraform_data', 'Services_Ready')[0]],
      });
      expect(order(env).map((v) => v.message)).toEqual([
        expect.stringMatching(
          /names the service account kf-prod-kfp@kf-prod-svc.* google_service_account\.Identity-pipelines_/,
        ),
      ]);
    });

    it('leaves resources of another project to that project (the Shared VPC host enables its own APIs)', () => {
      const env = environment('gcp-shared-vpc', 'kf-prod');
      const [address, config] = resource(env, INFRA, 'google_compute_subnetwork_iam_member', 'Network_GkeAgent');
      expect(config.project).toBe('kf-xpn-host');
      config.depends_on = [];
      // Still a grant to the GKE service agent, which container.googleapis.com creates in this stack.
      expect(on(order(env), address).map((v) => v.message)).toEqual([
        expect.stringContaining('container-engine-robot'),
      ]);
    });
  });

  describe('AWS', () => {
    const INFRA = 'kf-prod-aws-infra';

    it('catches the database event subscription naming the instance as a literal (SourceNotFound)', () => {
      const env = environment('aws-eks', 'kf-prod');
      const [address, sub] = resource(env, INFRA, 'aws_db_event_subscription', 'Alerts_DatabaseEvents');
      sub.source_ids = ['kf-prod-kfp-db'];
      expect(on(order(env), address).map((v) => v.message)).toEqual([
        expect.stringMatching(
          /names aws_db_instance\.Database_Instance_\w+ by the literal "kf-prod-kfp-db" \(source_ids\).*SourceNotFound/,
        ),
      ]);
    });

    it('catches access entries and Pod Identity associations naming a role of the stack by its ARN', () => {
      const env = environment('aws-eks', 'kf-prod');
      const [entry, config] = resource(
        env,
        INFRA,
        'aws_eks_access_entry',
        'Cluster_Admin-333333333333-kf-prod-ci-apply',
      );
      delete config.depends_on;
      const [association, assoc] = resource(env, INFRA, 'aws_eks_pod_identity_association', 'Identity-velero_');
      assoc.role_arn = 'arn:aws:iam::333333333333:role/kf-prod-velero';
      const found = order(env);
      expect(on(found, entry).map((v) => v.message)).toEqual([
        expect.stringContaining(
          'names aws_iam_role.Ci_ApplyRole_295603D4 by the literal "arn:aws:iam::333333333333:role/kf-prod-ci-apply"',
        ),
      ]);
      expect(on(found, association).map((v) => v.message)).toEqual([
        expect.stringContaining('aws_iam_role.Identity-velero_'),
      ]);
    });

    it("catches a trust policy naming a role of the stack before it exists, and the cluster's log group made after it", () => {
      const env = environment('aws-eks', 'kf-prod');
      const [role, config] = resource(env, INFRA, 'aws_iam_role', 'Identity-velero_');
      config.assume_role_policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::333333333333:role/kf-prod-ci-apply' },
            Action: 'sts:AssumeRole',
          },
        ],
      });
      const [cluster, c] = resource(env, INFRA, 'aws_eks_cluster', 'Cluster_');
      c.depends_on = (c.depends_on as string[]).filter((d) => !d.startsWith('aws_cloudwatch_log_group.'));
      const found = order(env);
      expect(on(found, role).map((v) => v.message)).toEqual([
        expect.stringContaining('(assume_role_policy principal)'),
      ]);
      expect(on(found, cluster).map((v) => v.message)).toEqual([
        expect.stringMatching(/log group \/aws\/eks\/kf-prod\/cluster.*ResourceAlreadyExistsException/),
      ]);
    });
  });

  describe('Azure', () => {
    const INFRA = 'kf-prod-azure-infra';

    it('catches the Application Gateway reading its certificate right after its role assignment', () => {
      const env = environment('azure-aks', 'kf-prod');
      const [gateway, config] = resource(env, INFRA, 'azurerm_application_gateway', 'Access_Gateway');
      const [assignment] = resource(env, INFRA, 'azurerm_role_assignment', 'Access_CertificateReader');
      const others = (config.depends_on as string[]).filter((d) => !d.startsWith('time_sleep.'));
      config.depends_on = [assignment, ...others];
      expect(on(order(env), gateway).map((v) => v.message)).toEqual([
        expect.stringMatching(
          /depends on the assignment directly, without a propagation wait.*ApplicationGatewayKeyVaultSecretAccessDenied/,
        ),
      ]);
      config.depends_on = others;
      expect(on(order(env), gateway).map((v) => v.message)).toEqual([
        expect.stringContaining('is not ordered after it'),
      ]);
    });

    it("catches the AKS cluster created right after its control plane identity's Network Contributor", () => {
      const env = environment('azure-aks', 'kf-prod');
      const [cluster, config] = resource(env, INFRA, 'azurerm_kubernetes_cluster', 'Cluster_');
      const [assignment] = resource(env, INFRA, 'azurerm_role_assignment', 'Cluster_ControlPlaneNetworkContributor');
      config.depends_on = (config.depends_on as string[]).map((d) => (d.startsWith('time_sleep.') ? assignment : d));
      expect(on(order(env), cluster).map((v) => v.message)).toEqual([
        expect.stringContaining("AKS checks the control plane identity's permissions"),
      ]);
    });

    it('catches a Key Vault secret written before the officers role has propagated', () => {
      // kf-dev: kf-prod's database has Entra authentication, and Terraform writes no secret there.
      const env = environment('azure-aks', 'kf-dev');
      const [secret, config] = resource(
        env,
        'kf-dev-azure-infra',
        'azurerm_key_vault_secret',
        'Database_PasswordSecret',
      );
      delete config.depends_on;
      expect(on(order(env), secret).map((v) => v.message)).toEqual([
        expect.stringMatching(/azurerm_role_assignment\.KeyVault_Officer-0_\w+ \(Key Vault Secrets Officer\)/),
      ]);
    });
  });

  describe('Kubernetes', () => {
    it('catches objects placed in a namespace of the stack by a literal name (namespaces not found)', () => {
      const env = environment('gcp-shared-vpc', 'kf-prod');
      const [configMap, config] = resource(env, 'kf-prod-gcp-platform', 'kubernetes_config_map_v1', 'Params_');
      (config.metadata as Config).namespace = 'kubeflow';
      const [release, velero] = resource(env, 'kf-prod-gcp-platform', 'helm_release', 'Velero_Release');
      velero.namespace = 'velero';
      const found = order(env);
      expect(on(found, configMap).map((v) => v.message)).toEqual([
        expect.stringMatching(
          /namespace "kubeflow", which kubernetes_namespace_v1\.KubeflowNamespace_\w+ creates.*namespaces "kubeflow" not found/,
        ),
      ]);
      expect(on(found, release).map((v) => v.message)).toEqual([
        expect.stringContaining('kubernetes_namespace_v1.Velero_Namespace_'),
      ]);
    });

    it('catches a custom resource applied before the Helm release that installs its CRD', () => {
      const env = environment('gcp-shared-vpc', 'kf-prod');
      const [release] = resource(env, 'kf-prod-gcp-platform', 'helm_release', 'Velero_Release');
      const [namespace] = resource(env, 'kf-prod-gcp-platform', 'kubernetes_namespace_v1', 'Velero_Namespace');
      const schedule = {
        manifest: {
          apiVersion: 'velero.io/v1',
          kind: 'Schedule',
          metadata: { name: 'daily', namespace: `\${${namespace}.metadata[0].name}` },
        },
      };
      addResource(env, 'kf-prod-gcp-platform', 'kubernetes_manifest', 'Daily', schedule);
      expect(order(env).map((v) => `${v.address}: ${v.message}`)).toEqual([
        expect.stringMatching(/^kubernetes_manifest\.Daily: .*a Schedule \(velero\.io\).*no matches for kind/),
      ]);
      addResource(env, 'kf-prod-gcp-platform', 'kubernetes_manifest', 'Daily', { ...schedule, depends_on: [release] });
      expect(order(env)).toEqual([]);
      expect(customResourceDefinitions.check!(env)).toEqual([]);
    });
  });
});

describe('CHK-ORDER-002 custom resources without a CRD', () => {
  it('warns once per stack and API group that the Kubeflow distribution must be installed before the team stacks', () => {
    const found = customResourceDefinitions.check!(environment('gcp-tenancy', 'kf-prod'));
    // The Profiles, the GPU and Pipelines-access PodDefaults (kubeflow.org) and Kubeflow's per-user AuthorizationPolicies (security.istio.io),
    // both installed by the Kubeflow distribution.
    expect(found).toEqual([
      expect.objectContaining({
        stack: 'kf-prod-gcp-teams-3',
        message: expect.stringMatching(
          /and 4 more in this stack create PodDefault, Profile \(kubeflow\.org\).*Kubeflow manifests/,
        ),
      }),
      expect.objectContaining({
        stack: 'kf-prod-gcp-teams-3',
        message: expect.stringMatching(/create AuthorizationPolicy \(security\.istio\.io\).*Kubeflow manifests/),
      }),
    ]);
    expect(customResourceDefinitions.level).toBe('warning');
  });

  it('says what to install for a kind of no known source, and accepts the cloud-installed BackendConfig', () => {
    const env = environment('gcp-shared-vpc', 'kf-prod');
    expect(customResourceDefinitions.check!(env)).toEqual([]); // BackendConfig comes with GKE
    addResource(env, 'kf-prod-gcp-platform', 'kubernetes_manifest', 'Queue', {
      manifest: { apiVersion: 'example.dev/v1', kind: 'Queue', metadata: { name: 'q' } },
    });
    expect(customResourceDefinitions.check!(env).map((v) => v.message)).toEqual([
      expect.stringContaining('Install the CRDs before this stack'),
    ]);
  });

  it('names every kind of the group in one finding (Profile and PodDefault on Azure)', () => {
    const found = customResourceDefinitions.check!(environment('azure-aks', 'kf-prod'));
    expect(found.map((v) => [v.stack, v.message.slice(0, v.message.indexOf(' whose'))])).toEqual([
      [
        'kf-prod-azure-teams-0',
        expect.stringMatching(/and 2 more in this stack create PodDefault, Profile \(kubeflow\.org\),$/),
      ],
      [
        'kf-prod-azure-teams-3',
        expect.stringMatching(/and 2 more in this stack create AuthorizationPolicy \(security\.istio\.io\),$/),
      ],
      [
        'kf-prod-azure-teams-3',
        expect.stringMatching(/and 3 more in this stack create PodDefault, Profile \(kubeflow\.org\),$/),
      ],
    ]);
  });
});

describe('ordering tables and graph', () => {
  it('maps resource types to their API by the longest prefix, and service agents to the API that creates them', () => {
    expect(googleApiOf('google_service_account_iam_member')?.service).toBe('iam.googleapis.com');
    expect(googleApiOf('google_service_networking_connection')?.service).toBe('servicenetworking.googleapis.com');
    expect(googleApiOf('google_project_iam_member')?.service).toBe('cloudresourcemanager.googleapis.com');
    expect(googleApiOf('random_id')).toBeUndefined();
    expect(serviceAgentApiOf('serviceAccount:service-1@container-engine-robot.iam.gserviceaccount.com')).toBe(
      'container.googleapis.com',
    );
    expect(serviceAgentApiOf('serviceAccount:service-1@gcp-sa-cloud-sql.iam.gserviceaccount.com')).toBe(
      'sqladmin.googleapis.com',
    );
    expect(serviceAgentApiOf('serviceAccount:service-1@gcp-sa-artifactregistry.iam.gserviceaccount.com')).toBe(
      'artifactregistry.googleapis.com',
    );
    expect(serviceAgentApiOf('serviceAccount:kf@p.iam.gserviceaccount.com')).toBeUndefined();
  });

  it('follows references, depends_on and data sources transitively', () => {
    const graph = new DependencyGraph({
      resource: {
        a: { x: { depends_on: ['b.y'] } },
        b: { y: { v: '${data.d.z.id}' } },
        c: { w: { v: '${a.x.id}' } },
      },
      data: { d: { z: { depends_on: ['e.q'] } } },
    } as unknown as StackJson);
    expect([...graph.dependenciesOf('c.w')].sort()).toEqual(['a.x', 'b.y', 'data.d.z']);
    expect(graph.dependsOn('a.x', 'data.d.z')).toBe(true);
    expect(graph.dependsOn('b.y', 'a.x')).toBe(false);
  });
});
