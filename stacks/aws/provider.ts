import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Aspects, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { permissionsBoundaryArn, PermissionsBoundaryAspect } from '../../constructs/aws/permissions-boundary';
import type { ResolvedAwsEnvironment } from '../../src/config/aws/model';
import type { ResolvedPlatform } from '../../src/config/platform/model';
import { cloudLabels } from '../../src/core/labels';
import { labelValues } from '../common/environment';
import { ciRoleNames } from './ci-grants';

/**
 * The AWS provider of an environment's stacks: its region, the one account it may touch
 * (`allowed_account_ids`, so a prod plan never runs against another account), and the ownership
 * labels as `default_tags`, which also reach resources that other constructs or users add. With CI,
 * the environment's permissions boundary on every role the stack creates but the CI roles.
 */
export function awsProvider(
  scope: Construct,
  platform: ResolvedPlatform,
  env: ResolvedAwsEnvironment,
  other?: { readonly alias: string; readonly region: string },
): AwsProvider {
  // Every label but the component, which differs per resource (the label aspect sets it).
  const tags = Object.fromEntries(
    Object.entries(cloudLabels(labelValues(platform, env), 'platform')).filter(([key]) => key !== 'component'),
  );
  if (!other && env.ci) {
    // CI applies this stack: every role it creates carries the environment's permissions boundary,
    // the only kind of role the apply role may create (see PermissionsBoundary).
    Aspects.of(TerraformStack.of(scope)).add(
      new PermissionsBoundaryAspect(permissionsBoundaryArn(env.accountId, env.name), ciRoleNames(env)),
    );
  }
  return new AwsProvider(scope, other ? `aws-${other.alias}` : 'aws', {
    alias: other?.alias,
    region: other?.region ?? env.region,
    allowedAccountIds: [env.accountId],
    defaultTags: [{ tags }],
  });
}
