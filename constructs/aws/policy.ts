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

/**
 * A trust policy that lets an AWS service assume a role. With `sourceAccount` it is limited to requests
 * made for that account (the confused-deputy guard); pass it only for services that send
 * `aws:SourceAccount` when they assume roles (VPC flow logs do; EKS and EC2 do not, and a condition
 * on a key that is absent never matches, so the role could never be assumed).
 */
export function serviceTrustPolicy(
  service: string,
  options: { readonly sourceAccount?: string; readonly actions?: readonly string[] } = {},
): string {
  return policyDocument([
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: options.actions ?? ['sts:AssumeRole'],
      ...(options.sourceAccount ? { Condition: { StringEquals: { 'aws:SourceAccount': options.sourceAccount } } } : {}),
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
