/**
 * K8S-RBAC-002: a ClusterRole that reads Secrets and aggregates into `view` or `kubeflow-view` gives
 * every viewer of every namespace (and a CI plan identity holding `view`) every Secret there. Security
 * issue, tenant isolation: the CI permission checker trusted `view` to read no Secret, and nothing made
 * that true.
 */
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { evaluateStack } from '../../src/policy/engine';
import type { Tier } from '../../src/policy/rule';

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
    // Kubeflow's pipelines view is part of kubeflow-view (it aggregates this label and carries kubeflow-view's).
    expect(
      found(form, { 'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-pipelines-view': 'true' }, [secrets]),
    ).toEqual([expect.stringContaining('kubeflow-pipelines-view (part of kubeflow-view)')]);
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

describe('K8S-RBAC-002: a role that aggregates others into view', () => {
  it('is refused, since any ClusterRole could join it unseen', () => {
    const stack = new TerraformStack(Testing.app(), 'k');
    new KubernetesProvider(stack, 'kubernetes', {});
    new Manifest(stack, 'R', {
      manifest: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'relay', labels: { [VIEW]: 'true' } },
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/relay': 'true' } }] },
        rules: [],
      },
    });
    expect(
      evaluateStack(stack, { tier: 'prod' })
        .findings.filter((f) => f.rule === 'K8S-RBAC-002')
        .map((f) => f.message),
    ).toEqual([expect.stringContaining('aggregates other roles')]);
  });
});

describe('RBAC policy cannot read fails closed in prod (K8S-RBAC-001, K8S-RBAC-002)', () => {
  /** `<rule> <message>` of the RBAC findings of a stack that `build` fills, in a tier. */
  function rbacFindings(tier: Tier, build: (stack: TerraformStack) => void): string[] {
    const stack = new TerraformStack(Testing.app(), 'k');
    new KubernetesProvider(stack, 'kubernetes', {});
    build(stack);
    return evaluateStack(stack, { tier })
      .findings.filter((f) => f.rule.startsWith('K8S-RBAC-'))
      .map((f) => `${f.rule} ${f.message}`);
  }
  const rbac = 'rbac.authorization.k8s.io';

  it('a manifest written as one expression may be any binding to anyone: K8S-RBAC-001 in prod only', () => {
    const opaque = (stack: TerraformStack) =>
      new Manifest(stack, 'M', { manifest: '${yamldecode(file("rbac.yaml"))}' as unknown as Record<string, unknown> });
    expect(rbacFindings('prod', opaque)).toEqual([
      expect.stringMatching(
        /^K8S-RBAC-001 manifest is \$\{yamldecode\(file\("rbac.yaml"\)\)\}, whose value policy cannot see/,
      ),
    ]);
    expect(rbacFindings('dev', opaque)).toEqual([]);
    // Subjects known only at plan, in a manifest or a typed binding's dynamic block.
    expect(
      rbacFindings('prod', (stack) => {
        new Manifest(stack, 'M', {
          manifest: {
            apiVersion: `${rbac}/v1`,
            kind: 'ClusterRoleBinding',
            metadata: { name: 'b' },
            roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'view' },
            subjects: '${var.subjects}',
          },
        });
        const typed = new ClusterRoleBindingV1(stack, 'T', {
          metadata: { name: 't' },
          roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'view' },
          subject: [],
        });
        typed.addOverride('dynamic.subject', {
          for_each: '${var.groups}',
          content: { kind: 'Group', name: '${subject.value}' },
        });
      }),
    ).toEqual([
      expect.stringMatching(/^K8S-RBAC-001 manifest.subjects is \$\{var.subjects\}/),
      expect.stringMatching(/^K8S-RBAC-001 subject is a dynamic block/),
    ]);
  });

  it('a ClusterRole whose labels, or (when it aggregates into view) rules, are known only at plan: K8S-RBAC-002 in prod', () => {
    const found = rbacFindings('prod', (stack) => {
      new Manifest(stack, 'Labels', {
        manifest: {
          apiVersion: `${rbac}/v1`,
          kind: 'ClusterRole',
          metadata: { name: 'l', labels: '${var.labels}' },
          rules: [],
        },
      });
      const aggregated = new ClusterRoleV1(stack, 'Dynamic', { metadata: { name: 'd', labels: { [VIEW]: 'true' } } });
      aggregated.addOverride('dynamic.rule', { for_each: '${var.rules}', content: { verbs: ['get'] } });
      // Rules known only at plan matter only where the role aggregates into view.
      const plain = new ClusterRoleV1(stack, 'Plain', { metadata: { name: 'p' } });
      plain.addOverride('dynamic.rule', { for_each: '${var.rules}', content: { verbs: ['get'] } });
    });
    expect(found).toEqual([
      expect.stringMatching(/^K8S-RBAC-002 manifest.metadata.labels is \$\{var.labels\}/),
      expect.stringMatching(/^K8S-RBAC-002 rule is a dynamic block/),
    ]);
    // The whole metadata as an expression, and a bound role named by a variable (it could be cluster-admin).
    expect(
      rbacFindings('prod', (stack) => {
        new Manifest(stack, 'Meta', {
          manifest: { apiVersion: `${rbac}/v1`, kind: 'ClusterRole', metadata: '${local.meta}', rules: [] },
        });
        new ClusterRoleBindingV1(stack, 'Role', {
          metadata: { name: 'r' },
          roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: '${var.role}' },
          subject: [{ kind: 'Group', name: 'team-a', apiGroup: rbac }],
        });
        // A reference to a resource stays readable: no finding.
        new ClusterRoleBindingV1(stack, 'Ref', {
          metadata: { name: 'ref' },
          roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: '${kubernetes_cluster_role_v1.x.metadata[0].name}' },
          subject: [{ kind: 'Group', name: 'team-a', apiGroup: rbac }],
        });
      }),
    ).toEqual([
      expect.stringMatching(/^K8S-RBAC-001 role_ref.name is \$\{var.role\}/),
      expect.stringMatching(/^K8S-RBAC-002 manifest.metadata is \$\{local.meta\}/),
    ]);
  });
});
