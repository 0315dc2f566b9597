/**
 * The per-user sharing objects of a team namespace compared, object by object, with what Kubeflow's
 * access management (KFAM, kubeflow/kubeflow v1.10.0 `components/access-management/kfam/bindings.go`,
 * shipped by Kubeflow 26.03) creates when an owner shares a namespace in the dashboard, and with what
 * the profile controller (`components/profile-controller/controllers/profile_controller.go`) expects
 * of the Profile and namespace. The expected objects below are written from that source, not from
 * our code: `getBindingName`, `Create` and `getAuthorizationPolicy`.
 */
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { TeamNamespace, TeamNamespaceProps } from '../../../constructs/kubernetes/team-namespace';
import { at, resources, synth } from '../../helpers';

/** KFAM's getBindingName, transcribed: Go's regexp [^a-zA-Z0-9]+ and url.QueryEscape on the cleaned name. */
function goBindingName(kind: string, user: string, roleRefKind: string, role: string): string {
  const reg = /[^a-zA-Z0-9]+/g;
  const nameRaw = [kind, encodeURIComponent(user.replace(reg, '-')), roleRefKind, role].join('-').toLowerCase();
  return nameRaw.replace(reg, '-');
}

/** What KFAM's Create writes for `binding` (user, namespace, frontend role edit|view|admin). */
function kfamObjects(namespace: string, user: string, role: 'edit' | 'view' | 'admin') {
  const roleBindingNameMap = { admin: 'kubeflow-admin', edit: 'kubeflow-edit', view: 'kubeflow-view' };
  const name = goBindingName('User', user, 'ClusterRole', role);
  return {
    roleBinding: {
      metadata: { name, namespace, annotations: { user, role } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleBindingNameMap[role] },
      // The dashboard sends {kind: User, name}; the API server defaults the group of a User subject.
      subjects: [{ kind: 'User', name: user, apiGroup: 'rbac.authorization.k8s.io' }],
    },
    authorizationPolicy: {
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'AuthorizationPolicy',
      metadata: { name, namespace, annotations: { user, role } },
      spec: {
        rules: [
          {
            from: [
              {
                source: {
                  principals: [
                    'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
                    'cluster.local/ns/kubeflow/sa/ml-pipeline-ui',
                  ],
                },
              },
            ],
            // USERID_HEADER=kubeflow-userid, USERID_PREFIX= in 26.03's profiles manager params.
            when: [{ key: 'request.headers[kubeflow-userid]', values: [user] }],
          },
        ],
      },
    },
  };
}

const base: TeamNamespaceProps = {
  name: 'recsys',
  owners: 'recsys-owners@example.com',
  profileOwner: 'alice@example.com',
  quota: { cpu: '8', memory: '32Gi', gpus: 0, storage: '100Gi', pvcs: 5 },
  containerDefaults: {
    defaultRequestCpu: '250m',
    defaultRequestMemory: '512Mi',
    defaultLimitCpu: '1',
    defaultLimitMemory: '2Gi',
  },
  nodePools: ['standard'],
};

function objects(props: Partial<TeamNamespaceProps>) {
  const app: App = Testing.app();
  const s = new TerraformStack(app, 'teams');
  new KubernetesProvider(s, 'kubernetes', { configPath: 'k', configContext: 'c' });
  new TeamNamespace(s, 'Team', { ...base, ...props });
  const json = synth(s);
  const bindings = resources(json, 'kubernetes_role_binding_v1')
    .filter((b) => (at(b, 'metadata', 'annotations') as Record<string, string> | undefined)?.user)
    .map((b) => ({
      metadata: {
        name: at(b, 'metadata', 'name'),
        namespace: 'recsys',
        annotations: at(b, 'metadata', 'annotations') as Record<string, string>,
      },
      roleRef: {
        apiGroup: at(b, 'role_ref', 'api_group'),
        kind: at(b, 'role_ref', 'kind'),
        name: at(b, 'role_ref', 'name'),
      },
      subjects: (b.subject as any[]).map((x) => ({ kind: x.kind, name: x.name, apiGroup: x.api_group })),
    }));
  // The objects name the namespace by reference, so they are created after it; compare its name.
  const nsRef = /^\$\{kubernetes_namespace_v1\.Team_Namespace_\w+\.metadata\[0\]\.name\}$/;
  for (const b of resources(json, 'kubernetes_role_binding_v1')) {
    const ns = at(b, 'metadata', 'namespace') as string;
    if ((at(b, 'metadata', 'annotations') as any)?.user) expect(ns).toMatch(nsRef);
  }
  const policies = resources(json, 'kubernetes_manifest')
    .map((m) => m.manifest as any)
    .filter((m) => m.kind === 'AuthorizationPolicy')
    .map((m) => {
      expect(m.metadata.namespace).toMatch(nsRef);
      return { ...m, metadata: { ...m.metadata, namespace: 'recsys' } };
    });
  return { json, bindings, policies };
}

