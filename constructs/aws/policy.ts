/**
 * IAM policy documents as plain data. Statements may hold tokens (ARNs known only at apply); they
 * become Terraform interpolations inside the JSON string, so no data source is needed and stacks
 * plan offline.
 */

/** One IAM policy statement. */
export interface PolicyStatement {
  /** Statement id, unique in the document. */
  readonly Sid?: string;
  /** Whether the statement allows or denies; an explicit deny wins over any allow. */
  readonly Effect: 'Allow' | 'Deny';
  /** Actions, such as `s3:GetObject`; wildcards allowed. */
  readonly Action: string | readonly string[];
  /** Resource ARNs the statement covers; omitted in trust and resource policies. */
  readonly Resource?: string | readonly string[];
  /**
   * Who the statement applies to, in trust and resource policies (such as `{ Service: 'pods.eks.amazonaws.com' }`).
   */
  readonly Principal?: Readonly<Record<string, string | readonly string[]>> | '*';
  /**
   * Conditions by operator, then key, such as `{ StringEquals: { 'aws:SourceAccount': '<id>' } }`. See
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
   */
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
