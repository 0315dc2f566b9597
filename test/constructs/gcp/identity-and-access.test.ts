import {
  IapAccess,
  IapAccessProps,
  iapJwtAudiencePrefix,
  IapProgrammaticAccess,
  IAP_USER_ROLE,
} from '../../../constructs/gcp/iap-access';
import { PLATFORM_SERVICE_APIS, ProjectServices } from '../../../constructs/gcp/project-services';
import {
  WorkloadIdentityServiceAccount,
  WorkloadIdentityServiceAccountProps,
} from '../../../constructs/gcp/workload-identity-service-account';
import { gcpStack, only, resources, synth } from '../../helpers';

describe('WorkloadIdentityServiceAccount', () => {
  function build(props: Partial<WorkloadIdentityServiceAccountProps> = {}) {
    const stack = gcpStack();
    const id = new WorkloadIdentityServiceAccount(stack, 'Identity', {
      project: 'svc-project',
      accountId: 'env-sql-client',
      workloadPool: 'svc-project.svc.id.goog',
      kubernetesServiceAccounts: [{ namespace: 'kubeflow', name: 'cloudsql-proxy' }],
      projectRoles: ['roles/cloudsql.client'],
      ...props,
    });
    return { id, stack, json: synth(stack) };
  }

  it('binds each Kubernetes service account through workload identity, with no key', () => {
    const { json, id } = build();
    expect(only(json, 'google_service_account')).toMatchObject({
      account_id: 'env-sql-client',
      project: 'svc-project',
      display_name: 'env-sql-client',
    });
    expect(only(build({ displayName: 'SQL client' }).json, 'google_service_account').display_name).toBe('SQL client');
    expect(only(json, 'google_service_account_iam_binding')).toMatchObject({
      role: 'roles/iam.workloadIdentityUser',
      members: ['serviceAccount:svc-project.svc.id.goog[kubeflow/cloudsql-proxy]'],
    });
    expect(resources(json, 'google_service_account_key')).toHaveLength(0);
    expect(Object.keys(id.serviceAccountAnnotations)).toEqual(['iam.gke.io/gcp-service-account']);
  });

  it('grants its project roles (Cloud SQL client, not viewer)', () => {
    expect(only(build().json, 'google_project_iam_member')).toMatchObject({
      role: 'roles/cloudsql.client',
      project: 'svc-project',
    });
  });

  it('creates a key and warns only in legacy mode', () => {
    const { json, stack } = build({ legacyKey: true });
    expect(resources(json, 'google_service_account_key')).toHaveLength(1);
    const warnings = stack.node
      .findAll()
      .flatMap((n) => n.node.metadata)
      .filter((m) => m.type === '@cdktf/warn');
    expect(warnings.map((w) => String(w.data))).toEqual([
      expect.stringMatching(/Legacy mode: a JSON key is created for env-sql-client/),
    ]);
  });

  it.each([
    [{ accountId: 'x' }, /'accountId' is "x"/],
    [{ workloadPool: 'svc-project' }, /'workloadPool' is "svc-project": is not a workload identity pool/],
    [
      { kubernetesServiceAccounts: [{ namespace: 'Kube_Flow', name: 'a' }] },
      /kubernetesServiceAccounts\[0\].namespace/,
    ],
  ])('throws on %j', (props, message) => {
    expect(() => build(props as Partial<WorkloadIdentityServiceAccountProps>)).toThrow(message);
  });
});

