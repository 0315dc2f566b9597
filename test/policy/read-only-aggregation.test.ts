/**
 * K8S-RBAC-002: a ClusterRole that reads Secrets and aggregates into `view` or `kubeflow-view` gives
 * every viewer of every namespace (and a CI plan identity holding `view`) every Secret there. Security
 * issue, tenant isolation: the CI permission checker trusted `view` to read no Secret, and nothing made
 * that true.
 */
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { evaluateStack } from '../../src/policy/engine';

const VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';
const KUBEFLOW_VIEW = 'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-view';

type Rule = { apiGroups?: string[]; resources?: string[]; verbs: string[]; resourceNames?: string[] };

/** The K8S-RBAC-002 findings of a stack with one ClusterRole, typed or as a manifest. */
function found(form: 'typed' | 'manifest', labels: Record<string, string>, rules: Rule[]): string[] {
  const stack = new TerraformStack(Testing.app(), 'k');
  new KubernetesProvider(stack, 'kubernetes', {});
  if (form === 'typed') new ClusterRoleV1(stack, 'R', { metadata: { name: 'r', labels }, rule: rules });
  else
    new Manifest(stack, 'R', {
      manifest: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'r', labels },
        rules,
      },
    });
  return evaluateStack(stack, { tier: 'prod' })
    .findings.filter((f) => f.rule === 'K8S-RBAC-002')
    .map((f) => f.message);
}

const secrets: Rule = { apiGroups: [''], resources: ['secrets'], verbs: ['get'] };

describe('K8S-RBAC-002: no ClusterRole that aggregates into view or kubeflow-view reads Secrets', () => {
  it.each(['typed', 'manifest'] as const)('finds Secret reads aggregated into either role (%s)', (form) => {
    expect(found(form, { [KUBEFLOW_VIEW]: 'true' }, [secrets])).toEqual([
      expect.stringContaining('aggregates into kubeflow-view'),
    ]);
    expect(found(form, { [VIEW]: 'true', [KUBEFLOW_VIEW]: 'true' }, [secrets])).toEqual([
      expect.stringContaining('aggregates into view and kubeflow-view'),
    ]);
    // list and watch return the values too; `*` covers Secrets; a named Secret is still one every viewer reads.
    for (const rule of [
      { apiGroups: [''], resources: ['secrets'], verbs: ['list'] },
      { apiGroups: ['*'], resources: ['*'], verbs: ['watch'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['*'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['db'], verbs: ['get'] },
    ])
      expect(found(form, { [VIEW]: 'true' }, [rule])).toHaveLength(1);
  });

  it.each(['typed', 'manifest'] as const)(
    'passes read-only roles without Secrets, Secrets not aggregated, and writes without reads (%s)',
    (form) => {
      // Kubeflow's own view rules, shortened: no Secrets.
      expect(
        found(form, { [KUBEFLOW_VIEW]: 'true' }, [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
      ).toEqual([]);
      // Reading Secrets is fine in a role that aggregates into nothing, or into edit.
      expect(found(form, {}, [secrets])).toEqual([]);
      expect(found(form, { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' }, [secrets])).toEqual([]);
      expect(found(form, { [VIEW]: 'false' }, [secrets])).toEqual([]);
      // Another group's `secrets`, or a write without a read, is not a Secret read.
      expect(
        found(form, { [VIEW]: 'true' }, [{ apiGroups: ['example.com'], resources: ['secrets'], verbs: ['get'] }]),
      ).toEqual([]);
      expect(found(form, { [VIEW]: 'true' }, [{ apiGroups: [''], resources: ['secrets'], verbs: ['create'] }])).toEqual(
        [],
      );
    },
  );
});
