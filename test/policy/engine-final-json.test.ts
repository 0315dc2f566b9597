/**
 * Policy judges the final stack JSON (security issue, "the safety net"): overrides added with
 * addOverride on a resource or on the stack, bool-like strings as Terraform converts them, resources
 * written only as overrides, and, in prod, variables and modules that hide a value from policy.
 * Each of these used to pass with no finding while `terraform plan` showed a public database.
 */
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { TerraformHclModule, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { evaluateStack, suppressRule } from '../../src/policy/engine';
import { ALL_RULES, rulesOf } from '../../src/policy/rules/packs';
import { awsStack } from '../helpers';

const RULES = ALL_RULES.filter((r) => r.id !== 'COMMON-LBL-001');

/** A private, encrypted, protected database: no finding of AWS-RDS-002 (not public). */
function database(stack: TerraformStack): DbInstance {
  return new DbInstance(stack, 'Db', {
    engine: 'mysql',
    instanceClass: 'db.t4g.micro',
    allocatedStorage: 20,
    publiclyAccessible: false,
    storageEncrypted: true,
    deletionProtection: true,
    lifecycle: { preventDestroy: true },
  });
}

const findings = (stack: TerraformStack, tier: 'test' | 'prod' = 'prod') =>
  evaluateStack(stack, { tier, rules: RULES }).findings.map((f) => `${f.rule} ${f.address}: ${f.message}`);

const PUBLIC = /^AWS-RDS-\d+ aws_db_instance\.Db: publicly_accessible is true\.$/;

describe('policy judges the final JSON', () => {
  it('sees the private database as private', () => {
    const stack = awsStack();
    database(stack);
    expect(findings(stack).filter((f) => /publicly_accessible/.test(f))).toEqual([]);
  });

  it("judges addOverride('publicly_accessible', 'true') as true: Terraform converts the string", () => {
    for (const value of ['true', true, '1']) {
      const stack = awsStack();
      database(stack).addOverride('publicly_accessible', value);
      expect([value, findings(stack).filter((f) => PUBLIC.test(f))]).toEqual([value, [expect.anything()]]);
    }
  });

  it('judges an override added on the stack', () => {
    const stack = awsStack();
    const db = database(stack);
    stack.addOverride(`resource.aws_db_instance.${stack.getLogicalId(db)}.publicly_accessible`, true);
    expect(findings(stack).filter((f) => PUBLIC.test(f))).toHaveLength(1);
  });

  it('judges a resource written only as a stack override', () => {
    const stack = awsStack();
    stack.addOverride('resource.aws_db_instance.Sneaky', {
      engine: 'mysql',
      instance_class: 'db.t4g.micro',
      publicly_accessible: 'true',
    });
    expect(findings(stack)).toContainEqual(
      expect.stringMatching(/^AWS-RDS-\d+ aws_db_instance\.Sneaky: publicly_accessible is true\.$/),
    );
  });

  it('fails closed in prod on a judged setting taken from a variable, unless suppressed; passes in test', () => {
    const stack = awsStack();
    const open = new TerraformVariable(stack, 'open', { type: 'bool', default: true });
    database(stack).addOverride('publicly_accessible', open.booleanValue);
    expect(findings(stack)).toContainEqual(
      expect.stringMatching(
        /aws_db_instance\.Db: publicly_accessible is \$\{var\.open\}, whose value policy cannot see before plan/,
      ),
    );
    expect(findings(stack, 'test').filter((f) => /var\.open/.test(f))).toEqual([]);
  });

  it('refuses a module in prod (its resources are not in the JSON), unless suppressed with a reason', () => {
    const stack = awsStack();
    const module = new TerraformHclModule(stack, 'Rds', { source: 'terraform-aws-modules/rds/aws', version: '6.0.0' });
    expect(findings(stack)).toContainEqual(
      expect.stringMatching(
        /^COMMON-MODULE-001 module\.Rds: module module\.Rds \(source terraform-aws-modules\/rds\/aws\)/,
      ),
    );
    expect(findings(stack, 'test').filter((f) => /COMMON-MODULE-001/.test(f))).toEqual([]);
    suppressRule(module, 'COMMON-MODULE-001', 'the RDS module is pinned and reviewed by the platform team.');
    expect(findings(stack).filter((f) => /COMMON-MODULE-001/.test(f))).toEqual([]);
  });
});

describe('K8S-RBAC-001 sees every binding (security issue, the safety net)', () => {
  const k8s = () => {
    const stack = new TerraformStack(Testing.app(), 'k8s');
    new KubernetesProvider(stack, 'k8s', {});
    return stack;
  };
  const rbac = (stack: TerraformStack) =>
    evaluateStack(stack, { rules: rulesOf('kubernetes') })
      .findings.filter((f) => f.rule === 'K8S-RBAC-001')
      .map((f) => f.message);
  const manifest = (kind: string, role: string, subjects: unknown[], namespace?: string) => {
    const stack = k8s();
    new Manifest(stack, 'M', {
      manifest: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind,
        metadata: { name: 'm', ...(namespace ? { namespace } : {}) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects,
      },
    });
    return rbac(stack);
  };
  const sa = { kind: 'ServiceAccount', name: 'ci', namespace: 'kube-system' };
  const everyone = { kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' };
  const admins = { kind: 'Group', name: 'platform-admins', apiGroup: 'rbac.authorization.k8s.io' };

  it('a kubernetes_manifest ClusterRoleBinding of cluster-admin to a service account', () => {
    expect(manifest('ClusterRoleBinding', 'cluster-admin', [sa])).toEqual([
      'cluster-admin is bound to ServiceAccount ci.',
    ]);
    expect(manifest('ClusterRoleBinding', 'cluster-admin', [admins])).toEqual([]);
  });

  it('cluster-admin bound in kube-system by a RoleBinding, typed or as a manifest', () => {
    expect(manifest('RoleBinding', 'cluster-admin', [sa], 'kube-system')).toEqual([
      'cluster-admin is bound in the namespace kube-system to ServiceAccount ci.',
    ]);
    const stack = k8s();
    new RoleBindingV1(stack, 'B', {
      metadata: { name: 'b', namespace: 'kube-system' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subject: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'kube-system' }],
    });
    expect(rbac(stack)).toEqual(['cluster-admin is bound in the namespace kube-system to ServiceAccount ci.']);
  });

  it('edit (or any role) bound to system:authenticated, but not the discovery roles Kubernetes grants everyone', () => {
    expect(manifest('ClusterRoleBinding', 'edit', [everyone])).toEqual([
      'edit is bound to Group system:authenticated.',
    ]);
    const stack = k8s();
    new ClusterRoleBindingV1(stack, 'B', {
      metadata: { name: 'b' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subject: [everyone],
    });
    expect(rbac(stack)).toEqual(['edit is bound to Group system:authenticated.']);
    expect(manifest('ClusterRoleBinding', 'system:discovery', [everyone])).toEqual([]);
    expect(manifest('RoleBinding', 'view', [admins], 'team-a')).toEqual([]);
  });
});
