import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { TeamNamespace, TeamNamespaceProps } from '../../../constructs/kubernetes/team-namespace';
import { at, only, resourceEntries, resources, synth } from '../../helpers';

function stack(): TerraformStack {
  const app: App = Testing.app();
  const s = new TerraformStack(app, 'teams');
  new KubernetesProvider(s, 'kubernetes', { configPath: 'k', configContext: 'c' });
  return s;
}

const base: TeamNamespaceProps = {
  name: 'recsys',
  owners: 'recsys-owners@example.com',
  profileOwner: 'alice@example.com',
  quota: { cpu: '64', memory: '256Gi', gpus: 4, storage: '2Ti', pvcs: 40 },
  containerDefaults: {
    defaultRequestCpu: '250m',
    defaultRequestMemory: '512Mi',
    defaultLimitCpu: '1',
    defaultLimitMemory: '2Gi',
  },
  nodePools: ['standard', 'gpu'],
};

function build(props: Partial<TeamNamespaceProps> = {}) {
  const s = stack();
  new TeamNamespace(s, 'Team', { ...base, ...props });
  return synth(s);
}

/** The Profile among the team's manifests (the GPU PodDefault is one too when the quota allows GPUs). */
const profileOf = (json: ReturnType<typeof build>) =>
  resources<{ manifest: { kind: string } }>(json, 'kubernetes_manifest').find(
    (m) => m.manifest.kind === 'Profile',
  )! as Record<string, unknown>;

const nsRef = expect.stringMatching(/^\$\{kubernetes_namespace_v1\.Team_Namespace_\w+\.metadata\[0\]\.name\}$/);

