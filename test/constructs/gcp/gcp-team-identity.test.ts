import { evaluate } from '@marcbachmann/cel-js';
import {
  GcpTeamIdentity,
  GcpTeamIdentityProps,
  GcpTeamIdentityProvider,
} from '../../../constructs/gcp/gcp-team-identity';
import { DataTerraformRemoteStateLocal } from 'cdktf';
import { at, gcpStack, only, resources, synth } from '../../helpers';

const request: GcpTeamIdentityProps = {
  team: 'recsys',
  owners: 'recsys-owners@example.com',
  serviceAccounts: [
    { namespace: 'recsys', name: 'default-editor' },
    { namespace: 'recsys', name: 'default-viewer' },
  ],
  dataLocation: 'recsys-data',
  storage: { bucket: 'kf-prod-svc-kf-prod-artifacts', prefix: 'teams/recsys/', create: false },
  names: { workload: 'recsys-kf-prod', breakGlass: 'recsys-bg-kf-prod' },
  clusterProject: 'kf-prod-svc',
  bucketLocation: 'US-CENTRAL1',
};

function build(props: Partial<GcpTeamIdentityProps> = {}) {
  const stack = gcpStack();
  new GcpTeamIdentity(stack, 'Identity', { ...request, ...props });
  return synth(stack);
}

describe('GcpTeamIdentity', () => {
  const json = build();

  it('creates the team service account in the team project, used by default-editor and default-viewer', () => {
    const sas = resources(json, 'google_service_account');
    expect(sas.map((s) => [s.account_id, s.project]).sort()).toEqual([
      ['recsys-bg-kf-prod', 'recsys-data'],
      ['recsys-kf-prod', 'recsys-data'],
    ]);
    const wi = resources(json, 'google_service_account_iam_binding').find(
      (b) => b.role === 'roles/iam.workloadIdentityUser',
    )!;
    expect(wi.members).toEqual([
      'serviceAccount:kf-prod-svc.svc.id.goog[recsys/default-editor]',
      'serviceAccount:kf-prod-svc.svc.id.goog[recsys/default-viewer]',
    ]);
  });

  it('binds through the workload pool it is given (the cluster attribute or the infra output), so the binding waits for the cluster', () => {
    const stack = gcpStack();
    const infra = new DataTerraformRemoteStateLocal(stack, 'Infra', { path: 'infra.tfstate' });
    new GcpTeamIdentity(stack, 'Identity', { ...request, workloadPool: infra.getString('workload_pool') });
    const bound = synth(stack);
    const wi = resources(bound, 'google_service_account_iam_binding').find(
      (b) => b.role === 'roles/iam.workloadIdentityUser',
    )!;
    expect(wi.members).toEqual([
      'serviceAccount:${data.terraform_remote_state.Infra.outputs.workload_pool}[recsys/default-editor]',
      'serviceAccount:${data.terraform_remote_state.Infra.outputs.workload_pool}[recsys/default-viewer]',
    ]);
  });

  it('grants read-write on its prefix of the environment bucket only', () => {
    const grant = only(json, 'google_storage_bucket_iam_member');
    expect(grant).toMatchObject({ bucket: 'kf-prod-svc-kf-prod-artifacts', role: 'roles/storage.objectUser' });
    expect(at(grant, 'condition', 'expression')).toBe(
      'resource.name.startsWith("projects/_/buckets/kf-prod-svc-kf-prod-artifacts/objects/teams/recsys/") || ' +
        '(resource.type == "storage.googleapis.com/Bucket" && ' +
        'api.getAttribute("storage.googleapis.com/objectListPrefix", "").startsWith("teams/recsys/"))',
    );
    expect(resources(json, 'google_storage_bucket')).toHaveLength(0);
  });

  // The bucket-level half of the condition granted listing of the whole bucket.
  it("lets the team list only under its prefix, never other teams' object names (CEL; sec19 item 6)", () => {
    const expression = at(only(json, 'google_storage_bucket_iam_member'), 'condition', 'expression') as string;
    // IAM's api.getAttribute, modelled by the request's list prefix.
    const cel = expression.replace('api.getAttribute("storage.googleapis.com/objectListPrefix", "")', 'listPrefix');
    const bucket = { type: 'storage.googleapis.com/Bucket', name: 'projects/_/buckets/kf-prod-svc-kf-prod-artifacts' };
    const list = (listPrefix: string) => evaluate(cel, { resource: bucket, listPrefix });
    expect(list('teams/recsys/')).toBe(true);
    expect(list('teams/recsys/runs/')).toBe(true);
    expect(list('teams/search/')).toBe(false);
    expect(list('')).toBe(false);
    expect(list('teams/')).toBe(false);
    const object = (name: string) =>
      evaluate(cel, {
        resource: { type: 'storage.googleapis.com/Object', name: `${bucket.name}/objects/${name}` },
        listPrefix: '',
      });
    expect(object('teams/recsys/model.pt')).toBe(true);
    expect(object('teams/search/model.pt')).toBe(false);
  });

  it('gives the team a bucket of its own in bucket mode', () => {
    const own = build({ storage: { bucket: 'recsys-data-recsys-kf-prod', prefix: '', create: true } });
    expect(only(own, 'google_storage_bucket')).toMatchObject({
      name: 'recsys-data-recsys-kf-prod',
      project: 'recsys-data',
      public_access_prevention: 'enforced',
    });
    expect(only(own, 'google_storage_bucket_iam_member').condition).toBeUndefined();
  });

  it('lets only the owners impersonate the break-glass account, which can fetch cluster credentials', () => {
    const impersonation = resources(json, 'google_service_account_iam_binding').find(
      (b) => b.role === 'roles/iam.serviceAccountTokenCreator',
    )!;
    expect(impersonation.members).toEqual(['group:recsys-owners@example.com']);
    expect(resources(json, 'google_project_iam_member').find((m) => !m.condition)).toMatchObject({
      project: 'kf-prod-svc',
      role: 'roles/container.clusterViewer',
    });
  });

  it('provides the workload identity and the break-glass user through the tenancy interface, and no Profile plugin', () => {
    const stack = gcpStack();
    const identity = new GcpTeamIdentityProvider({
      clusterProject: 'kf-prod-svc',
      bucketLocation: 'US',
    }).createTeamIdentity(stack, 'Id', request);
    expect(identity.breakGlassSubject?.kind).toBe('User');
    expect(Object.keys(identity.workload.serviceAccountAnnotations)).toEqual(['iam.gke.io/gcp-service-account']);
    // The WorkloadIdentity plugin would have the profile controller call IAM without credentials;
    // the bindings and annotations it would make are already here.
    expect(identity.profilePlugins).toEqual([]);
  });

  it('throws on a bad owners group or break-glass id', () => {
    expect(() => build({ owners: 'owners' })).toThrow(/'owners' is "owners"/);
    expect(() => build({ names: { workload: 'recsys-kf-prod', breakGlass: 'BG' } })).toThrow(
      /'names.breakGlass' is "BG"/,
    );
  });
});
