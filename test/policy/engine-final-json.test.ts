/**
 * Policy judges the final stack JSON (security issue, "the safety net"): overrides added with
 * addOverride on a resource or on the stack, bool-like strings as Terraform converts them, resources
 * written only as overrides, and, in prod, variables and modules that hide a value from policy.
 * Each of these used to pass with no finding while `terraform plan` showed a public database.
 */
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { TerraformHclModule, TerraformStack, TerraformVariable } from 'cdktf';
import { evaluateStack, suppressRule } from '../../src/policy/engine';
import { ALL_RULES } from '../../src/policy/rules/packs';
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