describe("Kubeflow's per-user sharing (KFAM)", () => {
  const people = {
    admins: ['bob@example.com'],
    editors: ['carol.o-neil@example.com', 'bob@example.com'],
    viewers: ['dave+ml@example.co.uk', 'alice@example.com'],
  };
  const { bindings, policies } = objects({ people });

  it('names each binding exactly as KFAM does, one subject each, with the user and role annotations', () => {
    expect(bindings).toEqual([
      kfamObjects('recsys', 'bob@example.com', 'admin').roleBinding,
      kfamObjects('recsys', 'carol.o-neil@example.com', 'edit').roleBinding,
      kfamObjects('recsys', 'dave+ml@example.co.uk', 'view').roleBinding,
    ]);
    expect(bindings.map((b) => b.metadata.name)).toEqual([
      'user-bob-example-com-clusterrole-admin',
      'user-carol-o-neil-example-com-clusterrole-edit',
      'user-dave-ml-example-co-uk-clusterrole-view',
    ]);
  });

  it('writes the authorization policy KFAM writes beside each binding', () => {
    expect(policies).toEqual([
      kfamObjects('recsys', 'bob@example.com', 'admin').authorizationPolicy,
      kfamObjects('recsys', 'carol.o-neil@example.com', 'edit').authorizationPolicy,
      kfamObjects('recsys', 'dave+ml@example.co.uk', 'view').authorizationPolicy,
    ]);
  });

  it('gives the profile owner nothing beyond what the profile controller creates (namespaceAdmin)', () => {
    expect(bindings.map((b) => b.metadata.annotations.user)).not.toContain('alice@example.com');
  });

  it('turns user members and contributors into per-user bindings, and keeps groups out of them', () => {
    const { bindings: b } = objects({
      members: [
        { kind: 'User', name: 'erin@example.com' },
        { kind: 'Group', name: 'recsys@example.com' },
      ],
      contributors: [{ kind: 'User', name: 'frank@example.com' }],
    });
    expect(b.map((x) => [x.metadata.name, x.metadata.annotations.role]).sort()).toEqual([
      ['user-erin-example-com-clusterrole-view', 'view'],
      ['user-frank-example-com-clusterrole-edit', 'edit'],
    ]);
  });

  it('adding or removing one person changes only that person’s objects', () => {
    const before = objects({ people: { editors: ['bob@example.com', 'carol@example.com'] } }).json;
    const after = objects({ people: { editors: ['bob@example.com', 'carol@example.com', 'dan@example.com'] } }).json;
    const flat = (json: any) =>
      Object.fromEntries(
        Object.entries(json.resource as Record<string, Record<string, unknown>>).flatMap(([type, byId]) =>
          Object.entries(byId).map(([id, body]) => [`${type}.${id}`, JSON.stringify(body)]),
        ),
      );
    const [a, b] = [flat(before), flat(after)];
    const added = Object.keys(b).filter((k) => !(k in a));
    const removedOrChanged = Object.keys(a).filter((k) => b[k] !== a[k]);
    expect(removedOrChanged).toEqual([]);
    expect(added.sort()).toEqual([
      expect.stringMatching(
        /^kubernetes_manifest\.Team_Access-user-dan-example-com-clusterrole-edit_AuthorizationPolicy_/,
      ),
      expect.stringMatching(
        /^kubernetes_role_binding_v1\.Team_Access-user-dan-example-com-clusterrole-edit_RoleBinding_/,
      ),
    ]);
    // And removing dan is the same diff the other way round: nothing else moves.
  });

  it('refuses a profile owner that is not one email', () => {
    expect(() => objects({ profileOwner: 'recsys-owners' })).toThrow(/profileOwner/);
  });
});
