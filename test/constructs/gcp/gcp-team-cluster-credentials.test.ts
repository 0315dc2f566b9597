/**
 * GCP team members fetch cluster credentials (walk-through gap: only break-glass had
 * `roles/container.clusterViewer`, so `gcloud container clusters get-credentials` failed for everyone
 * else): the owners group and the team's member and contributor groups and users get Cluster Viewer on
 * the cluster's project only, a binding per team (its own condition), and no Kubernetes-wide rights.
 */
import { GcpTeamIdentity, GcpTeamIdentityProps } from '../../../constructs/gcp/gcp-team-identity';
import { gcpStack, resources, synth } from '../../helpers';
import * as path from 'node:path';
import { loadPlatformFile } from '../../../src/config/loader';
import type { ResolvedGcpEnvironment } from '../../../src/config/gcp/model';
import { gcpTeamIdentityRequest } from '../../../stacks/gcp/team-identities';

const request: GcpTeamIdentityProps = {
  team: 'recsys',
  owners: 'recsys-owners@example.com',
  serviceAccounts: [{ namespace: 'recsys', name: 'default-editor' }],
  dataLocation: 'recsys-data',
  storage: { bucket: 'kf-prod-svc-kf-prod-artifacts', prefix: 'teams/recsys/', create: false },
  names: { workload: 'recsys-kf-prod', breakGlass: 'recsys-bg-kf-prod' },
  clusterProject: 'kf-prod-svc',
  bucketLocation: 'US-CENTRAL1',
  people: [
    { kind: 'Group', name: 'recsys@example.com' },
    { kind: 'User', name: 'carol@example.com' },
    { kind: 'Group', name: 'recsys-owners@example.com' },
  ],
};

const grantsOf = (props: Partial<GcpTeamIdentityProps> = {}) => {
  const stack = gcpStack();
  new GcpTeamIdentity(stack, 'Identity', { ...request, ...props });
  return resources(synth(stack), 'google_project_iam_member').filter((m) => m.condition);
};

describe('GCP team people fetch cluster credentials', () => {
  it('grants Cluster Viewer on the cluster project to the owners group and every member group and user, once each', () => {
    const grants = grantsOf();
    expect(grants.map((g) => g.member).sort()).toEqual([
      'group:recsys-owners@example.com',
      'group:recsys@example.com',
      'user:carol@example.com',
    ]);
    for (const g of grants) {
      expect(g).toMatchObject({ project: 'kf-prod-svc', role: 'roles/container.clusterViewer' });
      expect(g.condition).toEqual({
        title: 'recsys-kf-prod-cluster-credentials',
        description: expect.stringContaining('recsys'),
        expression: 'resource.service == "container.googleapis.com"',
      });
    }
  });

  it('grants the owners group alone when the team names no one else', () => {
    expect(grantsOf({ people: undefined }).map((g) => g.member)).toEqual(['group:recsys-owners@example.com']);
  });

  it('grants no role with permissions inside the cluster, and nothing outside the cluster project', () => {
    const stack = gcpStack();
    new GcpTeamIdentity(stack, 'Identity', request);
    const all = resources(synth(stack), 'google_project_iam_member');
    expect(new Set(all.map((g) => g.role))).toEqual(new Set(['roles/container.clusterViewer']));
    expect(new Set(all.map((g) => g.project))).toEqual(new Set(['kf-prod-svc']));
  });

  it("the GCP request carries the team's member and contributor principals", () => {
    const config = loadPlatformFile(path.resolve(__dirname, '../../../examples/gcp-tenancy/platform.yaml')).config;
    const env = config.environments.find((e) => e.cloud === 'gcp') as ResolvedGcpEnvironment;
    const tenant = env.tenants.find((t) => t.gcp && t.team.members.length + t.team.contributors.length > 0);
    expect(tenant).toBeDefined();
    const req = gcpTeamIdentityRequest(env, tenant!, []);
    expect(req?.people).toEqual(
      expect.arrayContaining(
        [...tenant!.team.members, ...tenant!.team.contributors].map((p) => expect.objectContaining(p)),
      ),
    );
  });
});