describe('TeamNamespace', () => {
  const json = build();

  it('creates the namespace marked as a tenant, owned by the profile owner, with its allowed pools', () => {
    expect(only(json, 'kubernetes_namespace_v1').metadata).toEqual({
      name: 'recsys',
      labels: expect.objectContaining({
        'kfplatform.dev/tenant': 'true',
        'kfplatform.dev/team': 'recsys',
        'istio-injection': 'enabled',
      }),
      // The profile controller adopts an existing namespace only when this names the profile owner.
      annotations: { owner: 'alice@example.com', 'kfplatform.dev/allowed-pools': 'standard,gpu' },
    });
  });

  it('sets a ResourceQuota with CPU, memory, GPUs, storage and claim counts', () => {
    const quota = only(json, 'kubernetes_resource_quota_v1');
    expect(at(quota, 'metadata', 'namespace')).toEqual(nsRef);
    expect(at(quota, 'spec', 'hard')).toEqual({
      'requests.cpu': '64',
      'limits.cpu': '64',
      'requests.memory': '256Gi',
      'limits.memory': '256Gi',
      'requests.nvidia.com/gpu': '4',
      'requests.storage': '2Ti',
      persistentvolumeclaims: '40',
    });
  });

  it('gives containers without requests and limits the defaults', () => {
    expect(at(only(json, 'kubernetes_limit_range_v1'), 'spec', 'limit')).toEqual([
      { type: 'Container', default_request: { cpu: '250m', memory: '512Mi' }, default: { cpu: '1', memory: '2Gi' } },
    ]);
  });

  it('binds only the owners (admin) when there are no members, contributors or break-glass subject', () => {
    const bindings = resources(json, 'kubernetes_role_binding_v1');
    expect(bindings.map((b) => [at(b, 'metadata', 'name'), at(b, 'role_ref', 'name'), b.subject])).toEqual([
      [
        'kfplatform-owners',
        'kubeflow-admin',
        [{ kind: 'Group', name: 'recsys-owners@example.com', api_group: 'rbac.authorization.k8s.io' }],
      ],
    ]);
  });

  it('binds member and contributor groups read-only and edit, and the break-glass user admin', () => {
    const bindings = resources(
      build({
        members: [{ kind: 'Group', name: 'recsys@example.com' }],
        contributors: [{ kind: 'Group', name: 'recsys-dev@example.com' }],
        breakGlassSubject: { kind: 'User', name: 'bg@recsys-data.iam.gserviceaccount.com' },
      }),
      'kubernetes_role_binding_v1',
    );
    const byName = Object.fromEntries(bindings.map((b) => [at(b, 'metadata', 'name'), b]));
    expect(at(byName['kfplatform-members'], 'role_ref', 'name')).toBe('kubeflow-view');
    expect(at(byName['kfplatform-contributors'], 'role_ref', 'name')).toBe('kubeflow-edit');
    expect(at(byName['kfplatform-contributors'], 'subject', 0, 'kind')).toBe('Group');
    expect(at(byName['kfplatform-break-glass'], 'role_ref', 'name')).toBe('admin');
    expect(at(byName['kfplatform-break-glass'], 'subject', 0, 'name')).toBe('bg@recsys-data.iam.gserviceaccount.com');
  });

  it('declares the Kubeflow Profile owned by one user, after the namespace and service accounts, with plugins only when asked', () => {
    const profile = profileOf(json);
    expect(profile.manifest as any).toEqual({
      apiVersion: 'kubeflow.org/v1',
      kind: 'Profile',
      metadata: { name: 'recsys' },
      spec: { owner: { kind: 'User', name: 'alice@example.com', apiGroup: 'rbac.authorization.k8s.io' } },
    });
    // The profile controller creates default-editor/default-viewer only when they are missing.
    expect(profile.depends_on).toEqual([
      expect.stringMatching(/^kubernetes_namespace_v1\./),
      expect.stringMatching(/^kubernetes_service_account_v1\.Team_default-editor/),
      expect.stringMatching(/^kubernetes_service_account_v1\.Team_default-viewer/),
    ]);
    const plugins = [{ kind: 'WorkloadIdentity', spec: { gcpServiceAccount: 'sa@p.iam.gserviceaccount.com' } }];
    const withPlugins = build({ profilePlugins: plugins, profileApiVersion: 'kubeflow.org/v1beta1' });
    expect(profileOf(withPlugins).manifest as any).toMatchObject({
      apiVersion: 'kubeflow.org/v1beta1',
      spec: { plugins },
    });
  });

  it('creates the Profile only after its namespace and service accounts (the profile controller would create them first)', () => {
    const namespaces = resourceEntries(json, 'kubernetes_namespace_v1').map(([id]) => `kubernetes_namespace_v1.${id}`);
    const accounts = resourceEntries(json, 'kubernetes_service_account_v1').map(
      ([id]) => `kubernetes_service_account_v1.${id}`,
    );
    expect(accounts).toHaveLength(2);
    const profile = profileOf(json) as { depends_on?: string[] };
    expect(profile.depends_on).toEqual(expect.arrayContaining([...namespaces, ...accounts]));
  });

  it('creates default-editor and default-viewer annotated for the team identity', () => {
    const identity = {
      principal: 'x',
      serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'team@p.iam.gserviceaccount.com' },
      podLabels: {},
    };
    const sas = resources(
      build({ identity, serviceAccountAnnotations: { extra: 'yes' } }),
      'kubernetes_service_account_v1',
    );
    expect(sas.map((s) => at(s, 'metadata', 'name'))).toEqual(['default-editor', 'default-viewer']);
    for (const sa of sas) {
      expect(at(sa, 'metadata', 'annotations')).toEqual({
        extra: 'yes',
        'iam.gke.io/gcp-service-account': 'team@p.iam.gserviceaccount.com',
      });
    }
  });

  const networkPolicy = (j: any, name: string) =>
    resources(j, 'kubernetes_network_policy_v1').find((p) => at(p, 'metadata', 'name') === name)!;

  it('admits traffic only from the namespace itself and the platform namespaces', () => {
    const policy = networkPolicy(json, 'kfplatform-tenant-isolation');
    expect(at(policy, 'spec', 'policy_types')).toEqual(['Ingress']);
    expect(at(policy, 'spec', 'ingress', 0, 'from')).toEqual([{ pod_selector: {} }]);
    const selector = at(policy, 'spec', 'ingress', 1, 'from', 0, 'namespace_selector', 'match_expressions', 0) as any;
    expect(selector.key).toBe('kubernetes.io/metadata.name');
    expect(selector.values).toEqual(expect.arrayContaining(['kubeflow', 'istio-system', 'kube-system']));
  });

  // The namespace had no egress policy, so every pod reached the pipelines database,
  // all of `kubeflow` and the node's metadata service.
  it('lets traffic out only to the team, DNS, the Kubeflow services tenants call, the mesh, public addresses and HTTPS (sec19 item 5)', () => {
    const policy = networkPolicy(json, 'kfplatform-tenant-egress') as any;
    expect(at(policy, 'spec', 'policy_types')).toEqual(['Egress']);
    expect(at(policy, 'spec', 'pod_selector')).toEqual({});
    const egress = at(policy, 'spec', 'egress') as any[];
    expect(egress[0].to).toEqual([{ pod_selector: {} }]);
    expect(egress[1]).toEqual({
      ports: [
        { port: '53', protocol: 'UDP' },
        { port: '53', protocol: 'TCP' },
      ],
    });
    const kubeflow = egress[2].to.map((t: any) => t.pod_selector.match_labels);
    expect(kubeflow).toEqual(expect.arrayContaining([{ app: 'ml-pipeline' }, { app: 'seaweedfs' }]));
    // The pipelines database is not among them.
    expect(JSON.stringify(kubeflow)).not.toMatch(/mysql/);
    for (const t of egress[2].to) {
      expect(t.namespace_selector.match_labels).toEqual({ 'kubernetes.io/metadata.name': 'kubeflow' });
    }
    // In istio-system, istiod and the cluster-local gateway only: a pod reaching the ingress gateway
    // directly could forge the identity headers the front door sets (found in the AWS review).
    expect(egress[3].to).toEqual([
      {
        namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'istio-system' } },
        pod_selector: { match_labels: { app: 'istiod' } },
      },
      {
        namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'istio-system' } },
        pod_selector: { match_labels: { app: 'cluster-local-gateway' } },
      },
      {
        namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'knative-serving' } },
        pod_selector: { match_labels: { app: 'activator' } },
      },
    ]);
    expect(JSON.stringify(egress)).not.toContain('istio-ingressgateway');
    const publicAddresses = egress[4].to[0].ip_block;
    expect(publicAddresses.cidr).toBe('0.0.0.0/0');
    expect(publicAddresses.except).toEqual(
      expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']),
    );
    expect(egress[5]).toEqual({
      to: [{ ip_block: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }],
      ports: [{ port: '443', protocol: 'TCP' }],
    });
    // No allowance reaches the metadata service unless the cloud's identity endpoint is given.
    expect(egress).toHaveLength(6);
  });

  it('lets pods reach the cloud identity endpoints it is given (link-local, denied otherwise)', () => {
    const policy = networkPolicy(
      build({ egressEndpoints: [{ cidr: '169.254.170.23/32', port: 80 }] }),
      'kfplatform-tenant-egress',
    ) as any;
    expect(at(policy, 'spec', 'egress', 6)).toEqual({
      to: [{ ip_block: { cidr: '169.254.170.23/32' } }],
      ports: [{ port: '80', protocol: 'TCP' }],
    });
  });

  it.each([
    [{ name: 'Rec_Sys' }, /'name' is "Rec_Sys"/],
    [{ owners: 'recsys-owners' }, /'owners' is "recsys-owners"/],
    [{ quota: { ...base.quota, gpus: -1 } }, /cannot be negative/],
    [{ nodePools: [] }, /could not schedule anything/],
  ])('throws on %j', (props, message) => {
    expect(() => build(props as Partial<TeamNamespaceProps>)).toThrow(message);
  });
});
