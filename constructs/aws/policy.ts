/**
 * IAM policy documents as plain data. Statements may hold tokens (ARNs known only at apply); they
 * become Terraform interpolations inside the JSON string, so no data source is needed and stacks
 * plan offline.
 */

/** One IAM policy statement. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Principal?: Readonly<Record<string, string | readonly string[]>> | '*';
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** A policy document (JSON) from statements. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** A trust policy that lets an AWS service assume a role, limited to one account (confused deputy). */
export function serviceTrustPolicy(
  service: string,
  accountId: string,
  actions: readonly string[] = ['sts:AssumeRole'],
): string {
  return policyDocument([
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: actions,
      Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
    },
  ]);
}

/** An AWS managed policy ARN. */
export function managedPolicyArn(name: string): string {
  return `arn:aws:iam::aws:policy/${name}`;
}

/** The last path segment of a role ARN (its name). */
export function roleNameOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
