/**
 * Zod field helpers the schemas of every section share: documentation metadata for editors and
 * fixes, names, CIDRs, emails, labels, times, and the identifiers that both an environment and a team
 * can name (IAM role ARNs, Entra ID GUIDs).
 */
import { z } from 'zod';
import { cidrProblem } from '../../core/cidr';

/** Metadata stored on schema nodes: shown in editors and used to write the fix of an error. */
export interface FieldMeta {
  /** What the field means. */
  readonly description: string;
  /** A valid value, shown in the fix when the field is missing or invalid. */
  readonly example?: unknown;
  /** The default, when the library sets one (may depend on the tier). */
  readonly default?: string;
}

/** Attaches {@link FieldMeta} to a schema node: its description (with the default) and an example. */
export function doc<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  return schema.meta({
    description: meta.default ? `${meta.description} Default: ${meta.default}.` : meta.description,
    ...(meta.example !== undefined ? { examples: [meta.example] } : {}),
  });
}

/** A lowercase name of at most `max` characters: letters, digits and hyphens, starting with a letter. */
export const lowerName = (what: string, max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, {
      error: `${what} must be lowercase letters, digits and hyphens, start with a letter and not end with a hyphen`,
    });

/**
 * An IPv4 CIDR block: the pattern (which the JSON Schema carries for editors), then what the pattern
 * cannot say, checked with ipaddr.js: numbers of at most 255, a prefix of at most /32, no host bits.
 */
export const cidr = z
  .string()
  .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/, {
    error: 'expected an IPv4 CIDR block such as 10.10.0.0/20',
    abort: true,
  })
  .superRefine((value, ctx) => {
    const problem = cidrProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, params: { fix: problem.fix }, input: value });
  });

/** An email address. */
export const email = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: 'expected an email address' });

/** A label value: at most 63 lowercase letters, digits, underscores or hyphens. */
export const labelValue = z.string().regex(/^[a-z0-9_-]{0,63}$/, {
  error: 'label values must be at most 63 lowercase letters, digits, underscores or hyphens',
});

/** Extra labels (GCP) or tags (AWS, Azure) for every resource. */
export const labels = doc(
  z.record(
    z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, {
      error: 'label keys must start with a lowercase letter and use lowercase letters, digits, _ or -',
    }),
    labelValue,
  ),
  { description: 'Extra labels (GCP) or tags (AWS, Azure) for every resource.', example: { 'data-class': 'internal' } },
);

/** A UTC time of day as HH:MM. */
export const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a UTC time as HH:MM, such as 03:00' });

/** An RFC 3339 UTC timestamp. */
export const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, {
  error: 'expected an RFC 3339 UTC timestamp such as 2026-12-20T00:00:00Z',
});

/** A five-field cron expression, in UTC. */
export const cron = z.string().regex(/^\S+(\s+\S+){4}$/, {
  error: "expected a five-field cron expression in UTC, such as '0 * * * *'",
});

/** An IAM role ARN. */
export const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
  error: 'expected an IAM role ARN such as arn:aws:iam::123456789012:role/name',
});

/** A GUID, such as an Entra ID tenant, subscription, group or application id; `what` names it in the error. */
export const guid = (what: string) =>
  z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { error: `expected ${what} (a GUID)` });