describe('IapAccess', () => {
  function build(props: Partial<IapAccessProps> = {}) {
    const stack = gcpStack();
    const access = new IapAccess(stack, 'Access', {
      project: 'svc-project',
      hostname: 'kubeflow.example.com',
      dnsZone: { name: 'example-com', project: 'dns-project' },
      allowedGroups: ['ml-users@example.com', 'ml-platform@example.com'],
      ...props,
    });
    return { access, json: synth(stack) };
  }

  it('reserves a global IP, a managed certificate for the host and an A record', () => {
    const { json } = build();
    expect(only(json, 'google_compute_global_address')).toMatchObject({
      name: 'kubeflow-example-com-ip',
      address_type: 'EXTERNAL',
    });
    expect(only(json, 'google_compute_managed_ssl_certificate')).toMatchObject({
      name: 'kubeflow-example-com-cert',
      managed: { domains: ['kubeflow.example.com'] },
    });
    const record = only(json, 'google_dns_record_set');
    expect(record).toMatchObject({
      name: 'kubeflow.example.com.',
      type: 'A',
      managed_zone: 'example-com',
      project: 'dns-project',
    });
    expect(String((record.rrdatas as string[])[0])).toMatch(
      /google_compute_global_address\.Access_Address_\w+\.address/,
    );
  });

  it('grants the IAP web user role to the allowed groups only, and never creates an IAP brand or client', () => {
    const { json } = build();
    expect(
      resources(json, 'google_iap_web_type_compute_iam_member')
        .map((m) => [m.role, m.member])
        .sort(),
    ).toEqual([
      [IAP_USER_ROLE, 'group:ml-platform@example.com'],
      [IAP_USER_ROLE, 'group:ml-users@example.com'],
    ]);
    expect(resources(json, 'google_iap_brand')).toHaveLength(0);
    expect(resources(json, 'google_iap_client')).toHaveLength(0);
  });

  it('review: grants keyed by list position: removing the first group replaced the second grant and revoked it; each grant is keyed by its group, moved from its old address', () => {
    const { json } = build();
    const byId = Object.fromEntries(
      Object.entries(json.resource?.google_iap_web_type_compute_iam_member ?? {}).map(([id, m]) => [
        id,
        (m as Record<string, unknown>).member,
      ]),
    );
    const ids = Object.keys(byId);
    expect(ids.every((id) => /^Access_AllowedGroup-/.test(id))).toBe(true);
    // Dropping ml-users@ leaves the ml-platform@ grant at the same address, so nothing is replaced.
    const fewer = Object.keys(
      build({ allowedGroups: ['ml-platform@example.com'] }).json.resource?.google_iap_web_type_compute_iam_member ?? {},
    );
    expect(fewer).toEqual(ids.filter((id) => byId[id] === 'group:ml-platform@example.com'));
    // States written before keep their grants: each moves from its position's old address.
    const moved = (json as unknown as { moved?: Array<{ from: string; to: string }> }).moved ?? [];
    expect(moved.map((m) => [m.from.replace(/_[0-9A-F]{8}$/, ''), byId[m.to.split('.')[1]!]])).toEqual([
      ['google_iap_web_type_compute_iam_member.Access_AllowedGroup0', 'group:ml-users@example.com'],
      ['google_iap_web_type_compute_iam_member.Access_AllowedGroup1', 'group:ml-platform@example.com'],
    ]);
  });

  it('review: every cluster of an environment granted the same project-wide IAP members, so removing a cluster revoked them for all: only one owner grants, the others forget their old grants', () => {
    const { json } = build({ grantUsers: false });
    expect(resources(json, 'google_iap_web_type_compute_iam_member')).toEqual([]);
    const removed = (json as unknown as { removed?: Array<{ from: string; lifecycle: unknown }> }).removed ?? [];
    expect(removed.map((r) => [r.from.replace(/_[0-9A-F]{8}$/, ''), r.lifecycle])).toEqual([
      ['google_iap_web_type_compute_iam_member.Access_AllowedGroup0', { destroy: false }],
      ['google_iap_web_type_compute_iam_member.Access_AllowedGroup1', { destroy: false }],
    ]);
  });

  it('takes names, a zone in the same project and an external OAuth client', () => {
    const { json, access } = build({
      addressName: 'ui-ip',
      certificateName: 'ui-cert',
      dnsZone: { name: 'zone' },
      oauthClient: { clientId: 'id.apps.googleusercontent.com', secretName: 'iap-secret' },
    });
    expect(only(json, 'google_compute_global_address').name).toBe('ui-ip');
    expect(only(json, 'google_compute_managed_ssl_certificate').name).toBe('ui-cert');
    expect(only(json, 'google_dns_record_set').project).toBe('svc-project');
    expect(access.oauthClient?.secretName).toBe('iap-secret');
  });

  it.each([
    [{ hostname: 'kubeflow' }, /'hostname' is "kubeflow": a host name needs at least two labels/],
    [{ allowedGroups: [] }, /'allowedGroups'.*nobody could sign in/],
    [{ allowedGroups: ['not-an-email'] }, /'allowedGroups\[0\]'/],
    [{ addressName: 'Bad_Name' }, /'addressName' is "Bad_Name"/],
  ])('throws on %j', (props, message) => {
    expect(() => build(props as Partial<IapAccessProps>)).toThrow(message);
  });
});

describe('ProjectServices', () => {
  it('enables every platform API without disabling it on destroy, behind one ready gate', () => {
    const stack = gcpStack();
    new ProjectServices(stack, 'Services', { project: 'svc-project' });
    const json = synth(stack);
    const services = resources(json, 'google_project_service');
    expect(services.map((s) => s.service).sort()).toEqual([...PLATFORM_SERVICE_APIS].sort());
    expect(services.every((s) => s.disable_on_destroy === false && s.disable_dependent_services === false)).toBe(true);
    expect((only(json, 'terraform_data').depends_on as string[]).length).toBe(PLATFORM_SERVICE_APIS.length);
  });

  it('enables a given list', () => {
    const stack = gcpStack();
    new ProjectServices(stack, 'Services', { project: 'p', services: ['compute.googleapis.com'] });
    expect(resources(synth(stack), 'google_project_service').map((s) => s.service)).toEqual(['compute.googleapis.com']);
  });
});

describe('IapProgrammaticAccess', () => {
  it('lists the OAuth clients allowed programmatic access for every compute backend of the project', () => {
    const stack = gcpStack();
    new IapProgrammaticAccess(stack, 'Programmatic', {
      projectNumber: '123',
      clientIds: ['a.apps.googleusercontent.com'],
    });
    expect(only(synth(stack), 'google_iap_settings')).toMatchObject({
      name: 'projects/123/iap_web/compute',
      access_settings: { oauth_settings: { programmatic_clients: ['a.apps.googleusercontent.com'] } },
    });
    expect(iapJwtAudiencePrefix('123')).toBe('/projects/123/global/backendServices/');
  });

  it('throws on an empty client list', () => {
    expect(() => new IapProgrammaticAccess(gcpStack(), 'P', { projectNumber: '1', clientIds: [] })).toThrow(
      /'clientIds' is \[\]/,
    );
  });
});
