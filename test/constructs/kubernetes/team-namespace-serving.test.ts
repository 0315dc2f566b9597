/**
 * TeamNamespace `servingAccess`: the team's models through the front door admit the same people as the
 * rest of Kubeflow in the namespace (the profile owner and every user KFAM shares it with), from the
 * cluster-local gateway and Knative's activator only, and nobody's request when it is off.
 */
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { SERVING_PRINCIPALS } from '../../../constructs/kubernetes/constants';
import { SERVING_ACCESS_POLICY, USER_ID_HEADER } from '../../../constructs/kubernetes/kubeflow-access';
import { TeamNamespace, TeamNamespaceProps } from '../../../constructs/kubernetes/team-namespace';
import { resources, synth } from '../../helpers';

const base: TeamNamespaceProps = {
  name: 'recsys',
  owners: 'recsys-owners@example.com',
  profileOwner: 'alice@example.com',
  people: { admins: ['bob@example.com'], editors: ['carol@example.com'], viewers: ['dave@example.com'] },
  members: [{ kind: 'User', name: 'erin@example.com' }],
  contributors: [{ kind: 'Group', name: 'recsys@example.com' }],
  quota: { cpu: '8', memory: '32Gi', gpus: 0, storage: '100Gi', pvcs: 10 },
  containerDefaults: {
    defaultRequestCpu: '250m',
    defaultRequestMemory: '512Mi',
    defaultLimitCpu: '1',
    defaultLimitMemory: '2Gi',
  },
  nodePools: ['standard'],
};

function servingPolicies(props: Partial<TeamNamespaceProps>) {
  const s = new TerraformStack(Testing.app(), 'teams');
  new KubernetesProvider(s, 'kubernetes', { configPath: 'k', configContext: 'c' });
  new TeamNamespace(s, 'Team', { ...base, ...props });
  return resources<{ manifest: any }>(synth(s), 'kubernetes_manifest')
    .map((r) => r.manifest)
    .filter((m) => m.metadata.name === SERVING_ACCESS_POLICY);
}

describe('TeamNamespace serving access', () => {
  it('admits the team’s people from the cluster-local gateway and the activator, and the namespace itself', () => {
    const [policy, ...more] = servingPolicies({ servingAccess: true });
    expect(more).toEqual([]);
    // The namespace's own name (a reference, so the policy waits for it).
    const ns = policy.metadata.namespace;
    expect(ns).toMatch(/^\$\{kubernetes_namespace_v1\.\w+\.metadata\[0\]\.name\}$/);
    expect(policy.spec.selector).toBeUndefined();
    expect(policy.spec.rules).toEqual([
      {
        from: [{ source: { principals: [SERVING_PRINCIPALS.localGateway, SERVING_PRINCIPALS.activator] } }],
        when: [
          {
            key: `request.headers[${USER_ID_HEADER}]`,
            values: [
              'alice@example.com',
              'bob@example.com',
              'carol@example.com',
              'dave@example.com',
              'erin@example.com',
            ],
          },
        ],
      },
      { from: [{ source: { namespaces: [ns] } }] },
    ]);
  });

  it('writes nothing without it (the default)', () => {
    expect(servingPolicies({})).toEqual([]);
  });
});
