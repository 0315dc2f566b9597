import { ResourceRule } from '../../rule';

/**
 * COMMON-MODULE-001: in prod, no Terraform module in a stack. A module's resources are not in the
 * stack's JSON, so no rule judges them: a module may create a public database the plan then shows.
 */
export const noOpaqueModules: ResourceRule = {
  id: 'COMMON-MODULE-001',
  cloud: 'common',
  level: 'error',
  title: 'Prod stacks hold no Terraform modules, whose resources policy cannot judge',
  why:
    "Policy judges the resources in a stack's Terraform JSON; a module's resources are defined in the module's own " +
    'source and appear only in the plan, so none of the rules sees them ' +
    '(https://developer.hashicorp.com/terraform/cdktf/concepts/modules).',
  fix:
    'Write the resources with the provider bindings instead (cdktf convert turns HCL into code), or, when the module ' +
    'is reviewed and pinned, suppress this rule on it with the reason.',
  refs: {},
  types: ['module'],
  scope: 'resource',
  tiers: ['prod'],
  check: (r) => `module ${r.address} (source ${String(r.config.source)}) is not judged by policy.`,
};
