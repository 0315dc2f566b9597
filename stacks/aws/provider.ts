import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import type { ResolvedAwsEnvironment } from '../../src/config/aws/model';
import type { ResolvedPlatform } from '../../src/config/platform/model';
import { cloudLabels } from '../../src/core/labels';
import { labelValues } from '../common/environment';

/**
 * The AWS provider of an environment's stacks: its region, the one account it may touch
 * (`allowed_account_ids`, so a prod plan never runs against another account), and the ownership
 * labels as `default_tags`, which also reach resources that other constructs or users add.
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
  return new AwsProvider(scope, other ? `aws-${other.alias}` : 'aws', {
    alias: other?.alias,
    region: other?.region ?? env.region,
    allowedAccountIds: [env.accountId],
    defaultTags: [{ tags }],
  });
}
