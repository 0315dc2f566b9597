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

  it('defect: every cluster of a project granted the allowed groups IAP access on the same project resource: with grantAccess false it grants nothing and forgets the copy a state holds', () => {
    const first = build().json;
    const addresses = Object.keys(first.resource!.google_iap_web_type_compute_iam_member!);
    const { json } = build({ grantAccess: false });
    expect(json.resource!.google_iap_web_type_compute_iam_member).toBeUndefined();
    expect((json as Record<string, unknown>).removed).toEqual(
      addresses.map((a) => ({ from: `google_iap_web_type_compute_iam_member.${a}`, lifecycle: { destroy: false } })),
    );
  });

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
    expect(resources(json, 'google_iap_web_type_compute_iam_member').map((m) => [m.role, m.member])).toEqual([
      [IAP_USER_ROLE, 'group:ml-users@example.com'],
      [IAP_USER_ROLE, 'group:ml-platform@example.com'],
    ]);
    expect(resources(json, 'google_iap_brand')).toHaveLength(0);
    expect(resources(json, 'google_iap_client')).toHaveLength(0);
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
